//! The transform scenarios on the real MySQL/MariaDB server, a database per test.

use async_trait::async_trait;
use mysql_async::prelude::Queryable;
use tandem_core::{Catalog, Dialect, TableName};
use tandem_exec::{
    Executor, IntrospectOptions, MysqlConfig, MysqlExecutor, MysqlTransformer, TransformOptions, Transformer,
};
use tokio::sync::Mutex;

use super::{Engine, FIXTURE};
use crate::support::{mysql_url, unavailable, unique, with_database};

pub struct MyDatabase {
    admin: Mutex<mysql_async::Conn>,
    name: String,
}

impl MyDatabase {
    pub async fn create() -> Option<Self> {
        let mut admin = match mysql_async::Conn::from_url(mysql_url()).await {
            Ok(connection) => connection,
            Err(error) => {
                unavailable("MySQL", &error);
                return None;
            }
        };
        let name = unique("tandem_tf");
        admin.query_drop(format!("CREATE DATABASE {name}")).await.unwrap();
        admin.query_drop(format!("USE {name}")).await.unwrap();
        for statement in FIXTURE {
            admin.query_drop(*statement).await.unwrap();
        }
        Some(Self { admin: Mutex::new(admin), name })
    }

    pub async fn drop(self) {
        self.admin.lock().await.query_drop(format!("DROP DATABASE {}", self.name)).await.unwrap();
    }

    fn config(&self) -> MysqlConfig {
        MysqlConfig::new(with_database(&mysql_url(), &self.name))
    }
}

#[async_trait]
impl Engine for MyDatabase {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn table(&self, name: &str) -> TableName {
        TableName::qualified(self.name.clone(), name)
    }

    async fn admin(&self, sql: &str) {
        self.admin.lock().await.query_drop(sql).await.unwrap();
    }

    async fn snapshot(&self) -> Vec<(String, Vec<String>)> {
        let mut admin = self.admin.lock().await;
        let tables: Vec<String> = admin
            .exec(
                "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY 1",
                (self.name.clone(),),
            )
            .await
            .unwrap();
        let mut snapshot = Vec::new();
        for table in tables {
            let rows: Vec<mysql_async::Row> =
                admin.query(format!("SELECT * FROM `{}`.`{table}`", self.name)).await.unwrap();
            let mut rows: Vec<String> = rows
                .into_iter()
                .map(|row| row.unwrap().iter().map(|v| v.as_sql(false)).collect::<Vec<_>>().join(", "))
                .collect();
            rows.sort();
            snapshot.push((table, rows));
        }
        snapshot
    }

    async fn catalog(&self) -> Catalog {
        let executor = MysqlExecutor::connect(&self.config()).await.unwrap();
        let options =
            IntrospectOptions { schemas: vec![self.name.clone()], sampling: None, ..IntrospectOptions::default() };
        executor.introspect(&options).await.unwrap()
    }

    async fn transformer(&self, options: TransformOptions) -> Box<dyn Transformer> {
        Box::new(MysqlTransformer::connect(&self.config(), options).await.unwrap())
    }
}

crate::transform_scenarios!(MyDatabase);

/// A MyISAM target cannot roll a preview back, so tandem refuses to preview on it.
#[tokio::test]
async fn non_transactional_targets_are_refused() {
    let Some(db) = MyDatabase::create().await else { return };
    db.admin(&format!("CREATE TABLE {}.flat (day INT PRIMARY KEY, total INT) ENGINE=MyISAM", db.name)).await;
    let catalog = db.catalog().await;
    let spec =
        tandem_sql::TransformSpec::new(db.table("flat"), tandem_sql::WriteKind::InsertSelect, vec![db.table("orders")]);
    let sql =
        format!("INSERT INTO {0}.flat (day, total) SELECT day, SUM(amount) FROM {0}.orders GROUP BY day", db.name);
    let transform =
        tandem_sql::validate_transform(&sql, &spec, &tandem_sql::Policy::new(Dialect::Mysql), &catalog).unwrap();
    let before = db.snapshot().await;
    let transformer = db.transformer(db.options()).await;
    let error = transformer.preview(&transform).await.unwrap_err();
    assert_eq!(error.code(), "transform_non_transactional_target", "{error:?}");
    assert!(error.to_string().contains("MyISAM"), "{error}");
    assert_eq!(db.snapshot().await, before);
    db.drop().await;
}
