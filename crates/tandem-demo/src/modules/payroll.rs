//! Payroll: pay runs, payslips and their components.

use crate::schema::{TableDef, lookup, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("payroll", "pay_payroll_run", "Monthly payroll runs; one per pay period.")
            .id("payroll_run_id", "Surrogate key.")
            .req("period_start", ty::DATE, "First day of the pay period.")
            .req("period_end", ty::DATE, "Last day of the pay period.")
            .req("pay_date", ty::DATE, "Date salaries were paid.")
            .req("run_status", ty::CODE, "Draft, Approved or Paid."),
        TableDef::new("payroll", "pay_payslip", "One payslip per employee per payroll run, in USD.")
            .id("payslip_id", "Surrogate key.")
            .fk("payroll_run_id", "pay_payroll_run", "Payroll run the payslip belongs to.")
            .fk("employee_id", "hr_employee", "Employee paid.")
            .req("gross_pay", ty::MONEY, "Gross pay before tax and deductions.")
            .req("tax_withheld", ty::MONEY, "Income tax withheld.")
            .req("deductions_total", ty::MONEY, "Pension, insurance and other deductions.")
            .req("net_pay", ty::MONEY, "Amount paid to the employee."),
        lookup(
            "payroll",
            "pay_earning_type",
            "Kinds of earnings on a payslip.",
            &["Base Salary", "Overtime", "Bonus", "Commission", "Allowance", "Back Pay"],
        ),
        lookup(
            "payroll",
            "pay_deduction_type",
            "Kinds of deductions on a payslip.",
            &["Pension", "Health Insurance", "Union Dues", "Garnishment", "Loan Repayment"],
        ),
        TableDef::new("payroll", "pay_payslip_earning", "Earning lines of a payslip.")
            .id("payslip_earning_id", "Surrogate key.")
            .fk("payslip_id", "pay_payslip", "Payslip.")
            .fk("earning_type_id", "pay_earning_type", "Kind of earning.")
            .req("amount", ty::MONEY, "Amount in USD."),
        TableDef::new("payroll", "pay_payslip_deduction", "Deduction lines of a payslip.")
            .id("payslip_deduction_id", "Surrogate key.")
            .fk("payslip_id", "pay_payslip", "Payslip.")
            .fk("deduction_type_id", "pay_deduction_type", "Kind of deduction.")
            .req("amount", ty::MONEY, "Amount in USD."),
        TableDef::new("payroll", "pay_bonus_award", "Bonus awards approved outside the regular salary.")
            .id("bonus_award_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee awarded.")
            .req("award_date", ty::DATE, "Date approved.")
            .req("bonus_amount", ty::MONEY, "Bonus in USD.")
            .col("bonus_reason", ty::NAME, "Reason."),
        TableDef::new("payroll", "pay_commission_plan", "Sales commission plans.")
            .id("commission_plan_id", "Surrogate key.")
            .req("plan_name", ty::NAME, "Plan name.")
            .req("commission_rate_pct", ty::PCT, "Percent of booked revenue paid as commission.")
            .req("plan_year", ty::INT, "Plan year."),
        TableDef::new("payroll", "pay_commission_statement", "Monthly commission statements of sales reps.")
            .id("commission_statement_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Sales rep.")
            .fk("commission_plan_id", "pay_commission_plan", "Plan applied.")
            .req("statement_month", ty::DATE, "First day of the month.")
            .req("commission_amount", ty::MONEY, "Commission earned in USD."),
        TableDef::new("payroll", "pay_tax_bracket", "Withholding tax brackets per country and year.")
            .id("tax_bracket_id", "Surrogate key.")
            .fk("country_id", "geo_country", "Country.")
            .req("tax_year", ty::INT, "Year.")
            .req("lower_bound", ty::MONEY, "Annual income from.")
            .col("upper_bound", ty::MONEY, "Annual income to; NULL for the top bracket.")
            .req("rate_pct", ty::PCT, "Marginal rate."),
        TableDef::new("payroll", "pay_bank_detail", "Bank accounts employees are paid into (restricted).")
            .id("bank_detail_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee.")
            .req("iban_masked", ty::NAME, "Masked IBAN or account number.")
            .col("bank_name", ty::NAME, "Bank."),
        TableDef::new("payroll", "pay_timesheet_overtime", "Approved overtime hours to be paid.")
            .id("overtime_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee.")
            .req("work_date", ty::DATE, "Day worked.")
            .req("overtime_hours", ty::QTY, "Hours beyond contract."),
    ]
}
