//! Human resources: organisation, employees, skills, leave, reviews, recruiting, training.

use crate::schema::{TableDef, lookup, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    let mut tables = vec![
        TableDef::new("hr", "hr_department", "Departments of the company; each rolls up to a finance cost center.")
            .id("department_id", "Surrogate key.")
            .req("department_code", ty::CODE, "Short code, e.g. SAL, ENG.")
            .req("department_name", ty::NAME, "Department name, e.g. Sales or Customer Support.")
            .fk("cost_center_id", "fin_cost_center", "Cost center that carries the department's expenses.")
            .fk_opt("parent_department_id", "hr_department", "Parent department in the org chart.")
            .col("established_date", ty::DATE, "Date the department was created."),
        TableDef::new("hr", "hr_job_title", "Job titles with their family, grade and salary band.")
            .id("job_title_id", "Surrogate key.")
            .req("title_name", ty::NAME, "Job title, e.g. Account Executive.")
            .req("job_family", ty::NAME, "Job family, e.g. Sales, Engineering.")
            .req("grade_level", ty::INT, "Pay grade 1 (entry) to 9 (executive).")
            .col("min_salary", ty::MONEY, "Bottom of the annual salary band in USD.")
            .col("max_salary", ty::MONEY, "Top of the annual salary band in USD."),
        TableDef::new("hr", "hr_office_location", "Offices where employees are based.")
            .id("location_id", "Surrogate key.")
            .req("location_name", ty::NAME, "Office name, e.g. Berlin HQ.")
            .req("city", ty::NAME, "City of the office.")
            .fk("country_id", "geo_country", "Country of the office.")
            .col("opened_date", ty::DATE, "Date the office opened."),
        TableDef::new(
            "hr",
            "hr_employee",
            "Employees (current and former); sales reps, agents and managers are employees.",
        )
        .id("employee_id", "Surrogate key.")
        .req("employee_number", ty::CODE, "HR system employee number, e.g. E00042.")
        .req("first_name", ty::NAME, "Given name.")
        .req("last_name", ty::NAME, "Family name.")
        .req("email", ty::EMAIL, "Work e-mail address.")
        .req("hire_date", ty::DATE, "First day of employment.")
        .col("termination_date", ty::DATE, "Last day of employment; NULL while employed.")
        .fk("department_id", "hr_department", "Department the employee works in.")
        .fk("job_title_id", "hr_job_title", "Current job title.")
        .fk_opt("manager_id", "hr_employee", "Direct manager; NULL for the CEO.")
        .fk("location_id", "hr_office_location", "Office the employee is based in.")
        .req("employment_type", ty::CODE, "Full-time, Part-time or Contractor.")
        .req("employment_status", ty::CODE, "Active, On Leave or Terminated.")
        .req("annual_salary", ty::MONEY, "Current annual base salary in USD.")
        .col("birth_date", ty::DATE, "Date of birth (restricted).")
        .col("gender", ty::CODE, "Self-reported gender (restricted)."),
        TableDef::new("hr", "hr_skill", "Skills that employees can hold, grouped by category.")
            .id("skill_id", "Surrogate key.")
            .req("skill_name", ty::NAME, "Skill name, e.g. SQL or Negotiation.")
            .req("skill_category", ty::NAME, "Technical, Sales, Language or Management."),
        TableDef::new("hr", "hr_employee_skill", "Bridge between employees and the skills they hold.")
            .fk("employee_id", "hr_employee", "Employee holding the skill.")
            .fk("skill_id", "hr_skill", "Skill held.")
            .req("proficiency_level", ty::INT, "Self-assessed level 1 (basic) to 5 (expert).")
            .col("certified_date", ty::DATE, "Date of certification, if certified.")
            .key(&["employee_id", "skill_id"]),
        lookup(
            "hr",
            "hr_leave_type",
            "Kinds of leave an employee can request.",
            &["Annual Leave", "Sick Leave", "Parental Leave", "Unpaid Leave", "Bereavement", "Training"],
        ),
        TableDef::new("hr", "hr_leave_request", "Leave requests (vacation, sick leave …) and their approval.")
            .id("leave_request_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee requesting leave.")
            .fk("leave_type_id", "hr_leave_type", "Kind of leave.")
            .req("start_date", ty::DATE, "First day of leave.")
            .req("end_date", ty::DATE, "Last day of leave.")
            .req("days_requested", ty::INT, "Working days requested.")
            .req("request_status", ty::CODE, "Pending, Approved or Rejected.")
            .fk_opt("approved_by_id", "hr_employee", "Manager who decided the request."),
        TableDef::new("hr", "hr_performance_review", "Annual performance reviews with an overall rating.")
            .id("review_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee reviewed.")
            .fk("reviewer_id", "hr_employee", "Manager who wrote the review.")
            .req("review_year", ty::INT, "Year under review.")
            .req("overall_rating", ty::INT, "1 (below expectations) to 5 (outstanding).")
            .col("review_comment", ty::TEXT, "Summary comment."),
    ];
    tables.extend(long_tail());
    tables
}

/// Recruiting, training and benefits: realistic tables the demo leaves empty or nearly so.
fn long_tail() -> Vec<TableDef> {
    vec![
        TableDef::new("hr", "hr_position", "Budgeted positions (seats) in the org chart, filled or vacant.")
            .id("position_id", "Surrogate key.")
            .fk("department_id", "hr_department", "Department owning the position.")
            .fk("job_title_id", "hr_job_title", "Title of the position.")
            .fk_opt("incumbent_employee_id", "hr_employee", "Employee in the seat; NULL when vacant.")
            .req("is_budgeted", ty::BOOL, "1 when the position is in the approved headcount plan."),
        TableDef::new("hr", "hr_job_requisition", "Requests to hire for an open position.")
            .id("requisition_id", "Surrogate key.")
            .fk("position_id", "hr_position", "Position to fill.")
            .fk("hiring_manager_id", "hr_employee", "Manager hiring.")
            .req("opened_date", ty::DATE, "Date the requisition opened.")
            .col("closed_date", ty::DATE, "Date it was filled or cancelled.")
            .req("requisition_status", ty::CODE, "Open, Filled or Cancelled."),
        TableDef::new("hr", "hr_candidate", "Job candidates from the applicant tracking system.")
            .id("candidate_id", "Surrogate key.")
            .req("full_name", ty::NAME, "Candidate's name.")
            .col("email", ty::EMAIL, "Contact e-mail.")
            .col("source_channel", ty::NAME, "Referral, Job Board, Agency or Career Site.")
            .fk_opt("country_id", "geo_country", "Country of residence."),
        TableDef::new("hr", "hr_job_application", "Applications of candidates to requisitions.")
            .id("application_id", "Surrogate key.")
            .fk("candidate_id", "hr_candidate", "Applicant.")
            .fk("requisition_id", "hr_job_requisition", "Requisition applied to.")
            .req("applied_date", ty::DATE, "Date of application.")
            .req("application_stage", ty::CODE, "Screen, Interview, Offer, Hired or Rejected."),
        TableDef::new("hr", "hr_interview", "Interviews held for applications.")
            .id("interview_id", "Surrogate key.")
            .fk("application_id", "hr_job_application", "Application interviewed.")
            .fk("interviewer_id", "hr_employee", "Interviewer.")
            .req("interview_date", ty::DATE, "Date of the interview.")
            .col("score", ty::INT, "Score 1–5."),
        TableDef::new("hr", "hr_offer", "Employment offers made to candidates.")
            .id("offer_id", "Surrogate key.")
            .fk("application_id", "hr_job_application", "Application the offer answers.")
            .req("offered_salary", ty::MONEY, "Offered annual salary.")
            .req("offer_date", ty::DATE, "Date the offer was made.")
            .col("accepted", ty::BOOL, "1 accepted, 0 declined, NULL pending."),
        TableDef::new("hr", "hr_training_course", "Internal and external training courses.")
            .id("course_id", "Surrogate key.")
            .req("course_title", ty::NAME, "Course title.")
            .col("provider_name", ty::NAME, "Training provider.")
            .col("duration_hours", ty::INT, "Length in hours.")
            .col("course_cost", ty::MONEY, "Cost per participant in USD."),
        TableDef::new("hr", "hr_training_enrollment", "Employees enrolled in training courses.")
            .fk("course_id", "hr_training_course", "Course.")
            .fk("employee_id", "hr_employee", "Participant.")
            .req("enrolled_date", ty::DATE, "Enrollment date.")
            .col("completed_date", ty::DATE, "Completion date.")
            .key(&["course_id", "employee_id"]),
        TableDef::new("hr", "hr_benefit_plan", "Benefit plans (health, pension, insurance) offered to employees.")
            .id("benefit_plan_id", "Surrogate key.")
            .req("plan_name", ty::NAME, "Plan name.")
            .req("plan_type", ty::CODE, "Health, Dental, Pension or Life.")
            .col("employer_cost_monthly", ty::MONEY, "Employer contribution per month."),
        TableDef::new("hr", "hr_employee_benefit", "Benefit plan enrollments of employees.")
            .fk("employee_id", "hr_employee", "Enrolled employee.")
            .fk("benefit_plan_id", "hr_benefit_plan", "Plan.")
            .req("coverage_start", ty::DATE, "Coverage start.")
            .col("coverage_end", ty::DATE, "Coverage end.")
            .key(&["employee_id", "benefit_plan_id"]),
        TableDef::new("hr", "hr_emergency_contact", "Emergency contacts of employees (restricted).")
            .id("emergency_contact_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee.")
            .req("contact_name", ty::NAME, "Contact's name.")
            .col("relationship", ty::NAME, "Relationship to the employee.")
            .col("phone_number", ty::CODE, "Phone number."),
        TableDef::new("hr", "hr_employee_address", "Home addresses of employees (restricted).")
            .id("address_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee.")
            .req("street_line", ty::NAME, "Street and number.")
            .req("city", ty::NAME, "City.")
            .fk("country_id", "geo_country", "Country.")
            .col("valid_from", ty::DATE, "Address valid from."),
        TableDef::new("hr", "hr_disciplinary_action", "Formal warnings and disciplinary actions.")
            .id("action_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee concerned.")
            .req("action_date", ty::DATE, "Date of the action.")
            .req("action_type", ty::CODE, "Verbal, Written or Final.")
            .col("notes", ty::TEXT, "Case notes."),
        lookup(
            "hr",
            "hr_termination_reason",
            "Reasons recorded when employment ends.",
            &["Resignation", "Retirement", "Dismissal", "Redundancy", "End of Contract", "Mutual Agreement"],
        ),
        TableDef::new(
            "hr",
            "hr_employee_termination",
            "Terminations of employment with reason and rehire eligibility.",
        )
        .id("termination_id", "Surrogate key.")
        .fk("employee_id", "hr_employee", "Employee leaving.")
        .fk("termination_reason_id", "hr_termination_reason", "Reason.")
        .req("termination_date", ty::DATE, "Last day.")
        .req("eligible_for_rehire", ty::BOOL, "1 when the employee may be rehired."),
        TableDef::new("hr", "hr_compensation_change", "Salary changes (merit, promotion, adjustment) over time.")
            .id("compensation_change_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee.")
            .req("effective_date", ty::DATE, "Date the new salary applies.")
            .req("old_salary", ty::MONEY, "Salary before.")
            .req("new_salary", ty::MONEY, "Salary after.")
            .req("change_reason", ty::CODE, "Merit, Promotion or Adjustment."),
        TableDef::new("hr", "hr_onboarding_task", "Checklist tasks for new hires.")
            .id("onboarding_task_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "New hire.")
            .req("task_name", ty::NAME, "Task.")
            .col("due_date", ty::DATE, "Due date.")
            .col("completed", ty::BOOL, "1 when done."),
        TableDef::new("hr", "hr_succession_plan", "Successors identified for key positions.")
            .id("succession_id", "Surrogate key.")
            .fk("position_id", "hr_position", "Key position.")
            .fk("successor_employee_id", "hr_employee", "Identified successor.")
            .col("readiness", ty::CODE, "Ready Now, 1-2 Years, 3+ Years."),
        TableDef::new("hr", "hr_engagement_survey_response", "Anonymous engagement survey answers, by department.")
            .id("response_id", "Surrogate key.")
            .fk("department_id", "hr_department", "Department of the respondent.")
            .req("survey_year", ty::INT, "Survey year.")
            .req("engagement_score", ty::INT, "Score 0–100."),
    ]
}
