//! Converts MySQL binary-protocol values into [`Value`]s and names column types.

use mysql_async::Column;
use mysql_async::consts::{ColumnFlags, ColumnType};

use crate::Value;

/// The `binary` character set: the column holds bytes, not text.
const BINARY_CHARSET: u16 = 63;

pub(crate) fn decode(column: &Column, value: &mysql_async::Value) -> Value {
    match value {
        mysql_async::Value::NULL => Value::Null,
        mysql_async::Value::Int(i) => Value::Int(*i),
        // BIGINT UNSIGNED beyond i64 keeps its digits as text rather than wrapping.
        mysql_async::Value::UInt(u) => i64::try_from(*u).map_or_else(|_| Value::Text(u.to_string()), Value::Int),
        mysql_async::Value::Float(f) => Value::Float(f64::from(*f)),
        mysql_async::Value::Double(d) => Value::Float(*d),
        mysql_async::Value::Date(year, month, day, hour, minute, second, micros) => {
            let date = format!("{year:04}-{month:02}-{day:02}");
            if column.column_type() == ColumnType::MYSQL_TYPE_DATE {
                Value::Text(date)
            } else {
                Value::Text(format!("{date} {hour:02}:{minute:02}:{second:02}{}", fraction(*micros)))
            }
        }
        mysql_async::Value::Time(negative, days, hours, minutes, seconds, micros) => {
            let sign = if *negative { "-" } else { "" };
            let hours = u64::from(*days) * 24 + u64::from(*hours);
            Value::Text(format!("{sign}{hours:02}:{minutes:02}:{seconds:02}{}", fraction(*micros)))
        }
        mysql_async::Value::Bytes(bytes) => {
            if is_binary(column) {
                Value::Bytes(bytes.clone())
            } else {
                // Decimals, text, JSON, enums and sets arrive as their text.
                Value::Text(String::from_utf8_lossy(bytes).into_owned())
            }
        }
    }
}

fn fraction(micros: u32) -> String {
    if micros == 0 { String::new() } else { format!(".{}", format!("{micros:06}").trim_end_matches('0')) }
}

fn is_binary(column: &Column) -> bool {
    use ColumnType::*;
    match column.column_type() {
        MYSQL_TYPE_BIT | MYSQL_TYPE_GEOMETRY => true,
        MYSQL_TYPE_TINY_BLOB
        | MYSQL_TYPE_MEDIUM_BLOB
        | MYSQL_TYPE_LONG_BLOB
        | MYSQL_TYPE_BLOB
        | MYSQL_TYPE_VAR_STRING
        | MYSQL_TYPE_STRING
        | MYSQL_TYPE_VARCHAR => column.character_set() == BINARY_CHARSET,
        _ => false,
    }
}

/// A lowercase SQL type name for a result column.
pub(crate) fn type_name(column: &Column) -> &'static str {
    use ColumnType::*;
    let flags = column.flags();
    if flags.contains(ColumnFlags::ENUM_FLAG) {
        return "enum";
    }
    if flags.contains(ColumnFlags::SET_FLAG) {
        return "set";
    }
    let binary = is_binary(column);
    match column.column_type() {
        MYSQL_TYPE_DECIMAL | MYSQL_TYPE_NEWDECIMAL => "decimal",
        MYSQL_TYPE_TINY => "tinyint",
        MYSQL_TYPE_SHORT => "smallint",
        MYSQL_TYPE_INT24 => "mediumint",
        MYSQL_TYPE_LONG => "int",
        MYSQL_TYPE_LONGLONG => "bigint",
        MYSQL_TYPE_FLOAT => "float",
        MYSQL_TYPE_DOUBLE => "double",
        MYSQL_TYPE_NULL => "null",
        MYSQL_TYPE_TIMESTAMP | MYSQL_TYPE_TIMESTAMP2 => "timestamp",
        MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE => "date",
        MYSQL_TYPE_TIME | MYSQL_TYPE_TIME2 => "time",
        MYSQL_TYPE_DATETIME | MYSQL_TYPE_DATETIME2 => "datetime",
        MYSQL_TYPE_YEAR => "year",
        MYSQL_TYPE_BIT => "bit",
        MYSQL_TYPE_JSON => "json",
        MYSQL_TYPE_ENUM => "enum",
        MYSQL_TYPE_SET => "set",
        MYSQL_TYPE_GEOMETRY => "geometry",
        MYSQL_TYPE_TINY_BLOB | MYSQL_TYPE_MEDIUM_BLOB | MYSQL_TYPE_LONG_BLOB | MYSQL_TYPE_BLOB => {
            if binary {
                "blob"
            } else {
                "text"
            }
        }
        MYSQL_TYPE_STRING => {
            if binary {
                "binary"
            } else {
                "char"
            }
        }
        MYSQL_TYPE_VAR_STRING | MYSQL_TYPE_VARCHAR => {
            if binary {
                "varbinary"
            } else {
                "varchar"
            }
        }
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(ty: ColumnType, charset: u16) -> Column {
        Column::new(ty).with_character_set(charset)
    }

    #[test]
    fn values_keep_their_meaning() {
        let text = column(ColumnType::MYSQL_TYPE_VAR_STRING, 45);
        let blob = column(ColumnType::MYSQL_TYPE_BLOB, BINARY_CHARSET);
        let decimal = column(ColumnType::MYSQL_TYPE_NEWDECIMAL, BINARY_CHARSET);
        let date = column(ColumnType::MYSQL_TYPE_DATE, BINARY_CHARSET);
        let datetime = column(ColumnType::MYSQL_TYPE_DATETIME, BINARY_CHARSET);
        assert_eq!(decode(&text, &mysql_async::Value::Bytes(b"hi".to_vec())), Value::Text("hi".into()));
        assert_eq!(decode(&blob, &mysql_async::Value::Bytes(vec![0, 1])), Value::Bytes(vec![0, 1]));
        assert_eq!(decode(&decimal, &mysql_async::Value::Bytes(b"12.50".to_vec())), Value::Text("12.50".into()));
        assert_eq!(decode(&date, &mysql_async::Value::Date(2024, 2, 29, 0, 0, 0, 0)), Value::Text("2024-02-29".into()));
        assert_eq!(
            decode(&datetime, &mysql_async::Value::Date(2024, 2, 29, 13, 5, 9, 250_000)),
            Value::Text("2024-02-29 13:05:09.25".into())
        );
        assert_eq!(decode(&datetime, &mysql_async::Value::Time(true, 1, 2, 3, 4, 0)), Value::Text("-26:03:04".into()));
        assert_eq!(decode(&text, &mysql_async::Value::UInt(u64::MAX)), Value::Text(u64::MAX.to_string()));
        assert_eq!(type_name(&blob), "blob");
        assert_eq!(type_name(&text), "varchar");
        assert_eq!(type_name(&decimal), "decimal");
    }
}
