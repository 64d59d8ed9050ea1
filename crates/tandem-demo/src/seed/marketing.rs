//! Marketing campaigns, their monthly spend and the leads they generated.

use super::people::MARKETING;
use super::{World, history_end};
use crate::date::Day;
use crate::value::{TableData, dec, row};

const STREAM: u64 = 10;

/// Campaign theme and channel; each runs once a year.
const CAMPAIGNS: [(&str, &str); 8] = [
    ("New Year Laptop Refresh", "Email"),
    ("Spring Networking Webinar Series", "Webinar"),
    ("Hybrid Work Essentials", "Paid Search"),
    ("Summer Storage Promotion", "Social"),
    ("Back to School Campaign", "Paid Search"),
    ("IT Leaders Summit", "Events"),
    ("Black Friday Deals", "Email"),
    ("Year-End Budget Flush", "Social"),
];

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);
    let mut campaigns = TableData::new(
        "mkt_campaign",
        &["campaign_id", "campaign_name", "marketing_channel", "start_date", "end_date", "budget_amount", "owner_id"],
    );
    let mut spend = TableData::new("mkt_campaign_spend", &["spend_id", "campaign_id", "spend_month", "spend_amount"]);
    let mut leads = TableData::new(
        "mkt_lead",
        &[
            "lead_id",
            "campaign_id",
            "company_name",
            "contact_email",
            "country_id",
            "lead_status",
            "created_date",
            "converted_customer_id",
        ],
    );
    let marketers = world.staff(MARKETING, history_end());
    let end = history_end();
    let mut id = 0_i64;
    for year in 2022..=2024 {
        for (slot, (theme, channel)) in (0_i64..).zip(CAMPAIGNS) {
            id += 1;
            let start = Day::ymd(year, 1 + slot * 3 / 2, g.range(1, 20));
            let finish = start.plus(g.range(20, 60)).min(end);
            let budget = g.range(20, 150) * 1000;
            let owner = marketers.get(g.index(marketers.len())).copied().unwrap_or(MARKETING);
            campaigns.push(row![id, format!("{theme} {year}"), channel, start, finish, dec(budget * 100), owner]);

            // Spend is booked per month the campaign ran, landing near (sometimes over) budget.
            let mut month = start.month_start();
            let months = (finish.month_start().0 - month.0) / 28 + 1;
            let actual = budget * g.range(80, 115) / 100;
            while month <= finish {
                spend.push(row![spend.len() + 1, id, month, dec(actual * 100 / months)]);
                month = month.month_end().plus(1);
            }

            for _ in 0..g.range(8, 30) {
                let country = g.index(world.countries.len());
                let status = *g.weighted(&[
                    ("New", 15),
                    ("Contacted", 25),
                    ("Qualified", 20),
                    ("Converted", 15),
                    ("Disqualified", 25),
                ]);
                let converted = (status == "Converted")
                    .then(|| world.customers.get(g.index(world.customers.len())).map(|c| c.id))
                    .flatten();
                let company = format!("Prospect {:04}", leads.len() + 1);
                leads.push(row![
                    leads.len() + 1,
                    id,
                    company,
                    format!("info@prospect{:04}.example.com", leads.len() + 1),
                    country + 1,
                    status,
                    g.day_between(start, finish),
                    converted,
                ]);
            }
        }
    }
    world.emit(campaigns);
    world.emit(spend);
    world.emit(leads);
}
