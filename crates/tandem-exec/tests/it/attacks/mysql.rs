//! The attack corpus on the MySQL/MariaDB sandbox: a database of its own per run, checksummed
//! by `CHECKSUM TABLE`, its table list, and the users and databases the corpus tries to create.

use mysql_async::prelude::Queryable;
use tandem_core::Dialect;
use tandem_exec::{Executor, IntrospectOptions, MysqlConfig, MysqlExecutor};

use super::{Snapshot, Target, corpus};
use crate::support::{mysql_url, unavailable, unique, with_database};

struct DatabaseSnapshot {
    admin: mysql_async::Conn,
    database: String,
}

impl Snapshot for DatabaseSnapshot {
    async fn checksum(&mut self) -> String {
        let db = &self.database;
        let sums: Vec<(String, Option<u64>)> =
            self.admin.query(format!("CHECKSUM TABLE {db}.item, {db}.secret EXTENDED")).await.unwrap();
        assert!(sums.iter().all(|(_, sum)| sum.is_some()), "{sums:?}");
        let objects: Option<String> = self
            .admin
            .query_first(format!(
                "SELECT CONCAT_WS(' ', \
                   (SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables \
                     WHERE table_schema = '{db}'), \
                   (SELECT COUNT(*) FROM mysql.user WHERE user LIKE 'tandem_attack%'), \
                   (SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name LIKE 'tandem_attack%'), \
                   (SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = 'test'))"
            ))
            .await
            .unwrap();
        format!("{sums:?} {}", objects.unwrap())
    }
}

#[tokio::test]
async fn the_attack_corpus_on_mysql() {
    let mut admin = match mysql_async::Conn::from_url(mysql_url()).await {
        Ok(connection) => connection,
        Err(error) => return unavailable("MySQL", &error),
    };
    let database = unique("tandem_attack_my");
    for statement in [
        format!("CREATE DATABASE {database}"),
        format!(
            "CREATE TABLE {database}.item (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, qty INT, note TEXT) ENGINE=InnoDB"
        ),
        format!("CREATE TABLE {database}.secret (id INT PRIMARY KEY, token TEXT) ENGINE=InnoDB"),
        // Spelled out: MariaDB stops recursive CTEs after 1,000 iterations by default.
        format!(
            "INSERT INTO {database}.item VALUES {}",
            (1..=2000).map(|i| format!("({i}, 'name-{i}', {}, 'note')", i % 97)).collect::<Vec<_>>().join(", ")
        ),
        format!("INSERT INTO {database}.secret VALUES (1, 'tandem-canary')"),
    ] {
        admin.query_drop(statement).await.unwrap();
    }
    let executor = MysqlExecutor::connect(&MysqlConfig::new(with_database(&mysql_url(), &database))).await.unwrap();
    let catalog =
        executor.introspect(&IntrospectOptions { sampling: None, ..IntrospectOptions::default() }).await.unwrap();
    let probe = "SELECT @@session.max_statement_time AS st, @@session.autocommit AS ac, @@session.sql_mode AS sm, \
                 DATABASE() AS db, CURRENT_USER() AS who";
    let target = Target {
        engine: corpus::M,
        dialect: Dialect::Mysql,
        executor: &executor,
        catalog: &catalog,
        session_probe: Some(probe),
    };
    let mut snapshot = DatabaseSnapshot { admin, database: database.clone() };
    let failures = super::run(&target, &mut snapshot).await;
    drop(executor);
    snapshot.admin.query_drop(format!("DROP DATABASE {database}")).await.unwrap();
    assert!(failures.is_empty(), "{} MySQL attack cases failed:\n{}", failures.len(), failures.join("\n"));
}
