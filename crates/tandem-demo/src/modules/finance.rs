//! Finance: general ledger, receivables, payables, budgets, tax, treasury.

use crate::schema::{TableDef, lookup, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("finance", "fin_cost_center", "Cost centers that carry expenses in the general ledger.")
            .id("cost_center_id", "Surrogate key.")
            .req("cost_center_code", ty::CODE, "Code, e.g. CC-100.")
            .req("cost_center_name", ty::NAME, "Name."),
        TableDef::new("finance", "fin_gl_account", "Chart of accounts of the general ledger (GL).")
            .id("gl_account_id", "Surrogate key.")
            .req("account_number", ty::CODE, "GL account number, e.g. 4000.")
            .req("account_name", ty::NAME, "Account name, e.g. Product Revenue.")
            .req("account_type", ty::CODE, "Asset, Liability, Equity, Revenue or Expense.")
            .req("is_postable", ty::BOOL, "1 when journal lines may post to it."),
        TableDef::new("finance", "fin_fiscal_period", "Fiscal periods (calendar months) and whether they are closed.")
            .id("fiscal_period_id", "Surrogate key.")
            .req("fiscal_year", ty::INT, "Fiscal year (equals the calendar year).")
            .req("period_number", ty::INT, "Month 1–12.")
            .req("start_date", ty::DATE, "First day.")
            .req("end_date", ty::DATE, "Last day.")
            .req("is_closed", ty::BOOL, "1 once the period is closed for posting."),
        TableDef::new("finance", "fin_gl_journal_entry", "Journal entry headers posted to the general ledger.")
            .id("journal_entry_id", "Surrogate key.")
            .req("entry_number", ty::CODE, "Journal number, e.g. JE-2024-0001.")
            .fk("fiscal_period_id", "fin_fiscal_period", "Period posted to.")
            .req("entry_date", ty::DATE, "Posting date.")
            .req("source_module", ty::CODE, "Sales, Payroll, Logistics or Manual.")
            .col("description", ty::TEXT, "Narrative.")
            .fk_opt("posted_by_id", "hr_employee", "Accountant who posted it."),
        TableDef::new("finance", "fin_gl_journal_line", "Debit and credit lines of journal entries.")
            .id("journal_line_id", "Surrogate key.")
            .fk("journal_entry_id", "fin_gl_journal_entry", "Journal entry.")
            .fk("gl_account_id", "fin_gl_account", "Account posted.")
            .fk_opt("cost_center_id", "fin_cost_center", "Cost center, for expense accounts.")
            .req("debit_amount", ty::MONEY, "Debit in USD (0 when a credit line).")
            .req("credit_amount", ty::MONEY, "Credit in USD (0 when a debit line)."),
        TableDef::new(
            "finance",
            "fin_invoice",
            "Customer invoices (accounts receivable); one per fulfilled sales order.",
        )
        .id("invoice_id", "Surrogate key.")
        .req("invoice_number", ty::CODE, "Invoice number, e.g. INV-2023-00017.")
        .fk("order_id", "sales_order", "Sales order invoiced.")
        .fk("customer_id", "crm_customer", "Customer billed.")
        .req("invoice_date", ty::DATE, "Date issued.")
        .req("due_date", ty::DATE, "Payment due date.")
        .req("invoice_amount", ty::MONEY, "Amount billed in USD, tax included.")
        .req("invoice_status", ty::CODE, "Paid, Open or Overdue."),
        TableDef::new("finance", "fin_payment", "Customer payments received against invoices.")
            .id("payment_id", "Surrogate key.")
            .fk("invoice_id", "fin_invoice", "Invoice paid.")
            .req("payment_date", ty::DATE, "Date received.")
            .req("payment_amount", ty::MONEY, "Amount received in USD.")
            .req("payment_method", ty::CODE, "Wire Transfer, Credit Card, ACH or Check."),
        TableDef::new("finance", "fin_credit_note", "Credit notes issued to customers, e.g. for returns.")
            .id("credit_note_id", "Surrogate key.")
            .fk("invoice_id", "fin_invoice", "Invoice credited.")
            .req("credit_date", ty::DATE, "Date issued.")
            .req("credit_amount", ty::MONEY, "Amount credited in USD.")
            .col("reason", ty::NAME, "Reason."),
        TableDef::new("finance", "fin_budget", "Annual budgets per cost center and GL account.")
            .id("budget_id", "Surrogate key.")
            .req("fiscal_year", ty::INT, "Budget year.")
            .fk("cost_center_id", "fin_cost_center", "Cost center.")
            .fk("gl_account_id", "fin_gl_account", "Account budgeted.")
            .req("budget_amount", ty::MONEY, "Budgeted amount in USD."),
        TableDef::new("finance", "fin_ap_invoice", "Supplier invoices to pay (accounts payable).")
            .id("ap_invoice_id", "Surrogate key.")
            .fk("supplier_id", "purch_supplier", "Supplier billing us.")
            .fk_opt("po_id", "purch_purchase_order", "Purchase order matched.")
            .req("supplier_invoice_number", ty::CODE, "Supplier's invoice number.")
            .req("invoice_date", ty::DATE, "Date on the supplier invoice.")
            .req("amount_due", ty::MONEY, "Amount due in USD.")
            .req("ap_status", ty::CODE, "Open, Approved or Paid."),
        TableDef::new("finance", "fin_ap_payment", "Payments made to suppliers.")
            .id("ap_payment_id", "Surrogate key.")
            .fk("ap_invoice_id", "fin_ap_invoice", "Supplier invoice paid.")
            .req("paid_date", ty::DATE, "Payment date.")
            .req("paid_amount", ty::MONEY, "Amount paid in USD."),
        TableDef::new("finance", "fin_bank_account", "Company bank accounts.")
            .id("bank_account_id", "Surrogate key.")
            .req("account_name", ty::NAME, "Account name.")
            .req("bank_name", ty::NAME, "Bank.")
            .fk("currency_code", "ref_currency", "Account currency.")
            .fk_opt("gl_account_id", "fin_gl_account", "Cash GL account."),
        TableDef::new("finance", "fin_bank_statement_line", "Imported bank statement lines for reconciliation.")
            .id("statement_line_id", "Surrogate key.")
            .fk("bank_account_id", "fin_bank_account", "Bank account.")
            .req("booking_date", ty::DATE, "Booking date.")
            .req("amount", ty::MONEY, "Signed amount.")
            .col("counterparty", ty::NAME, "Counterparty name.")
            .col("is_reconciled", ty::BOOL, "1 when matched."),
        TableDef::new("finance", "fin_tax_rate", "Sales tax / VAT rates per country.")
            .id("tax_rate_id", "Surrogate key.")
            .fk("country_id", "geo_country", "Country.")
            .req("rate_pct", ty::PCT, "Standard rate in percent.")
            .req("valid_from", ty::DATE, "Valid from."),
        TableDef::new("finance", "fin_ar_aging_snapshot", "Month-end accounts-receivable aging per customer.")
            .fk("customer_id", "crm_customer", "Customer.")
            .req("snapshot_date", ty::DATE, "Month-end date.")
            .req("current_amount", ty::MONEY, "Not yet due.")
            .req("overdue_30_amount", ty::MONEY, "1–30 days overdue.")
            .req("overdue_60_amount", ty::MONEY, "31–60 days overdue.")
            .req("overdue_90_plus_amount", ty::MONEY, "Over 60 days overdue.")
            .key(&["customer_id", "snapshot_date"]),
        TableDef::new("finance", "fin_expense_report", "Employee expense reports.")
            .id("expense_report_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee claiming.")
            .req("submitted_date", ty::DATE, "Date submitted.")
            .req("total_amount", ty::MONEY, "Total claimed in USD.")
            .req("report_status", ty::CODE, "Submitted, Approved, Paid or Rejected."),
        lookup(
            "finance",
            "fin_expense_category",
            "Categories of employee expenses.",
            &["Travel", "Meals", "Lodging", "Mileage", "Software", "Training", "Client Entertainment"],
        ),
        TableDef::new("finance", "fin_expense_line", "Lines of expense reports.")
            .id("expense_line_id", "Surrogate key.")
            .fk("expense_report_id", "fin_expense_report", "Report.")
            .fk("expense_category_id", "fin_expense_category", "Category.")
            .req("expense_date", ty::DATE, "Date incurred.")
            .req("amount", ty::MONEY, "Amount in USD."),
        TableDef::new("finance", "fin_intercompany_transfer", "Transfers between legal entities.")
            .id("transfer_id", "Surrogate key.")
            .req("from_entity", ty::NAME, "Sending entity.")
            .req("to_entity", ty::NAME, "Receiving entity.")
            .req("transfer_date", ty::DATE, "Date.")
            .req("amount", ty::MONEY, "Amount in USD."),
        TableDef::new("finance", "fin_accrual", "Month-end accruals posted and reversed.")
            .id("accrual_id", "Surrogate key.")
            .fk("fiscal_period_id", "fin_fiscal_period", "Period.")
            .fk("gl_account_id", "fin_gl_account", "Account.")
            .req("accrual_amount", ty::MONEY, "Amount.")
            .col("reversed", ty::BOOL, "1 once reversed."),
        TableDef::new("finance", "fin_revenue_recognition_schedule", "Deferred revenue release schedule per invoice.")
            .id("schedule_id", "Surrogate key.")
            .fk("invoice_id", "fin_invoice", "Invoice.")
            .req("recognition_date", ty::DATE, "Date revenue is recognised.")
            .req("recognised_amount", ty::MONEY, "Amount recognised."),
        TableDef::new("finance", "fin_dunning_notice", "Payment reminders sent for overdue invoices.")
            .id("dunning_notice_id", "Surrogate key.")
            .fk("invoice_id", "fin_invoice", "Overdue invoice.")
            .req("notice_date", ty::DATE, "Date sent.")
            .req("dunning_level", ty::INT, "1 reminder, 2 warning, 3 final notice."),
        TableDef::new("finance", "fin_payment_batch", "Batches of supplier payments sent to the bank.")
            .id("payment_batch_id", "Surrogate key.")
            .fk("bank_account_id", "fin_bank_account", "Paying account.")
            .req("batch_date", ty::DATE, "Date sent.")
            .req("batch_total", ty::MONEY, "Total paid in USD."),
        TableDef::new("finance", "fin_cash_forecast", "Weekly cash-flow forecast per bank account.")
            .fk("bank_account_id", "fin_bank_account", "Account.")
            .req("week_start", ty::DATE, "Week.")
            .req("expected_inflow", ty::MONEY, "Expected receipts in USD.")
            .req("expected_outflow", ty::MONEY, "Expected payments in USD.")
            .key(&["bank_account_id", "week_start"]),
        TableDef::new("finance", "fin_customer_credit_review", "Periodic credit reviews of customer accounts.")
            .id("credit_review_id", "Surrogate key.")
            .fk("customer_id", "crm_customer", "Customer reviewed.")
            .req("review_date", ty::DATE, "Date.")
            .req("approved_credit_limit", ty::MONEY, "Credit limit approved in USD.")
            .col("risk_rating", ty::CODE, "A (low) to E (high)."),
        TableDef::new("finance", "fin_tax_return", "Filed sales-tax / VAT returns per country and period.")
            .id("tax_return_id", "Surrogate key.")
            .fk("country_id", "geo_country", "Country filed in.")
            .fk("fiscal_period_id", "fin_fiscal_period", "Period.")
            .req("tax_due", ty::MONEY, "Tax due in USD.")
            .col("filed_date", ty::DATE, "Date filed."),
    ]
}
