//! Chart of accounts, fiscal periods, journals posted from sales and payroll, and budgets.

use super::{World, history_end, history_start};
use crate::date::Day;
use crate::value::{TableData, dec, row};

const STREAM: u64 = 8;

/// Account number, name, type.
const ACCOUNTS: [(&str, &str, &str); 25] = [
    ("1000", "Cash and Cash Equivalents", "Asset"),
    ("1100", "Accounts Receivable", "Asset"),
    ("1200", "Inventory", "Asset"),
    ("1500", "Fixed Assets", "Asset"),
    ("1510", "Accumulated Depreciation", "Asset"),
    ("2000", "Accounts Payable", "Liability"),
    ("2100", "Sales Tax Payable", "Liability"),
    ("2200", "Accrued Payroll", "Liability"),
    ("2500", "Deferred Revenue", "Liability"),
    ("3000", "Share Capital", "Equity"),
    ("3100", "Retained Earnings", "Equity"),
    ("4000", "Product Revenue", "Revenue"),
    ("4100", "Service Revenue", "Revenue"),
    ("4200", "Subscription Revenue", "Revenue"),
    ("4900", "Sales Returns and Allowances", "Revenue"),
    ("5000", "Cost of Goods Sold", "Expense"),
    ("5100", "Freight Out", "Expense"),
    ("6000", "Salaries and Wages", "Expense"),
    ("6100", "Employee Benefits", "Expense"),
    ("6200", "Rent and Facilities", "Expense"),
    ("6300", "Travel and Entertainment", "Expense"),
    ("6400", "Marketing and Advertising", "Expense"),
    ("6500", "Software and IT", "Expense"),
    ("6600", "Professional Fees", "Expense"),
    ("6900", "Depreciation Expense", "Expense"),
];

/// The 1-based id of an account number (1, cash, if unknown).
fn account(number: &str) -> i64 {
    (1_i64..).zip(ACCOUNTS).find(|(_, a)| a.0 == number).map_or(1, |(id, _)| id)
}

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);
    let mut accounts = TableData::new(
        "fin_gl_account",
        &["gl_account_id", "account_number", "account_name", "account_type", "is_postable"],
    );
    for (id, (number, name, kind)) in (1_i64..).zip(ACCOUNTS) {
        accounts.push(row![id, number, name, kind, true]);
    }
    world.emit(accounts);

    let mut periods = TableData::new(
        "fin_fiscal_period",
        &["fiscal_period_id", "fiscal_year", "period_number", "start_date", "end_date", "is_closed"],
    );
    let mut entries = TableData::new(
        "fin_gl_journal_entry",
        &[
            "journal_entry_id",
            "entry_number",
            "fiscal_period_id",
            "entry_date",
            "source_module",
            "description",
            "posted_by_id",
        ],
    );
    let mut lines = TableData::new(
        "fin_gl_journal_line",
        &["journal_line_id", "journal_entry_id", "gl_account_id", "cost_center_id", "debit_amount", "credit_amount"],
    );
    let accountants = world.staff(super::people::FINANCE, history_end());
    let end = history_end();
    let mut start = history_start();
    let mut period_id = 0_i64;
    while start <= end {
        let month_end = start.month_end();
        period_id += 1;
        periods.push(row![period_id, start.year(), start.parts().1, start, month_end, month_end < end]);
        let poster = accountants.get(g.index(accountants.len())).copied();

        // Revenue is recognised when goods ship: receivable against revenue and sales tax.
        let shipped = world
            .shipped
            .iter()
            .filter(|(day, _)| start <= *day && *day <= month_end)
            .filter_map(|(_, i)| world.orders.get(*i));
        let (net, tax, total) = shipped.fold((0, 0, 0), |(n, t, s), o| (n + o.net, t + o.tax, s + o.total));
        let entry = entries.len() + 1;
        entries.push(row![
            entry,
            format!("JE-{}-{:04}", start.year(), entry),
            period_id,
            month_end,
            "Sales",
            format!("Revenue for {}-{:02}", start.year(), start.parts().1),
            poster
        ]);
        lines.push(row![lines.len() + 1, entry, account("1100"), None::<i64>, dec(total), dec(0)]);
        lines.push(row![lines.len() + 1, entry, account("4000"), None::<i64>, dec(0), dec(net)]);
        lines.push(row![lines.len() + 1, entry, account("2100"), None::<i64>, dec(0), dec(tax)]);

        // Payroll journals exist for the year the payroll module covers.
        if start.year() == end.year() {
            let entry = entries.len() + 1;
            entries.push(row![
                entry,
                format!("JE-{}-{:04}", start.year(), entry),
                period_id,
                month_end,
                "Payroll",
                format!("Payroll for {}-{:02}", start.year(), start.parts().1),
                poster
            ]);
            let mut total_pay = 0;
            for cost_center in 1..=i64::try_from(world.n_cost_centers).unwrap_or(0) {
                let pay: i64 = world
                    .employees
                    .iter()
                    .filter(|e| e.department_id == cost_center && e.employed_on(month_end))
                    .map(|e| e.salary / 12)
                    .sum();
                total_pay += pay;
                lines.push(row![lines.len() + 1, entry, account("6000"), cost_center, dec(pay), dec(0)]);
            }
            lines.push(row![lines.len() + 1, entry, account("1000"), None::<i64>, dec(0), dec(total_pay)]);
        }
        start = month_end.plus(1);
    }
    world.emit(periods);
    world.emit(entries);
    world.emit(lines);

    let mut budgets =
        TableData::new("fin_budget", &["budget_id", "fiscal_year", "cost_center_id", "gl_account_id", "budget_amount"]);
    for year in history_start().year()..=end.year() {
        for cost_center in 1..=i64::try_from(world.n_cost_centers).unwrap_or(0) {
            let payroll: i64 = world
                .employees
                .iter()
                .filter(|e| e.department_id == cost_center && e.employed_on(Day::ymd(year, 6, 30)))
                .map(|e| e.salary)
                .sum();
            budgets.push(row![budgets.len() + 1, year, cost_center, account("6000"), dec(payroll * 105 / 100)]);
            budgets.push(row![budgets.len() + 1, year, cost_center, account("6300"), dec(g.range(20, 200) * 100_000)]);
        }
    }
    world.emit(budgets);
}
