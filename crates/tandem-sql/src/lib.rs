//! The wall between model output and the database.
//!
//! Pure and synchronous: SQL text in, [`ValidatedSql`] or a [`Rejection`] out. Nothing else in
//! tandem can make a [`ValidatedSql`], so only validated SQL can reach an executor. This crate
//! never opens a connection, never does IO, and never panics on any input.
//!
//! [`validate`] parses with sqlparser for the policy's dialect (with length and recursion
//! limits), admits exactly one read-only query, allows only the functions on the dialect's
//! allowlist, resolves every table and column against the [`tandem_core::Catalog`] (through
//! aliases, CTEs, subqueries, joins and set operations), refuses any syntax it does not check
//! (it fails closed: a clause it cannot vouch for is `unsupported_syntax`), checks conformance
//! to the confirmed plan's [`Scope`], and caps the row count; the normalised text must parse back to the very tree that was checked.
//! Each finding is a [`Violation`] with a stable [`ViolationCode`], a span, close
//! matches, and a [`tandem_core::RepairTier`]; tier-0 findings carry a [`Fix`] that
//! [`apply_fix`] applies without a model; [`repair_with_rules`] runs that loop to its end.
//! [`set_logic_findings`] reads validated SQL against what the request asks of related rows
//! ("do not have", "both"): a row filter over the many side of a join cannot answer it.
//!
//! [`validate_transform`] does the same for ETL: SQL that writes, held to a [`TransformSpec`]
//! (the one target it may write, the [`WriteKind`], the sources it must only read). It admits
//! one statement or a short list whose shape the write kind allows (create-as-select,
//! insert-select, upsert on the declared key, replace), refuses writes to anything but the
//! target (by qualification, quoting or look-alike names too), other DDL and any DROP but the
//! target's in a replace, applies the query denylist and guards inside every statement, and
//! resolves each query against the catalog as the earlier steps leave it. Only this crate can
//! make the resulting [`ValidatedTransform`], which carries the catalog version it was checked
//! against. A spec also carries its quality [`Expectations`] (unique keys, columns not NULL, a
//! row-count range), which `tandem-exec` checks on the sandboxed result.

mod conformance;
mod denylist;
mod faithful;
mod fix;
mod functions;
mod guard;
mod limit;
mod mapping;
mod normalise;
mod parse;
mod policy;
mod prescan;
mod quoting;
mod resolve;
mod rules;
mod setlogic;
mod span;
mod suggest;
mod syntax;
mod transform;
mod types;
mod validate;
mod validated;
mod violation;

pub use fix::{Edit, Fix, FixError, apply_fix, apply_fixes};
pub use policy::{PlanFilter, Policy, Scope};
pub use rules::{RuleRepair, repair_with_rules};
pub use setlogic::{SetIntent, set_logic_findings};
pub use span::Span;
pub use transform::{
    Expectations, RowCountRange, StepKind, TransformSpec, TransformStep, ValidatedTransform, WriteKind,
    check_transform_spec, validate_transform,
};
pub use validate::validate;
pub use validated::ValidatedSql;
pub use violation::{Rejection, Violation, ViolationCode};
