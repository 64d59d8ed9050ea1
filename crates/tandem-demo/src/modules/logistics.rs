//! Logistics and shipping: carriers, shipments, tracking, freight, fleet.

use crate::schema::{TableDef, lookup, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("logistics", "ship_carrier", "Carriers that deliver our shipments, e.g. DHL Express, UPS.")
            .id("carrier_id", "Surrogate key.")
            .req("carrier_name", ty::NAME, "Carrier name.")
            .req("carrier_mode", ty::CODE, "Parcel, Freight or Ocean.")
            .col("tracking_url_template", ty::TEXT, "URL pattern for tracking numbers."),
        TableDef::new(
            "logistics",
            "ship_shipment",
            "Outbound shipments of sales orders from our warehouses to customers.",
        )
        .id("shipment_id", "Surrogate key.")
        .fk("order_id", "sales_order", "Order shipped.")
        .fk("carrier_id", "ship_carrier", "Carrier.")
        .fk("warehouse_id", "inv_warehouse", "Warehouse shipped from.")
        .fk("destination_country_id", "geo_country", "Country delivered to.")
        .req("ship_date", ty::DATE, "Date handed to the carrier.")
        .col("delivered_date", ty::DATE, "Date delivered; NULL while in transit.")
        .req("shipment_status", ty::CODE, "In Transit, Delivered or Delayed.")
        .req("tracking_number", ty::NAME, "Carrier tracking number.")
        .req("freight_cost", ty::MONEY, "What the carrier charged us, in USD.")
        .col("package_count", ty::INT, "Parcels in the shipment."),
        lookup(
            "logistics",
            "ship_event_type",
            "Kinds of tracking events.",
            &["Picked Up", "In Transit", "Customs Cleared", "Out for Delivery", "Delivered", "Exception"],
        ),
        TableDef::new("logistics", "ship_tracking_event", "Tracking scans reported by carriers.")
            .id("tracking_event_id", "Surrogate key.")
            .fk("shipment_id", "ship_shipment", "Shipment.")
            .fk("event_type_id", "ship_event_type", "Kind of event.")
            .req("event_time", ty::TS, "When scanned.")
            .col("location_text", ty::NAME, "Scan location."),
        TableDef::new("logistics", "ship_freight_rate", "Contracted freight rates per carrier and destination region.")
            .id("freight_rate_id", "Surrogate key.")
            .fk("carrier_id", "ship_carrier", "Carrier.")
            .fk("region_id", "geo_region", "Destination region.")
            .req("rate_per_kg", ty::MONEY, "USD per kilogram.")
            .req("valid_from", ty::DATE, "Valid from."),
        TableDef::new("logistics", "ship_route", "Standard delivery routes between warehouses and regions.")
            .id("route_id", "Surrogate key.")
            .fk("warehouse_id", "inv_warehouse", "Origin warehouse.")
            .fk("region_id", "geo_region", "Destination region.")
            .req("transit_days", ty::INT, "Planned transit time."),
        TableDef::new("logistics", "ship_vehicle", "Company-owned delivery vehicles.")
            .id("vehicle_id", "Surrogate key.")
            .req("license_plate", ty::CODE, "Plate.")
            .col("vehicle_type", ty::CODE, "Van or Truck.")
            .fk_opt("home_warehouse_id", "inv_warehouse", "Base warehouse."),
        TableDef::new("logistics", "ship_driver", "Drivers of company vehicles.")
            .id("driver_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Employee record of the driver.")
            .req("license_number", ty::CODE, "Driving licence number."),
        TableDef::new("logistics", "ship_delivery_run", "Daily delivery runs of company vehicles.")
            .id("delivery_run_id", "Surrogate key.")
            .fk("vehicle_id", "ship_vehicle", "Vehicle.")
            .fk("driver_id", "ship_driver", "Driver.")
            .req("run_date", ty::DATE, "Date.")
            .col("stops", ty::INT, "Number of stops."),
        TableDef::new("logistics", "ship_customs_declaration", "Customs declarations for cross-border shipments.")
            .id("declaration_id", "Surrogate key.")
            .fk("shipment_id", "ship_shipment", "Shipment declared.")
            .req("declared_value", ty::MONEY, "Declared value in USD.")
            .col("hs_code", ty::CODE, "Harmonized System code.")
            .col("duty_amount", ty::MONEY, "Duty paid."),
        TableDef::new("logistics", "ship_delivery_exception", "Failed or delayed deliveries.")
            .id("exception_id", "Surrogate key.")
            .fk("shipment_id", "ship_shipment", "Shipment.")
            .req("exception_date", ty::DATE, "Date.")
            .req("exception_reason", ty::NAME, "Address Not Found, Customer Absent, Weather or Damaged.")
            .col("resolved", ty::BOOL, "1 once resolved."),
        TableDef::new("logistics", "ship_proof_of_delivery", "Signatures and photos proving delivery.")
            .id("pod_id", "Surrogate key.")
            .fk("shipment_id", "ship_shipment", "Shipment.")
            .req("signed_by", ty::NAME, "Signatory.")
            .req("signed_at", ty::TS, "When signed."),
        TableDef::new("logistics", "ship_packaging_type", "Box and pallet types used for shipping.")
            .id("packaging_type_id", "Surrogate key.")
            .req("packaging_name", ty::NAME, "Name.")
            .col("max_weight_kg", ty::QTY, "Maximum load."),
        TableDef::new("logistics", "ship_carrier_invoice", "Freight invoices received from carriers.")
            .id("carrier_invoice_id", "Surrogate key.")
            .fk("carrier_id", "ship_carrier", "Carrier billing.")
            .req("invoice_month", ty::DATE, "Month billed.")
            .req("invoice_amount", ty::MONEY, "Amount billed in USD."),
    ]
}
