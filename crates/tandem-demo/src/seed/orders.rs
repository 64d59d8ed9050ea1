//! Sales channels, promotions, territories, quotas, and the order history with its lines.

use super::people::SALES;
use super::{Order, World, history_end, history_start};
use crate::date::Day;
use crate::random::Gen;
use crate::value::{TableData, dec, row};

const STREAM: u64 = 6;
const N_ORDERS: usize = 2000;

const CHANNELS: [&str; 4] = ["Online", "Retail", "Partner", "Direct Sales"];

/// Code, name, percent off, first day, last day (as y, m, d).
type Promotion = (&'static str, &'static str, i64, (i64, i64, i64), (i64, i64, i64));

const PROMOTIONS: [Promotion; 15] = [
    ("SPRING22", "Spring Sale 2022", 10, (2022, 3, 15), (2022, 4, 15)),
    ("BTS22", "Back to School 2022", 8, (2022, 8, 1), (2022, 9, 10)),
    ("BLACKFRIDAY22", "Black Friday 2022", 20, (2022, 11, 18), (2022, 11, 30)),
    ("HOLIDAY22", "Holiday Season 2022", 12, (2022, 12, 1), (2022, 12, 24)),
    ("NEWYEAR23", "New Year Kickoff 2023", 7, (2023, 1, 2), (2023, 1, 31)),
    ("SPRING23", "Spring Sale 2023", 10, (2023, 3, 15), (2023, 4, 15)),
    ("SUMMER23", "Summer Clearance 2023", 15, (2023, 7, 1), (2023, 7, 31)),
    ("BLACKFRIDAY23", "Black Friday 2023", 20, (2023, 11, 17), (2023, 11, 30)),
    ("HOLIDAY23", "Holiday Season 2023", 12, (2023, 12, 1), (2023, 12, 24)),
    ("SPRING24", "Spring Sale 2024", 10, (2024, 3, 15), (2024, 4, 15)),
    ("PARTNER24", "Partner Week 2024", 5, (2024, 5, 6), (2024, 5, 12)),
    ("SUMMER24", "Summer Clearance 2024", 15, (2024, 7, 1), (2024, 7, 31)),
    ("BTS24", "Back to School 2024", 8, (2024, 8, 1), (2024, 9, 10)),
    ("BLACKFRIDAY24", "Black Friday 2024", 20, (2024, 11, 22), (2024, 12, 2)),
    ("HOLIDAY24", "Holiday Season 2024", 12, (2024, 12, 3), (2024, 12, 24)),
];

/// Territory name and region id.
const TERRITORIES: [(&str, i64); 10] = [
    ("North America East", 1),
    ("North America West", 1),
    ("Latin America", 2),
    ("DACH", 3),
    ("Western Europe", 3),
    ("UK & Ireland", 3),
    ("Nordics & Benelux", 3),
    ("Japan & Korea", 4),
    ("Greater China & ASEAN", 4),
    ("Middle East & Africa", 5),
];

fn day((y, m, d): (i64, i64, i64)) -> Day {
    Day::ymd(y, m, d)
}

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);
    let mut channels = TableData::new("sales_channel", &["channel_id", "channel_name"]);
    for (id, name) in (1_i64..).zip(CHANNELS) {
        channels.push(row![id, name]);
    }
    world.emit(channels);

    let mut promotions = TableData::new(
        "sales_promotion",
        &["promotion_id", "promotion_code", "promotion_name", "discount_pct", "start_date", "end_date"],
    );
    for (id, (code, name, pct, start, end)) in (1_i64..).zip(PROMOTIONS) {
        promotions.push(row![id, code, name, dec(pct * 100), day(start), day(end)]);
    }
    world.emit(promotions);

    territories(world, &mut g);
    orders(world, &mut g);
}

fn territories(world: &mut World, g: &mut Gen) {
    let mut territories = TableData::new("sales_territory", &["territory_id", "territory_name", "region_id"]);
    for (id, (name, region)) in (1_i64..).zip(TERRITORIES) {
        territories.push(row![id, name, region]);
    }
    world.emit(territories);

    let mut assignments = TableData::new("sales_rep_territory", &["employee_id", "territory_id", "assigned_date"]);
    let mut quotas =
        TableData::new("sales_quota", &["quota_id", "employee_id", "quota_year", "quota_quarter", "quota_amount"]);
    let reps: Vec<_> = world.employees.iter().filter(|e| e.department_id == SALES && e.id != SALES).cloned().collect();
    for (i, e) in reps.iter().enumerate() {
        let first = i64::try_from(i % TERRITORIES.len()).unwrap_or(0) + 1;
        assignments.push(row![e.id, first, e.hire.max(history_start())]);
        if g.percent(30) {
            let second = first % 10 + 1;
            assignments.push(row![e.id, second, e.hire.max(Day::ymd(2023, 1, 1))]);
        }
        for year in 2022..=2024 {
            for quarter in 1..=4 {
                if e.employed_on(Day::ymd(year, quarter * 3 - 2, 1)) {
                    quotas.push(row![quotas.len() + 1, e.id, year, quarter, dec(g.range(150, 400) * 100_000)]);
                }
            }
        }
    }
    world.emit(assignments);
    world.emit(quotas);
}

fn orders(world: &mut World, g: &mut Gen) {
    let mut headers = TableData::new(
        "sales_order",
        &[
            "order_id",
            "order_number",
            "customer_id",
            "order_date",
            "required_date",
            "order_status",
            "channel_id",
            "sales_rep_id",
            "currency_code",
            "subtotal_amount",
            "discount_amount",
            "tax_amount",
            "total_amount",
        ],
    );
    let mut lines = TableData::new(
        "sales_order_line",
        &[
            "order_line_id",
            "order_id",
            "line_number",
            "product_id",
            "quantity",
            "unit_price",
            "discount_pct",
            "line_amount",
        ],
    );
    let mut applied = TableData::new("sales_order_promotion", &["order_id", "promotion_id"]);
    let mut returns =
        TableData::new("sales_return", &["return_id", "order_id", "return_date", "return_reason", "refund_amount"]);

    // Customers are drawn in proportion to their segment's buying power.
    let mut buyers: Vec<usize> = Vec::new();
    for (i, c) in world.customers.iter().enumerate().filter(|(_, c)| c.orders) {
        let weight = match c.segment {
            "Enterprise" => 5,
            "Mid-Market" | "Public Sector" => 3,
            _ => 1,
        };
        buyers.extend(std::iter::repeat_n(i, weight));
    }
    let reps: Vec<_> = world.employees.iter().filter(|e| e.department_id == SALES).cloned().collect();
    let end = history_end();
    let mut dates: Vec<Day> = (0..N_ORDERS)
        .map(|_| {
            let year = *g.weighted(&[(2022, 28), (2023, 34), (2024, 38)]);
            g.day_between(Day::ymd(year, 1, 1), Day::ymd(year, 12, 31))
        })
        .collect();
    dates.sort();
    let mut year_seq = (0_i64, 0_i64);
    for (id, date) in (1_i64..).zip(dates) {
        let Some(&ci) = buyers.get(g.index(buyers.len())) else { continue };
        let Some(customer) = world.customers.get(ci) else { continue };
        let country = world.countries.get(customer.country);
        year_seq = if year_seq.0 == date.year() { (year_seq.0, year_seq.1 + 1) } else { (date.year(), 1) };
        let age = end.0 - date.0;
        let status = if age < 10 {
            *g.weighted(&[("Processing", 70), ("Shipped", 30)])
        } else if age < 45 {
            *g.weighted(&[("Shipped", 40), ("Delivered", 55), ("Cancelled", 5)])
        } else {
            *g.weighted(&[("Delivered", 86), ("Cancelled", 7), ("Returned", 7)])
        };
        let channel = *g.weighted(&[(1_i64, 35), (2, 15), (3, 20), (4, 30)]);
        let rep = if channel == 1 {
            None
        } else {
            let active: Vec<i64> = reps.iter().filter(|e| e.employed_on(date)).map(|e| e.id).collect();
            match customer.manager_id.filter(|m| active.contains(m)) {
                Some(manager) if g.percent(80) => Some(manager),
                _ => active.get(g.index(active.len())).copied(),
            }
        };

        let max_quantity = match customer.segment {
            "Enterprise" => 40,
            "Mid-Market" => 20,
            "Public Sector" => 25,
            _ => 8,
        };
        let available: Vec<_> = world.products.iter().filter(|p| p.orderable_on(date)).collect();
        let mut chosen: Vec<usize> = Vec::new();
        for _ in 0..*g.weighted(&[(1_i64, 30), (2, 30), (3, 20), (4, 12), (5, 8)]) {
            let pick = g.index(available.len());
            if !chosen.contains(&pick) {
                chosen.push(pick);
            }
        }
        let (mut subtotal, mut weight_hg) = (0_i64, 0_i64);
        for (line_number, product) in (1_i64..).zip(chosen.iter().filter_map(|i| available.get(*i))) {
            let quantity = g.range(1, max_quantity);
            let discount = *g.weighted(&[(0_i64, 70), (5, 20), (10, 10)]);
            let amount = quantity * product.price * (100 - discount) / 100;
            subtotal += amount;
            weight_hg += quantity * product.weight_hg;
            lines.push(row![
                lines.len() + 1,
                id,
                line_number,
                product.id,
                quantity,
                dec(product.price),
                dec(discount * 100),
                dec(amount)
            ]);
        }

        // Orders placed during a promotion often use it; Black Friday draws the most.
        let promotion = (1_i64..).zip(PROMOTIONS).find(|(_, p)| day(p.3) <= date && date <= day(p.4));
        let discount = match promotion {
            Some((promotion_id, (_, _, pct, _, _))) if g.percent(if pct >= 20 { 60 } else { 40 }) => {
                applied.push(row![id, promotion_id]);
                subtotal * pct / 100
            }
            _ => 0,
        };
        let tax = (subtotal - discount) * country.map_or(0, |c| c.tax_pct) / 100;
        let total = subtotal - discount + tax;
        headers.push(row![
            id,
            format!("SO-{}-{:05}", date.year(), year_seq.1),
            customer.id,
            date,
            date.plus(g.range(7, 21)),
            status,
            channel,
            rep,
            country.map_or("USD", |c| c.currency),
            dec(subtotal),
            dec(discount),
            dec(tax),
            dec(total),
        ]);
        if status == "Returned" {
            let reason = *g.weighted(&[
                ("Defective", 35),
                ("Wrong Item", 20),
                ("No Longer Needed", 30),
                ("Damaged in Transit", 15),
            ]);
            let refund = if g.percent(70) { total } else { total * g.range(30, 90) / 100 };
            returns.push(row![returns.len() + 1, id, date.plus(g.range(12, 40)).min(end), reason, dec(refund)]);
        }
        world.orders.push(Order { id, customer: ci, date, status, net: subtotal - discount, tax, total, weight_hg });
    }
    world.emit(headers);
    world.emit(lines);
    world.emit(applied);
    world.emit(returns);
}
