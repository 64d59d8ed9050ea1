//! Spider's hardness levels (easy, medium, hard, extra), computed from the gold SQL's syntax
//! tree with the counts Spider's evaluation defines.
//!
//! Three counts over the outermost SELECT (the left-most one of a set operation):
//! - *components 1*: WHERE, GROUP BY, ORDER BY and LIMIT present (one each), one per table
//!   joined beyond the first, one per OR and one per LIKE among the conditions of ON, WHERE
//!   and HAVING;
//! - *components 2*: nested queries — a set operation (INTERSECT, UNION, EXCEPT) and each
//!   subquery that is an operand of one of those conditions;
//! - *others*: one each for more than one aggregate, more than one selected item, more than
//!   one WHERE condition and more than one GROUP BY item. Aggregates are counted as Spider's
//!   evaluation counts them: aggregated SELECT and GROUP BY items, aggregated ORDER BY
//!   operands, and — faithfully to its script, which reads a condition's negation flag where
//!   an aggregate would be — negated conditions in WHERE and HAVING plus HAVING's AND/OR
//!   connectives.
//!
//! Then: easy when c1 ≤ 1, others = 0 and c2 = 0; medium when c2 = 0 and (c1 ≤ 1, others ≤ 2
//! or c1 ≤ 2, others < 2); hard when (c2 = 0 and (c1 ≤ 2, others > 2 or 2 < c1 ≤ 3, others ≤
//! 2)) or (c1 ≤ 1, others = 0, c2 ≤ 1); extra otherwise.

use serde::{Deserialize, Serialize};
use sqlparser::ast::{
    BinaryOperator, Expr, GroupByExpr, InTarget, JoinConstraint, JoinOperator, OrderByKind, Query, Select, SelectItem,
    SetExpr, Statement, UnaryOperator,
};
use sqlparser::dialect::{GenericDialect, SQLiteDialect};
use sqlparser::parser::Parser;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hardness {
    Easy,
    Medium,
    Hard,
    Extra,
}

impl Hardness {
    pub const ALL: [Hardness; 4] = [Hardness::Easy, Hardness::Medium, Hardness::Hard, Hardness::Extra];

    pub fn as_str(self) -> &'static str {
        match self {
            Hardness::Easy => "easy",
            Hardness::Medium => "medium",
            Hardness::Hard => "hard",
            Hardness::Extra => "extra",
        }
    }
}

/// The level of `sql`, or `None` when it does not parse as one query.
pub fn hardness(sql: &str) -> Option<Hardness> {
    let statements =
        Parser::parse_sql(&SQLiteDialect {}, sql).or_else(|_| Parser::parse_sql(&GenericDialect {}, sql)).ok()?;
    let [Statement::Query(query)] = statements.as_slice() else { return None };
    let counts = Counts::of(query)?;
    Some(counts.level())
}

/// The three counts of the module docs.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    component1: usize,
    component2: usize,
    others: usize,
}

impl Counts {
    fn level(&self) -> Hardness {
        let (c1, c2, others) = (self.component1, self.component2, self.others);
        if c1 <= 1 && others == 0 && c2 == 0 {
            Hardness::Easy
        } else if c2 == 0 && ((others <= 2 && c1 <= 1) || (c1 <= 2 && others < 2)) {
            Hardness::Medium
        } else if (c2 == 0 && ((others > 2 && c1 <= 2) || (c1 > 2 && c1 <= 3 && others <= 2)))
            || (c1 <= 1 && others == 0 && c2 <= 1)
        {
            Hardness::Hard
        } else {
            Hardness::Extra
        }
    }

    fn of(query: &Query) -> Option<Counts> {
        // ORDER BY and LIMIT belong to the outermost SELECT only when there is no set
        // operation (Spider's parser gives them to the last member of one).
        let (select, set_operation, ordered, limited) = match outermost(&query.body)? {
            (select, false) => (select, false, query.order_by.is_some(), query.limit_clause.is_some()),
            (select, true) => (select, true, false, false),
        };
        let mut counts = Counts::default();
        let where_conditions = select.selection.as_ref().map(Conditions::of).unwrap_or_default();
        let having_conditions = select.having.as_ref().map(Conditions::of).unwrap_or_default();
        let mut on_conditions = Conditions::default();
        let mut n_table_units = 0usize;
        for from in &select.from {
            n_table_units += 1 + from.joins.len();
            for join in &from.joins {
                if let Some(JoinConstraint::On(on)) = join_constraint(&join.join_operator) {
                    on_conditions.add(on);
                }
            }
        }
        let group_by: &[Expr] = match &select.group_by {
            GroupByExpr::Expressions(exprs, _) => exprs,
            GroupByExpr::All(_) => &[],
        };
        let order_by: &[sqlparser::ast::OrderByExpr] = match query.order_by.as_ref().map(|o| &o.kind) {
            Some(OrderByKind::Expressions(exprs)) if ordered => exprs,
            _ => &[],
        };

        let all_conditions =
            || on_conditions.leaves.iter().chain(&where_conditions.leaves).chain(&having_conditions.leaves);
        counts.component1 = [select.selection.is_some(), !group_by.is_empty(), ordered, limited]
            .into_iter()
            .filter(|present| *present)
            .count();
        counts.component1 += n_table_units.saturating_sub(1);
        counts.component1 += on_conditions.n_or + where_conditions.n_or + having_conditions.n_or;
        counts.component1 += all_conditions().filter(|c| is_like(c)).count();

        counts.component2 =
            usize::from(set_operation) + all_conditions().map(|c| n_subquery_operands(c)).sum::<usize>();

        let mut n_aggregates = select.projection.iter().filter(|item| is_aggregate(selected(item))).count();
        n_aggregates += group_by.iter().filter(|e| is_aggregate(*e)).count();
        n_aggregates += order_by.iter().map(|o| n_aggregate_operands(&o.expr)).sum::<usize>();
        n_aggregates += where_conditions.leaves.iter().filter(|c| is_negated(c)).count();
        n_aggregates += having_conditions.leaves.iter().filter(|c| is_negated(c)).count();
        n_aggregates += having_conditions.n_and + having_conditions.n_or;
        counts.others =
            [n_aggregates > 1, select.projection.len() > 1, where_conditions.leaves.len() > 1, group_by.len() > 1]
                .into_iter()
                .filter(|more| *more)
                .count();
        Some(counts)
    }
}

/// The left-most SELECT of a body, and whether a set operation surrounds it.
fn outermost(body: &SetExpr) -> Option<(&Select, bool)> {
    match body {
        SetExpr::Select(select) => Some((select, false)),
        SetExpr::Query(query) => outermost(&query.body),
        SetExpr::SetOperation { left, .. } => outermost(left).map(|(select, _)| (select, true)),
        _ => None,
    }
}

fn join_constraint(operator: &JoinOperator) -> Option<&JoinConstraint> {
    match operator {
        JoinOperator::Join(c)
        | JoinOperator::Inner(c)
        | JoinOperator::Left(c)
        | JoinOperator::LeftOuter(c)
        | JoinOperator::Right(c)
        | JoinOperator::RightOuter(c)
        | JoinOperator::FullOuter(c)
        | JoinOperator::CrossJoin(c) => Some(c),
        _ => None,
    }
}

/// A boolean condition flattened into its leaf conditions and AND/OR connectives.
#[derive(Debug, Default)]
struct Conditions<'a> {
    leaves: Vec<&'a Expr>,
    n_and: usize,
    n_or: usize,
}

impl<'a> Conditions<'a> {
    fn of(expr: &'a Expr) -> Self {
        let mut conditions = Conditions::default();
        conditions.add(expr);
        conditions
    }

    fn add(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Nested(inner) => self.add(inner),
            Expr::BinaryOp { left, op: op @ (BinaryOperator::And | BinaryOperator::Or), right } => {
                self.add(left);
                if *op == BinaryOperator::And {
                    self.n_and += 1;
                } else {
                    self.n_or += 1;
                }
                self.add(right);
            }
            leaf => self.leaves.push(leaf),
        }
    }
}

fn unwrap_nested(expr: &Expr) -> &Expr {
    match expr {
        Expr::Nested(inner) => unwrap_nested(inner),
        other => other,
    }
}

fn is_like(condition: &Expr) -> bool {
    match unwrap_nested(condition) {
        Expr::Like { .. } | Expr::ILike { .. } => true,
        Expr::UnaryOp { op: UnaryOperator::Not, expr } => is_like(expr),
        _ => false,
    }
}

fn is_negated(condition: &Expr) -> bool {
    match unwrap_nested(condition) {
        Expr::UnaryOp { op: UnaryOperator::Not, .. } => true,
        Expr::In { negated, .. }
        | Expr::Between { negated, .. }
        | Expr::Like { negated, .. }
        | Expr::ILike { negated, .. }
        | Expr::Exists { negated, .. } => *negated,
        _ => false,
    }
}

fn is_subquery(expr: &Expr) -> bool {
    matches!(unwrap_nested(expr), Expr::Subquery(_))
}

/// Subqueries that are operands of a condition (the values Spider calls `val1`/`val2`).
fn n_subquery_operands(condition: &Expr) -> usize {
    match unwrap_nested(condition) {
        Expr::In { target: InTarget::Subquery(_), .. } | Expr::Exists { .. } => 1,
        Expr::UnaryOp { op: UnaryOperator::Not, expr } => n_subquery_operands(expr),
        Expr::BinaryOp { left, right, .. } => usize::from(is_subquery(left)) + usize::from(is_subquery(right)),
        Expr::Between { low, high, .. } => usize::from(is_subquery(low)) + usize::from(is_subquery(high)),
        _ => 0,
    }
}

fn selected(item: &SelectItem) -> Option<&Expr> {
    match item {
        SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => Some(expr),
        _ => None,
    }
}

const AGGREGATES: [&str; 5] = ["max", "min", "count", "sum", "avg"];

fn is_aggregate<'a>(expr: impl Into<Option<&'a Expr>>) -> bool {
    match expr.into().map(unwrap_nested) {
        Some(Expr::Function(function)) => {
            let name = function.name.to_string();
            AGGREGATES.iter().any(|a| a.eq_ignore_ascii_case(&name))
        }
        _ => false,
    }
}

/// Aggregated operands of an ORDER BY item: the item itself, or both sides of arithmetic.
fn n_aggregate_operands(expr: &Expr) -> usize {
    match unwrap_nested(expr) {
        Expr::BinaryOp { left, right, .. } => usize::from(is_aggregate(&**left)) + usize::from(is_aggregate(&**right)),
        other => usize::from(is_aggregate(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sql: &str, expect: Hardness) {
        assert_eq!(hardness(sql), Some(expect), "{sql}");
    }

    #[test]
    fn levels_of_known_spider_queries() {
        check("SELECT count(*) FROM singer", Hardness::Easy);
        check("SELECT name FROM singer WHERE age > 20", Hardness::Easy);
        check("SELECT name, country, age FROM singer ORDER BY age DESC", Hardness::Medium);
        check("SELECT avg(age), min(age), max(age) FROM singer WHERE country = 'France'", Hardness::Medium);
        check(
            "SELECT T2.name, count(*) FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id GROUP BY T1.stadium_id",
            Hardness::Medium,
        );
        check("SELECT name FROM stadium WHERE stadium_id NOT IN (SELECT stadium_id FROM concert)", Hardness::Hard);
        check(
            "SELECT country FROM singer WHERE age > 40 INTERSECT SELECT country FROM singer WHERE age < 30",
            Hardness::Hard,
        );
        check(
            "SELECT T2.name, T2.capacity FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id WHERE T1.year > 2013 GROUP BY T2.stadium_id ORDER BY count(*) DESC LIMIT 1",
            Hardness::Extra,
        );
        assert_eq!(hardness("not sql"), None);
        assert_eq!(hardness("SELECT 1; SELECT 2"), None);
    }
}
