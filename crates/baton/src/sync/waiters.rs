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
//!
//! The list is a `VecDeque` of (ticket, entry) pairs. Tickets only grow and
//! join at the back, so it stays sorted and a ticket is found by binary
//! search; a waiter leaves from the front, or from the middle when it is
//! cancelled or dropped. A deque carries far less code than a `BTreeMap`,
//! which counts on the firmware's flash and in the playground's download.

use crate::scheduler::Waiter;
use alloc::collections::VecDeque;

enum Entry {
    Waiting(Waiter),
    Released,
}

#[derive(Default)]
pub(crate) struct WaitList {
    next: u64,
    /// Sorted by ticket (see the module's comment).
    waiters: VecDeque<(u64, Entry)>,
}

impl WaitList {
    /// Puts the running task at the back; returns its ticket.
    pub(crate) fn push_current(&mut self) -> u64 {
        let ticket = self.next;
        self.next += 1;
        self.waiters.push_back((ticket, Entry::Waiting(crate::context::current_waiter())));
        ticket
    }

    /// Where `ticket` is in the list, if it is.
    fn find(&self, ticket: u64) -> Option<usize> {
        self.waiters.binary_search_by_key(&ticket, |&(t, _)| t).ok()
    }

    /// Whether the holder of `ticket` was released.
    pub(crate) fn is_released(&self, ticket: u64) -> bool {
        self.find(ticket).is_some_and(|i| matches!(self.waiters[i].1, Entry::Released))
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
        let removed = self.find(ticket).and_then(|i| self.waiters.remove(i));
        matches!(removed, Some((_, Entry::Released)))
    }

    /// Releases the first waiter that is not being cancelled; `false` if
    /// there is none.
    pub(crate) fn release_first(&mut self) -> bool {
        let mut i = 0;
        while let Some((_, entry)) = self.waiters.get_mut(i) {
            match entry {
                Entry::Released => i += 1,
                Entry::Waiting(w) if w.is_cancelling() => {
                    self.waiters.remove(i);
                }
                Entry::Waiting(w) => {
                    w.wake();
                    *entry = Entry::Released;
                    return true;
                }
            }
        }
        false
    }

    /// Releases every waiter, first in first.
    pub(crate) fn release_all(&mut self) {
        for (_, e) in self.waiters.iter_mut() {
            if let Entry::Waiting(w) = core::mem::replace(e, Entry::Released) {
                w.wake();
            }
        }
    }
}
