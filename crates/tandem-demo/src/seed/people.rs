//! Cost centers, departments, job titles, offices, employees, skills, leave and reviews.

use super::names::{FIRST_NAMES, LAST_NAMES, SKILLS};
use super::{Employee, World, history_end};
use crate::date::Day;
use crate::random::Gen;
use crate::value::{TableData, dec, row};

const STREAM: u64 = 2;

pub(crate) const EXECUTIVE: i64 = 1;
pub(crate) const SALES: i64 = 2;
pub(crate) const MARKETING: i64 = 3;
pub(crate) const SUPPORT: i64 = 4;
pub(crate) const FINANCE: i64 = 5;
pub(crate) const ENGINEERING: i64 = 7;
pub(crate) const LOGISTICS: i64 = 9;
pub(crate) const PROCUREMENT: i64 = 10;
pub(crate) const MANUFACTURING: i64 = 11;
pub(crate) const IT: i64 = 12;

/// Department name, code, headcount, and the job titles (1-based ids into [`TITLES`]) staff
/// hold: the first is the head's title, the rest are drawn for everyone else.
const DEPARTMENTS: [(&str, &str, usize, &[i64]); 13] = [
    ("Executive", "EXE", 4, &[20, 19]),
    ("Sales", "SAL", 30, &[3, 1, 1, 2, 4]),
    ("Marketing", "MKT", 10, &[6, 5]),
    ("Customer Support", "SUP", 24, &[9, 7, 7, 8]),
    ("Finance", "FIN", 10, &[12, 10, 11]),
    ("Human Resources", "HR", 6, &[14, 13]),
    ("Engineering", "ENG", 24, &[17, 15, 15, 16]),
    ("Operations", "OPS", 8, &[22, 21]),
    ("Logistics", "LOG", 12, &[22, 23, 24]),
    ("Procurement", "PRC", 6, &[22, 25]),
    ("Manufacturing", "MFG", 14, &[26, 24, 24]),
    ("IT", "IT", 6, &[17, 18]),
    ("Legal", "LEG", 3, &[27, 27]),
];

/// Title, job family, grade.
const TITLES: [(&str, &str, i64); 27] = [
    ("Account Executive", "Sales", 4),
    ("Senior Account Executive", "Sales", 5),
    ("Sales Manager", "Sales", 6),
    ("Sales Development Representative", "Sales", 3),
    ("Marketing Specialist", "Marketing", 4),
    ("Marketing Manager", "Marketing", 6),
    ("Support Agent", "Support", 3),
    ("Senior Support Agent", "Support", 4),
    ("Support Team Lead", "Support", 5),
    ("Accountant", "Finance", 4),
    ("Financial Analyst", "Finance", 5),
    ("Finance Manager", "Finance", 6),
    ("HR Generalist", "HR", 4),
    ("HR Manager", "HR", 6),
    ("Software Engineer", "Engineering", 5),
    ("Senior Software Engineer", "Engineering", 6),
    ("Engineering Manager", "Engineering", 7),
    ("IT Specialist", "Engineering", 4),
    ("Vice President", "Executive", 8),
    ("Chief Executive Officer", "Executive", 9),
    ("Operations Analyst", "Operations", 4),
    ("Operations Manager", "Operations", 6),
    ("Logistics Coordinator", "Operations", 3),
    ("Warehouse Associate", "Operations", 2),
    ("Buyer", "Operations", 4),
    ("Production Supervisor", "Operations", 5),
    ("Legal Counsel", "Executive", 7),
];

/// Office name, city, ISO country.
const OFFICES: [(&str, &str, &str); 8] = [
    ("New York HQ", "New York", "US"),
    ("Austin Office", "Austin", "US"),
    ("Toronto Office", "Toronto", "CA"),
    ("London Office", "London", "GB"),
    ("Berlin Office", "Berlin", "DE"),
    ("Paris Office", "Paris", "FR"),
    ("Singapore Office", "Singapore", "SG"),
    ("Sydney Office", "Sydney", "AU"),
];

fn salary_for(grade: i64, g: &mut Gen) -> i64 {
    // Annual salary in cents: a band per grade with ±10% spread, rounded to 100 dollars.
    let base = 30_000 + grade * 13_000;
    let dollars = base * (100 + g.range(-10, 10)) / 100;
    dollars / 100 * 100 * 100
}

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);

    let mut cost_centers =
        TableData::new("fin_cost_center", &["cost_center_id", "cost_center_code", "cost_center_name"]);
    let mut departments = TableData::new(
        "hr_department",
        &[
            "department_id",
            "department_code",
            "department_name",
            "cost_center_id",
            "parent_department_id",
            "established_date",
        ],
    );
    for (id, (name, code, _, _)) in (1_i64..).zip(DEPARTMENTS) {
        cost_centers.push(row![id, format!("CC-{}", 100 * id), name]);
        let parent = (id != EXECUTIVE).then_some(EXECUTIVE);
        departments.push(row![id, code, name, id, parent, Day::ymd(2005 + id % 7, 1 + id % 12, 1)]);
    }
    world.n_cost_centers = DEPARTMENTS.len();
    world.emit(cost_centers);
    world.emit(departments);

    let mut titles = TableData::new(
        "hr_job_title",
        &["job_title_id", "title_name", "job_family", "grade_level", "min_salary", "max_salary"],
    );
    for (id, (name, family, grade)) in (1_i64..).zip(TITLES) {
        let mid = 30_000 + grade * 13_000;
        titles.push(row![id, name, family, grade, dec(mid * 90), dec(mid * 110)]);
    }
    world.emit(titles);

    let mut offices =
        TableData::new("hr_office_location", &["location_id", "location_name", "city", "country_id", "opened_date"]);
    for (id, (name, city, iso)) in (1_i64..).zip(OFFICES) {
        let country_id = super::geo::country_index(iso) + 1;
        offices.push(row![id, name, city, country_id, Day::ymd(2008 + id, 3, 1)]);
    }
    world.emit(offices);

    employees(world, &mut g);
    skills(world, &mut g);
    leave_and_reviews(world, &mut g);
}

fn employees(world: &mut World, g: &mut Gen) {
    let mut rows = TableData::new(
        "hr_employee",
        &[
            "employee_id",
            "employee_number",
            "first_name",
            "last_name",
            "email",
            "hire_date",
            "termination_date",
            "department_id",
            "job_title_id",
            "manager_id",
            "location_id",
            "employment_type",
            "employment_status",
            "annual_salary",
            "birth_date",
            "gender",
        ],
    );
    // Heads first (the CEO, then one per department), so every manager row precedes its reports.
    let mut plan: Vec<(i64, i64, bool)> = Vec::new();
    for (dept, (_, _, _, titles)) in (1_i64..).zip(DEPARTMENTS) {
        plan.push((dept, titles.first().copied().unwrap_or(1), true));
    }
    for (dept, (_, _, headcount, titles)) in (1_i64..).zip(DEPARTMENTS) {
        for _ in 1..headcount {
            let title = titles.get(1 + g.index(titles.len().saturating_sub(1))).copied().unwrap_or(1);
            plan.push((dept, title, false));
        }
    }
    let end = history_end();
    for (id, (dept, title, head)) in (1_i64..).zip(plan) {
        let first = g.pick(&FIRST_NAMES);
        let last = g.pick(&LAST_NAMES);
        let grade = TITLES.get(usize::try_from(title - 1).unwrap_or(0)).map_or(3, |t| t.2);
        let hire = if head {
            g.day_between(Day::ymd(2010, 1, 1), Day::ymd(2018, 12, 31))
        } else {
            g.day_between(Day::ymd(2012, 1, 1), Day::ymd(2024, 11, 30))
        };
        let terminated = !head && g.percent(9);
        let termination = terminated.then(|| g.day_between(hire.plus(120), end.plus(-10)).min(end.plus(-10)));
        let termination = termination.filter(|t| *t > hire);
        let status = match termination {
            Some(_) => "Terminated",
            None if g.percent(3) => "On Leave",
            None => "Active",
        };
        let kind =
            if head { "Full-time" } else { *g.weighted(&[("Full-time", 85), ("Part-time", 8), ("Contractor", 7)]) };
        let manager = if id == 1 {
            None
        } else if head {
            Some(1)
        } else {
            Some(dept)
        };
        let location = if dept == SALES || dept == SUPPORT {
            g.range(1, 8)
        } else {
            *g.weighted(&[(1, 5), (2, 2), (4, 2), (5, 2)])
        };
        let salary = salary_for(grade, g);
        rows.push(row![
            id,
            format!("E{id:05}"),
            *first,
            *last,
            format!("{}.{}{id}@corp.example.com", first.to_lowercase(), last.to_lowercase()),
            hire,
            termination,
            dept,
            title,
            manager,
            location,
            kind,
            status,
            dec(salary),
            g.day_between(Day::ymd(1962, 1, 1), Day::ymd(2001, 12, 31)),
            *g.weighted(&[("Female", 47), ("Male", 49), ("Non-binary", 2), ("Undisclosed", 2)]),
        ]);
        world.employees.push(Employee { id, department_id: dept, hire, termination, salary });
    }
    world.emit(rows);
}

fn skills(world: &mut World, g: &mut Gen) {
    let mut skills = TableData::new("hr_skill", &["skill_id", "skill_name", "skill_category"]);
    for (id, (name, category)) in (1_i64..).zip(SKILLS) {
        skills.push(row![id, name, category]);
    }
    world.emit(skills);

    // Engineers tend to hold technical skills, sales staff sales skills; everyone may speak languages.
    let mut held =
        TableData::new("hr_employee_skill", &["employee_id", "skill_id", "proficiency_level", "certified_date"]);
    for e in &world.employees {
        let pool: &[i64] = match e.department_id {
            ENGINEERING | IT => &[1, 2, 3, 4, 5, 6],
            SALES | MARKETING => &[8, 9, 10, 11, 5, 7],
            SUPPORT => &[11, 6, 1, 5],
            FINANCE => &[7, 1, 5, 19],
            _ => &[7, 18, 19, 20, 1],
        };
        let mut chosen: Vec<i64> = Vec::new();
        for _ in 0..g.range(1, 3) {
            if let Some(skill) = pool.get(g.index(pool.len()))
                && !chosen.contains(skill)
            {
                chosen.push(*skill);
            }
        }
        if g.percent(35) {
            chosen.push(g.range(12, 16));
        }
        if e.id <= 13 && !chosen.contains(&17) {
            chosen.push(17);
        }
        for skill in chosen {
            let certified = g.percent(30).then(|| g.day_between(e.hire, Day::ymd(2024, 12, 1)));
            held.push(row![e.id, skill, g.range(2, 5), certified]);
        }
    }
    world.emit(held);
}

fn leave_and_reviews(world: &mut World, g: &mut Gen) {
    let mut leave = TableData::new(
        "hr_leave_request",
        &[
            "leave_request_id",
            "employee_id",
            "leave_type_id",
            "start_date",
            "end_date",
            "days_requested",
            "request_status",
            "approved_by_id",
        ],
    );
    let mut reviews = TableData::new(
        "hr_performance_review",
        &["review_id", "employee_id", "reviewer_id", "review_year", "overall_rating", "review_comment"],
    );
    for e in &world.employees {
        let manager = if e.id == 1 {
            None
        } else if e.id <= 13 {
            Some(1)
        } else {
            Some(e.department_id)
        };
        for _ in 0..g.range(0, 3) {
            let start = g.day_between(Day::ymd(2023, 1, 2), Day::ymd(2024, 12, 10));
            if !e.employed_on(start) {
                continue;
            }
            let days = g.range(1, 10);
            let status = *g.weighted(&[("Approved", 85), ("Pending", 8), ("Rejected", 7)]);
            let approver = if status == "Pending" { None } else { manager };
            leave.push(row![
                leave.len() + 1,
                e.id,
                *g.weighted(&[(1, 70), (2, 20), (3, 3), (4, 3), (6, 4)]),
                start,
                start.plus(days + days / 5 * 2),
                days,
                status,
                approver
            ]);
        }
        for year in 2022..=2024 {
            let review_day = Day::ymd(year, 12, 15);
            if let Some(reviewer) = manager
                && e.hire.year() < year
                && e.employed_on(review_day)
            {
                let rating = *g.weighted(&[(1, 4), (2, 12), (3, 50), (4, 26), (5, 8)]);
                let comment = [
                    "Needs improvement.",
                    "Partly meets expectations.",
                    "Meets expectations.",
                    "Exceeds expectations.",
                    "Outstanding year.",
                ]
                .get(usize::try_from(rating - 1).unwrap_or(0))
                .copied();
                reviews.push(row![reviews.len() + 1, e.id, reviewer, year, rating, comment]);
            }
        }
    }
    world.emit(leave);
    world.emit(reviews);
}
