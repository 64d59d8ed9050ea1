//! What a deployment allows: the dialect, the row cap, parser limits, and the confirmed plan's
//! scope for conformance checks.

use tandem_core::{Dialect, TableName};

/// The rules one validation runs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub dialect: Dialect,
    /// The outermost query gets `LIMIT max_rows` when it has no limit, and a larger constant
    /// limit is lowered to it.
    pub max_rows: u64,
    /// The confirmed plan's tables and filters; `None` skips plan conformance.
    pub scope: Option<Scope>,
    /// The parser's recursion limit: deeper nesting is a `too_deep` violation, never a stack
    /// overflow.
    pub max_depth: usize,
    /// Longer input is refused before parsing (`too_long`). Bounding the text also bounds the
    /// depth of operator chains, which the parser builds without recursing.
    pub max_sql_bytes: usize,
}

impl Policy {
    pub const DEFAULT_MAX_ROWS: u64 = 1_000;
    pub const DEFAULT_MAX_DEPTH: usize = 64;
    pub const DEFAULT_MAX_SQL_BYTES: usize = 64 * 1024;

    pub fn new(dialect: Dialect) -> Self {
        Self {
            dialect,
            max_rows: Self::DEFAULT_MAX_ROWS,
            scope: None,
            max_depth: Self::DEFAULT_MAX_DEPTH,
            max_sql_bytes: Self::DEFAULT_MAX_SQL_BYTES,
        }
    }

    pub fn with_max_rows(mut self, max_rows: u64) -> Self {
        self.max_rows = max_rows;
        self
    }

    pub fn with_scope(mut self, scope: Scope) -> Self {
        self.scope = Some(scope);
        self
    }
}

/// The part of a confirmed plan that the SQL must conform to. Violations of it are warnings
/// (`table_outside_plan`, `missing_plan_filter`) routed to the large model.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    /// Tables the plan uses (bridge tables included). A reference to any other catalog table
    /// is reported.
    pub tables: Vec<TableName>,
    /// Filters whose literal value the SQL must mention.
    pub filters: Vec<PlanFilter>,
}

/// A filter of the plan: a column (when the plan names one) and the literal it compares with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFilter {
    pub column: Option<String>,
    pub literal: String,
}

impl PlanFilter {
    pub fn new(column: Option<&str>, literal: impl Into<String>) -> Self {
        Self { column: column.map(str::to_owned), literal: literal.into() }
    }
}
