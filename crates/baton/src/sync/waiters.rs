//! A FIFO list of waiting tasks, shared by `Event`, `Lock` and `Queue`.
//!
//! The library keeps these lists as pairing heaps keyed by the tick each task
//! started waiting at; since those keys never decrease, the heap gives the
//! tasks back first-in, first-out (checked against the library's own heap
//! with random pushes, pops and removals), so a FIFO is the same list.
//!
//! Releasing a waiter pushes its task on the run queue at the current tick,
//! directly, in program order. A task whose cancellation is pending is
//! skipped: the library's `cancel()` takes it off the list at once.

use crate::scheduler::Waiter;
use alloc::collections::BTreeMap;

enum Entry {
    Waiting(Waiter),
    Released,
}

#[derive(Default)]
pub(crate) struct WaitList {
    next: u64,
    waiters: BTreeMap<u64, Entry>,
}

impl WaitList {
    /// Puts the running task at the back; returns its ticket.
    pub(crate) fn push_current(&mut self) -> u64 {
        let ticket = self.next;
        self.next += 1;
        self.waiters.insert(ticket, Entry::Waiting(crate::context::current_waiter()));
        ticket
    }

    /// Whether the holder of `ticket` was released.
    pub(crate) fn is_released(&self, ticket: u64) -> bool {
        matches!(self.waiters.get(&ticket), Some(Entry::Released))
    }

    /// Joins the list on the first call; `true` once released (and leaves the
    /// list then).
    pub(crate) fn wait_turn(&mut self, ticket: &mut Option<u64>) -> bool {
        match *ticket {
            None => {
                *ticket = Some(self.push_current());
                false
            }
            Some(t) if self.is_released(t) => {
                self.remove(t);
                *ticket = None;
                true
            }
            Some(_) => false,
        }
    }

    /// Leaves the list; returns whether the ticket had been released.
    pub(crate) fn remove(&mut self, ticket: u64) -> bool {
        matches!(self.waiters.remove(&ticket), Some(Entry::Released))
    }

    /// Releases the first waiter that is not being cancelled; `false` if
    /// there is none.
    pub(crate) fn release_first(&mut self) -> bool {
        let mut skipped = alloc::vec::Vec::new();
        let mut released = false;
        for (&t, e) in self.waiters.iter_mut() {
            if let Entry::Waiting(w) = e {
                if w.is_cancelling() {
                    skipped.push(t);
                    continue;
                }
                w.wake();
                *e = Entry::Released;
                released = true;
                break;
            }
        }
        for t in skipped {
            self.waiters.remove(&t);
        }
        released
    }

    /// Releases every waiter, first in first.
    pub(crate) fn release_all(&mut self) {
        for e in self.waiters.values_mut() {
            if let Entry::Waiting(w) = core::mem::replace(e, Entry::Released) {
                w.wake();
            }
        }
    }
}
