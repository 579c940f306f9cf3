//! `sleep`, `sleep_until`, `yield_now` and `now`: giving up control.
//!
//! `await sleep(d)` is the guide's `await asyncio.sleep(d)`: "I need to wait;
//! let other tasks run until I'm ready to resume". A zero duration is the
//! guide's `asyncio.sleep(0)`: go to the back of the ready queue and let every
//! other ready task have a turn first.

use crate::context;
use crate::executor::{Inner, TimerKey};
use crate::time::{Duration, Instant};
use alloc::rc::{Rc, Weak};
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

/// Waits for `duration` (at least: a sleep never ends early), letting other
/// tasks run meanwhile. The deadline is counted from the first poll, which is
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

/// Waits until the clock reads `deadline`. Sleeping until a fixed schedule
/// (`t0 + k·period`) does not drift the way repeated `sleep(period)` does.
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep { state: State::Start(Until::At(deadline)) }
}

/// Goes to the back of the ready queue once: every task that is ready now
/// runs before this one resumes.
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
}

#[derive(Debug)]
enum State {
    /// Not polled yet.
    Start(Until),
    /// Went to the back of the ready queue once; done at the next poll.
    Yielded,
    /// A timer is set.
    Waiting {
        inner: Weak<Inner>,
        key: TimerKey,
        deadline: Instant,
    },
    Done,
}

/// The future of [`sleep`], [`sleep_until`] and [`yield_now`].
#[derive(Debug)]
#[must_use = "a sleep does nothing unless awaited"]
pub struct Sleep {
    state: State,
}

impl Sleep {
    /// When this sleep ends, once it has started waiting for a timer.
    pub fn deadline(&self) -> Option<Instant> {
        match self.state {
            State::Waiting { deadline, .. } => Some(deadline),
            _ => None,
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match &self.state {
            State::Start(Until::After(d)) if d.is_zero() => {
                // `yield_now`: no clock, no timer, just a turn boundary.
                self.state = State::Yielded;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            State::Start(until) => {
                let until = *until;
                let inner = context::current();
                let now = inner.now();
                let deadline = match until {
                    Until::After(d) => now + d,
                    Until::At(t) => t,
                };
                if deadline <= now {
                    // Nothing to wait for, but still a turn boundary: the
                    // guide's `await asyncio.sleep(0)`.
                    self.state = State::Yielded;
                    cx.waker().wake_by_ref();
                } else {
                    let key = inner.add_timer(deadline, cx.waker().clone());
                    self.state = State::Waiting { inner: Rc::downgrade(&inner), key, deadline };
                }
                Poll::Pending
            }
            State::Yielded | State::Done => {
                self.state = State::Done;
                Poll::Ready(())
            }
            State::Waiting { inner, key, deadline } => {
                let Some(inner) = inner.upgrade() else {
                    self.state = State::Done;
                    return Poll::Ready(());
                };
                if inner.now() >= *deadline {
                    inner.remove_timer(*key);
                    self.state = State::Done;
                    Poll::Ready(())
                } else {
                    inner.update_timer(*key, cx.waker());
                    Poll::Pending
                }
            }
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let State::Waiting { inner, key, .. } = &self.state {
            if let Some(inner) = inner.upgrade() {
                inner.remove_timer(*key);
            }
        }
    }
}
