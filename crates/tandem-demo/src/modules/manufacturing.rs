//! Manufacturing: plants, work orders, bills of material, machines, quality.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("manufacturing", "mfg_plant", "Assembly plants that build our own-brand products.")
            .id("plant_id", "Surrogate key.")
            .req("plant_name", ty::NAME, "Plant name.")
            .fk("country_id", "geo_country", "Country.")
            .col("opened_year", ty::INT, "Year opened."),
        TableDef::new(
            "manufacturing",
            "mfg_work_order",
            "Production work orders: what a plant builds, how many, and when.",
        )
        .id("work_order_id", "Surrogate key.")
        .req("work_order_number", ty::CODE, "Number, e.g. WO-2024-0042.")
        .fk("product_id", "prd_product", "Product built.")
        .fk("plant_id", "mfg_plant", "Plant.")
        .req("quantity_planned", ty::INT, "Units planned.")
        .req("quantity_completed", ty::INT, "Units finished.")
        .req("quantity_scrapped", ty::INT, "Units scrapped.")
        .req("start_date", ty::DATE, "Planned start.")
        .req("due_date", ty::DATE, "Due date.")
        .req("work_order_status", ty::CODE, "Planned, In Progress, Completed or Cancelled."),
        TableDef::new("manufacturing", "mfg_component", "Parts and raw materials consumed in production.")
            .id("component_id", "Surrogate key.")
            .req("part_number", ty::CODE, "Part number.")
            .req("component_name", ty::NAME, "Name.")
            .fk_opt("supplier_id", "purch_supplier", "Supplier.")
            .col("unit_cost", ty::MONEY, "Cost per unit in USD."),
        TableDef::new("manufacturing", "mfg_bill_of_material", "Bill of materials: components needed per product.")
            .fk("product_id", "prd_product", "Finished product.")
            .fk("component_id", "mfg_component", "Component.")
            .req("quantity_per_unit", ty::QTY, "Component units per product unit.")
            .key(&["product_id", "component_id"]),
        TableDef::new("manufacturing", "mfg_machine", "Machines on plant floors.")
            .id("machine_id", "Surrogate key.")
            .fk("plant_id", "mfg_plant", "Plant.")
            .req("machine_name", ty::NAME, "Name.")
            .col("commissioned_date", ty::DATE, "In service since."),
        TableDef::new("manufacturing", "mfg_downtime_event", "Machine downtime with cause.")
            .id("downtime_id", "Surrogate key.")
            .fk("machine_id", "mfg_machine", "Machine.")
            .req("started_at", ty::TS, "Start.")
            .col("ended_at", ty::TS, "End.")
            .col("cause", ty::NAME, "Cause."),
        TableDef::new("manufacturing", "mfg_routing_step", "Operations a product passes through.")
            .id("routing_step_id", "Surrogate key.")
            .fk("product_id", "prd_product", "Product.")
            .req("step_number", ty::INT, "Sequence.")
            .req("operation_name", ty::NAME, "Operation.")
            .col("standard_minutes", ty::QTY, "Standard time."),
        TableDef::new("manufacturing", "mfg_work_order_operation", "Operations executed for work orders.")
            .id("operation_id", "Surrogate key.")
            .fk("work_order_id", "mfg_work_order", "Work order.")
            .fk("routing_step_id", "mfg_routing_step", "Step.")
            .fk_opt("machine_id", "mfg_machine", "Machine used.")
            .col("actual_minutes", ty::QTY, "Time taken."),
        TableDef::new("manufacturing", "mfg_material_issue", "Components issued to work orders.")
            .id("material_issue_id", "Surrogate key.")
            .fk("work_order_id", "mfg_work_order", "Work order.")
            .fk("component_id", "mfg_component", "Component.")
            .req("quantity_issued", ty::QTY, "Units issued."),
        TableDef::new("manufacturing", "mfg_quality_inspection", "Quality inspections of finished units.")
            .id("inspection_id", "Surrogate key.")
            .fk("work_order_id", "mfg_work_order", "Work order inspected.")
            .req("inspected_date", ty::DATE, "Date.")
            .req("sample_size", ty::INT, "Units sampled.")
            .req("defects_found", ty::INT, "Defective units."),
        TableDef::new("manufacturing", "mfg_defect_code", "Defect classification codes.")
            .id("defect_code_id", "Surrogate key.")
            .req("defect_code", ty::CODE, "Code.")
            .req("description", ty::NAME, "Description."),
        TableDef::new("manufacturing", "mfg_nonconformance_report", "Non-conformance reports raised by quality.")
            .id("ncr_id", "Surrogate key.")
            .fk("inspection_id", "mfg_quality_inspection", "Inspection.")
            .fk("defect_code_id", "mfg_defect_code", "Defect.")
            .req("raised_date", ty::DATE, "Date.")
            .col("corrective_action", ty::TEXT, "Action taken."),
        TableDef::new("manufacturing", "mfg_production_shift", "Shift calendar per plant.")
            .id("production_shift_id", "Surrogate key.")
            .fk("plant_id", "mfg_plant", "Plant.")
            .req("shift_name", ty::CODE, "Early, Late or Night.")
            .req("start_time", ty::CODE, "Start time of day."),
        TableDef::new("manufacturing", "mfg_energy_reading", "Hourly energy use per plant.")
            .fk("plant_id", "mfg_plant", "Plant.")
            .req("reading_hour", ty::TS, "Hour.")
            .req("kwh", ty::QTY, "Energy in kWh.")
            .key(&["plant_id", "reading_hour"]),
    ]
}
