//! Rewrites that make the normalised text say exactly what the engine would do.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Query, Value, VisitMut, VisitorMut};
use sqlparser::tokenizer::Span;

/// Spells SQLite's double-quoted "identifiers" that name nothing as the string literals SQLite
/// takes them for (`WHERE name = "France"`), so the text no longer depends on that quirk.
pub(crate) fn string_literals(query: &mut Query, spans: &[Span]) {
    if spans.is_empty() {
        return;
    }
    let mut rewriter = StringLiterals { spans };
    let _ = query.visit(&mut rewriter);
}

struct StringLiterals<'s> {
    spans: &'s [Span],
}

impl VisitorMut for StringLiterals<'_> {
    type Break = ();

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::Identifier(ident) = expr
            && ident.quote_style == Some('"')
            && self.spans.contains(&ident.span)
        {
            let literal = Value::SingleQuotedString(std::mem::take(&mut ident.value)).with_span(ident.span);
            *expr = Expr::Value(literal);
        }
        ControlFlow::Continue(())
    }
}
