//! `sleep`, `sleep_ms`, `sleep_secs`, `sleep_until`, `yield_now` and `now`:
//! giving up control.
//!
//! `await sleep(d)` is the guide's `await asyncio.sleep(d)`: "I need to wait;
//! let other tasks run until I'm ready to resume". As in CircuitPython, a
//! sleep is counted in whole ticks **from the current tick**: with 1 ms ticks,
//! `sleep_secs(0.25)` called at 250.010 ms lets the task run again at the
//! start of the tick 250 + 250, at 500.000 ms — not at 500.010 ms. So
//! repeated sleeps do not drift by the time a turn takes. A zero sleep is the
//! guide's `asyncio.sleep(0)`: the task is queued at the current tick, behind
//! (or, as the library's heap decides, among) the tasks due now.

use crate::context;
use crate::scheduler::Scheduler;
use crate::time::{Duration, Instant};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// The current time on the running executor's clock.
///
/// # Panics
/// Outside a task.
///
/// ```
/// # use baton::{now, Executor, ManualClock};
/// let exec = Executor::new(ManualClock::new());
/// assert_eq!(exec.run_until_complete(async { now() }, |_| {}).as_micros(), 0);
/// ```
pub fn now() -> Instant {
    context::current().now()
}

/// Waits `duration`, counted in whole ticks from the current tick (a partial
/// tick is dropped, as `int(t * 1000)` drops a partial millisecond), letting
/// other tasks run meanwhile. The count starts at the first poll, which is
/// when an `async fn` reaches the `await`.
///
/// `sleep(Duration::ZERO)` yields once, like [`yield_now`].
///
/// ```
/// # use baton::{sleep, now, Duration, Executor, ManualClock};
/// # use std::rc::Rc;
/// # let clock = Rc::new(ManualClock::new());
/// # let exec = Executor::new(clock.clone());
/// let t = exec.run_until_complete(async {
///     sleep(Duration::from_millis(250)).await;
///     now()
/// }, |t| clock.advance_to(t.unwrap()));
/// assert_eq!(t.as_micros(), 250_000);
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    Sleep { state: State::Start(Until::After(duration)) }
}

/// Waits `ms` milliseconds: asyncio's `sleep_ms(ms)`.
pub fn sleep_ms(ms: u64) -> Sleep {
    sleep(Duration::from_millis(ms))
}

/// Waits `seconds`, exactly as CircuitPython's `asyncio.sleep(t)` does:
/// `sleep_ms(int(t * 1000))`, the product taken in `f64` and truncated. So
/// `sleep_secs(0.7)` waits 700 ms while `sleep_secs(0.0029999)` waits 2 ms.
/// A negative or NaN time is 0; an infinite one saturates.
///
/// ```
/// # use baton::{sleep_secs, now, Executor, ManualClock};
/// # use std::rc::Rc;
/// # let clock = Rc::new(ManualClock::new());
/// # let exec = Executor::new(clock.clone());
/// let t = exec.run_until_complete(async {
///     sleep_secs(0.1 + 0.2).await; // 0.30000000000000004 s: 300 ms
///     now()
/// }, |t| clock.advance_to(t.unwrap()));
/// assert_eq!(t.as_micros(), 300_000);
/// ```
pub fn sleep_secs(seconds: f64) -> Sleep {
    // `as` saturates (and maps NaN to 0), like the library's `max(0, t)`.
    sleep_ms((seconds * 1000.0) as u64)
}

/// Waits until the clock reads `deadline` or later: the task runs again at
/// the start of the first tick that begins at or after `deadline`. Sleeping
/// until a fixed schedule (`t0 + k·period`) does not drift the way repeated
/// `sleep(period)` can.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { state: State::Start(Until::At(deadline)) }
}

/// Waits for tick `tick` exactly as CircuitPython's `_task_queue.push(task, tick)` queues a task:
/// it runs again at the start of that tick, and a tick already past is kept as it is, which puts
/// the task ahead of every task queued for a later tick. The library's `sleep_ms` reads the tick
/// when it is *called* and pushes when it is *awaited*, so a sleep awaited after a blocking call
/// can be in the past; Python mode's `sleep_ms` is this. (A [`sleep`] counts from its first poll
/// instead, and a [`sleep_until`] in the past waits for the current tick.)
///
/// ```
/// # use baton::{sleep_until_tick, now, Executor, ManualClock};
/// # use std::rc::Rc;
/// # let clock = Rc::new(ManualClock::new());
/// # let exec = Executor::new(clock.clone());
/// let t = exec.run_until_complete(async {
///     sleep_until_tick(7).await; // 1 ms ticks
///     now()
/// }, |t| clock.advance_to(t.unwrap()));
/// assert_eq!(t.as_micros(), 7_000);
/// ```
pub fn sleep_until_tick(tick: u64) -> Sleep {
    Sleep { state: State::Start(Until::Tick(tick)) }
}

/// Gives up the turn once: the task is queued at the current tick, so every
/// task due now runs before it resumes.
///
/// ```
/// # use baton::{yield_now, create_task, Executor, ManualClock};
/// # use std::{cell::RefCell, rc::Rc};
/// # let exec = Executor::new(ManualClock::new());
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let (a, b) = (log.clone(), log.clone());
/// exec.run_until_complete(async move {
///     let other = create_task(async move { b.borrow_mut().push("other") });
///     a.borrow_mut().push("main before");
///     yield_now().await;
///     a.borrow_mut().push("main after");
///     let _ = other.await;
/// }, |_| {});
/// assert_eq!(*log.borrow(), ["main before", "other", "main after"]);
/// ```
pub fn yield_now() -> Sleep {
    sleep(Duration::ZERO)
}

#[derive(Debug, Clone, Copy)]
enum Until {
    After(Duration),
    At(Instant),
    Tick(u64),
}

#[derive(Debug)]
enum State {
    /// Not polled yet.
    Start(Until),
    /// Queued until tick `key`, of `tick_us` µs (its start, the deadline,
    /// is only computed when asked: a 64-bit multiplication is a software
    /// routine on a Cortex-M0+).
    Parked {
        key: u64,
        tick_us: u64,
        /// Queued for the current tick (a zero sleep, a deadline past): the
        /// next poll is at that tick or later, so it ends the sleep without
        /// asking the scheduler.
        due: bool,
    },
    Done,
}

/// The future of [`sleep`], [`sleep_ms`], [`sleep_secs`], [`sleep_until`]
/// and [`yield_now`].
#[derive(Debug)]
#[must_use = "a sleep does nothing unless awaited"]
pub struct Sleep {
    state: State,
}

impl Sleep {
    /// When this sleep ends (the start of its tick), once it has been polled.
    pub fn deadline(&self) -> Option<Instant> {
        match self.state {
            State::Parked { key, tick_us, .. } => Some(Instant::from_micros(key.saturating_mul(tick_us))),
            _ => None,
        }
    }
}

/// The tick a sleep ends at, counted from `now` (the current tick).
fn key_for(s: &Scheduler, until: Until, now: u64) -> u64 {
    let tick = s.tick_us();
    match until {
        Until::After(d) if d.is_zero() => now,
        Until::After(d) => {
            // Whole µs in u64 (saturating), then whole ticks: no u128 division.
            let us = d.as_secs().saturating_mul(1_000_000).saturating_add(u64::from(d.subsec_micros()));
            now.saturating_add(us / tick)
        }
        // Never a tick in the past: that would jump the queue.
        Until::At(t) => t.as_micros().div_ceil(tick).max(now),
        // As the library pushes it, past or not.
        Until::Tick(t) => t,
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        match self.state {
            State::Start(until) => {
                self.state = context::with_current(|s| {
                    let now = s.now_tick();
                    let key = key_for(s, until, now);
                    s.park(key, now);
                    State::Parked { key, tick_us: s.tick_us(), due: key <= now }
                });
                Poll::Pending
            }
            State::Parked { due: true, .. } => {
                self.state = State::Done;
                Poll::Ready(())
            }
            State::Parked { key, .. } => {
                let due = context::with_current(|s| {
                    // Queued for our tick or later: due, without reading the
                    // clock. Otherwise a waker woke the task for another
                    // future: look at the clock, and if it is early, queue it
                    // again for the same tick.
                    if s.turn_key() >= key {
                        return true;
                    }
                    let now = s.now_tick();
                    if now < key {
                        s.park(key, now);
                    }
                    now >= key
                });
                if due {
                    self.state = State::Done;
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }
            State::Done => Poll::Ready(()),
        }
    }
}
