//! The one way library code starts a background task: named, traced, and aborted when its
//! handle is dropped, so a task never outlives whatever asked for it by accident.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::task::{JoinError, JoinHandle};
use tracing::Instrument as _;

/// A spawned task; dropping it aborts the task. [`Task::detach`] lets it run on its own.
#[derive(Debug)]
pub struct Task<T> {
    handle: Option<JoinHandle<T>>,
}

/// Starts `future` on the current tokio runtime inside a span named `name`.
#[expect(clippy::disallowed_methods, reason = "this is the funnel every spawn goes through")]
pub fn spawn<T, F>(name: &'static str, future: F) -> Task<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let span = tracing::info_span!("task", name);
    Task { handle: Some(tokio::spawn(future.instrument(span))) }
}

impl<T> Task<T> {
    /// Lets the task run to its end with no one waiting for it.
    pub fn detach(mut self) {
        self.handle = None;
    }

    /// Aborts the task now; awaiting it afterwards yields a cancelled [`JoinError`].
    pub fn abort(&self) {
        if let Some(handle) = &self.handle {
            handle.abort();
        }
    }

    pub fn is_finished(&self) -> bool {
        self.handle.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

impl<T> Drop for Task<T> {
    fn drop(&mut self) {
        if let Some(handle) = &self.handle {
            handle.abort();
        }
    }
}

impl<T> Future for Task<T> {
    type Output = Result<T, JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.handle.as_mut() {
            Some(handle) => Pin::new(handle).poll(cx),
            // Detached tasks are never awaited: `detach` takes `self`.
            None => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn dropping_the_handle_aborts_the_task() {
        let finished = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&finished);
        let task = spawn("sleeper", async move {
            tokio::time::sleep(Duration::from_secs(10)).await;
            flag.store(true, Ordering::SeqCst);
        });
        drop(task);
        tokio::time::sleep(Duration::from_secs(20)).await;
        assert!(!finished.load(Ordering::SeqCst));
    }

    #[tokio::test(start_paused = true)]
    async fn detached_tasks_run_to_the_end_and_awaited_ones_return() {
        let finished = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&finished);
        spawn("detached", async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            flag.store(true, Ordering::SeqCst);
        })
        .detach();
        assert_eq!(spawn("answer", async { 42 }).await.unwrap(), 42);
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert!(finished.load(Ordering::SeqCst));
    }
}
