//! "The running loop": which executor the code being polled belongs to.
//!
//! asyncio's free functions (`asyncio.sleep`, `asyncio.create_task`) find
//! their event loop implicitly; Baton's do the same. The executor installs
//! itself here for the duration of each poll, so a task can call
//! [`crate::sleep`] or [`crate::create_task`] without being handed a handle,
//! and several executors can live side by side (one per simulation, one per
//! test thread).
//!
//! On std hosts the slot is thread-local. Without std there are no threads:
//! the slot is a static behind a critical section, and the firmware runs one
//! executor in thread mode. Interrupt handlers never read it (the
//! interrupt-safe path is [`crate::ThreadSafeFlag`] and wakers).

use crate::scheduler::Scheduler;
use alloc::rc::Rc;

#[cfg(feature = "std")]
mod slot {
    use super::*;
    use core::cell::RefCell;

    std::thread_local! {
        static CURRENT: RefCell<Option<Rc<Scheduler>>> = const { RefCell::new(None) };
    }

    pub(super) fn replace(new: Option<Rc<Scheduler>>) -> Option<Rc<Scheduler>> {
        CURRENT.with(|c| c.replace(new))
    }

    pub(super) fn get() -> Option<Rc<Scheduler>> {
        CURRENT.with(|c| c.borrow().clone())
    }

    pub(super) fn with<R>(f: impl FnOnce(Option<&Scheduler>) -> R) -> R {
        CURRENT.with(|c| f(c.borrow().as_deref()))
    }

    pub(super) fn is(s: &Rc<Scheduler>) -> bool {
        CURRENT.with(|c| c.borrow().as_ref().is_some_and(|cur| Rc::ptr_eq(cur, s)))
    }
}

#[cfg(not(feature = "std"))]
mod slot {
    use super::*;
    use core::cell::RefCell;
    use critical_section::Mutex;

    /// An `Rc` that may sit in a `static`.
    struct ThreadModeOnly(Option<Rc<Scheduler>>);

    // SAFETY: without `std` Baton supports single-core targets with no
    // threads (thumbv6m RP2040 core 0, wasm32 without threads). The value is
    // only reached through `replace`/`get` below, always inside a critical
    // section and only from thread mode (the executor's poll loop and the
    // tasks it polls); interrupt handlers use wakers and `ThreadSafeFlag`,
    // which do not touch this slot. So the `Rc` is never shared between two
    // contexts that could run at once.
    #[allow(unsafe_code)]
    unsafe impl Send for ThreadModeOnly {}

    static CURRENT: Mutex<RefCell<ThreadModeOnly>> = Mutex::new(RefCell::new(ThreadModeOnly(None)));

    pub(super) fn replace(new: Option<Rc<Scheduler>>) -> Option<Rc<Scheduler>> {
        critical_section::with(|cs| core::mem::replace(&mut CURRENT.borrow_ref_mut(cs).0, new))
    }

    pub(super) fn get() -> Option<Rc<Scheduler>> {
        critical_section::with(|cs| CURRENT.borrow_ref(cs).0.clone())
    }

    pub(super) fn with<R>(f: impl FnOnce(Option<&Scheduler>) -> R) -> R {
        // Inside the critical section: no reference count to take and drop.
        critical_section::with(|cs| f(CURRENT.borrow_ref(cs).0.as_deref()))
    }

    pub(super) fn is(s: &Rc<Scheduler>) -> bool {
        critical_section::with(|cs| CURRENT.borrow_ref(cs).0.as_ref().is_some_and(|cur| Rc::ptr_eq(cur, s)))
    }
}

/// Installs `inner` as the current executor until the guard is dropped, then
/// restores whatever was current before (executors may nest). If `inner` is
/// current already (a host loop that entered once, then polls), it only
/// checks: no slot write, no reference count.
pub(crate) struct Enter(Option<Option<Rc<Scheduler>>>);

impl Enter {
    pub(crate) fn new(inner: &Rc<Scheduler>) -> Enter {
        if slot::is(inner) {
            return Enter(None);
        }
        Enter(Some(slot::replace(Some(inner.clone()))))
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        if let Some(previous) = self.0.take() {
            slot::replace(previous);
        }
    }
}

/// The executor currently polling, if any.
pub(crate) fn try_current() -> Option<Rc<Scheduler>> {
    slot::get()
}

/// The executor currently polling.
///
/// # Panics
/// When called outside a task (no executor is polling). That is a mistake in
/// the program, like calling `asyncio.sleep` with no running loop.
pub(crate) fn current() -> Rc<Scheduler> {
    try_current().expect("baton: no executor is running (call this from inside a task)")
}

/// Runs `f` with the executor currently polling, without taking a reference
/// to it (the hot path of `sleep`). `f` must not install another executor.
///
/// # Panics
/// When called outside a task, as [`current`].
pub(crate) fn with_current<R>(f: impl FnOnce(&Scheduler) -> R) -> R {
    slot::with(|s| f(s.expect("baton: no executor is running (call this from inside a task)")))
}

/// The task being polled, as wait lists and joins record it.
///
/// # Panics
/// Outside a task.
pub(crate) fn current_waiter() -> crate::scheduler::Waiter {
    crate::scheduler::Waiter::running_on(&current()).expect("baton: no task is running")
}
