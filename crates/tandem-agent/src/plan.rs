//! The Plan JSON: what the small model proposes, the person confirms, and the large model
//! implements. Versioned, so stored sessions and cached plans stay readable as it grows.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The version this crate writes. A reply without a version is read as this one.
pub const PLAN_VERSION: u32 = 1;

/// A structured description of the query to write, in catalog names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    #[serde(default = "plan_version")]
    pub version: u32,
    /// Tables the query reads, as `name` or `schema.name`.
    #[serde(default)]
    pub tables: Vec<String>,
    /// Columns the answer shows or the query needs.
    #[serde(default)]
    pub columns: Vec<ColumnRef>,
    #[serde(default)]
    pub joins: Vec<Join>,
    #[serde(default)]
    pub filters: Vec<Filter>,
    #[serde(default)]
    pub group_by: Vec<ColumnRef>,
    /// What one result row stands for ("one row per customer", "per month").
    #[serde(default)]
    pub grain: Option<String>,
    #[serde(default)]
    pub measures: Vec<Measure>,
    #[serde(default)]
    pub order_by: Vec<OrderBy>,
    #[serde(default)]
    pub limit: Option<u64>,
    /// Readings of the question the plan commits to, and fixes the checker made.
    #[serde(default)]
    pub assumptions: Vec<String>,
    /// What the planner could not decide; non-empty makes the plan ambiguous.
    #[serde(default)]
    pub open_questions: Vec<String>,
    #[serde(default)]
    pub complexity: Complexity,
    /// Whether an empty result would mean the query is wrong (false for "are there any …?").
    #[serde(default = "yes")]
    pub expects_rows: bool,
    /// Present when the request writes a table or view (an ETL transform) instead of asking a
    /// question; `tables` are then its sources. Absent from a query plan's JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<TransformPlan>,
}

fn plan_version() -> u32 {
    PLAN_VERSION
}

fn yes() -> bool {
    true
}

impl Plan {
    /// An empty plan over no tables; the planner or a test fills it in.
    pub fn new() -> Self {
        Self {
            version: PLAN_VERSION,
            tables: Vec::new(),
            columns: Vec::new(),
            joins: Vec::new(),
            filters: Vec::new(),
            group_by: Vec::new(),
            grain: None,
            measures: Vec::new(),
            order_by: Vec::new(),
            limit: None,
            assumptions: Vec::new(),
            open_questions: Vec::new(),
            complexity: Complexity::Simple,
            expects_rows: true,
            transform: None,
        }
    }

    /// Whether the plan writes a table or view rather than answering with rows.
    pub fn is_transform(&self) -> bool {
        self.transform.is_some()
    }

    /// Whether a person should look at the plan under the `when_ambiguous` policy.
    pub fn is_ambiguous(&self) -> bool {
        !self.open_questions.is_empty() || self.complexity == Complexity::Complex
    }

    /// The canonical hash the plan cache is keyed by. Order-insensitive lists (tables, joins,
    /// filters, grouping) are sorted and names lowercased, so two plans that ask for the same
    /// query hash alike; order-sensitive ones (columns, ordering) keep their order. Open
    /// questions are left out: a confirmed plan's answers live in its assumptions.
    pub fn canonical_hash(&self) -> PlanHash {
        let mut tables: Vec<String> = self.tables.iter().map(|t| t.to_ascii_lowercase()).collect();
        tables.sort();
        let mut joins: Vec<String> = self.joins.iter().map(|j| j.to_string().to_ascii_lowercase()).collect();
        joins.sort();
        let mut filters: Vec<String> = self.filters.iter().map(Filter::canonical).collect();
        filters.sort();
        let mut group_by: Vec<String> = self.group_by.iter().map(|c| c.to_string().to_ascii_lowercase()).collect();
        group_by.sort();
        let mut canonical = serde_json::json!({
            "version": self.version,
            "tables": tables,
            "columns": self.columns.iter().map(|c| c.to_string().to_ascii_lowercase()).collect::<Vec<_>>(),
            "joins": joins,
            "filters": filters,
            "group_by": group_by,
            "grain": self.grain,
            "measures": self.measures,
            "order_by": self.order_by,
            "limit": self.limit,
            "assumptions": self.assumptions,
            "expects_rows": self.expects_rows,
        });
        // Only transforms carry the key, so query plans hash as they did before transforms.
        if let (Some(transform), Some(object)) = (&self.transform, canonical.as_object_mut()) {
            object.insert("transform".to_owned(), serde_json::to_value(transform).unwrap_or_default());
        }
        let digest = Sha256::digest(canonical.to_string().as_bytes());
        PlanHash(digest.into())
    }

    /// The plan as pretty JSON, for people. Serialising these plain types cannot fail; an
    /// empty string would only make a display shorter, never wrong.
    pub fn to_pretty_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The plan as compact JSON, for prompts: indentation would cost prefill tokens.
    pub fn to_compact_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Default for Plan {
    fn default() -> Self {
        Self::new()
    }
}

/// A column of a plan table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ColumnRef {
    /// The table as written in [`Plan::tables`]; empty when the planner left it out, and the
    /// checker then finds the one plan table that has the column.
    #[serde(default)]
    pub table: String,
    pub column: String,
}

impl ColumnRef {
    pub fn new(table: impl Into<String>, column: impl Into<String>) -> Self {
        Self { table: table.into(), column: column.into() }
    }
}

impl fmt::Display for ColumnRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.table.is_empty() { f.write_str(&self.column) } else { write!(f, "{}.{}", self.table, self.column) }
    }
}

/// An equi-join `left = right`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Join {
    pub left: ColumnRef,
    pub right: ColumnRef,
}

impl fmt::Display for Join {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}", self.left, self.right)
    }
}

/// A comparison of a column with a literal.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Filter {
    pub column: ColumnRef,
    #[serde(default)]
    pub op: FilterOp,
    /// The literal as it should appear in the SQL (a stored value, a number, a date).
    #[serde(default)]
    pub value: String,
}

impl Filter {
    fn canonical(&self) -> String {
        format!("{} {:?} {}", self.column.to_string().to_ascii_lowercase(), self.op, self.value)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    #[default]
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Like,
    In,
    Between,
    IsNull,
    IsNotNull,
}

impl FilterOp {
    /// Operators whose value is a literal the SQL must mention.
    pub fn has_literal(self) -> bool {
        !matches!(self, FilterOp::IsNull | FilterOp::IsNotNull)
    }
}

/// An aggregate the answer reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Measure {
    pub aggregate: Aggregate,
    /// The aggregated column; `None` for `count(*)`.
    #[serde(default)]
    pub column: Option<ColumnRef>,
    #[serde(default)]
    pub alias: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    Count,
    CountDistinct,
    Sum,
    Avg,
    Min,
    Max,
}

/// One ordering key: a column or a measure alias.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OrderBy {
    pub expr: String,
    #[serde(default)]
    pub descending: bool,
}

/// How hard the planner thinks the query is; `simple` plans may be routed to the small model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Complexity {
    #[default]
    Simple,
    Moderate,
    Complex,
}

/// What a transform writes and how: the declaration its SQL is validated against, editable
/// at confirmation like the rest of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TransformPlan {
    /// The table or view written, as `name` or `schema.name`.
    pub target: String,
    #[serde(default)]
    pub target_kind: TargetKind,
    pub write: WriteMode,
    /// The columns an upsert matches rows on; empty for other write modes.
    #[serde(default)]
    pub key: Vec<String>,
    #[serde(default)]
    pub expect: PlanExpectations,
}

/// Whether a transform's target is a table or a view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    #[default]
    Table,
    View,
}

/// How a transform writes its target (`tandem_sql::WriteKind` without the upsert key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteMode {
    /// A new table or view from a query.
    CreateAsSelect,
    /// Rows added to an existing table.
    InsertSelect,
    /// Rows inserted, or updated where the key matches, in an existing table.
    Upsert,
    /// The target's contents (or definition) replaced.
    Replace,
}

impl WriteMode {
    pub fn as_str(self) -> &'static str {
        match self {
            WriteMode::CreateAsSelect => "create_as_select",
            WriteMode::InsertSelect => "insert_select",
            WriteMode::Upsert => "upsert",
            WriteMode::Replace => "replace",
        }
    }

    /// Reads a mode as written by a person (`create`, `insert`, `upsert`, `replace`, or the
    /// snake_case names).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "create_as_select" | "create" | "ctas" => Some(WriteMode::CreateAsSelect),
            "insert_select" | "insert" | "append" => Some(WriteMode::InsertSelect),
            "upsert" | "merge" => Some(WriteMode::Upsert),
            "replace" | "rebuild" => Some(WriteMode::Replace),
            _ => None,
        }
    }
}

impl fmt::Display for WriteMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Quality expectations on the target after the transform, checked in the preview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlanExpectations {
    /// Column sets whose values must be unique (each set one key).
    #[serde(default)]
    pub unique: Vec<Vec<String>>,
    #[serde(default)]
    pub not_null: Vec<String>,
    #[serde(default)]
    pub min_rows: Option<u64>,
    #[serde(default)]
    pub max_rows: Option<u64>,
}

impl PlanExpectations {
    pub fn is_empty(&self) -> bool {
        self.unique.is_empty() && self.not_null.is_empty() && self.min_rows.is_none() && self.max_rows.is_none()
    }
}

/// The SHA-256 of a plan's canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlanHash([u8; 32]);

impl fmt::Display for PlanHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl Serialize for PlanHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The JSON schema the planner's output is constrained to when the request is a transform:
/// the query plan's schema with a required `transform` section.
pub fn transform_plan_json_schema() -> serde_json::Value {
    let mut schema = plan_json_schema();
    let names = serde_json::json!({ "type": "array", "items": { "type": "string" } });
    let transform = serde_json::json!({
        "type": "object",
        "properties": {
            "target": { "type": "string" },
            "target_kind": { "type": "string", "enum": ["table", "view"] },
            "write": { "type": "string", "enum": ["create_as_select", "insert_select", "upsert", "replace"] },
            "key": names,
            "expect": {
                "type": "object",
                "properties": {
                    "unique": { "type": "array", "items": names },
                    "not_null": names,
                    "min_rows": { "type": ["integer", "null"] },
                    "max_rows": { "type": ["integer", "null"] }
                }
            }
        },
        "required": ["target", "write"]
    });
    if let Some(properties) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
        properties.insert("transform".to_owned(), transform);
    }
    if let Some(required) = schema.get_mut("required").and_then(|r| r.as_array_mut()) {
        required.push(serde_json::json!("transform"));
    }
    schema
}

/// The JSON schema the planner's output is constrained to.
pub fn plan_json_schema() -> serde_json::Value {
    let column = serde_json::json!({
        "type": "object",
        "properties": { "table": { "type": "string" }, "column": { "type": "string" } },
        "required": ["table", "column"]
    });
    serde_json::json!({
        "type": "object",
        "properties": {
            "version": { "type": "integer", "enum": [PLAN_VERSION] },
            "tables": { "type": "array", "items": { "type": "string" } },
            "columns": { "type": "array", "items": column },
            "joins": { "type": "array", "items": {
                "type": "object",
                "properties": { "left": column, "right": column },
                "required": ["left", "right"]
            }},
            "filters": { "type": "array", "items": {
                "type": "object",
                "properties": {
                    "column": column,
                    "op": { "type": "string", "enum": ["eq", "ne", "lt", "le", "gt", "ge", "like", "in", "between", "is_null", "is_not_null"] },
                    "value": { "type": "string" }
                },
                "required": ["column", "op", "value"]
            }},
            "group_by": { "type": "array", "items": column },
            "grain": { "type": ["string", "null"] },
            "measures": { "type": "array", "items": {
                "type": "object",
                "properties": {
                    "aggregate": { "type": "string", "enum": ["count", "count_distinct", "sum", "avg", "min", "max"] },
                    "column": { "anyOf": [column, { "type": "null" }] },
                    "alias": { "type": ["string", "null"] }
                },
                "required": ["aggregate"]
            }},
            "order_by": { "type": "array", "items": {
                "type": "object",
                "properties": { "expr": { "type": "string" }, "descending": { "type": "boolean" } },
                "required": ["expr"]
            }},
            "limit": { "type": ["integer", "null"] },
            "assumptions": { "type": "array", "items": { "type": "string" } },
            "open_questions": { "type": "array", "items": { "type": "string" } },
            "complexity": { "type": "string", "enum": ["simple", "moderate", "complex"] },
            "expects_rows": { "type": "boolean" }
        },
        "required": ["version", "tables", "columns", "filters", "complexity"]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sparse_reply_reads_with_defaults() {
        let plan: Plan = serde_json::from_str(r#"{"tables": ["singer"]}"#).unwrap();
        assert_eq!(plan.version, PLAN_VERSION);
        assert!(plan.expects_rows);
        assert_eq!(plan.complexity, Complexity::Simple);
    }

    #[test]
    fn hash_ignores_order_of_sets_but_not_of_columns() {
        let mut a = Plan::new();
        a.tables = vec!["a".into(), "b".into()];
        a.columns = vec![ColumnRef::new("a", "x"), ColumnRef::new("b", "y")];
        let mut b = a.clone();
        b.tables.reverse();
        b.open_questions.push("which year?".into());
        assert_eq!(a.canonical_hash(), b.canonical_hash());
        b.columns.reverse();
        assert_ne!(a.canonical_hash(), b.canonical_hash());
        assert_eq!(a.canonical_hash().to_string().len(), 64);
    }

    #[test]
    fn a_query_plan_carries_no_transform_key() {
        let mut plan = Plan::new();
        plan.tables = vec!["orders".into()];
        assert!(!plan.to_compact_json().contains("transform"));
        let query_hash = plan.canonical_hash();
        plan.transform = Some(TransformPlan {
            target: "daily".into(),
            target_kind: TargetKind::Table,
            write: WriteMode::CreateAsSelect,
            key: Vec::new(),
            expect: PlanExpectations::default(),
        });
        assert_ne!(plan.canonical_hash(), query_hash);
        let read: Plan = serde_json::from_str(&plan.to_compact_json()).unwrap();
        assert_eq!(read, plan);
        let sparse: Plan =
            serde_json::from_str(r#"{"tables": ["orders"], "transform": {"target": "t", "write": "upsert"}}"#).unwrap();
        assert_eq!(sparse.transform.map(|t| (t.write, t.target_kind)), Some((WriteMode::Upsert, TargetKind::Table)));
        assert_eq!(WriteMode::parse("Insert"), Some(WriteMode::InsertSelect));
        assert_eq!(WriteMode::parse("nope"), None);
    }
}
