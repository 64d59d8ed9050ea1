//! `validate`: the pipeline of checks, from text to `ValidatedSql` or `Rejection`.

use sqlparser::ast::Statement;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::Token;
use tandem_core::Catalog;

use crate::fix::{Edit, Fix};
use crate::parse::{self, Source};
use crate::policy::Policy;
use crate::validated::ValidatedSql;
use crate::violation::{Rejection, Violation, ViolationCode};
use crate::{conformance, faithful, guard, limit, mapping, normalise, prescan, quoting, resolve, syntax, types};

/// Validates one model-written statement against the policy and catalog.
///
/// Returns the normalised, row-capped SQL (with any plan-conformance warnings), or every
/// violation found. Never panics, whatever the input.
pub fn validate(sql: &str, policy: &Policy, catalog: &Catalog) -> Result<ValidatedSql, Rejection> {
    let source = parse::tokenize(sql, policy).map_err(|v| reject(vec![*v]))?;
    if source.tokens.len() > LONG_INPUT_TOKENS {
        // The parser's recursion limit does not bound operator chains (`1+1+…` parses in a
        // loop into a left-deep tree), and dropping, cloning or printing such a tree recurses
        // once per operator. Long inputs therefore run on a stack sized for the longest input
        // the policy admits, so no input can overflow the caller's stack.
        return stacker::grow(LONG_INPUT_STACK_BYTES, || checked(&source, policy, catalog));
    }
    checked(&source, policy, catalog)
}

/// Inputs with more tokens than this run on their own stack (typical queries have < 200).
pub(crate) const LONG_INPUT_TOKENS: usize = 2_000;
pub(crate) const LONG_INPUT_STACK_BYTES: usize = 64 * 1024 * 1024;

fn checked(source: &Source<'_>, policy: &Policy, catalog: &Catalog) -> Result<ValidatedSql, Rejection> {
    let mut statements = match parse::parse(source, policy) {
        Ok(statements) => statements,
        Err(failure) => {
            let mut violations = failure.violations;
            if let Some(quoting) = failure.at_token.and_then(|i| reserved_word_fix(source, i, policy, catalog)) {
                violations = vec![quoting];
            }
            violations.extend(prescan::scan(source, policy.dialect));
            return Err(reject(violations));
        }
    };
    if statements.len() != 1 {
        return Err(reject(several_statements(&statements, policy, source)));
    }
    let Some(statement) = statements.pop() else {
        return Err(reject(vec![Violation::new(ViolationCode::EmptyStatement, "there is no SQL statement", None)]));
    };
    let Statement::Query(mut query) = statement else {
        return Err(reject(guard::check(&statement, policy.dialect, source)));
    };
    let mut violations = guard::check_query(&query, policy.dialect, source);
    if violations.iter().any(|v| v.fatal) {
        // A policy violation is not retried, so its names need not be resolved.
        return Err(reject(violations));
    }
    let resolution = resolve::resolve(&query, catalog, policy.dialect, policy.scope.as_ref(), source);
    violations.extend(resolution.violations);
    violations.extend(mapping::check(&query, policy.dialect, source));
    let unchecked = syntax::check(&query, policy.dialect, source, &resolution.handled, &violations);
    violations.extend(unchecked);
    violations.extend(types::check(&query, policy.dialect, &resolution.column_types, source));
    violations.extend(limit::cap(&mut query, policy.max_rows));
    normalise::string_literals(&mut query, &resolution.string_literals);
    if let Some(scope) = &policy.scope {
        violations.extend(conformance::check(&query, scope, &resolution.tables));
    }
    if violations.iter().any(|v| v.fatal) {
        return Err(reject(violations));
    }
    let text = query.to_string();
    let same = |statement: &Statement| matches!(statement, Statement::Query(printed) if **printed == *query);
    if let Some(unfaithful) = faithful::check(&text, policy, same) {
        violations.push(unfaithful);
        return Err(reject(violations));
    }
    Ok(ValidatedSql::new(text, policy.dialect, resolution.tables, violations))
}

/// A parse that failed at a reserved word which the catalog uses as a table or column name
/// (`SELECT order FROM t`): quoting the word is the deterministic fix.
pub(crate) fn reserved_word_fix(
    source: &Source<'_>,
    at: usize,
    policy: &Policy,
    catalog: &Catalog,
) -> Option<Violation> {
    let Token::Word(word) = &source.tokens.get(at)?.token else { return None };
    if word.quote_style.is_some() || word.keyword == Keyword::NoKeyword || !quoting::is_reserved(&word.value) {
        return None;
    }
    let named = |name: &str| name.eq_ignore_ascii_case(&word.value);
    let exact = catalog.tables.iter().find_map(|t| {
        if named(&t.name.name) { Some(t.name.name.as_str()) } else { t.column(&word.value).map(|c| c.name.as_str()) }
    })?;
    let span = source.token_span(at)?;
    let original = source.text(span)?;
    let replacement = quoting::quote_always(exact, policy.dialect);
    let fix =
        Fix::single(format!("quote `{original}` as {replacement}"), Edit::new(span, original, replacement.clone()));
    let message = format!("`{original}` is a reserved word here; as a name it must be quoted as {replacement}");
    Some(
        Violation::new(ViolationCode::NeedsQuoting, message, Some(span))
            .with_suggestions(vec![replacement])
            .with_fix(Some(fix)),
    )
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
pub(crate) fn reject(mut violations: Vec<Violation>) -> Rejection {
    violations.sort_by_key(|v| (!v.fatal, v.span.map(|s| s.start)));
    violations.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    Rejection { violations }
}
