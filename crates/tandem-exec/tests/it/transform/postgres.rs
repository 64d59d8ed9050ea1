//! The transform scenarios on the real PostgreSQL server, a schema per test.

use async_trait::async_trait;
use tandem_core::{Catalog, Dialect, TableName};
use tandem_exec::{
    Executor, IntrospectOptions, PostgresConfig, PostgresExecutor, PostgresTransformer, TransformOptions, Transformer,
};

use super::{Engine, FIXTURE};
use crate::support::{pg_url, unavailable, unique};

pub struct PgSchema {
    admin: tokio_postgres::Client,
    name: String,
}

impl PgSchema {
    #[expect(clippy::disallowed_methods, reason = "the fixture's connection task needs a runtime task")]
    pub async fn create() -> Option<Self> {
        let (admin, connection) = match tokio_postgres::connect(&pg_url(), tokio_postgres::NoTls).await {
            Ok(pair) => pair,
            Err(error) => {
                unavailable("PostgreSQL", &error);
                return None;
            }
        };
        tokio::spawn(connection);
        let name = unique("tandem_tf");
        admin.batch_execute(&format!("CREATE SCHEMA {name}; SET search_path = {name}")).await.unwrap();
        for statement in FIXTURE {
            admin.batch_execute(statement).await.unwrap();
        }
        Some(Self { admin, name })
    }

    pub async fn drop(self) {
        self.admin.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name)).await.unwrap();
    }

    fn config(&self) -> PostgresConfig {
        PostgresConfig { search_path: Some(self.name.clone()), ..PostgresConfig::new(pg_url()) }
    }
}

#[async_trait]
impl Engine for PgSchema {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn table(&self, name: &str) -> TableName {
        TableName::qualified(self.name.clone(), name)
    }

    async fn admin(&self, sql: &str) {
        self.admin.batch_execute(sql).await.unwrap();
    }

    async fn snapshot(&self) -> Vec<(String, Vec<String>)> {
        let tables = self
            .admin
            .query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1",
                &[&self.name],
            )
            .await
            .unwrap();
        let mut snapshot = Vec::new();
        for table in tables {
            let table: String = table.get(0);
            let rows =
                self.admin.query(&format!("SELECT t::text FROM {}.\"{table}\" t", self.name), &[]).await.unwrap();
            let mut rows: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
            rows.sort();
            snapshot.push((table, rows));
        }
        snapshot
    }

    async fn catalog(&self) -> Catalog {
        let executor = PostgresExecutor::connect(&self.config()).await.unwrap();
        let options =
            IntrospectOptions { schemas: vec![self.name.clone()], sampling: None, ..IntrospectOptions::default() };
        executor.introspect(&options).await.unwrap()
    }

    async fn transformer(&self, options: TransformOptions) -> Box<dyn Transformer> {
        Box::new(PostgresTransformer::connect(&self.config(), options).await.unwrap())
    }
}

crate::transform_scenarios!(PgSchema);
