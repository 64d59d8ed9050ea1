//! Report snapshot tables (`rpt_`) that BI jobs rebuild for dashboards.
//!
//! The demo leaves them empty: like the `dw_` layer they are distractors whose names promise
//! the answer ("monthly revenue by region") while the facts live in the operational tables.

use crate::schema::{TableDef, ty};

fn report(name: &str, comment: &str, columns: &[(&str, &str, &str)]) -> TableDef {
    TableDef::new("reporting", name, comment).cols(columns).col(
        "refreshed_at",
        ty::TS,
        "When the report job last rebuilt the row.",
    )
}

pub(crate) fn tables() -> Vec<TableDef> {
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
