//! Opening the database a command works on: a URL, a SQLite path, or the demo warehouse.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use tandem_core::{Dialect, TableName};
use tandem_exec::{
    AuditLog, Executor, MysqlConfig, MysqlExecutor, MysqlTransformer, PostgresConfig, PostgresExecutor,
    PostgresTransformer, PrivilegeReport, SqliteExecutor, SqliteOptions, SqliteTransformer, TransformOptions,
    Transformer,
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
    if is_postgres(db) {
        let executor =
            PostgresExecutor::connect(&sandbox_config(config, db)).await.context("connecting to PostgreSQL")?;
        return Ok((redact(db), Arc::new(executor)));
    }
    if is_mysql(db) {
        let executor =
            MysqlExecutor::connect(&MysqlConfig::new(mysql_url(db))).await.context("connecting to MySQL/MariaDB")?;
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

/// `db` (a `postgres://` or `mysql://` URL) as its administrator gives it, without the
/// sandbox's role (which may not exist yet), for `tandem db grant`; `None` for anything else.
pub async fn open_admin(db: &str) -> anyhow::Result<Option<(Dialect, Arc<dyn Executor>)>> {
    let db = db.trim();
    if is_postgres(db) {
        let executor = PostgresExecutor::connect(&PostgresConfig::new(db)).await.context("connecting to PostgreSQL")?;
        return Ok(Some((Dialect::Postgres, Arc::new(executor))));
    }
    if is_mysql(db) {
        let executor =
            MysqlExecutor::connect(&MysqlConfig::new(mysql_url(db))).await.context("connecting to MySQL/MariaDB")?;
        return Ok(Some((Dialect::Mysql, Arc::new(executor))));
    }
    Ok(None)
}

fn is_postgres(db: &str) -> bool {
    db.starts_with("postgres://") || db.starts_with("postgresql://")
}

fn is_mysql(db: &str) -> bool {
    db.starts_with("mysql://") || db.starts_with("mariadb://")
}

fn mysql_url(db: &str) -> String {
    db.replacen("mariadb://", "mysql://", 1)
}

/// The sandbox's PostgreSQL settings: `[database]`'s role and session limits over `url`.
fn sandbox_config(config: &Config, url: &str) -> PostgresConfig {
    let database = &config.database;
    let defaults = PostgresConfig::new(url);
    PostgresConfig {
        role: database.role.clone(),
        work_mem_kb: database.work_mem_kb.unwrap_or(defaults.work_mem_kb),
        temp_file_limit_kb: database.temp_file_limit_kb.unwrap_or(defaults.temp_file_limit_kb),
        ..defaults
    }
}

/// What the sandbox's login for `db` can read beyond the catalog, checked on a connection of
/// its own with the sandbox's settings (its role included). SQLite has no users: nothing.
pub async fn privileges(config: &Config, db: Option<&str>) -> anyhow::Result<PrivilegeReport> {
    let Some(db) = db.map(str::trim).filter(|d| !d.is_empty()) else { return Ok(PrivilegeReport::default()) };
    if is_postgres(db) {
        let settings = PostgresConfig { pool_size: 1, ..sandbox_config(config, db) };
        let executor = PostgresExecutor::connect(&settings).await.context("connecting to PostgreSQL")?;
        return executor.privileges(PRIVILEGE_CHECK_TIMEOUT).await.context("checking the login's privileges");
    }
    if is_mysql(db) {
        let settings = MysqlConfig { pool_size: 1, ..MysqlConfig::new(mysql_url(db)) };
        let executor = MysqlExecutor::connect(&settings).await.context("connecting to MySQL/MariaDB")?;
        return executor.privileges(PRIVILEGE_CHECK_TIMEOUT).await.context("checking the login's privileges");
    }
    Ok(PrivilegeReport::default())
}

const PRIVILEGE_CHECK_TIMEOUT: Duration = Duration::from_secs(10);

/// Decides what a privileged login means for a server: an error (refuse to start) unless
/// `[database] allow_privileged` is set, else one warning per finding for the caller to show.
pub fn judge_privileges(config: &Config, report: &PrivilegeReport) -> anyhow::Result<Vec<String>> {
    if !report.is_privileged() {
        return Ok(Vec::new());
    }
    let findings: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
    if !config.database.allow_privileged {
        bail!(
            "the database login can read beyond the catalog ({}); a statement the validator wrongly \
             accepted could read it too. Connect as a role made by `tandem db grant`, or set \
             [database] allow_privileged = true to start anyway",
            findings.join("; ")
        );
    }
    Ok(findings
        .into_iter()
        .map(|finding| format!("PRIVILEGED DATABASE LOGIN (allowed by [database] allow_privileged): {finding}"))
        .collect())
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
        Some(db) if is_postgres(db) => Arc::new(
            PostgresTransformer::connect(&PostgresConfig::new(db), options)
                .await
                .context("connecting to PostgreSQL for transforms")?,
        ),
        Some(db) if is_mysql(db) => Arc::new(
            MysqlTransformer::connect(&MysqlConfig::new(mysql_url(db)), options)
                .await
                .context("connecting to MySQL/MariaDB for transforms")?,
        ),
        Some(db) => {
            let path = db.strip_prefix("sqlite:").unwrap_or(db);
            Arc::new(SqliteTransformer::open(path, options).with_context(|| format!("opening {path} for transforms"))?)
        }
    };
    Ok(Some(transformer))
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
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
    use tandem_exec::{PrivilegeFinding, PrivilegeReport};

    use super::{judge_privileges, redact};
    use crate::config::Config;

    #[test]
    fn a_privileged_login_is_refused_unless_allowed_and_then_named_in_warnings() {
        let mut config = Config::default();
        let clean = PrivilegeReport { user: "tandem_ro".into(), findings: Vec::new() };
        assert!(judge_privileges(&config, &clean).unwrap().is_empty());
        let superuser = PrivilegeReport {
            user: "postgres".into(),
            findings: vec![PrivilegeFinding::Superuser { role: "postgres".into() }],
        };
        let refused = judge_privileges(&config, &superuser).unwrap_err().to_string();
        assert!(
            refused.contains("role `postgres` is a superuser") && refused.contains("allow_privileged"),
            "{refused}"
        );
        config.database.allow_privileged = true;
        let warnings = judge_privileges(&config, &superuser).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("PRIVILEGED") && warnings[0].contains("superuser"), "{warnings:?}");
    }

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact("mysql://root@127.0.0.1/test"), "mysql://root@127.0.0.1/test");
        assert_eq!(redact("warehouse.sqlite"), "warehouse.sqlite");
    }
}
