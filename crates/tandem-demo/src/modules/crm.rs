//! CRM: customers, contacts, opportunities, activities.

use crate::schema::{TableDef, lookup, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        lookup(
            "crm",
            "crm_industry",
            "Industries customers operate in.",
            &[
                "Retail",
                "Manufacturing",
                "Healthcare",
                "Financial Services",
                "Education",
                "Government",
                "Technology",
                "Logistics",
                "Energy",
                "Hospitality",
            ],
        ),
        TableDef::new("crm", "crm_customer", "Customers (business accounts) that buy from us; the customer master.")
            .id("customer_id", "Surrogate key.")
            .req("customer_code", ty::CODE, "Account number, e.g. C-00017.")
            .req("customer_name", ty::NAME, "Company name of the customer.")
            .req("segment", ty::CODE, "Enterprise, Mid-Market, Small Business or Public Sector.")
            .fk("industry_id", "crm_industry", "Industry.")
            .fk("country_id", "geo_country", "Country of the billing address.")
            .req("city", ty::NAME, "City of the billing address.")
            .fk_opt("account_manager_id", "hr_employee", "Employee who owns the account.")
            .req("credit_limit", ty::MONEY, "Credit limit in USD.")
            .req("customer_since", ty::DATE, "Date the account was opened.")
            .req("is_active", ty::BOOL, "1 while the account may place orders."),
        TableDef::new("crm", "crm_contact", "People at customer accounts we deal with.")
            .id("contact_id", "Surrogate key.")
            .fk("customer_id", "crm_customer", "Account the contact works for.")
            .req("first_name", ty::NAME, "Given name.")
            .req("last_name", ty::NAME, "Family name.")
            .req("email", ty::EMAIL, "E-mail address.")
            .col("job_title", ty::NAME, "Job title at the customer.")
            .req("is_primary", ty::BOOL, "1 for the account's main contact."),
        TableDef::new("crm", "crm_opportunity", "Sales opportunities (pipeline deals) with stage and expected amount.")
            .id("opportunity_id", "Surrogate key.")
            .fk("customer_id", "crm_customer", "Prospective buyer.")
            .fk("owner_id", "hr_employee", "Sales rep owning the deal.")
            .req("opportunity_name", ty::NAME, "Deal name.")
            .req("stage", ty::CODE, "Prospecting, Qualification, Proposal, Negotiation, Closed Won or Closed Lost.")
            .req("amount", ty::MONEY, "Expected deal value in USD.")
            .req("probability_pct", ty::PCT, "Win probability in percent.")
            .req("created_date", ty::DATE, "Date the opportunity was created.")
            .req("expected_close_date", ty::DATE, "Expected or actual close date."),
        TableDef::new("crm", "crm_activity", "Calls, e-mails, meetings and demos logged against customers.")
            .id("activity_id", "Surrogate key.")
            .fk("customer_id", "crm_customer", "Customer concerned.")
            .fk_opt("contact_id", "crm_contact", "Contact involved.")
            .fk("employee_id", "hr_employee", "Employee who logged it.")
            .req("activity_type", ty::CODE, "Call, Email, Meeting or Demo.")
            .req("activity_date", ty::DATE, "Date of the activity.")
            .col("subject", ty::NAME, "Subject line."),
        TableDef::new("crm", "crm_customer_address", "Shipping and billing addresses of customers.")
            .id("address_id", "Surrogate key.")
            .fk("customer_id", "crm_customer", "Customer.")
            .req("address_type", ty::CODE, "Billing or Shipping.")
            .req("street_line", ty::NAME, "Street and number.")
            .req("city", ty::NAME, "City.")
            .fk("country_id", "geo_country", "Country."),
        TableDef::new("crm", "crm_account_hierarchy", "Parent/subsidiary relationships between customer accounts.")
            .fk("parent_customer_id", "crm_customer", "Parent account.")
            .fk("child_customer_id", "crm_customer", "Subsidiary account.")
            .req("valid_from", ty::DATE, "Relationship valid from.")
            .key(&["parent_customer_id", "child_customer_id"]),
        TableDef::new("crm", "crm_customer_note", "Free-text notes about customers.")
            .id("note_id", "Surrogate key.")
            .fk("customer_id", "crm_customer", "Customer.")
            .fk("author_id", "hr_employee", "Author.")
            .req("note_date", ty::DATE, "Date written.")
            .req("note_text", ty::TEXT, "Note."),
        TableDef::new("crm", "crm_opportunity_product", "Products quoted on an opportunity.")
            .fk("opportunity_id", "crm_opportunity", "Opportunity.")
            .fk("product_id", "prd_product", "Product.")
            .req("quantity", ty::INT, "Units quoted.")
            .col("quoted_price", ty::MONEY, "Unit price quoted in USD.")
            .key(&["opportunity_id", "product_id"]),
        TableDef::new("crm", "crm_opportunity_stage_history", "Stage changes of opportunities over time.")
            .id("stage_history_id", "Surrogate key.")
            .fk("opportunity_id", "crm_opportunity", "Opportunity.")
            .req("stage", ty::CODE, "Stage entered.")
            .req("changed_date", ty::DATE, "Date of the change."),
        TableDef::new("crm", "crm_quote", "Formal quotes sent to customers.")
            .id("quote_id", "Surrogate key.")
            .fk("opportunity_id", "crm_opportunity", "Opportunity quoted.")
            .req("quote_number", ty::CODE, "Quote number.")
            .req("quote_date", ty::DATE, "Date sent.")
            .req("quote_amount", ty::MONEY, "Total quoted in USD.")
            .col("valid_until", ty::DATE, "Expiry."),
        TableDef::new("crm", "crm_customer_consent", "Marketing consent given by contacts (GDPR).")
            .id("consent_id", "Surrogate key.")
            .fk("contact_id", "crm_contact", "Contact.")
            .req("consent_channel", ty::CODE, "Email, Phone or Post.")
            .req("granted", ty::BOOL, "1 when consent is given.")
            .req("recorded_at", ty::TS, "When recorded."),
        TableDef::new("crm", "crm_customer_score", "Monthly health and churn-risk scores per customer.")
            .fk("customer_id", "crm_customer", "Customer.")
            .req("score_month", ty::DATE, "First day of the month.")
            .col("health_score", ty::INT, "0–100, higher is healthier.")
            .col("churn_risk_pct", ty::PCT, "Predicted churn probability.")
            .key(&["customer_id", "score_month"]),
        TableDef::new("crm", "crm_competitor", "Competitors met in deals.")
            .id("competitor_id", "Surrogate key.")
            .req("competitor_name", ty::NAME, "Name.")
            .col("website", ty::NAME, "Web site."),
        TableDef::new("crm", "crm_opportunity_competitor", "Competitors involved in opportunities.")
            .fk("opportunity_id", "crm_opportunity", "Opportunity.")
            .fk("competitor_id", "crm_competitor", "Competitor.")
            .key(&["opportunity_id", "competitor_id"]),
    ]
}
