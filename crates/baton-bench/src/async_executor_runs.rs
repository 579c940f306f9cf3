//! The workloads on `async-executor`'s `LocalExecutor`.

use crate::alloc_counter;
use crate::harness::{self, IDLE_TASKS, SPAWN_TASKS, YIELDS_PER_TASK, YIELD_TASKS};
use async_executor::{LocalExecutor, Task};
use std::rc::Rc;
use std::time::Duration;

async fn join_all(tasks: Vec<Task<()>>) {
    for t in tasks {
        t.await;
    }
}

/// Scenario 1.
pub fn yield_once() -> Duration {
    let ex = LocalExecutor::new();
    let main = ex.run(async {
        let tasks: Vec<_> = (0..YIELD_TASKS)
            .map(|_| {
                ex.spawn(async {
                    for _ in 0..YIELDS_PER_TASK {
                        futures_lite::future::yield_now().await;
                    }
                })
            })
            .collect();
        join_all(tasks).await;
    });
    harness::time(|| futures_lite::future::block_on(main))
}

/// Scenario 2.
pub fn spawn_once() -> Duration {
    let ex = LocalExecutor::new();
    let main = ex.run(async {
        let mut tasks = Vec::with_capacity(SPAWN_TASKS);
        for _ in 0..SPAWN_TASKS {
            tasks.push(ex.spawn(async {}));
        }
        join_all(tasks).await;
    });
    harness::time(|| futures_lite::future::block_on(main))
}

/// Scenario 3 on the wall clock (async-io timers, the main thread drives the
/// reactor through `async_io::block_on`): `lengths` in microseconds.
pub fn timers_wall_once(lengths: &Rc<Vec<u64>>) -> Duration {
    let ex = LocalExecutor::new();
    let main = ex.run(async {
        let tasks: Vec<_> = lengths
            .iter()
            .map(|&us| {
                ex.spawn(async move {
                    async_io::Timer::after(Duration::from_micros(us)).await;
                })
            })
            .collect();
        join_all(tasks).await;
    });
    harness::time(|| async_io::block_on(main))
}

/// Scenario 4.
pub fn idle_bytes() -> alloc_counter::Counts {
    let ex = LocalExecutor::new();
    harness::reset_idle_started();
    alloc_counter::start();
    for _ in 0..IDLE_TASKS {
        ex.spawn(harness::idle()).detach();
    }
    while ex.try_tick() {}
    let counts = alloc_counter::stop();
    assert_eq!(harness::idle_started(), IDLE_TASKS);
    drop(ex);
    counts
}
