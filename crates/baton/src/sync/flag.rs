//! `ThreadSafeFlag`: the one thing an interrupt handler may do to a task.
//!
//! The guide's interrupt story: the hard interrupt does something quick (set
//! a flag), and a task handles it later (the soft interrupt). This is that
//! flag, as in MicroPython's `asyncio.ThreadSafeFlag`: `set` may be called
//! from an interrupt handler (or another thread), `wait` from one task.

use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use critical_section::{CriticalSection, Mutex};

struct State {
    set: bool,
    waker: Option<Waker>,
}

/// A flag an interrupt handler sets to wake a task.
///
/// `set` takes one critical section, in which it sets the flag and wakes the
/// waiting task (a Baton task's waker only pushes it on the ready queue: no
/// allocation, nothing that can block). An interrupt handler that is in a
/// critical section already calls [`ThreadSafeFlag::set_in`]. One task waits
/// at a time; `wait` clears the flag as it returns, and several `set`s before
/// the task runs are seen as one.
///
/// ```
/// use baton::{create_task, Executor, ManualClock, ThreadSafeFlag};
///
/// static BUTTON: ThreadSafeFlag = ThreadSafeFlag::new();
///
/// // What a GPIO interrupt handler would do:
/// fn on_edge_interrupt() { BUTTON.set(); }
///
/// # let exec = Executor::new(ManualClock::new());
/// exec.run_until_complete(async {
///     let handler = create_task(async { BUTTON.wait().await; "handled" });
///     baton::yield_now().await;  // the handler now waits
///     on_edge_interrupt();
///     assert_eq!(handler.await, Ok("handled"));
/// }, |_| {});
/// ```
pub struct ThreadSafeFlag {
    state: Mutex<RefCell<State>>,
}

impl ThreadSafeFlag {
    /// A clear flag. `const`, so it can be a `static` an interrupt handler sees.
    pub const fn new() -> Self {
        ThreadSafeFlag { state: Mutex::new(RefCell::new(State { set: false, waker: None })) }
    }

    /// Sets the flag and wakes the waiting task. Safe in interrupt handlers.
    pub fn set(&self) {
        critical_section::with(|cs| self.set_in(cs));
    }

    /// [`ThreadSafeFlag::set`], inside a critical section the caller holds:
    /// an interrupt handler that takes one anyway (to reach its own state)
    /// sets the flag and wakes the task without another. The waker runs
    /// inside it: Baton's own (a push on the ready queue) nests in it, with
    /// interrupts masked once.
    pub fn set_in(&self, cs: CriticalSection<'_>) {
        let mut s = self.state.borrow_ref_mut(cs);
        s.set = true;
        let waker = s.waker.take();
        drop(s);
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Clears the flag.
    pub fn clear(&self) {
        critical_section::with(|cs| self.state.borrow_ref_mut(cs).set = false);
    }

    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        critical_section::with(|cs| self.state.borrow_ref(cs).set)
    }

    /// Waits until the flag is set, then clears it.
    pub fn wait(&self) -> FlagWait<'_> {
        FlagWait { flag: self }
    }
}

impl Default for ThreadSafeFlag {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for ThreadSafeFlag {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ThreadSafeFlag").field("set", &self.is_set()).finish()
    }
}

/// The future of [`ThreadSafeFlag::wait`].
#[must_use = "wait does nothing unless awaited"]
#[derive(Debug)]
pub struct FlagWait<'a> {
    flag: &'a ThreadSafeFlag,
}

impl Future for FlagWait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        critical_section::with(|cs| {
            let mut s = self.flag.state.borrow_ref_mut(cs);
            if s.set {
                s.set = false;
                s.waker = None;
                Poll::Ready(())
            } else {
                match &s.waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => s.waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
        })
    }
}
