//! What a transform's result must look like: the quality expectations a plan declares beside
//! its target, checked by the executor on the sandboxed result before anything is applied.

use tandem_core::{Catalog, Dialect, Table};

use super::names::find;
use super::spec::{TransformSpec, WriteKind};
use crate::suggest::close_matches;
use crate::violation::{Violation, ViolationCode};

/// Quality expectations on the target as the transform leaves it (all of its rows, not only
/// the ones written). Executors evaluate each one in the sandbox; a failed one blocks apply.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Expectations {
    /// Column sets whose values must be unique across the target's rows (each set is one key).
    pub unique: Vec<Vec<String>>,
    /// Columns that must hold no NULL.
    pub not_null: Vec<String>,
    /// How many rows the target must hold afterwards.
    pub row_count: Option<RowCountRange>,
}

impl Expectations {
    /// No expectation at all.
    pub fn is_empty(&self) -> bool {
        self.unique.is_empty() && self.not_null.is_empty() && self.row_count.is_none()
    }

    /// Adds a unique key.
    pub fn unique(mut self, key: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.unique.push(key.into_iter().map(Into::into).collect());
        self
    }

    /// Adds columns that must not be NULL.
    pub fn not_null(mut self, columns: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.not_null.extend(columns.into_iter().map(Into::into));
        self
    }

    /// Sets the expected row-count range of the target.
    pub fn rows(mut self, min: Option<u64>, max: Option<u64>) -> Self {
        self.row_count = Some(RowCountRange { min, max });
        self
    }
}

/// An inclusive range of row counts; an open end is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct RowCountRange {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

impl RowCountRange {
    pub fn contains(&self, n_rows: u64) -> bool {
        self.min.is_none_or(|min| n_rows >= min) && self.max.is_none_or(|max| n_rows <= max)
    }
}

impl std::fmt::Display for RowCountRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.min, self.max) {
            (Some(min), Some(max)) => write!(f, "{min}..={max}"),
            (Some(min), None) => write!(f, ">= {min}"),
            (None, Some(max)) => write!(f, "<= {max}"),
            (None, None) => f.write_str("any"),
        }
    }
}

/// Violations of the expectations themselves: empty keys, an impossible range, and columns the
/// existing target does not have (a new target's columns are known only once the transform
/// has run, so the executor reports those).
pub(crate) fn check(spec: &TransformSpec, catalog: &Catalog, dialect: Dialect) -> Vec<Violation> {
    let expect = &spec.expect;
    let mut violations = Vec::new();
    if expect.unique.iter().any(Vec::is_empty) {
        violations.push(invalid("a unique expectation names no columns".to_owned(), Vec::new()));
    }
    if let Some(RowCountRange { min: Some(min), max: Some(max) }) = expect.row_count
        && min > max
    {
        violations.push(invalid(format!("the expected row count {min}..={max} is empty"), Vec::new()));
    }
    // A replace may redefine the target, so only inserts and upserts keep its columns.
    let keeps_columns = matches!(spec.write, WriteKind::InsertSelect | WriteKind::Upsert { .. });
    if let Some(table) = find(catalog, &spec.target, dialect).filter(|_| keeps_columns) {
        for column in expect.unique.iter().flatten().chain(&expect.not_null) {
            if let Some(violation) = unknown_column(table, column) {
                violations.push(violation);
            }
        }
    }
    violations
}

fn unknown_column(table: &Table, column: &str) -> Option<Violation> {
    table.column(column).is_none().then(|| {
        let names = table.columns.iter().map(|c| c.name.as_str());
        invalid(
            format!("the expectation names `{column}`, which is not a column of `{}`", table.name),
            close_matches(column, names),
        )
    })
}

fn invalid(message: String, suggestions: Vec<String>) -> Violation {
    Violation::new(ViolationCode::InvalidTransformSpec, message, None).with_suggestions(suggestions)
}

#[cfg(test)]
mod tests {
    use tandem_core::{Column, TableName};

    use super::*;

    fn catalog() -> Catalog {
        Catalog::new(vec![
            Table::new(TableName::new("orders"), vec![Column::new("id", "int")]),
            Table::new(TableName::new("summary"), vec![Column::new("day", "text"), Column::new("total", "int")]),
        ])
    }

    fn codes(spec: &TransformSpec) -> Vec<String> {
        check(spec, &catalog(), Dialect::Sqlite).iter().map(|v| v.message.clone()).collect()
    }

    #[test]
    fn expectations_are_checked_where_the_columns_are_known() {
        let insert = |expect: Expectations| {
            TransformSpec::new(TableName::new("summary"), WriteKind::InsertSelect, vec![TableName::new("orders")])
                .expecting(expect)
        };
        assert!(
            codes(&insert(Expectations::default().unique(["day"]).not_null(["total"]).rows(Some(1), None))).is_empty()
        );
        let wrong = codes(&insert(Expectations::default().unique(["dy"])));
        assert_eq!(wrong.len(), 1, "{wrong:?}");
        assert!(wrong[0].contains("`dy`"), "{wrong:?}");
        assert_eq!(codes(&insert(Expectations::default().rows(Some(5), Some(2)))).len(), 1);
        assert_eq!(codes(&insert(Expectations { unique: vec![vec![]], ..Expectations::default() })).len(), 1);
        // A new table's columns are unknown until it runs.
        let create =
            TransformSpec::new(TableName::new("daily"), WriteKind::CreateAsSelect, vec![TableName::new("orders")])
                .expecting(Expectations::default().not_null(["anything"]));
        assert!(codes(&create).is_empty());
    }

    #[test]
    fn ranges() {
        let range = RowCountRange { min: Some(2), max: Some(3) };
        assert!(!range.contains(1) && range.contains(2) && range.contains(3) && !range.contains(4));
        assert!(RowCountRange::default().contains(0));
        assert_eq!(range.to_string(), "2..=3");
        assert_eq!(RowCountRange { min: None, max: Some(9) }.to_string(), "<= 9");
    }
}
