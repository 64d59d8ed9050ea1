//! The read-only policy: one plain query, no writes hidden inside it, no `SELECT … INTO`, no
//! locking clauses, only allowed functions anywhere in the tree.

use std::ops::ControlFlow;

use sqlparser::ast::{Expr, Function, ObjectName, Query, Select, Spanned, Statement, TableFactor, Visit, Visitor};
use tandem_core::Dialect;

use crate::functions::{Standing, standing, user_qualifier};
use crate::parse::Source;
use crate::violation::{Violation, ViolationCode};

/// The class of a statement that is not a plain query.
pub(crate) fn statement_class(statement: &Statement) -> Option<(ViolationCode, &'static str)> {
    use Statement as S;
    use ViolationCode as C;
    let class = match statement {
        S::Query { .. } => return None,
        S::Insert { .. } | S::Update { .. } | S::Delete { .. } | S::Merge { .. } => (C::WriteStatement, "writes data"),
        S::Copy { .. }
        | S::CopyIntoSnowflake { .. }
        | S::Load { .. }
        | S::LoadData { .. }
        | S::Directory { .. }
        | S::Unload { .. }
        | S::ExportData { .. }
        | S::Put { .. }
        | S::List { .. }
        | S::Remove { .. } => (C::FileAccess, "reads or writes server files or programs"),
        S::StartTransaction { .. }
        | S::Commit { .. }
        | S::Rollback { .. }
        | S::Savepoint { .. }
        | S::ReleaseSavepoint { .. }
        | S::Set { .. }
        | S::Reset { .. }
        | S::Pragma { .. }
        | S::AttachDatabase { .. }
        | S::AttachDuckDBDatabase { .. }
        | S::DetachDuckDBDatabase { .. }
        | S::Vacuum { .. }
        | S::Analyze { .. }
        | S::Use { .. }
        | S::Lock { .. }
        | S::LockTables { .. }
        | S::UnlockTables
        | S::Discard { .. }
        | S::LISTEN { .. }
        | S::UNLISTEN { .. }
        | S::NOTIFY { .. }
        | S::AlterSession { .. }
        | S::Flush { .. }
        | S::Cache { .. }
        | S::UNCache { .. }
        | S::Kill { .. }
        | S::Declare { .. }
        | S::Fetch { .. }
        | S::Open { .. }
        | S::Close { .. }
        | S::Deallocate { .. } => (C::SessionStatement, "controls the transaction or session"),
        S::Explain { .. }
        | S::ExplainTable { .. }
        | S::Call { .. }
        | S::Execute { .. }
        | S::Prepare { .. }
        | S::Case { .. }
        | S::If { .. }
        | S::While { .. }
        | S::Raise { .. }
        | S::Assert { .. }
        | S::Throw { .. }
        | S::Print { .. }
        | S::WaitFor { .. }
        | S::Return { .. }
        | S::RaisError { .. }
        | S::ShowFunctions { .. }
        | S::ShowVariable { .. }
        | S::ShowStatus { .. }
        | S::ShowVariables { .. }
        | S::ShowCreate { .. }
        | S::ShowColumns { .. }
        | S::ShowCatalogs { .. }
        | S::ShowDatabases { .. }
        | S::ShowProcessList { .. }
        | S::ShowSchemas { .. }
        | S::ShowCharset { .. }
        | S::ShowObjects { .. }
        | S::ShowTables { .. }
        | S::ShowViews { .. }
        | S::ShowCollation { .. } => (C::UnsupportedStatement, "is not a plain query"),
        // Everything else defines, alters, drops or grants something.
        _ => (C::DdlStatement, "defines or changes schema objects or privileges"),
    };
    Some(class)
}

/// Checks the statement's kind and walks its whole tree for policy violations.
pub(crate) fn check(statement: &Statement, dialect: Dialect, source: &Source<'_>) -> Vec<Violation> {
    walk(statement, 0, dialect, source)
}

/// Walks a top-level query (the statement around it already checked) for policy violations.
pub(crate) fn check_query(query: &Query, dialect: Dialect, source: &Source<'_>) -> Vec<Violation> {
    walk(query, 1, dialect, source)
}

/// Walks everything inside a transform step, whose own kind the transform policy judges:
/// nested statements, locking clauses, `SELECT … INTO` and denied functions, as for queries.
pub(crate) fn check_inside(statement: &Statement, dialect: Dialect, source: &Source<'_>) -> Vec<Violation> {
    let mut guard = Guard { dialect, source, depth: 0, skip_root: true, violations: Vec::new() };
    let _ = statement.visit(&mut guard);
    guard.violations
}

fn walk(node: &impl Visit, depth: usize, dialect: Dialect, source: &Source<'_>) -> Vec<Violation> {
    let mut guard = Guard { dialect, source, depth, skip_root: false, violations: Vec::new() };
    // The visitor never breaks; every finding is collected.
    let _ = node.visit(&mut guard);
    guard.violations
}

struct Guard<'s, 'a> {
    dialect: Dialect,
    source: &'s Source<'a>,
    /// Statement nesting: 1 while inside the top-level statement.
    depth: usize,
    /// Whether the top-level statement's own kind is someone else's to judge.
    skip_root: bool,
    violations: Vec<Violation>,
}

impl Guard<'_, '_> {
    fn push(&mut self, code: ViolationCode, message: String, span: sqlparser::tokenizer::Span) {
        let span = self.source.span(span);
        self.violations.push(Violation::new(code, message, span));
    }

    /// Refuses a function that no dialect allows where it is used, or a user-defined one (any
    /// qualifier but the dialect's built-in schema). A function allowed on another dialect
    /// only is left to the dialect checks, which can rewrite it.
    fn check_function_name(&mut self, name: &ObjectName, in_from: bool) {
        let Some(last) = name.0.last().and_then(|part| part.as_ident()) else { return };
        let user_defined = user_qualifier(name, self.dialect);
        if user_defined || standing(self.dialect, &last.value, in_from) == Standing::Denied {
            let what = if in_from { "table function" } else { "function" };
            self.push(
                ViolationCode::DeniedFunction,
                format!("{what} `{name}` is not allowed on {}", self.dialect),
                last.span,
            );
        }
    }
}

impl Visitor for Guard<'_, '_> {
    type Break = ();

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<()> {
        self.depth += 1;
        if self.skip_root && self.depth == 1 {
            return ControlFlow::Continue(());
        }
        if let Some((code, what)) = statement_class(statement) {
            let place = if self.depth > 1 { "a statement nested in the query" } else { "the statement" };
            self.push(code, format!("{place} {what}; only read-only queries may run"), statement.span());
        }
        ControlFlow::Continue(())
    }

    fn post_visit_statement(&mut self, _statement: &Statement) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        for lock in &query.locks {
            let span = lock.of.as_ref().map(Spanned::span).unwrap_or_else(|| query.span());
            self.push(ViolationCode::LockingClause, format!("`{lock}` locks rows; queries run read-only"), span);
        }
        if query.for_clause.is_some() {
            self.push(ViolationCode::UnsupportedStatement, "FOR XML/JSON/BROWSE is not supported".into(), query.span());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        if let Some(into) = &select.into {
            self.push(
                ViolationCode::SelectInto,
                format!("`{into}` creates a table or assigns variables; queries must only read"),
                select.select_token.0.span,
            );
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::Function(Function { name, .. }) = expr {
            self.check_function_name(name, false);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        // Table-valued functions read files too (SQLite `fsdir`, PostgreSQL `pg_ls_dir`).
        match factor {
            TableFactor::Table { name, args: Some(_), .. } | TableFactor::Function { name, .. } => {
                self.check_function_name(name, true);
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse, tokenize};
    use crate::policy::Policy;

    fn codes(dialect: Dialect, sql: &str) -> Vec<&'static str> {
        let policy = Policy::new(dialect);
        let source = tokenize(sql, &policy).unwrap();
        let statements = parse(&source, &policy).unwrap();
        check(&statements[0], dialect, &source).iter().map(|v| v.code.as_str()).collect()
    }

    #[test]
    fn classifies_statements_and_nested_policy_violations() {
        use Dialect::*;
        for (dialect, sql, expect) in [
            (Sqlite, "SELECT 1", vec![]),
            (Sqlite, "DELETE FROM t", vec!["write_statement"]),
            (Sqlite, "PRAGMA writable_schema = 1", vec!["session_statement"]),
            (Sqlite, "ATTACH DATABASE '/tmp/x' AS x", vec!["session_statement"]),
            (Sqlite, "DROP TABLE t", vec!["ddl_statement"]),
            (Postgres, "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d", vec!["write_statement"]),
            (Postgres, "SELECT * INTO new_t FROM t", vec!["select_into"]),
            (Postgres, "SELECT * FROM t FOR UPDATE", vec!["locking_clause"]),
            (Postgres, "COPY t TO PROGRAM 'sh'", vec!["file_access"]),
            (Postgres, "SELECT 1 WHERE 1 = (SELECT pg_catalog.PG_SLEEP(10))", vec!["denied_function"]),
            (Postgres, "SELECT * FROM pg_ls_dir('/')", vec!["denied_function"]),
            (Mysql, "SELECT BENCHMARK(1000000, MD5('a'))", vec!["denied_function"]),
            (Sqlite, "SELECT * FROM fsdir('/etc')", vec!["denied_function"]),
        ] {
            assert_eq!(codes(dialect, sql), expect, "{dialect}: {sql}");
        }
    }
}
