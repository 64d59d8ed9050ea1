//! Currencies, regions, countries, cities and month-end exchange rates.

use super::{Country, World, history_end, history_start};
use crate::value::{TableData, Value, row};

const STREAM: u64 = 1;

/// Code, name, symbol, minor digits, USD value of one unit in hundred-thousandths.
const CURRENCIES: [(&str, &str, &str, i64, i64); 18] = [
    ("USD", "US Dollar", "$", 2, 100_000),
    ("EUR", "Euro", "€", 2, 108_000),
    ("GBP", "Pound Sterling", "£", 2, 126_000),
    ("JPY", "Japanese Yen", "¥", 0, 700),
    ("CAD", "Canadian Dollar", "C$", 2, 74_000),
    ("AUD", "Australian Dollar", "A$", 2, 66_000),
    ("CHF", "Swiss Franc", "CHF", 2, 112_000),
    ("CNY", "Chinese Yuan", "¥", 2, 13_900),
    ("INR", "Indian Rupee", "₹", 2, 1_200),
    ("BRL", "Brazilian Real", "R$", 2, 19_500),
    ("MXN", "Mexican Peso", "$", 2, 5_600),
    ("SEK", "Swedish Krona", "kr", 2, 9_400),
    ("SGD", "Singapore Dollar", "S$", 2, 74_000),
    ("ZAR", "South African Rand", "R", 2, 5_400),
    ("AED", "UAE Dirham", "AED", 2, 27_200),
    ("PLN", "Polish Zloty", "zł", 2, 24_500),
    ("KRW", "South Korean Won", "₩", 0, 75),
    ("CLP", "Chilean Peso", "$", 0, 110),
];

const REGIONS: [(&str, &str); 5] = [
    ("NA", "North America"),
    ("LATAM", "Latin America"),
    ("EMEA-EU", "Europe"),
    ("APAC", "Asia Pacific"),
    ("MEA", "Middle East & Africa"),
];

/// ISO code, name, region id, currency, VAT or sales-tax percent, phone prefix, cities.
type CountryRow = (&'static str, &'static str, i64, &'static str, i64, &'static str, &'static [&'static str]);

const COUNTRIES: [CountryRow; 25] = [
    ("US", "United States", 1, "USD", 7, "+1", &["New York", "Chicago", "Austin", "Seattle", "Atlanta"]),
    ("CA", "Canada", 1, "CAD", 13, "+1", &["Toronto", "Vancouver", "Montreal"]),
    ("MX", "Mexico", 2, "MXN", 16, "+52", &["Mexico City", "Guadalajara", "Monterrey"]),
    ("BR", "Brazil", 2, "BRL", 17, "+55", &["Sao Paulo", "Rio de Janeiro", "Curitiba"]),
    ("CL", "Chile", 2, "CLP", 19, "+56", &["Santiago", "Valparaiso"]),
    ("DE", "Germany", 3, "EUR", 19, "+49", &["Berlin", "Munich", "Hamburg", "Frankfurt"]),
    ("FR", "France", 3, "EUR", 20, "+33", &["Paris", "Lyon", "Toulouse"]),
    ("GB", "United Kingdom", 3, "GBP", 20, "+44", &["London", "Manchester", "Edinburgh"]),
    ("NL", "Netherlands", 3, "EUR", 21, "+31", &["Amsterdam", "Rotterdam", "Utrecht"]),
    ("ES", "Spain", 3, "EUR", 21, "+34", &["Madrid", "Barcelona", "Valencia"]),
    ("IT", "Italy", 3, "EUR", 22, "+39", &["Milan", "Rome", "Turin"]),
    ("SE", "Sweden", 3, "SEK", 25, "+46", &["Stockholm", "Gothenburg"]),
    ("CH", "Switzerland", 3, "CHF", 8, "+41", &["Zurich", "Geneva"]),
    ("PL", "Poland", 3, "PLN", 23, "+48", &["Warsaw", "Krakow", "Poznan"]),
    ("IE", "Ireland", 3, "EUR", 23, "+353", &["Dublin", "Cork"]),
    ("BE", "Belgium", 3, "EUR", 21, "+32", &["Brussels", "Antwerp"]),
    ("AT", "Austria", 3, "EUR", 20, "+43", &["Vienna", "Graz"]),
    ("JP", "Japan", 4, "JPY", 10, "+81", &["Tokyo", "Osaka", "Nagoya"]),
    ("CN", "China", 4, "CNY", 13, "+86", &["Shanghai", "Shenzhen", "Beijing"]),
    ("IN", "India", 4, "INR", 18, "+91", &["Bangalore", "Mumbai", "Pune"]),
    ("AU", "Australia", 4, "AUD", 10, "+61", &["Sydney", "Melbourne", "Brisbane"]),
    ("SG", "Singapore", 4, "SGD", 9, "+65", &["Singapore"]),
    ("KR", "South Korea", 4, "KRW", 10, "+82", &["Seoul", "Busan"]),
    ("AE", "United Arab Emirates", 5, "AED", 5, "+971", &["Dubai", "Abu Dhabi"]),
    ("ZA", "South Africa", 5, "ZAR", 15, "+27", &["Johannesburg", "Cape Town"]),
];

/// The 0-based index of a country by ISO code (0, the United States, when unknown).
pub(crate) fn country_index(iso: &str) -> usize {
    COUNTRIES.iter().position(|c| c.0 == iso).unwrap_or(0)
}

pub(crate) fn generate(world: &mut World) {
    let mut g = world.stream(STREAM);

    let mut currency = TableData::new("ref_currency", &["currency_code", "currency_name", "symbol", "decimal_places"]);
    for (code, name, symbol, digits, _) in CURRENCIES {
        currency.push(row![code, name, symbol, digits]);
    }
    world.emit(currency);

    let mut region = TableData::new("geo_region", &["region_id", "region_code", "region_name"]);
    for (id, (code, name)) in (1_i64..).zip(REGIONS) {
        region.push(row![id, code, name]);
    }
    world.emit(region);

    let mut country = TableData::new(
        "geo_country",
        &["country_id", "iso_code", "country_name", "region_id", "currency_code", "phone_prefix"],
    );
    let mut city = TableData::new("geo_city", &["city_id", "country_id", "city_name"]);
    for (id, (iso, name, region_id, currency_code, tax_pct, prefix, cities)) in (1_i64..).zip(COUNTRIES) {
        country.push(row![id, iso, name, region_id, currency_code, prefix]);
        for name in cities {
            city.push(row![city.len() + 1, id, *name]);
        }
        world.countries.push(Country { id, iso, region_id, currency: currency_code, tax_pct, cities });
    }
    world.emit(country);
    world.emit(city);

    // Month-end rates drift a few percent around each currency's base so conversions vary.
    let mut rates =
        TableData::new("ref_exchange_rate", &["exchange_rate_id", "currency_code", "rate_date", "rate_to_usd"]);
    let mut month = history_start();
    while month <= history_end() {
        let end = month.month_end();
        for (code, _, _, _, base) in CURRENCIES {
            let drift = if code == "USD" { 0 } else { g.range(-400, 400) };
            // rate_to_usd has six decimals and the base is in 1e-5 units; drift is in basis points (±4%).
            let micros = base * 10 * (10_000 + drift) / 10_000;
            rates.push(row![rates.len() + 1, code, end, Value::Micros(micros)]);
        }
        month = end.plus(1);
    }
    world.emit(rates);
}
