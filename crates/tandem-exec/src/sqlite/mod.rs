//! The SQLite sandbox: a read-only file behind worker threads (see [`SqliteExecutor`]).

mod comments;
mod create;
mod error;
mod guard;
mod introspect;
mod transform;
mod worker;
mod write_guard;

use std::path::Path;

use async_trait::async_trait;
use tandem_core::{Catalog, Dialect};
use tandem_sql::ValidatedSql;

pub use create::create_sqlite_from_script;
pub use transform::SqliteTransformer;

use crate::executor::check_dialect;
use crate::rows::deadline_after;
use crate::{ExecError, Executor, IntrospectOptions, Limits, Rows};

/// Settings of a [`SqliteExecutor`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    /// Worker threads, each with its own read-only connection: the number of statements
    /// that can run at once.
    pub n_workers: usize,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self { n_workers: 2 }
    }
}

/// Runs validated statements against one SQLite file.
///
/// The file is opened with `SQLITE_OPEN_READ_ONLY` and `query_only`; an authorizer allows
/// reads only (no writes, no DDL, temp included, no `ATTACH`, no pragma other than the schema
/// readers, no extension loading); a progress handler stops a statement at its deadline or when
/// its caller goes away; rows and bytes are capped while stepping. Statements run on the
/// executor's own threads, never on the async runtime.
#[derive(Debug)]
pub struct SqliteExecutor {
    workers: worker::Workers,
}

impl SqliteExecutor {
    /// Opens `path`, which must exist. Fails now, not at the first query, if it cannot be
    /// opened.
    pub fn open(path: impl AsRef<Path>, options: &SqliteOptions) -> Result<Self, ExecError> {
        Ok(Self { workers: worker::Workers::start(path.as_ref(), options.n_workers)? })
    }
}

#[async_trait]
impl Executor for SqliteExecutor {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    async fn execute(&self, sql: &ValidatedSql, limits: &Limits) -> Result<Rows, ExecError> {
        check_dialect(Dialect::Sqlite, sql)?;
        let sql = sql.as_str().to_owned();
        let limits = *limits;
        // The deadline starts now, so time spent waiting for a free worker counts too.
        let deadline = deadline_after(limits.timeout);
        self.workers
            .run(move |connection, cancel| guard::run_guarded(connection, &sql, &limits, deadline, cancel))
            .await
    }

    async fn introspect(&self, options: &IntrospectOptions) -> Result<Catalog, ExecError> {
        let options = options.clone();
        self.workers.run(move |connection, cancel| introspect::read_catalog(connection, &options, cancel)).await
    }
}
