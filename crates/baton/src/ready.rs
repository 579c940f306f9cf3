//! The queue of wakes that came through a [`Waker`], and the wakers that
//! feed it.
//!
//! This is the one part of the scheduler that an interrupt handler may touch:
//! waking a task (a `ThreadSafeFlag` set by an interrupt, or any future that
//! is not Baton's own) pushes its key here, and the scheduler moves it to the
//! run queue at the start of its next turn. Everything in it is behind a
//! `critical_section::Mutex`, so a wake from an interrupt on a single-core MCU
//! (or from another thread on a std host) cannot corrupt it. A wake takes one
//! critical section. Each task is in the queue at most once (its `queued`
//! flag), and the queue's capacity is reserved when the task is spawned, so
//! a wake never allocates.

use alloc::collections::VecDeque;
use core::cell::RefCell;
use core::task::Waker;
use critical_section::{CriticalSection, Mutex};
use portable_atomic::{AtomicBool, Ordering};
use portable_atomic_util::task::Wake;
use portable_atomic_util::Arc;

/// How many entries the executor takes from the [`ReadyQueue`] per critical
/// section (see [`ReadyQueue::take_batch`]).
pub(crate) const READY_BATCH: usize = 32;

/// The FIFO of task keys (slab indices) woken through their `Waker`, on their
/// way to the run queue.
pub(crate) struct ReadyQueue {
    keys: Mutex<RefCell<VecDeque<(usize, u64)>>>,
    /// Set by every push, cleared when the queue is emptied: the executor
    /// checks it every turn without entering a critical section.
    pending: AtomicBool,
}

impl Default for ReadyQueue {
    fn default() -> Self {
        ReadyQueue { keys: Mutex::new(RefCell::new(VecDeque::new())), pending: AtomicBool::new(false) }
    }
}

impl ReadyQueue {
    /// Queues an entry, inside the caller's critical section.
    fn push_in(&self, cs: CriticalSection<'_>, key: usize, id: u64) {
        self.keys.borrow_ref_mut(cs).push_back((key, id));
        self.pending.store(true, Ordering::Release);
    }

    /// Whether a wake may be waiting (a plain load: no critical section).
    pub(crate) fn is_pending(&self) -> bool {
        self.pending.load(Ordering::Acquire)
    }

    /// Moves the first [`READY_BATCH`] `(slab key, task id)` entries (or all,
    /// if fewer) to the back of `into`, in one critical section: the executor
    /// then takes them one by one without a critical section each, and an
    /// interrupt waits for at most a short copy. The id lets the executor
    /// skip an entry whose task finished (and whose slot was reused) after it
    /// was queued.
    pub(crate) fn take_batch(&self, into: &mut VecDeque<(usize, u64)>) {
        critical_section::with(|cs| {
            let mut q = self.keys.borrow_ref_mut(cs);
            // (A loop, not `extend(drain(..n))`: a few loads and stores per
            // entry instead of the generic machinery.)
            for _ in 0..READY_BATCH {
                let Some(entry) = q.pop_front() else { break };
                into.push_back(entry);
            }
            if q.is_empty() {
                self.pending.store(false, Ordering::Release);
            }
        });
    }

    /// Makes room for `tasks` entries so that a wake never allocates;
    /// returns the capacity (which grows amortized, at least doubling).
    pub(crate) fn reserve_one(&self, tasks: usize) -> usize {
        critical_section::with(|cs| {
            let mut q = self.keys.borrow_ref_mut(cs);
            let len = q.len();
            if q.capacity() < tasks {
                q.reserve(tasks - len);
            }
            q.capacity()
        })
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
    /// A waker for the task in slot `key`.
    pub(crate) fn new(key: usize, id: u64, ready: Arc<ReadyQueue>) -> Arc<Self> {
        Arc::new(TaskWaker { key, id, queued: AtomicBool::new(false), ready })
    }

    /// Called by the executor when it takes the entry: wakes from now on
    /// queue the task again.
    pub(crate) fn dequeued(&self) {
        self.queued.store(false, Ordering::Release);
    }

    /// Called when the task has finished: no wake may queue it again.
    pub(crate) fn retire(&self) {
        self.queued.store(true, Ordering::Release);
    }

    /// A finished task's waker, made the waker of task `id` in slot `key` —
    /// if nothing else holds it any more (a stale `Waker` clone would then
    /// wake the wrong task). `Err` gives it back otherwise.
    pub(crate) fn reuse(mut this: Arc<Self>, key: usize, id: u64) -> Result<Arc<Self>, Arc<Self>> {
        match Arc::get_mut(&mut this) {
            Some(w) => {
                w.key = key;
                w.id = id;
                *w.queued.get_mut() = false;
                Ok(this)
            }
            None => Err(this),
        }
    }

    pub(crate) fn into_waker(this: Arc<Self>) -> Waker {
        Waker::from(this)
    }
}

impl Wake for TaskWaker {
    fn wake(this: Arc<Self>) {
        Self::wake_by_ref(&this);
    }

    /// One critical section: the check-and-set of `queued` runs inside the
    /// queue's, so a load and a store do what a swap would, without masking
    /// interrupts a second time for the read-modify-write on thumbv6m. (A
    /// `retire` racing with it on another thread only lets in an entry that
    /// the executor skips, as with a swap.)
    fn wake_by_ref(this: &Arc<Self>) {
        critical_section::with(|cs| {
            if !this.queued.load(Ordering::Acquire) {
                this.queued.store(true, Ordering::Release);
                this.ready.push_in(cs, this.key, this.id);
            }
        });
    }
}
