//! Projects: professional-services projects, members, time, milestones.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new(
            "projects",
            "proj_project",
            "Professional-services and internal projects with budget and manager.",
        )
        .id("project_id", "Surrogate key.")
        .req("project_code", ty::CODE, "Code, e.g. PRJ-014.")
        .req("project_name", ty::NAME, "Name.")
        .fk_opt("customer_id", "crm_customer", "Client; NULL for internal projects.")
        .fk("manager_id", "hr_employee", "Project manager.")
        .req("start_date", ty::DATE, "Start.")
        .col("end_date", ty::DATE, "Planned end.")
        .req("budget_amount", ty::MONEY, "Budget in USD.")
        .req("project_status", ty::CODE, "Active, On Hold or Completed."),
        TableDef::new("projects", "proj_project_member", "Bridge between projects and the employees staffed on them.")
            .fk("project_id", "proj_project", "Project.")
            .fk("employee_id", "hr_employee", "Employee staffed.")
            .req("project_role", ty::NAME, "Role, e.g. Consultant, Architect.")
            .req("allocation_pct", ty::PCT, "Share of the employee's time.")
            .key(&["project_id", "employee_id"]),
        TableDef::new("projects", "proj_timesheet_entry", "Hours employees booked to projects per day.")
            .id("timesheet_entry_id", "Surrogate key.")
            .fk("project_id", "proj_project", "Project.")
            .fk("employee_id", "hr_employee", "Employee.")
            .req("work_date", ty::DATE, "Day worked.")
            .req("hours", ty::QTY, "Hours booked.")
            .req("is_billable", ty::BOOL, "1 when billed to the client."),
        TableDef::new("projects", "proj_milestone", "Project milestones and billing events.")
            .id("milestone_id", "Surrogate key.")
            .fk("project_id", "proj_project", "Project.")
            .req("milestone_name", ty::NAME, "Name.")
            .req("due_date", ty::DATE, "Due.")
            .col("completed_date", ty::DATE, "Done."),
        TableDef::new("projects", "proj_task", "Work breakdown tasks.")
            .id("task_id", "Surrogate key.")
            .fk("project_id", "proj_project", "Project.")
            .fk_opt("assignee_id", "hr_employee", "Assignee.")
            .req("task_name", ty::NAME, "Task.")
            .col("estimate_hours", ty::QTY, "Estimate."),
        TableDef::new("projects", "proj_risk", "Project risk register.")
            .id("risk_id", "Surrogate key.")
            .fk("project_id", "proj_project", "Project.")
            .req("risk_title", ty::NAME, "Risk.")
            .col("impact", ty::CODE, "Low, Medium or High."),
        TableDef::new("projects", "proj_change_request", "Scope change requests.")
            .id("change_request_id", "Surrogate key.")
            .fk("project_id", "proj_project", "Project.")
            .req("requested_date", ty::DATE, "Date.")
            .col("budget_delta", ty::MONEY, "Budget change in USD."),
        TableDef::new("projects", "proj_expense", "Project expenses passed through to clients.")
            .id("project_expense_id", "Surrogate key.")
            .fk("project_id", "proj_project", "Project.")
            .req("expense_date", ty::DATE, "Date.")
            .req("amount", ty::MONEY, "Amount in USD."),
        TableDef::new("projects", "proj_status_report", "Weekly status reports.")
            .id("status_report_id", "Surrogate key.")
            .fk("project_id", "proj_project", "Project.")
            .req("report_date", ty::DATE, "Week ending.")
            .req("rag_status", ty::CODE, "Red, Amber or Green."),
    ]
}
