//! Monthly payroll runs for the last year of history and one payslip per employee paid.

use super::{World, history_end};
use crate::date::Day;
use crate::value::{TableData, dec, row};

const STREAM: u64 = 3;

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);
    let year = history_end().year();
    let mut runs =
        TableData::new("pay_payroll_run", &["payroll_run_id", "period_start", "period_end", "pay_date", "run_status"]);
    let mut slips = TableData::new(
        "pay_payslip",
        &["payslip_id", "payroll_run_id", "employee_id", "gross_pay", "tax_withheld", "deductions_total", "net_pay"],
    );
    for (run_id, month) in (1_i64..).zip(1..=12) {
        let start = Day::ymd(year, month, 1);
        let end = start.month_end();
        runs.push(row![run_id, start, end, end.plus(-2), "Paid"]);
        for e in world.employees.iter().filter(|e| e.employed_on(end) || e.employed_on(start)) {
            // Salaries are in cents; a December bonus lifts gross pay for most employees.
            let mut gross = e.salary / 12;
            if month == 12 && g.percent(70) {
                gross += e.salary * g.range(2, 10) / 100;
            }
            let tax_pct = if e.salary >= 12_000_000 {
                32
            } else if e.salary >= 8_000_000 {
                27
            } else {
                21
            };
            let tax = gross * tax_pct / 100;
            let deductions = gross * g.range(5, 8) / 100;
            slips.push(row![
                slips.len() + 1,
                run_id,
                e.id,
                dec(gross),
                dec(tax),
                dec(deductions),
                dec(gross - tax - deductions)
            ]);
        }
    }
    world.emit(runs);
    world.emit(slips);
}
