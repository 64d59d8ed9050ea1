//! Code lists that source systems keep as their own tables.
//!
//! Many repeat values that operational tables store as text (order status, opportunity stage,
//! ticket priority), exactly as in real warehouses: a value index will find "Closed Won" both
//! here and in `crm_opportunity.stage`, and retrieval has to rank the table that holds facts.

use crate::schema::{TableDef, lookup};

pub(crate) fn tables() -> Vec<TableDef> {
    let lists: [(&'static str, &str, &str, &[&str]); 32] = [
        (
            "sales",
            "sales_order_status",
            "Statuses a sales order passes through.",
            &["Processing", "Shipped", "Delivered", "Cancelled", "Returned"],
        ),
        (
            "sales",
            "sales_return_reason",
            "Reasons customers give for returns.",
            &["Defective", "Wrong Item", "No Longer Needed", "Damaged in Transit"],
        ),
        (
            "sales",
            "sales_customer_segment",
            "Customer segments used for pricing and coverage.",
            &["Enterprise", "Mid-Market", "Small Business", "Public Sector"],
        ),
        (
            "crm",
            "crm_opportunity_stage",
            "Pipeline stages of opportunities.",
            &["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost"],
        ),
        (
            "crm",
            "crm_lead_source",
            "Where leads come from.",
            &["Web Form", "Trade Show", "Referral", "Partner", "Cold Call", "Webinar"],
        ),
        (
            "crm",
            "crm_lost_reason",
            "Why opportunities are lost.",
            &["Price", "Competitor", "No Budget", "No Decision", "Timing"],
        ),
        ("crm", "crm_activity_type", "Kinds of CRM activities.", &["Call", "Email", "Meeting", "Demo"]),
        ("support", "sup_ticket_priority", "Ticket priorities.", &["Low", "Medium", "High", "Urgent"]),
        ("support", "sup_ticket_status", "Ticket statuses.", &["Open", "In Progress", "Resolved", "Closed"]),
        (
            "support",
            "sup_contact_channel",
            "Channels customers contact support through.",
            &["Email", "Phone", "Chat", "Portal"],
        ),
        ("logistics", "ship_shipment_status", "Shipment statuses.", &["In Transit", "Delivered", "Delayed"]),
        ("logistics", "ship_carrier_mode", "Transport modes.", &["Parcel", "Freight", "Ocean", "Air"]),
        (
            "finance",
            "fin_payment_method",
            "Payment methods accepted.",
            &["Wire Transfer", "Credit Card", "ACH", "Check"],
        ),
        ("finance", "fin_invoice_status", "Invoice statuses.", &["Paid", "Open", "Overdue", "Void"]),
        ("finance", "fin_account_type", "GL account types.", &["Asset", "Liability", "Equity", "Revenue", "Expense"]),
        (
            "finance",
            "fin_journal_source",
            "Modules that post journals.",
            &["Sales", "Payroll", "Logistics", "Purchasing", "Manual"],
        ),
        ("hr", "hr_employment_type", "Employment contract types.", &["Full-time", "Part-time", "Contractor", "Intern"]),
        ("hr", "hr_employment_status", "Employment statuses.", &["Active", "On Leave", "Terminated"]),
        (
            "hr",
            "hr_job_family",
            "Job families.",
            &["Sales", "Marketing", "Support", "Finance", "HR", "Engineering", "Operations", "Executive"],
        ),
        ("hr", "hr_skill_category", "Skill categories.", &["Technical", "Sales", "Language", "Management"]),
        ("projects", "proj_project_status", "Project statuses.", &["Active", "On Hold", "Completed", "Cancelled"]),
        (
            "projects",
            "proj_project_role",
            "Roles on project teams.",
            &["Project Manager", "Consultant", "Architect", "Developer", "Analyst"],
        ),
        (
            "manufacturing",
            "mfg_work_order_status",
            "Work order statuses.",
            &["Planned", "In Progress", "Completed", "Cancelled"],
        ),
        (
            "marketing",
            "mkt_marketing_channel",
            "Marketing channels.",
            &["Email", "Paid Search", "Social", "Events", "Webinar"],
        ),
        (
            "marketing",
            "mkt_lead_status",
            "Lead statuses.",
            &["New", "Contacted", "Qualified", "Converted", "Disqualified"],
        ),
        ("purchasing", "purch_po_status", "Purchase order statuses.", &["Open", "Received", "Cancelled"]),
        ("assets", "ast_asset_status", "Asset statuses.", &["In Use", "In Storage", "Disposed"]),
        ("it", "it_request_type", "IT request types.", &["Access", "Hardware", "Software", "Incident"]),
        ("legal", "lgl_contract_type", "Legal contract types.", &["NDA", "MSA", "SOW", "Lease"]),
        ("audit", "aud_severity", "Severity scale for findings and incidents.", &["Low", "Medium", "High", "Critical"]),
        ("inventory", "inv_bin_type", "Storage bin types.", &["Pallet", "Shelf", "Cage"]),
        ("reference", "ref_gender", "Gender codes (restricted use).", &["Female", "Male", "Non-binary", "Undisclosed"]),
    ];
    lists.iter().map(|(module, name, comment, values)| lookup(module, name, comment, values)).collect()
}
