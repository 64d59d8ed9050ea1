//! Administrator statements on a connection of their own: `tandem db grant --apply`.
//!
//! Never reachable from an [`Executor`](crate::Executor): the sandbox's pool is not used, and
//! only [`grant_sql`](crate::grant_sql)'s generated statements come here.

use std::time::Duration;

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, Opts};
use tandem_core::Dialect;

use super::error::map_mysql;
use crate::ExecError;

/// Time limit for the whole batch.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `statements` one by one as the account `url` names (account statements commit by
/// themselves, so there is no transaction to hold them).
pub(crate) async fn apply_statements(url: &str, statements: &[&str]) -> Result<(), ExecError> {
    let opts = Opts::from_url(url).map_err(|source| ExecError::Config {
        dialect: Dialect::Mysql,
        setting: "url",
        source: Some(Box::new(source)),
    })?;
    let target = format!("{}:{}/{}", opts.ip_or_hostname(), opts.tcp_port(), opts.db_name().unwrap_or_default());
    let my = |error| map_mysql(error, ADMIN_TIMEOUT, &target);
    let run = async {
        let mut connection = Conn::new(opts).await.map_err(my)?;
        for sql in statements {
            connection.query_drop(*sql).await.map_err(my)?;
        }
        connection.disconnect().await.map_err(my)
    };
    tokio::time::timeout(ADMIN_TIMEOUT, run)
        .await
        .unwrap_or(Err(ExecError::Timeout { dialect: Dialect::Mysql, limit: ADMIN_TIMEOUT }))
}
