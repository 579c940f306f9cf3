//! The workloads on baton.

use crate::alloc_counter;
use crate::harness::{self, IDLE_TASKS, SPAWN_TASKS, TIMER_TASKS, YIELDS_PER_TASK, YIELD_TASKS};
use baton::{create_task, sleep, yield_now, Duration, Executor, ManualClock, Task};
use std::rc::Rc;
use std::time::Duration as StdDuration;

/// Runs `main` to completion on a fresh executor with a manual clock that
/// jumps to the next deadline whenever nothing is ready (virtual time).
fn run_virtual<F: std::future::Future<Output = ()> + 'static>(main: F) -> StdDuration {
    let clock = Rc::new(ManualClock::new());
    let exec = Executor::new(clock.clone());
    let idle = |deadline: Option<baton::Instant>| clock.advance_to(deadline.expect("a timer is set"));
    harness::time(|| exec.run_until_complete(main, idle))
}

async fn join_all(tasks: Vec<Task<()>>) {
    for t in tasks {
        t.await.expect("task ran");
    }
}

/// Scenario 1.
pub fn yield_once() -> StdDuration {
    run_virtual(async {
        let tasks: Vec<_> = (0..YIELD_TASKS)
            .map(|_| {
                create_task(async {
                    for _ in 0..YIELDS_PER_TASK {
                        yield_now().await;
                    }
                })
            })
            .collect();
        join_all(tasks).await;
    })
}

/// Scenario 2.
pub fn spawn_once() -> StdDuration {
    run_virtual(async {
        let mut tasks = Vec::with_capacity(SPAWN_TASKS);
        for _ in 0..SPAWN_TASKS {
            tasks.push(create_task(async {}));
        }
        join_all(tasks).await;
    })
}

/// Scenario 3, virtual time: `lengths` in milliseconds.
pub fn timers_virtual_once(lengths: &Rc<Vec<u64>>) -> StdDuration {
    let lengths = lengths.clone();
    run_virtual(async move {
        let tasks: Vec<_> =
            lengths.iter().map(|&ms| create_task(async move { sleep(Duration::from_millis(ms)).await })).collect();
        join_all(tasks).await;
    })
}

/// Scenario 3, wall clock (`baton::run`, `StdClock`): `lengths` in microseconds.
pub fn timers_wall_once(lengths: &Rc<Vec<u64>>) -> StdDuration {
    let lengths = lengths.clone();
    assert_eq!(lengths.len(), TIMER_TASKS);
    harness::time(|| {
        baton::run(async move {
            let tasks: Vec<_> =
                lengths.iter().map(|&us| create_task(async move { sleep(Duration::from_micros(us)).await })).collect();
            join_all(tasks).await;
        })
    })
}

/// Scenario 4: net heap bytes for `IDLE_TASKS` tasks that wait forever.
pub fn idle_bytes() -> alloc_counter::Counts {
    let exec = Executor::new(ManualClock::new());
    harness::reset_idle_started();
    alloc_counter::start();
    for _ in 0..IDLE_TASKS {
        drop(exec.spawn(harness::idle()));
    }
    while exec.poll_one().is_some() {}
    let counts = alloc_counter::stop();
    assert_eq!(harness::idle_started(), IDLE_TASKS);
    drop(exec);
    counts
}
