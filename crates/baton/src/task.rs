//! Tasks: `create_task`, the [`Task`] handle, cancellation and identity.
//!
//! As in asyncio, creating a task schedules it: it is pushed on the run queue
//! at the current tick and first runs at a later turn, while the caller keeps
//! running until its next `await`. Awaiting the [`Task`] gives the task's
//! result — or tells that it was cancelled or panicked.

use crate::context;
use crate::scheduler::cell::Joinable;
use crate::scheduler::header::{default_name, TaskName};
use crate::scheduler::join::{JoinCell, JoinState, Joiner};
use alloc::borrow::Cow;
use alloc::rc::Rc;
use core::fmt;
use core::future::{Future, IntoFuture};
use core::pin::Pin;
use core::task::{Context, Poll};

pub use crate::scheduler::header::TaskId;
pub use crate::scheduler::join::TaskError;

/// A handle to a scheduled task: await it for the result, or cancel it.
///
/// Dropping the handle does not stop the task (it keeps running, detached),
/// as in asyncio.
///
/// ```
/// use baton::{create_task, sleep, Executor, ManualClock, Duration};
///
/// let clock = std::rc::Rc::new(ManualClock::new());
/// let exec = Executor::new(clock.clone());
/// let answer = exec.run_until_complete(async {
///     let task = create_task(async {
///         sleep(Duration::from_millis(5)).await;
///         42
///     });
///     task.await
/// }, |deadline| clock.advance_to(deadline.unwrap()));
/// assert_eq!(answer, Ok(42));
/// ```
pub struct Task<T> {
    cell: Pin<Rc<dyn Joinable<T>>>,
}

impl<T> Task<T> {
    pub(crate) fn new(cell: Pin<Rc<dyn Joinable<T>>>) -> Self {
        Task { cell }
    }

    pub(crate) fn cell(&self) -> &JoinCell<T> {
        self.cell.join()
    }

    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.cell().id()
    }

    /// Whether the task has finished: returned, was cancelled or panicked.
    pub fn is_done(&self) -> bool {
        !self.cell().is_running()
    }

    /// Whether the task ended by cancellation.
    pub fn is_cancelled(&self) -> bool {
        self.cell().cancelled.get()
    }

    /// Asks the task to stop. Returns `false` if it had already finished.
    ///
    /// Like CircuitPython's `Task.cancel()`, this only schedules the
    /// cancellation: a task waiting for an event or a lock is taken off its
    /// list, a sleeping task is brought forward to the current tick, and a
    /// task that awaits another task passes the cancellation on to that one.
    /// When the cancelled task's turn comes, the scheduler drops its future
    /// (running its destructors, which is where a Rust task does its
    /// `finally:` clean-up) instead of polling it. Anyone awaiting the task
    /// then gets [`TaskError::Cancelled`].
    pub fn cancel(&self) -> bool {
        if self.is_done() {
            return false;
        }
        let cell = self.cell();
        cell.sched.upgrade().is_some_and(|s| s.cancel(cell.task))
    }

    /// Takes the result if the task has finished, without waiting.
    pub fn try_result(&mut self) -> Option<Result<T, TaskError>> {
        let mut state = self.cell().state.borrow_mut();
        match &*state {
            JoinState::Finished(_) => match core::mem::replace(&mut *state, JoinState::Taken) {
                JoinState::Finished(r) => Some(r),
                _ => None,
            },
            _ => None,
        }
    }
}

impl<T> fmt::Debug for Task<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Task").field("id", &self.id()).field("done", &self.is_done()).finish()
    }
}

/// Awaiting a task: `Task.__iter__` / `__next__`. If it has finished, the
/// result comes at once, without giving up the turn; otherwise the awaiting
/// task waits until the task ends, which pushes it at the then-current tick.
impl<T> IntoFuture for Task<T> {
    type Output = Result<T, TaskError>;
    type IntoFuture = Join<T>;

    fn into_future(self) -> Join<T> {
        Join { cell: self.cell }
    }
}

/// Awaiting a task through a reference, to keep the handle (and ask it
/// [`Task::is_cancelled`] afterwards).
impl<T> IntoFuture for &mut Task<T> {
    type Output = Result<T, TaskError>;
    type IntoFuture = Join<T>;

    fn into_future(self) -> Join<T> {
        Join { cell: self.cell.clone() }
    }
}

/// The future of `task.await` (see [`Task`]).
#[must_use = "a task's result is only waited for when awaited"]
pub struct Join<T> {
    cell: Pin<Rc<dyn Joinable<T>>>,
}

impl<T> Future for Join<T> {
    type Output = Result<T, TaskError>;

    /// # Panics
    /// If polled again after it returned its result (the result was moved out).
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        let cell = self.cell.join();
        let mut state = cell.state.borrow_mut();
        match &*state {
            JoinState::Running => {
                drop(state);
                let waiter = crate::context::current_waiter();
                if let Some(s) = cell.sched.upgrade() {
                    s.set_awaiting(cell.task);
                }
                *cell.joiner.borrow_mut() = Joiner::Task(waiter);
                Poll::Pending
            }
            JoinState::Finished(_) => match core::mem::replace(&mut *state, JoinState::Taken) {
                JoinState::Finished(r) => Poll::Ready(r),
                _ => unreachable!(),
            },
            JoinState::Taken => panic!("baton: task {} awaited after its result was taken", cell.id()),
        }
    }
}

impl<T> Drop for Join<T> {
    fn drop(&mut self) {
        // No longer waiting: the task must not wake us when it ends.
        if let Ok(mut j) = self.cell.join().joiner.try_borrow_mut() {
            if matches!(*j, Joiner::Task(_)) {
                *j = Joiner::Nobody;
            }
        }
    }
}

/// Schedules `fut` as a new task on the running executor and returns its
/// handle. The task is named after the function that made the future
/// (`blink` for `blink(pin, interval)`), which is what the inspector shows.
///
/// # Panics
/// Outside a task: there is no running executor to schedule on (use
/// [`crate::Executor::spawn`] from host code).
///
/// ```
/// # use baton::{create_task, Executor, ManualClock};
/// async fn blink() -> u32 { 3 }
/// # let exec = Executor::new(ManualClock::new());
/// # let out = exec.run_until_complete(async {
/// let task = create_task(blink());
/// assert_eq!(task.await, Ok(3));
/// # }, |_| {});
/// ```
pub fn create_task<F>(fut: F) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    Task::new(context::current().spawn(default_name::<F>(), fut))
}

/// Like [`create_task`], with a name for the inspector.
pub fn create_task_named<F>(name: impl Into<Cow<'static, str>>, fut: F) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    Task::new(context::current().spawn(TaskName::Given(name.into()), fut))
}

/// The id of the task being polled, or `None` outside a task.
///
/// ```
/// # use baton::{current_task, Executor, ManualClock};
/// let exec = Executor::new(ManualClock::new());
/// let id = exec.run_until_complete(async { current_task().unwrap() }, |_| {});
/// assert_eq!(id.as_u64(), 1);
/// ```
pub fn current_task() -> Option<TaskId> {
    context::try_current().and_then(|inner| inner.current_ref()).map(|t| t.id)
}
