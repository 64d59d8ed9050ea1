//! Reference data shared by every module: currencies, regions, countries, calendars.

use crate::schema::{TableDef, lookup, ty};

pub(crate) fn tables() -> Vec<TableDef> {
    vec![
        TableDef::new("reference", "ref_currency", "ISO 4217 currencies used for prices, invoices and payroll.")
            .code_key("currency_code", ty::CHAR3, "ISO 4217 code, e.g. USD, EUR.")
            .req("currency_name", ty::NAME, "English name of the currency.")
            .col("symbol", ty::CODE, "Display symbol.")
            .req("decimal_places", ty::INT, "Minor-unit digits."),
        TableDef::new("reference", "geo_region", "Sales and reporting regions that group countries.")
            .id("region_id", "Surrogate key.")
            .req("region_code", ty::CODE, "Short code, e.g. EMEA.")
            .req("region_name", ty::NAME, "Region name, e.g. Europe or Asia Pacific."),
        TableDef::new(
            "reference",
            "geo_country",
            "Countries where customers, suppliers, offices and warehouses are located.",
        )
        .id("country_id", "Surrogate key.")
        .req("iso_code", ty::CHAR2, "ISO 3166-1 alpha-2 code.")
        .req("country_name", ty::NAME, "English country name, e.g. Germany.")
        .fk("region_id", "geo_region", "Region the country reports under.")
        .fk("currency_code", "ref_currency", "Local currency.")
        .col("phone_prefix", ty::CODE, "International dialling prefix."),
        TableDef::new("reference", "geo_state_province", "First-level subdivisions (states, provinces) of countries.")
            .id("state_province_id", "Surrogate key.")
            .fk("country_id", "geo_country", "Country the subdivision belongs to.")
            .req("subdivision_code", ty::CODE, "ISO 3166-2 code.")
            .req("subdivision_name", ty::NAME, "Name of the state or province."),
        TableDef::new("reference", "geo_city", "Cities referenced by addresses; loaded from the address master.")
            .id("city_id", "Surrogate key.")
            .fk("country_id", "geo_country", "Country of the city.")
            .fk_opt("state_province_id", "geo_state_province", "State or province, where known.")
            .req("city_name", ty::NAME, "City name.")
            .col("timezone_name", ty::NAME, "IANA time zone."),
        TableDef::new("reference", "geo_postal_code", "Postal codes with coordinates for delivery routing.")
            .id("postal_code_id", "Surrogate key.")
            .fk("city_id", "geo_city", "City served.")
            .req("postal_code", ty::CODE, "Postal or ZIP code.")
            .col("latitude", ty::RATE, "Centroid latitude.")
            .col("longitude", ty::RATE, "Centroid longitude."),
        TableDef::new(
            "reference",
            "ref_exchange_rate",
            "Month-end exchange rates to US dollars, used to report amounts in USD.",
        )
        .id("exchange_rate_id", "Surrogate key.")
        .fk("currency_code", "ref_currency", "Currency being converted.")
        .req("rate_date", ty::DATE, "Month-end date the rate applies to.")
        .req("rate_to_usd", ty::RATE, "USD value of one unit of the currency."),
        TableDef::new(
            "reference",
            "ref_calendar_day",
            "Calendar of days with fiscal attributes; fiscal year equals calendar year.",
        )
        .code_key("calendar_date", ty::DATE, "The day.")
        .req("day_of_week", ty::INT, "1 = Monday … 7 = Sunday.")
        .req("is_business_day", ty::BOOL, "1 when not a weekend or company holiday.")
        .req("fiscal_quarter", ty::INT, "Fiscal quarter 1–4."),
        TableDef::new(
            "reference",
            "ref_public_holiday",
            "Public holidays per country, used for SLA and delivery calculations.",
        )
        .id("holiday_id", "Surrogate key.")
        .fk("country_id", "geo_country", "Country observing the holiday.")
        .req("holiday_date", ty::DATE, "Date of the holiday.")
        .req("holiday_name", ty::NAME, "Name of the holiday."),
        TableDef::new("reference", "ref_unit_of_measure", "Units of measure for quantities and weights.")
            .code_key("uom_code", ty::CODE, "Unit code, e.g. EA, KG, BOX.")
            .req("uom_name", ty::NAME, "Unit name.")
            .col("base_uom_code", ty::CODE, "Unit this one converts to.")
            .col("conversion_factor", ty::RATE, "Multiplier to the base unit."),
        TableDef::new("reference", "ref_language", "Languages for customer communication and documents.")
            .code_key("language_code", ty::CODE, "ISO 639-1 code.")
            .req("language_name", ty::NAME, "English name of the language."),
        lookup(
            "reference",
            "ref_payment_term",
            "Payment terms offered to customers and agreed with suppliers.",
            &["Net 15", "Net 30", "Net 45", "Net 60", "Due on Receipt", "2/10 Net 30"],
        ),
        lookup(
            "reference",
            "ref_incoterm",
            "Incoterms agreed on international shipments.",
            &["EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FOB", "CIF"],
        ),
        lookup(
            "reference",
            "ref_industry_code",
            "Industry classification codes used by the credit agency feed.",
            &[
                "Agriculture",
                "Mining",
                "Construction",
                "Manufacturing",
                "Wholesale Trade",
                "Retail Trade",
                "Transportation",
                "Information",
                "Finance and Insurance",
                "Health Care",
                "Education",
                "Public Administration",
            ],
        ),
    ]
}
