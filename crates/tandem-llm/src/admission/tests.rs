//! Behaviour of the gate as a whole, on a paused tokio clock: nothing here sleeps for real.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::*;

mod stress;

fn gate(max_in_flight: usize, token_budget: Option<u32>) -> Arc<AdmissionGate> {
    Arc::new(AdmissionGate::new(
        "large",
        GateConfig {
            max_in_flight,
            max_prompt_tokens_in_flight: token_budget,
            max_queue: 64,
            queue_deadline: Duration::from_secs(60),
            adaptive: None,
        },
    ))
}

#[expect(clippy::disallowed_methods, reason = "tests spawn plain tasks to hold permits concurrently")]
pub(super) fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(future)
}

/// Polls a future once without a runtime waker: enough to make `acquire` join the queue.
fn poll_once<F: Future + ?Sized>(future: Pin<&mut F>) -> Poll<F::Output> {
    future.poll(&mut Context::from_waker(Waker::noop()))
}

/// Lets every spawned task run until it blocks (the paused clock advances only when idle).
async fn let_tasks_run() {
    tokio::time::sleep(Duration::from_millis(1)).await;
}

pub(super) fn assert_idle(gate: &AdmissionGate) {
    let snapshot = gate.snapshot();
    assert_eq!(
        (snapshot.in_flight_requests, snapshot.in_flight_prompt_tokens, snapshot.queued),
        (0, 0, 0),
        "gate not idle: {snapshot:?}"
    );
}

fn in_flight(gate: &AdmissionGate) -> (usize, u64, usize) {
    let snapshot = gate.snapshot();
    (snapshot.in_flight_requests, snapshot.in_flight_prompt_tokens, snapshot.queued)
}

#[tokio::test(start_paused = true)]
async fn admits_in_arrival_order() {
    let gate = gate(1, None);
    let first = gate.acquire(1).await.unwrap();
    let order = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for index in 0..6 {
        let (gate, order) = (Arc::clone(&gate), Arc::clone(&order));
        tasks.push(spawn(async move {
            let _permit = gate.acquire(1).await.unwrap();
            order.lock().unwrap().push(index);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }));
        let_tasks_run().await;
    }
    assert_eq!(in_flight(&gate), (1, 1, 6));
    drop(first);
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4, 5]);
    assert_idle(&gate);
}

#[tokio::test(start_paused = true)]
async fn caps_requests_in_flight() {
    let gate = gate(2, None);
    let a = gate.acquire(10).await.unwrap();
    let _b = gate.acquire(10).await.unwrap();
    let mut third = Box::pin(gate.acquire(10));
    assert!(poll_once(third.as_mut()).is_pending());
    assert_eq!(in_flight(&gate), (2, 20, 1));
    drop(a);
    let third = third.await.unwrap();
    assert_eq!(third.queue_wait(), Duration::ZERO);
    assert_eq!(in_flight(&gate), (2, 20, 0));
}

#[tokio::test(start_paused = true)]
async fn caps_prompt_tokens_in_flight() {
    let gate = gate(10, Some(100));
    let _a = gate.acquire(60).await.unwrap();
    let b = gate.acquire(40).await.unwrap();
    let mut one_more = Box::pin(gate.acquire(1));
    assert!(poll_once(one_more.as_mut()).is_pending(), "101 tokens would exceed the budget of 100");
    tokio::time::advance(Duration::from_secs(3)).await;
    drop(b);
    let admitted = one_more.await.unwrap();
    assert_eq!(admitted.queue_wait(), Duration::from_secs(3));
    assert_eq!(in_flight(&gate), (2, 61, 0));
}

#[tokio::test(start_paused = true)]
async fn big_call_at_the_head_is_not_overtaken() {
    let gate = gate(4, Some(100));
    let running = gate.acquire(60).await.unwrap();
    let mut big = Box::pin(gate.acquire(80));
    let mut small = Box::pin(gate.acquire(10));
    assert!(poll_once(big.as_mut()).is_pending());
    // 60 + 10 fits the budget, but the small call must wait behind the big one.
    assert!(poll_once(small.as_mut()).is_pending());
    assert_eq!(in_flight(&gate), (1, 60, 2));
    drop(running);
    let (_big, _small) = (big.await.unwrap(), small.await.unwrap());
    assert_eq!(in_flight(&gate), (2, 90, 0));
}

#[tokio::test(start_paused = true)]
async fn oversize_call_runs_alone_and_is_not_starved() {
    let gate = gate(4, Some(100));
    // Alone, an oversize call starts at once.
    drop(gate.acquire(500).await.unwrap());

    let small = gate.acquire(10).await.unwrap();
    let mut oversize = Box::pin(gate.acquire(500));
    assert!(poll_once(oversize.as_mut()).is_pending());
    let mut after = Box::pin(gate.acquire(10));
    assert!(poll_once(after.as_mut()).is_pending());
    drop(small);
    let oversize = oversize.await.unwrap();
    assert_eq!(in_flight(&gate), (1, 500, 1), "nothing joins an oversize call");
    drop(oversize);
    let _after = after.await.unwrap();
    assert_eq!(in_flight(&gate), (1, 10, 0));
}

#[tokio::test(start_paused = true)]
async fn full_queue_is_refused_at_once() {
    let gate =
        Arc::new(AdmissionGate::new("large", GateConfig { max_in_flight: 1, max_queue: 2, ..GateConfig::default() }));
    let _running = gate.acquire(1).await.unwrap();
    let mut first = Box::pin(gate.acquire(1));
    let mut second = Box::pin(gate.acquire(1));
    assert!(poll_once(first.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    let started = Instant::now();
    let refusal = gate.acquire(1).await.unwrap_err();
    assert_eq!(refusal, AdmissionError::QueueFull { model: "large".into(), capacity: 2 });
    assert_eq!(refusal.code(), "admission_queue_full");
    assert_eq!(started.elapsed(), Duration::ZERO);

    let never_queue =
        AdmissionGate::new("small", GateConfig { max_in_flight: 1, max_queue: 0, ..GateConfig::default() });
    let _held = never_queue.acquire(1).await.unwrap();
    assert!(matches!(never_queue.acquire(1).await, Err(AdmissionError::QueueFull { capacity: 0, .. })));
}

#[tokio::test(start_paused = true)]
async fn waiting_past_the_deadline_is_refused_in_tokio_time() {
    let gate = Arc::new(AdmissionGate::new(
        "large",
        GateConfig { max_in_flight: 1, queue_deadline: Duration::from_secs(3_600), ..GateConfig::default() },
    ));
    let _running = gate.acquire(1).await.unwrap();
    let wall = std::time::Instant::now();
    let refusal = gate.acquire(1).await.unwrap_err();
    assert_eq!(refusal, AdmissionError::DeadlineExceeded { model: "large".into(), waited: Duration::from_secs(3_600) });
    // An hour of simulated waiting took no real hour: the gate reads only the tokio clock.
    assert!(wall.elapsed() < Duration::from_secs(10));
    assert_eq!(in_flight(&gate), (1, 1, 0), "the refused waiter left the queue");
}

#[tokio::test(start_paused = true)]
async fn a_blocked_head_that_times_out_lets_the_next_in() {
    let gate = Arc::new(AdmissionGate::new(
        "large",
        GateConfig {
            max_in_flight: 4,
            max_prompt_tokens_in_flight: Some(100),
            queue_deadline: Duration::from_secs(10),
            ..GateConfig::default()
        },
    ));
    let _running = gate.acquire(60).await.unwrap();
    let big = spawn({
        let gate = Arc::clone(&gate);
        async move { gate.acquire(80).await.map(|permit| permit.queue_wait()) }
    });
    tokio::time::sleep(Duration::from_secs(4)).await;
    let small = gate.acquire(10).await.unwrap();
    assert!(matches!(big.await.unwrap(), Err(AdmissionError::DeadlineExceeded { .. })));
    assert_eq!(small.queue_wait(), Duration::from_secs(6), "admitted the moment the head gave up");
}

#[tokio::test(start_paused = true)]
async fn cancelled_waiter_leaves_the_queue_and_the_next_is_admitted() {
    let gate = gate(1, None);
    let running = gate.acquire(5).await.unwrap();
    let mut cancelled = Box::pin(gate.acquire(5));
    let mut next = Box::pin(gate.acquire(7));
    assert!(poll_once(cancelled.as_mut()).is_pending());
    assert!(poll_once(next.as_mut()).is_pending());
    drop(cancelled);
    assert_eq!(in_flight(&gate), (1, 5, 1));
    drop(running);
    drop(next.await.unwrap());
    assert_idle(&gate);
}

#[tokio::test(start_paused = true)]
async fn cancelling_a_blocked_head_admits_those_behind_it() {
    let gate = gate(4, Some(100));
    let _running = gate.acquire(60).await.unwrap();
    let mut big = Box::pin(gate.acquire(80));
    let mut small = Box::pin(gate.acquire(10));
    assert!(poll_once(big.as_mut()).is_pending());
    assert!(poll_once(small.as_mut()).is_pending());
    drop(big);
    assert!(matches!(poll_once(small.as_mut()), Poll::Ready(Ok(_))));
    assert_eq!(in_flight(&gate), (1, 60, 0), "the small permit was received and dropped");
}

#[tokio::test(start_paused = true)]
async fn grant_racing_with_cancellation_is_released_and_passed_on() {
    let gate = gate(1, None);
    let running = gate.acquire(5).await.unwrap();
    let mut raced = Box::pin(gate.acquire(6));
    let mut next = Box::pin(gate.acquire(7));
    assert!(poll_once(raced.as_mut()).is_pending());
    assert!(poll_once(next.as_mut()).is_pending());
    // The release grants `raced` a permit that sits in its channel, not yet received...
    drop(running);
    assert_eq!(in_flight(&gate), (1, 6, 1));
    // ...and then `raced` is dropped: the unreceived permit is released and passed on.
    drop(raced);
    assert_eq!(in_flight(&gate), (1, 7, 0));
    drop(next.await.unwrap());
    assert_idle(&gate);
}

#[tokio::test(start_paused = true)]
async fn a_panicking_task_releases_its_permit() {
    let gate = gate(1, None);
    let doomed = spawn({
        let gate = Arc::clone(&gate);
        async move {
            let _permit = gate.acquire(50).await.unwrap();
            tokio::time::sleep(Duration::from_secs(1)).await;
            panic!("the call blew up while holding a permit");
        }
    });
    let_tasks_run().await;
    assert_eq!(in_flight(&gate), (1, 50, 0));
    let waiter = gate.acquire(1).await.unwrap();
    assert!(doomed.await.unwrap_err().is_panic());
    assert_eq!(waiter.queue_wait(), Duration::from_millis(999));
    drop(waiter);
    assert_idle(&gate);
}

#[tokio::test(start_paused = true)]
async fn close_refuses_queued_and_new_calls() {
    let gate = gate(1, None);
    let running = gate.acquire(1).await.unwrap();
    let mut queued = Box::pin(gate.acquire(1));
    assert!(poll_once(queued.as_mut()).is_pending());
    gate.close();
    assert!(gate.is_closed());
    assert!(matches!(queued.await, Err(AdmissionError::Closed { .. })));
    assert!(matches!(gate.acquire(1).await, Err(AdmissionError::Closed { .. })));
    drop(running);
    assert_idle(&gate);
}

#[tokio::test(start_paused = true)]
async fn a_growing_adaptive_budget_admits_waiters_at_once() {
    let adaptive = AdaptiveConfig {
        ttft_target: Duration::from_secs(2),
        overhead: Duration::from_secs(1),
        min_budget_tokens: 100,
        max_budget_tokens: 10_000,
        initial_prefill_tokens_per_s: 1_000.0,
        smoothing: 0.5,
    };
    let gate = AdmissionGate::new("large", GateConfig { adaptive: Some(adaptive), ..GateConfig::default() });
    assert_eq!(gate.snapshot().token_budget, Some(1_000));

    // Slow first tokens shrink the budget...
    for _ in 0..3 {
        let mut permit = gate.acquire(900).await.unwrap();
        permit.record_first_token(Duration::from_secs(4), 900);
    }
    let shrunk = gate.snapshot().token_budget.unwrap();
    assert!(shrunk < 1_000, "{shrunk}");

    // ...and fast ones grow it, letting in a waiter without any permit being released.
    // (Three samples of 300 tokens/s moved the rate 1000 → 650 → 475 → 387.5.)
    assert_eq!(shrunk, 387);
    let mut running = gate.acquire(100).await.unwrap();
    let mut waiter = Box::pin(gate.acquire(400));
    assert!(poll_once(waiter.as_mut()).is_pending(), "100 + 400 exceeds 387");
    // One fast sample may at most double the rate: 387.5 → 581.25, and 500 now fits.
    running.record_first_token(Duration::from_millis(1_100), 100);
    assert_eq!(gate.snapshot().token_budget, Some(581));
    assert!(matches!(poll_once(waiter.as_mut()), Poll::Ready(Ok(_))));
    assert!(gate.snapshot().prefill_tokens_per_s.is_some());
}
