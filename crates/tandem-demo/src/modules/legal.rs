//! Legal and facilities: contracts, disputes, compliance, offices and workplace services.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("legal", "lgl_contract", "Legal contracts (NDAs, MSAs, leases) and their counterparties.")
            .id("legal_contract_id", "Surrogate key.")
            .req("contract_type", ty::CODE, "NDA, MSA, SOW or Lease.")
            .req("counterparty_name", ty::NAME, "Other party.")
            .fk_opt("customer_id", "crm_customer", "Customer, when the counterparty is one.")
            .fk_opt("supplier_id", "purch_supplier", "Supplier, when the counterparty is one.")
            .req("signed_date", ty::DATE, "Signed.")
            .col("expiry_date", ty::DATE, "Expires."),
        TableDef::new("legal", "lgl_contract_obligation", "Obligations and renewal notices in contracts.")
            .id("obligation_id", "Surrogate key.")
            .fk("legal_contract_id", "lgl_contract", "Contract.")
            .req("obligation_text", ty::TEXT, "Obligation.")
            .col("due_date", ty::DATE, "Due."),
        TableDef::new("legal", "lgl_dispute", "Customer and supplier disputes and litigation.")
            .id("dispute_id", "Surrogate key.")
            .fk_opt("legal_contract_id", "lgl_contract", "Contract disputed.")
            .req("opened_date", ty::DATE, "Opened.")
            .col("claimed_amount", ty::MONEY, "Amount claimed in USD.")
            .col("dispute_status", ty::CODE, "Open, Settled or Won."),
        TableDef::new("legal", "lgl_trademark", "Registered trademarks.")
            .id("trademark_id", "Surrogate key.")
            .req("mark_name", ty::NAME, "Mark.")
            .fk("country_id", "geo_country", "Jurisdiction.")
            .col("registration_date", ty::DATE, "Registered."),
        TableDef::new("legal", "lgl_compliance_training", "Mandatory compliance trainings completed by employees.")
            .fk("employee_id", "hr_employee", "Employee.")
            .req("training_name", ty::NAME, "Anti-bribery, Data Protection …")
            .req("completed_date", ty::DATE, "Completed.")
            .key(&["employee_id", "training_name"]),
        TableDef::new("legal", "lgl_data_subject_request", "GDPR data subject requests (access, erasure).")
            .id("dsr_id", "Surrogate key.")
            .fk_opt("contact_id", "crm_contact", "Contact making the request.")
            .req("request_type", ty::CODE, "Access, Erasure or Rectification.")
            .req("received_date", ty::DATE, "Received.")
            .col("completed_date", ty::DATE, "Completed."),
        TableDef::new("facilities", "fac_building", "Buildings and floors of our offices.")
            .id("building_id", "Surrogate key.")
            .fk("location_id", "hr_office_location", "Office site.")
            .req("building_name", ty::NAME, "Building.")
            .col("floor_count", ty::INT, "Floors.")
            .col("gross_area_sqm", ty::QTY, "Area in square metres."),
        TableDef::new("facilities", "fac_meeting_room", "Bookable meeting rooms.")
            .id("room_id", "Surrogate key.")
            .fk("building_id", "fac_building", "Building.")
            .req("room_name", ty::NAME, "Room.")
            .col("capacity", ty::INT, "Seats."),
        TableDef::new("facilities", "fac_room_booking", "Meeting room bookings.")
            .id("booking_id", "Surrogate key.")
            .fk("room_id", "fac_meeting_room", "Room.")
            .fk("booked_by_id", "hr_employee", "Organiser.")
            .req("starts_at", ty::TS, "Start.")
            .req("ends_at", ty::TS, "End."),
        TableDef::new("facilities", "fac_work_order", "Facility maintenance work orders (not production work orders).")
            .id("facility_work_order_id", "Surrogate key.")
            .fk("building_id", "fac_building", "Building.")
            .req("reported_date", ty::DATE, "Reported.")
            .req("issue_description", ty::TEXT, "Issue.")
            .col("cost", ty::MONEY, "Repair cost in USD."),
        TableDef::new("facilities", "fac_utility_bill", "Electricity, water and gas bills per building.")
            .id("utility_bill_id", "Surrogate key.")
            .fk("building_id", "fac_building", "Building.")
            .req("utility_type", ty::CODE, "Electricity, Water or Gas.")
            .req("bill_month", ty::DATE, "Month.")
            .req("amount", ty::MONEY, "Amount in USD."),
        TableDef::new("facilities", "fac_parking_permit", "Parking permits issued to employees.")
            .id("permit_id", "Surrogate key.")
            .fk("employee_id", "hr_employee", "Holder.")
            .fk("location_id", "hr_office_location", "Site.")
            .req("valid_until", ty::DATE, "Expiry."),
        TableDef::new("facilities", "fac_visitor_log", "Visitors signed in at reception.")
            .id("visit_id", "Surrogate key.")
            .fk("location_id", "hr_office_location", "Site.")
            .req("visitor_name", ty::NAME, "Visitor.")
            .fk_opt("host_employee_id", "hr_employee", "Host.")
            .req("arrived_at", ty::TS, "Arrival."),
    ]
}
