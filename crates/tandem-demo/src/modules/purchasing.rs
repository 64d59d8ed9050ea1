//! Purchasing: suppliers, purchase orders, receipts, supplier performance.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("purchasing", "purch_supplier", "Suppliers (vendors) we buy products and services from.")
            .id("supplier_id", "Surrogate key.")
            .req("supplier_code", ty::CODE, "Vendor number, e.g. V-0007.")
            .req("supplier_name", ty::NAME, "Supplier company name.")
            .fk("country_id", "geo_country", "Country of the supplier.")
            .col("contact_email", ty::EMAIL, "Purchasing contact.")
            .req("payment_terms_days", ty::INT, "Days we have to pay its invoices.")
            .col("quality_rating", ty::INT, "Supplier rating 1–5 from the last audit."),
        TableDef::new(
            "purchasing",
            "purch_purchase_order",
            "Purchase orders (PO) sent to suppliers to replenish stock.",
        )
        .id("po_id", "Surrogate key.")
        .req("po_number", ty::CODE, "PO number, e.g. PO-2023-0042.")
        .fk("supplier_id", "purch_supplier", "Supplier ordered from.")
        .fk("buyer_id", "hr_employee", "Buyer who placed the PO.")
        .fk("warehouse_id", "inv_warehouse", "Warehouse to deliver to.")
        .req("order_date", ty::DATE, "Date the PO was sent.")
        .req("expected_date", ty::DATE, "Promised delivery date.")
        .req("po_status", ty::CODE, "Open, Received or Cancelled.")
        .req("total_amount", ty::MONEY, "PO total in USD."),
        TableDef::new(
            "purchasing",
            "purch_purchase_order_line",
            "Lines of purchase orders: product, quantity, unit cost.",
        )
        .id("po_line_id", "Surrogate key.")
        .fk("po_id", "purch_purchase_order", "Purchase order.")
        .fk("product_id", "prd_product", "Product ordered.")
        .req("quantity", ty::INT, "Units ordered.")
        .req("unit_cost", ty::MONEY, "Agreed cost per unit in USD.")
        .req("line_amount", ty::MONEY, "quantity × unit_cost."),
        TableDef::new("purchasing", "purch_goods_receipt", "Goods received against purchase orders.")
            .id("receipt_id", "Surrogate key.")
            .fk("po_id", "purch_purchase_order", "Purchase order received.")
            .req("received_date", ty::DATE, "Date received at the warehouse.")
            .req("received_by", ty::NAME, "Warehouse clerk.")
            .col("is_complete", ty::BOOL, "1 when the full PO arrived."),
        TableDef::new("purchasing", "purch_supplier_contact", "Contacts at suppliers.")
            .id("supplier_contact_id", "Surrogate key.")
            .fk("supplier_id", "purch_supplier", "Supplier.")
            .req("contact_name", ty::NAME, "Name.")
            .col("email", ty::EMAIL, "E-mail.")
            .col("role", ty::NAME, "Role, e.g. Account Manager."),
        TableDef::new("purchasing", "purch_supplier_price_list", "Supplier prices per product and validity period.")
            .id("price_list_id", "Surrogate key.")
            .fk("supplier_id", "purch_supplier", "Supplier.")
            .fk("product_id", "prd_product", "Product.")
            .req("unit_cost", ty::MONEY, "Quoted cost per unit in USD.")
            .req("valid_from", ty::DATE, "Valid from.")
            .col("valid_to", ty::DATE, "Valid to."),
        TableDef::new("purchasing", "purch_supplier_scorecard", "Quarterly supplier performance scores.")
            .fk("supplier_id", "purch_supplier", "Supplier.")
            .req("score_year", ty::INT, "Year.")
            .req("score_quarter", ty::INT, "Quarter 1–4.")
            .col("on_time_delivery_pct", ty::PCT, "Share of POs delivered on time.")
            .col("defect_rate_pct", ty::PCT, "Share of units rejected.")
            .key(&["supplier_id", "score_year", "score_quarter"]),
        TableDef::new("purchasing", "purch_return_to_vendor", "Goods returned to suppliers.")
            .id("rtv_id", "Surrogate key.")
            .fk("po_id", "purch_purchase_order", "Original purchase order.")
            .fk("product_id", "prd_product", "Product returned.")
            .req("return_date", ty::DATE, "Date shipped back.")
            .req("quantity", ty::INT, "Units returned.")
            .col("reason", ty::NAME, "Reason."),
        TableDef::new("purchasing", "purch_blanket_agreement", "Framework purchase agreements with committed volumes.")
            .id("agreement_id", "Surrogate key.")
            .fk("supplier_id", "purch_supplier", "Supplier.")
            .req("start_date", ty::DATE, "Start.")
            .req("end_date", ty::DATE, "End.")
            .req("committed_amount", ty::MONEY, "Committed spend in USD."),
    ]
}
