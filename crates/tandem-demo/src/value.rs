//! Generated rows and how their values are written as SQL literals.

use crate::date::{Day, Stamp};

/// One cell of generated data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Null,
    Int(i64),
    /// Fixed point with two decimals (`12345` is `123.45`), so money never passes through floats.
    Dec(i64),
    /// Fixed point with six decimals, for rates.
    Micros(i64),
    Text(String),
}

impl Value {
    /// The value as a SQLite literal.
    pub(crate) fn to_sql(&self) -> String {
        match self {
            Value::Null => "NULL".to_owned(),
            Value::Int(n) => n.to_string(),
            Value::Dec(h) => {
                let sign = if *h < 0 { "-" } else { "" };
                let abs = h.unsigned_abs();
                format!("{sign}{}.{:02}", abs / 100, abs % 100)
            }
            Value::Micros(m) => {
                let sign = if *m < 0 { "-" } else { "" };
                let abs = m.unsigned_abs();
                format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
            }
            Value::Text(s) => format!("'{}'", s.replace('\'', "''")),
        }
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Int(i64::from(n))
    }
}

impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Int(i64::from(b))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<Day> for Value {
    fn from(d: Day) -> Self {
        Value::Text(d.to_string())
    }
}

impl From<Stamp> for Value {
    fn from(s: Stamp) -> Self {
        Value::Text(s.to_string())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Money or another two-decimal quantity, in hundredths.
pub(crate) fn dec(hundredths: i64) -> Value {
    Value::Dec(hundredths)
}

/// Builds one row from expressions of any type that converts into [`Value`].
macro_rules! row {
    ($($v:expr),* $(,)?) => { vec![$($crate::value::Value::from($v)),*] };
}
pub(crate) use row;

/// Rows for one table, with the columns they fill (the rest stay NULL or take their default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TableData {
    pub(crate) table: String,
    pub(crate) columns: Vec<String>,
    pub(crate) rows: Vec<Vec<Value>>,
}

impl TableData {
    pub(crate) fn new(table: &str, columns: &[&str]) -> Self {
        Self { table: table.to_owned(), columns: columns.iter().map(|c| (*c).to_owned()).collect(), rows: Vec::new() }
    }

    pub(crate) fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(dec(12345).to_sql(), "123.45");
        assert_eq!(dec(-5).to_sql(), "-0.05");
        assert_eq!(Value::Micros(1_080_000).to_sql(), "1.080000");
        assert_eq!(Value::from("O'Brien").to_sql(), "'O''Brien'");
        assert_eq!(Value::from(None::<i64>).to_sql(), "NULL");
        assert_eq!(row![1_i64, "a", true], vec![Value::Int(1), Value::Text("a".into()), Value::Int(1)]);
    }
}
