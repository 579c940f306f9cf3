//! The workloads on `futures::executor::LocalPool`.

use crate::alloc_counter;
use crate::harness::{self, IDLE_TASKS, SPAWN_TASKS, YIELDS_PER_TASK, YIELD_TASKS};
use futures::executor::LocalPool;
use futures::future::RemoteHandle;
use futures::task::LocalSpawnExt;
use std::future::Future;
use std::rc::Rc;
use std::time::Duration;

fn run<F: Future<Output = ()>>(main: impl FnOnce(futures::executor::LocalSpawner) -> F) -> Duration {
    let mut pool = LocalPool::new();
    let main = main(pool.spawner());
    harness::time(|| pool.run_until(main))
}

async fn join_all(tasks: Vec<RemoteHandle<()>>) {
    for t in tasks {
        t.await;
    }
}

/// Scenario 1.
pub fn yield_once() -> Duration {
    run(|spawner| async move {
        let tasks: Vec<_> = (0..YIELD_TASKS)
            .map(|_| {
                spawner
                    .spawn_local_with_handle(async {
                        for _ in 0..YIELDS_PER_TASK {
                            futures_lite::future::yield_now().await;
                        }
                    })
                    .expect("spawn")
            })
            .collect();
        join_all(tasks).await;
    })
}

/// Scenario 2.
pub fn spawn_once() -> Duration {
    run(|spawner| async move {
        let mut tasks = Vec::with_capacity(SPAWN_TASKS);
        for _ in 0..SPAWN_TASKS {
            tasks.push(spawner.spawn_local_with_handle(async {}).expect("spawn"));
        }
        join_all(tasks).await;
    })
}

/// Scenario 3 on the wall clock (async-io timers): `lengths` in microseconds.
pub fn timers_wall_once(lengths: &Rc<Vec<u64>>) -> Duration {
    let lengths = lengths.clone();
    run(|spawner| async move {
        let tasks: Vec<_> = lengths
            .iter()
            .map(|&us| {
                spawner
                    .spawn_local_with_handle(async move {
                        async_io::Timer::after(Duration::from_micros(us)).await;
                    })
                    .expect("spawn")
            })
            .collect();
        join_all(tasks).await;
    })
}

/// Scenario 4.
pub fn idle_bytes() -> alloc_counter::Counts {
    let mut pool = LocalPool::new();
    let spawner = pool.spawner();
    harness::reset_idle_started();
    alloc_counter::start();
    for _ in 0..IDLE_TASKS {
        spawner.spawn_local(harness::idle()).expect("spawn");
    }
    pool.run_until_stalled();
    let counts = alloc_counter::stop();
    assert_eq!(harness::idle_started(), IDLE_TASKS);
    drop(pool);
    counts
}
