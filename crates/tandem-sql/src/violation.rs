//! What validation found wrong, with machine codes and the repair route of each finding.

use std::fmt;

use tandem_core::RepairTier;

use crate::fix::Fix;
use crate::span::Span;

/// A machine-readable class of violation. The `as_str` names are stable snake_case codes that
/// prompts, logs and the HTTP API use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ViolationCode {
    /// The text is not valid SQL for the dialect.
    SyntaxError,
    /// Nesting exceeds the parser's recursion limit.
    TooDeep,
    /// The text is longer than the policy allows.
    TooLong,
    /// No statement at all.
    EmptyStatement,
    /// More than one statement (stacked queries).
    MultipleStatements,
    /// INSERT, UPDATE, DELETE, MERGE, REPLACE or a data-modifying CTE.
    WriteStatement,
    /// CREATE, ALTER, DROP, TRUNCATE, GRANT and other definitions.
    DdlStatement,
    /// Transaction and session control: BEGIN, COMMIT, SET, PRAGMA, ATTACH, VACUUM, USE …
    SessionStatement,
    /// Server-side file or program access: COPY, INTO OUTFILE/DUMPFILE, LOAD DATA.
    FileAccess,
    /// Any other statement that is not a plain query (EXPLAIN, SHOW, CALL, EXECUTE …).
    UnsupportedStatement,
    /// Syntax inside a query that the validator does not check (`JSON_TABLE`, `PIVOT`, session
    /// variables, a subquery in a clause it does not resolve): refused rather than trusted.
    UnsupportedSyntax,
    /// `SELECT … INTO` creates a table or assigns variables.
    SelectInto,
    /// `FOR UPDATE` / `FOR SHARE` and similar locking clauses.
    LockingClause,
    /// A function that is not on the dialect's allowlist (anything that could read files,
    /// settings or other sessions, sleep, lock, or write), or a user-defined one.
    DeniedFunction,
    /// A table, view or CTE that does not exist.
    UnknownTable,
    /// A column that no relation in scope has.
    UnknownColumn,
    /// A column that no relation in scope has but a table the query does not read does: a
    /// join is missing, which is a logic error rather than a typo.
    MissingJoin,
    /// A qualifier (`x.col`) that names no relation in scope.
    UnknownQualifier,
    /// An unqualified column that several relations in scope have.
    AmbiguousColumn,
    /// An identifier the engine would misread unless quoted (mixed case on PostgreSQL, reserved
    /// words).
    NeedsQuoting,
    /// A function or syntax from another dialect (`YEAR()` on SQLite, `ILIKE` on MySQL, `TOP n`).
    DialectMismatch,
    /// A comparison the engine would reject for its types.
    TypeMismatch,
    /// A LIMIT that is not a constant, so the row cap cannot be enforced.
    LimitNotConstant,
    /// A catalog table that the confirmed plan does not include.
    TableOutsidePlan,
    /// A filter value from the plan that the SQL never mentions.
    MissingPlanFilter,
    /// A transform writes, creates or alters an object other than its declared target.
    WriteOutsideTarget,
    /// A transform writes one of its declared source tables.
    WriteToSource,
    /// A DROP that the transform may not run: of anything but the target, with CASCADE, or in
    /// a write kind other than replace.
    DropNotAllowed,
    /// The statements do not have the shape of the declared write kind (an INSERT for a
    /// create-as-select, a missing ON CONFLICT for an upsert, RETURNING, `INSERT OR REPLACE` …).
    TransformShape,
    /// An upsert whose conflict key is not the declared key.
    UpsertKeyMismatch,
    /// The target is spelled differently from the declaration (unqualified, or folded to
    /// another case); a fix writes it as declared.
    TargetNotAsDeclared,
    /// A create-as-select onto a table or view that already exists.
    TargetExists,
    /// An insert, upsert or delete into a target that does not exist.
    TargetMissing,
    /// The transform's declaration contradicts itself or the catalog (the target is also a
    /// source, an upsert without keys, a target name that looks like another table).
    InvalidTransformSpec,
    /// The normalised text would not parse back to the checked statement (a literal the
    /// printer cannot write faithfully), so it is not run.
    Unprintable,
}

impl ViolationCode {
    /// Every code, in a stable order.
    pub const ALL: [ViolationCode; 35] = [
        ViolationCode::SyntaxError,
        ViolationCode::TooDeep,
        ViolationCode::TooLong,
        ViolationCode::EmptyStatement,
        ViolationCode::MultipleStatements,
        ViolationCode::WriteStatement,
        ViolationCode::DdlStatement,
        ViolationCode::SessionStatement,
        ViolationCode::FileAccess,
        ViolationCode::UnsupportedStatement,
        ViolationCode::UnsupportedSyntax,
        ViolationCode::SelectInto,
        ViolationCode::LockingClause,
        ViolationCode::DeniedFunction,
        ViolationCode::UnknownTable,
        ViolationCode::UnknownColumn,
        ViolationCode::MissingJoin,
        ViolationCode::UnknownQualifier,
        ViolationCode::AmbiguousColumn,
        ViolationCode::NeedsQuoting,
        ViolationCode::DialectMismatch,
        ViolationCode::TypeMismatch,
        ViolationCode::LimitNotConstant,
        ViolationCode::TableOutsidePlan,
        ViolationCode::MissingPlanFilter,
        ViolationCode::WriteOutsideTarget,
        ViolationCode::WriteToSource,
        ViolationCode::DropNotAllowed,
        ViolationCode::TransformShape,
        ViolationCode::UpsertKeyMismatch,
        ViolationCode::TargetNotAsDeclared,
        ViolationCode::TargetExists,
        ViolationCode::TargetMissing,
        ViolationCode::InvalidTransformSpec,
        ViolationCode::Unprintable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ViolationCode::SyntaxError => "syntax_error",
            ViolationCode::TooDeep => "too_deep",
            ViolationCode::TooLong => "too_long",
            ViolationCode::EmptyStatement => "empty_statement",
            ViolationCode::MultipleStatements => "multiple_statements",
            ViolationCode::WriteStatement => "write_statement",
            ViolationCode::DdlStatement => "ddl_statement",
            ViolationCode::SessionStatement => "session_statement",
            ViolationCode::FileAccess => "file_access",
            ViolationCode::UnsupportedStatement => "unsupported_statement",
            ViolationCode::UnsupportedSyntax => "unsupported_syntax",
            ViolationCode::SelectInto => "select_into",
            ViolationCode::LockingClause => "locking_clause",
            ViolationCode::DeniedFunction => "denied_function",
            ViolationCode::UnknownTable => "unknown_table",
            ViolationCode::UnknownColumn => "unknown_column",
            ViolationCode::MissingJoin => "missing_join",
            ViolationCode::UnknownQualifier => "unknown_qualifier",
            ViolationCode::AmbiguousColumn => "ambiguous_column",
            ViolationCode::NeedsQuoting => "needs_quoting",
            ViolationCode::DialectMismatch => "dialect_mismatch",
            ViolationCode::TypeMismatch => "type_mismatch",
            ViolationCode::LimitNotConstant => "limit_not_constant",
            ViolationCode::TableOutsidePlan => "table_outside_plan",
            ViolationCode::MissingPlanFilter => "missing_plan_filter",
            ViolationCode::WriteOutsideTarget => "write_outside_target",
            ViolationCode::WriteToSource => "write_to_source",
            ViolationCode::DropNotAllowed => "drop_not_allowed",
            ViolationCode::TransformShape => "transform_shape",
            ViolationCode::UpsertKeyMismatch => "upsert_key_mismatch",
            ViolationCode::TargetNotAsDeclared => "target_not_as_declared",
            ViolationCode::TargetExists => "target_exists",
            ViolationCode::TargetMissing => "target_missing",
            ViolationCode::InvalidTransformSpec => "invalid_transform_spec",
            ViolationCode::Unprintable => "unprintable",
        }
    }

    /// The repair route when no deterministic fix came with the violation. Policy violations
    /// are never retried: a model that writes a DROP is not asked to try again.
    pub fn base_tier(self) -> RepairTier {
        match self {
            ViolationCode::SyntaxError
            | ViolationCode::TooDeep
            | ViolationCode::TooLong
            | ViolationCode::EmptyStatement
            | ViolationCode::UnsupportedSyntax
            | ViolationCode::UnknownTable
            | ViolationCode::UnknownColumn
            | ViolationCode::UnknownQualifier
            | ViolationCode::AmbiguousColumn
            | ViolationCode::NeedsQuoting
            | ViolationCode::DialectMismatch
            | ViolationCode::TypeMismatch
            | ViolationCode::LimitNotConstant
            | ViolationCode::TransformShape
            | ViolationCode::UpsertKeyMismatch
            | ViolationCode::TargetNotAsDeclared
            | ViolationCode::Unprintable => RepairTier::Small,
            ViolationCode::MissingJoin | ViolationCode::TableOutsidePlan | ViolationCode::MissingPlanFilter => {
                RepairTier::Large
            }
            ViolationCode::MultipleStatements
            | ViolationCode::WriteStatement
            | ViolationCode::DdlStatement
            | ViolationCode::SessionStatement
            | ViolationCode::FileAccess
            | ViolationCode::UnsupportedStatement
            | ViolationCode::SelectInto
            | ViolationCode::LockingClause
            | ViolationCode::DeniedFunction
            | ViolationCode::WriteOutsideTarget
            | ViolationCode::WriteToSource
            | ViolationCode::DropNotAllowed => RepairTier::NotRetryable,
            // The declaration is the plan's, not the SQL's: a person changes it.
            ViolationCode::TargetExists | ViolationCode::TargetMissing | ViolationCode::InvalidTransformSpec => {
                RepairTier::NotRetryable
            }
        }
    }

    /// Whether the statement must not run. Plan-conformance findings are warnings: the SQL
    /// is safe to execute, but the agent may escalate it to the large model.
    pub fn is_fatal(self) -> bool {
        !matches!(self, ViolationCode::TableOutsidePlan | ViolationCode::MissingPlanFilter)
    }
}

impl fmt::Display for ViolationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding of the validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub code: ViolationCode,
    /// A sentence for people and for the repair prompt.
    pub message: String,
    /// Where in the validated text, when it can be placed.
    pub span: Option<Span>,
    /// Close matches or alternatives, best first.
    pub suggestions: Vec<String>,
    /// Whether the statement must not run (false only for plan-conformance warnings).
    pub fatal: bool,
    /// A deterministic fix, when one exists; then the violation is routed to tier 0.
    pub fix: Option<Fix>,
}

impl Violation {
    pub(crate) fn new(code: ViolationCode, message: impl Into<String>, span: Option<Span>) -> Self {
        Self { code, message: message.into(), span, suggestions: Vec::new(), fatal: code.is_fatal(), fix: None }
    }

    pub(crate) fn with_suggestions(mut self, suggestions: Vec<String>) -> Self {
        self.suggestions = suggestions;
        self
    }

    pub(crate) fn with_fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    /// Tier 0 when a fix came with the violation; otherwise the code's own tier.
    pub fn repair_tier(&self) -> RepairTier {
        match (&self.fix, self.code.base_tier()) {
            (_, RepairTier::NotRetryable) => RepairTier::NotRetryable,
            (Some(_), _) => RepairTier::Rules,
            (None, tier) => tier,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if !self.suggestions.is_empty() {
            write!(f, " (did you mean {}?)", self.suggestions.join(", "))?;
        }
        Ok(())
    }
}

/// The expected outcome "this SQL must not run": every violation found, fatal ones first in
/// source order, then warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub violations: Vec<Violation>,
}

impl Rejection {
    /// The violations that block execution.
    pub fn fatal(&self) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(|v| v.fatal)
    }

    /// Where the whole rejection goes: the most severe route among its fatal violations
    /// (not retryable, then large, then small, then rules). Tier 0 only when every fatal
    /// violation carries a fix.
    pub fn repair_tier(&self) -> RepairTier {
        self.fatal().map(Violation::repair_tier).max_by_key(|tier| severity(*tier)).unwrap_or(RepairTier::Large)
    }

    /// The fixes of all fatal violations, for [`crate::apply_fixes`].
    pub fn fixes(&self) -> impl Iterator<Item = &Fix> {
        self.fatal().filter_map(|v| v.fix.as_ref())
    }

    /// Whether the violation codes include `code`.
    pub fn has(&self, code: ViolationCode) -> bool {
        self.violations.iter().any(|v| v.code == code)
    }
}

fn severity(tier: RepairTier) -> u8 {
    match tier {
        RepairTier::Rules => 0,
        RepairTier::Small => 1,
        RepairTier::Large => 2,
        RepairTier::NotRetryable => 3,
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, violation) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{violation}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::Edit;

    #[test]
    fn codes_are_unique_snake_case() {
        let mut names: Vec<_> = ViolationCode::ALL.iter().map(|c| c.as_str()).collect();
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ViolationCode::ALL.len());
    }

    #[test]
    fn a_fix_routes_to_rules_except_for_policy_violations() {
        let fix = Fix { description: "rename".into(), edits: vec![Edit::new(Span::new(0, 1), "a", "b")] };
        let unknown = Violation::new(ViolationCode::UnknownColumn, "x", None);
        assert_eq!(unknown.repair_tier(), RepairTier::Small);
        assert_eq!(unknown.clone().with_fix(Some(fix.clone())).repair_tier(), RepairTier::Rules);
        let write = Violation::new(ViolationCode::WriteStatement, "x", None).with_fix(Some(fix));
        assert_eq!(write.repair_tier(), RepairTier::NotRetryable);
    }

    #[test]
    fn rejection_routes_to_its_most_severe_fatal_violation() {
        let rejection = Rejection {
            violations: vec![
                Violation::new(ViolationCode::UnknownColumn, "x", None),
                Violation::new(ViolationCode::TableOutsidePlan, "x", None),
            ],
        };
        assert_eq!(rejection.repair_tier(), RepairTier::Small, "warnings do not escalate a rejection");
        assert!(!rejection.violations[1].fatal);
        let join = Rejection {
            violations: vec![
                Violation::new(ViolationCode::UnknownColumn, "x", None),
                Violation::new(ViolationCode::MissingJoin, "x", None),
            ],
        };
        assert_eq!(join.repair_tier(), RepairTier::Large, "a missing join is a logic error");
    }
}
