//! Purchasing, manufacturing, fixed assets and sign-in audit data.

use super::people::{EXECUTIVE, MANUFACTURING, PROCUREMENT};
use super::{World, history_end, history_start};
use crate::date::{Day, Stamp};
use crate::random::Gen;
use crate::value::{TableData, dec, row};

const STREAM: u64 = 12;

/// Plant name and ISO country.
const PLANTS: [(&str, &str); 3] =
    [("Guadalajara Assembly Plant", "MX"), ("Shenzhen Assembly Plant", "CN"), ("Poznan Assembly Plant", "PL")];

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);
    purchasing(world, &mut g);
    manufacturing(world, &mut g);
    assets(world, &mut g);
    logins(world, &mut g);
}

fn purchasing(world: &mut World, g: &mut Gen) {
    let mut orders = TableData::new(
        "purch_purchase_order",
        &[
            "po_id",
            "po_number",
            "supplier_id",
            "buyer_id",
            "warehouse_id",
            "order_date",
            "expected_date",
            "po_status",
            "total_amount",
        ],
    );
    let mut lines = TableData::new(
        "purch_purchase_order_line",
        &["po_line_id", "po_id", "product_id", "quantity", "unit_cost", "line_amount"],
    );
    let mut receipts =
        TableData::new("purch_goods_receipt", &["receipt_id", "po_id", "received_date", "received_by", "is_complete"]);
    let end = history_end();
    let buyers = world.staff(PROCUREMENT, end);
    let stocked: Vec<_> = world.products.iter().filter(|p| p.weight_hg > 0 && p.launch <= end).collect();
    let mut dates: Vec<Day> = (0..320).map(|_| g.day_between(history_start(), end)).collect();
    dates.sort();
    for (id, date) in (1_i64..).zip(dates) {
        let supplier = g.id(world.n_suppliers);
        let warehouse = world.warehouses.get(g.index(world.warehouses.len())).map_or(1, |w| w.0);
        let expected = date.plus(g.range(14, 60));
        let status = if expected < end { *g.weighted(&[("Received", 92), ("Cancelled", 8)]) } else { "Open" };
        let mut total = 0;
        for _ in 0..g.range(1, 4) {
            let Some(product) = stocked.get(g.index(stocked.len())) else { continue };
            let quantity = g.range(2, 40) * 10;
            let amount = quantity * product.cost;
            total += amount;
            lines.push(row![lines.len() + 1, id, product.id, quantity, dec(product.cost), dec(amount)]);
        }
        let buyer = buyers.get(g.index(buyers.len())).copied().unwrap_or(PROCUREMENT);
        orders.push(row![
            id,
            format!("PO-{}-{id:04}", date.year()),
            supplier,
            buyer,
            warehouse,
            date,
            expected,
            status,
            dec(total)
        ]);
        if status == "Received" {
            let received = expected.plus(g.range(-5, 10)).min(end);
            receipts.push(row![receipts.len() + 1, id, received, "Receiving Dock", g.percent(90)]);
        }
    }
    world.emit(orders);
    world.emit(lines);
    world.emit(receipts);
}

fn manufacturing(world: &mut World, g: &mut Gen) {
    let mut plants = TableData::new("mfg_plant", &["plant_id", "plant_name", "country_id", "opened_year"]);
    for (id, (name, iso)) in (1_i64..).zip(PLANTS) {
        plants.push(row![id, name, super::geo::country_index(iso) + 1, 2008 + id * 3]);
    }
    world.emit(plants);

    // Plants assemble desktops, monitors and accessories (categories 2–4).
    let built: Vec<i64> = world
        .products
        .iter()
        .filter(|p| (1..=3).contains(&p.category) && p.launch <= history_end())
        .map(|p| p.id)
        .collect();
    let mut orders = TableData::new(
        "mfg_work_order",
        &[
            "work_order_id",
            "work_order_number",
            "product_id",
            "plant_id",
            "quantity_planned",
            "quantity_completed",
            "quantity_scrapped",
            "start_date",
            "due_date",
            "work_order_status",
        ],
    );
    let end = history_end();
    let mut starts: Vec<Day> = (0..260).map(|_| g.day_between(history_start(), end)).collect();
    starts.sort();
    for (id, start) in (1_i64..).zip(starts) {
        let planned = g.range(5, 60) * 10;
        let due = start.plus(g.range(5, 30));
        let status = if due < end.plus(-5) {
            *g.weighted(&[("Completed", 93), ("Cancelled", 7)])
        } else {
            *g.weighted(&[("In Progress", 70), ("Planned", 30)])
        };
        let (completed, scrapped) = match status {
            "Completed" => {
                let scrapped = planned * g.range(0, 6) / 100;
                (planned - scrapped, scrapped)
            }
            "In Progress" => (planned * g.range(10, 80) / 100, planned * g.range(0, 3) / 100),
            _ => (0, 0),
        };
        let product = built.get(g.index(built.len())).copied().unwrap_or(1);
        orders.push(row![
            id,
            format!("WO-{}-{id:04}", start.year()),
            product,
            g.range(1, 3),
            planned,
            completed,
            scrapped,
            start,
            due,
            status
        ]);
    }
    world.emit(orders);
}

fn assets(world: &mut World, g: &mut Gen) {
    let mut rows = TableData::new(
        "ast_fixed_asset",
        &[
            "asset_id",
            "asset_tag",
            "asset_name",
            "asset_category_id",
            "acquired_date",
            "acquisition_cost",
            "useful_life_months",
            "department_id",
            "custodian_employee_id",
            "asset_status",
        ],
    );
    let end = history_end();
    for id in 1_i64..=150 {
        let category = *g.weighted(&[(1_i64, 45), (2, 10), (3, 8), (4, 15), (5, 8), (6, 10), (7, 4)]);
        let (name, low, high, life) = match category {
            1 => ("Employee laptop", 900, 2_500, 36),
            2 => ("Rack server", 6_000, 25_000, 60),
            3 => ("Delivery van", 28_000, 55_000, 72),
            4 => ("Office furniture set", 1_500, 8_000, 84),
            5 => ("Assembly line machine", 40_000, 250_000, 120),
            6 => ("Core network switch", 3_000, 18_000, 60),
            _ => ("Office fit-out", 20_000, 120_000, 120),
        };
        let department = match category {
            3 => super::people::LOGISTICS,
            5 => MANUFACTURING,
            2 | 6 => super::people::IT,
            _ => g.range(1, 13),
        };
        let custodian =
            (category == 1).then(|| world.employees.get(g.index(world.employees.len())).map(|e| e.id)).flatten();
        let acquired = g.day_between(Day::ymd(2016, 1, 1), end);
        let status = if acquired.0 + life * 30 < end.0 {
            "Disposed"
        } else {
            *g.weighted(&[("In Use", 88), ("In Storage", 12)])
        };
        rows.push(row![
            id,
            format!("FA-{id:05}"),
            name,
            category,
            acquired,
            dec(g.range(low, high) * 100),
            life,
            department,
            custodian,
            status
        ]);
    }
    world.emit(rows);
}

fn logins(world: &mut World, g: &mut Gen) {
    let mut rows = TableData::new(
        "aud_login_event",
        &["login_event_id", "employee_id", "login_at", "ip_address", "was_successful", "application_name"],
    );
    let start = Day::ymd(2024, 10, 1);
    let end = history_end();
    for _ in 0..700 {
        let day = g.day_between(start, end);
        let staff: Vec<i64> = world.employees.iter().filter(|e| e.employed_on(day)).map(|e| e.id).collect();
        let Some(employee) = staff.get(g.index(staff.len())).copied() else { continue };
        // A few accounts (executives' are phished most) produce bursts of failed sign-ins.
        let success = if employee <= EXECUTIVE + 12 { g.percent(70) } else { g.percent(95) };
        let at = Stamp::at(day, g.range(6, 22), g.range(0, 59));
        let ip = format!("10.{}.{}.{}", g.range(0, 40), g.range(0, 255), g.range(1, 254));
        let app = *g.pick(&["ERP", "CRM", "Data Warehouse", "HR Portal", "Email"]);
        rows.push(row![rows.len() + 1, employee, at, ip, success, app]);
    }
    world.emit(rows);
}
