//! Set logic written as a row filter: "students who do not have a cat" as `PetType <> 'cat'`
//! over a join, "both a cat and a dog" as `PetType IN ('cat', 'dog')`.
//!
//! Such a comparison tests one joined row at a time. When the compared table lies on the many
//! side of the rows the query returns (a student has several pets), a student with a cat and
//! a dog passes `<> 'cat'` through the dog, and one with only a dog passes `IN ('cat', 'dog')`.
//! The SQL is valid and runs, so only the request can tell it is wrong: the caller says what
//! the request asks ([`SetIntent`]), and this check says where the SQL cannot answer it. A
//! comparison on the returned rows' own table, or on a table reached only through foreign keys
//! the returned rows hold (a car's maker's country), is one value per row and never flagged.

use std::collections::VecDeque;
use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, Expr, InTarget, ObjectName, Query, Select, SelectItem, SetExpr, TableFactor, Visit, Visitor,
};
use sqlparser::parser::Parser;
use tandem_core::{Catalog, Table};

use crate::parse::parser_dialect;
use crate::validated::ValidatedSql;

/// What a request asks of an entity's related rows, as read from its words.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetIntent {
    /// The request asks for rows that lack something ("do not have", "without", "never").
    pub absence: bool,
    /// The request asks for rows that have two things at once ("both a cat and a dog").
    pub both: bool,
}

impl SetIntent {
    pub fn is_empty(self) -> bool {
        !self.absence && !self.both
    }
}

/// Longer statements are not checked: the validator bounded them once, and this check's
/// second parse has no reason to go where deep trees cost stack.
const MAX_CHECKED_BYTES: usize = 16_384;

/// Findings, one sentence each, for comparisons of `sql` that test one joined row where the
/// request asks about all of an entity's related rows. Empty when the request asks nothing
/// of the kind, or the SQL already uses set operations or subqueries for it.
pub fn set_logic_findings(sql: &ValidatedSql, catalog: &Catalog, intent: SetIntent) -> Vec<String> {
    if intent.is_empty() || sql.as_str().len() > MAX_CHECKED_BYTES {
        return Vec::new();
    }
    let Ok(statements) = Parser::parse_sql(parser_dialect(sql.dialect()), sql.as_str()) else {
        return Vec::new();
    };
    let mut selects = Selects { catalog, intent, findings: Vec::new() };
    for statement in &statements {
        let _ = statement.visit(&mut selects);
    }
    selects.findings
}

struct Selects<'c> {
    catalog: &'c Catalog,
    intent: SetIntent,
    findings: Vec<String>,
}

impl Visitor for Selects<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if let SetExpr::Select(select) = query.body.as_ref() {
            self.select(select);
        }
        ControlFlow::Continue(())
    }
}

/// A table of one SELECT's FROM clause, by the name the SELECT calls it.
struct Relation<'c> {
    binding: String,
    table: &'c Table,
}

/// A comparison on one column that decides a row by one related value.
struct Comparison {
    qualifier: Option<String>,
    column: String,
    text: String,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `<>`, `!=`, `NOT LIKE`, `NOT IN (…)` against literals.
    Negative,
    /// `IN (a, b, …)` or `= a OR = b` on one column.
    Either,
}

impl<'c> Selects<'c> {
    fn select(&mut self, select: &Select) {
        let relations = self.relations(select);
        if relations.len() < 2 {
            return;
        }
        let Some(selection) = &select.selection else { return };
        let mut comparisons = Vec::new();
        collect(selection, &mut comparisons);
        let returned = returned_relations(select, &relations);
        for comparison in comparisons {
            let wanted = match comparison.kind {
                Kind::Negative => self.intent.absence,
                Kind::Either => self.intent.both,
            };
            if !wanted {
                continue;
            }
            let Some(compared) = owner(&relations, comparison.qualifier.as_deref(), &comparison.column) else {
                continue;
            };
            if returned.contains(&compared) || !on_many_side(&relations, &returned, compared) {
                continue;
            }
            let Some(many) = relations.get(compared).map(|r| &r.table.name.name) else { continue };
            let one = returned_name(&relations, &returned);
            let finding = match comparison.kind {
                Kind::Negative => format!(
                    "the question asks for rows that lack something, but `{}` tests one `{many}` row at a time: \
                     a `{one}` with several `{many}` rows passes through any row that differs; exclude instead \
                     (`NOT IN (SELECT …)` or `EXCEPT`)",
                    comparison.text
                ),
                Kind::Either => format!(
                    "the question asks for both, but `{}` accepts a `{one}` that has either one; intersect two \
                     queries (`INTERSECT`) or group by the `{one}` and require every value in `HAVING`",
                    comparison.text
                ),
            };
            if !self.findings.contains(&finding) {
                self.findings.push(finding);
            }
        }
    }

    /// The catalog tables of the FROM clause; derived tables and unknown names are left out.
    fn relations(&self, select: &Select) -> Vec<Relation<'c>> {
        let mut relations = Vec::new();
        for from in &select.from {
            let factors = std::iter::once(&from.relation).chain(from.joins.iter().map(|j| &j.relation));
            for factor in factors {
                if let TableFactor::Table { name, alias, args: None, .. } = factor
                    && let Some(table) = self.table(name)
                {
                    let binding = alias.as_ref().map_or_else(|| table.name.name.clone(), |a| a.name.value.clone());
                    relations.push(Relation { binding, table });
                }
            }
        }
        relations
    }

    fn table(&self, name: &ObjectName) -> Option<&'c Table> {
        let parts: Vec<&str> = name.0.iter().filter_map(|p| p.as_ident()).map(|i| i.value.as_str()).collect();
        match parts.as_slice() {
            [table] => self.catalog.table(None, table),
            [.., schema, table] => self.catalog.table(Some(schema), table).or_else(|| self.catalog.table(None, table)),
            [] => None,
        }
    }
}

/// The comparisons of a WHERE clause, outside subqueries (a subquery is already set logic).
fn collect(expr: &Expr, out: &mut Vec<Comparison>) {
    match expr {
        Expr::Nested(inner) => collect(inner, out),
        Expr::BinaryOp { left, op: BinaryOperator::And, right } => {
            collect(left, out);
            collect(right, out);
        }
        Expr::BinaryOp { left, op: BinaryOperator::Or, right } => match (equality(left), equality(right)) {
            (Some((qualifier, column)), Some(other)) if same_column(&qualifier, &column, &other) => {
                out.push(Comparison { qualifier, column, text: expr.to_string(), kind: Kind::Either });
            }
            _ => {
                collect(left, out);
                collect(right, out);
            }
        },
        Expr::BinaryOp { left, op: BinaryOperator::NotEq, right } => {
            let column =
                column_of(left).filter(|_| is_literal(right)).or_else(|| column_of(right).filter(|_| is_literal(left)));
            if let Some((qualifier, column)) = column {
                out.push(Comparison { qualifier, column, text: expr.to_string(), kind: Kind::Negative });
            }
        }
        Expr::Like { negated: true, expr: inner, pattern, .. }
        | Expr::ILike { negated: true, expr: inner, pattern, .. }
            if is_literal(pattern) =>
        {
            if let Some((qualifier, column)) = column_of(inner) {
                out.push(Comparison { qualifier, column, text: expr.to_string(), kind: Kind::Negative });
            }
        }
        Expr::In { expr: inner, target: InTarget::List(list), negated, .. } if list.iter().all(is_literal) => {
            let kind = if *negated { Kind::Negative } else { Kind::Either };
            if (*negated || list.len() >= 2)
                && let Some((qualifier, column)) = column_of(inner)
            {
                out.push(Comparison { qualifier, column, text: expr.to_string(), kind });
            }
        }
        _ => {}
    }
}

fn same_column(qualifier: &Option<String>, column: &str, other: &(Option<String>, String)) -> bool {
    let qualifiers = match (qualifier, &other.0) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        (None, None) => true,
        _ => false,
    };
    qualifiers && column.eq_ignore_ascii_case(&other.1)
}

/// `column = literal`, as (qualifier, column).
fn equality(expr: &Expr) -> Option<(Option<String>, String)> {
    match expr {
        Expr::Nested(inner) => equality(inner),
        Expr::BinaryOp { left, op: BinaryOperator::Eq, right } => {
            column_of(left).filter(|_| is_literal(right)).or_else(|| column_of(right).filter(|_| is_literal(left)))
        }
        _ => None,
    }
}

fn column_of(expr: &Expr) -> Option<(Option<String>, String)> {
    match expr {
        Expr::Nested(inner) => column_of(inner),
        Expr::Identifier(ident) => Some((None, ident.value.clone())),
        Expr::CompoundIdentifier(parts) => match parts.as_slice() {
            [.., qualifier, column] => Some((Some(qualifier.value.clone()), column.value.clone())),
            _ => None,
        },
        _ => None,
    }
}

fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Value(_) => true,
        Expr::Nested(inner) => is_literal(inner),
        Expr::UnaryOp { expr, .. } => is_literal(expr),
        _ => false,
    }
}

/// The relation a column belongs to: the qualifier's, or the one relation that has the column.
fn owner(relations: &[Relation<'_>], qualifier: Option<&str>, column: &str) -> Option<usize> {
    let has = |r: &Relation<'_>| r.table.columns.iter().any(|c| c.name.eq_ignore_ascii_case(column));
    match qualifier {
        Some(q) => relations.iter().position(|r| r.binding.eq_ignore_ascii_case(q) && has(r)),
        None => {
            let mut found = relations.iter().enumerate().filter(|(_, r)| has(r)).map(|(i, _)| i);
            let first = found.next()?;
            found.next().is_none().then_some(first)
        }
    }
}

/// The relations whose columns the SELECT returns; the first relation of the FROM clause
/// when it returns none (`count(*)`).
fn returned_relations(select: &Select, relations: &[Relation<'_>]) -> Vec<usize> {
    let mut columns = Columns(Vec::new());
    for item in &select.projection {
        match item {
            SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => {
                let _ = expr.visit(&mut columns);
            }
            _ => {}
        }
    }
    let mut returned: Vec<usize> = Vec::new();
    for (qualifier, column) in columns.0 {
        if let Some(i) = owner(relations, qualifier.as_deref(), &column)
            && !returned.contains(&i)
        {
            returned.push(i);
        }
    }
    if returned.is_empty() {
        returned.push(0);
    }
    returned
}

fn returned_name(relations: &[Relation<'_>], returned: &[usize]) -> String {
    returned.first().and_then(|&i| relations.get(i)).map_or_else(String::new, |r| r.table.name.name.clone())
}

struct Columns(Vec<(Option<String>, String)>);

impl Visitor for Columns {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Some(column) = column_of(expr) {
            self.0.push(column);
        }
        ControlFlow::Continue(())
    }
}

/// Whether `target` can be reached from the returned relations only by following some
/// foreign key backwards (from a referenced table to tables referencing it): then one
/// returned row meets several `target` rows. Unconnected tables are never flagged.
fn on_many_side(relations: &[Relation<'_>], returned: &[usize], target: usize) -> bool {
    let references = |from: &Relation<'_>, to: &Relation<'_>| {
        from.table.foreign_keys.iter().any(|fk| fk.referenced_table == to.table.name)
    };
    // Breadth first over (relation, crossed a one-to-many step); a path of many-to-one steps
    // alone means one value per returned row.
    let mut seen = vec![[false; 2]; relations.len()];
    let mut queue: VecDeque<(usize, bool)> = returned.iter().map(|&i| (i, false)).collect();
    let mut reached_many = false;
    while let Some((at, many)) = queue.pop_front() {
        let Some(slot) = seen.get_mut(at).map(|s| &mut s[usize::from(many)]) else { continue };
        if *slot {
            continue;
        }
        *slot = true;
        if at == target {
            if !many {
                return false;
            }
            reached_many = true;
            continue;
        }
        let Some(here) = relations.get(at) else { continue };
        for (next, there) in relations.iter().enumerate() {
            if next == at {
                continue;
            }
            if references(here, there) {
                queue.push_back((next, many));
            } else if references(there, here) {
                queue.push_back((next, true));
            }
        }
    }
    reached_many
}
