//! One statement of a transform: what it does to which object, or why it may not run.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AssignmentTarget, ConflictTarget, FromTable, ObjectName, ObjectType, OnConflict, OnInsert, Query, SetExpr, Spanned,
    Statement, TableFactor, TableObject, TableWithJoins, visit_statements,
};
use tandem_core::Dialect;

use super::names::{Denotes, denotes};
use super::spec::TransformSpec;
use crate::fix::{Edit, Fix};
use crate::guard::statement_class;
use crate::parse::Source;
use crate::violation::{Violation, ViolationCode};

/// What a validated transform statement does to its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StepKind {
    /// `DROP TABLE|VIEW target` (replace only).
    DropTarget,
    /// `DELETE FROM target` without a condition (replace only).
    DeleteAll,
    /// `CREATE TABLE target (…)`: definitions, no rows.
    CreateTable,
    /// `CREATE TABLE target AS SELECT …`.
    CreateTableAs,
    /// `CREATE VIEW target AS SELECT …`.
    CreateView,
    /// `CREATE OR REPLACE VIEW target AS SELECT …` (replace only).
    ReplaceView,
    /// `INSERT INTO target … SELECT …`.
    Insert,
    /// `INSERT INTO target … SELECT … ON CONFLICT (key) DO …` / `ON DUPLICATE KEY UPDATE …`.
    Upsert,
}

impl StepKind {
    /// Whether the step defines or drops a schema object. MySQL commits implicitly around
    /// such statements, so they cannot be rolled back there.
    pub fn is_ddl(self) -> bool {
        matches!(
            self,
            StepKind::DropTarget
                | StepKind::CreateTable
                | StepKind::CreateTableAs
                | StepKind::CreateView
                | StepKind::ReplaceView
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::DropTarget => "drop_target",
            StepKind::DeleteAll => "delete_all",
            StepKind::CreateTable => "create_table",
            StepKind::CreateTableAs => "create_table_as",
            StepKind::CreateView => "create_view",
            StepKind::ReplaceView => "replace_view",
            StepKind::Insert => "insert",
            StepKind::Upsert => "upsert",
        }
    }
}

/// A classified statement and what the later checks need from it.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub(crate) kind: StepKind,
    pub(crate) statement: Statement,
    /// `DROP VIEW` rather than `DROP TABLE`.
    pub(crate) drops_view: bool,
    /// Column definitions of a `CREATE TABLE`, as (name, type).
    pub(crate) defined_columns: Vec<(String, String)>,
    /// The insert's column list.
    pub(crate) insert_columns: Vec<sqlparser::ast::Ident>,
    /// Columns an upsert's update assigns.
    pub(crate) assigned_columns: Vec<sqlparser::ast::Ident>,
    /// The ON CONFLICT key columns; `None` when the clause names none (or on MySQL, which has
    /// no conflict target).
    pub(crate) conflict_key: Option<Vec<String>>,
    /// `ON CONFLICT ON CONSTRAINT name`.
    pub(crate) conflict_constraint: bool,
}

impl Step {
    fn new(kind: StepKind, statement: &Statement) -> Self {
        Self {
            kind,
            statement: statement.clone(),
            drops_view: false,
            defined_columns: Vec::new(),
            insert_columns: Vec::new(),
            assigned_columns: Vec::new(),
            conflict_key: None,
            conflict_constraint: false,
        }
    }
}

/// The query that produces the step's rows, if it has one.
pub(crate) fn query_mut(statement: &mut Statement) -> Option<&mut Query> {
    match statement {
        Statement::CreateTable(create) => create.query.as_deref_mut(),
        Statement::CreateView(view) => Some(&mut view.query),
        Statement::Insert(insert) => insert.source.as_deref_mut(),
        _ => None,
    }
}

pub(crate) fn query(statement: &Statement) -> Option<&Query> {
    match statement {
        Statement::CreateTable(create) => create.query.as_deref(),
        Statement::CreateView(view) => Some(&view.query),
        Statement::Insert(insert) => insert.source.as_deref(),
        _ => None,
    }
}

/// What the classification needs to know.
pub(crate) struct Context<'c, 'a> {
    pub(crate) spec: &'c TransformSpec,
    pub(crate) dialect: Dialect,
    pub(crate) source: &'c Source<'a>,
}

impl Context<'_, '_> {
    fn violation(&self, code: ViolationCode, message: String, node: &impl Spanned) -> Violation {
        Violation::new(code, message, self.source.span(node.span()))
    }

    /// Checks that `name`, which the statement writes, is the declared target.
    fn written(&self, name: &ObjectName, what: &str, out: &mut Vec<Violation>) -> bool {
        let target = &self.spec.target;
        match denotes(name, target, self.dialect) {
            Denotes::Target => true,
            Denotes::NotAsDeclared { declared } => {
                let span = self.source.span(name.span());
                let fix = span.and_then(|span| {
                    let original = self.source.text(span)?;
                    Some(Fix::single(
                        format!("write the target as declared: {declared}"),
                        Edit::new(span, original, declared.clone()),
                    ))
                });
                let message = format!(
                    "`{name}` must be written `{declared}` to mean the declared target `{target}` on {}",
                    self.dialect
                );
                out.push(
                    Violation::new(ViolationCode::TargetNotAsDeclared, message, span)
                        .with_suggestions(vec![declared])
                        .with_fix(fix),
                );
                true
            }
            Denotes::Other { lookalike } => {
                let source =
                    self.spec.sources.iter().find(|s| matches!(denotes(name, s, self.dialect), Denotes::Target));
                let violation = if source.is_some() {
                    let message = format!("the statement {what} `{name}`, a declared source; sources are only read");
                    self.violation(ViolationCode::WriteToSource, message, name)
                } else {
                    let look = if lookalike { " (it only looks like the target)" } else { "" };
                    let message =
                        format!("the statement {what} `{name}`{look}; a transform writes only its target `{target}`");
                    self.violation(ViolationCode::WriteOutsideTarget, message, name)
                };
                out.push(violation);
                false
            }
        }
    }

    fn shape(&self, message: impl Into<String>, node: &impl Spanned) -> Violation {
        self.violation(ViolationCode::TransformShape, message.into(), node)
    }
}

/// Classifies one top-level statement, or says everything wrong with it.
pub(crate) fn classify(statement: &Statement, cx: &Context<'_, '_>) -> Result<Step, Vec<Violation>> {
    let mut out = Vec::new();
    let step = match statement {
        Statement::Drop { .. } => drop(statement, cx, &mut out),
        Statement::CreateTable(create) => {
            cx.written(&create.name, "creates", &mut out);
            for parent in create.inherits.iter().flatten().chain(&create.partition_of) {
                let message = format!("the new table would become part of `{parent}`, changing what it holds");
                let code = if cx.spec.sources.iter().any(|s| matches!(denotes(parent, s, cx.dialect), Denotes::Target))
                {
                    ViolationCode::WriteToSource
                } else {
                    ViolationCode::WriteOutsideTarget
                };
                out.push(cx.violation(code, message, parent));
            }
            if create.temporary {
                out.push(
                    cx.shape("a temporary table vanishes with the session; create the target itself", &create.name),
                );
            }
            if create.or_replace || create.if_not_exists {
                out.push(cx.shape(
                    "write DROP TABLE then CREATE TABLE (or declare a new target), not OR REPLACE or IF NOT EXISTS",
                    &create.name,
                ));
            }
            if create.like.is_some() || create.clone.is_some() {
                out.push(cx.shape(
                    "define the target's columns or create it AS SELECT; LIKE and CLONE are not supported",
                    &create.name,
                ));
            }
            let kind = if create.query.is_some() { StepKind::CreateTableAs } else { StepKind::CreateTable };
            let mut step = Step::new(kind, statement);
            step.defined_columns =
                create.columns.iter().map(|c| (c.name.value.clone(), c.data_type.to_string())).collect();
            Some(step)
        }
        Statement::CreateView(view) => {
            cx.written(&view.name, "creates", &mut out);
            if view.materialized || view.temporary || view.or_alter || view.to.is_some() || view.params.is_some() {
                out.push(cx.shape("only plain CREATE [OR REPLACE] VIEW … AS SELECT is supported (no MATERIALIZED, TEMPORARY, DEFINER or ALGORITHM)", &view.name));
            }
            Some(Step::new(if view.or_replace { StepKind::ReplaceView } else { StepKind::CreateView }, statement))
        }
        Statement::Insert(insert) => {
            let TableObject::TableName(name) = &insert.table else {
                out.push(cx.shape("insert into a named table", statement));
                return Err(out);
            };
            cx.written(name, "inserts into", &mut out);
            if insert.replace_into || insert.or.is_some() || insert.ignore || insert.overwrite {
                out.push(cx.shape("INSERT OR REPLACE/IGNORE and REPLACE INTO are not transform steps; declare an upsert and use its conflict clause", statement));
            }
            if insert.returning.is_some() {
                out.push(cx.shape("RETURNING is not part of a transform", statement));
            }
            if insert.source.is_none() || !insert.assignments.is_empty() {
                out.push(cx.shape("an insert takes its rows from a query (INSERT INTO t … SELECT …)", statement));
            }
            let mut step = Step::new(StepKind::Insert, statement);
            step.insert_columns = insert.columns.iter().filter_map(|c| c.0.last()?.as_ident().cloned()).collect();
            match &insert.on {
                None => {}
                Some(OnInsert::DuplicateKeyUpdate(assignments)) => {
                    step.kind = StepKind::Upsert;
                    step.assigned_columns = assigned(assignments);
                }
                Some(OnInsert::OnConflict(OnConflict { conflict_target, action })) => {
                    step.kind = StepKind::Upsert;
                    match conflict_target {
                        Some(ConflictTarget::Columns { columns, .. }) => {
                            step.conflict_key = Some(columns.iter().map(|c| c.value.clone()).collect());
                        }
                        Some(ConflictTarget::OnConstraint(_)) => step.conflict_constraint = true,
                        None => {}
                    }
                    if let sqlparser::ast::OnConflictAction::DoUpdate(update) = action {
                        step.assigned_columns = assigned(&update.assignments);
                    }
                }
                Some(_) => out.push(cx.shape("unsupported conflict clause", statement)),
            }
            Some(step)
        }
        Statement::Delete(delete) => {
            let tables = match &delete.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
            };
            let mut ok = true;
            for name in delete.tables.iter().chain(tables.iter().flat_map(relation_names)) {
                ok &= cx.written(name, "deletes from", &mut out);
            }
            let simple = delete.tables.is_empty() && tables.len() == 1 && tables.iter().all(|t| t.joins.is_empty());
            if ok && (!simple || delete.using.is_some() || delete.limit.is_some() || delete.returning.is_some()) {
                out.push(cx.shape("a replace empties the target with a plain DELETE FROM target", statement));
            }
            if ok && delete.selection.is_some() {
                out.push(cx.shape(
                    "a DELETE with a condition is not a transform step; a replace deletes every row of the target",
                    statement,
                ));
            }
            Some(Step::new(StepKind::DeleteAll, statement))
        }
        Statement::Query(query) => {
            let message = if matches!(
                *query.body,
                SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_)
            ) {
                "put the WITH clause inside the statement's query (INSERT INTO t WITH … SELECT …)"
            } else {
                "a bare query writes nothing; a transform creates or inserts into its target"
            };
            out.push(cx.shape(message, statement));
            None
        }
        other => {
            let written = written_names(other);
            let mut all_target = !written.is_empty();
            for name in &written {
                all_target &= cx.written(name, "changes", &mut out);
            }
            match (all_target, statement_class(other)) {
                (true, _) | (false, None) => {
                    out.push(cx.shape(format!("`{}` is not a step of any transform kind", keyword(other)), other))
                }
                (false, Some((code, what))) if written.is_empty() => {
                    out.push(cx.violation(
                        code,
                        format!("the statement {what}; a transform only writes its target"),
                        other,
                    ));
                }
                (false, Some(_)) => {}
            }
            None
        }
    };
    out.extend(nested_writes(statement, cx));
    match step {
        Some(step) if out.is_empty() => Ok(step),
        _ => Err(out),
    }
}

fn drop(statement: &Statement, cx: &Context<'_, '_>, out: &mut Vec<Violation>) -> Option<Step> {
    let Statement::Drop { object_type, names, cascade, temporary, .. } = statement else { return None };
    let (object_type, cascade, temporary) = (*object_type, *cascade, *temporary);
    if !matches!(object_type, ObjectType::Table | ObjectType::View) {
        out.push(cx.violation(
            ViolationCode::DropNotAllowed,
            format!("DROP {object_type} is not allowed; a replace may drop only its target"),
            statement,
        ));
        return None;
    }
    for name in names {
        if !matches!(denotes(name, &cx.spec.target, cx.dialect), Denotes::Target | Denotes::NotAsDeclared { .. }) {
            let message = format!("DROP of `{name}`: a transform may drop only its target `{}`", cx.spec.target);
            out.push(cx.violation(ViolationCode::DropNotAllowed, message, name));
        } else {
            cx.written(name, "drops", out);
        }
    }
    if cascade {
        out.push(cx.violation(
            ViolationCode::DropNotAllowed,
            "CASCADE would drop objects that depend on the target".into(),
            statement,
        ));
    }
    if temporary {
        out.push(cx.shape("DROP TEMPORARY is not a transform step", statement));
    }
    let mut step = Step::new(StepKind::DropTarget, statement);
    step.drops_view = object_type == ObjectType::View;
    Some(step)
}

fn assigned(assignments: &[sqlparser::ast::Assignment]) -> Vec<sqlparser::ast::Ident> {
    assignments
        .iter()
        .flat_map(|a| match &a.target {
            AssignmentTarget::ColumnName(name) => vec![name],
            AssignmentTarget::Tuple(names) => names.iter().collect(),
        })
        .filter_map(|name| name.0.last()?.as_ident().cloned())
        .collect()
}

fn relation_names(table: &TableWithJoins) -> Vec<&ObjectName> {
    std::iter::once(&table.relation)
        .chain(table.joins.iter().map(|j| &j.relation))
        .filter_map(|f| match f {
            TableFactor::Table { name, .. } => Some(name),
            _ => None,
        })
        .collect()
}

/// The objects a statement writes, changes or drops (empty for reads and for statements that
/// name no table).
fn written_names(statement: &Statement) -> Vec<&ObjectName> {
    match statement {
        Statement::Insert(insert) => match &insert.table {
            TableObject::TableName(name) => vec![name],
            _ => Vec::new(),
        },
        Statement::Update(update) => relation_names(&update.table),
        Statement::Delete(delete) => {
            let tables = match &delete.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
            };
            delete.tables.iter().chain(tables.iter().flat_map(relation_names)).collect()
        }
        Statement::Merge(merge) => match &merge.table {
            TableFactor::Table { name, .. } => vec![name],
            _ => Vec::new(),
        },
        Statement::Truncate(truncate) => truncate.table_names.iter().map(|t| &t.name).collect(),
        Statement::AlterTable(alter) => vec![&alter.name],
        Statement::Drop { names, .. } => names.iter().collect(),
        Statement::CreateTable(create) => vec![&create.name],
        Statement::CreateView(view) => vec![&view.name],
        _ => Vec::new(),
    }
}

/// Writes nested inside the statement (data-modifying CTEs): any of them that touches a source
/// or another table is named for what it is.
fn nested_writes(statement: &Statement, cx: &Context<'_, '_>) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let _ = visit_statements(statement, |nested| {
        depth += 1;
        if depth > 1 {
            for name in written_names(nested) {
                cx.written(name, "writes (nested in the query)", &mut out);
            }
        }
        ControlFlow::<()>::Continue(())
    });
    out
}

/// The statement's leading keyword, for messages.
fn keyword(statement: &Statement) -> String {
    statement.to_string().split_whitespace().next().unwrap_or("statement").to_ascii_uppercase()
}
