//! What a transform declares (its target, write kind and sources), and the checks of that
//! declaration against the catalog before any SQL is read.

use tandem_core::{Catalog, Dialect, TableKind, TableName};

use super::expect::Expectations;
use super::names::{find, same_table, skeleton};
use crate::suggest::close_matches;
use crate::violation::{Violation, ViolationCode};

/// How a transform writes its target.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WriteKind {
    /// A new table (`CREATE TABLE t AS SELECT …`, or `CREATE TABLE t (…)` then
    /// `INSERT INTO t SELECT …`) or a new view (`CREATE VIEW v AS SELECT …`).
    CreateAsSelect,
    /// Rows added to an existing table: `INSERT INTO t SELECT …`.
    InsertSelect,
    /// Rows inserted or updated on the declared key columns: `INSERT … ON CONFLICT (key) DO
    /// UPDATE …` (PostgreSQL, SQLite) or `INSERT … ON DUPLICATE KEY UPDATE …` (MySQL).
    Upsert { key: Vec<String> },
    /// The target's contents or definition replaced: `DROP` then create, `DELETE FROM t` then
    /// `INSERT INTO t SELECT …`, or `CREATE OR REPLACE VIEW`.
    Replace,
}

impl WriteKind {
    /// A stable snake_case name for plans, logs and audit records.
    pub fn as_str(&self) -> &'static str {
        match self {
            WriteKind::CreateAsSelect => "create_as_select",
            WriteKind::InsertSelect => "insert_select",
            WriteKind::Upsert { .. } => "upsert",
            WriteKind::Replace => "replace",
        }
    }

    /// The declared key columns of an upsert; empty otherwise.
    pub fn key(&self) -> &[String] {
        match self {
            WriteKind::Upsert { key } => key,
            _ => &[],
        }
    }
}

impl std::fmt::Display for WriteKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The declaration a transform's SQL is held to: the only object it may write, how, and the
/// tables it reads (which it must never write).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransformSpec {
    /// The table or view written, in catalog spelling (exact case on PostgreSQL and MySQL).
    pub target: TableName,
    pub target_kind: TableKind,
    /// Whether the target exists now; the catalog must agree.
    pub target_exists: bool,
    pub write: WriteKind,
    /// The tables the transform reads. Reading another catalog table is a plan-conformance
    /// warning; writing any of these is refused.
    pub sources: Vec<TableName>,
    /// What the target must look like afterwards; checked in the sandbox before apply.
    pub expect: Expectations,
}

impl TransformSpec {
    /// A transform writing the table `target` (new for create-as-select, existing otherwise).
    pub fn new(target: TableName, write: WriteKind, sources: Vec<TableName>) -> Self {
        let target_exists = matches!(write, WriteKind::InsertSelect | WriteKind::Upsert { .. });
        Self { target, target_kind: TableKind::Table, target_exists, write, sources, expect: Expectations::default() }
    }

    /// Sets the quality expectations.
    pub fn expecting(mut self, expect: Expectations) -> Self {
        self.expect = expect;
        self
    }

    /// The target is a view.
    pub fn view(mut self) -> Self {
        self.target_kind = TableKind::View;
        self
    }

    /// Declares whether the target exists (for a replace, either may hold).
    pub fn exists(mut self, exists: bool) -> Self {
        self.target_exists = exists;
        self
    }
}

/// Violations of the declaration itself. A person fixes these by editing the plan, so each is
/// not retryable.
pub(crate) fn check(spec: &TransformSpec, catalog: &Catalog, dialect: Dialect) -> Vec<Violation> {
    let mut violations = Vec::new();
    let target = &spec.target;
    let is_view = spec.target_kind == TableKind::View;
    if target.name.trim().is_empty() || target.schema.as_deref().is_some_and(|s| s.trim().is_empty()) {
        violations.push(invalid("the transform declares no target name".to_owned()));
    }
    for source in &spec.sources {
        if same_table(source, target, dialect) {
            violations.push(invalid(format!(
                "`{target}` is both the target and a declared source; a transform never writes its sources"
            )));
        } else if find(catalog, source, dialect).is_none() {
            let names = catalog.tables.iter().map(|t| t.name.name.as_str());
            let suggestions = close_matches(&source.name, names);
            violations.push(
                Violation::new(
                    ViolationCode::InvalidTransformSpec,
                    format!("declared source `{source}` is not in the catalog"),
                    None,
                )
                .with_suggestions(suggestions),
            );
        }
    }
    let existing = find(catalog, target, dialect);
    match (&spec.write, spec.target_exists) {
        (WriteKind::CreateAsSelect, true) => {
            violations.push(invalid("a create-as-select makes a new target; declare the target as new".to_owned()));
        }
        (WriteKind::InsertSelect | WriteKind::Upsert { .. }, false) => {
            violations.push(invalid(format!(
                "an {} writes into an existing table; declare the target as existing",
                spec.write
            )));
        }
        (WriteKind::InsertSelect | WriteKind::Upsert { .. }, true) if is_view => {
            violations.push(invalid(format!("an {} cannot write into the view `{target}`", spec.write)));
        }
        _ => {}
    }
    match (existing, spec.target_exists) {
        (Some(table), false) => violations.push(Violation::new(
            ViolationCode::TargetExists,
            format!("the target `{}` already exists; choose a new name or declare a replace", table.name),
            None,
        )),
        (None, true) => violations.push(Violation::new(
            ViolationCode::TargetMissing,
            format!("the target `{target}` does not exist in the catalog"),
            None,
        )),
        (Some(table), true) if table.kind != spec.target_kind => {
            let (is, declared) =
                if table.kind == TableKind::View { ("a view", "a table") } else { ("a table", "a view") };
            violations.push(Violation::new(
                ViolationCode::InvalidTransformSpec,
                format!("`{}` is {is}, declared as {declared}", table.name),
                None,
            ));
        }
        _ => {}
    }
    if let WriteKind::Upsert { key } = &spec.write {
        if key.is_empty() {
            violations.push(Violation::new(
                ViolationCode::InvalidTransformSpec,
                "an upsert needs declared key columns",
                None,
            ));
        }
        if let Some(table) = existing {
            for column in key.iter().filter(|k| table.column(k).is_none()) {
                let names = table.columns.iter().map(|c| c.name.as_str());
                violations.push(
                    Violation::new(
                        ViolationCode::InvalidTransformSpec,
                        format!("declared key column `{column}` is not a column of `{}`", table.name),
                        None,
                    )
                    .with_suggestions(close_matches(column, names)),
                );
            }
        }
    }
    violations.extend(super::expect::check(spec, catalog, dialect));
    let look = skeleton(&target.name);
    for table in &catalog.tables {
        let same_schema = match (&table.name.schema, &target.schema) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => true,
        };
        if same_schema && !same_table(&table.name, target, dialect) && skeleton(&table.name.name) == look {
            violations.push(Violation::new(
                ViolationCode::InvalidTransformSpec,
                format!("the target name `{target}` is easily mistaken for the existing table `{}`", table.name),
                None,
            ));
        }
    }
    violations
}

fn invalid(message: String) -> Violation {
    Violation::new(ViolationCode::InvalidTransformSpec, message, None)
}

#[cfg(test)]
mod tests {
    use tandem_core::{Column, Table};

    use super::*;

    fn catalog() -> Catalog {
        let mut view = Table::new(TableName::new("v_sales"), vec![Column::new("x", "int")]);
        view.kind = TableKind::View;
        Catalog::new(vec![
            Table::new(TableName::new("orders"), vec![Column::new("id", "int"), Column::new("amount", "int")]),
            Table::new(TableName::new("summary"), vec![Column::new("day", "text"), Column::new("total", "int")]),
            view,
        ])
    }

    fn codes(spec: &TransformSpec) -> Vec<&'static str> {
        check(spec, &catalog(), Dialect::Postgres).iter().map(|v| v.code.as_str()).collect()
    }

    #[test]
    fn declarations_are_checked_against_the_catalog() {
        let orders = || vec![TableName::new("orders")];
        let ok = TransformSpec::new(TableName::new("daily"), WriteKind::CreateAsSelect, orders());
        assert_eq!(codes(&ok), Vec::<&str>::new());
        let upsert = WriteKind::Upsert { key: vec!["day".into()] };
        assert_eq!(codes(&TransformSpec::new(TableName::new("summary"), upsert, orders())), Vec::<&str>::new());
        for (spec, expect) in [
            (TransformSpec::new(TableName::new("summary"), WriteKind::CreateAsSelect, orders()), "target_exists"),
            (TransformSpec::new(TableName::new("nope"), WriteKind::InsertSelect, orders()), "target_missing"),
            (TransformSpec::new(TableName::new("orders"), WriteKind::InsertSelect, orders()), "invalid_transform_spec"),
            (
                TransformSpec::new(TableName::new("daily"), WriteKind::CreateAsSelect, vec![TableName::new("ordrs")]),
                "invalid_transform_spec",
            ),
            (
                TransformSpec::new(TableName::new("summary"), WriteKind::Upsert { key: vec![] }, orders()),
                "invalid_transform_spec",
            ),
            (
                TransformSpec::new(TableName::new("summary"), WriteKind::Upsert { key: vec!["dy".into()] }, orders()),
                "invalid_transform_spec",
            ),
            (
                TransformSpec::new(TableName::new("v_sales"), WriteKind::InsertSelect, orders()),
                "invalid_transform_spec",
            ),
            (
                TransformSpec::new(TableName::new("summаry"), WriteKind::CreateAsSelect, orders()),
                "invalid_transform_spec",
            ),
            (
                TransformSpec::new(TableName::new("v_sales"), WriteKind::Replace, orders()).exists(true),
                "invalid_transform_spec",
            ),
        ] {
            assert!(codes(&spec).contains(&expect), "{spec:?}: {:?}", codes(&spec));
        }
        let view = TransformSpec::new(TableName::new("v_sales"), WriteKind::Replace, orders()).view().exists(true);
        assert_eq!(codes(&view), Vec::<&str>::new());
    }
}
