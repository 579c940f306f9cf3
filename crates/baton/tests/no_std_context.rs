//! The no_std build's "current executor" slot: a plain `static` (a `Cell`
//! holding an `Rc`), read and written without a critical section, only in
//! the context that [`set_executor_context`]'s check names (src/context.rs:
//! one audited `unsafe impl Sync` and a function-pointer transmute). These
//! tests exercise it — installing, nesting and restoring executors across
//! polls, guards dropped out of order, and code that runs outside the
//! context (an interrupt handler, on the firmware) — and run under Miri:
//!
//! ```text
//! cargo +nightly miri test -p baton --no-default-features \
//!     --features critical-section/std --test no_std_context -- --test-threads=1
//! ```
//!
//! (`cargo xtask test` does.) With the default `std` feature the slot is a
//! thread-local and this file compiles to nothing.
//!
//! The slot is one `static` for the whole process. Its check here says "the
//! thread that holds [`one_at_a_time`]'s lock, unless it plays an interrupt
//! handler": the lock hands the context from one test's thread to the next,
//! so no two threads are ever in it at once, whether or not the harness runs
//! the tests on several threads.
#![cfg(not(feature = "std"))]

use baton::executor::set_executor_context;
use baton::{create_task, current_task, gather, now, sleep, yield_now, Duration, Executor, ManualClock};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::{Mutex, MutexGuard};

std::thread_local! {
    /// This thread holds the lock of [`one_at_a_time`].
    static HOLDS: Cell<bool> = const { Cell::new(false) };
    /// This thread is playing an interrupt handler (see [`in_handler`]).
    static IN_HANDLER: Cell<bool> = const { Cell::new(false) };
}

fn executor_context() -> bool {
    HOLDS.with(Cell::get) && !IN_HANDLER.with(Cell::get)
}

/// The executor context for one test: while it lives, this thread is the
/// context (the lock keeps every other thread out of it).
struct Context(#[allow(dead_code)] MutexGuard<'static, ()>);

impl Drop for Context {
    fn drop(&mut self) {
        HOLDS.with(|h| h.set(false));
    }
}

#[allow(unsafe_code)]
fn one_at_a_time() -> Context {
    static SLOT: Mutex<()> = Mutex::new(());
    let guard = SLOT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    HOLDS.with(|h| h.set(true));
    // SAFETY: `executor_context` answers `true` only on the thread that holds
    // SLOT's lock (and not while that thread plays an interrupt handler, when
    // nothing else of it runs): the contexts it names never run at once, and
    // each hands over to the next through the lock, with the slot empty — a
    // test's polls and `enter` guards have all ended when its `Context` is
    // dropped (it is the first thing a test makes, so the last it drops, or
    // it is dropped after the polls).
    unsafe { set_executor_context(executor_context) };
    Context(guard)
}

/// Runs `f` as an interrupt handler would run it: outside the executor
/// context, in the middle of a poll.
fn in_handler<R>(f: impl FnOnce() -> R) -> R {
    IN_HANDLER.with(|h| h.set(true));
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    IN_HANDLER.with(|h| h.set(false));
    out.unwrap_or_else(|p| std::panic::resume_unwind(p))
}

fn drive(exec: &Executor, clock: &ManualClock) {
    while exec.has_work() {
        if exec.poll_one().is_none() {
            match exec.next_deadline() {
                Some(t) => clock.advance_to(t),
                None => break,
            }
        }
    }
}

#[test]
fn tasks_find_their_executor_through_the_slot() {
    let _slot = one_at_a_time();
    let clock = Rc::new(ManualClock::new());
    let exec = Executor::new(clock.clone());
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    exec.spawn(async move {
        let l2 = l.clone();
        let child = create_task(async move {
            sleep(Duration::from_millis(3)).await;
            l2.borrow_mut().push(format!("child {} at {}", current_task().unwrap(), now().as_micros()));
        });
        yield_now().await;
        l.borrow_mut().push(format!("main {}", current_task().unwrap()));
        let _ = gather((child,)).await;
    });
    drive(&exec, &clock);
    assert_eq!(*log.borrow(), ["main #1", "child #2 at 3000"]);
}

#[test]
fn an_executor_run_inside_a_task_restores_the_outer_one() {
    let _slot = one_at_a_time();
    let outer_clock = Rc::new(ManualClock::new());
    let outer = Executor::new(outer_clock.clone());
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    outer.spawn(async move {
        // A second executor, driven to completion from inside a task of the
        // first: the slot must point at the inner one while it polls, and
        // at the outer one again afterwards.
        let inner_clock = Rc::new(ManualClock::new());
        let inner = Executor::new(inner_clock.clone());
        let l2 = l.clone();
        inner.spawn(async move {
            sleep(Duration::from_millis(7)).await;
            l2.borrow_mut().push(format!("inner task {} at {}", current_task().unwrap(), now().as_micros()));
        });
        drive(&inner, &inner_clock);
        drop(inner);
        l.borrow_mut().push(format!("outer task {} at {}", current_task().unwrap(), now().as_micros()));
        sleep(Duration::from_millis(1)).await;
        l.borrow_mut().push(format!("outer again at {}", now().as_micros()));
    });
    drive(&outer, &outer_clock);
    assert_eq!(*log.borrow(), ["inner task #1 at 7000", "outer task #1 at 0", "outer again at 1000"]);
}

#[test]
fn outside_the_context_no_executor_is_running() {
    let _slot = one_at_a_time();
    let clock = Rc::new(ManualClock::new());
    let exec = Executor::new(clock.clone());
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    exec.spawn(async move {
        // What an interrupt handler that calls Baton sees while the task runs:
        // no executor, and `create_task` panics instead of reaching it.
        let seen = in_handler(current_task);
        let spawn = in_handler(|| std::panic::catch_unwind(|| drop(create_task(async {}))).is_err());
        l.borrow_mut().push(format!("{} {seen:?} {spawn}", current_task().unwrap()));
        // An executor polled there runs its tasks without installing itself.
        let polled = in_handler(|| {
            let inner = Executor::new(ManualClock::new());
            inner.spawn(async { current_task() });
            inner.poll_one().map(|o| o.state)
        });
        l.borrow_mut().push(format!("{polled:?} {}", current_task().unwrap()));
        yield_now().await;
    });
    drive(&exec, &clock);
    assert_eq!(*log.borrow(), ["#1 None true", "Some(Done) #1"]);
    // And in no context at all, nothing is installed either.
    drop(_slot);
    assert_eq!(std::thread::spawn(current_task).join().unwrap(), None);
}

/// Gives up the turn once through its waker, without asking the executor
/// (the ready queue brings the task back).
struct WakeAndYield(bool);

impl std::future::Future for WakeAndYield {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            return std::task::Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

#[test]
fn guards_dropped_out_of_order_leave_a_consistent_slot() {
    let _slot = one_at_a_time();
    let clock = Rc::new(ManualClock::new());
    let exec = Executor::new(clock.clone());
    let log = Rc::new(RefCell::new(Vec::new()));
    let l = log.clone();
    exec.spawn(async move {
        let (b, c) = (Executor::new(ManualClock::new()), Executor::new(ManualClock::new()));
        b.spawn(async {});
        let in_b = b.enter();
        let in_c = c.enter();
        drop(in_b); // restores this task's executor while C is current
        l.borrow_mut().push(format!("{:?}", current_task()));
        drop(in_c); // restores B, which polls nothing now
        l.borrow_mut().push(format!("{:?}", current_task()));
        // B knows it is current: its turn leaves the slot as it is.
        l.borrow_mut().push(format!("{:?}", b.poll_one().map(|o| o.state)));
        l.borrow_mut().push(format!("{:?}", current_task()));
        // Our next turn puts our executor back.
        WakeAndYield(false).await;
        sleep(Duration::from_millis(2)).await;
        l.borrow_mut().push(format!("{} at {}", current_task().unwrap(), now().as_micros()));
    });
    drive(&exec, &clock);
    assert_eq!(*log.borrow(), ["Some(TaskId(1))", "None", "Some(Done)", "None", "#1 at 2000"]);
}
