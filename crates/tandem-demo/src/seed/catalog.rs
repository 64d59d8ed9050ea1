//! Brands, categories, suppliers, products, tags, prices, warehouses and stock.

use super::names::{BRANDS, CATEGORIES, PRODUCT_NAMES, SUPPLIERS, TAGS};
use super::people::LOGISTICS;
use super::{Product, World, history_end, history_start};
use crate::date::Day;
use crate::value::{TableData, dec, row};

const STREAM: u64 = 4;

/// Name, code, city, ISO country, region id.
const WAREHOUSES: [(&str, &str, &str, &str, i64); 6] = [
    ("Memphis Distribution Center", "WH-US1", "Memphis", "US", 1),
    ("Reno Fulfillment Center", "WH-US2", "Reno", "US", 1),
    ("Toronto Warehouse", "WH-CA1", "Toronto", "CA", 1),
    ("Hamburg Distribution Center", "WH-DE1", "Hamburg", "DE", 3),
    ("Rotterdam Hub", "WH-NL1", "Rotterdam", "NL", 3),
    ("Singapore Hub", "WH-SG1", "Singapore", "SG", 4),
];

/// Products announced but not yet on sale at the end of history: never ordered.
const UPCOMING: [(&str, usize, i64); 2] = [("ProBook 16 Gen 2", 0, 1_899), ("Smartphone Pro 7", 8, 1_199)];

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);

    let mut brands = TableData::new("prd_brand", &["brand_id", "brand_name"]);
    for (id, name) in (1_i64..).zip(BRANDS) {
        brands.push(row![id, name]);
    }
    world.emit(brands);

    let mut categories =
        TableData::new("prd_product_category", &["category_id", "category_name", "parent_category_id", "description"]);
    for (id, (name, description, _, _)) in (1_i64..).zip(CATEGORIES) {
        categories.push(row![id, name, None::<i64>, description]);
    }
    world.emit(categories);

    let mut suppliers = TableData::new(
        "purch_supplier",
        &[
            "supplier_id",
            "supplier_code",
            "supplier_name",
            "country_id",
            "contact_email",
            "payment_terms_days",
            "quality_rating",
        ],
    );
    for (id, (name, iso)) in (1_i64..).zip(SUPPLIERS) {
        let country_id = super::geo::country_index(iso) + 1;
        let slug: String = name.chars().filter(char::is_ascii_alphanumeric).take(12).collect::<String>().to_lowercase();
        suppliers.push(row![
            id,
            format!("V-{id:04}"),
            name,
            country_id,
            format!("orders@{slug}.example.com"),
            *g.pick(&[30_i64, 45, 60]),
            g.range(2, 5)
        ]);
    }
    world.n_suppliers = SUPPLIERS.len();
    world.emit(suppliers);

    products(world, &mut g);
    tags_and_prices(world, &mut g);
    warehouses(world, &mut g);
}

fn products(world: &mut World, g: &mut crate::random::Gen) {
    let mut rows = TableData::new(
        "prd_product",
        &[
            "product_id",
            "sku",
            "product_name",
            "category_id",
            "brand_id",
            "supplier_id",
            "list_price",
            "standard_cost",
            "weight_kg",
            "launch_date",
            "is_discontinued",
        ],
    );
    let mut plan: Vec<(&str, usize, Option<i64>)> = Vec::new();
    for (category, names) in PRODUCT_NAMES.iter().enumerate() {
        plan.extend(names.iter().map(|n| (*n, category, None)));
    }
    plan.extend(UPCOMING.iter().map(|(n, c, p)| (*n, *c, Some(*p))));
    for (id, (name, category, fixed_price)) in (1_i64..).zip(plan) {
        let (cat_name, _, low, high) = CATEGORIES.get(category).copied().unwrap_or(CATEGORIES[0]);
        // Prices end in .99 within the category's band; cost is 55–75% of price.
        let price = fixed_price.unwrap_or_else(|| g.range(low, high)) * 100 - 1;
        let cost = price * g.range(55, 75) / 100;
        let weight_hg = match category {
            0 => g.range(12, 30),
            1 => g.range(40, 120),
            2 => g.range(30, 90),
            3 | 7 => g.range(1, 10),
            9 => 0,
            _ => g.range(5, 40),
        };
        let upcoming = fixed_price.is_some();
        let launch = if upcoming {
            Day::ymd(2025, 1, 15)
        } else if id % 5 == 0 {
            // One product per category arrives during the history, so "new arrivals" exist.
            g.day_between(history_start(), Day::ymd(2024, 6, 30))
        } else {
            g.day_between(Day::ymd(2019, 1, 1), Day::ymd(2021, 12, 31))
        };
        let discontinued = !upcoming && id % 5 == 3 && id <= 25;
        let available_until = if discontinued { Day::ymd(2023, 6, 30) } else { history_end().plus(365) };
        let prefix: String = cat_name.chars().take(3).collect::<String>().to_uppercase();
        rows.push(row![
            id,
            format!("{prefix}-{id:04}"),
            name,
            category + 1,
            g.range(1, 8),
            g.id(world.n_suppliers),
            dec(price),
            dec(cost),
            crate::value::Value::Micros(weight_hg * 100_000),
            launch,
            discontinued,
        ]);
        world.products.push(Product { id, category, price, cost, launch, available_until, weight_hg });
    }
    world.emit(rows);
}

fn tags_and_prices(world: &mut World, g: &mut crate::random::Gen) {
    let mut tags = TableData::new("prd_product_tag", &["tag_id", "tag_name"]);
    for (id, name) in (1_i64..).zip(TAGS) {
        tags.push(row![id, name]);
    }
    world.emit(tags);

    let mut map = TableData::new("prd_product_tag_map", &["product_id", "tag_id"]);
    let mut history =
        TableData::new("prd_price_history", &["price_history_id", "product_id", "effective_date", "list_price"]);
    for p in &world.products {
        let mut chosen: Vec<i64> = Vec::new();
        // Every category has an eco-friendly and a bestselling product, so tag questions have answers.
        if p.id % 5 == 1 {
            chosen.push(2);
        }
        if p.id % 5 == 2 {
            chosen.push(1);
        }
        if p.launch > history_start() {
            chosen.push(3);
        }
        if p.available_until < history_end() {
            chosen.push(4);
        }
        for _ in 0..g.range(0, 2) {
            let tag = *g.pick(&[5_i64, 6, 7, 8, 2]);
            if !chosen.contains(&tag) {
                chosen.push(tag);
            }
        }
        for tag in chosen {
            map.push(row![p.id, tag]);
        }
        let mut price = p.price * 100 / (100 + g.range(3, 12));
        history.push(row![history.len() + 1, p.id, p.launch, dec(price)]);
        if p.launch < history_start() {
            price = p.price;
            history.push(row![history.len() + 1, p.id, Day::ymd(2023, g.range(1, 6), 1), dec(price)]);
        }
    }
    world.emit(map);
    world.emit(history);
}

fn warehouses(world: &mut World, g: &mut crate::random::Gen) {
    let managers = world.staff(LOGISTICS, history_end());
    let mut rows = TableData::new(
        "inv_warehouse",
        &["warehouse_id", "warehouse_code", "warehouse_name", "city", "country_id", "capacity_units", "manager_id"],
    );
    for (id, (name, code, city, iso, region)) in (1_i64..).zip(WAREHOUSES) {
        let manager = managers.get(usize::try_from(id).unwrap_or(0) % managers.len().max(1)).copied();
        rows.push(row![id, code, name, city, super::geo::country_index(iso) + 1, g.range(20, 120) * 1000, manager]);
        world.warehouses.push((id, region));
    }
    world.emit(rows);

    let mut stock = TableData::new(
        "inv_stock_level",
        &["warehouse_id", "product_id", "quantity_on_hand", "quantity_reserved", "reorder_point", "last_counted_date"],
    );
    let mut movements = TableData::new(
        "inv_stock_movement",
        &[
            "movement_id",
            "warehouse_id",
            "product_id",
            "movement_type_id",
            "movement_date",
            "quantity",
            "reference_document",
        ],
    );
    for (warehouse_id, _) in &world.warehouses {
        for p in world.products.iter().filter(|p| p.launch <= history_end()) {
            let reorder = g.range(20, 80);
            // About one line in eight sits below its reorder point and needs replenishment.
            let on_hand = if g.percent(12) { g.range(0, reorder - 1) } else { g.range(reorder, 600) };
            let counted = g.day_between(Day::ymd(2024, 9, 1), history_end());
            stock.push(row![*warehouse_id, p.id, on_hand, g.range(0, on_hand / 4), reorder, counted]);
            for _ in 0..g.range(0, 3) {
                let kind = *g.weighted(&[(1, 40), (5, 25), (3, 10), (4, 10), (6, 15)]);
                let quantity = match kind {
                    1 | 3 | 6 => g.range(10, 200),
                    4 => -g.range(10, 100),
                    _ => g.range(-15, 15),
                };
                let day = g.day_between(Day::ymd(2024, 1, 1), history_end());
                movements.push(row![
                    movements.len() + 1,
                    *warehouse_id,
                    p.id,
                    kind,
                    day,
                    quantity,
                    format!("MV-{:06}", movements.len() + 1)
                ]);
            }
        }
    }
    world.emit(stock);
    world.emit(movements);
}
