//! The dimensional layer (`dw_`) and report snapshot tables (`rpt_`) built by nightly jobs.
//!
//! The demo leaves them empty: they are the distractors a real warehouse has, with the same
//! vocabulary (customer, revenue, amount) as the operational tables that hold the data.

use crate::schema::{TableDef, ty};

fn dim(name: &str, comment: &str, key: &str, columns: &[(&str, &str, &str)]) -> TableDef {
    TableDef::new("dw", name, comment)
        .id(key, "Surrogate key of the dimension row.")
        .cols(columns)
        .col("effective_from", ty::DATE, "Version valid from (slowly changing dimension type 2).")
        .col("effective_to", ty::DATE, "Version valid to; 9999-12-31 for the current version.")
}

pub(crate) fn tables() -> Vec<TableDef> {
    let mut tables = dimensions();
    tables.extend(facts());
    tables.extend(reports());
    tables
}

fn dimensions() -> Vec<TableDef> {
    vec![
        TableDef::new("dw", "dw_dim_date", "Date dimension keyed by yyyymmdd.")
            .code_key("date_key", ty::INT, "Date as yyyymmdd.")
            .req("full_date", ty::DATE, "The date.")
            .cols(&[
                ("calendar_year", ty::INT, "Year."),
                ("calendar_quarter", ty::INT, "Quarter."),
                ("month_name", ty::CODE, "Month name."),
                ("is_weekend", ty::BOOL, "Weekend flag."),
            ]),
        dim(
            "dw_dim_customer",
            "Customer dimension (conformed across sales, finance and support marts).",
            "customer_key",
            &[
                ("customer_id", ty::INT, "Business key from crm_customer."),
                ("customer_name", ty::NAME, "Customer name."),
                ("segment", ty::CODE, "Segment."),
                ("country_name", ty::NAME, "Country."),
                ("region_name", ty::NAME, "Region."),
            ],
        ),
        dim(
            "dw_dim_product",
            "Product dimension with category hierarchy flattened.",
            "product_key",
            &[
                ("product_id", ty::INT, "Business key from prd_product."),
                ("product_name", ty::NAME, "Product."),
                ("category_name", ty::NAME, "Category."),
                ("brand_name", ty::NAME, "Brand."),
            ],
        ),
        dim(
            "dw_dim_employee",
            "Employee dimension for HR and sales marts.",
            "employee_key",
            &[
                ("employee_id", ty::INT, "Business key from hr_employee."),
                ("full_name", ty::NAME, "Name."),
                ("department_name", ty::NAME, "Department."),
                ("job_title", ty::NAME, "Title."),
            ],
        ),
        dim(
            "dw_dim_geography",
            "Geography dimension: city, country, region.",
            "geography_key",
            &[
                ("city", ty::NAME, "City."),
                ("country_name", ty::NAME, "Country."),
                ("region_name", ty::NAME, "Region."),
            ],
        ),
        dim("dw_dim_channel", "Sales channel dimension.", "channel_key", &[("channel_name", ty::NAME, "Channel.")]),
        dim(
            "dw_dim_supplier",
            "Supplier dimension.",
            "supplier_key",
            &[
                ("supplier_id", ty::INT, "Business key."),
                ("supplier_name", ty::NAME, "Supplier."),
                ("country_name", ty::NAME, "Country."),
            ],
        ),
        dim(
            "dw_dim_warehouse",
            "Warehouse dimension.",
            "warehouse_key",
            &[("warehouse_id", ty::INT, "Business key."), ("warehouse_name", ty::NAME, "Warehouse.")],
        ),
        dim("dw_dim_carrier", "Carrier dimension.", "carrier_key", &[("carrier_name", ty::NAME, "Carrier.")]),
        dim(
            "dw_dim_campaign",
            "Campaign dimension.",
            "campaign_key",
            &[("campaign_name", ty::NAME, "Campaign."), ("marketing_channel", ty::CODE, "Channel.")],
        ),
        dim(
            "dw_dim_ticket_category",
            "Support ticket category dimension.",
            "ticket_category_key",
            &[("category_name", ty::NAME, "Category.")],
        ),
        dim(
            "dw_dim_gl_account",
            "GL account dimension with reporting hierarchy.",
            "gl_account_key",
            &[
                ("account_number", ty::CODE, "Account."),
                ("account_name", ty::NAME, "Name."),
                ("pnl_line", ty::NAME, "Profit-and-loss line."),
            ],
        ),
    ]
}

fn fact(name: &str, comment: &str, dims: &[(&str, &str)], measures: &[(&str, &str, &str)]) -> TableDef {
    let mut t = TableDef::new("dw", name, comment);
    for (column, dimension) in dims {
        t = t.fk(column, dimension, "Dimension key.");
    }
    t.cols(measures).col("etl_batch_id", ty::BIG, "Load batch that wrote the row.")
}

fn facts() -> Vec<TableDef> {
    let date = ("date_key", "dw_dim_date");
    let customer = ("customer_key", "dw_dim_customer");
    let product = ("product_key", "dw_dim_product");
    vec![
        fact(
            "dw_fact_sales",
            "Sales fact at order-line grain (refreshed nightly).",
            &[date, customer, product, ("channel_key", "dw_dim_channel")],
            &[
                ("order_number", ty::CODE, "Degenerate order number."),
                ("quantity", ty::INT, "Units."),
                ("revenue_amount", ty::MONEY, "Net revenue in USD."),
                ("cost_amount", ty::MONEY, "Cost of goods in USD."),
            ],
        ),
        fact(
            "dw_fact_shipment",
            "Shipment fact.",
            &[date, customer, ("carrier_key", "dw_dim_carrier"), ("warehouse_key", "dw_dim_warehouse")],
            &[
                ("transit_days", ty::INT, "Days in transit."),
                ("freight_cost_amount", ty::MONEY, "Freight in USD."),
                ("is_on_time", ty::BOOL, "Delivered by the required date."),
            ],
        ),
        fact(
            "dw_fact_invoice",
            "Invoice fact for receivables reporting.",
            &[date, customer],
            &[
                ("invoice_amount", ty::MONEY, "Invoiced in USD."),
                ("paid_amount", ty::MONEY, "Paid in USD."),
                ("days_to_pay", ty::INT, "Days from invoice to payment."),
            ],
        ),
        fact(
            "dw_fact_support_ticket",
            "Support ticket fact.",
            &[date, customer, ("ticket_category_key", "dw_dim_ticket_category")],
            &[("resolution_hours", ty::QTY, "Hours to resolve."), ("satisfaction_score", ty::INT, "CSAT.")],
        ),
        fact(
            "dw_fact_inventory_daily",
            "Daily stock snapshot per warehouse and product.",
            &[date, product, ("warehouse_key", "dw_dim_warehouse")],
            &[("quantity_on_hand", ty::INT, "Units."), ("inventory_value", ty::MONEY, "Value in USD.")],
        ),
        fact(
            "dw_fact_payroll",
            "Payroll cost fact per employee and month.",
            &[date, ("employee_key", "dw_dim_employee")],
            &[("gross_pay", ty::MONEY, "Gross pay."), ("employer_cost", ty::MONEY, "Total employer cost.")],
        ),
        fact(
            "dw_fact_gl_balance",
            "Monthly GL balances.",
            &[date, ("gl_account_key", "dw_dim_gl_account")],
            &[
                ("debit_amount", ty::MONEY, "Debits."),
                ("credit_amount", ty::MONEY, "Credits."),
                ("closing_balance", ty::MONEY, "Balance."),
            ],
        ),
        fact(
            "dw_fact_opportunity",
            "Pipeline snapshot fact.",
            &[date, customer, ("employee_key", "dw_dim_employee")],
            &[("stage", ty::CODE, "Stage."), ("pipeline_amount", ty::MONEY, "Amount in USD.")],
        ),
        fact(
            "dw_fact_campaign_performance",
            "Daily campaign performance.",
            &[date, ("campaign_key", "dw_dim_campaign")],
            &[
                ("impressions", ty::BIG, "Impressions."),
                ("clicks", ty::INT, "Clicks."),
                ("leads", ty::INT, "Leads."),
                ("spend_amount", ty::MONEY, "Spend."),
            ],
        ),
        fact(
            "dw_fact_purchase",
            "Purchase order line fact.",
            &[date, product, ("supplier_key", "dw_dim_supplier")],
            &[("quantity", ty::INT, "Units."), ("purchase_amount", ty::MONEY, "Amount in USD.")],
        ),
        fact(
            "dw_fact_timesheet",
            "Timesheet hours fact.",
            &[date, ("employee_key", "dw_dim_employee")],
            &[
                ("project_code", ty::CODE, "Project."),
                ("hours", ty::QTY, "Hours."),
                ("billable_hours", ty::QTY, "Billable hours."),
            ],
        ),
    ]
}

fn report(name: &str, comment: &str, columns: &[(&str, &str, &str)]) -> TableDef {
    TableDef::new("reporting", name, comment).cols(columns).col(
        "refreshed_at",
        ty::TS,
        "When the report job last rebuilt the row.",
    )
}

fn reports() -> Vec<TableDef> {
    let month = ("report_month", ty::DATE, "First day of the month.");
    vec![
        report(
            "rpt_monthly_revenue_by_region",
            "Monthly revenue per region for the board pack.",
            &[
                month,
                ("region_name", ty::NAME, "Region."),
                ("revenue_amount", ty::MONEY, "Revenue in USD."),
                ("order_count", ty::INT, "Orders."),
            ],
        ),
        report(
            "rpt_monthly_revenue_by_category",
            "Monthly revenue per product category.",
            &[month, ("category_name", ty::NAME, "Category."), ("revenue_amount", ty::MONEY, "Revenue in USD.")],
        ),
        report(
            "rpt_customer_lifetime_value",
            "Lifetime value per customer.",
            &[
                ("customer_id", ty::INT, "Customer."),
                ("total_order_amount", ty::MONEY, "All-time order amount."),
                ("first_order_date", ty::DATE, "First order."),
                ("last_order_date", ty::DATE, "Last order."),
            ],
        ),
        report(
            "rpt_top_products_quarterly",
            "Top products by revenue per quarter.",
            &[
                ("fiscal_year", ty::INT, "Year."),
                ("fiscal_quarter", ty::INT, "Quarter."),
                ("product_name", ty::NAME, "Product."),
                ("rank_in_quarter", ty::INT, "Rank."),
                ("revenue_amount", ty::MONEY, "Revenue."),
            ],
        ),
        report(
            "rpt_sales_rep_attainment",
            "Quota attainment per sales rep and quarter.",
            &[
                ("employee_id", ty::INT, "Rep."),
                ("quota_year", ty::INT, "Year."),
                ("quota_quarter", ty::INT, "Quarter."),
                ("booked_amount", ty::MONEY, "Booked."),
                ("attainment_pct", ty::PCT, "Attainment."),
            ],
        ),
        report(
            "rpt_ar_aging_summary",
            "Receivables aging totals.",
            &[
                ("snapshot_date", ty::DATE, "Date."),
                ("bucket", ty::CODE, "Aging bucket."),
                ("open_amount", ty::MONEY, "Open amount."),
            ],
        ),
        report(
            "rpt_inventory_turnover",
            "Inventory turnover per product.",
            &[month, ("product_id", ty::INT, "Product."), ("turnover_ratio", ty::RATE, "COGS / average stock.")],
        ),
        report(
            "rpt_shipment_on_time_rate",
            "On-time delivery rate per carrier.",
            &[month, ("carrier_name", ty::NAME, "Carrier."), ("on_time_pct", ty::PCT, "On-time share.")],
        ),
        report(
            "rpt_ticket_resolution_time",
            "Average ticket resolution time per category.",
            &[
                month,
                ("category_name", ty::NAME, "Category."),
                ("avg_resolution_hours", ty::QTY, "Hours."),
                ("ticket_count", ty::INT, "Tickets."),
            ],
        ),
        report(
            "rpt_headcount_by_department",
            "Month-end headcount per department.",
            &[month, ("department_name", ty::NAME, "Department."), ("headcount", ty::INT, "Employees.")],
        ),
        report(
            "rpt_payroll_cost_by_department",
            "Payroll cost per department and month.",
            &[month, ("department_name", ty::NAME, "Department."), ("gross_pay_total", ty::MONEY, "Gross pay.")],
        ),
        report(
            "rpt_campaign_roi",
            "Return on marketing investment per campaign.",
            &[
                ("campaign_name", ty::NAME, "Campaign."),
                ("spend_amount", ty::MONEY, "Spend."),
                ("attributed_revenue", ty::MONEY, "Revenue."),
                ("roi_pct", ty::PCT, "ROI."),
            ],
        ),
        report(
            "rpt_pipeline_by_stage",
            "Open pipeline per stage.",
            &[
                ("snapshot_date", ty::DATE, "Date."),
                ("stage", ty::CODE, "Stage."),
                ("pipeline_amount", ty::MONEY, "Amount."),
            ],
        ),
        report(
            "rpt_gross_margin_by_product",
            "Gross margin per product and year.",
            &[
                ("fiscal_year", ty::INT, "Year."),
                ("product_id", ty::INT, "Product."),
                ("revenue_amount", ty::MONEY, "Revenue."),
                ("margin_pct", ty::PCT, "Margin."),
            ],
        ),
        report(
            "rpt_daily_orders",
            "Orders and revenue per day.",
            &[
                ("order_date", ty::DATE, "Day."),
                ("order_count", ty::INT, "Orders."),
                ("total_amount", ty::MONEY, "Amount."),
            ],
        ),
        report(
            "rpt_customer_churn",
            "Customers flagged as churned per quarter.",
            &[
                ("customer_id", ty::INT, "Customer."),
                ("churn_quarter", ty::CODE, "Quarter."),
                ("last_order_amount", ty::MONEY, "Last order amount."),
            ],
        ),
        report(
            "rpt_supplier_spend",
            "Spend per supplier and year.",
            &[
                ("supplier_name", ty::NAME, "Supplier."),
                ("fiscal_year", ty::INT, "Year."),
                ("spend_amount", ty::MONEY, "Spend."),
            ],
        ),
        report(
            "rpt_budget_vs_actual",
            "Budget versus actual per cost center.",
            &[
                ("fiscal_year", ty::INT, "Year."),
                ("cost_center_code", ty::CODE, "Cost center."),
                ("budget_amount", ty::MONEY, "Budget."),
                ("actual_amount", ty::MONEY, "Actual."),
            ],
        ),
        report(
            "rpt_employee_turnover",
            "Employee turnover per department and year.",
            &[
                ("department_name", ty::NAME, "Department."),
                ("fiscal_year", ty::INT, "Year."),
                ("leavers", ty::INT, "Leavers."),
                ("turnover_pct", ty::PCT, "Turnover."),
            ],
        ),
        report(
            "rpt_return_rate_by_product",
            "Return rate per product.",
            &[
                ("product_name", ty::NAME, "Product."),
                ("units_sold", ty::INT, "Sold."),
                ("units_returned", ty::INT, "Returned."),
                ("return_rate_pct", ty::PCT, "Rate."),
            ],
        ),
        report(
            "rpt_country_sales_summary",
            "Yearly order amount per customer country.",
            &[
                ("country_name", ty::NAME, "Country."),
                ("fiscal_year", ty::INT, "Year."),
                ("order_amount", ty::MONEY, "Amount."),
            ],
        ),
    ]
}
