//! The customer loyalty programme: members, tiers, points and rewards.

use crate::schema::{TableDef, lookup, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        lookup("loyalty", "loy_tier", "Loyalty tiers by yearly spend.", &["Bronze", "Silver", "Gold", "Platinum"]),
        TableDef::new("loyalty", "loy_member", "Customer accounts enrolled in the loyalty programme.")
            .id("member_id", "Surrogate key.")
            .fk("customer_id", "crm_customer", "Enrolled customer.")
            .fk("tier_id", "loy_tier", "Current tier.")
            .req("enrolled_date", ty::DATE, "Enrollment date.")
            .req("points_balance", ty::INT, "Points available to redeem."),
        TableDef::new("loyalty", "loy_points_transaction", "Points earned on orders and spent on rewards.")
            .id("points_txn_id", "Surrogate key.")
            .fk("member_id", "loy_member", "Member.")
            .fk_opt("order_id", "sales_order", "Order that earned the points.")
            .req("points", ty::INT, "Signed points: positive earned, negative redeemed.")
            .req("txn_date", ty::DATE, "Date."),
        TableDef::new("loyalty", "loy_reward", "Rewards members can redeem points for.")
            .id("reward_id", "Surrogate key.")
            .req("reward_name", ty::NAME, "Reward.")
            .req("points_cost", ty::INT, "Points needed.")
            .fk_opt("product_id", "prd_product", "Product given, if the reward is a product."),
        TableDef::new("loyalty", "loy_redemption", "Rewards redeemed by members.")
            .id("redemption_id", "Surrogate key.")
            .fk("member_id", "loy_member", "Member.")
            .fk("reward_id", "loy_reward", "Reward.")
            .req("redeemed_date", ty::DATE, "Date."),
        TableDef::new("loyalty", "loy_tier_change", "Tier upgrades and downgrades of members.")
            .id("tier_change_id", "Surrogate key.")
            .fk("member_id", "loy_member", "Member.")
            .fk("from_tier_id", "loy_tier", "Previous tier.")
            .fk("to_tier_id", "loy_tier", "New tier.")
            .req("changed_date", ty::DATE, "Date."),
    ]
}
