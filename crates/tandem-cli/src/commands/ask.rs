//! `tandem ask`: until the full pipeline lands, a preview on a tiny built-in schema — the
//! local large-tier model writes SQL under a JSON schema, the validator checks it, and the
//! read-only SQLite sandbox runs it. Retrieval, planning and confirmation come with the
//! pipeline.

use anyhow::{Context as _, bail};
use tandem_core::{Catalog, Column, Dialect, ForeignKey, Table, TableName};
use tandem_llm::{ChatModel, ChatRequest, Message, extract_json};
use tandem_sql::{Policy, validate};

use crate::config::Config;
use crate::output;
use crate::wiring;

const SCHEMA_SQL: &str = "\
CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT, age INTEGER);
CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, concert_name TEXT, year INTEGER, stadium TEXT);
CREATE TABLE singer_in_concert (concert_id INTEGER REFERENCES concert(concert_id), singer_id INTEGER REFERENCES singer(singer_id), PRIMARY KEY (concert_id, singer_id));";

const DATA_SQL: &[&str] = &[
    "INSERT INTO singer VALUES (1, 'Joe Sharp', 'Netherlands', 52), (2, 'Timbaland', 'United States', 32), \
     (3, 'Justin Brown', 'France', 29), (4, 'Rose White', 'France', 41), (5, 'John Nizinik', 'France', 43), \
     (6, 'Tribal King', 'France', 25)",
    "INSERT INTO concert VALUES (1, 'Auditions', 2014, 'Glebe Park'), (2, 'Super bootcamp', 2014, 'Somerset Park'), \
     (3, 'Home Visits', 2015, 'Balmoor'), (4, 'Week 1', 2015, 'Hampden Park')",
    "INSERT INTO singer_in_concert VALUES (1, 2), (1, 3), (1, 5), (2, 3), (2, 6), (3, 5), (4, 4)",
];

fn catalog() -> Catalog {
    let int = |name: &str| Column { nullable: false, ..Column::new(name, "INTEGER") };
    let text = |name: &str| Column::new(name, "TEXT");
    let mut singer =
        Table::new(TableName::new("singer"), vec![int("singer_id"), text("name"), text("country"), int("age")]);
    singer.primary_key = vec!["singer_id".into()];
    let mut concert = Table::new(
        TableName::new("concert"),
        vec![int("concert_id"), text("concert_name"), int("year"), text("stadium")],
    );
    concert.primary_key = vec!["concert_id".into()];
    let mut link = Table::new(TableName::new("singer_in_concert"), vec![int("concert_id"), int("singer_id")]);
    link.primary_key = vec!["concert_id".into(), "singer_id".into()];
    link.foreign_keys = vec![
        ForeignKey {
            columns: vec!["concert_id".into()],
            referenced_table: TableName::new("concert"),
            referenced_columns: vec!["concert_id".into()],
        },
        ForeignKey {
            columns: vec!["singer_id".into()],
            referenced_table: TableName::new("singer"),
            referenced_columns: vec!["singer_id".into()],
        },
    ];
    Catalog::new(vec![singer, concert, link])
}

pub async fn run(config: &Config, question: &str) -> anyhow::Result<()> {
    let question = question.trim();
    if question.is_empty() {
        bail!("the question is empty");
    }
    let [_, large_settings] = config.model_settings()?;
    let large = wiring::load_tier(config, &large_settings).await?;
    output::line("Preview: the pipeline (retrieval, plan, confirmation, repair) is not built yet;");
    output::line("the large tier writes SQL for this tiny built-in schema:\n");
    output::line(SCHEMA_SQL);
    let request = ChatRequest::new(vec![
        Message::system(
            "You write one SQLite SELECT statement that answers the question from the given schema. \
             Reply with JSON: {\"sql\": \"...\"}.",
        ),
        Message::user(format!("Schema:\n{SCHEMA_SQL}\n\nQuestion: {question}")),
    ])
    .with_max_tokens(160)
    .with_json_schema(
        "sql_answer",
        serde_json::json!({"type": "object", "properties": {"sql": {"type": "string"}}, "required": ["sql"]}),
    );
    output::line("\nmodel reply:");
    let completion = large.model.complete(&request, &mut |piece| output::stream(piece)).await?;
    output::line("");
    let reply = extract_json(&completion.text).context("the model's reply is not JSON")?;
    let Some(sql) = reply.get("sql").and_then(|s| s.as_str()) else {
        bail!("the model's reply has no `sql` string: {}", completion.text);
    };
    let validated = match validate(sql, &Policy::new(Dialect::Sqlite).with_max_rows(50), &catalog()) {
        Ok(validated) => validated,
        Err(rejection) => {
            for violation in &rejection.violations {
                output::line(format!("rejected: {} — {}", violation.code.as_str(), violation.message));
            }
            bail!("the SQL did not pass validation");
        }
    };
    output::line(format!("\nvalidated SQL: {}", validated.as_str()));
    crate::commands::ask_exec::show_rows(&validated, SCHEMA_SQL, DATA_SQL).await?;
    let usage = completion.usage;
    let timing = completion.timing;
    output::line(format!(
        "\nledger: large model `{}` — 1 call, {} prompt tokens ({} cached), {} completion tokens, \
         {:.2} s in queue, {:.2} s to first token, {:.2} s total",
        large.model.name(),
        usage.prompt_tokens,
        usage.cached_prompt_tokens,
        usage.completion_tokens,
        timing.queue_wait.as_secs_f64(),
        timing.time_to_first_token.as_secs_f64(),
        timing.total.as_secs_f64(),
    ));
    Ok(())
}
