//! Support ticket categories, SLA policies, tickets and their comments.

use super::people::SUPPORT;
use super::{World, history_end, history_start};
use crate::date::Stamp;
use crate::value::{TableData, row};

const STREAM: u64 = 9;
const N_TICKETS: usize = 900;

/// Category name, default priority, whether it concerns a product, whether it concerns an order.
const CATEGORIES: [(&str, &str, bool, bool); 6] = [
    ("Billing", "Medium", false, true),
    ("Shipping Delay", "High", false, true),
    ("Product Defect", "High", true, true),
    ("Installation", "Medium", true, false),
    ("Account Access", "Low", false, false),
    ("Returns and Refunds", "Medium", false, true),
];

/// Priority, first-response hours, resolution hours.
const SLAS: [(&str, i64, i64); 4] = [("Urgent", 1, 8), ("High", 4, 24), ("Medium", 8, 72), ("Low", 24, 120)];

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);
    let mut categories =
        TableData::new("sup_ticket_category", &["ticket_category_id", "category_name", "default_priority"]);
    for (id, (name, priority, _, _)) in (1_i64..).zip(CATEGORIES) {
        categories.push(row![id, name, priority]);
    }
    world.emit(categories);
    let mut slas =
        TableData::new("sup_sla_policy", &["sla_policy_id", "priority", "first_response_hours", "resolution_hours"]);
    for (id, (priority, response, resolution)) in (1_i64..).zip(SLAS) {
        slas.push(row![id, priority, response, resolution]);
    }
    world.emit(slas);

    let mut tickets = TableData::new(
        "sup_ticket",
        &[
            "ticket_id",
            "ticket_number",
            "customer_id",
            "contact_id",
            "product_id",
            "order_id",
            "ticket_category_id",
            "assigned_agent_id",
            "priority",
            "ticket_status",
            "channel",
            "opened_at",
            "resolved_at",
            "satisfaction_score",
        ],
    );
    let mut comments = TableData::new(
        "sup_ticket_comment",
        &["comment_id", "ticket_id", "author_employee_id", "created_at", "is_public", "body"],
    );
    let end = history_end();
    let mut opened_days: Vec<_> = (0..N_TICKETS).map(|_| g.day_between(history_start(), end)).collect();
    opened_days.sort();
    for (id, day) in (1_i64..).zip(opened_days) {
        // Tickets come from customers who have ordered, about an order placed before the ticket.
        let orders: Vec<_> = world.orders.iter().filter(|o| o.date < day).collect();
        let Some(order) = orders.get(g.index(orders.len())).copied() else { continue };
        let Some(customer) = world.customers.get(order.customer) else { continue };
        let category = *g.weighted(&[(0_usize, 18), (1, 22), (2, 20), (3, 12), (4, 10), (5, 18)]);
        let (_, default_priority, about_product, about_order) =
            CATEGORIES.get(category).copied().unwrap_or(CATEGORIES[0]);
        let priority = if g.percent(10) {
            "Urgent"
        } else if g.percent(20) {
            "Low"
        } else {
            default_priority
        };
        let product = about_product
            .then(|| world.products.iter().filter(|p| p.orderable_on(order.date)).nth(g.index(20)).map_or(1, |p| p.id));
        let agents = world.staff(SUPPORT, day);
        let agent = agents.get(g.index(agents.len())).copied().unwrap_or(SUPPORT);
        let opened = Stamp::at(day, g.range(7, 19), g.range(0, 59));
        let (_, _, target_hours) = SLAS.iter().find(|s| s.0 == priority).copied().unwrap_or(SLAS[2]);
        let hours = g.range(1, target_hours * 2);
        let resolved = opened.plus_minutes(hours * 60 + g.range(0, 59));
        // Recent tickets are often still waiting on a customer or a part.
        let stalled = day.0 > end.0 - 30 && g.percent(40);
        let (status, resolved_at) = if stalled || resolved.day > end {
            (*g.weighted(&[("Open", 50), ("In Progress", 50)]), None)
        } else if resolved.day.0 > end.0 - 14 {
            ("Resolved", Some(resolved))
        } else {
            ("Closed", Some(resolved))
        };
        // Slow resolutions earn lower scores; not every customer answers the survey.
        let score = resolved_at.filter(|_| g.percent(60)).map(|_| {
            let base = if hours > target_hours { 3 } else { 5 };
            (base - g.range(0, 2)).max(1)
        });
        let contact = customer.first_contact_id + g.range(0, customer.n_contacts - 1);
        tickets.push(row![
            id,
            format!("TCK-{id:06}"),
            customer.id,
            contact,
            product,
            about_order.then_some(order.id),
            category + 1,
            agent,
            priority,
            status,
            *g.weighted(&[("Email", 40), ("Phone", 25), ("Chat", 20), ("Portal", 15)]),
            opened,
            resolved_at,
            score,
        ]);
        comments.push(row![
            comments.len() + 1,
            id,
            agent,
            opened.plus_minutes(g.range(10, 240)),
            true,
            "Thanks for reaching out, we are looking into this."
        ]);
        if let Some(done) = resolved_at {
            comments.push(row![
                comments.len() + 1,
                id,
                agent,
                done,
                true,
                "The issue has been resolved. Please let us know if anything else comes up."
            ]);
        }
    }
    world.emit(tickets);
    world.emit(comments);
}
