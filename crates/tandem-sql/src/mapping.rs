//! Dialect mismatches with a deterministic translation: functions and syntax a model carried
//! over from another engine (`YEAR(x)` on SQLite, `ILIKE` on MySQL, `||` on MySQL, MySQL date
//! arithmetic elsewhere, `TOP n`). Each finding carries a tier-0 fix that rewrites the node.

use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, DateTimeField, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Query, Select,
    SetExpr, Spanned, TopQuantity, Value, Visit, Visitor,
};
use sqlparser::tokenizer::Token;
use tandem_core::Dialect;

use crate::fix::{Edit, Fix};
use crate::parse::Source;
use crate::violation::{Violation, ViolationCode};

/// Dialect mismatches in `query`, the outermost query of the statement.
pub(crate) fn check(query: &Query, dialect: Dialect, source: &Source<'_>) -> Vec<Violation> {
    let mut mapper = Mapper { dialect, source, skip: 0, violations: Vec::new() };
    let _ = query.visit(&mut mapper);
    if let SetExpr::Select(select) = &*query.body
        && query.limit_clause.is_none()
        && query.fetch.is_none()
    {
        mapper.top(select);
    }
    mapper.violations
}

struct Mapper<'s, 'a> {
    dialect: Dialect,
    source: &'s Source<'a>,
    /// Non-zero inside a node already rewritten as a whole, so fixes never overlap.
    skip: usize,
    violations: Vec<Violation>,
}

impl Mapper<'_, '_> {
    /// Reports `node` (spanning `span`) as foreign to the dialect, with a fix replacing its
    /// whole extent by `replacement`.
    fn replace(&mut self, span: sqlparser::tokenizer::Span, what: &str, replacement: Option<String>) {
        let extent = self.source.extent(span);
        self.report(extent, what, replacement);
    }

    /// Like `replace`, for a function call, whose span may not cover its argument list.
    fn replace_call(&mut self, span: sqlparser::tokenizer::Span, what: &str, replacement: Option<String>) {
        let extent = self.source.call_extent(span);
        self.report(extent, what, replacement);
    }

    fn report(&mut self, extent: Option<crate::span::Span>, what: &str, replacement: Option<String>) {
        let fix = extent.zip(replacement).and_then(|(extent, replacement)| {
            let original = self.source.text(extent)?;
            let description = format!("rewrite `{original}` as `{replacement}`");
            Some(Fix::single(description, Edit::new(extent, original, replacement)))
        });
        let message = format!("{what} is not {} syntax", self.dialect);
        self.violations.push(Violation::new(ViolationCode::DialectMismatch, message, extent).with_fix(fix));
        self.skip = 1;
    }

    fn function(&mut self, expr: &Expr, function: &Function) {
        let [name] = function.name.0.as_slice() else { return };
        let Some(name) = name.as_ident().map(|i| i.value.to_ascii_lowercase()) else { return };
        let args = plain_args(function);
        let span = expr.span();
        let what = format!("`{name}()`");
        match (self.dialect, name.as_str(), args.as_deref()) {
            (Dialect::Sqlite, "year" | "month" | "day", Some([arg])) => {
                let format = match name.as_str() {
                    "year" => "%Y",
                    "month" => "%m",
                    _ => "%d",
                };
                self.replace_call(span, &what, Some(format!("CAST(strftime('{format}', {arg}) AS INTEGER)")));
            }
            (Dialect::Postgres, "year" | "month" | "day", Some([arg])) => {
                self.replace_call(span, &what, Some(format!("EXTRACT({} FROM {arg})", name.to_ascii_uppercase())));
            }
            (Dialect::Postgres | Dialect::Mysql, "strftime", Some([Expr::Value(v), arg])) => {
                let field = match &v.value {
                    Value::SingleQuotedString(f) if f == "%Y" => "YEAR",
                    Value::SingleQuotedString(f) if f == "%m" => "MONTH",
                    Value::SingleQuotedString(f) if f == "%d" => "DAY",
                    _ => return self.replace_call(span, &what, None),
                };
                let replacement = match self.dialect {
                    Dialect::Mysql => format!("{field}({arg})"),
                    _ => format!("EXTRACT({field} FROM {arg})"),
                };
                self.replace_call(span, &what, Some(replacement));
            }
            (Dialect::Sqlite, "now", Some([])) => self.replace_call(span, &what, Some("datetime('now')".into())),
            (Dialect::Sqlite, "curdate" | "current_date", Some([])) => {
                self.replace_call(span, &what, Some("date('now')".into()));
            }
            (
                Dialect::Sqlite,
                "date_add" | "date_sub" | "adddate" | "subdate",
                Some([date, Expr::Interval(interval)]),
            ) => {
                let sign = if name.ends_with("add") { "+" } else { "-" };
                let modifier = sqlite_modifier(sign, &interval.value, interval.leading_field.as_ref());
                self.replace_call(span, &what, modifier.map(|m| format!("datetime({date}, '{m}')")));
            }
            (Dialect::Postgres, "date_add" | "date_sub", Some([date, interval @ Expr::Interval(_)])) => {
                let op = if name == "date_add" { "+" } else { "-" };
                self.replace_call(span, &what, Some(format!("({date} {op} {interval})")));
            }
            (Dialect::Sqlite, "datediff", Some([a, b])) => {
                self.replace_call(span, &what, Some(format!("CAST(julianday({a}) - julianday({b}) AS INTEGER)")));
            }
            (Dialect::Postgres, "datediff", Some([a, b])) => {
                self.replace_call(span, &what, Some(format!("(CAST({a} AS DATE) - CAST({b} AS DATE))")));
            }
            _ => {}
        }
    }

    /// `TOP n` on the outermost SELECT becomes `LIMIT n` (no engine of tandem's has TOP).
    fn top(&mut self, select: &Select) {
        let Some(top) = &select.top else { return };
        let n = match &top.quantity {
            Some(TopQuantity::Constant(n)) => Some(n.to_string()),
            Some(TopQuantity::Expr(Expr::Value(v))) if matches!(v.value, Value::Number(..)) => {
                Some(v.value.to_string())
            }
            _ => None,
        };
        let select_start = self.source.span(select.select_token.0.span).map(|s| s.end);
        let top_tokens = select_start.and_then(|start| self.top_tokens(start));
        let fix = match (n, top_tokens, top.percent || top.with_ties) {
            (Some(n), Some((span, end_of_query)), false) => {
                let original = self.source.text(span).unwrap_or_default();
                Some(Fix {
                    description: format!("replace `{original}` with LIMIT {n}"),
                    edits: vec![
                        Edit::new(span, original, ""),
                        Edit::new(crate::span::Span::new(end_of_query, end_of_query), "", format!(" LIMIT {n}")),
                    ],
                })
            }
            _ => None,
        };
        let span = top_tokens.map(|(span, _)| span);
        let message = format!("`TOP` is not {} syntax; use LIMIT", self.dialect);
        self.violations.push(Violation::new(ViolationCode::DialectMismatch, message, span).with_fix(fix));
    }

    /// The span of `TOP n ` after byte `after`, and the byte where the statement ends.
    fn top_tokens(&self, after: usize) -> Option<(crate::span::Span, usize)> {
        let tokens = &self.source.tokens;
        let meaningful: Vec<usize> =
            (0..tokens.len()).filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_) | Token::EOF)).collect();
        let top = *meaningful.iter().find(|&&i| {
            self.source.token_span(i).is_some_and(|s| s.start >= after)
                && matches!(&tokens[i].token, Token::Word(w) if w.value.eq_ignore_ascii_case("top"))
        })?;
        let quantity = *meaningful.iter().find(|&&i| i > top)?;
        // Up to the next meaningful token, so the removal takes the trailing space too.
        let next = meaningful.iter().find(|&&i| i > quantity).and_then(|&i| self.source.token_span(i))?;
        let start = self.source.token_span(top)?.start;
        let last = meaningful.iter().rev().find(|&&i| tokens[i].token != Token::SemiColon)?;
        Some((crate::span::Span::new(start, next.start), self.source.token_span(*last)?.end))
    }
}

impl Visitor for Mapper<'_, '_> {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if self.skip > 0 {
            self.skip += 1;
            return ControlFlow::Continue(());
        }
        match expr {
            Expr::Function(function) => self.function(expr, function),
            Expr::ILike { negated, any, expr: left, pattern, escape_char } if self.dialect != Dialect::Postgres => {
                // SQLite's LIKE ignores ASCII case and MySQL's default collations do too.
                let like = Expr::Like {
                    negated: *negated,
                    any: *any,
                    expr: left.clone(),
                    pattern: pattern.clone(),
                    escape_char: escape_char.clone(),
                };
                self.replace(expr.span(), "`ILIKE`", Some(like.to_string()));
            }
            Expr::BinaryOp { op: BinaryOperator::StringConcat, .. } if self.dialect == Dialect::Mysql => {
                // MySQL reads `||` as OR unless PIPES_AS_CONCAT is set: a silent wrong answer.
                let mut operands = Vec::new();
                concat_operands(expr, &mut operands);
                let args: Vec<String> = operands.iter().map(ToString::to_string).collect();
                self.replace(expr.span(), "`||` string concatenation", Some(format!("CONCAT({})", args.join(", "))));
            }
            Expr::BinaryOp { left, op: op @ (BinaryOperator::Plus | BinaryOperator::Minus), right }
                if self.dialect == Dialect::Sqlite =>
            {
                if let Expr::Interval(interval) = &**right {
                    let sign = if *op == BinaryOperator::Plus { "+" } else { "-" };
                    let modifier = sqlite_modifier(sign, &interval.value, interval.leading_field.as_ref());
                    let replacement = modifier.map(|m| format!("datetime({left}, '{m}')"));
                    self.replace(expr.span(), "`INTERVAL` arithmetic", replacement);
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, _expr: &Expr) -> ControlFlow<()> {
        self.skip = self.skip.saturating_sub(1);
        ControlFlow::Continue(())
    }
}

/// The operands of a `||` chain, left to right.
fn concat_operands<'e>(expr: &'e Expr, out: &mut Vec<&'e Expr>) {
    match expr {
        Expr::BinaryOp { left, op: BinaryOperator::StringConcat, right } => {
            concat_operands(left, out);
            concat_operands(right, out);
        }
        other => out.push(other),
    }
}

/// The arguments of a call with only plain positional arguments (no DISTINCT, FILTER or OVER).
fn plain_args(function: &Function) -> Option<Vec<&Expr>> {
    if function.over.is_some() || function.filter.is_some() || !function.within_group.is_empty() {
        return None;
    }
    match &function.args {
        FunctionArguments::None => Some(Vec::new()),
        FunctionArguments::List(list) if list.duplicate_treatment.is_none() && list.clauses.is_empty() => list
            .args
            .iter()
            .map(|arg| match arg {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// SQLite's date modifier (`+3 days`) for an interval of a constant count and a unit, from
/// either `INTERVAL 3 DAY` or `INTERVAL '3 days'`.
fn sqlite_modifier(sign: &str, value: &Expr, unit: Option<&DateTimeField>) -> Option<String> {
    let text = match value {
        Expr::Value(v) => match &v.value {
            Value::Number(n, _) => n.clone(),
            Value::SingleQuotedString(s) => s.clone(),
            _ => return None,
        },
        _ => return None,
    };
    let (count, written_unit) = match text.trim().split_once(' ') {
        Some((count, unit)) => (count.to_owned(), Some(unit.trim().to_ascii_lowercase())),
        None => (text.trim().to_owned(), None),
    };
    count.parse::<i64>().ok()?;
    let unit = match (unit, written_unit.as_deref()) {
        (Some(DateTimeField::Year | DateTimeField::Years), _) | (None, Some("year" | "years")) => "years",
        (Some(DateTimeField::Month | DateTimeField::Months), _) | (None, Some("month" | "months")) => "months",
        (Some(DateTimeField::Day | DateTimeField::Days), _) | (None, Some("day" | "days")) => "days",
        (Some(DateTimeField::Hour | DateTimeField::Hours), _) | (None, Some("hour" | "hours")) => "hours",
        (Some(DateTimeField::Minute | DateTimeField::Minutes), _) | (None, Some("minute" | "minutes")) => "minutes",
        (Some(DateTimeField::Second | DateTimeField::Seconds), _) | (None, Some("second" | "seconds")) => "seconds",
        _ => return None,
    };
    Some(format!("{sign}{count} {unit}"))
}
