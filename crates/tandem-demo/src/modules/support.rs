//! Customer support: tickets, comments, SLAs, knowledge base, surveys.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("support", "sup_ticket_category", "Categories of support tickets, e.g. Billing, Product Defect.")
            .id("ticket_category_id", "Surrogate key.")
            .req("category_name", ty::NAME, "Category name.")
            .req("default_priority", ty::CODE, "Priority new tickets get."),
        TableDef::new("support", "sup_ticket", "Customer support tickets (cases) and their resolution.")
            .id("ticket_id", "Surrogate key.")
            .req("ticket_number", ty::CODE, "Ticket number, e.g. TCK-000123.")
            .fk("customer_id", "crm_customer", "Customer who raised it.")
            .fk_opt("contact_id", "crm_contact", "Contact who raised it.")
            .fk_opt("product_id", "prd_product", "Product concerned, if any.")
            .fk_opt("order_id", "sales_order", "Order concerned, if any.")
            .fk("ticket_category_id", "sup_ticket_category", "Category.")
            .fk("assigned_agent_id", "hr_employee", "Support agent working it.")
            .req("priority", ty::CODE, "Low, Medium, High or Urgent.")
            .req("ticket_status", ty::CODE, "Open, In Progress, Resolved or Closed.")
            .req("channel", ty::CODE, "Email, Phone, Chat or Portal.")
            .req("opened_at", ty::TS, "When the ticket was opened.")
            .col("resolved_at", ty::TS, "When it was resolved; NULL while open.")
            .col("satisfaction_score", ty::INT, "CSAT 1–5 from the closing survey; NULL if unanswered."),
        TableDef::new("support", "sup_ticket_comment", "Comments and replies on tickets.")
            .id("comment_id", "Surrogate key.")
            .fk("ticket_id", "sup_ticket", "Ticket.")
            .fk_opt("author_employee_id", "hr_employee", "Agent who wrote it; NULL for customer replies.")
            .req("created_at", ty::TS, "When written.")
            .req("is_public", ty::BOOL, "1 when visible to the customer.")
            .col("body", ty::TEXT, "Comment text."),
        TableDef::new("support", "sup_sla_policy", "Service-level targets per priority.")
            .id("sla_policy_id", "Surrogate key.")
            .req("priority", ty::CODE, "Priority the policy applies to.")
            .req("first_response_hours", ty::INT, "Target hours to first response.")
            .req("resolution_hours", ty::INT, "Target hours to resolution."),
        TableDef::new("support", "sup_sla_breach", "Tickets that missed their SLA.")
            .id("breach_id", "Surrogate key.")
            .fk("ticket_id", "sup_ticket", "Ticket.")
            .fk("sla_policy_id", "sup_sla_policy", "Policy breached.")
            .req("breach_type", ty::CODE, "Response or Resolution.")
            .req("breached_at", ty::TS, "When breached."),
        TableDef::new("support", "sup_knowledge_article", "Knowledge base articles.")
            .id("article_id", "Surrogate key.")
            .req("title", ty::NAME, "Title.")
            .fk_opt("product_id", "prd_product", "Product covered.")
            .fk_opt("author_id", "hr_employee", "Author.")
            .req("published_date", ty::DATE, "Published.")
            .col("view_count", ty::INT, "Views."),
        TableDef::new("support", "sup_ticket_article_link", "Articles linked to tickets as solutions.")
            .fk("ticket_id", "sup_ticket", "Ticket.")
            .fk("article_id", "sup_knowledge_article", "Article.")
            .key(&["ticket_id", "article_id"]),
        TableDef::new("support", "sup_agent_shift", "Support agent rota.")
            .id("shift_id", "Surrogate key.")
            .fk("agent_id", "hr_employee", "Agent.")
            .req("shift_start", ty::TS, "Start.")
            .req("shift_end", ty::TS, "End."),
        TableDef::new("support", "sup_escalation", "Tickets escalated to second line or engineering.")
            .id("escalation_id", "Surrogate key.")
            .fk("ticket_id", "sup_ticket", "Ticket.")
            .fk("escalated_to_id", "hr_employee", "Engineer escalated to.")
            .req("escalated_at", ty::TS, "When."),
        TableDef::new("support", "sup_rma_request", "Return merchandise authorisations raised by support.")
            .id("rma_id", "Surrogate key.")
            .fk("ticket_id", "sup_ticket", "Ticket.")
            .fk("product_id", "prd_product", "Product to return.")
            .req("approved", ty::BOOL, "1 when approved."),
        TableDef::new("support", "sup_csat_survey", "Customer satisfaction survey invitations and answers.")
            .id("survey_id", "Surrogate key.")
            .fk("ticket_id", "sup_ticket", "Ticket surveyed.")
            .req("sent_at", ty::TS, "When sent.")
            .col("score", ty::INT, "Answer 1–5.")
            .col("verbatim", ty::TEXT, "Free-text answer."),
        TableDef::new("support", "sup_canned_response", "Reusable reply templates.")
            .id("canned_response_id", "Surrogate key.")
            .req("title", ty::NAME, "Title.")
            .req("body", ty::TEXT, "Template text."),
        TableDef::new("support", "sup_service_contract", "Support and maintenance contracts of customers.")
            .id("service_contract_id", "Surrogate key.")
            .fk("customer_id", "crm_customer", "Customer.")
            .req("support_level", ty::CODE, "Basic, Premium or Enterprise.")
            .req("start_date", ty::DATE, "Start.")
            .req("end_date", ty::DATE, "End.")
            .req("annual_fee", ty::MONEY, "Fee in USD."),
    ]
}
