//! Customer accounts, their contacts, the sales pipeline and logged activities.

use super::names::{COMPANY_NOUNS, COMPANY_WORDS, FIRST_NAMES, LAST_NAMES};
use super::people::SALES;
use super::{Customer, World, history_end, history_start};
use crate::date::Day;
use crate::random::Gen;
use crate::value::{TableData, dec, row};

const STREAM: u64 = 5;
const N_CUSTOMERS: usize = 200;

/// Customer countries by ISO code with weights; the first pass gives each one customer so
/// every country appears, the rest follow the weights.
const COUNTRY_WEIGHTS: [(&str, i64); 25] = [
    ("US", 40),
    ("CA", 8),
    ("MX", 4),
    ("BR", 5),
    ("CL", 2),
    ("DE", 16),
    ("FR", 11),
    ("GB", 13),
    ("NL", 5),
    ("ES", 5),
    ("IT", 5),
    ("SE", 3),
    ("CH", 3),
    ("PL", 3),
    ("IE", 2),
    ("BE", 2),
    ("AT", 2),
    ("JP", 8),
    ("CN", 4),
    ("IN", 5),
    ("AU", 6),
    ("SG", 3),
    ("KR", 3),
    ("AE", 2),
    ("ZA", 2),
];

fn legal_suffix(iso: &str) -> &'static str {
    match iso {
        "DE" | "AT" | "CH" => " GmbH",
        "FR" | "BE" => " SA",
        "GB" | "IE" | "ZA" | "IN" | "SG" => " Ltd",
        "NL" => " BV",
        "ES" => " SL",
        "MX" => " S.A. de C.V.",
        "CL" => " SpA",
        "IT" => " SpA",
        "SE" => " AB",
        "PL" => " Sp. z o.o.",
        "JP" | "KR" | "CN" => " Co., Ltd.",
        "BR" => " Ltda",
        "AU" => " Pty Ltd",
        _ => " Inc.",
    }
}

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);
    let reps = world.staff(SALES, history_end());
    customers(world, &mut g, &reps);
    pipeline(world, &mut g, &reps);
}

fn customers(world: &mut World, g: &mut Gen, reps: &[i64]) {
    let mut rows = TableData::new(
        "crm_customer",
        &[
            "customer_id",
            "customer_code",
            "customer_name",
            "segment",
            "industry_id",
            "country_id",
            "city",
            "account_manager_id",
            "credit_limit",
            "customer_since",
            "is_active",
        ],
    );
    let mut contacts = TableData::new(
        "crm_contact",
        &["contact_id", "customer_id", "first_name", "last_name", "email", "job_title", "is_primary"],
    );
    // A seeded shuffle of all word pairs gives distinct names without retries.
    let mut pairs: Vec<(usize, usize)> =
        (0..COMPANY_WORDS.len()).flat_map(|w| (0..COMPANY_NOUNS.len()).map(move |n| (w, n))).collect();
    for i in (1..pairs.len()).rev() {
        let j = g.index(i + 1);
        pairs.swap(i, j);
    }
    let total_weight: i64 = COUNTRY_WEIGHTS.iter().map(|c| c.1).sum();
    for (index, (w, n)) in pairs.into_iter().take(N_CUSTOMERS).enumerate() {
        let id = i64::try_from(index + 1).unwrap_or(i64::MAX);
        let iso = if index < COUNTRY_WEIGHTS.len() {
            COUNTRY_WEIGHTS[index].0
        } else {
            let mut ticket = g.range(1, total_weight);
            COUNTRY_WEIGHTS
                .iter()
                .find(|c| {
                    ticket -= c.1;
                    ticket <= 0
                })
                .map_or("US", |c| c.0)
        };
        let country = super::geo::country_index(iso);
        let city =
            world.countries.get(country).and_then(|c| c.cities.get(g.index(c.cities.len()))).copied().unwrap_or("");
        let (word, (noun, industry)) =
            (COMPANY_WORDS.get(w).copied().unwrap_or("Apex"), COMPANY_NOUNS.get(n).copied().unwrap_or(("Systems", 7)));
        // The first account is a well-known name so demos can ask about it by name.
        let name = if id == 1 { "Acme Corporation".to_owned() } else { format!("{word} {noun}{}", legal_suffix(iso)) };
        let industry = if id == 1 { 2 } else { industry };
        let segment = if id == 1 {
            "Enterprise"
        } else if noun == "University" || (id % 23 == 0) {
            "Public Sector"
        } else {
            *g.weighted(&[("Enterprise", 22), ("Mid-Market", 38), ("Small Business", 40)])
        };
        let credit = match segment {
            "Enterprise" => g.range(200, 1000) * 1000,
            "Mid-Market" => g.range(50, 250) * 1000,
            "Public Sector" => g.range(100, 500) * 1000,
            _ => g.range(5, 60) * 1000,
        };
        // About one account in twelve never orders: inactive, or opened at the very end.
        let orders = id == 1 || id % 12 != 7;
        let since = if orders {
            g.day_between(Day::ymd(2015, 1, 1), Day::ymd(2021, 12, 31))
        } else {
            g.day_between(Day::ymd(2024, 11, 1), history_end())
        };
        let active = orders || g.percent(50);
        let manager =
            (segment != "Small Business" || g.percent(40)).then(|| reps.get(g.index(reps.len())).copied()).flatten();
        rows.push(row![
            id,
            format!("C-{id:05}"),
            name,
            segment,
            industry,
            country + 1,
            city,
            manager,
            dec(credit * 100),
            since,
            active
        ]);

        let first_contact_id = i64::try_from(contacts.len() + 1).unwrap_or(0);
        let n_contacts = g.range(1, 3);
        for k in 0..n_contacts {
            let first = *g.pick(&FIRST_NAMES);
            let last = *g.pick(&LAST_NAMES);
            let domain: String = word.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_lowercase();
            let title =
                *g.pick(&["IT Director", "Procurement Manager", "CFO", "Office Manager", "Head of Operations", "CTO"]);
            contacts.push(row![
                contacts.len() + 1,
                id,
                first,
                last,
                format!("{}.{}@{domain}{id}.example.com", first.to_lowercase(), last.to_lowercase()),
                title,
                k == 0
            ]);
        }
        world.customers.push(Customer {
            id,
            country,
            segment,
            manager_id: manager,
            orders,
            first_contact_id,
            n_contacts,
        });
    }
    world.emit(rows);
    world.emit(contacts);
}

fn pipeline(world: &mut World, g: &mut Gen, reps: &[i64]) {
    let mut opportunities = TableData::new(
        "crm_opportunity",
        &[
            "opportunity_id",
            "customer_id",
            "owner_id",
            "opportunity_name",
            "stage",
            "amount",
            "probability_pct",
            "created_date",
            "expected_close_date",
        ],
    );
    let mut activities = TableData::new(
        "crm_activity",
        &["activity_id", "customer_id", "contact_id", "employee_id", "activity_type", "activity_date", "subject"],
    );
    let end = history_end();
    for _ in 0..320 {
        let Some(c) = world.customers.get(g.index(world.customers.len())) else { continue };
        let owner = c.manager_id.or_else(|| reps.get(g.index(reps.len())).copied()).unwrap_or(1);
        let created = g.day_between(history_start(), end.plus(-20));
        let close = created.plus(g.range(20, 180));
        // Deals whose close date has passed are decided; later ones are still open.
        let stage = if close <= end {
            *g.weighted(&[("Closed Won", 45), ("Closed Lost", 40), ("Negotiation", 15)])
        } else {
            *g.weighted(&[("Prospecting", 25), ("Qualification", 25), ("Proposal", 30), ("Negotiation", 20)])
        };
        let probability = match stage {
            "Closed Won" => 100,
            "Closed Lost" => 0,
            "Negotiation" => 70,
            "Proposal" => 50,
            "Qualification" => 25,
            _ => 10,
        };
        let amount = match c.segment {
            "Enterprise" => g.range(50, 600) * 1000,
            "Small Business" => g.range(2, 40) * 1000,
            _ => g.range(10, 150) * 1000,
        };
        let topic = *g.pick(&[
            "Laptop Refresh",
            "Network Upgrade",
            "Office Expansion",
            "Storage Renewal",
            "Software Rollout",
            "Print Fleet",
        ]);
        opportunities.push(row![
            opportunities.len() + 1,
            c.id,
            owner,
            format!("{topic} {}", created.year()),
            stage,
            dec(amount * 100),
            dec(probability * 100),
            created,
            close.min(end.plus(200))
        ]);
    }
    for _ in 0..700 {
        let Some(c) = world.customers.get(g.index(world.customers.len())) else { continue };
        let employee = c.manager_id.or_else(|| reps.get(g.index(reps.len())).copied()).unwrap_or(1);
        let contact = (g.percent(80)).then(|| c.first_contact_id + g.range(0, c.n_contacts - 1));
        let kind = *g.weighted(&[("Call", 40), ("Email", 35), ("Meeting", 15), ("Demo", 10)]);
        let subject = *g.pick(&[
            "Quarterly business review",
            "Pricing follow-up",
            "Renewal discussion",
            "Product demo",
            "Delivery question",
            "Introductory call",
        ]);
        activities.push(row![
            activities.len() + 1,
            c.id,
            contact,
            employee,
            kind,
            g.day_between(history_start(), end),
            subject
        ]);
    }
    world.emit(opportunities);
    world.emit(activities);
}
