//! The shape of a transform: which sequences of steps each write kind allows, whether an
//! upsert's conflict key is the declared key, and whether named columns exist in the target.

use sqlparser::ast::{Ident, Spanned};
use tandem_core::{Catalog, Dialect, TableKind};

use super::names::find;
use super::spec::WriteKind;
use super::step::{Context, Step, StepKind};
use crate::suggest::close_matches;
use crate::violation::{Violation, ViolationCode};

/// At most this many statements: the longest allowed shape is drop, create, insert.
pub(crate) const MAX_STATEMENTS: usize = 3;

/// Checks that the steps form one of the shapes the declared write kind allows.
pub(crate) fn check(steps: &[Step], cx: &Context<'_, '_>, catalog: &Catalog) -> Vec<Violation> {
    use StepKind::*;
    let spec = cx.spec;
    let is_view = spec.target_kind == TableKind::View;
    let kinds: Vec<StepKind> = steps.iter().map(|s| s.kind).collect();
    let allowed: Vec<&[StepKind]> = match (&spec.write, is_view) {
        (WriteKind::CreateAsSelect, false) => vec![&[CreateTableAs], &[CreateTable, Insert]],
        (WriteKind::CreateAsSelect, true) => vec![&[CreateView]],
        (WriteKind::InsertSelect, _) => vec![&[Insert]],
        (WriteKind::Upsert { .. }, _) => vec![&[Upsert]],
        (WriteKind::Replace, false) if spec.target_exists => {
            vec![&[DropTarget, CreateTableAs], &[DropTarget, CreateTable, Insert], &[DeleteAll, Insert]]
        }
        (WriteKind::Replace, false) => vec![
            &[DropTarget, CreateTableAs],
            &[DropTarget, CreateTable, Insert],
            &[CreateTableAs],
            &[CreateTable, Insert],
        ],
        (WriteKind::Replace, true) if spec.target_exists => vec![&[ReplaceView], &[DropTarget, CreateView]],
        (WriteKind::Replace, true) => vec![&[ReplaceView], &[DropTarget, CreateView], &[CreateView]],
    };
    let mut violations = Vec::new();
    let at = |i: usize| steps.get(i).map(|s| &s.statement);
    if !allowed.contains(&kinds.as_slice()) {
        let drop = kinds.iter().position(|k| *k == DropTarget);
        let violation = match (drop, &spec.write, kinds.as_slice()) {
            (Some(i), write, _) if *write != WriteKind::Replace => cx_violation(
                cx,
                ViolationCode::DropNotAllowed,
                format!("DROP is allowed only when the plan says replace; this is an {write}"),
                at(i),
            ),
            (_, WriteKind::Upsert { key }, [Insert]) => cx_violation(
                cx,
                ViolationCode::TransformShape,
                format!("an upsert needs its conflict clause: {}", conflict_clause(cx.dialect, key)),
                at(0),
            ),
            (_, WriteKind::InsertSelect, [Upsert]) => cx_violation(
                cx,
                ViolationCode::TransformShape,
                "an insert-select has no conflict clause; declare an upsert on the key instead".to_owned(),
                at(0),
            ),
            _ => {
                let forms: Vec<String> = allowed.iter().map(|shape| describe(shape)).collect();
                let found = describe(&kinds);
                let what = if is_view { "a view" } else { "a table" };
                let message =
                    format!("write kind {} of {what} is written as {}; found {found}", spec.write, forms.join(" or "));
                Violation::new(ViolationCode::TransformShape, message, None)
            }
        };
        violations.push(violation);
    }
    for step in steps.iter().filter(|s| s.kind == DropTarget && s.drops_view != is_view) {
        let object = if is_view { "DROP VIEW" } else { "DROP TABLE" };
        violations.push(cx_violation(
            cx,
            ViolationCode::TransformShape,
            format!("the target is {}; use {object}", if is_view { "a view" } else { "a table" }),
            Some(&step.statement),
        ));
    }
    for step in steps.iter().filter(|s| s.kind == Upsert) {
        violations.extend(upsert_key(step, cx, catalog));
    }
    violations
}

fn cx_violation(
    cx: &Context<'_, '_>,
    code: ViolationCode,
    message: String,
    node: Option<&sqlparser::ast::Statement>,
) -> Violation {
    let span = node.and_then(|n| cx.source.span(n.span()));
    Violation::new(code, message, span)
}

fn describe(kinds: &[StepKind]) -> String {
    let words: Vec<&str> = kinds
        .iter()
        .map(|k| match k {
            StepKind::DropTarget => "DROP",
            StepKind::DeleteAll => "DELETE FROM",
            StepKind::CreateTable => "CREATE TABLE (…)",
            StepKind::CreateTableAs => "CREATE TABLE … AS SELECT",
            StepKind::CreateView => "CREATE VIEW … AS SELECT",
            StepKind::ReplaceView => "CREATE OR REPLACE VIEW",
            StepKind::Insert => "INSERT … SELECT",
            StepKind::Upsert => "INSERT … SELECT with a conflict clause",
        })
        .collect();
    format!("[{}]", words.join("; "))
}

fn conflict_clause(dialect: Dialect, key: &[String]) -> String {
    match dialect {
        Dialect::Mysql => "ON DUPLICATE KEY UPDATE col = VALUES(col), …".to_owned(),
        Dialect::Postgres | Dialect::Sqlite => {
            format!("ON CONFLICT ({}) DO UPDATE SET col = excluded.col, …", key.join(", "))
        }
    }
}

fn same_columns(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.iter().any(|y| x.eq_ignore_ascii_case(y)))
}

/// The conflict key must be the declared key: PostgreSQL and SQLite name it in `ON CONFLICT`;
/// MySQL's `ON DUPLICATE KEY` fires on the primary key (or any unique key), so that key must be
/// the declared one.
fn upsert_key(step: &Step, cx: &Context<'_, '_>, catalog: &Catalog) -> Option<Violation> {
    let key = cx.spec.write.key();
    let statement = Some(&step.statement);
    let mismatch = |message: String| cx_violation(cx, ViolationCode::UpsertKeyMismatch, message, statement);
    match cx.dialect {
        Dialect::Mysql => {
            let table = find(catalog, &cx.spec.target, cx.dialect)?;
            (!table.primary_key.is_empty() && !same_columns(&table.primary_key, key)).then(|| {
                mismatch(format!(
                    "ON DUPLICATE KEY UPDATE fires on the primary key ({}) of `{}`, not on the declared key ({})",
                    table.primary_key.join(", "),
                    table.name,
                    key.join(", ")
                ))
            })
        }
        Dialect::Postgres | Dialect::Sqlite => match &step.conflict_key {
            _ if step.conflict_constraint => Some(mismatch(format!(
                "name the key columns instead of a constraint: ON CONFLICT ({})",
                key.join(", ")
            ))),
            None => Some(mismatch(format!("name the declared key: {}", conflict_clause(cx.dialect, key)))),
            Some(columns) if !same_columns(columns, key) => Some(mismatch(format!(
                "ON CONFLICT ({}) is not the declared key ({})",
                columns.join(", "),
                key.join(", ")
            ))),
            Some(_) => None,
        },
    }
}

/// Insert column lists and upsert assignments must name columns of the target (when its
/// columns are known).
pub(crate) fn columns(step: &Step, target_columns: Option<&[String]>, cx: &Context<'_, '_>) -> Vec<Violation> {
    let Some(known) = target_columns else { return Vec::new() };
    let unknown = |ident: &&Ident| !known.iter().any(|c| c.eq_ignore_ascii_case(&ident.value));
    step.insert_columns
        .iter()
        .chain(&step.assigned_columns)
        .filter(unknown)
        .map(|ident| {
            let message = format!("`{}` is not a column of the target `{}`", ident.value, cx.spec.target);
            Violation::new(ViolationCode::UnknownColumn, message, cx.source.span(ident.span))
                .with_suggestions(close_matches(&ident.value, known.iter().map(String::as_str)))
        })
        .collect()
}
