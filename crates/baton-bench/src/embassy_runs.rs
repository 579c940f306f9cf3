//! The workloads on `embassy-executor` (std platform, thread-mode executor).
//!
//! Embassy's tasks live in static pools (`pool_size`) and have no join
//! handle: "join all" here is a shared countdown that the last task to
//! finish uses to wake the main task. Each run gets a fresh executor leaked
//! with `Box::leak` (embassy needs `&'static mut`), driven by
//! `Executor::run_until` on the calling thread.

use crate::alloc_counter;
use crate::harness::{self, IDLE_TASKS, SPAWN_TASKS, TIMER_TASKS, YIELDS_PER_TASK, YIELD_TASKS};
use embassy_executor::{Executor, Spawner};
use embassy_time::{MockDriver, Timer};
use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

thread_local! {
    /// Set by a main task when it is done: `run_until` then returns.
    static DONE: Cell<bool> = const { Cell::new(false) };
    /// Tasks still to finish (the "join all").
    static REMAINING: Cell<usize> = const { Cell::new(0) };
    static JOINER: RefCell<Option<Waker>> = const { RefCell::new(None) };
    /// Idle tasks that have been polled once.
    static STARTED: Cell<usize> = const { Cell::new(0) };
    /// The sleep lengths of scenario 3, handed to the main task.
    static LENGTHS: RefCell<Option<Rc<Vec<u64>>>> = const { RefCell::new(None) };
}

/// A task is done: count down, and wake the joiner after the last one.
fn task_done() {
    let left = REMAINING.with(|r| {
        let left = r.get() - 1;
        r.set(left);
        left
    });
    if left == 0 {
        if let Some(w) = JOINER.with(|j| j.borrow_mut().take()) {
            w.wake();
        }
    }
}

/// Waits until every task counted in `REMAINING` is done.
fn join_all() -> impl Future<Output = ()> {
    poll_fn(|cx| {
        if REMAINING.with(Cell::get) == 0 {
            Poll::Ready(())
        } else {
            JOINER.with(|j| *j.borrow_mut() = Some(cx.waker().clone()));
            Poll::Pending
        }
    })
}

/// Runs the task that `init` spawns on a fresh executor until it sets `DONE`.
fn run(init: impl FnOnce(Spawner)) -> Duration {
    let executor: &'static mut Executor = Box::leak(Box::new(Executor::new()));
    DONE.with(|d| d.set(false));
    harness::time(|| executor.run_until(init, || DONE.with(Cell::get)))
}

fn finish() {
    DONE.with(|d| d.set(true));
}

// Scenario 1.

#[embassy_executor::task(pool_size = YIELD_TASKS)]
async fn yielder() {
    for _ in 0..YIELDS_PER_TASK {
        embassy_futures::yield_now().await;
    }
    task_done();
}

#[embassy_executor::task]
async fn yield_main(spawner: Spawner) {
    REMAINING.with(|r| r.set(YIELD_TASKS));
    for _ in 0..YIELD_TASKS {
        spawner.spawn(yielder().expect("pool has room"));
    }
    join_all().await;
    finish();
}

/// Scenario 1.
pub fn yield_once() -> Duration {
    run(|s| s.spawn(yield_main(s).expect("pool has room")))
}

// Scenario 2.

/// Tasks per batch in scenario 2: embassy's pool is static, and
/// `TaskPool::spawn` looks for a free slot by scanning the pool from the
/// start, so spawning k tasks into one pool costs O(k²). 100,000 at once
/// (pool_size = 100,000) measured ~176 µs per task; batches keep the pool
/// small, as embassy programs do.
pub const SPAWN_BATCH: usize = 100;

#[embassy_executor::task(pool_size = SPAWN_BATCH)]
async fn trivial() {
    task_done();
}

#[embassy_executor::task(pool_size = 1000)]
async fn trivial_1000() {
    task_done();
}

#[embassy_executor::task(pool_size = 10)]
async fn trivial_10() {
    task_done();
}

#[embassy_executor::task]
async fn trivial_1() {
    task_done();
}

thread_local! {
    static BATCH: Cell<usize> = const { Cell::new(SPAWN_BATCH) };
}

#[embassy_executor::task]
async fn spawn_main(spawner: Spawner) {
    let batch = BATCH.with(Cell::get);
    for _ in 0..SPAWN_TASKS / batch {
        REMAINING.with(|r| r.set(batch));
        for _ in 0..batch {
            match batch {
                1 => spawner.spawn(trivial_1().expect("pool has room")),
                10 => spawner.spawn(trivial_10().expect("pool has room")),
                SPAWN_BATCH => spawner.spawn(trivial().expect("pool has room")),
                1000 => spawner.spawn(trivial_1000().expect("pool has room")),
                _ => unreachable!("no pool of that size"),
            }
        }
        join_all().await;
    }
    finish();
}

/// Scenario 2: 100,000 tasks in batches of `batch` (a static pool of that
/// size): spawn the batch, join it through the countdown, repeat.
pub fn spawn_once(batch: usize) -> Duration {
    assert_eq!(SPAWN_TASKS % batch, 0);
    BATCH.with(|b| b.set(batch));
    run(|s| s.spawn(spawn_main(s).expect("pool has room")))
}

// Scenario 3.

#[embassy_executor::task(pool_size = TIMER_TASKS)]
async fn sleeper(ms: u64) {
    Timer::after_millis(ms).await;
    task_done();
}

/// The virtual clock: once every task has had its turn, moves embassy-time's
/// mock driver on by 1 ms (every sleep length is whole ms, so this is a jump
/// to the next possible deadline), which wakes the timers that are due.
#[embassy_executor::task]
async fn clock_driver() {
    loop {
        embassy_futures::yield_now().await;
        if REMAINING.with(Cell::get) == 0 {
            break;
        }
        MockDriver::get().advance(embassy_time::Duration::from_millis(1));
    }
}

#[embassy_executor::task]
async fn timers_main(spawner: Spawner) {
    let lengths = LENGTHS.with(|l| l.borrow().clone()).expect("lengths set");
    REMAINING.with(|r| r.set(lengths.len()));
    for &ms in lengths.iter() {
        spawner.spawn(sleeper(ms).expect("pool has room"));
    }
    spawner.spawn(clock_driver().expect("pool has room"));
    join_all().await;
    finish();
}

/// Scenario 3 on embassy-time's mock driver (virtual time): `lengths` in ms.
pub fn timers_virtual_once(lengths: &Rc<Vec<u64>>) -> Duration {
    LENGTHS.with(|l| *l.borrow_mut() = Some(lengths.clone()));
    run(|s| s.spawn(timers_main(s).expect("pool has room")))
}

// Scenario 4.

#[embassy_executor::task(pool_size = IDLE_TASKS)]
async fn idle_task() {
    idle_body().await;
}

async fn idle_body() {
    STARTED.with(|s| s.set(s.get() + 1));
    std::future::pending::<()>().await
}

thread_local! {
    static IDLE_COUNTS: Cell<Option<alloc_counter::Counts>> = const { Cell::new(None) };
}

#[embassy_executor::task]
async fn idle_main(spawner: Spawner) {
    alloc_counter::start();
    for _ in 0..IDLE_TASKS {
        spawner.spawn(idle_task().expect("pool has room"));
    }
    while STARTED.with(Cell::get) < IDLE_TASKS {
        embassy_futures::yield_now().await;
    }
    IDLE_COUNTS.with(|c| c.set(Some(alloc_counter::stop())));
    finish();
}

/// Scenario 4: heap bytes (embassy allocates none: its tasks live in a static
/// pool), and the static bytes one pool slot takes. Can run only once per
/// process: the idle tasks never free their pool slots.
pub fn idle_bytes() -> (alloc_counter::Counts, usize) {
    STARTED.with(|s| s.set(0));
    let _ = run(|s| s.spawn(idle_main(s).expect("pool has room")));
    let counts = IDLE_COUNTS.with(Cell::take).expect("idle_main ran");
    (counts, storage_bytes(idle_body))
}

/// `size_of` one task's static storage (header + future) for a future like
/// `f()`'s: what each `pool_size` slot costs.
fn storage_bytes<F: Future + 'static>(_f: fn() -> F) -> usize {
    std::mem::size_of::<embassy_executor::raw::TaskStorage<F>>()
}
