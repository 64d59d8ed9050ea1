//! Products: catalog, categories, brands, tags, prices.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("product", "prd_product_category", "Product categories, e.g. Laptops, Monitors, Networking.")
            .id("category_id", "Surrogate key.")
            .req("category_name", ty::NAME, "Category name.")
            .fk_opt("parent_category_id", "prd_product_category", "Parent category; NULL at the top.")
            .col("description", ty::TEXT, "What the category holds."),
        TableDef::new("product", "prd_brand", "Brands of the products we sell.").id("brand_id", "Surrogate key.").req(
            "brand_name",
            ty::NAME,
            "Brand name.",
        ),
        TableDef::new(
            "product",
            "prd_product",
            "Products (SKUs) sold to customers, with list price and standard cost in USD.",
        )
        .id("product_id", "Surrogate key.")
        .req("sku", ty::CODE, "Stock keeping unit, e.g. LAP-0001.")
        .req("product_name", ty::NAME, "Product name.")
        .fk("category_id", "prd_product_category", "Category.")
        .fk("brand_id", "prd_brand", "Brand.")
        .fk("supplier_id", "purch_supplier", "Preferred supplier.")
        .req("list_price", ty::MONEY, "Current list price per unit in USD.")
        .req("standard_cost", ty::MONEY, "Standard unit cost in USD.")
        .col("weight_kg", ty::QTY, "Shipping weight in kilograms.")
        .req("launch_date", ty::DATE, "Date the product was first sold.")
        .req("is_discontinued", ty::BOOL, "1 when no longer sold."),
        TableDef::new("product", "prd_product_tag", "Marketing tags that can be attached to products.")
            .id("tag_id", "Surrogate key.")
            .req("tag_name", ty::NAME, "Tag, e.g. Eco Friendly, Bestseller."),
        TableDef::new("product", "prd_product_tag_map", "Bridge between products and their tags.")
            .fk("product_id", "prd_product", "Product tagged.")
            .fk("tag_id", "prd_product_tag", "Tag applied.")
            .key(&["product_id", "tag_id"]),
        TableDef::new("product", "prd_price_history", "List price changes of products over time.")
            .id("price_history_id", "Surrogate key.")
            .fk("product_id", "prd_product", "Product.")
            .req("effective_date", ty::DATE, "Date the price took effect.")
            .req("list_price", ty::MONEY, "List price from that date in USD."),
        TableDef::new("product", "prd_product_attribute", "Technical attributes of products (key/value).")
            .id("attribute_id", "Surrogate key.")
            .fk("product_id", "prd_product", "Product.")
            .req("attribute_name", ty::NAME, "Attribute, e.g. Screen Size.")
            .req("attribute_value", ty::NAME, "Value, e.g. 15.6 in."),
        TableDef::new("product", "prd_product_bundle", "Bundles sold as one item.")
            .id("bundle_id", "Surrogate key.")
            .req("bundle_name", ty::NAME, "Bundle name.")
            .req("bundle_price", ty::MONEY, "Bundle price in USD."),
        TableDef::new("product", "prd_bundle_component", "Products contained in bundles.")
            .fk("bundle_id", "prd_product_bundle", "Bundle.")
            .fk("product_id", "prd_product", "Component product.")
            .req("quantity", ty::INT, "Units per bundle.")
            .key(&["bundle_id", "product_id"]),
        TableDef::new("product", "prd_product_review", "Customer product reviews from the web shop.")
            .id("review_id", "Surrogate key.")
            .fk("product_id", "prd_product", "Product reviewed.")
            .fk_opt("customer_id", "crm_customer", "Reviewing customer, when known.")
            .req("rating", ty::INT, "Stars 1–5.")
            .req("review_date", ty::DATE, "Date posted.")
            .col("review_text", ty::TEXT, "Review text."),
        TableDef::new("product", "prd_warranty_policy", "Warranty terms per product category.")
            .id("warranty_policy_id", "Surrogate key.")
            .fk("category_id", "prd_product_category", "Category covered.")
            .req("warranty_months", ty::INT, "Months of cover.")
            .col("terms", ty::TEXT, "Terms."),
        TableDef::new("product", "prd_product_image", "Image assets of products.")
            .id("image_id", "Surrogate key.")
            .fk("product_id", "prd_product", "Product.")
            .req("image_url", ty::TEXT, "Location of the image.")
            .col("is_primary", ty::BOOL, "1 for the main image."),
        TableDef::new("product", "prd_product_lifecycle_event", "Lifecycle events: launch, price change, end of life.")
            .id("lifecycle_event_id", "Surrogate key.")
            .fk("product_id", "prd_product", "Product.")
            .req("event_type", ty::CODE, "Launch, Update or EndOfLife.")
            .req("event_date", ty::DATE, "Date."),
        TableDef::new("product", "prd_cross_sell_rule", "Recommended add-on products shown at checkout.")
            .fk("product_id", "prd_product", "Product in the cart.")
            .fk("recommended_product_id", "prd_product", "Product recommended.")
            .col("priority", ty::INT, "Display order.")
            .key(&["product_id", "recommended_product_id"]),
    ]
}
