//! The generation prompt: the only place a prompt for the large model is made.
//!
//! Layout for prefix caches (DESIGN §4), static first and volatile last: the system message
//! (task, dialect rules, fixed examples) → the plan-scoped schema in catalog order → the plan →
//! the question. Nothing here carries a timestamp or an id. The schema is the confirmed plan's
//! tables plus the foreign-key bridge tables that connect them, and never anything else: that
//! is the invariant the canary test guards. Repair turns are appended to a [`Conversation`],
//! never rewritten into it, so a prefix cache keeps every earlier turn.

use tandem_core::{Catalog, Dialect, Table};
use tandem_llm::{ChatRequest, Message};
use tandem_retrieval::{RenderOptions, render_catalog, render_table};

use crate::check::resolve_table;
use crate::plan::{Plan, TargetKind, TransformPlan, WriteMode};

const SYSTEM: &str = "You write one read-only SQL query that answers the question, following the confirmed plan. \
Use only the tables and columns in the schema below. Reply with JSON only: {\"sql\": \"<one SELECT statement>\"}. \
If the plan cannot be answered without a table that is not in the schema, do not guess: reply \
{\"need_tables\": [\"<table>\"], \"reason\": \"<why>\"}.";

const EXAMPLES: &str = "Examples:\n\
Plan: count singers per country. Reply: {\"sql\": \"SELECT country, COUNT(*) AS n_singers FROM singer GROUP BY country\"}\n\
Plan: names of singers in concerts of 2014, joined concert.singer_id = singer.id. Reply: \
{\"sql\": \"SELECT DISTINCT s.name FROM singer AS s JOIN concert AS c ON c.singer_id = s.id WHERE c.year = 2014\"}";

fn dialect_rules(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => {
            "Dialect: SQLite. Use strftime() for date parts, || for concatenation, LIMIT n; no ILIKE, no YEAR()."
        }
        Dialect::Postgres => {
            "Dialect: PostgreSQL. Use EXTRACT() or date_trunc() for date parts, ILIKE for case-insensitive matches, LIMIT n; quote mixed-case identifiers with double quotes."
        }
        Dialect::Mysql => {
            "Dialect: MySQL. Use YEAR()/MONTH() for date parts, CONCAT() for concatenation, LIMIT n; quote identifiers with backticks."
        }
    }
}

/// The static system message: identical for every question on one dialect.
pub fn static_prefix(dialect: Dialect) -> String {
    format!("{SYSTEM}\n\n{}\n\n{EXAMPLES}", dialect_rules(dialect))
}

const BASELINE_SYSTEM: &str = "You write one read-only SQL query that answers the question. Use only the tables and \
columns in the schema below. Reply with JSON only: {\"sql\": \"<one SELECT statement>\"}.";

/// The baseline's system message: the same rules and examples, without the plan (the
/// examples' plans read as questions).
fn baseline_prefix(dialect: Dialect) -> String {
    format!("{BASELINE_SYSTEM}\n\n{}\n\n{}", dialect_rules(dialect), EXAMPLES.replace("Plan:", "Question:"))
}

/// The catalog tables a confirmed plan may use: its own tables plus the bridge tables that
/// connect two of them which are otherwise unconnected, in catalog order.
pub fn scope_tables<'a>(plan: &Plan, catalog: &'a Catalog) -> Vec<&'a Table> {
    let planned: Vec<&Table> = plan.tables.iter().filter_map(|t| resolve_table(catalog, t)).collect();
    let index_of = |table: &Table| planned.iter().position(|p| p.name == table.name);
    // Components of the plan's tables under their direct foreign keys (union-find by index).
    let mut parent: Vec<usize> = (0..planned.len()).collect();
    fn root(parent: &[usize], mut i: usize) -> usize {
        while let Some(&p) = parent.get(i) {
            if p == i {
                break;
            }
            i = p;
        }
        i
    }
    for (i, table) in planned.iter().enumerate() {
        for fk in &table.foreign_keys {
            if let Some(j) = planned.iter().position(|p| p.name == fk.referenced_table) {
                let (ri, rj) = (root(&parent, i), root(&parent, j));
                if let Some(slot) = parent.get_mut(ri) {
                    *slot = rj;
                }
            }
        }
    }
    let mut scope: Vec<&'a Table> = Vec::new();
    for table in &catalog.tables {
        if index_of(table).is_some() {
            scope.push(table);
            continue;
        }
        let mut neighbours: Vec<usize> = table
            .foreign_keys
            .iter()
            .filter_map(|fk| planned.iter().position(|p| p.name == fk.referenced_table))
            .collect();
        neighbours.extend(
            planned
                .iter()
                .enumerate()
                .filter(|(_, p)| p.foreign_keys.iter().any(|fk| fk.referenced_table == table.name))
                .map(|(i, _)| i),
        );
        let mut roots: Vec<usize> = neighbours.iter().map(|&i| root(&parent, i)).collect();
        roots.sort_unstable();
        roots.dedup();
        if roots.len() >= 2 {
            scope.push(table);
        }
    }
    scope
}

/// Renders the plan-scoped schema, in catalog order.
pub fn render_scope(plan: &Plan, catalog: &Catalog) -> String {
    let options = RenderOptions::default();
    scope_tables(plan, catalog).into_iter().map(|t| render_table(t, None, &options)).collect()
}

fn user_turn(schema: &str, plan: &Plan, question: &str) -> String {
    format!("Schema:\n{schema}\nConfirmed plan:\n{}\n\nQuestion: {}", plan.to_compact_json(), question.trim())
}

const TRANSFORM_SYSTEM: &str = "You write the SQL that performs a confirmed data transform: it writes only the \
target the plan names and reads the plan's source tables. Use only the tables and columns in the schema below. \
Reply with JSON only: {\"sql\": \"<the statements, separated by ;>\"}. Name every column the target gets \
(AS aliases). Never write, alter or drop any other table.";

/// The static system message for transforms on one dialect.
pub fn transform_prefix(dialect: Dialect) -> String {
    format!("{TRANSFORM_SYSTEM}\n\n{}", dialect_rules(dialect))
}

/// How the plan's write mode is written in SQL, with the plan's own target name.
fn write_instruction(transform: &TransformPlan, dialect: Dialect) -> String {
    let target = transform.target.trim();
    let key = transform.key.join(", ");
    match (transform.write, transform.target_kind) {
        (WriteMode::CreateAsSelect, TargetKind::View) => format!("Write: CREATE VIEW {target} AS SELECT …"),
        (WriteMode::CreateAsSelect, TargetKind::Table) => format!("Write: CREATE TABLE {target} AS SELECT …"),
        (WriteMode::InsertSelect, _) => format!("Write: INSERT INTO {target} (<its columns>) SELECT …"),
        (WriteMode::Upsert, _) if dialect == Dialect::Mysql => format!(
            "Write: INSERT INTO {target} (<its columns>) SELECT … ON DUPLICATE KEY UPDATE <column> = VALUES(<column>), … \
             (rows match on {key})"
        ),
        (WriteMode::Upsert, _) => format!(
            "Write: INSERT INTO {target} (<its columns>) SELECT … WHERE true ON CONFLICT ({key}) DO UPDATE SET \
             <column> = excluded.<column>, …"
        ),
        (WriteMode::Replace, TargetKind::View) => {
            format!("Write: DROP VIEW IF EXISTS {target}; CREATE VIEW {target} AS SELECT …")
        }
        (WriteMode::Replace, TargetKind::Table) => {
            format!("Write: DELETE FROM {target}; INSERT INTO {target} (<its columns>) SELECT …")
        }
    }
}

/// The tables a transform's prompt shows: the plan's sources and bridges, and the target when
/// it exists (an insert must match its columns), in catalog order.
pub fn transform_scope_tables<'a>(plan: &Plan, catalog: &'a Catalog) -> Vec<&'a Table> {
    let mut tables = scope_tables(plan, catalog);
    if let Some(target) = plan.transform.as_ref().and_then(|t| resolve_table(catalog, &t.target))
        && !tables.iter().any(|t| t.name == target.name)
    {
        tables.push(target);
        tables.sort_by_key(|t| catalog.tables.iter().position(|c| c.name == t.name));
    }
    tables
}

/// A conversation with one model about one question's SQL: the generation prompt, then every
/// repair turn appended in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    messages: Vec<Message>,
    /// Whether the prompt carries a confirmed plan (repair turns then ask to keep to it).
    planned: bool,
}

impl Conversation {
    /// The generation prompt for a confirmed plan.
    pub fn generation(dialect: Dialect, catalog: &Catalog, plan: &Plan, question: &str) -> Self {
        let schema = render_scope(plan, catalog);
        Self {
            messages: vec![Message::system(static_prefix(dialect)), Message::user(user_turn(&schema, plan, question))],
            planned: true,
        }
    }

    /// The generation prompt for a confirmed transform plan: the transform prefix, the sources
    /// (and an existing target) in catalog order, the plan, how to write it, and the request.
    pub fn transform(dialect: Dialect, catalog: &Catalog, plan: &Plan, request: &str) -> Self {
        let options = RenderOptions::default();
        let schema: String =
            transform_scope_tables(plan, catalog).into_iter().map(|t| render_table(t, None, &options)).collect();
        let write = plan.transform.as_ref().map(|t| write_instruction(t, dialect)).unwrap_or_default();
        let user = format!("{}\n{write}", user_turn(&schema, plan, request));
        Self { messages: vec![Message::system(transform_prefix(dialect)), Message::user(user)], planned: true }
    }

    /// The baseline the design argues against (`large-full-schema` in `tandem eval`): the
    /// whole catalog and the question, no plan. Only the baseline path builds this.
    pub fn full_schema(dialect: Dialect, catalog: &Catalog, question: &str) -> Self {
        let schema = render_catalog(catalog, &RenderOptions::default());
        let user = format!("Schema:\n{schema}\nQuestion: {}", question.trim());
        Self { messages: vec![Message::system(baseline_prefix(dialect)), Message::user(user)], planned: false }
    }

    /// Appends the model's previous reply and what went wrong with it.
    pub fn append_repair(&mut self, previous_reply: &str, failure: &str) {
        self.messages.push(Message::assistant(previous_reply));
        let keep = if self.planned { ", following the same plan" } else { "" };
        self.messages.push(Message::user(format!(
            "That SQL failed: {failure}\nReply with the corrected JSON {{\"sql\": \"...\"}}{keep}."
        )));
    }

    pub fn messages(&self) -> &[Message] {
        &self.messages
    }

    /// The request to send, constrained to the reply schema.
    pub fn request(&self, max_tokens: u32) -> ChatRequest {
        ChatRequest::new(self.messages.clone())
            .with_max_tokens(max_tokens)
            .with_json_schema("sql_reply", sql_reply_schema())
    }
}

/// The prompt the large model would have had to prefill with the whole catalog: built only to
/// be counted for the ledger's counterfactual, never sent.
pub fn counterfactual_full_schema_request(
    dialect: Dialect,
    catalog: &Catalog,
    plan: &Plan,
    question: &str,
) -> ChatRequest {
    let schema = render_catalog(catalog, &RenderOptions::default());
    ChatRequest::new(vec![Message::system(static_prefix(dialect)), Message::user(user_turn(&schema, plan, question))])
}

/// The reply schema: SQL, or a structured request for more schema.
pub fn sql_reply_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "sql": { "type": "string" },
            "need_tables": { "type": "array", "items": { "type": "string" } },
            "reason": { "type": "string" }
        }
    })
}

#[cfg(test)]
mod tests {
    use tandem_core::{Column, ForeignKey, TableName};

    use super::*;

    fn table(name: &str, fks: &[(&str, &str)]) -> Table {
        let mut table = Table::new(TableName::new(name), vec![Column::new("id", "int")]);
        table.foreign_keys = fks
            .iter()
            .map(|(column, to)| ForeignKey {
                columns: vec![(*column).into()],
                referenced_table: TableName::new(*to),
                referenced_columns: vec!["id".into()],
            })
            .collect();
        table
    }

    #[test]
    fn bridges_join_the_scope_but_neighbours_do_not() {
        let catalog = Catalog::new(vec![
            table("student", &[]),
            table("enrolment", &[("student_id", "student"), ("course_id", "course")]),
            table("course", &[]),
            table("audit_log", &[("student_id", "student")]),
        ]);
        let mut plan = Plan::new();
        plan.tables = vec!["course".into(), "student".into()];
        let names: Vec<String> = scope_tables(&plan, &catalog).iter().map(|t| t.name.to_string()).collect();
        assert_eq!(names, ["student", "enrolment", "course"]);
    }

    #[test]
    fn the_prompt_is_deterministic_and_appends_repairs() {
        let catalog = Catalog::new(vec![table("singer", &[])]);
        let mut plan = Plan::new();
        plan.tables = vec!["singer".into()];
        let a = Conversation::generation(Dialect::Sqlite, &catalog, &plan, "How many singers?");
        let mut b = Conversation::generation(Dialect::Sqlite, &catalog, &plan, "How many singers?");
        assert_eq!(a, b);
        b.append_repair("{\"sql\": \"SELEC 1\"}", "syntax error");
        assert_eq!(&b.messages()[..2], a.messages());
        assert_eq!(b.messages().len(), 4);
    }

    #[test]
    fn a_transform_prompt_shows_its_sources_and_existing_target_only() {
        let catalog = Catalog::new(vec![table("singer", &[]), table("concert", &[]), table("singer_stats", &[])]);
        let mut plan = Plan::new();
        plan.tables = vec!["singer".into()];
        plan.transform = Some(TransformPlan {
            target: "singer_stats".into(),
            target_kind: TargetKind::Table,
            write: WriteMode::Upsert,
            key: vec!["id".into()],
            expect: Default::default(),
        });
        let conversation = Conversation::transform(Dialect::Sqlite, &catalog, &plan, "Upsert singer counts");
        let user = &conversation.messages()[1].content;
        assert!(user.contains("singer_stats") && user.contains("ON CONFLICT (id)"), "{user}");
        assert!(!user.contains("concert"), "{user}");
        assert_eq!(conversation.messages()[0].content, transform_prefix(Dialect::Sqlite));
    }
}
