//! The attack corpus on the PostgreSQL sandbox: a schema of its own per run, checksummed by
//! its rows, its relations, and the roles and databases the corpus tries to create.

use tandem_core::Dialect;
use tandem_exec::{Executor, IntrospectOptions, PostgresConfig, PostgresExecutor};

use super::{Snapshot, Target, corpus};
use crate::support::{pg_url, unavailable, unique};

struct SchemaSnapshot {
    admin: tokio_postgres::Client,
    schema: String,
}

impl Snapshot for SchemaSnapshot {
    async fn checksum(&mut self) -> String {
        let sql = format!(
            "SELECT (SELECT md5(string_agg(x, '|' ORDER BY x)) FROM \
               (SELECT t::text AS x FROM {s}.item t UNION ALL SELECT 's' || t::text FROM {s}.secret t) q), \
             (SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM pg_class \
               WHERE relnamespace = '{s}'::regnamespace), \
             (SELECT count(*) FROM pg_roles WHERE rolname LIKE 'tandem_attack%'), \
             (SELECT count(*) FROM pg_database WHERE datname LIKE 'tandem_attack%'), \
             (SELECT count(*) FROM pg_namespace WHERE nspname = 'public')",
            s = self.schema
        );
        let row = self.admin.query_one(&sql, &[]).await.unwrap();
        format!(
            "{} {} {} {} {}",
            row.get::<_, String>(0),
            row.get::<_, String>(1),
            row.get::<_, i64>(2),
            row.get::<_, i64>(3),
            row.get::<_, i64>(4)
        )
    }
}

#[tokio::test]
#[expect(clippy::disallowed_methods, reason = "the fixture's connection task needs a runtime task")]
async fn the_attack_corpus_on_postgres() {
    let (admin, connection) = match tokio_postgres::connect(&pg_url(), tokio_postgres::NoTls).await {
        Ok(pair) => pair,
        Err(error) => return unavailable("PostgreSQL", &error),
    };
    tokio::spawn(connection);
    let schema = unique("tandem_attack_pg");
    admin
        .batch_execute(&format!(
            "CREATE SCHEMA {schema};
             CREATE TABLE {schema}.item (id int PRIMARY KEY, name text NOT NULL, qty int, note text);
             CREATE TABLE {schema}.secret (id int PRIMARY KEY, token text);
             INSERT INTO {schema}.item SELECT g, 'name-' || g, g % 97, 'note' FROM generate_series(1, 2000) g;
             INSERT INTO {schema}.secret VALUES (1, 'tandem-canary');
             ANALYZE {schema}.item;"
        ))
        .await
        .unwrap();
    let config = PostgresConfig { search_path: Some(schema.clone()), ..PostgresConfig::new(pg_url()) };
    let executor = PostgresExecutor::connect(&config).await.unwrap();
    let options = IntrospectOptions { schemas: vec![schema.clone()], sampling: None, ..IntrospectOptions::default() };
    let catalog = executor.introspect(&options).await.unwrap();
    let probe = "SELECT current_setting('search_path') AS path, current_setting('default_transaction_read_only') AS ro, \
                 current_setting('transaction_read_only') AS tro, current_setting('statement_timeout') AS st, \
                 current_user AS who";
    let target = Target {
        engine: corpus::P,
        dialect: Dialect::Postgres,
        executor: &executor,
        catalog: &catalog,
        session_probe: Some(probe),
    };
    let mut snapshot = SchemaSnapshot { admin, schema: schema.clone() };
    let failures = super::run(&target, &mut snapshot).await;
    drop(executor);
    snapshot.admin.batch_execute(&format!("DROP SCHEMA {schema} CASCADE")).await.unwrap();
    assert!(failures.is_empty(), "{} PostgreSQL attack cases failed:\n{}", failures.len(), failures.join("\n"));
}
