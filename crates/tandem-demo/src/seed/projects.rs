//! Professional-services projects, their staffing and booked hours.

use super::people::ENGINEERING;
use super::{World, history_end};
use crate::date::Day;
use crate::value::{TableData, Value, dec, row};

const STREAM: u64 = 11;

const PROJECTS: [&str; 20] = [
    "ERP Migration",
    "Data Center Consolidation",
    "Network Refresh",
    "Cloud Backup Rollout",
    "Office Relocation",
    "Endpoint Security Upgrade",
    "Collaboration Suite Deployment",
    "Warehouse Wi-Fi Upgrade",
    "Print Fleet Renewal",
    "Call Center Modernisation",
    "BI Dashboard Build",
    "Laptop Fleet Rollout",
    "Branch Office Setup",
    "Disaster Recovery Plan",
    "Identity Management",
    "VoIP Migration",
    "Storage Tiering",
    "Internal Portal",
    "Customer Portal Revamp",
    "Compliance Reporting",
];

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);
    let mut projects = TableData::new(
        "proj_project",
        &[
            "project_id",
            "project_code",
            "project_name",
            "customer_id",
            "manager_id",
            "start_date",
            "end_date",
            "budget_amount",
            "project_status",
        ],
    );
    let mut members =
        TableData::new("proj_project_member", &["project_id", "employee_id", "project_role", "allocation_pct"]);
    let mut hours = TableData::new(
        "proj_timesheet_entry",
        &["timesheet_entry_id", "project_id", "employee_id", "work_date", "hours", "is_billable"],
    );
    let end = history_end();
    let engineers = world.staff(ENGINEERING, end);
    // A small pool staffs many projects, so some engineers sit on several at once.
    let pool: Vec<i64> = engineers.iter().take(14).copied().collect();
    for (id, name) in (1_i64..).zip(PROJECTS) {
        let start = g.day_between(Day::ymd(2022, 1, 1), Day::ymd(2024, 9, 30));
        let finish = start.plus(g.range(90, 400));
        let status = if finish < end {
            "Completed"
        } else if g.percent(15) {
            "On Hold"
        } else {
            "Active"
        };
        let client = (id % 4 != 0).then(|| world.customers.get(g.index(world.customers.len())).map(|c| c.id)).flatten();
        let manager = pool.first().copied().unwrap_or(ENGINEERING);
        let manager = if id % 3 == 0 { ENGINEERING } else { pool.get(g.index(pool.len())).copied().unwrap_or(manager) };
        projects.push(row![
            id,
            format!("PRJ-{id:03}"),
            format!("{name}"),
            client,
            manager,
            start,
            finish,
            dec(g.range(40, 400) * 100_000),
            status
        ]);

        let mut staffed: Vec<i64> = Vec::new();
        for _ in 0..g.range(3, 6) {
            if let Some(e) = pool.get(g.index(pool.len())).copied()
                && !staffed.contains(&e)
            {
                staffed.push(e);
            }
        }
        for e in &staffed {
            let role = *g.pick(&["Consultant", "Architect", "Developer", "Analyst"]);
            members.push(row![id, *e, role, dec(*g.pick(&[25_i64, 50, 50, 75, 100]) * 100)]);
            // Weekly bookings (Wednesdays) while the project ran, within the history.
            let mut day = start.plus(2);
            while day <= finish.min(end) {
                if g.percent(70) {
                    hours.push(vec![
                        Value::from(hours.len() + 1),
                        Value::from(id),
                        Value::from(*e),
                        Value::from(day),
                        dec(g.range(2, 8) * 100),
                        Value::from(client.is_some() && g.percent(90)),
                    ]);
                }
                day = day.plus(7);
            }
        }
    }
    world.emit(projects);
    world.emit(members);
    world.emit(hours);
}
