//! FROM clauses: tables, CTE references, derived tables, table functions and joins.

use sqlparser::ast::{
    BinaryOperator, Expr, FunctionArg, Ident, JoinConstraint, JoinOperator, ObjectName, TableAlias, TableFactor,
    TableWithJoins,
};

use tandem_core::{Dialect, TableName};

use super::scope::{Output, Relation};
use super::{Resolver, rename};
use crate::fix::{Edit, Fix};
use crate::quoting::{quote, spelled};
use crate::suggest::{close_matches, unique_match};
use crate::violation::{Violation, ViolationCode};

impl Resolver<'_, '_> {
    pub(super) fn table_with_joins(&mut self, table: &TableWithJoins) {
        self.factor(&table.relation);
        for join in &table.joins {
            let before = self.frames.last().map_or(0, |f| f.relations.len());
            self.factor(&join.relation);
            if let JoinOperator::AsOf { match_condition, .. } = &join.join_operator {
                self.walk(match_condition);
            }
            match constraint(&join.join_operator) {
                Some(JoinConstraint::On(on)) => {
                    // SQLite resolves an ON clause against the whole FROM clause (an inner
                    // join's ON may name a table joined after it); see `deferred_on_clauses`.
                    if self.dialect != Dialect::Sqlite {
                        self.walk(on);
                    }
                    collect_equalities(on, &mut self.join_equalities);
                }
                Some(JoinConstraint::Using(names) | JoinConstraint::UsingAlias(names, _)) => {
                    for name in names {
                        if let Some(ident) = name.0.last().and_then(|p| p.as_ident()) {
                            self.using_column(ident, before);
                        }
                    }
                }
                Some(JoinConstraint::Natural) => self.natural(before),
                Some(JoinConstraint::None) | None => {}
            }
        }
    }

    /// On SQLite, resolves the ON clauses of `table` once every relation of the FROM clause
    /// is in scope.
    pub(super) fn deferred_on_clauses(&mut self, table: &TableWithJoins) {
        if self.dialect != Dialect::Sqlite {
            return;
        }
        let factors = std::iter::once(&table.relation).chain(table.joins.iter().map(|j| &j.relation));
        for factor in factors {
            if let TableFactor::NestedJoin { table_with_joins, .. } = factor {
                self.deferred_on_clauses(table_with_joins);
            }
        }
        for join in &table.joins {
            if let Some(JoinConstraint::On(on)) = constraint(&join.join_operator) {
                self.walk(on);
            }
        }
    }

    fn factor(&mut self, factor: &TableFactor) {
        self.out.handled.factors.insert(std::ptr::from_ref(factor));
        let relation = match factor {
            TableFactor::Table { name, alias, args: None, sample, .. } => {
                self.walk(sample);
                self.table(name, alias.as_ref())
            }
            TableFactor::Table { name, alias, args: Some(args), .. } => {
                self.function_args(&args.args);
                open_relation(alias.as_ref(), Some(name))
            }
            TableFactor::Derived { lateral, subquery, alias, sample } => {
                self.walk(sample);
                // Only a LATERAL derived table sees the relations before it.
                let output = if *lateral {
                    self.query(subquery)
                } else {
                    let current = self.frames.pop();
                    let output = self.query(subquery);
                    self.frames.extend(current);
                    output
                };
                aliased(output, alias.as_ref())
            }
            TableFactor::Function { name, args, alias, .. } => {
                self.function_args(args);
                open_relation(alias.as_ref(), Some(name))
            }
            TableFactor::TableFunction { expr, alias } => {
                self.walk(expr);
                open_relation(alias.as_ref(), None)
            }
            TableFactor::UNNEST { alias, array_exprs, .. } => {
                self.walk(array_exprs);
                open_relation(alias.as_ref(), None)
            }
            TableFactor::NestedJoin { table_with_joins, alias } => {
                self.table_with_joins(table_with_joins);
                match alias {
                    Some(alias) => open_relation(Some(alias), None),
                    None => return,
                }
            }
            // Dialect extensions the syntax pass refuses; nothing inside them is resolved.
            _ => Relation::open(String::new()),
        };
        if let Some(frame) = self.frames.last_mut() {
            frame.relations.push(relation);
        }
    }

    fn function_args(&mut self, args: &[FunctionArg]) {
        for arg in args {
            self.walk(arg);
        }
    }

    /// A named table: a CTE if one is visible, else a catalog table.
    pub(super) fn table(&mut self, name: &ObjectName, alias: Option<&TableAlias>) -> Relation {
        let parts: Vec<&Ident> = name.0.iter().filter_map(|p| p.as_ident()).collect();
        let (schema, table) = match parts.as_slice() {
            [table] => (None, *table),
            [.., schema, table] => (Some(*schema), *table),
            [] => return open_relation(alias, None),
        };
        if schema.is_none()
            && let Some(cte) = self.ctes.iter().rev().find(|c| c.binding.eq_ignore_ascii_case(&table.value))
        {
            let output = Output { columns: cte.columns.clone(), open: cte.open };
            return match alias {
                Some(alias) => aliased(output, Some(alias)),
                None => output.into_relation(cte.binding.clone(), false),
            };
        }
        let schema_name = schema.map(|s| s.value.as_str());
        // `main.t` on SQLite against a catalog loaded without schemas. Only `main`: any other
        // qualifier names another database (an attached file, another MySQL schema), which the
        // printed SQL would then read.
        let main = schema.is_some_and(|s| s.value.eq_ignore_ascii_case("main")) && self.dialect == Dialect::Sqlite;
        let unqualified =
            || self.catalog.table(None, &table.value).filter(|t| t.name.schema.is_none()).filter(|_| main);
        let found = self.catalog.table(schema_name, &table.value).or_else(|| schema_name.and_then(|_| unqualified()));
        let Some(found) = found else {
            self.unknown_table(schema_name, table);
            return open_relation(alias, Some(name));
        };
        if !self.out.tables.contains(&found.name) {
            self.out.tables.push(found.name.clone());
        }
        self.check_case(table, &found.name.name, true);
        let output = Output { columns: found.columns.iter().map(|c| c.name.clone()).collect(), open: false };
        let mut relation = match alias {
            Some(alias) => aliased(output, Some(alias)),
            None => output.into_relation(table.value.clone(), false),
        };
        relation.table = Some(found.name.clone());
        relation
    }

    fn unknown_table(&mut self, schema: Option<&str>, table: &Ident) {
        let in_schema = |t: &&tandem_core::Table| schema.is_none_or(|s| t.name.schema.as_deref() == Some(s));
        let several =
            schema.is_none() && self.catalog.tables.iter().filter(|t| t.name.matches(None, &table.value)).count() > 1;
        let span = self.source.span(table.span);
        if several {
            let suggestions = self
                .catalog
                .tables
                .iter()
                .filter(|t| t.name.matches(None, &table.value))
                .map(|t| t.name.to_string())
                .collect();
            let message = format!("table `{}` exists in several schemas; qualify it", table.value);
            // The plan's scope holding exactly one of them settles which one is meant.
            let planned: Vec<&TableName> = self
                .scope
                .map(|s| s.tables.iter().filter(|t| t.matches(None, &table.value)).collect())
                .unwrap_or_default();
            let fix = match (planned.as_slice(), span) {
                ([only], Some(span)) => {
                    let qualified = spelled(only, self.dialect);
                    span.slice(self.source.sql).map(|original| {
                        Fix::single(
                            format!("qualify table `{}` as `{only}` (the plan's)", table.value),
                            Edit::new(span, original, qualified),
                        )
                    })
                }
                _ => None,
            };
            self.out.violations.push(
                Violation::new(ViolationCode::UnknownTable, message, span).with_suggestions(suggestions).with_fix(fix),
            );
            return;
        }
        // A rename is deterministic only within the plan's tables when there is a plan.
        let fix_candidates: Vec<&str> = match self.scope {
            Some(scope) => scope.tables.iter().map(|t| t.name.as_str()).collect(),
            None => self.catalog.tables.iter().filter(in_schema).map(|t| t.name.name.as_str()).collect(),
        };
        let ctes: Vec<&str> = self.ctes.iter().map(|c| c.binding.as_str()).collect();
        let names =
            self.catalog.tables.iter().filter(in_schema).map(|t| t.name.name.as_str()).chain(ctes.iter().copied());
        let suggestions = close_matches(&table.value, names);
        let fix = unique_match(&table.value, fix_candidates.into_iter().chain(ctes.iter().copied()))
            .and_then(|m| self.rename_fix(table, m, "table"));
        let message = format!("table `{}` does not exist", table.value);
        self.out.violations.push(
            Violation::new(ViolationCode::UnknownTable, message, span).with_suggestions(suggestions).with_fix(fix),
        );
    }

    /// A fix replacing `ident` by `name`, quoted as the dialect needs.
    pub(super) fn rename_fix(&self, ident: &Ident, name: &str, what: &str) -> Option<Fix> {
        let span = self.source.span(ident.span)?;
        let original = span.slice(self.source.sql)?;
        let replacement = quote(name, self.dialect);
        if replacement == original {
            return None;
        }
        Some(Fix::single(
            format!("replace {what} `{}` with `{name}`", ident.value),
            Edit::new(span, original, replacement),
        ))
    }

    fn using_column(&mut self, ident: &Ident, before: usize) {
        let Some(frame) = self.frames.last() else { return };
        let (left, right) = frame.relations.split_at(before.min(frame.relations.len()));
        let has = |rels: &[Relation]| rels.iter().any(|r| r.open || r.column(&ident.value).is_some());
        if has(left) && has(right) {
            if let Some(frame) = self.frames.last_mut() {
                frame.merged.push(ident.value.clone());
            }
            return;
        }
        let candidates: Vec<&str> =
            left.iter().chain(right).flat_map(|r| r.columns.iter().map(String::as_str)).collect();
        let suggestions = close_matches(&ident.value, candidates);
        let message = format!("USING column `{}` is not in both joined relations", ident.value);
        let violation = Violation::new(ViolationCode::UnknownColumn, message, self.source.span(ident.span))
            .with_suggestions(suggestions);
        self.out.violations.push(violation);
    }

    fn natural(&mut self, before: usize) {
        let Some(frame) = self.frames.last_mut() else { return };
        let (left, right) = frame.relations.split_at(before.min(frame.relations.len()));
        let shared: Vec<String> = right
            .iter()
            .flat_map(|r| r.columns.iter())
            .filter(|c| left.iter().any(|l| l.column(c).is_some()))
            .cloned()
            .collect();
        frame.merged.extend(shared);
    }
}

/// `a.x = b.x` conjuncts of an ON clause, as (column, a, b).
fn collect_equalities(on: &Expr, out: &mut Vec<(String, String, String)>) {
    match on {
        Expr::BinaryOp { left, op: BinaryOperator::And, right } => {
            collect_equalities(left, out);
            collect_equalities(right, out);
        }
        Expr::BinaryOp { left, op: BinaryOperator::Eq, right } => {
            if let (Expr::CompoundIdentifier(l), Expr::CompoundIdentifier(r)) = (&**left, &**right)
                && let ([lq, lc], [rq, rc]) = (l.as_slice(), r.as_slice())
                && lc.value.eq_ignore_ascii_case(&rc.value)
            {
                out.push((lc.value.clone(), lq.value.clone(), rq.value.clone()));
            }
        }
        Expr::Nested(inner) => collect_equalities(inner, out),
        _ => {}
    }
}

fn constraint(operator: &JoinOperator) -> Option<&JoinConstraint> {
    use JoinOperator as J;
    match operator {
        J::Join(c)
        | J::Inner(c)
        | J::Left(c)
        | J::LeftOuter(c)
        | J::Right(c)
        | J::RightOuter(c)
        | J::FullOuter(c)
        | J::CrossJoin(c)
        | J::Semi(c)
        | J::LeftSemi(c)
        | J::RightSemi(c)
        | J::Anti(c)
        | J::LeftAnti(c)
        | J::RightAnti(c)
        | J::StraightJoin(c)
        | J::AsOf { constraint: c, .. } => Some(c),
        J::CrossApply | J::OuterApply | J::ArrayJoin | J::LeftArrayJoin | J::InnerArrayJoin => None,
    }
}

/// A relation named by its alias (with its column list applied), or unnamed.
fn aliased(output: Output, alias: Option<&TableAlias>) -> Relation {
    match alias {
        Some(alias) => {
            let names: Vec<String> = alias.columns.iter().map(|c| c.name.value.clone()).collect();
            rename(output, &names).into_relation(alias.name.value.clone(), true)
        }
        None => output.into_relation(String::new(), false),
    }
}

/// A relation whose columns are unknown, named by its alias or else its function/table name.
fn open_relation(alias: Option<&TableAlias>, name: Option<&ObjectName>) -> Relation {
    let binding = alias
        .map(|a| a.name.value.clone())
        .or_else(|| name.and_then(|n| n.0.last()).and_then(|p| p.as_ident()).map(|i| i.value.clone()))
        .unwrap_or_default();
    let named = alias.map(|a| a.columns.iter().map(|c| c.name.value.clone()).collect()).unwrap_or_default();
    Relation { columns: named, ..Relation::open(binding) }
}
