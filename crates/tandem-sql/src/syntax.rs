//! Fail closed: the syntax tandem checks, and nothing else.
//!
//! Name resolution can only vouch for the clauses it walks. This pass walks the whole tree
//! with sqlparser's visitor and refuses (`unsupported_syntax`) every node kind that tandem does
//! not handle, with matches that name each variant: a new kind in a sqlparser upgrade is a
//! compile error here until someone decides about it. It then checks that resolution really
//! saw every FROM item and every subquery in the tree, so a clause the resolver skips cannot
//! hide a relation from the catalog check. It also refuses session and system variables and
//! calls functions from another dialect what they are.

use std::collections::HashSet;
use std::ops::ControlFlow;

use sqlparser::ast::{
    BinaryOperator, Expr, Function, FunctionArguments, InTarget, Query, Select, Spanned, TableFactor, Visit, Visitor,
};
use tandem_core::Dialect;

use crate::functions::{Standing, standing};
use crate::parse::Source;
use crate::violation::{Violation, ViolationCode};

/// The nodes name resolution handled, by address in the tree it was given.
#[derive(Debug, Default)]
pub(crate) struct Handled {
    pub(crate) queries: HashSet<*const Query>,
    pub(crate) factors: HashSet<*const TableFactor>,
}

/// Unsupported syntax, unresolved nodes, variables and other-dialect functions in `query`.
/// `reported` holds the violations found so far: a dialect mismatch that already carries a
/// rewrite is not reported twice.
pub(crate) fn check(
    query: &Query,
    dialect: Dialect,
    source: &Source<'_>,
    handled: &Handled,
    reported: &[Violation],
) -> Vec<Violation> {
    let mut checker = Checker { dialect, source, handled, reported, violations: Vec::new() };
    let _ = query.visit(&mut checker);
    checker.violations
}

struct Checker<'c, 'a> {
    dialect: Dialect,
    source: &'c Source<'a>,
    handled: &'c Handled,
    reported: &'c [Violation],
    violations: Vec<Violation>,
}

impl Checker<'_, '_> {
    fn unsupported(&mut self, what: &str, span: sqlparser::tokenizer::Span) {
        let message = format!("{what} is not supported here; write the query without it");
        self.violations.push(Violation::new(ViolationCode::UnsupportedSyntax, message, self.source.span(span)));
    }

    /// A function allowed on another dialect only, unless the dialect mapping already
    /// reported (and rewrote) the call.
    fn foreign_function(&mut self, function: &Function) {
        let Some(name) = function.name.0.last().and_then(|p| p.as_ident()) else { return };
        let qualified = function.name.0.len() > 1;
        if qualified || standing(self.dialect, &name.value, false) != Standing::OtherDialect {
            return;
        }
        let span = self.source.span(name.span);
        let covered = |v: &Violation| {
            v.code == ViolationCode::DialectMismatch
                && matches!((v.span, span), (Some(outer), Some(inner)) if outer.start <= inner.start && inner.end <= outer.end)
        };
        if self.reported.iter().any(covered) {
            return;
        }
        let message = format!("`{}()` is not a {} function", name.value, self.dialect);
        self.violations.push(Violation::new(ViolationCode::DialectMismatch, message, span));
    }
}

impl Visitor for Checker<'_, '_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if !self.handled.queries.contains(&std::ptr::from_ref(query)) {
            self.unsupported("a subquery in this clause", query.span());
        }
        let Query {
            with: _,
            body: _,
            order_by: _,
            limit_clause: _,
            fetch: _,
            locks: _,
            for_clause: _,
            settings,
            format_clause,
            pipe_operators,
        } = query;
        if settings.is_some() {
            self.unsupported("`SETTINGS`", query.span());
        }
        if format_clause.is_some() {
            self.unsupported("`FORMAT`", query.span());
        }
        if !pipe_operators.is_empty() {
            self.unsupported("a pipe operator", query.span());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        let span = select.select_token.0.span;
        let Select {
            select_token: _,
            optimizer_hints,
            distinct: _,
            select_modifiers,
            top: _,
            top_before_distinct: _,
            projection: _,
            exclude,
            into: _,
            from: _,
            lateral_views,
            prewhere,
            selection: _,
            connect_by,
            group_by: _,
            cluster_by,
            distribute_by,
            sort_by,
            having: _,
            named_window: _,
            qualify,
            window_before_qualify: _,
            value_table_mode,
            flavor: _,
        } = select;
        let unsupported = [
            (!optimizer_hints.is_empty(), "an optimizer hint"),
            (select_modifiers.is_some(), "a SELECT modifier"),
            (exclude.is_some(), "`EXCLUDE`"),
            (!lateral_views.is_empty(), "`LATERAL VIEW`"),
            (prewhere.is_some(), "`PREWHERE`"),
            (!connect_by.is_empty(), "`CONNECT BY`"),
            (!cluster_by.is_empty(), "`CLUSTER BY`"),
            (!distribute_by.is_empty(), "`DISTRIBUTE BY`"),
            (!sort_by.is_empty(), "`SORT BY`"),
            (qualify.is_some(), "`QUALIFY`"),
            (value_table_mode.is_some(), "`AS STRUCT`/`AS VALUE`"),
        ];
        for (present, what) in unsupported {
            if present {
                self.unsupported(what, span);
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if !self.handled.factors.contains(&std::ptr::from_ref(factor)) {
            self.unsupported("a FROM item in this clause", factor.span());
        }
        let what = match factor {
            TableFactor::Table { with_hints, version, json_path, partitions, .. } => {
                if !with_hints.is_empty() {
                    Some("a table hint")
                } else if version.is_some() {
                    Some("a table version (`FOR SYSTEM_TIME`, `AT`)")
                } else if json_path.is_some() {
                    Some("a JSON path on a table")
                } else if !partitions.is_empty() {
                    Some("`PARTITION`")
                } else {
                    None
                }
            }
            TableFactor::Derived { .. } | TableFactor::NestedJoin { .. } | TableFactor::Function { .. } => None,
            TableFactor::UNNEST { .. } if self.dialect == Dialect::Postgres => None,
            TableFactor::UNNEST { .. } => Some("`UNNEST`"),
            TableFactor::TableFunction { .. } => Some("`TABLE(…)`"),
            TableFactor::JsonTable { .. } => Some("`JSON_TABLE`"),
            TableFactor::OpenJsonTable { .. } => Some("`OPENJSON`"),
            TableFactor::XmlTable { .. } => Some("`XMLTABLE`"),
            TableFactor::Pivot { .. } => Some("`PIVOT`"),
            TableFactor::Unpivot { .. } | TableFactor::UnpivotExpr { .. } => Some("`UNPIVOT`"),
            TableFactor::MatchRecognize { .. } => Some("`MATCH_RECOGNIZE`"),
            TableFactor::SemanticView { .. } => Some("a semantic view"),
        };
        if let Some(what) = what {
            self.unsupported(what, factor.span());
        }
        if let TableFactor::Table { name, args: Some(_), .. } | TableFactor::Function { name, .. } = factor
            && let [only] = name.0.as_slice()
            && let Some(ident) = only.as_ident()
            && standing(self.dialect, &ident.value, true) == Standing::OtherDialect
        {
            let message = format!("`{}()` is not a {} table function", ident.value, self.dialect);
            self.violations.push(Violation::new(ViolationCode::DialectMismatch, message, self.source.span(ident.span)));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Some(what) = unsupported_expr(expr, self.dialect) {
            self.unsupported(what, expr.span());
        }
        if let Expr::Function(function) = expr {
            self.foreign_function(function);
        }
        ControlFlow::Continue(())
    }
}

/// What is unsupported about `expr` itself (not its children, which the visitor reaches).
fn unsupported_expr(expr: &Expr, dialect: Dialect) -> Option<&'static str> {
    use Expr as E;
    match expr {
        E::Identifier(ident) if ident.quote_style.is_none() && ident.value.starts_with('@') => {
            Some("a session or system variable")
        }
        E::CompoundIdentifier(parts)
            if parts.first().is_some_and(|p| p.quote_style.is_none() && p.value.starts_with('@')) =>
        {
            Some("a session or system variable")
        }
        E::Identifier(_) | E::CompoundIdentifier(_) | E::CompoundFieldAccess { .. } => None,
        E::BinaryOp { op, .. } => match op {
            BinaryOperator::Assignment => Some("an assignment (`:=`)"),
            BinaryOperator::Custom(_) | BinaryOperator::PGCustomBinaryOperator(_) => Some("a custom operator"),
            _ => None,
        },
        E::In { target: InTarget::Unnest(_), .. } => Some("`IN UNNEST`"),
        E::In { .. } => None,
        E::Function(function) => {
            (!matches!(function.parameters, FunctionArguments::None)).then_some("function parameters")
        }
        E::Value(value) if matches!(value.value, sqlparser::ast::Value::Placeholder(_)) => Some("a placeholder"),
        E::IsFalse(_)
        | E::IsNotFalse(_)
        | E::IsTrue(_)
        | E::IsNotTrue(_)
        | E::IsNull(_)
        | E::IsNotNull(_)
        | E::IsUnknown(_)
        | E::IsNotUnknown(_)
        | E::IsDistinctFrom(..)
        | E::IsNotDistinctFrom(..)
        | E::IsJson { .. }
        | E::IsNormalized { .. }
        | E::Between { .. }
        | E::Like { .. }
        | E::ILike { .. }
        | E::SimilarTo { .. }
        | E::RLike { .. }
        | E::AnyOp { .. }
        | E::AllOp { .. }
        | E::UnaryOp { .. }
        | E::Convert { .. }
        | E::Cast { .. }
        | E::AtTimeZone { .. }
        | E::Extract { .. }
        | E::Ceil { .. }
        | E::Floor { .. }
        | E::Position { .. }
        | E::Substring { .. }
        | E::Trim { .. }
        | E::Overlay { .. }
        | E::Collate { .. }
        | E::Nested(_)
        | E::Value(_)
        | E::Prefixed { .. }
        | E::TypedString(_)
        | E::Case { .. }
        | E::Exists { .. }
        | E::Subquery(_)
        | E::GroupingSets(_)
        | E::Cube(_)
        | E::Rollup(_)
        | E::Tuple(_)
        | E::Interval(_)
        | E::Wildcard(_)
        | E::QualifiedWildcard(..) => None,
        E::Array(_) if dialect == Dialect::Postgres => None,
        E::MatchAgainst { .. } if dialect == Dialect::Mysql => None,
        E::Array(_) => Some("an array literal"),
        E::MatchAgainst { .. } => Some("`MATCH … AGAINST`"),
        E::JsonAccess { .. } => Some("a `:` JSON path"),
        E::Struct { .. } | E::Named { .. } | E::Dictionary(_) | E::Map(_) => Some("a struct or map literal"),
        E::OuterJoin(_) => Some("an Oracle outer join `(+)`"),
        E::Prior(_) => Some("`PRIOR`"),
        E::Lambda(_) => Some("a lambda"),
        E::MemberOf(_) => Some("`MEMBER OF`"),
    }
}
