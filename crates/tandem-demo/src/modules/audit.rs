//! Audit and security: logins, access, data changes, compliance controls.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("audit", "aud_login_event", "Sign-ins of employees to company systems, successful or not.")
            .id("login_event_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee signing in.")
            .req("login_at", ty::TS, "When.")
            .req("ip_address", ty::NAME, "Source IP address.")
            .req("was_successful", ty::BOOL, "1 when the sign-in succeeded.")
            .col("application_name", ty::NAME, "Application signed in to."),
        TableDef::new("audit", "aud_data_change_log", "Row-level change log captured from operational databases.")
            .id("change_id", "Surrogate key.")
            .req("table_name", ty::NAME, "Table changed.")
            .req("record_key", ty::NAME, "Primary key of the changed row.")
            .req("operation", ty::CODE, "INSERT, UPDATE or DELETE.")
            .req("changed_at", ty::TS, "When.")
            .fk_opt("changed_by_id", "hr_employee", "Employee who changed it."),
        TableDef::new("audit", "aud_access_review", "Periodic reviews of who has access to what.")
            .id("access_review_id", "Surrogate key.")
            .fk("reviewer_id", "hr_employee", "Reviewer.")
            .req("application_name", ty::NAME, "Application reviewed.")
            .req("review_date", ty::DATE, "Date.")
            .col("revocations", ty::INT, "Access rights revoked."),
        TableDef::new("audit", "aud_permission_grant", "Application permissions granted to employees.")
            .id("grant_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Grantee.")
            .req("application_name", ty::NAME, "Application.")
            .req("role_name", ty::NAME, "Role granted.")
            .req("granted_at", ty::TS, "When.")
            .col("revoked_at", ty::TS, "When revoked."),
        TableDef::new("audit", "aud_internal_control", "Internal controls (SOX) and their owners.")
            .id("control_id", "Surrogate key.")
            .req("control_code", ty::CODE, "Code.")
            .req("control_description", ty::TEXT, "What the control checks.")
            .fk("owner_id", "hr_employee", "Control owner."),
        TableDef::new("audit", "aud_control_test", "Tests of internal controls.")
            .id("control_test_id", "Surrogate key.")
            .fk("control_id", "aud_internal_control", "Control tested.")
            .req("test_date", ty::DATE, "Date.")
            .req("test_result", ty::CODE, "Pass, Fail or Not Tested."),
        TableDef::new("audit", "aud_finding", "Audit findings and remediation status.")
            .id("finding_id", "Surrogate key.")
            .fk_opt("control_test_id", "aud_control_test", "Test that found it.")
            .req("severity", ty::CODE, "Low, Medium, High or Critical.")
            .req("raised_date", ty::DATE, "Date.")
            .col("remediated_date", ty::DATE, "Date fixed."),
        TableDef::new("audit", "aud_security_incident", "Information-security incidents.")
            .id("incident_id", "Surrogate key.")
            .req("detected_at", ty::TS, "When detected.")
            .req("incident_type", ty::NAME, "Phishing, Malware, Data Leak …")
            .req("severity", ty::CODE, "Severity.")
            .col("resolved_at", ty::TS, "When resolved."),
        TableDef::new("audit", "aud_policy_acknowledgement", "Employees' acknowledgement of company policies.")
            .fk("employee_id", "hr_employee", "Employee.")
            .req("policy_name", ty::NAME, "Policy.")
            .req("acknowledged_at", ty::TS, "When.")
            .key(&["employee_id", "policy_name"]),
        TableDef::new("audit", "aud_export_log", "Data exports from reporting tools.")
            .id("export_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Who exported.")
            .req("exported_at", ty::TS, "When.")
            .req("object_name", ty::NAME, "Report or table exported.")
            .col("row_count", ty::INT, "Rows exported."),
    ]
}
