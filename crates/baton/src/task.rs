//! Tasks: `create_task`, the [`Task`] handle, cancellation and identity.
//!
//! As in asyncio, creating a task schedules it: it first runs at the next
//! scheduler turn, after the tasks already waiting in the ready queue, while
//! the caller keeps running until its next `await`. Awaiting the [`Task`]
//! gives the task's result — or tells that it was cancelled or panicked.

use crate::context;
use crate::ready::TaskWaker;
use alloc::borrow::Cow;
use alloc::rc::Rc;
use alloc::string::String;
use core::cell::{Cell, RefCell};
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use portable_atomic_util::task::Wake;
use portable_atomic_util::Arc;

/// A task's identity: unique within its executor, counted from 1 in
/// creation order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct TaskId(pub(crate) u64);

impl TaskId {
    /// The number behind the id.
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Why a task produced no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskError {
    /// [`Task::cancel`] was called before the task finished; its future was
    /// dropped at its next turn.
    Cancelled,
    /// The task panicked (std hosts only catch panics; the message is kept).
    Panicked(String),
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled => f.write_str("task was cancelled"),
            TaskError::Panicked(msg) => write!(f, "task panicked: {msg}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for TaskError {}

enum JoinState<T> {
    Running { joiner: Option<Waker> },
    Finished(Result<T, TaskError>),
    Taken,
}

/// What a [`Task`] handle and the executor share about one task.
pub(crate) struct JoinCell<T> {
    id: TaskId,
    state: RefCell<JoinState<T>>,
    /// The task ended by cancellation (kept after the result is taken).
    cancelled: Cell<bool>,
    /// The task's waker: cancelling flags it and wakes the task so that the
    /// executor reaches it and drops its future. (The flag lives there, next
    /// to `queued`, so the executor checks it without touching this cell.)
    task: Arc<TaskWaker>,
}

impl<T> JoinCell<T> {
    pub(crate) fn new(id: TaskId, task: Arc<TaskWaker>) -> Self {
        JoinCell { id, state: RefCell::new(JoinState::Running { joiner: None }), cancelled: Cell::new(false), task }
    }

    pub(crate) fn finish(&self, result: Result<T, TaskError>) {
        let old = self.state.replace(JoinState::Finished(result));
        if let JoinState::Running { joiner: Some(w) } = old {
            w.wake();
        }
    }
}

/// The executor's type-erased view of a [`JoinCell`].
pub(crate) trait TaskControl {
    /// The task ended without a result.
    fn abandon(&self, err: TaskError);
}

impl<T> TaskControl for JoinCell<T> {
    fn abandon(&self, err: TaskError) {
        if matches!(*self.state.borrow(), JoinState::Running { .. }) {
            self.cancelled.set(err == TaskError::Cancelled);
            self.finish(Err(err));
        }
    }
}

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
    cell: Rc<JoinCell<T>>,
}

impl<T> Task<T> {
    pub(crate) fn new(cell: Rc<JoinCell<T>>) -> Self {
        Task { cell }
    }

    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.cell.id
    }

    /// Whether the task has finished: returned, was cancelled or panicked.
    pub fn is_done(&self) -> bool {
        !matches!(*self.cell.state.borrow(), JoinState::Running { .. })
    }

    /// Whether the task ended by cancellation.
    pub fn is_cancelled(&self) -> bool {
        self.cell.cancelled.get()
    }

    /// Asks the task to stop. Returns `false` if it had already finished.
    ///
    /// Like asyncio's `Task.cancel()`, this only schedules the cancellation:
    /// the task is put in the ready queue, and when its turn comes the
    /// scheduler drops its future (running its destructors, which is where a
    /// Rust task does its `finally:` clean-up) instead of polling it. Anyone
    /// awaiting the task then gets [`TaskError::Cancelled`].
    pub fn cancel(&self) -> bool {
        if self.is_done() {
            return false;
        }
        self.cell.task.request_cancel();
        Wake::wake_by_ref(&self.cell.task);
        true
    }

    /// Takes the result if the task has finished, without waiting.
    pub fn try_result(&mut self) -> Option<Result<T, TaskError>> {
        let mut state = self.cell.state.borrow_mut();
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
        f.debug_struct("Task").field("id", &self.cell.id).field("done", &self.is_done()).finish()
    }
}

impl<T> Future for Task<T> {
    type Output = Result<T, TaskError>;

    /// # Panics
    /// If polled again after it returned its result (the result was moved out).
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.cell.state.borrow_mut();
        match &mut *state {
            JoinState::Running { joiner } => {
                match joiner {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => *joiner = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
            JoinState::Finished(_) => match core::mem::replace(&mut *state, JoinState::Taken) {
                JoinState::Finished(r) => Poll::Ready(r),
                _ => unreachable!(),
            },
            JoinState::Taken => panic!("baton: task {} awaited after its result was taken", self.cell.id),
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
    context::current().spawn(default_name::<F>(), fut)
}

/// Like [`create_task`], with a name for the inspector.
pub fn create_task_named<F>(name: impl Into<Cow<'static, str>>, fut: F) -> Task<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    context::current().spawn(TaskName::Given(name.into()), fut)
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
    context::try_current().and_then(|inner| inner.current_task())
}

/// A task's name: given, or the type of the future that made it. The type
/// name is only shortened (`blink` for `demos::blink::blink::{{closure}}`)
/// when someone reads it: that is string searching, too slow to do on every
/// spawn.
#[derive(Clone, Debug)]
pub(crate) enum TaskName {
    Given(Cow<'static, str>),
    TypeOf(&'static str),
}

impl TaskName {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            TaskName::Given(name) => name,
            TaskName::TypeOf(full) => short_name(full),
        }
    }

    pub(crate) fn to_cow(&self) -> Cow<'static, str> {
        match self {
            TaskName::Given(name) => name.clone(),
            TaskName::TypeOf(full) => Cow::Borrowed(short_name(full)),
        }
    }
}

/// The name a task gets when none is given: the function that made the
/// future. `type_name` of an `async fn`'s future reads
/// `crate::module::blink::{{closure}}`; the inspector wants `blink`.
pub(crate) fn default_name<F>() -> TaskName {
    TaskName::TypeOf(core::any::type_name::<F>())
}

fn short_name(full: &'static str) -> &'static str {
    // Generic arguments carry paths of their own: cut them off first.
    let base = full.split('<').next().unwrap_or(full);
    let mut parts = base.rsplit("::").filter(|p| !p.is_empty() && !p.starts_with("{{"));
    parts.next().unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::short_name;

    #[test]
    fn names_come_from_the_function() {
        assert_eq!(short_name("demos::blink::blink::{{closure}}"), "blink");
        assert_eq!(short_name("demos::rainbow::rainbow_cycle::{{closure}}<board::Pin>"), "rainbow_cycle");
        assert_eq!(short_name("core::future::ready::Ready<u32>"), "Ready");
        assert_eq!(short_name("main::{{closure}}::{{closure}}"), "main");
    }
}
