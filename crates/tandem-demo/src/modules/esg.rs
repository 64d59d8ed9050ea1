//! Sustainability (ESG) reporting: emissions, energy, waste, diversity.

use crate::schema::{TableDef, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("esg", "esg_emission_record", "Greenhouse-gas emissions per site and month (scope 1–3).")
            .id("emission_record_id", "Surrogate key.")
            .fk_opt("location_id", "hr_office_location", "Office site, if the source is an office.")
            .fk_opt("plant_id", "mfg_plant", "Plant, if the source is a plant.")
            .req("scope", ty::INT, "GHG protocol scope 1, 2 or 3.")
            .req("period_month", ty::DATE, "Month.")
            .req("tonnes_co2e", ty::QTY, "Tonnes of CO2 equivalent."),
        TableDef::new("esg", "esg_energy_consumption", "Energy consumed per site and month.")
            .id("energy_id", "Surrogate key.")
            .fk("location_id", "hr_office_location", "Site.")
            .req("period_month", ty::DATE, "Month.")
            .req("kwh", ty::QTY, "Energy in kWh.")
            .col("renewable_pct", ty::PCT, "Share from renewables."),
        TableDef::new("esg", "esg_waste_record", "Waste produced and recycled per plant.")
            .id("waste_id", "Surrogate key.")
            .fk("plant_id", "mfg_plant", "Plant.")
            .req("period_month", ty::DATE, "Month.")
            .req("waste_kg", ty::QTY, "Waste in kg.")
            .col("recycled_kg", ty::QTY, "Recycled in kg."),
        TableDef::new("esg", "esg_supplier_assessment", "Sustainability assessments of suppliers.")
            .id("assessment_id", "Surrogate key.")
            .fk("supplier_id", "purch_supplier", "Supplier.")
            .req("assessed_date", ty::DATE, "Date.")
            .col("esg_score", ty::INT, "Score 0–100."),
        TableDef::new("esg", "esg_target", "Company sustainability targets.")
            .id("target_id", "Surrogate key.")
            .req("metric_name", ty::NAME, "Metric.")
            .req("target_year", ty::INT, "Year.")
            .req("target_value", ty::QTY, "Target."),
        TableDef::new("esg", "esg_diversity_metric", "Workforce diversity figures per department and year.")
            .fk("department_id", "hr_department", "Department.")
            .req("metric_year", ty::INT, "Year.")
            .col("women_pct", ty::PCT, "Share of women.")
            .col("women_in_management_pct", ty::PCT, "Share of women in management.")
            .key(&["department_id", "metric_year"]),
        TableDef::new("esg", "esg_community_donation", "Charitable donations and volunteering.")
            .id("donation_id", "Surrogate key.")
            .req("recipient_name", ty::NAME, "Recipient.")
            .req("donation_date", ty::DATE, "Date.")
            .req("amount", ty::MONEY, "Amount in USD."),
    ]
}
