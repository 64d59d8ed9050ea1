//! Sales: orders and lines, channels, promotions, returns, territories, quotas.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("sales", "sales_channel", "Channels orders come through: Online, Retail, Partner, Direct Sales.")
            .id("channel_id", "Surrogate key.")
            .req("channel_name", ty::NAME, "Channel name."),
        TableDef::new("sales", "sales_order", "Sales order headers: one row per customer order, amounts in USD.")
            .id("order_id", "Surrogate key.")
            .req("order_number", ty::CODE, "Order number, e.g. SO-2024-00123.")
            .fk("customer_id", "crm_customer", "Customer who placed the order.")
            .req("order_date", ty::DATE, "Date the order was placed.")
            .req("required_date", ty::DATE, "Delivery date the customer asked for.")
            .req("order_status", ty::CODE, "Processing, Shipped, Delivered, Cancelled or Returned.")
            .fk("channel_id", "sales_channel", "Sales channel.")
            .fk_opt("sales_rep_id", "hr_employee", "Sales rep credited; NULL for web orders.")
            .fk("currency_code", "ref_currency", "Currency the customer was quoted in.")
            .req("subtotal_amount", ty::MONEY, "Sum of line amounts in USD.")
            .req("discount_amount", ty::MONEY, "Order-level promotion discount in USD.")
            .req("tax_amount", ty::MONEY, "Sales tax in USD.")
            .req("total_amount", ty::MONEY, "Amount due: subtotal − discount + tax, in USD."),
        TableDef::new(
            "sales",
            "sales_order_line",
            "Sales order lines: product, quantity and price of each item ordered.",
        )
        .id("order_line_id", "Surrogate key.")
        .fk("order_id", "sales_order", "Order the line belongs to.")
        .req("line_number", ty::INT, "Line number within the order.")
        .fk("product_id", "prd_product", "Product ordered.")
        .req("quantity", ty::INT, "Units ordered.")
        .req("unit_price", ty::MONEY, "Price per unit in USD.")
        .req("discount_pct", ty::PCT, "Line discount in percent.")
        .req("line_amount", ty::MONEY, "quantity × unit_price less the line discount, in USD."),
        TableDef::new("sales", "sales_promotion", "Promotions and coupon codes that discount orders.")
            .id("promotion_id", "Surrogate key.")
            .req("promotion_code", ty::CODE, "Coupon code, e.g. SPRING23.")
            .req("promotion_name", ty::NAME, "Name, e.g. Black Friday 2023.")
            .req("discount_pct", ty::PCT, "Discount in percent.")
            .req("start_date", ty::DATE, "First valid day.")
            .req("end_date", ty::DATE, "Last valid day."),
        TableDef::new("sales", "sales_order_promotion", "Bridge between orders and the promotions applied to them.")
            .fk("order_id", "sales_order", "Order.")
            .fk("promotion_id", "sales_promotion", "Promotion applied.")
            .key(&["order_id", "promotion_id"]),
        TableDef::new("sales", "sales_return", "Returns (RMAs) of delivered orders with the refund granted.")
            .id("return_id", "Surrogate key.")
            .fk("order_id", "sales_order", "Order returned.")
            .req("return_date", ty::DATE, "Date the goods came back.")
            .req("return_reason", ty::NAME, "Defective, Wrong Item, No Longer Needed or Damaged in Transit.")
            .req("refund_amount", ty::MONEY, "Refund in USD."),
        TableDef::new("sales", "sales_territory", "Sales territories, each within one region.")
            .id("territory_id", "Surrogate key.")
            .req("territory_name", ty::NAME, "Territory name.")
            .fk("region_id", "geo_region", "Region covered."),
        TableDef::new("sales", "sales_rep_territory", "Bridge assigning sales reps to territories.")
            .fk("employee_id", "hr_employee", "Sales rep.")
            .fk("territory_id", "sales_territory", "Territory.")
            .req("assigned_date", ty::DATE, "Date assigned.")
            .key(&["employee_id", "territory_id"]),
        TableDef::new("sales", "sales_quota", "Quarterly revenue quotas of sales reps.")
            .id("quota_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Sales rep.")
            .req("quota_year", ty::INT, "Year.")
            .req("quota_quarter", ty::INT, "Quarter 1–4.")
            .req("quota_amount", ty::MONEY, "Revenue target in USD."),
        TableDef::new("sales", "sales_order_status_history", "Status changes of sales orders.")
            .id("status_history_id", "Surrogate key.")
            .fk("order_id", "sales_order", "Order.")
            .req("order_status", ty::CODE, "Status entered.")
            .req("changed_at", ty::TS, "When it changed."),
        TableDef::new("sales", "sales_price_list", "Customer-specific or channel price lists.")
            .id("price_list_id", "Surrogate key.")
            .req("price_list_name", ty::NAME, "Name.")
            .fk_opt("channel_id", "sales_channel", "Channel it applies to.")
            .fk("currency_code", "ref_currency", "Currency."),
        TableDef::new("sales", "sales_price_list_item", "Prices per product on a price list.")
            .fk("price_list_id", "sales_price_list", "Price list.")
            .fk("product_id", "prd_product", "Product.")
            .req("unit_price", ty::MONEY, "Price per unit.")
            .key(&["price_list_id", "product_id"]),
        TableDef::new("sales", "sales_cart", "Web-shop shopping carts, including abandoned ones.")
            .id("cart_id", "Surrogate key.")
            .fk_opt("customer_id", "crm_customer", "Customer when logged in.")
            .req("created_at", ty::TS, "When created.")
            .col("converted_order_id", ty::INT, "Order created from the cart, if any."),
        TableDef::new("sales", "sales_cart_item", "Items in web-shop carts.")
            .fk("cart_id", "sales_cart", "Cart.")
            .fk("product_id", "prd_product", "Product.")
            .req("quantity", ty::INT, "Units.")
            .key(&["cart_id", "product_id"]),
        TableDef::new("sales", "sales_backorder", "Order lines waiting for stock.")
            .id("backorder_id", "Surrogate key.")
            .fk("order_line_id", "sales_order_line", "Order line.")
            .req("backordered_quantity", ty::INT, "Units not yet available.")
            .col("expected_date", ty::DATE, "Expected availability."),
        TableDef::new("sales", "sales_partner", "Reseller partners selling our products.")
            .id("partner_id", "Surrogate key.")
            .req("partner_name", ty::NAME, "Partner company.")
            .fk("country_id", "geo_country", "Country.")
            .col("partner_tier", ty::CODE, "Gold, Silver or Bronze."),
        TableDef::new("sales", "sales_partner_deal_registration", "Deals registered by partners.")
            .id("registration_id", "Surrogate key.")
            .fk("partner_id", "sales_partner", "Partner.")
            .fk("customer_id", "crm_customer", "End customer.")
            .req("registered_date", ty::DATE, "Date.")
            .col("estimated_amount", ty::MONEY, "Estimated value in USD."),
        TableDef::new("sales", "sales_contract", "Multi-year supply contracts with customers.")
            .id("contract_id", "Surrogate key.")
            .fk("customer_id", "crm_customer", "Customer.")
            .req("start_date", ty::DATE, "Start.")
            .req("end_date", ty::DATE, "End.")
            .req("annual_value", ty::MONEY, "Annual contract value in USD."),
        TableDef::new("sales", "sales_subscription", "Software subscriptions sold, billed monthly.")
            .id("subscription_id", "Surrogate key.")
            .fk("customer_id", "crm_customer", "Subscriber.")
            .fk("product_id", "prd_product", "Software product.")
            .req("start_date", ty::DATE, "Start.")
            .col("cancel_date", ty::DATE, "Cancellation date.")
            .req("monthly_fee", ty::MONEY, "Monthly recurring revenue in USD."),
        TableDef::new("sales", "sales_commission_split", "How order credit is split between reps.")
            .fk("order_id", "sales_order", "Order.")
            .fk("employee_id", "hr_employee", "Rep credited.")
            .req("split_pct", ty::PCT, "Share of credit.")
            .key(&["order_id", "employee_id"]),
    ]
}
