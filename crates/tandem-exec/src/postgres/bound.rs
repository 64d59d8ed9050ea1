//! Bounds each PostgreSQL result row on the server, before it reaches the client.
//!
//! tokio-postgres reads a whole `DataRow` message into memory before handing it over, so a
//! statement like `SELECT repeat('x', 300000000)` would cost the process 300 MB however small
//! the byte cap is. Instead the validated statement runs wrapped: its columns are measured on
//! the server, and a row whose variable-size values add up to more than the byte cap comes
//! back with those values NULL and a flag set. The caller stops there, exactly where the byte
//! cap would have stopped it had the row been read.

use std::fmt::Write as _;

use tokio_postgres::types::{Kind, Type};

/// How a column's size is measured on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Measure {
    /// A fixed-size (or tiny) type: nothing to measure.
    Fixed,
    /// `octet_length` reads a text or bytea value's length from its header, without
    /// decompressing a stored value.
    Octets,
    /// Any other variable-size type (JSON, arrays, records, numerics, XML, ranges, domains):
    /// the length of its text form, which is what tandem renders and close to the binary form.
    Text,
}

fn measure(ty: &Type) -> Measure {
    match *ty {
        Type::BOOL
        | Type::CHAR
        | Type::INT2
        | Type::INT4
        | Type::INT8
        | Type::OID
        | Type::FLOAT4
        | Type::FLOAT8
        | Type::MONEY
        | Type::DATE
        | Type::TIME
        | Type::TIMETZ
        | Type::TIMESTAMP
        | Type::TIMESTAMPTZ
        | Type::INTERVAL
        | Type::UUID
        | Type::NAME
        | Type::INET
        | Type::CIDR
        | Type::MACADDR
        | Type::MACADDR8 => Measure::Fixed,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::BYTEA => Measure::Octets,
        _ if matches!(ty.kind(), Kind::Enum(_)) => Measure::Fixed,
        _ => Measure::Text,
    }
}

/// The name of the flag column the wrapper adds after the statement's own columns.
const FLAG: &str = "tandem_oversized";

/// `sql` wrapped so that a row whose variable-size values exceed `max_bytes` in total comes
/// back with them NULL and a last boolean column set; `None` when no column can be large
/// (nothing to guard) or the statement has no columns.
///
/// `sql` must be one complete statement that PostgreSQL has already prepared: then every token
/// of it is closed, and it cannot reach outside the parentheses it is put in. The newline
/// before the closing parenthesis keeps a trailing line comment from swallowing it.
pub(crate) fn bounded_sql(sql: &str, types: &[&Type], max_bytes: usize) -> Option<String> {
    let measures: Vec<Measure> = types.iter().map(|ty| measure(ty)).collect();
    if measures.iter().all(|m| *m == Measure::Fixed) {
        return None;
    }
    let names: Vec<String> = (1..=types.len()).map(|i| format!("c{i}")).collect();
    let sizes: Vec<String> = names
        .iter()
        .zip(&measures)
        .filter_map(|(name, measure)| match measure {
            Measure::Fixed => None,
            Measure::Octets => Some(format!("COALESCE(octet_length(q.{name})::int8, 0)")),
            Measure::Text => Some(format!("COALESCE(octet_length(q.{name}::text)::int8, 0)")),
        })
        .collect();
    let mut outer = String::from("SELECT ");
    for (name, measure) in names.iter().zip(&measures) {
        match measure {
            Measure::Fixed => {
                let _ = write!(outer, "r.{name}, ");
            }
            Measure::Octets | Measure::Text => {
                let _ = write!(outer, "CASE WHEN r.{FLAG} THEN NULL ELSE r.{name} END, ");
            }
        }
    }
    // OFFSET 0 keeps the planner from folding the measuring subquery into the outer one, which
    // would compute the sizes once per column instead of once per row; it also keeps the
    // statement's own row order.
    let _ = write!(
        outer,
        "r.{FLAG} FROM (SELECT q.*, {} > {max_bytes} AS {FLAG} FROM (\n{sql}\n) AS q({}) OFFSET 0) AS r",
        sizes.join(" + "),
        names.join(", "),
    );
    Some(outer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_by_type() {
        assert_eq!(measure(&Type::INT4), Measure::Fixed);
        assert_eq!(measure(&Type::TIMESTAMPTZ), Measure::Fixed);
        assert_eq!(measure(&Type::TEXT), Measure::Octets);
        assert_eq!(measure(&Type::BYTEA), Measure::Octets);
        assert_eq!(measure(&Type::JSONB), Measure::Text);
        assert_eq!(measure(&Type::INT4_ARRAY), Measure::Text);
        assert_eq!(measure(&Type::NUMERIC), Measure::Text);
        assert_eq!(measure(&Type::RECORD), Measure::Text);
    }

    #[test]
    fn only_variable_size_columns_are_measured_and_nulled() {
        let wrapped = bounded_sql("SELECT a, b, c FROM t -- x", &[&Type::INT4, &Type::TEXT, &Type::JSONB], 100);
        assert_eq!(
            wrapped.as_deref(),
            Some(
                "SELECT r.c1, CASE WHEN r.tandem_oversized THEN NULL ELSE r.c2 END, \
                 CASE WHEN r.tandem_oversized THEN NULL ELSE r.c3 END, r.tandem_oversized \
                 FROM (SELECT q.*, COALESCE(octet_length(q.c2)::int8, 0) + COALESCE(octet_length(q.c3::text)::int8, 0) \
                 > 100 AS tandem_oversized FROM (\nSELECT a, b, c FROM t -- x\n) AS q(c1, c2, c3) OFFSET 0) AS r"
            )
        );
        assert_eq!(bounded_sql("SELECT 1, true", &[&Type::INT4, &Type::BOOL], 100), None, "nothing can be large");
        assert_eq!(bounded_sql("SELECT FROM t", &[], 100), None);
    }
}
