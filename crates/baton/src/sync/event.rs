//! `Event`: one task tells any number of others that something happened.

use super::waiters::WaitList;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// A flag that tasks can wait for: asyncio's `Event`.
///
/// [`Event::set`] wakes every task waiting in [`Event::wait`]; they resume
/// even if the event is cleared again before their turn comes. Clones are
/// handles to the same event.
///
/// ```
/// use baton::{create_task, Event, Executor, ManualClock};
/// # let exec = Executor::new(ManualClock::new());
/// let got = exec.run_until_complete(async {
///     let ready = Event::new();
///     let waiter = create_task({
///         let ready = ready.clone();
///         async move { ready.wait().await; "woke" }
///     });
///     ready.set();
///     waiter.await
/// }, |_| {});
/// assert_eq!(got, Ok("woke"));
/// ```
#[derive(Clone, Default)]
pub struct Event {
    inner: Rc<Inner>,
}

#[derive(Default)]
struct Inner {
    set: Cell<bool>,
    waiters: RefCell<WaitList>,
}

impl Event {
    /// A new, clear event.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the event and wakes every waiting task.
    pub fn set(&self) {
        self.inner.set.set(true);
        self.inner.waiters.borrow_mut().release_all();
    }

    /// Clears the event: later `wait`s wait again.
    pub fn clear(&self) {
        self.inner.set.set(false);
    }

    /// Whether the event is set.
    pub fn is_set(&self) -> bool {
        self.inner.set.get()
    }

    /// Waits until the event is set (returns at once if it is).
    pub fn wait(&self) -> EventWait {
        EventWait { event: self.clone(), ticket: None }
    }
}

impl core::fmt::Debug for Event {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Event").field("set", &self.is_set()).finish()
    }
}

/// The future of [`Event::wait`].
#[must_use = "wait does nothing unless awaited"]
pub struct EventWait {
    event: Event,
    ticket: Option<u64>,
}

impl Future for EventWait {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if this.ticket.is_none() && this.event.is_set() {
            return Poll::Ready(());
        }
        // Released by `set`: done, even if the event was cleared since.
        if this.event.inner.waiters.borrow_mut().wait_turn(&mut this.ticket) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for EventWait {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            self.event.inner.waiters.borrow_mut().remove(t);
        }
    }
}
