//! The no_std build's "current executor" slot: a `static` behind a critical
//! section holding an `Rc`, with one audited `unsafe impl Send`
//! (src/context.rs). Its SAFETY argument is "one thread of execution"; these
//! tests exercise the slot — installing, nesting and restoring executors
//! across polls — and run under Miri on one thread:
//!
//! ```text
//! cargo +nightly miri test -p baton --no-default-features \
//!     --features critical-section/std --test no_std_context -- --test-threads=1
//! ```
//!
//! (`cargo xtask test` does.) With the default `std` feature the slot is a
//! thread-local and this file compiles to nothing.
//!
//! The slot is one `static` for the whole process, and the no_std build
//! supports one thread of execution: so the tests take turns ([`one_at_a_time`])
//! even when the test harness runs them on several threads.
#![cfg(not(feature = "std"))]

use baton::{create_task, current_task, gather, now, sleep, yield_now, Duration, Executor, ManualClock};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Mutex, MutexGuard};

/// Holds the process's one "current executor" slot for a test.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static SLOT: Mutex<()> = Mutex::new(());
    SLOT.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
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
