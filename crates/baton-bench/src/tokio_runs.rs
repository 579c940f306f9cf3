//! The workloads on tokio's current-thread runtime with a `LocalSet`.

use crate::alloc_counter;
use crate::harness::{self, IDLE_TASKS, SPAWN_TASKS, YIELDS_PER_TASK, YIELD_TASKS};
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;
use tokio::runtime::{Builder, Runtime};
use tokio::task::{spawn_local, JoinHandle, LocalSet};

fn runtime(paused: bool) -> Runtime {
    let mut b = Builder::new_current_thread();
    if paused {
        b.enable_time().start_paused(true);
    }
    b.build().expect("tokio runtime")
}

fn run<F: Future<Output = ()>>(rt: &Runtime, main: F) -> Duration {
    let local = LocalSet::new();
    harness::time(|| rt.block_on(local.run_until(main)))
}

async fn join_all(tasks: Vec<JoinHandle<()>>) {
    for t in tasks {
        t.await.expect("task ran");
    }
}

/// Scenario 1.
pub fn yield_once() -> Duration {
    let rt = runtime(false);
    run(&rt, async {
        let tasks: Vec<_> = (0..YIELD_TASKS)
            .map(|_| {
                spawn_local(async {
                    for _ in 0..YIELDS_PER_TASK {
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        join_all(tasks).await;
    })
}

/// Scenario 2.
pub fn spawn_once() -> Duration {
    let rt = runtime(false);
    run(&rt, async {
        let mut tasks = Vec::with_capacity(SPAWN_TASKS);
        for _ in 0..SPAWN_TASKS {
            tasks.push(spawn_local(async {}));
        }
        join_all(tasks).await;
    })
}

/// Scenario 3 with paused time (auto-advance): `lengths` in milliseconds.
pub fn timers_paused_once(lengths: &Rc<Vec<u64>>) -> Duration {
    let rt = runtime(true);
    let lengths = lengths.clone();
    run(&rt, async move {
        let tasks: Vec<_> = lengths
            .iter()
            .map(|&ms| spawn_local(async move { tokio::time::sleep(Duration::from_millis(ms)).await }))
            .collect();
        join_all(tasks).await;
    })
}

/// Scenario 4.
pub fn idle_bytes() -> alloc_counter::Counts {
    let rt = runtime(false);
    let local = LocalSet::new();
    harness::reset_idle_started();
    let counts = rt.block_on(local.run_until(async {
        alloc_counter::start();
        for _ in 0..IDLE_TASKS {
            drop(spawn_local(harness::idle()));
        }
        while harness::idle_started() < IDLE_TASKS {
            tokio::task::yield_now().await;
        }
        alloc_counter::stop()
    }));
    drop(local);
    counts
}
