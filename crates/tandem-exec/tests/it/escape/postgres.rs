//! The escape search on PostgreSQL: a catalog schema with `item` and `label`, a canary schema
//! the catalog does not include, and the server's own catalogs and table functions planted.

use serde_json::Value;
use tandem_core::TableName;
use tandem_exec::{Executor, IntrospectOptions, PostgresConfig, PostgresExecutor};
use tokio_postgres::SimpleQueryMessage;

use super::Engine;
use super::grammar::{Base, Kind, World};
use crate::support::{pg_url, unavailable, unique};

struct Explainer {
    admin: tokio_postgres::Client,
}

impl Engine for Explainer {
    async fn reads(&mut self, sql: &str) -> Result<Vec<TableName>, String> {
        // The simple protocol returns the plan as text; one statement is all it may hold.
        assert!(!sql.contains(';'), "a generated query holds a semicolon: {sql}");
        let messages = self
            .admin
            .simple_query(&format!("EXPLAIN (VERBOSE, FORMAT JSON) {sql}"))
            .await
            .map_err(|e| e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_owned()))?;
        let text: String = messages
            .iter()
            .filter_map(|m| match m {
                SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
                _ => None,
            })
            .collect();
        let plan: Value = serde_json::from_str(&text).map_err(|e| format!("plan is not JSON: {e}"))?;
        let mut reads = Vec::new();
        relations(&plan, &mut reads);
        Ok(reads)
    }
}

/// Every "Relation Name" in the plan, with its "Schema", at any depth (InitPlans and SubPlans
/// are children like any other).
fn relations(node: &Value, out: &mut Vec<TableName>) {
    match node {
        Value::Object(fields) => {
            if let Some(Value::String(name)) = fields.get("Relation Name") {
                let schema = fields.get("Schema").and_then(Value::as_str).map(str::to_owned);
                let read = TableName { schema, name: name.clone() };
                if !out.contains(&read) {
                    out.push(read);
                }
            }
            fields.values().for_each(|v| relations(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| relations(v, out)),
        _ => {}
    }
}

fn world(schema: &str, canary: &str) -> World {
    let base =
        |spellings: Vec<String>, int_col, text_col, kind, shaped| Base { spellings, int_col, text_col, kind, shaped };
    let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let bases = vec![
        base(
            vec![
                "item".to_owned(),
                "\"item\"".to_owned(),
                format!("{schema}.item"),
                format!("\"{schema}\".\"item\""),
                "ITEM".to_owned(),
            ],
            Some("id"),
            "name",
            Kind::Table,
            true,
        ),
        base(vec!["label".to_owned(), format!("{schema}.\"label\"")], Some("id"), "tag", Kind::Table, true),
        base(
            vec![format!("{canary}.vault"), format!("\"{canary}\".\"vault\"")],
            Some("id"),
            "token",
            Kind::Table,
            true,
        ),
        base(
            names(&["pg_authid", "pg_catalog.pg_authid", "\"pg_catalog\".\"pg_authid\"", "PG_AUTHID"]),
            None,
            "rolname::text",
            Kind::Table,
            false,
        ),
        base(names(&["pg_class", "pg_catalog.pg_class"]), None, "relname::text", Kind::Table, false),
        base(names(&["pg_catalog.pg_settings", "pg_settings", "\"pg_settings\""]), None, "name", Kind::View, false),
        base(
            names(&["information_schema.tables", "information_schema.\"tables\""]),
            None,
            "table_name::text",
            Kind::View,
            false,
        ),
        base(names(&["pg_stat_activity", "pg_catalog.pg_stat_activity"]), Some("pid"), "query", Kind::View, false),
        base(names(&["pg_shadow", "pg_catalog.pg_user"]), None, "usename::text", Kind::View, false),
        base(
            names(&["pg_show_all_settings()", "pg_catalog.pg_show_all_settings()"]),
            None,
            "name",
            Kind::Function,
            false,
        ),
        base(names(&["pg_stat_get_activity(NULL)"]), Some("pid"), "query", Kind::Function, false),
        base(names(&["pg_hba_file_rules()"]), Some("line_number"), "type", Kind::Function, false),
        base(names(&["pg_show_all_file_settings()"]), Some("sourceline"), "name", Kind::Function, false),
        base(names(&["pg_config()"]), None, "name", Kind::Function, false),
        base(
            vec![format!("ts_stat('SELECT to_tsvector(token) FROM {canary}.vault')")],
            Some("ndoc"),
            "word",
            Kind::Function,
            false,
        ),
    ];
    World {
        dialect: tandem_core::Dialect::Postgres,
        bases,
        n_catalog: 2,
        int_calls: vec![
            format!("brin_summarize_new_values('{schema}.item_brin'::regclass)"),
            format!("gin_clean_pending_list('{schema}.item_brin'::regclass)"),
            "length(pg_stat_get_backend_activity(1))".to_owned(),
        ],
        text_calls: vec![
            "table_to_xml('pg_catalog.pg_authid'::regclass, true, false, '')::text".to_owned(),
            format!("schema_to_xml('{canary}', true, false, '')::text"),
            format!("table_to_xmlschema('{canary}.vault'::regclass, true, false, '')::text"),
            format!("query_to_xml('SELECT token FROM {canary}.vault', true, false, '')::text"),
            "pg_stat_get_backend_activity(1)".to_owned(),
            "(SELECT string_agg(word, ',') FROM ts_stat('SELECT to_tsvector(rolname) FROM pg_authid'))".to_owned(),
        ],
        denied_words: vec![
            "table_to_xml",
            "schema_to_xml",
            "query_to_xml",
            "ts_stat",
            "pg_show_all_settings",
            "pg_stat_get_activity",
            "pg_stat_get_backend_activity",
            "pg_hba_file_rules",
            "pg_show_all_file_settings",
            "pg_config",
            "brin_summarize_new_values",
            "gin_clean_pending_list",
        ],
    }
}

#[tokio::test]
#[expect(clippy::disallowed_methods, reason = "the fixture's connection task needs a runtime task")]
async fn whatever_the_validator_accepts_reads_only_catalog_tables_on_postgres() {
    let (admin, connection) = match tokio_postgres::connect(&pg_url(), tokio_postgres::NoTls).await {
        Ok(pair) => pair,
        Err(error) => return unavailable("PostgreSQL", &error),
    };
    tokio::spawn(connection);
    let schema = unique("tandem_escape_pg");
    let canary = format!("{schema}_vault");
    admin
        .batch_execute(&format!(
            "CREATE SCHEMA {schema}; CREATE SCHEMA {canary};
             CREATE TABLE {schema}.item (id int PRIMARY KEY, name text NOT NULL);
             CREATE TABLE {schema}.label (id int PRIMARY KEY, tag text);
             CREATE TABLE {canary}.vault (id int PRIMARY KEY, token text);
             CREATE INDEX item_brin ON {schema}.item USING brin (id);
             INSERT INTO {schema}.item SELECT g, 'name-' || g FROM generate_series(1, 50) g;
             INSERT INTO {schema}.label SELECT g, 'tag-' || g FROM generate_series(1, 20) g;
             INSERT INTO {canary}.vault VALUES (1, 'tandem-canary');
             ANALYZE {schema}.item; ANALYZE {schema}.label;"
        ))
        .await
        .unwrap();
    let config = PostgresConfig { search_path: Some(schema.clone()), ..PostgresConfig::new(pg_url()) };
    let executor = PostgresExecutor::connect(&config).await.unwrap();
    let options = IntrospectOptions { schemas: vec![schema.clone()], sampling: None, ..IntrospectOptions::default() };
    let catalog = executor.introspect(&options).await.unwrap();
    drop(executor);
    let names: Vec<&str> = catalog.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(names, ["item", "label"]);
    admin.batch_execute(&format!("SET search_path = {schema}; SET statement_timeout = '5s'")).await.unwrap();
    let mut explainer = Explainer { admin };
    let verdict = super::check(&world(&schema, &canary), &catalog, &mut explainer).await;
    explainer
        .admin
        .batch_execute(&format!("DROP SCHEMA {schema} CASCADE; DROP SCHEMA {canary} CASCADE"))
        .await
        .unwrap();
    if let Err(report) = verdict {
        panic!("{report}");
    }
}
