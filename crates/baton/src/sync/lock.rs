//! `Lock`: one task at a time in a critical section that spans `await`s.
//!
//! The guide points out that code between two `await`s can't be interrupted,
//! so shared data needs no lock as long as it is consistent at each `await`.
//! A `Lock` is for when it can't be: a multi-step update that itself awaits.

use super::waiters::WaitList;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// A mutual-exclusion lock for tasks, handed over first-come, first-served:
/// asyncio's `Lock`. Clones are handles to the same lock.
///
/// ```
/// use baton::{create_task, gather, yield_now, Executor, Lock, ManualClock};
/// use std::{cell::RefCell, rc::Rc};
/// # let exec = Executor::new(ManualClock::new());
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// exec.run_until_complete(async move {
///     let lock = Lock::new();
///     let worker = |name: &'static str| {
///         let (lock, log) = (lock.clone(), l.clone());
///         create_task(async move {
///             let _held = lock.acquire().await;
///             log.borrow_mut().push(format!("{name} in"));
///             yield_now().await; // others run, but can't get in
///             log.borrow_mut().push(format!("{name} out"));
///         })
///     };
///     let _ = gather((worker("a"), worker("b"))).await;
/// }, |_| {});
/// assert_eq!(*log.borrow(), ["a in", "a out", "b in", "b out"]);
/// ```
#[derive(Clone, Default)]
pub struct Lock {
    inner: Rc<Inner>,
}

/// The library's `Lock.state`: 0, 1, or the task it was handed to.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug)]
enum State {
    #[default]
    Unlocked,
    Locked,
    /// Released to a waiter that has not run yet. Not `locked()` (as in the
    /// library), yet nobody else can take it.
    HandedOver,
}

#[derive(Default)]
struct Inner {
    state: Cell<State>,
    waiters: RefCell<WaitList>,
}

impl Inner {
    /// Hands the lock to the next waiter, or unlocks it if nobody waits.
    fn release(&self) {
        let next = if self.waiters.borrow_mut().release_first() { State::HandedOver } else { State::Unlocked };
        self.state.set(next);
    }
}

impl Lock {
    /// A new, unlocked lock.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether some task holds the lock. Between a release that hands the
    /// lock to a waiter and that waiter's turn, nobody holds it (and nobody
    /// else can take it), as in the library.
    pub fn locked(&self) -> bool {
        self.inner.state.get() == State::Locked
    }

    /// Waits for the lock; it is held until the returned guard is dropped.
    pub fn acquire(&self) -> Acquire {
        Acquire { lock: self.clone(), ticket: None }
    }
}

impl core::fmt::Debug for Lock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Lock").field("locked", &self.locked()).finish()
    }
}

/// The future of [`Lock::acquire`].
#[must_use = "acquire does nothing unless awaited"]
pub struct Acquire {
    lock: Lock,
    ticket: Option<u64>,
}

impl Future for Acquire {
    type Output = LockGuard;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<LockGuard> {
        let this = &mut *self;
        let inner = &this.lock.inner;
        let mut waiters = inner.waiters.borrow_mut();
        if this.ticket.is_none() && inner.state.get() == State::Unlocked {
            inner.state.set(State::Locked);
            return Poll::Ready(LockGuard { lock: this.lock.clone() });
        }
        // Released means handed over by the previous holder: ours now.
        if waiters.wait_turn(&mut this.ticket) {
            inner.state.set(State::Locked);
            Poll::Ready(LockGuard { lock: this.lock.clone() })
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Acquire {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            let handed_over = self.lock.inner.waiters.borrow_mut().remove(t);
            // Cancelled after the lock was handed to us: pass it on.
            if handed_over {
                self.lock.inner.state.set(State::Locked);
                self.lock.inner.release();
            }
        }
    }
}

/// Proof of holding a [`Lock`]; dropping it releases the lock to the next
/// waiter.
#[must_use = "the lock is released when the guard is dropped"]
pub struct LockGuard {
    lock: Lock,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        self.lock.inner.release();
    }
}

impl core::fmt::Debug for LockGuard {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("LockGuard")
    }
}
