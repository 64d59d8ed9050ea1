//! Opening the database a command works on: a URL, a SQLite path, or the demo warehouse.

use std::sync::Arc;

use anyhow::{Context as _, bail};
use tandem_exec::{
    Executor, MysqlConfig, MysqlExecutor, PostgresConfig, PostgresExecutor, SqliteExecutor, SqliteOptions,
};

use crate::config::Config;
use crate::demo_db::ensure_demo_db;

/// An executor for `db`: `postgres://…`, `mysql://…`, `sqlite:PATH` or a path to a SQLite
/// file; `None` means the demo warehouse (generated on first use).
pub async fn open(config: &Config, db: Option<&str>) -> anyhow::Result<(String, Arc<dyn Executor>)> {
    let Some(db) = db.map(str::trim).filter(|d| !d.is_empty()) else {
        let (path, _) = ensure_demo_db(config)?;
        let executor = SqliteExecutor::open(&path, &SqliteOptions::default())?;
        return Ok((format!("demo warehouse ({})", path.display()), Arc::new(executor)));
    };
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        let executor = PostgresExecutor::connect(&PostgresConfig::new(db)).await.context("connecting to PostgreSQL")?;
        return Ok((redact(db), Arc::new(executor)));
    }
    if db.starts_with("mysql://") || db.starts_with("mariadb://") {
        let url = db.replacen("mariadb://", "mysql://", 1);
        let executor = MysqlExecutor::connect(&MysqlConfig::new(url)).await.context("connecting to MySQL/MariaDB")?;
        return Ok((redact(db), Arc::new(executor)));
    }
    let path = db.strip_prefix("sqlite:").unwrap_or(db);
    if db.contains("://") {
        bail!("unsupported database URL `{}`: use postgres://, mysql:// or a SQLite file path", redact(db));
    }
    let executor = SqliteExecutor::open(path, &SqliteOptions::default())
        .with_context(|| format!("opening SQLite database {path}"))?;
    Ok((path.to_owned(), Arc::new(executor)))
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact("mysql://root@127.0.0.1/test"), "mysql://root@127.0.0.1/test");
        assert_eq!(redact("warehouse.sqlite"), "warehouse.sqlite");
    }
}
