//! Opening the database a command works on: a URL, a SQLite path, or the demo warehouse.

use std::sync::Arc;

use anyhow::{Context as _, bail};
use tandem_core::TableName;
use tandem_exec::{
    AuditLog, Executor, MysqlConfig, MysqlExecutor, MysqlTransformer, PostgresConfig, PostgresExecutor,
    PostgresTransformer, SqliteExecutor, SqliteOptions, SqliteTransformer, TransformOptions, Transformer,
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

/// A transformer for `db` (the same forms as [`open`]) when the configuration enables
/// transforms for it: `[transforms] enabled` if set, else on for the demo warehouse only.
pub async fn open_transformer(config: &Config, db: Option<&str>) -> anyhow::Result<Option<Arc<dyn Transformer>>> {
    let db = db.map(str::trim).filter(|d| !d.is_empty());
    if !config.transforms.enabled.unwrap_or(db.is_none()) {
        return Ok(None);
    }
    let mut options = TransformOptions::default();
    if let Some(table) = &config.transforms.audit_table {
        options.audit = AuditLog::Table(TableName::new(table.clone()));
    }
    let transformer: Arc<dyn Transformer> = match db {
        None => Arc::new(SqliteTransformer::open(ensure_demo_db(config)?.0, options)?),
        Some(db) if db.starts_with("postgres://") || db.starts_with("postgresql://") => Arc::new(
            PostgresTransformer::connect(&PostgresConfig::new(db), options)
                .await
                .context("connecting to PostgreSQL for transforms")?,
        ),
        Some(db) if db.starts_with("mysql://") || db.starts_with("mariadb://") => {
            let url = db.replacen("mariadb://", "mysql://", 1);
            Arc::new(
                MysqlTransformer::connect(&MysqlConfig::new(url), options)
                    .await
                    .context("connecting to MySQL/MariaDB for transforms")?,
            )
        }
        Some(db) => {
            let path = db.strip_prefix("sqlite:").unwrap_or(db);
            Arc::new(SqliteTransformer::open(path, options).with_context(|| format!("opening {path} for transforms"))?)
        }
    };
    Ok(Some(transformer))
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
