//! Indirect procurement: requisitions, sourcing events, catalogs, spend.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("procurement", "proc_requisition", "Internal purchase requisitions for goods and services.")
            .id("requisition_id", "Surrogate key.")
            .fk("requester_id", "hr_employee", "Requester.")
            .fk("department_id", "hr_department", "Department charged.")
            .req("requested_date", ty::DATE, "Date.")
            .req("estimated_amount", ty::MONEY, "Estimate in USD.")
            .req("requisition_status", ty::CODE, "Draft, Approved, Ordered or Rejected."),
        TableDef::new("procurement", "proc_requisition_line", "Lines of purchase requisitions.")
            .id("requisition_line_id", "Surrogate key.")
            .fk("requisition_id", "proc_requisition", "Requisition.")
            .req("item_description", ty::NAME, "What is needed.")
            .req("quantity", ty::QTY, "Quantity.")
            .col("unit_price_estimate", ty::MONEY, "Estimated unit price."),
        TableDef::new("procurement", "proc_approval_step", "Approval workflow steps of requisitions.")
            .id("approval_step_id", "Surrogate key.")
            .fk("requisition_id", "proc_requisition", "Requisition.")
            .fk("approver_id", "hr_employee", "Approver.")
            .req("step_number", ty::INT, "Order.")
            .col("decision", ty::CODE, "Approved or Rejected.")
            .col("decided_at", ty::TS, "When."),
        TableDef::new("procurement", "proc_rfq", "Requests for quotation sent to suppliers.")
            .id("rfq_id", "Surrogate key.")
            .req("rfq_title", ty::NAME, "Title.")
            .req("issued_date", ty::DATE, "Date issued.")
            .req("close_date", ty::DATE, "Bids due."),
        TableDef::new("procurement", "proc_rfq_response", "Supplier bids on RFQs.")
            .fk("rfq_id", "proc_rfq", "RFQ.")
            .fk("supplier_id", "purch_supplier", "Bidding supplier.")
            .req("bid_amount", ty::MONEY, "Bid in USD.")
            .col("is_awarded", ty::BOOL, "1 for the winning bid.")
            .key(&["rfq_id", "supplier_id"]),
        TableDef::new("procurement", "proc_catalog_item", "Items in the internal buying catalog.")
            .id("catalog_item_id", "Surrogate key.")
            .fk("supplier_id", "purch_supplier", "Supplier.")
            .req("item_name", ty::NAME, "Item.")
            .req("unit_price", ty::MONEY, "Price in USD."),
        TableDef::new("procurement", "proc_spend_category", "Spend taxonomy for indirect purchasing.")
            .id("spend_category_id", "Surrogate key.")
            .req("spend_category_name", ty::NAME, "Category, e.g. IT Hardware, Facilities.")
            .fk_opt("parent_spend_category_id", "proc_spend_category", "Parent."),
        TableDef::new("procurement", "proc_supplier_onboarding", "Due-diligence steps for new suppliers.")
            .id("onboarding_id", "Surrogate key.")
            .fk("supplier_id", "purch_supplier", "Supplier.")
            .req("started_date", ty::DATE, "Start.")
            .col("sanctions_check_passed", ty::BOOL, "Sanctions screening result."),
        TableDef::new("procurement", "proc_purchase_card_txn", "Corporate purchasing card transactions.")
            .id("pcard_txn_id", "Surrogate key.")
            .fk("cardholder_id", "hr_employee", "Cardholder.")
            .req("txn_date", ty::DATE, "Date.")
            .req("merchant_name", ty::NAME, "Merchant.")
            .req("amount", ty::MONEY, "Amount in USD.")
            .fk_opt("spend_category_id", "proc_spend_category", "Category."),
    ]
}
