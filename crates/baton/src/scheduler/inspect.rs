//! Inspection: the task table, the run queue in order, and the poll hook the
//! playground's timeline listens to. Nothing here changes what runs.

use super::header::{TaskId, TaskInfo, TaskName, TaskState};
use super::Scheduler;
use alloc::boxed::Box;
use alloc::vec::Vec;

/// How many finished tasks the inspector remembers.
const FINISHED_LOG: usize = 32;

/// A report to the poll hook (see [`crate::Executor::set_hook`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PollEvent<'a> {
    /// A task is about to be polled.
    Start {
        /// The task.
        task: TaskId,
        /// Its name.
        name: &'a str,
        /// The clock when the poll began.
        at: crate::Instant,
    },
    /// The poll returned.
    End {
        /// The task.
        task: TaskId,
        /// Its name.
        name: &'a str,
        /// The clock when the poll returned.
        at: crate::Instant,
        /// The task's state after the poll.
        state: TaskState,
    },
}

pub(crate) type Hook = Box<dyn FnMut(&PollEvent<'_>)>;

/// A finished task in the inspector's log (its name is shortened when read).
pub(crate) struct Finished {
    pub(crate) id: TaskId,
    pub(crate) name: TaskName,
    pub(crate) state: TaskState,
    pub(crate) polls: u64,
}

impl Scheduler {
    /// What the live task in `slot` is doing.
    pub(crate) fn state_of(&self, slot: usize) -> TaskState {
        if self.current.get() == Some(slot) {
            return TaskState::Running;
        }
        if self.tasks.borrow().get(slot).is_some_and(|s| s.bits & super::header::FAILED != 0) {
            return TaskState::Failed;
        }
        match self.queue.borrow().key_of(slot) {
            Some(key) if key > self.now_tick() => TaskState::Sleeping { until: self.tick_start(key) },
            Some(_) => TaskState::Ready,
            None => TaskState::Waiting,
        }
    }

    pub(crate) fn log_finished(&self, f: Finished) {
        let mut log = self.finished.borrow_mut();
        if log.len() == FINISHED_LOG {
            log.pop_front();
        }
        log.push_back(f);
    }

    pub(crate) fn report(&self, event: &PollEvent<'_>) {
        if let Some(hook) = self.hook.borrow_mut().as_mut() {
            hook(event);
        }
    }

    pub(crate) fn set_hook(&self, hook: Option<Hook>) {
        let on = hook.is_some();
        *self.hook.borrow_mut() = hook;
        self.hooked.set(on);
    }

    /// The live tasks in id order, then the most recently finished ones.
    pub(crate) fn task_table(&self) -> Vec<TaskInfo> {
        let tasks = self.tasks.borrow();
        let mut rows: Vec<TaskInfo> = tasks
            .iter()
            // A failed task waiting for its last turn is already in the log.
            .filter(|(_, s)| s.bits & super::header::FAILED == 0)
            .map(|(slot, s)| TaskInfo { id: s.id, name: s.name.to_cow(), state: self.state_of(slot), polls: s.polls })
            .collect();
        rows.sort_by_key(|r| r.id);
        let finished = self.finished.borrow();
        rows.extend(finished.iter().map(|f| TaskInfo {
            id: f.id,
            name: f.name.to_cow(),
            state: f.state,
            polls: f.polls,
        }));
        rows
    }

    /// The ids of the queued tasks whose tick has come, in the order they
    /// will run.
    pub(crate) fn ready_ids(&self) -> Vec<TaskId> {
        let now = self.now_tick();
        let tasks = self.tasks.borrow();
        self.queue
            .borrow()
            .snapshot()
            .into_iter()
            .take_while(|&(_, key)| key <= now)
            .filter_map(|(slot, _)| tasks.get(slot).map(|s| s.id))
            .collect()
    }
}
