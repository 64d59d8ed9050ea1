//! Decodes PostgreSQL's binary result format into [`Value`]s.
//!
//! tokio-postgres always asks for binary results, and its typed getters cover only a few
//! types without optional crates. Decoding the wire format here renders decimals, dates,
//! times, intervals, UUIDs, JSON and arrays as the text PostgreSQL itself would print, and
//! never fails: a value it cannot read is returned as raw bytes.

use fallible_iterator::FallibleIterator;
use postgres_protocol::types as wire;
use tokio_postgres::Row;
use tokio_postgres::types::{FromSql, Kind, Type};

use crate::Value;

/// A column's raw bytes, whatever its type.
struct Raw<'a>(Option<&'a [u8]>);

impl<'a> FromSql<'a> for Raw<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(Some(raw)))
    }

    fn from_sql_null(_: &Type) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(Raw(None))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

pub(crate) fn decode_row(row: &Row) -> Vec<Value> {
    decode_columns(row, row.len())
}

/// The first `n_columns` values of `row` (a wrapper's own columns follow the statement's).
pub(crate) fn decode_columns(row: &Row, n_columns: usize) -> Vec<Value> {
    row.columns()
        .iter()
        .take(n_columns)
        .enumerate()
        .map(|(i, column)| match row.try_get::<_, Raw<'_>>(i) {
            Ok(Raw(Some(raw))) => decode(column.type_(), raw),
            Ok(Raw(None)) | Err(_) => Value::Null,
        })
        .collect()
}

/// Decodes one non-NULL value of type `ty`.
pub(crate) fn decode(ty: &Type, raw: &[u8]) -> Value {
    decode_known(ty, raw).unwrap_or_else(|| Value::Bytes(raw.to_vec()))
}

fn decode_known(ty: &Type, raw: &[u8]) -> Option<Value> {
    let text = |s: String| Some(Value::Text(s));
    match *ty {
        Type::BOOL => wire::bool_from_sql(raw).ok().map(Value::Bool),
        Type::INT2 => wire::int2_from_sql(raw).ok().map(|v| Value::Int(v.into())),
        Type::INT4 => wire::int4_from_sql(raw).ok().map(|v| Value::Int(v.into())),
        Type::INT8 => wire::int8_from_sql(raw).ok().map(Value::Int),
        Type::OID => wire::oid_from_sql(raw).ok().map(|v| Value::Int(v.into())),
        Type::FLOAT4 => wire::float4_from_sql(raw).ok().map(|v| Value::Float(v.into())),
        Type::FLOAT8 => wire::float8_from_sql(raw).ok().map(Value::Float),
        Type::BYTEA => Some(Value::Bytes(raw.to_vec())),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN | Type::JSON | Type::XML => {
            text(String::from_utf8_lossy(raw).into_owned())
        }
        // JSONB's binary form is a version byte (1) followed by the JSON text.
        Type::JSONB => match raw.split_first() {
            Some((1, json)) => text(String::from_utf8_lossy(json).into_owned()),
            _ => None,
        },
        Type::CHAR => raw.first().map(|&b| Value::Text(char::from(b).to_string())),
        Type::NUMERIC => numeric(raw).map(Value::Text),
        Type::MONEY => wire::int8_from_sql(raw).ok().map(|cents| Value::Text(money(cents))),
        Type::DATE => wire::date_from_sql(raw).ok().map(|days| Value::Text(date(days))),
        Type::TIMESTAMP => wire::timestamp_from_sql(raw).ok().map(|us| Value::Text(timestamp(us))),
        Type::TIMESTAMPTZ => wire::timestamp_from_sql(raw).ok().map(|us| Value::Text(timestamptz(us))),
        Type::TIME => wire::time_from_sql(raw).ok().map(|us| Value::Text(time_of_day(us))),
        Type::TIMETZ => timetz(raw).map(Value::Text),
        Type::INTERVAL => interval(raw).map(Value::Text),
        Type::UUID => wire::uuid_from_sql(raw).ok().map(|bytes| Value::Text(uuid(&bytes))),
        Type::INET | Type::CIDR => wire::inet_from_sql(raw).ok().map(|inet| {
            let full = if inet.addr().is_ipv4() { 32 } else { 128 };
            let addr = inet.addr();
            Value::Text(if inet.netmask() == full { addr.to_string() } else { format!("{addr}/{}", inet.netmask()) })
        }),
        _ => match ty.kind() {
            // Enum labels and text-like extension types (citext) travel as text.
            Kind::Enum(_) => text(String::from_utf8_lossy(raw).into_owned()),
            Kind::Simple if ty.name() == "citext" => text(String::from_utf8_lossy(raw).into_owned()),
            Kind::Domain(base) => decode_known(base, raw),
            Kind::Array(member) => array(member, raw).map(Value::Text),
            _ => None,
        },
    }
}

/// `numeric`: digit count, weight of the first base-10000 digit, sign, display scale, digits.
fn numeric(raw: &[u8]) -> Option<String> {
    let word = |i: usize| raw.get(2 * i..2 * i + 2).map(|b| u16::from_be_bytes([b[0], b[1]]));
    let n_digits = usize::from(word(0)?);
    let weight = i32::from(word(1)? as i16);
    let sign = word(2)?;
    let scale = usize::from(word(3)?);
    match sign {
        0xC000 => return Some("NaN".to_owned()),
        0xD000 => return Some("Infinity".to_owned()),
        0xF000 => return Some("-Infinity".to_owned()),
        _ => {}
    }
    let digits: Vec<u16> = (0..n_digits).map(|i| word(4 + i)).collect::<Option<_>>()?;
    let digit = |index: i32| usize::try_from(index).ok().and_then(|i| digits.get(i)).copied().unwrap_or(0);
    let mut out = String::new();
    if sign == 0x4000 {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        out.push_str(&digit(0).to_string());
        for index in 1..=weight {
            out.push_str(&format!("{:04}", digit(index)));
        }
    }
    if scale > 0 {
        out.push('.');
        let mut fraction = String::new();
        let mut index = weight + 1;
        while fraction.len() < scale {
            fraction.push_str(&format!("{:04}", digit(index)));
            index += 1;
        }
        fraction.truncate(scale);
        out.push_str(&fraction);
    }
    Some(out)
}

fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Days since 2000-01-01 as `YYYY-MM-DD` (proleptic Gregorian, `BC` for years before 1).
fn date(days: i32) -> String {
    match days {
        i32::MAX => "infinity".to_owned(),
        i32::MIN => "-infinity".to_owned(),
        _ => civil(i64::from(days)),
    }
}

/// Converts a day count since 2000-01-01 to a calendar date, by shifting to a calendar whose
/// years start on March 1 so leap days fall at the end of a 400-year era.
fn civil(days_since_2000: i64) -> String {
    let z = days_since_2000 + 10_957 + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    if year <= 0 { format!("{:04}-{month:02}-{day:02} BC", 1 - year) } else { format!("{year:04}-{month:02}-{day:02}") }
}

const MICROS_PER_DAY: i64 = 86_400_000_000;

fn timestamp(micros: i64) -> String {
    match micros {
        i64::MAX => "infinity".to_owned(),
        i64::MIN => "-infinity".to_owned(),
        _ => {
            let days = micros.div_euclid(MICROS_PER_DAY);
            let civil_date = civil(days);
            let time = time_of_day(micros.rem_euclid(MICROS_PER_DAY));
            // Keep `BC` at the end, where PostgreSQL prints it.
            match civil_date.strip_suffix(" BC") {
                Some(date) => format!("{date} {time} BC"),
                None => format!("{civil_date} {time}"),
            }
        }
    }
}

fn timestamptz(micros: i64) -> String {
    match micros {
        i64::MAX | i64::MIN => timestamp(micros),
        _ => format!("{}+00", timestamp(micros)),
    }
}

/// Microseconds since midnight as `HH:MM:SS[.ffffff]`, trailing zeros of the fraction dropped.
fn time_of_day(micros: i64) -> String {
    let micros = micros.rem_euclid(MICROS_PER_DAY + 1);
    let seconds = micros / 1_000_000;
    let mut out = format!("{:02}:{:02}:{:02}", seconds / 3_600, seconds / 60 % 60, seconds % 60);
    push_fraction(&mut out, micros % 1_000_000);
    out
}

fn push_fraction(out: &mut String, micros: i64) {
    if micros != 0 {
        let fraction = format!("{micros:06}");
        out.push('.');
        out.push_str(fraction.trim_end_matches('0'));
    }
}

/// `timetz`: microseconds since midnight, then the zone as seconds west of UTC.
fn timetz(raw: &[u8]) -> Option<String> {
    let micros = i64::from_be_bytes(raw.get(0..8)?.try_into().ok()?);
    let west = i32::from_be_bytes(raw.get(8..12)?.try_into().ok()?);
    let east = -i64::from(west);
    let sign = if east < 0 { '-' } else { '+' };
    let abs = east.unsigned_abs();
    let mut out = format!("{}{sign}{:02}", time_of_day(micros), abs / 3_600);
    if abs % 3_600 != 0 {
        out.push_str(&format!(":{:02}", abs / 60 % 60));
    }
    Some(out)
}

/// `interval`: microseconds, days, months — printed as PostgreSQL's default style does.
fn interval(raw: &[u8]) -> Option<String> {
    let micros = i64::from_be_bytes(raw.get(0..8)?.try_into().ok()?);
    let days = i32::from_be_bytes(raw.get(8..12)?.try_into().ok()?);
    let months = i32::from_be_bytes(raw.get(12..16)?.try_into().ok()?);
    let mut parts: Vec<String> = Vec::new();
    let mut unit = |n: i64, singular: &str, plural: &str| {
        if n != 0 {
            parts.push(format!("{n} {}", if n.abs() == 1 { singular } else { plural }));
        }
    };
    unit(i64::from(months / 12), "year", "years");
    unit(i64::from(months % 12), "mon", "mons");
    unit(i64::from(days), "day", "days");
    if micros != 0 || parts.is_empty() {
        let sign = if micros < 0 { "-" } else { "" };
        let abs = micros.unsigned_abs();
        let seconds = abs / 1_000_000;
        let mut time = format!("{sign}{:02}:{:02}:{:02}", seconds / 3_600, seconds / 60 % 60, seconds % 60);
        push_fraction(&mut time, i64::try_from(abs % 1_000_000).unwrap_or(0));
        parts.push(time);
    }
    Some(parts.join(" "))
}

fn uuid(bytes: &[u8; 16]) -> String {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Arrays in PostgreSQL's text form: `{1,2,NULL}`, nested braces per dimension, elements
/// quoted when they would be ambiguous.
fn array(member: &Type, raw: &[u8]) -> Option<String> {
    let array = wire::array_from_sql(raw).ok()?;
    let lengths: Vec<usize> = array.dimensions().map(|d| Ok(usize::try_from(d.len).unwrap_or(0))).collect().ok()?;
    let elements: Vec<String> = array
        .values()
        .map(|value| {
            Ok(match value {
                None => "NULL".to_owned(),
                Some(raw) => quote_element(&decode(member, raw).to_text().unwrap_or_default()),
            })
        })
        .collect()
        .ok()?;
    if lengths.is_empty() {
        return Some("{}".to_owned());
    }
    let mut level: Vec<String> = elements;
    for &length in lengths.iter().rev() {
        let length = length.max(1);
        level = level.chunks(length).map(|chunk| format!("{{{}}}", chunk.join(","))).collect();
    }
    Some(level.concat())
}

fn quote_element(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.eq_ignore_ascii_case("null")
        && !text.chars().any(|c| matches!(c, '{' | '}' | ',' | '"' | '\\') || c.is_whitespace());
    if plain { text.to_owned() } else { format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric_bytes(weight: i16, sign: u16, scale: u16, digits: &[u16]) -> Vec<u8> {
        let mut raw = Vec::new();
        for word in [digits.len() as u16, weight as u16, sign, scale].iter().chain(digits) {
            raw.extend_from_slice(&word.to_be_bytes());
        }
        raw
    }

    #[test]
    fn numerics_render_like_postgres() {
        assert_eq!(numeric(&numeric_bytes(1, 0, 2, &[12, 3456, 7800])).as_deref(), Some("123456.78"));
        assert_eq!(numeric(&numeric_bytes(-1, 0x4000, 5, &[12])).as_deref(), Some("-0.00120"));
        assert_eq!(numeric(&numeric_bytes(0, 0, 0, &[])).as_deref(), Some("0"));
        assert_eq!(numeric(&numeric_bytes(2, 0, 0, &[1])).as_deref(), Some("100000000"));
        assert_eq!(numeric(&numeric_bytes(0, 0xC000, 0, &[])).as_deref(), Some("NaN"));
        assert_eq!(numeric(&[0, 5]), None, "truncated input is not a panic");
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(date(0), "2000-01-01");
        assert_eq!(date(-1), "1999-12-31");
        assert_eq!(date(59), "2000-02-29");
        assert_eq!(date(8_825), "2024-02-29");
        assert_eq!(date(-730_119), "0001-01-01");
        assert_eq!(date(-730_120), "0001-12-31 BC");
        assert_eq!(date(i32::MAX), "infinity");
        assert_eq!(timestamp(90_061_500_000), "2000-01-02 01:01:01.5");
        assert_eq!(timestamptz(-1), "1999-12-31 23:59:59.999999+00");
        assert_eq!(time_of_day(3_600_000_000), "01:00:00");
        let mut tz = 3_600_000_000i64.to_be_bytes().to_vec();
        tz.extend_from_slice(&(-19_800i32).to_be_bytes());
        assert_eq!(timetz(&tz).as_deref(), Some("01:00:00+05:30"));
        let mut iv = 3_723_000_000i64.to_be_bytes().to_vec();
        iv.extend_from_slice(&3i32.to_be_bytes());
        iv.extend_from_slice(&14i32.to_be_bytes());
        assert_eq!(interval(&iv).as_deref(), Some("1 year 2 mons 3 days 01:02:03"));
        assert_eq!(interval(&[0; 16]).as_deref(), Some("00:00:00"));
    }

    #[test]
    fn scalars_and_fallbacks() {
        assert_eq!(decode(&Type::INT4, &7i32.to_be_bytes()), Value::Int(7));
        assert_eq!(decode(&Type::JSONB, b"\x01{\"a\":1}"), Value::Text("{\"a\":1}".into()));
        assert_eq!(decode(&Type::INT4, &[1]), Value::Bytes(vec![1]), "malformed input falls back to bytes");
        assert_eq!(money(-1_234), "-12.34");
        assert_eq!(uuid(&[0xab; 16]), "abababab-abab-abab-abab-abababababab");
        assert_eq!(quote_element("a b"), "\"a b\"");
        assert_eq!(quote_element("NULL"), "\"NULL\"");
        assert_eq!(quote_element("x"), "x");
    }
}
