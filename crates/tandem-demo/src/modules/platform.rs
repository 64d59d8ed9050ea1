//! Data-platform plumbing: ETL control (`etl_`), configuration (`cfg_`) and raw landing
//! tables (`lnd_`) holding source-system extracts before staging.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    let mut tables = control();
    tables.extend(config());
    tables.extend(landing());
    tables
}

fn control() -> Vec<TableDef> {
    vec![
        TableDef::new("etl", "etl_source_system", "Source systems the warehouse loads from.")
            .id("source_system_id", "Surrogate key.")
            .req("source_name", ty::NAME, "Salesforce, SAP, Workday, Zendesk, Shopify …")
            .col("connection_type", ty::CODE, "JDBC, API or SFTP."),
        TableDef::new("etl", "etl_job", "Scheduled load and transform jobs.")
            .id("job_id", "Surrogate key.")
            .req("job_name", ty::NAME, "Job name, e.g. load_sales_order.")
            .fk_opt("source_system_id", "etl_source_system", "Source read.")
            .col("target_table", ty::NAME, "Table written.")
            .col("schedule_cron", ty::CODE, "Cron schedule."),
        TableDef::new("etl", "etl_job_run", "Executions of ETL jobs with row counts and outcome.")
            .id("job_run_id", "Surrogate key.")
            .fk("job_id", "etl_job", "Job.")
            .req("started_at", ty::TS, "Start.")
            .col("finished_at", ty::TS, "End.")
            .col("rows_read", ty::BIG, "Rows read.")
            .col("rows_written", ty::BIG, "Rows written.")
            .req("run_status", ty::CODE, "Succeeded, Failed or Running."),
        TableDef::new("etl", "etl_job_dependency", "Job dependency graph.")
            .fk("job_id", "etl_job", "Downstream job.")
            .fk("depends_on_job_id", "etl_job", "Upstream job.")
            .key(&["job_id", "depends_on_job_id"]),
        TableDef::new("etl", "etl_watermark", "High-water marks for incremental loads.")
            .code_key("table_name", ty::NAME, "Table loaded incrementally.")
            .req("last_loaded_at", ty::TS, "Latest change captured."),
        TableDef::new("etl", "etl_data_quality_rule", "Data quality rules checked after loads.")
            .id("dq_rule_id", "Surrogate key.")
            .req("rule_name", ty::NAME, "Rule.")
            .req("target_table", ty::NAME, "Table checked.")
            .req("check_sql", ty::TEXT, "Query returning violating rows."),
        TableDef::new("etl", "etl_data_quality_result", "Outcomes of data quality checks.")
            .id("dq_result_id", "Surrogate key.")
            .fk("dq_rule_id", "etl_data_quality_rule", "Rule.")
            .fk("job_run_id", "etl_job_run", "Run checked.")
            .req("violations", ty::INT, "Violating rows."),
        TableDef::new("etl", "etl_file_import", "Files received over SFTP and their load status.")
            .id("file_import_id", "Surrogate key.")
            .req("file_name", ty::NAME, "File.")
            .req("received_at", ty::TS, "Received.")
            .col("row_count", ty::INT, "Rows."),
        TableDef::new("etl", "etl_error_row", "Rows rejected by loads, kept for reprocessing.")
            .id("error_row_id", "Surrogate key.")
            .fk("job_run_id", "etl_job_run", "Run.")
            .req("error_message", ty::TEXT, "Why it was rejected.")
            .col("raw_payload", ty::TEXT, "The rejected record."),
    ]
}

fn setting(name: &str, comment: &str, columns: &[(&str, &str, &str)]) -> TableDef {
    TableDef::new("config", name, comment).id("setting_id", "Surrogate key.").cols(columns)
}

fn config() -> Vec<TableDef> {
    vec![
        setting(
            "cfg_app_setting",
            "Key/value settings of internal applications.",
            &[("setting_key", ty::NAME, "Key."), ("setting_value", ty::TEXT, "Value.")],
        ),
        setting(
            "cfg_feature_flag",
            "Feature flags of the web shop and portals.",
            &[("flag_name", ty::NAME, "Flag."), ("is_enabled", ty::BOOL, "On/off.")],
        ),
        setting(
            "cfg_number_sequence",
            "Document number sequences (orders, invoices, POs).",
            &[
                ("document_type", ty::CODE, "Document."),
                ("prefix", ty::CODE, "Prefix."),
                ("next_value", ty::BIG, "Next number."),
            ],
        ),
        setting(
            "cfg_email_template",
            "Templates of transactional e-mails.",
            &[
                ("template_name", ty::NAME, "Template."),
                ("subject", ty::NAME, "Subject."),
                ("body_html", ty::TEXT, "Body."),
            ],
        ),
        setting(
            "cfg_report_subscription",
            "Scheduled report e-mails.",
            &[
                ("report_name", ty::NAME, "Report."),
                ("recipient_email", ty::EMAIL, "Recipient."),
                ("schedule_cron", ty::CODE, "Schedule."),
            ],
        ),
        setting(
            "cfg_approval_threshold",
            "Amounts above which approval is required.",
            &[
                ("document_type", ty::CODE, "Document."),
                ("threshold_amount", ty::MONEY, "Amount in USD."),
                ("approver_role", ty::NAME, "Approver role."),
            ],
        ),
        setting(
            "cfg_data_retention_policy",
            "How long each table's data is kept.",
            &[("table_name", ty::NAME, "Table."), ("retention_months", ty::INT, "Months kept.")],
        ),
        setting(
            "cfg_credit_policy",
            "Credit limits by customer segment.",
            &[("segment", ty::CODE, "Segment."), ("default_credit_limit", ty::MONEY, "Default limit in USD.")],
        ),
        setting(
            "cfg_shipping_rule",
            "Rules choosing carriers by destination and weight.",
            &[
                ("region_code", ty::CODE, "Region."),
                ("max_weight_kg", ty::QTY, "Weight up to."),
                ("carrier_name", ty::NAME, "Carrier."),
            ],
        ),
        setting(
            "cfg_tax_setting",
            "Tax engine settings per country.",
            &[("iso_code", ty::CHAR2, "Country."), ("tax_engine_code", ty::CODE, "Engine code.")],
        ),
    ]
}

fn landing_table(name: &str, comment: &str, columns: &[(&str, &str, &str)]) -> TableDef {
    TableDef::new("landing", name, comment)
        .req("load_id", ty::BIG, "Load that extracted the record.")
        .req("extracted_at", ty::TS, "When extracted from the source.")
        .req("source_record_id", ty::NAME, "Record id in the source system.")
        .cols(columns)
        .col("payload_json", ty::TEXT, "Full source record as JSON.")
}

/// Table name, comment, and the typed columns pulled out of the raw payload.
type Landing = (&'static str, &'static str, &'static [(&'static str, &'static str, &'static str)]);

fn landing() -> Vec<TableDef> {
    let sources: [Landing; 22] = [
        (
            "lnd_salesforce_account",
            "Raw Salesforce Account extracts.",
            &[("account_name", ty::NAME, "Account name."), ("billing_country", ty::NAME, "Billing country.")],
        ),
        (
            "lnd_salesforce_opportunity",
            "Raw Salesforce Opportunity extracts.",
            &[("stage_name", ty::NAME, "Stage."), ("amount", ty::MONEY, "Amount.")],
        ),
        ("lnd_salesforce_contact", "Raw Salesforce Contact extracts.", &[("email", ty::EMAIL, "E-mail.")]),
        (
            "lnd_shopify_order",
            "Raw Shopify web-shop orders.",
            &[
                ("order_name", ty::CODE, "Order name."),
                ("total_price", ty::MONEY, "Total."),
                ("customer_email", ty::EMAIL, "Buyer."),
            ],
        ),
        (
            "lnd_shopify_order_item",
            "Raw Shopify order line items.",
            &[("sku", ty::CODE, "SKU."), ("quantity", ty::INT, "Units."), ("price", ty::MONEY, "Price.")],
        ),
        (
            "lnd_shopify_customer",
            "Raw Shopify customers.",
            &[("email", ty::EMAIL, "E-mail."), ("country_code", ty::CHAR2, "Country.")],
        ),
        (
            "lnd_sap_material",
            "Raw SAP material master.",
            &[("matnr", ty::CODE, "Material number."), ("maktx", ty::NAME, "Material description.")],
        ),
        (
            "lnd_sap_vendor",
            "Raw SAP vendor master.",
            &[("lifnr", ty::CODE, "Vendor number."), ("name1", ty::NAME, "Vendor name.")],
        ),
        (
            "lnd_sap_gl_posting",
            "Raw SAP GL postings.",
            &[("hkont", ty::CODE, "GL account."), ("dmbtr", ty::MONEY, "Amount in local currency.")],
        ),
        (
            "lnd_sap_purchase_order",
            "Raw SAP purchase orders.",
            &[("ebeln", ty::CODE, "PO number."), ("netwr", ty::MONEY, "Net value.")],
        ),
        (
            "lnd_workday_worker",
            "Raw Workday worker records.",
            &[("worker_id", ty::CODE, "Worker."), ("supervisory_org", ty::NAME, "Organisation.")],
        ),
        (
            "lnd_workday_payslip",
            "Raw Workday payslips.",
            &[("worker_id", ty::CODE, "Worker."), ("gross_amount", ty::MONEY, "Gross.")],
        ),
        (
            "lnd_zendesk_ticket",
            "Raw Zendesk tickets.",
            &[("subject", ty::NAME, "Subject."), ("status", ty::CODE, "Status."), ("priority", ty::CODE, "Priority.")],
        ),
        (
            "lnd_zendesk_ticket_comment",
            "Raw Zendesk ticket comments.",
            &[("ticket_ref", ty::CODE, "Ticket."), ("body", ty::TEXT, "Comment.")],
        ),
        (
            "lnd_hubspot_contact",
            "Raw HubSpot contacts.",
            &[("email", ty::EMAIL, "E-mail."), ("lifecycle_stage", ty::CODE, "Stage.")],
        ),
        (
            "lnd_hubspot_email_event",
            "Raw HubSpot e-mail events.",
            &[("event_type", ty::CODE, "Open, Click, Bounce."), ("recipient", ty::EMAIL, "Recipient.")],
        ),
        (
            "lnd_google_ads_report",
            "Raw Google Ads daily report.",
            &[("campaign_name", ty::NAME, "Campaign."), ("cost_micros", ty::BIG, "Cost in micros.")],
        ),
        (
            "lnd_dhl_tracking_event",
            "Raw DHL tracking events.",
            &[("waybill", ty::CODE, "Waybill."), ("event_code", ty::CODE, "Event.")],
        ),
        (
            "lnd_fedex_tracking_event",
            "Raw FedEx tracking events.",
            &[("tracking_number", ty::CODE, "Tracking."), ("event_code", ty::CODE, "Event.")],
        ),
        (
            "lnd_ups_invoice",
            "Raw UPS freight invoices.",
            &[("invoice_number", ty::CODE, "Invoice."), ("net_charge", ty::MONEY, "Charge.")],
        ),
        (
            "lnd_bank_statement",
            "Raw MT940 bank statement lines.",
            &[("account_iban", ty::NAME, "Account."), ("amount", ty::MONEY, "Amount.")],
        ),
        (
            "lnd_stripe_charge",
            "Raw Stripe card charges from the web shop.",
            &[
                ("charge_ref", ty::CODE, "Charge."),
                ("amount_cents", ty::BIG, "Amount in cents."),
                ("currency", ty::CHAR3, "Currency."),
            ],
        ),
    ];
    sources.iter().map(|(name, comment, columns)| landing_table(name, comment, columns)).collect()
}
