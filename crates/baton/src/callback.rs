//! `call_at` / `call_later`: background callbacks, asyncio's
//! `loop.call_at(when, callback)`.
//!
//! A callback is not a task: it is not polled, costs no turn, and runs when
//! its time comes, before the next task is polled. That is how
//! CircuitPython's `keypad` scans in the background while tasks run — see
//! `baton_board::keypad`. Keep callbacks short: nothing else runs while one
//! does.

use crate::context;
use crate::scheduler::callbacks::CallbackHandle;
use crate::time::{Duration, Instant};
use alloc::boxed::Box;

/// Calls `f(at)` at `when`, and again at whatever instant it returns, until
/// it returns `None` or the handle is cancelled. `at` is the instant the call
/// was scheduled for (not later, however busy the scheduler was).
///
/// # Panics
/// Outside a task (use [`crate::Executor::call_at`] from host code).
///
/// ```
/// use baton::{call_at, now, sleep, Duration, Executor, Instant, ManualClock};
/// use std::{cell::RefCell, rc::Rc};
/// # let clock = Rc::new(ManualClock::new());
/// # let exec = Executor::new(clock.clone());
/// let ticks = Rc::new(RefCell::new(Vec::new()));
/// let t = ticks.clone();
/// exec.run_until_complete(async move {
///     // Every 20 ms, like a keypad scan.
///     let scan = call_at(now(), move |at| {
///         t.borrow_mut().push(at.as_micros());
///         Some(at + Duration::from_millis(20))
///     });
///     sleep(Duration::from_millis(50)).await;
///     scan.cancel();
/// }, |t| clock.advance_to(t.unwrap()));
/// assert_eq!(*ticks.borrow(), [0, 20_000, 40_000]);
/// ```
pub fn call_at(when: Instant, f: impl FnMut(Instant) -> Option<Instant> + 'static) -> CallbackHandle {
    context::current().call_at(when, Box::new(f))
}

/// Like [`call_at`], `delay` from now.
pub fn call_later(delay: Duration, f: impl FnMut(Instant) -> Option<Instant> + 'static) -> CallbackHandle {
    let inner = context::current();
    let when = inner.now() + delay;
    inner.call_at(when, Box::new(f))
}
