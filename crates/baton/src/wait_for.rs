//! `wait_for`: give up on a future after a timeout.

use crate::sleep::{sleep, Sleep};
use crate::time::Duration;
use alloc::boxed::Box;
use core::fmt;
use core::future::{Future, IntoFuture};
use core::pin::Pin;
use core::task::{Context, Poll};

/// The error of [`wait_for`]: the timeout elapsed first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutError;

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("timed out")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for TimeoutError {}

/// Waits for `fut`, but at most `timeout`: asyncio's `wait_for`.
///
/// On timeout the future is dropped — for a plain future that cancels what
/// it was doing, as asyncio does. A [`crate::Task`] handle keeps its task
/// running when dropped; call [`crate::Task::cancel`] for asyncio's
/// behaviour, or pass `&mut task` to keep the handle.
///
/// ```
/// use baton::{sleep, wait_for, Duration, Executor, ManualClock, TimeoutError};
/// # use std::rc::Rc;
/// # let clock = Rc::new(ManualClock::new());
/// # let exec = Executor::new(clock.clone());
/// let r = exec.run_until_complete(async {
///     wait_for(sleep(Duration::from_secs(1)), Duration::from_millis(100)).await
/// }, |t| clock.advance_to(t.unwrap()));
/// assert_eq!(r, Err(TimeoutError));
/// ```
pub fn wait_for<F: IntoFuture>(fut: F, timeout: Duration) -> WaitFor<F::IntoFuture> {
    WaitFor { fut: Box::pin(fut.into_future()), timer: sleep(timeout) }
}

/// The future of [`wait_for`].
#[must_use = "wait_for does nothing unless awaited"]
pub struct WaitFor<F> {
    fut: Pin<Box<F>>,
    timer: Sleep,
}

impl<F: Future> Future for WaitFor<F> {
    type Output = Result<F::Output, TimeoutError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(v) = self.fut.as_mut().poll(cx) {
            return Poll::Ready(Ok(v));
        }
        match Pin::new(&mut self.timer).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(TimeoutError)),
            Poll::Pending => Poll::Pending,
        }
    }
}
