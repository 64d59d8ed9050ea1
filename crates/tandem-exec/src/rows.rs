//! Typed results and the caps that bound them.

use std::time::{Duration, Instant};

/// One value of a result row. Engine types without a lossless counterpart here (decimals,
/// dates, times, intervals, UUIDs, JSON, arrays) are rendered as text in the engine's usual
/// notation; [`ColumnMeta::type_name`] says what they were.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    /// The value as JSON, for stored answers and wire formats: numbers stay numbers
    /// (non-finite floats become null), bytes become `\x`-prefixed hex text as PostgreSQL
    /// prints them.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
            Value::Text(text) => serde_json::Value::String(text.clone()),
            Value::Bytes(bytes) => {
                let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                serde_json::Value::String(format!("\\x{hex}"))
            }
        }
    }

    /// What this value counts against [`Limits::max_bytes`]: its payload, or a fixed size for
    /// scalars, so that a result of many small values is still bounded.
    pub fn approx_bytes(&self) -> usize {
        match self {
            Value::Null | Value::Bool(_) => 1,
            Value::Int(_) | Value::Float(_) => 8,
            Value::Text(text) => text.len(),
            Value::Bytes(bytes) => bytes.len(),
        }
    }

    /// The value as text, for sampling and display; `None` for NULL.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Bool(b) => Some(b.to_string()),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(f.to_string()),
            Value::Text(text) => Some(text.clone()),
            Value::Bytes(bytes) => Some(bytes.iter().map(|b| format!("{b:02x}")).collect()),
        }
    }
}

/// A result column: its name and the engine's type name (`int4`, `varchar`, `INTEGER`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMeta {
    pub name: String,
    pub type_name: String,
}

/// A capped query result.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rows {
    pub columns: Vec<ColumnMeta>,
    pub rows: Vec<Vec<Value>>,
    /// The statement had more rows than [`Limits::max_rows`] or [`Limits::max_bytes`] allowed;
    /// reading stopped there.
    pub truncated: bool,
}

/// Bounds on one execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Rows kept; reading stops after one more row shows the result is longer.
    pub max_rows: usize,
    /// Bytes kept, counted with [`Value::approx_bytes`].
    pub max_bytes: usize,
    /// Wall-clock limit, enforced by the engine and again by the client.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_rows: 1_000, max_bytes: 4 << 20, timeout: Duration::from_secs(10) }
    }
}

/// The instant `timeout` from now, saturating instead of overflowing for absurd timeouts.
pub(crate) fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout).or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600))).unwrap_or(now)
}

/// The client's own deadline for a statement whose server-side limit is `limit`: a margin
/// more, so the server's cleaner timeout error normally arrives first.
pub(crate) fn client_limit(limit: Duration) -> Duration {
    limit.saturating_add(Duration::from_secs(1)).saturating_add(limit / 10)
}

/// A catalog query's cell as text: empty for NULL, bytes read as UTF-8 (some servers send
/// catalog strings with the binary character set).
pub(crate) fn cell_text(row: &[Value], index: usize) -> String {
    match row.get(index) {
        Some(Value::Bytes(bytes)) => String::from_utf8_lossy(bytes).into_owned(),
        Some(value) => value.to_text().unwrap_or_default(),
        None => String::new(),
    }
}

/// A catalog query's cell as an integer; 0 for NULL or anything unreadable.
pub(crate) fn cell_int(row: &[Value], index: usize) -> i64 {
    match row.get(index) {
        Some(Value::Int(i)) => *i,
        Some(value @ (Value::Text(_) | Value::Bytes(_))) => {
            cell_text(std::slice::from_ref(value), 0).trim().parse().unwrap_or(0)
        }
        _ => 0,
    }
}

/// Accumulates rows until a cap is reached. Every engine feeds rows through one of these so
/// the caps mean the same thing everywhere.
#[derive(Debug)]
pub(crate) struct Collector {
    limits: Limits,
    rows: Vec<Vec<Value>>,
    n_bytes: usize,
    truncated: bool,
}

impl Collector {
    pub(crate) fn new(limits: Limits) -> Self {
        Self { limits, rows: Vec::new(), n_bytes: 0, truncated: false }
    }

    /// Keeps `row` if it fits; returns `false` once a cap is reached, and the caller stops
    /// reading.
    pub(crate) fn push(&mut self, row: Vec<Value>) -> bool {
        if self.truncated {
            return false;
        }
        let row_bytes: usize = row.iter().map(Value::approx_bytes).sum();
        let n_bytes = self.n_bytes.saturating_add(row_bytes);
        if self.rows.len() >= self.limits.max_rows || n_bytes > self.limits.max_bytes {
            self.truncated = true;
            return false;
        }
        self.n_bytes = n_bytes;
        self.rows.push(row);
        true
    }

    /// Marks the result truncated without reading the row at hand: a guard found it larger
    /// than the byte cap before it was read into memory, where [`Collector::push`] would have
    /// stopped anyway.
    pub(crate) fn stop(&mut self) {
        self.truncated = true;
    }

    pub(crate) fn is_truncated(&self) -> bool {
        self.truncated
    }

    pub(crate) fn finish(self, columns: Vec<ColumnMeta>) -> Rows {
        Rows { columns, rows: self.rows, truncated: self.truncated }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_rows: usize, max_bytes: usize) -> Limits {
        Limits { max_rows, max_bytes, timeout: Duration::from_secs(1) }
    }

    #[test]
    fn row_cap_truncates_only_when_more_rows_exist() {
        let mut collector = Collector::new(limits(2, 1_000));
        assert!(collector.push(vec![Value::Int(1)]));
        assert!(collector.push(vec![Value::Int(2)]));
        assert!(!collector.push(vec![Value::Int(3)]));
        let rows = collector.finish(Vec::new());
        assert_eq!(rows.rows.len(), 2);
        assert!(rows.truncated);
    }

    #[test]
    fn exactly_max_rows_is_not_truncated() {
        let mut collector = Collector::new(limits(1, 1_000));
        assert!(collector.push(vec![Value::Int(1)]));
        assert!(!collector.finish(Vec::new()).truncated);
    }

    #[test]
    fn byte_cap_stops_before_the_row_that_overflows() {
        let mut collector = Collector::new(limits(100, 10));
        assert!(collector.push(vec![Value::Text("abcdef".into())]));
        assert!(!collector.push(vec![Value::Text("ghijkl".into())]));
        assert!(!collector.push(vec![Value::Null]), "stays stopped");
        let rows = collector.finish(Vec::new());
        assert_eq!(rows.rows, vec![vec![Value::Text("abcdef".into())]]);
        assert!(rows.truncated);
    }

    #[test]
    fn zero_caps_keep_nothing() {
        let mut collector = Collector::new(limits(0, 0));
        assert!(!collector.push(vec![]));
        assert!(collector.finish(Vec::new()).truncated);
    }

    #[test]
    fn text_rendering() {
        assert_eq!(Value::Bytes(vec![0, 255]).to_text().as_deref(), Some("00ff"));
        assert_eq!(Value::Null.to_text(), None);
        assert_eq!(Value::Float(1.5).to_text().as_deref(), Some("1.5"));
    }
}
