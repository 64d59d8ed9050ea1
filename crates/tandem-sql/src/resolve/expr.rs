//! Expressions: every column reference in any clause, found with sqlparser's visitor so that no
//! expression form is missed, while subqueries are resolved in their own scope.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Query, Visit, Visitor};

use super::Resolver;

impl Resolver<'_, '_> {
    /// Resolves every column reference inside `node` in the current scope.
    pub(super) fn walk<N: Visit>(&mut self, node: &N) {
        let mut walker = Walker { resolver: self, skip: 0 };
        // The walker never breaks.
        let _ = node.visit(&mut walker);
    }
}

struct Walker<'w, 'r, 'a> {
    resolver: &'w mut Resolver<'r, 'a>,
    /// Non-zero inside a node already handled as a whole (a subquery resolved in its own
    /// scope, a field access whose path is not made of columns): counts open nodes there.
    skip: usize,
}

impl Visitor for Walker<'_, '_, '_> {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if self.skip > 0 {
            self.skip += 1;
            return ControlFlow::Continue(());
        }
        match expr {
            Expr::Identifier(ident) => self.resolver.column(ident),
            Expr::CompoundIdentifier(parts) => self.resolver.qualified(parts),
            Expr::CompoundFieldAccess { root, .. } => {
                self.resolver.walk(root);
                self.skip = 1;
            }
            // Lambda parameters are not columns; tandem's engines have no lambdas anyway.
            Expr::Lambda(_) => self.skip = 1,
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, _expr: &Expr) -> ControlFlow<()> {
        self.skip = self.skip.saturating_sub(1);
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if self.skip > 0 {
            self.skip += 1;
        } else {
            // A subquery in an expression: its own scope, with the current SELECTs enclosing it.
            self.resolver.query(query);
            self.skip = 1;
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
        self.skip = self.skip.saturating_sub(1);
        ControlFlow::Continue(())
    }
}
