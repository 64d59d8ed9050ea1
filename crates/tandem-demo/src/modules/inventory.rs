//! Inventory: warehouses, bins, stock levels, movements, counts.

use crate::schema::{TableDef, lookup, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("inventory", "inv_warehouse", "Distribution warehouses holding stock.")
            .id("warehouse_id", "Surrogate key.")
            .req("warehouse_code", ty::CODE, "Code, e.g. WH-DE1.")
            .req("warehouse_name", ty::NAME, "Name, e.g. Hamburg Distribution Center.")
            .req("city", ty::NAME, "City.")
            .fk("country_id", "geo_country", "Country.")
            .col("capacity_units", ty::INT, "Storage capacity in units.")
            .fk_opt("manager_id", "hr_employee", "Warehouse manager."),
        TableDef::new("inventory", "inv_stock_level", "Current stock on hand per warehouse and product.")
            .fk("warehouse_id", "inv_warehouse", "Warehouse.")
            .fk("product_id", "prd_product", "Product.")
            .req("quantity_on_hand", ty::INT, "Units physically in stock.")
            .req("quantity_reserved", ty::INT, "Units reserved for open orders.")
            .req("reorder_point", ty::INT, "Stock level that triggers replenishment.")
            .col("last_counted_date", ty::DATE, "Date of the last cycle count.")
            .key(&["warehouse_id", "product_id"]),
        lookup(
            "inventory",
            "inv_movement_type",
            "Kinds of stock movements.",
            &["Receipt", "Shipment", "Transfer In", "Transfer Out", "Adjustment", "Return"],
        ),
        TableDef::new(
            "inventory",
            "inv_stock_movement",
            "Stock movements (receipts, shipments, adjustments) per warehouse.",
        )
        .id("movement_id", "Surrogate key.")
        .fk("warehouse_id", "inv_warehouse", "Warehouse.")
        .fk("product_id", "prd_product", "Product moved.")
        .fk("movement_type_id", "inv_movement_type", "Kind of movement.")
        .req("movement_date", ty::DATE, "Date of the movement.")
        .req("quantity", ty::INT, "Signed units: positive into stock, negative out.")
        .col("reference_document", ty::CODE, "Order, PO or adjustment number."),
        TableDef::new("inventory", "inv_storage_bin", "Bins (locations) inside warehouses.")
            .id("bin_id", "Surrogate key.")
            .fk("warehouse_id", "inv_warehouse", "Warehouse.")
            .req("bin_code", ty::CODE, "Aisle-rack-level code.")
            .col("bin_type", ty::CODE, "Pallet, Shelf or Cage."),
        TableDef::new("inventory", "inv_bin_stock", "Stock per bin.")
            .fk("bin_id", "inv_storage_bin", "Bin.")
            .fk("product_id", "prd_product", "Product.")
            .req("quantity", ty::INT, "Units in the bin.")
            .key(&["bin_id", "product_id"]),
        TableDef::new("inventory", "inv_cycle_count", "Cycle counts comparing system and physical stock.")
            .id("cycle_count_id", "Surrogate key.")
            .fk("warehouse_id", "inv_warehouse", "Warehouse.")
            .fk("product_id", "prd_product", "Product counted.")
            .req("count_date", ty::DATE, "Date counted.")
            .req("system_quantity", ty::INT, "Quantity the system expected.")
            .req("counted_quantity", ty::INT, "Quantity found."),
        TableDef::new("inventory", "inv_lot", "Production lots and batches with expiry.")
            .id("lot_id", "Surrogate key.")
            .fk("product_id", "prd_product", "Product.")
            .req("lot_number", ty::CODE, "Lot number.")
            .col("manufactured_date", ty::DATE, "Date made.")
            .col("expiry_date", ty::DATE, "Expiry."),
        TableDef::new("inventory", "inv_serial_number", "Serial numbers of individually tracked units.")
            .id("serial_id", "Surrogate key.")
            .fk("product_id", "prd_product", "Product.")
            .req("serial_number", ty::NAME, "Serial number.")
            .fk_opt("warehouse_id", "inv_warehouse", "Where it is stocked; NULL once shipped."),
        TableDef::new("inventory", "inv_transfer_order", "Stock transfers between warehouses.")
            .id("transfer_order_id", "Surrogate key.")
            .fk("from_warehouse_id", "inv_warehouse", "Sending warehouse.")
            .fk("to_warehouse_id", "inv_warehouse", "Receiving warehouse.")
            .req("transfer_date", ty::DATE, "Date shipped.")
            .req("transfer_status", ty::CODE, "Planned, In Transit or Received."),
        TableDef::new("inventory", "inv_transfer_order_line", "Lines of transfer orders.")
            .id("transfer_line_id", "Surrogate key.")
            .fk("transfer_order_id", "inv_transfer_order", "Transfer order.")
            .fk("product_id", "prd_product", "Product.")
            .req("quantity", ty::INT, "Units."),
        TableDef::new("inventory", "inv_stock_valuation_snapshot", "Month-end inventory value per warehouse.")
            .fk("warehouse_id", "inv_warehouse", "Warehouse.")
            .req("snapshot_date", ty::DATE, "Month-end date.")
            .req("inventory_value", ty::MONEY, "Stock value at standard cost in USD.")
            .key(&["warehouse_id", "snapshot_date"]),
        TableDef::new("inventory", "inv_replenishment_rule", "Min/max replenishment parameters.")
            .fk("warehouse_id", "inv_warehouse", "Warehouse.")
            .fk("product_id", "prd_product", "Product.")
            .req("min_quantity", ty::INT, "Minimum stock.")
            .req("max_quantity", ty::INT, "Maximum stock.")
            .key(&["warehouse_id", "product_id"]),
        TableDef::new("inventory", "inv_damaged_goods", "Units written off as damaged.")
            .id("damage_id", "Surrogate key.")
            .fk("warehouse_id", "inv_warehouse", "Warehouse.")
            .fk("product_id", "prd_product", "Product.")
            .req("reported_date", ty::DATE, "Date found.")
            .req("quantity", ty::INT, "Units damaged.")
            .col("write_off_amount", ty::MONEY, "Value written off in USD."),
        TableDef::new("inventory", "inv_pick_list", "Pick lists released to the warehouse floor for outbound orders.")
            .id("pick_list_id", "Surrogate key.")
            .fk("warehouse_id", "inv_warehouse", "Warehouse.")
            .req("released_at", ty::TS, "When released.")
            .col("completed_at", ty::TS, "When fully picked."),
        TableDef::new("inventory", "inv_pick_list_line", "Lines of pick lists: what to pick from which bin.")
            .id("pick_line_id", "Surrogate key.")
            .fk("pick_list_id", "inv_pick_list", "Pick list.")
            .fk("order_line_id", "sales_order_line", "Order line being picked.")
            .fk("bin_id", "inv_storage_bin", "Bin to pick from.")
            .req("quantity", ty::INT, "Units to pick."),
        TableDef::new("inventory", "inv_putaway_task", "Put-away tasks moving received goods into bins.")
            .id("putaway_task_id", "Surrogate key.")
            .fk("receipt_id", "purch_goods_receipt", "Receipt being put away.")
            .fk("bin_id", "inv_storage_bin", "Destination bin.")
            .req("quantity", ty::INT, "Units.")
            .col("done_at", ty::TS, "When done."),
        TableDef::new("inventory", "inv_dock_appointment", "Inbound and outbound dock door appointments.")
            .id("appointment_id", "Surrogate key.")
            .fk("warehouse_id", "inv_warehouse", "Warehouse.")
            .fk_opt("carrier_id", "ship_carrier", "Carrier arriving.")
            .req("slot_start", ty::TS, "Slot start.")
            .req("direction", ty::CODE, "Inbound or Outbound."),
    ]
}
