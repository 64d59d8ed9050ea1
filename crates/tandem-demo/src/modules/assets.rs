//! Fixed assets: equipment, depreciation, maintenance, leases.

use crate::schema::{TableDef, lookup, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        lookup(
            "assets",
            "ast_asset_category",
            "Classes of fixed assets.",
            &["Laptop", "Server", "Vehicle", "Furniture", "Machinery", "Network Equipment", "Building Improvement"],
        ),
        TableDef::new("assets", "ast_fixed_asset", "Fixed assets owned by the company, their cost and custodian.")
            .id("asset_id", "Surrogate key.")
            .req("asset_tag", ty::CODE, "Tag on the asset, e.g. FA-00123.")
            .req("asset_name", ty::NAME, "Description.")
            .fk("asset_category_id", "ast_asset_category", "Asset class.")
            .req("acquired_date", ty::DATE, "Date acquired.")
            .req("acquisition_cost", ty::MONEY, "Cost in USD.")
            .req("useful_life_months", ty::INT, "Depreciation period.")
            .fk("department_id", "hr_department", "Department using it.")
            .fk_opt("custodian_employee_id", "hr_employee", "Employee holding it.")
            .req("asset_status", ty::CODE, "In Use, In Storage or Disposed."),
        TableDef::new("assets", "ast_depreciation_entry", "Monthly straight-line depreciation per asset.")
            .fk("asset_id", "ast_fixed_asset", "Asset.")
            .req("period_month", ty::DATE, "Month.")
            .req("depreciation_amount", ty::MONEY, "Depreciation in USD.")
            .key(&["asset_id", "period_month"]),
        TableDef::new("assets", "ast_maintenance_order", "Maintenance performed on assets.")
            .id("maintenance_id", "Surrogate key.")
            .fk("asset_id", "ast_fixed_asset", "Asset.")
            .req("service_date", ty::DATE, "Date.")
            .col("cost", ty::MONEY, "Cost in USD.")
            .col("vendor_name", ty::NAME, "Service provider."),
        TableDef::new("assets", "ast_asset_transfer", "Moves of assets between departments.")
            .id("asset_transfer_id", "Surrogate key.")
            .fk("asset_id", "ast_fixed_asset", "Asset.")
            .fk("from_department_id", "hr_department", "From.")
            .fk("to_department_id", "hr_department", "To.")
            .req("transfer_date", ty::DATE, "Date."),
        TableDef::new("assets", "ast_disposal", "Asset disposals and sale proceeds.")
            .id("disposal_id", "Surrogate key.")
            .fk("asset_id", "ast_fixed_asset", "Asset.")
            .req("disposal_date", ty::DATE, "Date.")
            .col("proceeds_amount", ty::MONEY, "Proceeds in USD."),
        TableDef::new("assets", "ast_lease_contract", "Leased equipment and premises.")
            .id("lease_id", "Surrogate key.")
            .req("lessor_name", ty::NAME, "Lessor.")
            .req("start_date", ty::DATE, "Start.")
            .req("end_date", ty::DATE, "End.")
            .req("monthly_payment", ty::MONEY, "Payment in USD."),
        TableDef::new("assets", "ast_insurance_policy", "Insurance covering assets.")
            .id("insurance_policy_id", "Surrogate key.")
            .req("insurer_name", ty::NAME, "Insurer.")
            .req("policy_number", ty::CODE, "Policy number.")
            .col("annual_premium", ty::MONEY, "Premium in USD."),
    ]
}
