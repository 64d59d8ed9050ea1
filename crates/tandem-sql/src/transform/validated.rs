//! `ValidatedTransform`: proof that a transform's statements passed the transform policy.

use std::ops::ControlFlow;

use sqlparser::ast::{CreateTable, Ident, ObjectName, ObjectNamePart, Statement, visit_relations_mut};
use tandem_core::{CatalogVersion, Dialect, TableName};

use super::names::{Denotes, denotes};
use super::spec::TransformSpec;
use super::step::{Step, StepKind, query};
use crate::violation::Violation;

/// One statement of a validated transform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransformStep {
    kind: StepKind,
    sql: String,
    query: Option<String>,
    statement: Statement,
}

impl TransformStep {
    pub(crate) fn new(step: Step) -> Self {
        let sql = step.statement.to_string();
        let query = query(&step.statement).map(ToString::to_string);
        Self { kind: step.kind, sql, query, statement: step.statement }
    }

    pub fn kind(&self) -> StepKind {
        self.kind
    }

    /// The normalised statement, printed from the checked syntax tree.
    pub fn as_str(&self) -> &str {
        &self.sql
    }

    /// The query that produces the step's rows (validated with it), if the step has one.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// The statement rewritten to write `name` instead of the target (every reference to the
    /// target renamed), optionally as a temporary table; a view becomes a table of its rows.
    /// `None` for steps that produce no rows (`DROP`, `DELETE`). Executors use it to stage a
    /// transform where the engine cannot roll its DDL back (MySQL); `name` is always quoted.
    pub fn retargeted(
        &self,
        target: &TableName,
        name: &TableName,
        temporary: bool,
        dialect: Dialect,
    ) -> Option<String> {
        let mut statement = match &self.statement {
            Statement::CreateView(view) => Statement::CreateTable(materialised(&view.name, &view.query)),
            Statement::Drop { .. } | Statement::Delete(_) => return None,
            other => other.clone(),
        };
        let replacement = object_name(name, dialect);
        let _ = visit_relations_mut(&mut statement, |relation| {
            if denotes(relation, target, dialect) == Denotes::Target {
                *relation = replacement.clone();
            }
            ControlFlow::<()>::Continue(())
        });
        if let Statement::CreateTable(create) = &mut statement {
            create.temporary = temporary;
        }
        Some(statement.to_string())
    }
}

fn object_name(name: &TableName, dialect: Dialect) -> ObjectName {
    let quote = if dialect == Dialect::Mysql { '`' } else { '"' };
    let part = |value: &str| ObjectNamePart::Identifier(Ident::with_quote(quote, value));
    ObjectName(name.schema.iter().map(|s| part(s)).chain(std::iter::once(part(&name.name))).collect())
}

/// `CREATE TABLE name AS <query>`.
fn materialised(name: &ObjectName, query: &sqlparser::ast::Query) -> CreateTable {
    let mut create = sqlparser::ast::helpers::stmt_create_table::CreateTableBuilder::new(name.clone()).build();
    create.query = Some(Box::new(query.clone()));
    create
}

/// A transform that passed the transform policy for `dialect`: its statements write only the
/// declared target, in a shape the declared write kind allows, and every query in them was
/// resolved against the catalog. Fields are private and there is no public constructor: only
/// this crate's [`crate::validate_transform`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidatedTransform {
    dialect: Dialect,
    spec: TransformSpec,
    steps: Vec<TransformStep>,
    reads: Vec<TableName>,
    warnings: Vec<Violation>,
    catalog_version: CatalogVersion,
}

impl ValidatedTransform {
    pub(crate) fn new(
        dialect: Dialect,
        spec: TransformSpec,
        steps: Vec<TransformStep>,
        reads: Vec<TableName>,
        warnings: Vec<Violation>,
        catalog_version: CatalogVersion,
    ) -> Self {
        Self { dialect, spec, steps, reads, warnings, catalog_version }
    }

    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// The declaration the statements were held to.
    pub fn spec(&self) -> &TransformSpec {
        &self.spec
    }

    pub fn target(&self) -> &TableName {
        &self.spec.target
    }

    /// The statements in order, one per step.
    pub fn steps(&self) -> &[TransformStep] {
        &self.steps
    }

    /// The normalised statements, in order.
    pub fn statements(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().map(TransformStep::as_str)
    }

    /// Whether any step defines or drops a schema object (see [`StepKind::is_ddl`]).
    pub fn has_ddl(&self) -> bool {
        self.steps.iter().any(|s| s.kind.is_ddl())
    }

    /// The catalog tables the queries read, in catalog spelling and first-use order.
    pub fn reads(&self) -> &[TableName] {
        &self.reads
    }

    /// Non-fatal findings (reads outside the declared sources, plan filters never mentioned).
    pub fn warnings(&self) -> &[Violation] {
        &self.warnings
    }

    /// The version of the catalog the transform was validated against. A preview carries it,
    /// so an apply can refuse to run against a catalog that has changed since.
    pub fn catalog_version(&self) -> CatalogVersion {
        self.catalog_version
    }
}

impl std::fmt::Display for ValidatedTransform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for step in &self.steps {
            writeln!(f, "{};", step.sql)?;
        }
        Ok(())
    }
}
