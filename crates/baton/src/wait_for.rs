//! `wait_for`: give up on a task after a timeout.
//!
//! Built as the library's `wait_for` is (`asyncio/funcs.py`), because its
//! turns show in a trace: the awaited future becomes a task, a *runner* task
//! awaits it, and the caller sleeps for the timeout.
//! - If the task ends first, the runner brings the sleeping caller forward to
//!   the current tick and hands it the result.
//! - If the timeout comes first, the caller cancels the runner — which passes
//!   the cancellation on to the task it awaits — waits for the runner to end,
//!   and returns [`TimeoutError`].
//! - If the caller is cancelled while it waits, the runner (and so the task)
//!   is cancelled too.

use crate::gather::IntoTask;
use crate::scheduler::Waiter;
use crate::sleep::sleep;
use crate::task::{create_task_named, Task, TaskError};
use crate::time::Duration;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use core::fmt;
use core::future::{poll_fn, Future};
use core::pin::Pin;
use core::task::Poll;

/// The error of a [`wait_for`] whose timeout came first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutError;

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("timed out")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for TimeoutError {}

/// What the caller and the runner share.
struct Shared<T> {
    result: RefCell<Option<Result<T, TaskError>>>,
    /// The caller is still in its timeout sleep (`waiter.data is None`).
    sleeping: Cell<bool>,
    caller: Waiter,
}

/// The runner task (`_run`): awaits the task, then, if the caller still
/// sleeps, wakes it with the result.
async fn run<T>(shared: Rc<Shared<T>>, task: Task<T>) {
    let result = task.await;
    if shared.sleeping.get() && !shared.caller.is_cancelling() {
        *shared.result.borrow_mut() = Some(result);
        shared.caller.wake();
    }
}

/// Cancels the runner if the caller is dropped (cancelled) while it sleeps.
struct RunnerGuard(Option<Task<()>>);

impl Drop for RunnerGuard {
    fn drop(&mut self) {
        if let Some(runner) = self.0.take() {
            runner.cancel();
        }
    }
}

/// Waits for `aw` (a task, or a future made a task) at most `timeout`
/// (counted in ticks, like [`crate::sleep`]). On timeout the task is
/// cancelled and [`TimeoutError`] returned.
///
/// If the task ends without a result before the timeout (someone else
/// cancelled it, or it panicked), the caller is cancelled too — the library
/// re-raises the task's exception in the caller; a Rust task cannot catch
/// one, so it ends. (That takes the caller one extra turn.)
///
/// ```
/// use baton::{sleep, wait_for, Duration, Executor, ManualClock, TimeoutError};
/// # use std::rc::Rc;
/// let clock = Rc::new(ManualClock::new());
/// let exec = Executor::new(clock.clone());
/// let r = exec.run_until_complete(async {
///     wait_for(async { sleep(Duration::from_millis(50)).await; 1 }, Duration::from_millis(10)).await
/// }, |t| clock.advance_to(t.unwrap()));
/// assert_eq!(r, Err(TimeoutError));
/// ```
pub async fn wait_for<F: IntoTask>(aw: F, timeout: Duration) -> Result<F::Output, TimeoutError> {
    let task = aw.into_task();
    let shared = Rc::new(Shared {
        result: RefCell::new(None),
        sleeping: Cell::new(true),
        caller: crate::context::current_waiter(),
    });
    let mut runner = RunnerGuard(Some(create_task_named("wait_for", run(shared.clone(), task))));
    let mut timer = sleep(timeout);
    let early = poll_fn(|cx| {
        if let Some(r) = shared.result.borrow_mut().take() {
            return Poll::Ready(Some(r));
        }
        Pin::new(&mut timer).poll(cx).map(|()| None)
    })
    .await;
    shared.sleeping.set(false);
    let runner = runner.0.take().expect("the runner is kept until here");
    match early {
        Some(Ok(v)) => Ok(v),
        Some(Err(_)) => {
            shared.caller.cancel_self();
            core::future::pending().await
        }
        None => {
            runner.cancel();
            let _ = runner.await;
            Err(TimeoutError)
        }
    }
}

/// [`wait_for`] with the timeout in milliseconds: asyncio's `wait_for_ms`.
pub async fn wait_for_ms<F: IntoTask>(aw: F, timeout_ms: u64) -> Result<F::Output, TimeoutError> {
    wait_for(aw, Duration::from_millis(timeout_ms)).await
}
