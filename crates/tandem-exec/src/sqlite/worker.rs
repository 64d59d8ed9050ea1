//! Worker threads that own the sandboxed SQLite connections, so blocking SQLite work never runs
//! on the async runtime.
//!
//! Each worker opens its own read-only connection and takes jobs from one shared queue. A job
//! gets a cancellation flag that is raised when the awaiting future is dropped; the progress
//! handler sees it and stops the statement.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use rusqlite::Connection;
use tandem_core::Dialect;
use tokio::sync::oneshot;

use super::guard;
use crate::{DbErrorClass, ExecError};

type Job = Box<dyn FnOnce(&Connection) + Send>;

/// A fixed set of threads, each with a sandboxed connection to one file. Dropping it closes
/// the queue; the threads finish their current job and exit.
#[derive(Debug)]
pub(crate) struct Workers {
    path: PathBuf,
    jobs: Sender<Job>,
}

impl Workers {
    /// Opens `n_workers` (at least one) sandboxed connections and starts a thread for each.
    /// Fails if the file cannot be opened, so a bad path is reported at start-up.
    pub(crate) fn start(path: &Path, n_workers: usize) -> Result<Self, ExecError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..n_workers.max(1) {
            let connection = guard::open_read_only(path)?;
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("tandem-sqlite-{i}"))
                .spawn(move || serve(&connection, &queue))
                .map_err(|source| ExecError::Io { path: path.to_owned(), source })?;
        }
        Ok(Self { path: path.to_owned(), jobs })
    }

    /// Runs `work` on a worker's connection and waits for its result without blocking the
    /// runtime. `work` receives the flag that dropping this future raises.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, ExecError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection, &Arc<AtomicBool>) -> Result<T, ExecError> + Send + 'static,
    {
        let cancel = Arc::new(AtomicBool::new(false));
        let _raise_on_drop = RaiseOnDrop(Arc::clone(&cancel));
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |connection| {
            // A panic inside the driver must not take the worker thread down with it.
            let outcome =
                catch_unwind(AssertUnwindSafe(|| work(connection, &cancel))).unwrap_or_else(|_| Err(panicked()));
            if reply.send(outcome).is_err() {
                tracing::debug!("SQLite caller went away before its result was ready");
            }
        });
        let stopped = || ExecError::WorkerStopped { path: self.path.clone() };
        self.jobs.send(job).map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Raises the cancellation flag when the awaiting future goes away (completed or dropped).
pub(crate) struct RaiseOnDrop(pub(crate) Arc<AtomicBool>);

impl Drop for RaiseOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn serve(connection: &Connection, queue: &Mutex<Receiver<Job>>) {
    loop {
        // A poisoned lock only means another worker panicked while waiting; the queue is fine.
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            Ok(job) => job(connection),
            Err(_) => return,
        }
    }
}

pub(crate) fn panicked() -> ExecError {
    ExecError::Database {
        dialect: Dialect::Sqlite,
        class: DbErrorClass::Other,
        code: "driver_panic".to_owned(),
        message: "the SQLite driver failed unexpectedly".to_owned(),
        name: None,
        source: "panic in the SQLite worker".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::{Limits, Value};

    fn database() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("w.sqlite");
        Connection::open(&path).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (7);").unwrap();
        (dir, path)
    }

    #[tokio::test]
    async fn runs_jobs_and_survives_panics() {
        let (_dir, path) = database();
        let workers = Workers::start(&path, 2).unwrap();
        let limits = Limits::default();
        let rows = workers
            .run(move |connection, cancel| {
                guard::run_guarded(connection, "SELECT x FROM t", &limits, Instant::now() + limits.timeout, cancel)
            })
            .await
            .unwrap();
        assert_eq!(rows.rows, vec![vec![Value::Int(7)]]);
        for _ in 0..3 {
            let error = workers.run(|_, _| -> Result<(), ExecError> { panic!("boom") }).await.unwrap_err();
            assert_eq!(error.code(), "db_other");
        }
        assert_eq!(workers.run(|_, _| Ok(1)).await.unwrap(), 1, "workers still serve after panics");
    }

    #[tokio::test]
    async fn dropping_the_future_cancels_the_statement() {
        let (_dir, path) = database();
        let workers = Workers::start(&path, 1).unwrap();
        let limits = Limits { timeout: Duration::from_secs(60), ..Limits::default() };
        let heavy = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n";
        let run = workers.run(move |connection, cancel| {
            guard::run_guarded(connection, heavy, &limits, Instant::now() + limits.timeout, cancel)
        });
        assert!(tokio::time::timeout(Duration::from_millis(100), run).await.is_err());
        // The single worker is free again only if the dropped statement was stopped.
        let started = Instant::now();
        assert_eq!(workers.run(|_, _| Ok(2)).await.unwrap(), 2);
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
