//! `tandem db grant`: prints, and with `--apply` runs, the SQL that creates (or narrows) a
//! login that can read the catalog's tables and nothing else.

use anyhow::{Context as _, bail};
use tandem_exec::{GrantOptions, IntrospectOptions, apply_grant, grant_sql};

use crate::config::{Config, SecretRef};
use crate::database;
use crate::output;

/// The role name when neither `--role` nor `[database] role` gives one.
const DEFAULT_ROLE: &str = "tandem_ro";

#[derive(Debug, clap::Args)]
pub struct GrantArgs {
    /// The database, connected to as an administrator: `postgres://…` or `mysql://…`.
    #[arg(long)]
    pub db: String,
    /// The PostgreSQL role or MySQL user to create or narrow (default: `[database] role`,
    /// else `tandem_ro`).
    #[arg(long)]
    pub role: Option<String>,
    /// Its password, by reference: `env::NAME` (required on MySQL/MariaDB; printed as ***).
    #[arg(long, value_name = "env::NAME")]
    pub password: Option<String>,
    /// The MySQL/MariaDB host part of the account.
    #[arg(long, default_value = "%")]
    pub host: String,
    /// A PostgreSQL schema to grant (repeatable; default: every schema tandem reads).
    #[arg(long = "schema", value_name = "SCHEMA")]
    pub schemas: Vec<String>,
    /// PostgreSQL `temp_file_limit` for the role, in kB (default: `[database]
    /// temp_file_limit_kb`, else 262144).
    #[arg(long)]
    pub temp_file_limit_kb: Option<u32>,
    /// Run the statements (as the administrator in `--db`) instead of only printing them.
    #[arg(long)]
    pub apply: bool,
}

pub async fn grant(config: &Config, args: GrantArgs) -> anyhow::Result<()> {
    let password = match args.password.as_deref() {
        None => None,
        Some(raw) => {
            let reference = SecretRef::parse(raw)
                .context("--password takes a reference, `env::NAME`, never the password itself")?;
            Some(reference.resolve()?.expose().to_owned())
        }
    };
    let name = args.role.or_else(|| config.database.role.clone()).unwrap_or_else(|| DEFAULT_ROLE.to_owned());
    let defaults = GrantOptions::new(name.clone());
    let options = GrantOptions {
        password,
        host: args.host,
        temp_file_limit_kb: args
            .temp_file_limit_kb
            .or(config.database.temp_file_limit_kb)
            .unwrap_or(defaults.temp_file_limit_kb),
        work_mem_kb: config.database.work_mem_kb.unwrap_or(defaults.work_mem_kb),
        ..defaults
    };
    let Some((dialect, executor)) = database::open_admin(&args.db).await? else {
        bail!(
            "`tandem db grant` needs a postgres:// or mysql:// URL: SQLite has no users, and the sandbox opens the file read-only"
        );
    };
    let label = database::redact(&args.db);
    let introspect = IntrospectOptions { schemas: args.schemas, sampling: None, ..IntrospectOptions::default() };
    let catalog = executor.introspect(&introspect).await.context("reading the catalog")?;
    let statements = grant_sql(dialect, &catalog, None, &options)?;
    output::line(format!(
        "-- tandem db grant: `{name}` may read the {} relations of {} schema(s) in {label}, and nothing else",
        catalog.tables.len(),
        catalog.schemas().len(),
    ));
    for statement in &statements {
        output::line(format!("{};", statement.shown));
    }
    if !args.apply {
        output::progress("printed only; run again with --apply to execute as the administrator in --db");
        return Ok(());
    }
    apply_grant(dialect, &args.db, &statements).await.context("applying the grant")?;
    output::progress(format!(
        "applied {} statements; connect tandem as `{name}` (or, on PostgreSQL, set [database] role = \"{name}\")",
        statements.len()
    ));
    Ok(())
}
