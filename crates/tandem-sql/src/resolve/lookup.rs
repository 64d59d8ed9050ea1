//! Column references: unqualified and qualified lookups, and the violations (with close
//! matches and fixes) when they fail.

use sqlparser::ast::{Ident, ObjectName};
use tandem_core::{Dialect, TableName};

use super::Resolver;
use super::scope::{Clause, Relation};
use crate::fix::{Edit, Fix};
use crate::quoting::{is_strictly_reserved, quote, quote_always};
use crate::suggest::{close_matches, unique_match};
use crate::violation::{Violation, ViolationCode};

/// Names that parse as identifiers but are not columns.
const NILADIC: &[&str] = &[
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
    "current_user",
    "session_user",
    "current_role",
    "current_catalog",
    "current_schema",
];

/// SQLite's implicit row-id columns.
const ROWID: &[&str] = &["rowid", "oid", "_rowid_"];

impl Resolver<'_, '_> {
    /// An unqualified column: the innermost SELECT that has it wins; then select-list aliases
    /// where the clause allows them; then enclosing SELECTs (correlated references).
    pub(super) fn column(&mut self, ident: &Ident) {
        let name = ident.value.as_str();
        for depth in (0..self.frames.len()).rev() {
            let frame = &self.frames[depth];
            let definite: Vec<&Relation> = frame.relations.iter().filter(|r| r.column(name).is_some()).collect();
            if definite.len() == 1 || (definite.len() > 1 && frame.is_merged(name)) {
                if let Some(table) = definite.first().and_then(|r| r.table.clone()) {
                    self.catalog_column(ident, &table);
                }
                return;
            }
            if frame.alias_visible(name) {
                return;
            }
            if definite.len() > 1 {
                let bindings: Vec<String> = definite.iter().map(|r| r.binding.clone()).collect();
                self.ambiguous(ident, &bindings);
                return;
            }
            if frame.has_open() {
                return;
            }
        }
        let lower = name.to_ascii_lowercase();
        if ident.quote_style.is_none() && NILADIC.contains(&lower.as_str()) {
            return;
        }
        if self.dialect == Dialect::Sqlite {
            // SQLite reads a double-quoted name that resolves to nothing as a string literal.
            if ident.quote_style == Some('"') {
                self.out.string_literals.push(ident.span);
                return;
            }
            if ROWID.contains(&lower.as_str())
                && self.frames.iter().any(|f| f.relations.iter().any(|r| r.table.is_some()))
            {
                return;
            }
        }
        self.unknown_column(ident, None);
    }

    /// `q.column` or `schema.table.column`.
    pub(super) fn qualified(&mut self, parts: &[Ident]) {
        let (schema, qualifier, column) = match parts {
            [qualifier, column] => (None, qualifier, column),
            [schema, qualifier, column] => (Some(schema.value.as_str()), qualifier, column),
            // Deeper paths are field accesses into composite values; the database judges them.
            _ => return,
        };
        let found =
            self.frames.iter().rev().find_map(|f| f.relations.iter().find(|r| r.answers_to(schema, &qualifier.value)));
        match found {
            Some(relation) if relation.open => {}
            Some(relation) => match relation.column(&column.value) {
                Some(_) => {
                    if let Some(table) = relation.table.clone() {
                        self.catalog_column(column, &table);
                    }
                }
                None => {
                    let relation = relation.clone();
                    self.unknown_column(column, Some((qualifier, &relation)));
                }
            },
            None => self.unknown_qualifier(qualifier, column),
        }
    }

    /// A reference that resolved to a column of a catalog table: check its spelling and
    /// remember its declared type.
    fn catalog_column(&mut self, ident: &Ident, table: &TableName) {
        let Some(table) = self.catalog.table(table.schema.as_deref(), &table.name) else { return };
        // Absent when a column list renamed the table's columns (`FROM t AS x(a, b)`).
        let Some(column) = table.column(&ident.value) else { return };
        let (exact, declared) = (column.name.clone(), column.data_type.clone());
        self.out.column_types.push((ident.span, declared));
        self.check_case(ident, &exact, false);
    }

    pub(super) fn qualified_wildcard(&mut self, name: &ObjectName) {
        let Some(qualifier) = name.0.last().and_then(|p| p.as_ident()) else { return };
        if !self.frames.iter().rev().any(|f| f.relations.iter().any(|r| r.answers_to(None, &qualifier.value))) {
            let message = format!("`{}.*` names no table in FROM", qualifier.value);
            let suggestions = close_matches(&qualifier.value, self.bindings());
            let violation = Violation::new(ViolationCode::UnknownQualifier, message, self.source.span(qualifier.span));
            self.out.violations.push(violation.with_suggestions(suggestions));
        }
    }

    /// Names that qualify columns anywhere in scope, innermost first.
    fn bindings(&self) -> Vec<&str> {
        let relations = self.frames.iter().rev().flat_map(|f| f.relations.iter());
        relations.filter(|r| !r.binding.is_empty()).map(|r| r.binding.as_str()).collect()
    }

    /// A column no relation in scope offers under that name (`relation`: the one its qualifier
    /// names, with the qualifier).
    fn unknown_column(&mut self, ident: &Ident, qualified: Option<(&Ident, &Relation)>) {
        let name = ident.value.as_str();
        let relation = qualified.map(|(_, r)| r);
        let candidates: Vec<&str> = match relation {
            Some(r) => r.columns.iter().map(String::as_str).collect(),
            None => {
                let frames = self.frames.iter().rev();
                frames
                    .flat_map(|f| f.relations.iter().flat_map(|r| r.columns.iter()).chain(&f.aliases))
                    .map(String::as_str)
                    .collect()
            }
        };
        let mut suggestions = close_matches(name, candidates.iter().copied());
        // `T1.col` where exactly one other relation has `col`: the aliases were mixed up, and
        // that relation is meant. Not in an ON clause, where it would join a table to itself.
        let in_join_condition = self.frames.last().is_some_and(|f| f.clause == Clause::From);
        let holder = qualified.filter(|_| !in_join_condition).and_then(|_| self.sole_holder(name));
        let fix = match (qualified, &holder) {
            (Some((qualifier, _)), Some(holder)) => self.rename_fix(qualifier, holder, "qualifier"),
            _ => unique_match(name, candidates.iter().copied()).and_then(|m| self.rename_fix(ident, m, "column")),
        };
        if let Some(holder) = &holder {
            suggestions.insert(0, format!("{holder}.{name}"));
        }
        let place = match relation {
            Some(r) if !r.binding.is_empty() => format!("`{}`", r.binding),
            _ => "any table in scope".to_owned(),
        };
        // Tell the repair model where the column does live, when it lives elsewhere: the
        // plan's tables first, since in a large catalog many unrelated tables share a name.
        let in_plan = |t: &&tandem_core::Table| self.scope.is_some_and(|s| s.tables.contains(&t.name));
        let (planned, others): (Vec<_>, Vec<_>) =
            self.catalog.tables.iter().filter(|t| t.column(name).is_some()).partition(in_plan);
        let elsewhere: Vec<String> = planned
            .into_iter()
            .chain(others)
            .take(3)
            .map(|t| format!("{}.{}", t.name, t.column(name).map_or(name, |c| c.name.as_str())))
            .collect();
        // Only tables the query does not read have it, and it is no typo of a column in
        // scope: the query lacks a join, which the large model must add.
        let in_scope = self.frames.iter().flat_map(|f| f.relations.iter()).any(|r| r.column(name).is_some());
        let missing_join = fix.is_none() && suggestions.is_empty() && !in_scope && !elsewhere.is_empty();
        let mut message = format!("column `{name}` is not in {place}");
        if let Some(holder) = &holder {
            message.push_str(&format!(" but in `{holder}`"));
        }
        if !elsewhere.is_empty() {
            let joined = if missing_join { ", which the query does not join" } else { "" };
            message.push_str(&format!("; it exists in {}{joined}", elsewhere.join(", ")));
            suggestions.extend(elsewhere);
        }
        let fix = if missing_join { self.join_fix(ident, qualified.map(|(q, _)| q)) } else { fix };
        let code = if missing_join { ViolationCode::MissingJoin } else { ViolationCode::UnknownColumn };
        let violation = Violation::new(code, message, self.source.span(ident.span));
        self.out.violations.push(violation.with_suggestions(suggestions).with_fix(fix));
    }

    /// The binding of the one relation that has `column`, in the innermost SELECT where any
    /// relation has it; `None` when none or several do.
    fn sole_holder(&self, column: &str) -> Option<String> {
        let holders = self.frames.iter().rev().find_map(|f| {
            let holders: Vec<&Relation> =
                f.relations.iter().filter(|r| !r.open && r.column(column).is_some()).collect();
            (!holders.is_empty()).then_some(holders)
        })?;
        match holders.as_slice() {
            [one] if !one.binding.is_empty() => Some(one.binding.clone()),
            _ => None,
        }
    }

    fn unknown_qualifier(&mut self, qualifier: &Ident, column: &Ident) {
        let bindings: Vec<String> = self.bindings().into_iter().map(str::to_owned).collect();
        // The table's own name after it was aliased (`orders.id` with `FROM orders o`).
        let by_table: Vec<String> = self
            .frames
            .iter()
            .rev()
            .flat_map(|f| f.relations.iter())
            .filter(|r| r.aliased && r.table.as_ref().is_some_and(|t| t.name.eq_ignore_ascii_case(&qualifier.value)))
            .map(|r| r.binding.clone())
            .collect();
        // Otherwise the one relation of this SELECT that has the column.
        let holders: Vec<String> = self
            .frames
            .last()
            .map(|f| {
                f.relations.iter().filter(|r| r.column(&column.value).is_some()).map(|r| r.binding.clone()).collect()
            })
            .unwrap_or_default();
        let target = match (by_table.as_slice(), holders.as_slice()) {
            ([one], _) => Some(one.clone()),
            ([], [one]) if !one.is_empty() => Some(one.clone()),
            ([], []) => unique_match(&qualifier.value, bindings.iter().map(String::as_str)).map(str::to_owned),
            _ => None,
        };
        let fix = target.and_then(|t| self.rename_fix(qualifier, &t, "qualifier"));
        let suggestions = if holders.is_empty() {
            close_matches(&qualifier.value, bindings.iter().map(String::as_str))
        } else {
            holders.iter().filter(|h| !h.is_empty()).map(|h| format!("{h}.{}", column.value)).collect()
        };
        let message = format!(
            "`{}` names no table or alias in FROM (in `{}.{}`)",
            qualifier.value, qualifier.value, column.value
        );
        let violation = Violation::new(ViolationCode::UnknownQualifier, message, self.source.span(qualifier.span));
        self.out.violations.push(violation.with_suggestions(suggestions).with_fix(fix));
    }

    fn ambiguous(&mut self, ident: &Ident, bindings: &[String]) {
        let suggestions: Vec<String> =
            bindings.iter().filter(|b| !b.is_empty()).map(|b| format!("{b}.{}", ident.value)).collect();
        let message = format!("column `{}` is in several tables in FROM ({})", ident.value, bindings.join(", "));
        let violation = Violation::new(ViolationCode::AmbiguousColumn, message, self.source.span(ident.span));
        let fix = self.join_key_fix(ident, bindings);
        self.out.violations.push(violation.with_suggestions(suggestions).with_fix(fix));
    }

    /// An ambiguous column that an ON clause equates across all its holders means the same
    /// value whichever qualifier is chosen, so qualifying it with the first is deterministic.
    fn join_key_fix(&self, ident: &Ident, bindings: &[String]) -> Option<Fix> {
        let first = bindings.first().filter(|b| !b.is_empty())?;
        let equated = self.join_equalities.iter().filter(|(column, _, _)| column.eq_ignore_ascii_case(&ident.value));
        let linked: Vec<&String> = equated.flat_map(|(_, a, b)| [a, b]).collect();
        let all_linked = bindings.iter().all(|b| linked.iter().any(|l| l.eq_ignore_ascii_case(b)));
        if !all_linked {
            return None;
        }
        let span = self.source.span(ident.span)?;
        let original = span.slice(self.source.sql)?;
        let replacement = format!("{}.{original}", quote(first, self.dialect));
        Some(Fix::single(
            format!("qualify join key `{}` as `{first}.{}`", ident.value, ident.value),
            Edit::new(span, original, replacement),
        ))
    }

    /// Case and quoting: PostgreSQL folds bare names to lowercase and MySQL compares table
    /// names case-sensitively, so a name that only matches case-blind needs a fix there.
    pub(super) fn check_case(&mut self, ident: &Ident, exact: &str, is_table: bool) {
        if ident.quote_style.is_none() && is_strictly_reserved(&ident.value) {
            // The parser took a reserved word as a name, but the engine will not.
            let quoted = quote_always(exact, self.dialect);
            let fix = self.source.span(ident.span).and_then(|span| {
                let original = span.slice(self.source.sql)?;
                Some(Fix::single(format!("quote `{original}` as {quoted}"), Edit::new(span, original, quoted.clone())))
            });
            let message = format!("`{}` is a reserved word; as a name it must be quoted as {quoted}", ident.value);
            let violation = Violation::new(ViolationCode::NeedsQuoting, message, self.source.span(ident.span));
            self.out.violations.push(violation.with_suggestions(vec![quoted]).with_fix(fix));
            return;
        }
        let mismatch = match self.dialect {
            Dialect::Postgres => {
                let folded = if ident.quote_style.is_some() { ident.value.clone() } else { ident.value.to_lowercase() };
                folded != exact
            }
            Dialect::Mysql => is_table && ident.value != exact,
            Dialect::Sqlite => false,
        };
        if !mismatch {
            return;
        }
        let fix = self.rename_fix(ident, exact, if is_table { "table" } else { "column" });
        let message = format!("`{}` means `{}` only if spelled {}", ident.value, exact, quote(exact, self.dialect));
        let violation = Violation::new(ViolationCode::NeedsQuoting, message, self.source.span(ident.span));
        self.out.violations.push(violation.with_suggestions(vec![quote(exact, self.dialect)]).with_fix(fix));
    }
}
