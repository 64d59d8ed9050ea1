//! Carriers, outbound shipments, customer invoices, payments and credit notes.

use super::{World, history_end};
use crate::value::{TableData, dec, row};

const STREAM: u64 = 7;

/// Name, mode, tracking prefix, USD cents per kilogram.
const CARRIERS: [(&str, &str, &str, i64); 6] = [
    ("DHL Express", "Parcel", "JD", 450),
    ("FedEx", "Parcel", "FX", 420),
    ("UPS", "Parcel", "1Z", 400),
    ("DB Schenker", "Freight", "DBS", 180),
    ("Kuehne+Nagel", "Freight", "KN", 170),
    ("Maersk", "Ocean", "MAEU", 60),
];

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);
    let mut carriers =
        TableData::new("ship_carrier", &["carrier_id", "carrier_name", "carrier_mode", "tracking_url_template"]);
    for (id, (name, mode, _, _)) in (1_i64..).zip(CARRIERS) {
        let slug: String = name.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
        carriers.push(row![id, name, mode, format!("https://track.{slug}.example.com/{{tracking_number}}")]);
    }
    world.n_carriers = CARRIERS.len();
    world.emit(carriers);

    let mut shipments = TableData::new(
        "ship_shipment",
        &[
            "shipment_id",
            "order_id",
            "carrier_id",
            "warehouse_id",
            "destination_country_id",
            "ship_date",
            "delivered_date",
            "shipment_status",
            "tracking_number",
            "freight_cost",
            "package_count",
        ],
    );
    let mut invoices = TableData::new(
        "fin_invoice",
        &[
            "invoice_id",
            "invoice_number",
            "order_id",
            "customer_id",
            "invoice_date",
            "due_date",
            "invoice_amount",
            "invoice_status",
        ],
    );
    let mut payments = TableData::new(
        "fin_payment",
        &["payment_id", "invoice_id", "payment_date", "payment_amount", "payment_method"],
    );
    let mut credits =
        TableData::new("fin_credit_note", &["credit_note_id", "invoice_id", "credit_date", "credit_amount", "reason"]);
    let end = history_end();
    let mut invoice_seq = (0_i64, 0_i64);

    for (index, order) in world.orders.iter().enumerate() {
        if !matches!(order.status, "Shipped" | "Delivered" | "Returned") {
            continue;
        }
        let Some(customer) = world.customers.get(order.customer) else { continue };
        let Some(country) = world.countries.get(customer.country) else { continue };
        let warehouse = match (country.region_id, country.iso) {
            (1, "CA") => 3,
            (1, _) => *g.pick(&[1_i64, 2]),
            (2, _) => 1,
            (3, _) => *g.pick(&[4_i64, 5]),
            (4, _) => 6,
            _ => 5,
        };
        let weight_kg = (order.weight_hg / 10).max(1);
        let carrier = if weight_kg > 400 {
            if country.region_id == 4 { 6 } else { *g.pick(&[4_i64, 5]) }
        } else {
            match country.region_id {
                1 | 2 => *g.pick(&[2_i64, 3]),
                3 | 5 => *g.weighted(&[(1_i64, 70), (3, 30)]),
                _ => *g.pick(&[1_i64, 2]),
            }
        };
        let (_, _, prefix, rate) =
            CARRIERS.get(usize::try_from(carrier - 1).unwrap_or(0)).copied().unwrap_or(CARRIERS[0]);
        let ship = order.date.plus(g.range(1, 3)).min(end);
        let same_region = world.warehouses.iter().any(|(w, r)| *w == warehouse && *r == country.region_id);
        let transit = if same_region { g.range(1, 5) } else { g.range(4, 12) } + if carrier == 6 { 14 } else { 0 };
        let (delivered, status) = if order.status == "Shipped" {
            (None, if g.percent(20) { "Delayed" } else { "In Transit" })
        } else {
            (Some(ship.plus(transit).min(end)), "Delivered")
        };
        let shipment_id = shipments.len() + 1;
        shipments.push(row![
            shipment_id,
            order.id,
            carrier,
            warehouse,
            country.id,
            ship,
            delivered,
            status,
            format!("{prefix}{:010}", g.range(1, 9_999_999_999)),
            dec((weight_kg * rate).max(1_200)),
            (weight_kg / 25).max(1),
        ]);
        world.shipped.push((ship, index));

        // The invoice goes out with the goods; most customers pay within terms.
        invoice_seq = if invoice_seq.0 == ship.year() { (invoice_seq.0, invoice_seq.1 + 1) } else { (ship.year(), 1) };
        let invoice_id = invoices.len() + 1;
        let due = ship.plus(30);
        let pays = if due.0 < end.0 - 60 { g.percent(96) } else { g.percent(60) };
        let paid_on = ship.plus(g.range(5, 55));
        let status = if pays && paid_on <= end {
            "Paid"
        } else if due < end {
            "Overdue"
        } else {
            "Open"
        };
        invoices.push(row![
            invoice_id,
            format!("INV-{}-{:05}", ship.year(), invoice_seq.1),
            order.id,
            customer.id,
            ship,
            due,
            dec(order.total),
            status
        ]);
        if status == "Paid" {
            let method = *g.weighted(&[("Wire Transfer", 45), ("Credit Card", 25), ("ACH", 22), ("Check", 8)]);
            if g.percent(10) {
                let first = order.total * g.range(30, 70) / 100;
                let early = ship.plus(g.range(2, 20)).min(paid_on);
                payments.push(row![payments.len() + 1, invoice_id, early, dec(first), method]);
                payments.push(row![payments.len() + 1, invoice_id, paid_on, dec(order.total - first), method]);
            } else {
                payments.push(row![payments.len() + 1, invoice_id, paid_on, dec(order.total), method]);
            }
        }
        if order.status == "Returned" {
            credits.push(row![
                credits.len() + 1,
                invoice_id,
                ship.plus(g.range(15, 45)).min(end),
                dec(order.total),
                "Goods returned"
            ]);
        }
    }
    world.emit(shipments);
    world.emit(invoices);
    world.emit(payments);
    world.emit(credits);
}
