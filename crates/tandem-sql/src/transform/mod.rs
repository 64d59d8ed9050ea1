//! Transforms: SQL that writes one declared target (a new table or view, or an existing
//! table), checked against a [`TransformSpec`] as well as the catalog.
//!
//! The transform policy: statements write only the declared target (a schema-qualified,
//! differently quoted or look-alike name is another object); declared sources and every other
//! table are never written; no DDL but creating the target, and `DROP` only of the target and
//! only for a replace; one statement or a short list whose shape the write kind allows; the
//! query denylist and guards everywhere inside; every query resolved against the catalog as the
//! earlier steps leave it. Statements are normalised by printing the checked syntax tree, and
//! no row cap is added: a transform means all of its rows.

mod expect;
mod names;
mod shape;
mod spec;
mod step;
mod validated;

use std::borrow::Cow;

use tandem_core::{Catalog, Column, Table, TableKind};

use crate::parse::{self, Source};
use crate::policy::Policy;
use crate::validate::{reject, reserved_word_fix};
use crate::violation::{Rejection, Violation, ViolationCode};
use crate::{conformance, faithful, guard, mapping, normalise, prescan, resolve, syntax, types};
use names::{find, same_table};
use step::{Context, Step};

pub use expect::{Expectations, RowCountRange};
pub use spec::{TransformSpec, WriteKind};
pub use step::StepKind;
pub use validated::{TransformStep, ValidatedTransform};

/// Checks a declaration alone against the catalog, before any SQL exists: what a plan's
/// transform section must pass before a person confirms it. Every violation is one a person
/// fixes by editing the declaration.
pub fn check_transform_spec(spec: &TransformSpec, catalog: &Catalog, dialect: tandem_core::Dialect) -> Vec<Violation> {
    spec::check(spec, catalog, dialect)
}

/// Validates a model-written transform — one statement, or a short `;`-separated list — against
/// its declaration, the policy and the catalog.
///
/// Returns the normalised statements, or every violation found (declaration errors alone when
/// the declaration itself is wrong). Never panics, whatever the input.
pub fn validate_transform(
    sql: &str,
    spec: &TransformSpec,
    policy: &Policy,
    catalog: &Catalog,
) -> Result<ValidatedTransform, Rejection> {
    let declared = spec::check(spec, catalog, policy.dialect);
    if !declared.is_empty() {
        return Err(reject(declared));
    }
    let source = parse::tokenize(sql, policy).map_err(|v| reject(vec![*v]))?;
    if source.tokens.len() > crate::validate::LONG_INPUT_TOKENS {
        // As for queries: long operator chains recurse once per operator when dropped or printed.
        return stacker::grow(crate::validate::LONG_INPUT_STACK_BYTES, || checked(&source, spec, policy, catalog));
    }
    checked(&source, spec, policy, catalog)
}

fn checked(
    source: &Source<'_>,
    spec: &TransformSpec,
    policy: &Policy,
    catalog: &Catalog,
) -> Result<ValidatedTransform, Rejection> {
    let dialect = policy.dialect;
    let statements = match parse::parse(source, policy) {
        Ok(statements) => statements,
        Err(failure) => {
            let mut violations = failure.violations;
            if let Some(quoting) = failure.at_token.and_then(|i| reserved_word_fix(source, i, policy, catalog)) {
                violations = vec![quoting];
            }
            // Statement keywords are expected here; only the token-level file and function
            // findings carry over from the query prescan.
            let dangerous = |v: &Violation| matches!(v.code, ViolationCode::FileAccess | ViolationCode::DeniedFunction);
            violations.extend(prescan::scan(source, dialect).into_iter().filter(dangerous));
            return Err(reject(violations));
        }
    };
    let cx = Context { spec, dialect, source };
    let mut violations = Vec::new();
    if statements.len() > shape::MAX_STATEMENTS {
        violations.push(Violation::new(
            ViolationCode::TransformShape,
            format!("found {} statements; a transform has at most {}", statements.len(), shape::MAX_STATEMENTS),
            None,
        ));
    }
    let mut steps: Vec<Step> = Vec::new();
    for statement in &statements {
        violations.extend(guard::check_inside(statement, dialect, source));
        match step::classify(statement, &cx) {
            Ok(step) => steps.push(step),
            Err(found) => violations.extend(found),
        }
    }
    if steps.len() == statements.len() {
        violations.extend(shape::check(&steps, &cx, catalog));
    }
    if violations.iter().any(|v| v.fatal) {
        return Err(reject(violations));
    }
    let mut reads = Vec::new();
    let mut working = Cow::Borrowed(catalog);
    for step in &mut steps {
        let columns: Option<Vec<String>> =
            find(&working, &spec.target, dialect).map(|t| t.columns.iter().map(|c| c.name.clone()).collect());
        violations.extend(shape::columns(step, columns.as_deref(), &cx));
        if let Some(query) = step::query_mut(&mut step.statement) {
            let resolution = resolve::resolve(query, &working, dialect, policy.scope.as_ref(), source);
            violations.extend(resolution.violations);
            violations.extend(mapping::check(query, dialect, source));
            let unchecked = syntax::check(query, dialect, source, &resolution.handled, &violations);
            violations.extend(unchecked);
            violations.extend(types::check(query, dialect, &resolution.column_types, source));
            normalise::string_literals(query, &resolution.string_literals);
            for table in resolution.tables {
                if !reads.contains(&table) {
                    reads.push(table);
                }
            }
        }
        // Later steps see the catalog as this one leaves it.
        match step.kind {
            StepKind::DropTarget => working.to_mut().tables.retain(|t| !same_table(&t.name, &spec.target, dialect)),
            StepKind::CreateTable => {
                let columns = step.defined_columns.iter().map(|(name, ty)| Column::new(name, ty)).collect();
                let mut table = Table::new(spec.target.clone(), columns);
                table.kind = TableKind::Table;
                working.to_mut().tables.push(table);
            }
            _ => {}
        }
    }
    violations.extend(outside_sources(&reads, spec, dialect));
    if let (Some(scope), Some(query)) = (&policy.scope, steps.iter().rev().find_map(|s| step::query(&s.statement))) {
        violations.extend(conformance::check(query, scope, &[]));
    }
    if violations.iter().any(|v| v.fatal) {
        return Err(reject(violations));
    }
    // Each step runs as its printed text, so that text must parse back to the checked step.
    violations.extend(
        steps.iter().filter_map(|step| faithful::check(&step.statement.to_string(), policy, |s| *s == step.statement)),
    );
    if violations.iter().any(|v| v.fatal) {
        return Err(reject(violations));
    }
    let steps = steps.into_iter().map(TransformStep::new).collect();
    Ok(ValidatedTransform::new(dialect, spec.clone(), steps, reads, violations, catalog.version()))
}

/// Reads of catalog tables that are neither declared sources nor the target: warnings for the
/// large model, as reads outside a query's plan are.
fn outside_sources(
    reads: &[tandem_core::TableName],
    spec: &TransformSpec,
    dialect: tandem_core::Dialect,
) -> Vec<Violation> {
    let declared: Vec<String> = spec.sources.iter().map(ToString::to_string).collect();
    reads
        .iter()
        .filter(|t| !same_table(t, &spec.target, dialect) && !spec.sources.iter().any(|s| same_table(t, s, dialect)))
        .map(|t| {
            let message =
                format!("the transform reads `{t}`, which is not a declared source ({})", declared.join(", "));
            Violation::new(ViolationCode::TableOutsidePlan, message, None).with_suggestions(declared.clone())
        })
        .collect()
}
