//! Comparisons PostgreSQL refuses for their types (SQLite and MySQL convert silently):
//! a boolean column against `0`/`1`, which has a deterministic fix, and a numeric column
//! against a string that is not a number, which goes to the small model.

use std::ops::ControlFlow;

use sqlparser::ast::{BinaryOperator, Expr, Query, Value, Visit, Visitor};
use sqlparser::tokenizer::Span;
use tandem_core::Dialect;

use crate::fix::{Edit, Fix};
use crate::parse::Source;
use crate::violation::{Violation, ViolationCode};

/// Type mismatches in comparisons between a catalog column and a literal.
pub(crate) fn check(query: &Query, dialect: Dialect, types: &[(Span, String)], source: &Source<'_>) -> Vec<Violation> {
    if dialect != Dialect::Postgres || types.is_empty() {
        return Vec::new();
    }
    let mut checker = Checker { types, source, violations: Vec::new() };
    let _ = query.visit(&mut checker);
    checker.violations
}

struct Checker<'t, 's, 'a> {
    types: &'t [(Span, String)],
    source: &'s Source<'a>,
    violations: Vec<Violation>,
}

impl Checker<'_, '_, '_> {
    fn declared<'e>(&self, expr: &'e Expr) -> Option<(&'e str, String)> {
        let ident = match expr {
            Expr::Identifier(ident) => ident,
            Expr::CompoundIdentifier(parts) => parts.last()?,
            Expr::Nested(inner) => return self.declared(inner),
            _ => return None,
        };
        let declared = self.types.iter().find(|(span, _)| *span == ident.span)?;
        Some((ident.value.as_str(), declared.1.clone()))
    }

    fn compare(&mut self, column: &Expr, literal: &Expr) {
        let (Some((name, declared)), Expr::Value(value)) = (self.declared(column), literal) else { return };
        let family = family(&declared);
        let span = self.source.span(value.span);
        match (family, &value.value) {
            (Family::Boolean, Value::Number(n, _)) if n == "0" || n == "1" => {
                let replacement = if n == "1" { "TRUE" } else { "FALSE" };
                let fix = span.and_then(|span| {
                    let original = self.source.text(span)?;
                    Some(Fix::single(
                        format!("compare boolean `{name}` with {replacement}"),
                        Edit::new(span, original, replacement),
                    ))
                });
                let message = format!("`{name}` is {declared}; PostgreSQL does not compare it with the number {n}");
                self.violations.push(Violation::new(ViolationCode::TypeMismatch, message, span).with_fix(fix));
            }
            (Family::Number, Value::SingleQuotedString(text)) if text.trim().parse::<f64>().is_err() => {
                let message = format!("`{name}` is {declared}, but is compared with the text '{text}'");
                self.violations.push(Violation::new(ViolationCode::TypeMismatch, message, span));
            }
            _ => {}
        }
    }
}

impl Visitor for Checker<'_, '_, '_> {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::BinaryOp { left, op, right } = expr
            && matches!(
                op,
                BinaryOperator::Eq
                    | BinaryOperator::NotEq
                    | BinaryOperator::Lt
                    | BinaryOperator::LtEq
                    | BinaryOperator::Gt
                    | BinaryOperator::GtEq
            )
        {
            self.compare(left, right);
            self.compare(right, left);
        }
        ControlFlow::Continue(())
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Family {
    Boolean,
    Number,
    Other,
}

/// The comparison family of a declared PostgreSQL type.
fn family(declared: &str) -> Family {
    let lower = declared.trim().to_ascii_lowercase();
    let base = lower.split(['(', ' ']).next().unwrap_or_default();
    match base {
        "bool" | "boolean" => Family::Boolean,
        "int" | "int2" | "int4" | "int8" | "integer" | "smallint" | "bigint" | "numeric" | "decimal" | "real"
        | "float" | "float4" | "float8" | "double" | "serial" | "bigserial" | "money" => Family::Number,
        _ => Family::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_of_declared_types() {
        assert_eq!(family("boolean"), Family::Boolean);
        assert_eq!(family("numeric(10,2)"), Family::Number);
        assert_eq!(family("double precision"), Family::Number);
        assert_eq!(family("text"), Family::Other);
    }
}
