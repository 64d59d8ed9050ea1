//! Tables derived from the operational ones, as ETL tooling creates them in real warehouses:
//! type-2 history (`<table>_history`), staging copies (`stg_<table>`), column-level change
//! logs (`aud_<table>_change`) and yearly archives (`arch_<table>_<year>`).
//!
//! They repeat the operational vocabulary on purpose: retrieval must prefer the table that
//! holds current facts over its near-identical shadows.

use crate::schema::{ColumnDef, TableDef, ty};

const HISTORY: [&str; 25] = [
    "crm_customer",
    "crm_contact",
    "hr_employee",
    "hr_department",
    "hr_job_title",
    "prd_product",
    "prd_product_category",
    "purch_supplier",
    "inv_warehouse",
    "sales_promotion",
    "mkt_campaign",
    "proj_project",
    "ast_fixed_asset",
    "fin_gl_account",
    "sales_territory",
    "ship_carrier",
    "crm_opportunity",
    "geo_country",
    "sales_channel",
    "pay_commission_plan",
    "fin_cost_center",
    "sup_sla_policy",
    "it_application",
    "mfg_plant",
    "hr_office_location",
];

const STAGING: [&str; 50] = [
    "crm_customer",
    "crm_contact",
    "crm_opportunity",
    "crm_activity",
    "sales_order",
    "sales_order_line",
    "sales_promotion",
    "sales_return",
    "prd_product",
    "prd_product_category",
    "prd_price_history",
    "purch_supplier",
    "purch_purchase_order",
    "purch_purchase_order_line",
    "purch_goods_receipt",
    "inv_warehouse",
    "inv_stock_level",
    "inv_stock_movement",
    "hr_employee",
    "hr_department",
    "hr_job_title",
    "hr_leave_request",
    "hr_performance_review",
    "pay_payroll_run",
    "pay_payslip",
    "fin_invoice",
    "fin_payment",
    "fin_gl_account",
    "fin_gl_journal_entry",
    "fin_gl_journal_line",
    "fin_budget",
    "fin_ap_invoice",
    "fin_expense_report",
    "ship_shipment",
    "ship_tracking_event",
    "ship_carrier",
    "sup_ticket",
    "sup_ticket_comment",
    "mkt_campaign",
    "mkt_lead",
    "mkt_campaign_spend",
    "mfg_work_order",
    "mfg_plant",
    "proj_project",
    "proj_timesheet_entry",
    "ast_fixed_asset",
    "aud_login_event",
    "geo_country",
    "ref_exchange_rate",
    "sales_quota",
];

const CHANGE_LOGS: [&str; 15] = [
    "sales_order",
    "sales_order_line",
    "crm_customer",
    "hr_employee",
    "prd_product",
    "fin_invoice",
    "fin_payment",
    "purch_purchase_order",
    "ship_shipment",
    "sup_ticket",
    "crm_opportunity",
    "fin_gl_journal_entry",
    "pay_payslip",
    "inv_stock_level",
    "mkt_lead",
];

const ARCHIVES: [(&str, i64); 8] = [
    ("sales_order", 2020),
    ("sales_order_line", 2020),
    ("sales_order", 2021),
    ("sales_order_line", 2021),
    ("fin_invoice", 2021),
    ("sup_ticket", 2021),
    ("ship_shipment", 2021),
    ("crm_activity", 2021),
];

/// The derived tables for the given operational tables (names not found are skipped).
pub(crate) fn tables(operational: &[TableDef]) -> Vec<TableDef> {
    let find = |name: &str| operational.iter().find(|t| t.name == name);
    let mut derived = Vec::new();
    derived.extend(HISTORY.iter().filter_map(|n| find(n)).filter_map(history));
    derived.extend(STAGING.iter().filter_map(|n| find(n)).map(staging));
    derived.extend(CHANGE_LOGS.iter().filter_map(|n| find(n)).filter_map(change_log));
    derived.extend(ARCHIVES.iter().filter_map(|(n, year)| find(n).map(|t| archive(t, *year))));
    derived
}

/// A copy of a column without its foreign key: derived tables hold values, not relationships.
fn plain(column: &ColumnDef) -> ColumnDef {
    ColumnDef { references: None, ..column.clone() }
}

fn history(base: &TableDef) -> Option<TableDef> {
    let key = base.single_key()?;
    let mut t = TableDef::new(
        base.module,
        &format!("{}_history", base.name),
        &format!("Type-2 history of {}: one row per version, valid_from/valid_to bound each version.", base.name),
    )
    .id("history_id", "Surrogate key of the version.")
    .fk(&key.name, &base.name, &format!("The {} row this is a version of.", base.name));
    t.columns.extend(base.columns.iter().filter(|c| c.name != key.name).map(plain));
    Some(
        t.req("valid_from", ty::TS, "Version valid from.")
            .col("valid_to", ty::TS, "Version valid to; NULL for the current version.")
            .req("is_current", ty::BOOL, "1 for the current version.")
            .col("change_reason", ty::NAME, "Why a new version was written."),
    )
}

fn staging(base: &TableDef) -> TableDef {
    let mut t = TableDef::new(
        "staging",
        &format!("stg_{}", base.name),
        &format!(
            "Staging copy of {} as extracted from the source, before validation; truncated every load.",
            base.name
        ),
    );
    t.columns.extend(base.columns.iter().map(|c| ColumnDef {
        name: c.name.clone(),
        sql_type: ty::TEXT.to_owned(),
        not_null: false,
        comment: format!("Raw source value. {}", c.comment),
        references: None,
    }));
    t.req("stg_load_id", ty::BIG, "Load batch.")
        .req("stg_loaded_at", ty::TS, "When the row landed.")
        .col("stg_source_system", ty::NAME, "System the row came from.")
        .col("stg_record_hash", ty::NAME, "Hash used for change detection.")
}

fn change_log(base: &TableDef) -> Option<TableDef> {
    let key = base.single_key()?;
    let short = base.name.split_once('_').map_or(base.name.as_str(), |(_, rest)| rest);
    Some(
        TableDef::new(
            "audit",
            &format!("aud_{short}_change"),
            &format!("Column-level change log of {}: one row per changed field.", base.name),
        )
        .id("change_id", "Surrogate key.")
        .req(&key.name, &key.sql_type, &format!("Key of the changed {} row.", base.name))
        .req("changed_at", ty::TS, "When the change happened.")
        .col("changed_by", ty::NAME, "User or process that made the change.")
        .req("column_name", ty::NAME, "Field changed.")
        .col("old_value", ty::TEXT, "Value before.")
        .col("new_value", ty::TEXT, "Value after."),
    )
}

fn archive(base: &TableDef, year: i64) -> TableDef {
    let mut t = TableDef::new(
        "archive",
        &format!("arch_{}_{year}", base.name),
        &format!("Archived {} rows from {year}, moved out of the operational table at year-end close.", base.name),
    );
    t.columns.extend(base.columns.iter().map(plain));
    t.primary_key.clone_from(&base.primary_key);
    t.col("archived_at", ty::TS, "When the row was archived.")
}
