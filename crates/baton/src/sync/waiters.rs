//! A FIFO list of waiting futures, shared by `Event`, `Lock` and `Queue`.

use alloc::collections::BTreeMap;
use core::task::Waker;

/// Where a waiter stands.
pub(crate) enum Waiter {
    /// Still waiting; wake this to tell it.
    Waiting(Waker),
    /// Released (an event was set, a lock handed over, a slot freed) but it
    /// has not run yet.
    Released,
}

/// Waiters in the order they arrived (keyed by an increasing number, so the
/// order survives removals).
#[derive(Default)]
pub(crate) struct WaitList {
    next: u64,
    waiters: BTreeMap<u64, Waiter>,
}

impl WaitList {
    /// Adds a waiter at the back; returns its ticket.
    pub(crate) fn push(&mut self, waker: &Waker) -> u64 {
        let ticket = self.next;
        self.next += 1;
        self.waiters.insert(ticket, Waiter::Waiting(waker.clone()));
        ticket
    }

    /// Whether the ticket was released; otherwise refreshes its waker.
    pub(crate) fn is_released(&mut self, ticket: u64, waker: &Waker) -> bool {
        match self.waiters.get_mut(&ticket) {
            Some(Waiter::Released) => true,
            Some(Waiter::Waiting(w)) => {
                if !w.will_wake(waker) {
                    *w = waker.clone();
                }
                false
            }
            None => false,
        }
    }

    /// One poll of a waiting future: the first call joins the back of the
    /// list (`ticket` becomes `Some`); later calls say whether the waiter was
    /// released, and if so it leaves the list (`ticket` back to `None`).
    pub(crate) fn wait_turn(&mut self, ticket: &mut Option<u64>, waker: &Waker) -> bool {
        match *ticket {
            None => {
                *ticket = Some(self.push(waker));
                false
            }
            Some(t) if self.is_released(t, waker) => {
                self.remove(t);
                *ticket = None;
                true
            }
            Some(_) => false,
        }
    }

    /// Forgets a ticket; returns whether it had been released.
    pub(crate) fn remove(&mut self, ticket: u64) -> bool {
        matches!(self.waiters.remove(&ticket), Some(Waiter::Released))
    }

    /// Releases the first waiter still waiting and wakes it.
    pub(crate) fn release_first(&mut self) -> bool {
        for w in self.waiters.values_mut() {
            if let Waiter::Waiting(waker) = core::mem::replace(w, Waiter::Released) {
                waker.wake();
                return true;
            }
        }
        false
    }

    /// Releases and wakes every waiter.
    pub(crate) fn release_all(&mut self) {
        for w in self.waiters.values_mut() {
            if let Waiter::Waiting(waker) = core::mem::replace(w, Waiter::Released) {
                waker.wake();
            }
        }
    }

    /// Whether anyone is waiting (released or not).
    pub(crate) fn is_empty(&self) -> bool {
        self.waiters.is_empty()
    }
}
