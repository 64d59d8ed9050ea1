//! The web shop: storefront accounts, browsing, search, wishlists and checkout events.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new(
            "ecommerce",
            "ecom_customer_account",
            "Web-shop login accounts; linked to a CRM customer once they buy on account.",
        )
        .id("account_id", "Surrogate key.")
        .req("login_email", ty::EMAIL, "Login e-mail.")
        .fk_opt("customer_id", "crm_customer", "CRM customer the account buys for.")
        .req("registered_at", ty::TS, "Registration time.")
        .col("last_login_at", ty::TS, "Last sign-in.")
        .col("newsletter_opt_in", ty::BOOL, "1 when subscribed to the newsletter."),
        TableDef::new("ecommerce", "ecom_product_view", "Product detail page views in the web shop.")
            .id("view_id", "Surrogate key.")
            .fk_opt("account_id", "ecom_customer_account", "Viewer, when signed in.")
            .fk("product_id", "prd_product", "Product viewed.")
            .req("viewed_at", ty::TS, "When.")
            .col("referrer", ty::TEXT, "Referring page."),
        TableDef::new("ecommerce", "ecom_search_query", "Searches typed into the web-shop search box.")
            .id("search_id", "Surrogate key.")
            .fk_opt("account_id", "ecom_customer_account", "Searcher, when signed in.")
            .req("query_text", ty::NAME, "What was searched.")
            .req("searched_at", ty::TS, "When.")
            .col("result_count", ty::INT, "Results shown."),
        TableDef::new("ecommerce", "ecom_wishlist_item", "Products saved to wishlists.")
            .fk("account_id", "ecom_customer_account", "Account.")
            .fk("product_id", "prd_product", "Product saved.")
            .req("added_at", ty::TS, "When added.")
            .key(&["account_id", "product_id"]),
        TableDef::new(
            "ecommerce",
            "ecom_checkout_event",
            "Checkout funnel events (cart, shipping, payment, confirmation).",
        )
        .id("checkout_event_id", "Surrogate key.")
        .fk("cart_id", "sales_cart", "Cart checked out.")
        .req("step_name", ty::CODE, "Cart, Shipping, Payment or Confirmation.")
        .req("event_at", ty::TS, "When."),
        TableDef::new("ecommerce", "ecom_coupon_redemption", "Coupon codes entered at checkout, valid or not.")
            .id("redemption_id", "Surrogate key.")
            .fk("cart_id", "sales_cart", "Cart.")
            .fk_opt("promotion_id", "sales_promotion", "Promotion matched; NULL when the code was invalid.")
            .req("entered_code", ty::CODE, "Code typed by the shopper.")
            .req("redeemed_at", ty::TS, "When."),
        TableDef::new("ecommerce", "ecom_review_vote", "Helpful/unhelpful votes on product reviews.")
            .fk("review_id", "prd_product_review", "Review voted on.")
            .fk("account_id", "ecom_customer_account", "Voter.")
            .req("is_helpful", ty::BOOL, "1 for helpful.")
            .key(&["review_id", "account_id"]),
        TableDef::new("ecommerce", "ecom_page_banner", "Home-page banners and their schedule.")
            .id("banner_id", "Surrogate key.")
            .req("headline", ty::NAME, "Banner text.")
            .fk_opt("promotion_id", "sales_promotion", "Promotion advertised.")
            .req("show_from", ty::TS, "Start.")
            .req("show_until", ty::TS, "End."),
        TableDef::new("ecommerce", "ecom_order_export", "Web-shop orders exported to the ERP as sales orders.")
            .id("export_id", "Surrogate key.")
            .req("shop_order_ref", ty::CODE, "Web-shop order reference.")
            .fk_opt("order_id", "sales_order", "Sales order created in the ERP.")
            .req("exported_at", ty::TS, "When exported.")
            .col("export_status", ty::CODE, "Exported or Failed."),
    ]
}
