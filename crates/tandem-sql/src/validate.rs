//! `validate`: the pipeline of checks, from text to `ValidatedSql` or `Rejection`.

use sqlparser::ast::Statement;
use tandem_core::Catalog;

use crate::parse::{self, Source};
use crate::policy::Policy;
use crate::validated::ValidatedSql;
use crate::violation::{Rejection, Violation, ViolationCode};
use crate::{guard, limit, normalise, prescan, resolve};

/// Validates one model-written statement against the policy and catalog.
///
/// Returns the normalised, row-capped SQL (with any plan-conformance warnings), or every
/// violation found. Never panics, whatever the input.
pub fn validate(sql: &str, policy: &Policy, catalog: &Catalog) -> Result<ValidatedSql, Rejection> {
    let source = parse::tokenize(sql, policy).map_err(|v| reject(vec![v]))?;
    let mut statements = match parse::parse(&source, policy) {
        Ok(statements) => statements,
        Err(failure) => {
            let mut violations = failure.violations;
            violations.extend(prescan::scan(&source, policy.dialect));
            return Err(reject(violations));
        }
    };
    if statements.len() != 1 {
        return Err(reject(several_statements(&statements, policy, &source)));
    }
    let Some(Statement::Query(mut query)) = statements.pop().filter(|s| guard::statement_class(s).is_none())
    else {
        let violations = statements.iter().flat_map(|s| guard::check(s, policy.dialect, &source)).collect();
        return Err(reject(violations));
    };
    let mut violations = guard::check(&Statement::Query(query.clone()), policy.dialect, &source);
    if violations.iter().any(|v| v.fatal) {
        // A policy violation is not retried, so its names need not be resolved.
        return Err(reject(violations));
    }
    let resolution = resolve::resolve(&query, catalog, policy.dialect, policy.scope.as_ref(), &source);
    violations.extend(resolution.violations);
    if let Err(violation) = limit::cap(&mut query, policy.max_rows) {
        violations.push(violation);
    }
    if violations.iter().any(|v| v.fatal) {
        return Err(reject(violations));
    }
    normalise::string_literals(&mut query, &resolution.string_literals);
    Ok(ValidatedSql::new(query.to_string(), policy.dialect, resolution.tables, violations))
}

/// Stacked statements: say so, and report what each of them would have done.
fn several_statements(statements: &[Statement], policy: &Policy, source: &Source<'_>) -> Vec<Violation> {
    let mut violations = vec![Violation::new(
        ViolationCode::MultipleStatements,
        format!("found {} statements; exactly one query may run", statements.len()),
        None,
    )];
    violations.extend(statements.iter().flat_map(|s| guard::check(s, policy.dialect, source)));
    violations
}

/// Orders violations for people and prompts: fatal first, then by position.
fn reject(mut violations: Vec<Violation>) -> Rejection {
    violations.sort_by_key(|v| (!v.fatal, v.span.map(|s| s.start)));
    violations.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    Rejection { violations }
}
