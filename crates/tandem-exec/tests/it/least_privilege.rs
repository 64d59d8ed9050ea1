//! `grant_sql` + `apply_grant` on the real servers: the login they make reads the catalog's
//! tables and really nothing else (not the role catalog, the server's settings and files,
//! other sessions' SQL, another schema or database), carries the session limits, and the
//! privilege check finds nothing on it while it finds the administrator.

use std::time::Duration;

use tandem_core::Dialect;
use tandem_exec::{
    Executor, GrantOptions, IntrospectOptions, MysqlConfig, MysqlExecutor, PostgresConfig, PostgresExecutor,
    PrivilegeFinding, apply_grant, grant_sql,
};

use crate::support::{mysql_url, pg_url, unavailable, unique, with_database};

const TIMEOUT: Duration = Duration::from_secs(5);

#[expect(clippy::disallowed_methods, reason = "the test's own connection task needs a runtime task")]
async fn pg_client(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

fn sqlstate(error: &tokio_postgres::Error) -> &str {
    error.code().map_or("none", |code| code.code())
}

/// `url` logging in as `user` (with `password`) instead of its own user.
fn as_user(url: &str, user: &str, password: Option<&str>) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let at = url.find('@').map_or(start, |i| i + 1);
    let credentials = password.map_or_else(|| user.to_owned(), |p| format!("{user}:{p}"));
    format!("{}{credentials}@{}", &url[..start], &url[at..])
}

#[tokio::test]
async fn a_postgres_grant_reads_the_catalog_and_nothing_else() {
    let admin = match pg_client(&pg_url()).await {
        Ok(admin) => admin,
        Err(error) => return unavailable("PostgreSQL", &error),
    };
    let (shop, other, role) = (unique("tg_shop"), unique("tg_other"), unique("tg"));
    admin
        .batch_execute(&format!(
            "CREATE SCHEMA {shop}; CREATE TABLE {shop}.item (id int, name text);
             INSERT INTO {shop}.item VALUES (1, 'a'), (2, 'b');
             CREATE VIEW {shop}.named AS SELECT name FROM {shop}.item;
             CREATE SCHEMA {other}; CREATE TABLE {other}.canary (secret text);
             GRANT USAGE ON SCHEMA {other} TO PUBLIC; INSERT INTO {other}.canary VALUES ('tweet');"
        ))
        .await
        .unwrap();
    let executor = PostgresExecutor::connect(&PostgresConfig::new(pg_url())).await.unwrap();
    let introspect = IntrospectOptions { schemas: vec![shop.clone()], sampling: None, ..IntrospectOptions::default() };
    let catalog = executor.introspect(&introspect).await.unwrap();
    assert_eq!(catalog.tables.len(), 2);
    let options = GrantOptions { temp_file_limit_kb: 1024, work_mem_kb: 64, ..GrantOptions::new(role.clone()) };
    let statements = grant_sql(Dialect::Postgres, &catalog, None, &options).unwrap();
    apply_grant(Dialect::Postgres, &pg_url(), &statements).await.unwrap();
    apply_grant(Dialect::Postgres, &pg_url(), &statements).await.expect("applying twice changes nothing");

    let url = as_user(&pg_url(), &role, None);
    let reader = pg_client(&url).await.unwrap();
    let count: i64 = reader.query_one(&format!("SELECT count(*) FROM {shop}.item"), &[]).await.unwrap().get(0);
    assert_eq!(count, 2);
    assert_eq!(reader.query(&format!("SELECT name FROM {shop}.named"), &[]).await.unwrap().len(), 2);
    for (sql, code) in [
        (format!("SELECT secret FROM {other}.canary"), "42501"),
        ("SELECT rolpassword FROM pg_authid".to_owned(), "42501"),
        ("SELECT current_setting('data_directory')".to_owned(), "42501"),
        ("SELECT pg_read_file('postgresql.conf')".to_owned(), "42501"),
        (format!("CREATE TABLE {shop}.x (i int)"), "25006"),
    ] {
        let error = reader.query(&sql, &[]).await.unwrap_err();
        assert_eq!(sqlstate(&error), code, "{sql}: {error}");
    }
    let hidden = "SELECT count(*) FROM pg_settings WHERE name IN ('config_file', 'data_directory', 'hba_file')";
    let n_hidden: i64 = reader.query_one(hidden, &[]).await.unwrap().get(0);
    assert_eq!(n_hidden, 0, "only the public subset of pg_settings");
    let n_seen: i64 = admin.query_one(hidden, &[]).await.unwrap().get(0);
    assert_eq!(n_seen, 3, "the administrator sees them");
    admin.batch_execute("SELECT 'tandem-admin-marker'").await.unwrap();
    let others =
        "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%tandem-admin-marker%' AND pid <> pg_backend_pid()";
    let n_leaked: i64 = reader.query_one(others, &[]).await.unwrap().get(0);
    assert_eq!(n_leaked, 0, "other sessions' SQL stays hidden");
    for (setting, expect) in [("temp_file_limit", "1MB"), ("work_mem", "64kB"), ("default_transaction_read_only", "on")]
    {
        let value: String = reader.query_one(&format!("SHOW {setting}"), &[]).await.unwrap().get(0);
        assert_eq!(value, expect, "{setting}");
    }
    let spill = "SELECT md5(i::text) AS h FROM generate_series(1, 200000) i ORDER BY h";
    let error = reader.query(spill, &[]).await.unwrap_err();
    assert_eq!(sqlstate(&error), "53400", "a sort cannot spill past the limit: {error}");

    let granted = PostgresExecutor::connect(&PostgresConfig::new(url)).await.unwrap();
    let report = granted.privileges(TIMEOUT).await.unwrap();
    assert_eq!((report.user.as_str(), report.findings.as_slice()), (role.as_str(), &[][..]), "{report:?}");
    let report = executor.privileges(TIMEOUT).await.unwrap();
    assert_eq!(report.findings, [PrivilegeFinding::Superuser { role: "postgres".into() }]);

    drop((reader, granted));
    admin
        .batch_execute(&format!(
            "DROP SCHEMA {shop} CASCADE; DROP SCHEMA {other} CASCADE; DROP OWNED BY {role}; DROP ROLE {role}"
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_mysql_grant_reads_the_catalog_and_nothing_else() {
    use mysql_async::prelude::Queryable;

    let mut admin = match mysql_async::Conn::from_url(mysql_url()).await {
        Ok(admin) => admin,
        Err(error) => return unavailable("MySQL", &error),
    };
    let (shop, other, user) = (unique("tg_shop"), unique("tg_other"), unique("tg"));
    for sql in [
        format!("CREATE DATABASE {shop}"),
        format!("CREATE TABLE {shop}.item (id INT, name VARCHAR(10))"),
        format!("INSERT INTO {shop}.item VALUES (1, 'a'), (2, 'b')"),
        format!("CREATE DATABASE {other}"),
        format!("CREATE TABLE {other}.canary (secret VARCHAR(10))"),
    ] {
        admin.query_drop(sql).await.unwrap();
    }
    let shop_url = with_database(&mysql_url(), &shop);
    let executor = MysqlExecutor::connect(&MysqlConfig::new(shop_url.clone())).await.unwrap();
    let catalog =
        executor.introspect(&IntrospectOptions { sampling: None, ..IntrospectOptions::default() }).await.unwrap();
    assert_eq!(catalog.tables.len(), 1);
    let password = "pw_4f2a9c";
    let options = GrantOptions { password: Some(password.into()), ..GrantOptions::new(user.clone()) };
    let statements = grant_sql(Dialect::Mysql, &catalog, None, &options).unwrap();
    apply_grant(Dialect::Mysql, &mysql_url(), &statements).await.unwrap();
    apply_grant(Dialect::Mysql, &mysql_url(), &statements).await.expect("applying twice changes nothing");

    let url = as_user(&shop_url, &user, Some(password));
    let mut reader = mysql_async::Conn::from_url(url.clone()).await.unwrap();
    let count: Option<i64> = reader.query_first("SELECT COUNT(*) FROM item").await.unwrap();
    assert_eq!(count, Some(2));
    for sql in [format!("SELECT secret FROM {other}.canary"), "SELECT User FROM mysql.user".to_owned()] {
        match reader.query_drop(&sql).await {
            Err(mysql_async::Error::Server(server)) => assert_eq!(server.code, 1142, "{sql}: {server:?}"),
            other => panic!("{sql}: {other:?}"),
        }
    }
    let databases: Vec<String> = reader.query("SHOW DATABASES").await.unwrap();
    assert_eq!(databases, ["information_schema", shop.as_str()]);

    let granted = MysqlExecutor::connect(&MysqlConfig::new(url)).await.unwrap();
    let report = granted.privileges(TIMEOUT).await.unwrap();
    assert!(report.user.starts_with(&format!("{user}@")), "{report:?}");
    assert_eq!(report.findings, [], "{report:?}");
    let report = executor.privileges(TIMEOUT).await.unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|f| matches!(f, PrivilegeFinding::GlobalPrivilege { privilege, .. } if privilege == "ALL PRIVILEGES")),
        "{report:?}"
    );

    drop(reader.disconnect().await);
    for sql in [format!("DROP USER '{user}'@'%'"), format!("DROP DATABASE {shop}"), format!("DROP DATABASE {other}")] {
        admin.query_drop(sql).await.unwrap();
    }
}
