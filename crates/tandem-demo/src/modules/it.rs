//! IT service management: applications, licenses, devices, service desk.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("it", "it_application", "Business applications in the IT portfolio.")
            .id("application_id", "Surrogate key.")
            .req("application_name", ty::NAME, "Name, e.g. ERP, CRM, Data Warehouse.")
            .fk_opt("business_owner_id", "hr_employee", "Business owner.")
            .col("criticality", ty::CODE, "Tier 1–3.")
            .col("go_live_date", ty::DATE, "Go-live."),
        TableDef::new("it", "it_software_license", "Software licenses purchased.")
            .id("license_id", "Surrogate key.")
            .req("vendor_name", ty::NAME, "Vendor.")
            .req("product_name", ty::NAME, "Licensed product.")
            .req("seats", ty::INT, "Seats purchased.")
            .req("renewal_date", ty::DATE, "Renewal.")
            .req("annual_cost", ty::MONEY, "Cost in USD."),
        TableDef::new("it", "it_license_assignment", "License seats assigned to employees.")
            .fk("license_id", "it_software_license", "License.")
            .fk("employee_id", "hr_employee", "User.")
            .req("assigned_date", ty::DATE, "Date.")
            .key(&["license_id", "employee_id"]),
        TableDef::new("it", "it_device", "End-user devices (laptops, phones) managed by IT.")
            .id("device_id", "Surrogate key.")
            .req("hostname", ty::NAME, "Hostname.")
            .req("device_type", ty::CODE, "Laptop, Desktop or Phone.")
            .fk_opt("assigned_employee_id", "hr_employee", "User.")
            .fk_opt("asset_id", "ast_fixed_asset", "Fixed-asset record."),
        TableDef::new("it", "it_service_request", "Internal IT service desk requests.")
            .id("service_request_id", "Surrogate key.")
            .fk("requester_id", "hr_employee", "Requester.")
            .fk_opt("application_id", "it_application", "Application concerned.")
            .req("opened_at", ty::TS, "Opened.")
            .col("closed_at", ty::TS, "Closed.")
            .req("request_type", ty::CODE, "Access, Hardware, Software or Incident."),
        TableDef::new("it", "it_change_request", "Changes to production systems (CAB).")
            .id("change_request_id", "Surrogate key.")
            .fk("application_id", "it_application", "System changed.")
            .req("planned_at", ty::TS, "Planned window.")
            .req("risk_level", ty::CODE, "Low, Medium or High."),
        TableDef::new("it", "it_server", "Servers and virtual machines.")
            .id("server_id", "Surrogate key.")
            .req("server_name", ty::NAME, "Name.")
            .col("environment", ty::CODE, "Prod, Test or Dev.")
            .fk_opt("application_id", "it_application", "Main application hosted."),
        TableDef::new("it", "it_cloud_cost_daily", "Daily cloud spend per application.")
            .fk("application_id", "it_application", "Application.")
            .req("cost_date", ty::DATE, "Day.")
            .req("cost_amount", ty::MONEY, "Spend in USD.")
            .key(&["application_id", "cost_date"]),
        TableDef::new("it", "it_outage", "Production outages and their impact.")
            .id("outage_id", "Surrogate key.")
            .fk("application_id", "it_application", "Application.")
            .req("started_at", ty::TS, "Start.")
            .col("ended_at", ty::TS, "End.")
            .col("customer_impact", ty::TEXT, "Impact."),
    ]
}
