//! The dimensional layer (`dw_`): conformed dimensions and fact tables built by nightly jobs.
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
