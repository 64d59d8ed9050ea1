//! Administrator statements on a connection of their own: `tandem db grant --apply`.
//!
//! Never reachable from an [`Executor`](crate::Executor): the sandbox's pool is not used, and
//! only [`grant_sql`](crate::grant_sql)'s generated statements come here.

use std::time::Duration;

use super::error::map_pg;
use super::{PostgresConfig, PostgresExecutor};
use crate::ExecError;

/// Time limit for the whole batch.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `statements` in one transaction as the login `url` names: all of them or none.
pub(crate) async fn apply_statements(url: &str, statements: &[&str]) -> Result<(), ExecError> {
    let pool = PostgresExecutor::connect(&PostgresConfig { pool_size: 1, ..PostgresConfig::new(url) }).await?;
    let mut lease = pool.checkout().await?;
    let (client, cancel) = lease.client()?;
    let target = pool.settings.target.clone();
    let pg = |error| map_pg(error, ADMIN_TIMEOUT, &target);
    let run = async {
        let transaction = client.transaction().await.map_err(pg)?;
        for sql in statements {
            transaction.batch_execute(sql).await.map_err(pg)?;
        }
        transaction.commit().await.map_err(pg)
    };
    let outcome = tokio::time::timeout(ADMIN_TIMEOUT, run).await;
    super::settle(lease, cancel, outcome, ADMIN_TIMEOUT).await
}
