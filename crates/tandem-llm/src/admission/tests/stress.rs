//! Many concurrent acquires, cancellations, aborts, panics and releases: the gate must end
//! idle and never strand a waiter or exceed its caps on the way.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{assert_idle, spawn};
use crate::admission::{AdmissionError, AdmissionGate, GateConfig};

/// A small deterministic generator, so the stress test needs no extra dependency.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

#[tokio::test(start_paused = true)]
async fn stress_acquire_cancel_release_leaks_nothing() {
    const BUDGET: u64 = 300;
    let gate = Arc::new(AdmissionGate::new(
        "large",
        GateConfig {
            max_in_flight: 3,
            max_prompt_tokens_in_flight: Some(300),
            max_queue: 40,
            queue_deadline: Duration::from_millis(800),
            adaptive: None,
        },
    ));
    // Tasks report broken invariants here rather than by panicking, since some of them panic
    // on purpose and the test cannot tell those panics apart.
    let violations = Arc::new(Mutex::new(Vec::new()));
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut tasks = Vec::new();
    for _ in 0..400 {
        let (gate, violations) = (Arc::clone(&gate), Arc::clone(&violations));
        let start = Duration::from_millis(rng.below(5_000));
        let tokens = u32::try_from(rng.below(400) + 1).unwrap();
        let hold = Duration::from_millis(rng.below(300));
        let patience = Duration::from_millis(rng.below(1_000));
        let fate = rng.below(16);
        tasks.push(spawn(async move {
            tokio::time::sleep(start).await;
            let acquired = match fate {
                // Give up early by dropping the acquire future.
                0..4 => tokio::time::timeout(patience, gate.acquire(tokens)).await.ok(),
                _ => Some(gate.acquire(tokens).await),
            };
            if let Some(Ok(permit)) = acquired {
                let snapshot = gate.snapshot();
                let over_cap = snapshot.in_flight_requests > 3;
                let over_budget = snapshot.in_flight_prompt_tokens > BUDGET && snapshot.in_flight_requests > 1;
                if over_cap || over_budget {
                    violations.lock().unwrap().push(snapshot);
                }
                tokio::time::sleep(hold).await;
                if fate == 4 {
                    panic!("a task dies holding its permit");
                }
                drop(permit);
            }
        }));
    }
    // Abort some tasks wherever they are: sleeping, queued or holding a permit.
    for (index, task) in tasks.iter().enumerate() {
        if index % 7 == 0 {
            tokio::time::sleep(Duration::from_millis(rng.below(40))).await;
            task.abort();
        }
    }
    // Meanwhile no waiter may be stranded: a queue with nothing in flight is a lost wake-up.
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(37)).await;
        let snapshot = gate.snapshot();
        assert!(snapshot.queued == 0 || snapshot.in_flight_requests > 0, "stranded waiters: {snapshot:?}");
    }
    for task in tasks {
        let _ = task.await;
    }
    assert_eq!(*violations.lock().unwrap(), Vec::new());
    assert_idle(&gate);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stress_on_threads_leaks_nothing() {
    // Real parallelism (no clock involved) to shake out races between grants and drops.
    let gate = Arc::new(AdmissionGate::new(
        "large",
        GateConfig { max_in_flight: 2, max_prompt_tokens_in_flight: Some(50), max_queue: 64, ..GateConfig::default() },
    ));
    let mut rng = XorShift(42);
    let mut tasks = Vec::new();
    for _ in 0..2_000 {
        let gate = Arc::clone(&gate);
        let tokens = u32::try_from(rng.below(60) + 1).unwrap();
        let patience = rng.below(6);
        let work = rng.below(4);
        tasks.push(spawn(async move {
            tokio::select! {
                biased;
                acquired = gate.acquire(tokens) => match acquired {
                    Ok(_permit) => yield_times(work).await,
                    Err(AdmissionError::QueueFull { .. }) => {}
                    Err(other) => return Err(other),
                },
                () = yield_times(patience) => {}
            }
            Ok(())
        }));
    }
    for (index, task) in tasks.iter().enumerate() {
        if index % 5 == 0 {
            task.abort();
        }
    }
    let all = async {
        for task in tasks {
            match task.await {
                Ok(outcome) => assert_eq!(outcome, Ok(())),
                Err(join) => assert!(join.is_cancelled(), "{join}"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(120), all).await.expect("tasks finished");
    assert_idle(&gate);
}

async fn yield_times(n: u64) {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
}
