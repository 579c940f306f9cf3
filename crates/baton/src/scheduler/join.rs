//! What a [`crate::Task`] handle and the scheduler share about one task: its
//! result, and who is waiting for it.
//!
//! In the library a finished task pushes whoever awaits it onto the run queue
//! (`Task.state` holding a `TaskQueue`), or calls `gather`'s callback
//! (`Task.state` holding a callable), right when it ends. [`Joiner`] is that
//! field.

use super::header::{TaskId, TaskRef};
use super::{Scheduler, Waiter};
use alloc::rc::{Rc, Weak};
use alloc::string::String;
use core::cell::{Cell, RefCell};
use core::fmt;

/// Why a task produced no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskError {
    /// [`crate::Task::cancel`] was called before the task finished; its future
    /// was dropped at its next turn.
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

/// Told when a gathered task ends (`gather`'s `done` callback).
pub(crate) trait JoinNotify {
    fn done(&self, failed: bool);
}

/// Who is waiting for a task to end.
pub(crate) enum Joiner {
    Nobody,
    /// A task awaiting the handle.
    Task(Waiter),
    /// `gather`.
    Notify(Rc<dyn JoinNotify>),
    /// The host: the program's main task, which `asyncio.run` awaits.
    Host,
}

pub(crate) enum JoinState<T> {
    Running,
    Finished(Result<T, TaskError>),
    Taken,
}

pub(crate) struct JoinCell<T> {
    pub(crate) task: TaskRef,
    pub(crate) sched: Weak<Scheduler>,
    pub(crate) state: RefCell<JoinState<T>>,
    pub(crate) joiner: RefCell<Joiner>,
    /// The task ended by cancellation (kept after the result is taken).
    pub(crate) cancelled: Cell<bool>,
}

impl<T> JoinCell<T> {
    pub(crate) fn new(task: TaskRef, sched: Weak<Scheduler>) -> Self {
        JoinCell {
            task,
            sched,
            state: RefCell::new(JoinState::Running),
            joiner: RefCell::new(Joiner::Nobody),
            cancelled: Cell::new(false),
        }
    }

    pub(crate) fn id(&self) -> TaskId {
        self.task.id
    }

    pub(crate) fn is_running(&self) -> bool {
        matches!(*self.state.borrow(), JoinState::Running)
    }

    /// Records the result and schedules whoever waits for it, at the current
    /// tick (the library's run loop, right after the coroutine ended).
    /// Returns whether someone was waiting (`awaited` in the library).
    pub(crate) fn finish(&self, result: Result<T, TaskError>) -> bool {
        let failed = result.is_err();
        *self.state.borrow_mut() = JoinState::Finished(result);
        let joiner = self.joiner.replace(Joiner::Nobody);
        match joiner {
            Joiner::Nobody => false,
            Joiner::Task(w) => {
                w.wake();
                true
            }
            Joiner::Notify(n) => {
                n.done(failed);
                true
            }
            Joiner::Host => true,
        }
    }
}

/// The scheduler's type-erased view of a [`JoinCell`].
pub(crate) trait TaskControl {
    /// The task ended without a result; returns whether someone was waiting
    /// for it.
    fn abandon(&self, err: TaskError) -> bool;
}

impl<T> TaskControl for JoinCell<T> {
    fn abandon(&self, err: TaskError) -> bool {
        if !self.is_running() {
            return true;
        }
        self.cancelled.set(err == TaskError::Cancelled);
        self.finish(Err(err))
    }
}
