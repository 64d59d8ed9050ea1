//! The row cap: the outermost query gets `LIMIT max_rows`, or its own limit lowered to it.
//! The executor caps rows too; this makes the database stop early instead of streaming rows
//! that would be thrown away.

use sqlparser::ast::{Expr, LimitClause, Query, SetExpr, UnaryOperator, Value, Values};

use crate::violation::{Violation, ViolationCode};

/// Adds or lowers the limit of `query` (the outermost one) to `max_rows`; a limit that is not
/// a constant is reported instead.
pub(crate) fn cap(query: &mut Query, max_rows: u64) -> Option<Violation> {
    unwrap_parentheses(query);
    if let Some(fetch) = &mut query.fetch {
        // FETCH FIRST n ROWS; PostgreSQL refuses LIMIT and FETCH together, so cap in place.
        if fetch.percent {
            return Some(not_constant("FETCH … PERCENT"));
        }
        return fetch.quantity.as_mut().and_then(|quantity| cap_expr(quantity, max_rows));
    }
    match &mut query.limit_clause {
        None => {
            query.limit_clause =
                Some(LimitClause::LimitOffset { limit: Some(number(max_rows)), offset: None, limit_by: vec![] });
            None
        }
        Some(LimitClause::LimitOffset { limit: limit @ None, .. }) => {
            *limit = Some(number(max_rows));
            None
        }
        Some(LimitClause::LimitOffset { limit: Some(limit), .. } | LimitClause::OffsetCommaLimit { limit, .. }) => {
            cap_expr(limit, max_rows)
        }
    }
}

/// `(SELECT …)` with nothing outside the parentheses is the inner query. SQLite refuses a
/// parenthesised statement, and a limit added outside would otherwise print as
/// `(SELECT …) LIMIT n`.
fn unwrap_parentheses(query: &mut Query) {
    while query.with.is_none()
        && query.order_by.is_none()
        && query.limit_clause.is_none()
        && query.fetch.is_none()
        && query.locks.is_empty()
        && matches!(*query.body, SetExpr::Query(_))
    {
        let placeholder = SetExpr::Values(Values { explicit_row: false, value_keyword: false, rows: Vec::new() });
        match *std::mem::replace(&mut query.body, Box::new(placeholder)) {
            SetExpr::Query(inner) => *query = *inner,
            other => *query.body = other,
        }
    }
}

fn cap_expr(limit: &mut Expr, max_rows: u64) -> Option<Violation> {
    match constant(limit) {
        Some(Bound::Rows(n)) if n <= max_rows => None,
        // A larger limit, or none at all (SQLite reads a negative limit and PostgreSQL a NULL
        // one as "no limit").
        Some(Bound::Rows(_) | Bound::Unbounded) => {
            *limit = number(max_rows);
            None
        }
        None => Some(not_constant(&limit.to_string())),
    }
}

enum Bound {
    Rows(u64),
    Unbounded,
}

fn constant(expr: &Expr) -> Option<Bound> {
    match expr {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.parse().ok().map(Bound::Rows),
            Value::Null => Some(Bound::Unbounded),
            _ => None,
        },
        Expr::UnaryOp { op: UnaryOperator::Minus, expr } => {
            matches!(&**expr, Expr::Value(v) if matches!(v.value, Value::Number(..))).then_some(Bound::Unbounded)
        }
        Expr::Nested(inner) => constant(inner),
        _ => None,
    }
}

fn number(n: u64) -> Expr {
    Expr::value(Value::Number(n.to_string(), false))
}

fn not_constant(what: &str) -> Violation {
    Violation::new(
        ViolationCode::LimitNotConstant,
        format!("the row limit `{what}` is not a constant, so the row cap cannot be applied; use LIMIT n"),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::ast::Statement;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn check(sql: &str, expect: &str) {
        let mut statements = Parser::parse_sql(&PostgreSqlDialect {}, sql).unwrap();
        let Statement::Query(query) = &mut statements[0] else { panic!("not a query") };
        let got = match cap(query, 100) {
            None => query.to_string(),
            Some(v) => v.code.as_str().to_owned(),
        };
        assert_eq!(got, expect, "{sql}");
    }

    #[test]
    fn adds_or_lowers_the_outer_limit() {
        check("SELECT 1", "SELECT 1 LIMIT 100");
        check("SELECT 1 LIMIT 5", "SELECT 1 LIMIT 5");
        check("SELECT 1 LIMIT 500 OFFSET 3", "SELECT 1 LIMIT 100 OFFSET 3");
        check("SELECT 1 OFFSET 3", "SELECT 1 LIMIT 100 OFFSET 3");
        check("SELECT 1 LIMIT ALL", "SELECT 1 LIMIT 100");
        check("SELECT 1 LIMIT -1", "SELECT 1 LIMIT 100");
        check("SELECT 1 LIMIT NULL", "SELECT 1 LIMIT 100");
        check("SELECT 1 FETCH FIRST 1000 ROWS ONLY", "SELECT 1 FETCH FIRST 100 ROWS ONLY");
        check("SELECT 1 UNION SELECT 2 LIMIT 7", "SELECT 1 UNION SELECT 2 LIMIT 7");
        check("SELECT 1 LIMIT (SELECT 5)", "limit_not_constant");
        check("((SELECT 1 LIMIT 5))", "SELECT 1 LIMIT 5");
        check("(SELECT 1) ORDER BY 1", "(SELECT 1) ORDER BY 1 LIMIT 100");
    }
}
