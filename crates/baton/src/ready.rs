//! The ready queue and the wakers that feed it.
//!
//! This is the one part of the scheduler that an interrupt handler may touch:
//! waking a task pushes its key here. Everything in it is behind a
//! `critical_section::Mutex`, so a wake from an interrupt on a single-core MCU
//! (or from another thread on a std host) cannot corrupt it. Each task is in
//! the queue at most once (its `queued` flag), and the queue's capacity is
//! reserved when the task is spawned, so a wake never allocates.

use alloc::collections::VecDeque;
use core::cell::RefCell;
use core::task::Waker;
use critical_section::Mutex;
use portable_atomic::{AtomicBool, Ordering};
use portable_atomic_util::task::Wake;
use portable_atomic_util::Arc;

/// The FIFO of task keys (slab indices) that are ready to run.
pub(crate) struct ReadyQueue {
    keys: Mutex<RefCell<VecDeque<(usize, u64)>>>,
}

impl Default for ReadyQueue {
    fn default() -> Self {
        ReadyQueue { keys: Mutex::new(RefCell::new(VecDeque::new())) }
    }
}

impl ReadyQueue {
    pub(crate) fn push(&self, key: usize, id: u64) {
        critical_section::with(|cs| self.keys.borrow_ref_mut(cs).push_back((key, id)));
    }

    /// The next `(slab key, task id)`. The id lets the executor skip an entry
    /// whose task finished (and whose slot was reused) after it was queued.
    pub(crate) fn pop(&self) -> Option<(usize, u64)> {
        critical_section::with(|cs| self.keys.borrow_ref_mut(cs).pop_front())
    }

    pub(crate) fn len(&self) -> usize {
        critical_section::with(|cs| self.keys.borrow_ref(cs).len())
    }

    /// Makes room for one more task so that waking it never allocates.
    pub(crate) fn reserve_one(&self, tasks: usize) {
        critical_section::with(|cs| {
            let mut q = self.keys.borrow_ref_mut(cs);
            let len = q.len();
            if q.capacity() < tasks {
                q.reserve(tasks - len);
            }
        });
    }

    /// The task ids in queue order, for the inspector.
    pub(crate) fn snapshot(&self) -> alloc::vec::Vec<u64> {
        critical_section::with(|cs| self.keys.borrow_ref(cs).iter().map(|&(_, id)| id).collect())
    }
}

/// What a task's [`Waker`] points at.
pub(crate) struct TaskWaker {
    key: usize,
    id: u64,
    /// Set while the task is in the ready queue (and forever once the task has
    /// finished, so that stale wakers are no-ops).
    queued: AtomicBool,
    ready: Arc<ReadyQueue>,
}

impl TaskWaker {
    /// A waker for the task in slot `key`. It starts queued: spawning pushes it.
    pub(crate) fn new(key: usize, id: u64, ready: Arc<ReadyQueue>) -> Arc<Self> {
        Arc::new(TaskWaker { key, id, queued: AtomicBool::new(true), ready })
    }

    /// Called by the executor just before polling: wakes from now on queue the
    /// task again.
    pub(crate) fn dequeued(&self) {
        self.queued.store(false, Ordering::Release);
    }

    /// Called when the task has finished: no wake may queue it again.
    pub(crate) fn retire(&self) {
        self.queued.store(true, Ordering::Release);
    }

    /// Whether the task is in the ready queue now.
    pub(crate) fn is_queued(&self) -> bool {
        self.queued.load(Ordering::Acquire)
    }

    pub(crate) fn into_waker(this: Arc<Self>) -> Waker {
        Waker::from(this)
    }
}

impl Wake for TaskWaker {
    fn wake(this: Arc<Self>) {
        Self::wake_by_ref(&this);
    }

    fn wake_by_ref(this: &Arc<Self>) {
        if !this.queued.swap(true, Ordering::AcqRel) {
            this.ready.push(this.key, this.id);
        }
    }
}
