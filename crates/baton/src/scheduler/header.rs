//! What the scheduler knows about each task: its identity, name, state
//! and the state bits behind it.
//!
//! ## The task-state machine
//! A task is in exactly one of these places, as in CircuitPython's asyncio
//! (where `Task.data` and membership of `_task_queue` say the same):
//!
//! ```text
//!            spawn                      pop (its tick has come)
//!   ──────────────────▶ QUEUED ─────────────────────────────▶ RUNNING
//!                        ▲   ▲                                │  │  │
//!      wake (Event, Lock,│   │ park (sleep: pushed at         │  │  │ returns Ready,
//!      task it awaited,  │   │ now + ticks, or now)           │  │  │ or CANCEL was set
//!      gather, cancel)   │   └────────────────────────────────┘  │  ▼
//!                        │                                       │ FINISHED (slot freed)
//!                      WAITING ◀─────────────────────────────────┘
//!                      (on a wait list, a task, or a waker)    Pending, not queued
//! ```
//!
//! - QUEUED is membership of the run queue (`RunQueue::key_of`); its key is
//!   the tick the task may run at. A queued task whose key is in the future is
//!   what the inspector calls *sleeping*.
//! - RUNNING is the one slot `Scheduler::current` names.
//! - The state bit [`CANCEL`] says a cancellation is pending: at the task's
//!   next turn its future is dropped instead of polled. It is the only place
//!   a pending cancellation is recorded; the task's outcome
//!   ([`crate::TaskError::Cancelled`]) is recorded once, when it ends.
//! - The state bit [`FAILED`] marks a task that panicked with nobody
//!   awaiting it: queued once more, it ends at that turn.
//! - `awaiting` names the task this one is waiting for (`Task.data` holding a
//!   Task in the library), which is where a cancellation is forwarded.

use crate::time::Instant;
use alloc::borrow::Cow;
use core::fmt;
use core::num::NonZeroU64;

/// State bit: a cancellation is pending (see the module docs).
pub(crate) const CANCEL: u8 = 1 << 0;
/// State bit: the task failed (panicked) with nobody awaiting it. Its future
/// is gone, but it takes one more turn before it ends: the library queues
/// such a task again to throw the exception in and call the loop's exception
/// handler, and that resumption costs a turn like any other.
pub(crate) const FAILED: u8 = 1 << 1;

/// A task's identity: unique within its executor, counted from 1 in
/// creation order. Never 0, so that an `Option<TaskId>` (and a task's
/// reference in a slot, a wait list or a join) takes no extra word.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct TaskId(pub(crate) NonZeroU64);

impl TaskId {
    /// The number behind the id.
    pub fn as_u64(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A task's slot and id: the slot is reused after the task ends, the id
/// never is, so a stale reference is recognised and ignored.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct TaskRef {
    pub(crate) slot: usize,
    pub(crate) id: TaskId,
}

/// What a task is doing, as the inspector shows it (the guide's diagram of a
/// running, a ready and a waiting task).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// In the run queue, and its tick has come: it runs at its turn.
    Ready,
    /// Being polled right now.
    Running,
    /// In the run queue with a tick still to come: `sleep` until then.
    Sleeping {
        /// The start of the tick it may run at.
        until: Instant,
    },
    /// Waiting for something other than time (an event, a lock, a task).
    Waiting,
    /// Returned its result.
    Done,
    /// Was cancelled.
    Cancelled,
    /// Panicked (std hosts).
    Failed,
}

impl TaskState {
    /// Whether the task has ended.
    pub fn is_finished(self) -> bool {
        matches!(self, TaskState::Done | TaskState::Cancelled | TaskState::Failed)
    }
}

/// One row of the inspector's task table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    /// The task's id.
    pub id: TaskId,
    /// Its name: given at creation or the function that made it.
    pub name: Cow<'static, str>,
    /// What it is doing.
    pub state: TaskState,
    /// How many times it has been polled (resumed).
    pub polls: u64,
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
    // Split at each ':' of the `::`s (a path segment has no ':' of its own), which leaves
    // empty parts between the two to skip: a char pattern needs none of `str`'s substring
    // search (1.8 KB of Python mode's wasm, 0.9 KB gzipped).
    let mut parts = base.rsplit(':').filter(|p| !p.is_empty() && !p.starts_with("{{"));
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
