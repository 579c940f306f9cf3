//! "The running loop": which executor the code being polled belongs to.
//!
//! asyncio's free functions (`asyncio.sleep`, `asyncio.create_task`) find
//! their event loop implicitly; Baton's do the same. The executor installs
//! itself here for the duration of each poll, so a task can call
//! [`crate::sleep`] or [`crate::create_task`] without being handed a handle,
//! and several executors can live side by side (one per simulation, one per
//! test thread).
//!
//! On std hosts the slot is thread-local. Without std it is one `static`,
//! read and written without a critical section, and only in the *executor
//! context*: the one context of execution that runs executors, which the
//! firmware names with [`set_executor_context`] (on a single-core Cortex-M:
//! thread mode). Everywhere else — an interrupt handler — the slot says "no
//! executor": `sleep` or `create_task` there panic as they do outside a task,
//! instead of reaching a scheduler that thread mode is in the middle of using.
//! The interrupt-safe path is [`crate::ThreadSafeFlag`] and wakers.

use crate::scheduler::Scheduler;
use alloc::rc::Rc;

#[cfg(feature = "std")]
mod slot {
    use super::*;
    use core::cell::RefCell;

    std::thread_local! {
        static CURRENT: RefCell<Option<Rc<Scheduler>>> = const { RefCell::new(None) };
    }

    /// Puts `new` in the slot; gives back what was there.
    pub(super) fn replace(new: Option<Rc<Scheduler>>) -> Option<Option<Rc<Scheduler>>> {
        Some(CURRENT.with(|c| c.replace(new)))
    }

    pub(super) fn get() -> Option<Rc<Scheduler>> {
        CURRENT.with(|c| c.borrow().clone())
    }

    pub(super) const NO_EXECUTOR: &str = "baton: no executor is running (call this from inside a task)";
}

#[cfg(not(feature = "std"))]
mod slot {
    use super::*;
    use core::cell::Cell;
    use portable_atomic::{AtomicPtr, Ordering};

    /// The slot: a `Cell`, for the executor context only.
    struct ExecutorContextOnly(Cell<Option<Rc<Scheduler>>>);

    // SAFETY: a `Cell` and the `Rc`s in it are for one thread of execution.
    // This static is reached only through `cell()`, which hands it out only
    // when the check installed by `set_executor_context` answers `true`; that
    // function's contract is that the check never answers `true` in two
    // contexts that can run at once or interrupt each other (on the firmware:
    // one context, thread mode on core 0, the only core that runs), and that
    // a hand-over from one to another goes through a lock with the slot
    // empty. An `Rc` taken out of the slot stays in the context that took it
    // (`Rc` is not `Send`). So the `Cell`, and the count of every `Rc` in it,
    // are only ever used as a thread-local's would be.
    #[allow(unsafe_code)]
    unsafe impl Sync for ExecutorContextOnly {}

    static CURRENT: ExecutorContextOnly = ExecutorContextOnly(Cell::new(None));

    /// The installed check, a `fn() -> bool` (null: none, nowhere is the
    /// executor context).
    static CHECK: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

    pub(super) fn set_check(check: fn() -> bool) {
        CHECK.store(check as *mut (), Ordering::Relaxed);
    }

    fn in_executor_context() -> bool {
        let check = CHECK.load(Ordering::Relaxed);
        if check.is_null() {
            return false;
        }
        // SAFETY: CHECK holds null or a `fn() -> bool` cast to a pointer (by
        // `set_check`, the only writer), and it is not null here.
        #[allow(unsafe_code)]
        let check = unsafe { core::mem::transmute::<*mut (), fn() -> bool>(check) };
        check()
    }

    /// The slot, in the executor context; `None` anywhere else.
    fn cell() -> Option<&'static Cell<Option<Rc<Scheduler>>>> {
        in_executor_context().then_some(&CURRENT.0)
    }

    /// Puts `new` in the slot; gives back what was there. `None`: this is
    /// not the executor context, and nothing was put there.
    pub(super) fn replace(new: Option<Rc<Scheduler>>) -> Option<Option<Rc<Scheduler>>> {
        Some(cell()?.replace(new))
    }

    pub(super) fn get() -> Option<Rc<Scheduler>> {
        let c = cell()?;
        let s = c.take();
        let out = s.clone();
        c.set(s);
        out
    }

    pub(super) const NO_EXECUTOR: &str = "baton: no executor is running (call this from inside a task; \
        without std, in the context named by baton::executor::set_executor_context, not in an interrupt handler)";
}

/// Names the one context of execution that runs Baton's executors, on a
/// build without `std`: Baton's "current executor" is then a plain `static`
/// read and written without a critical section, and `check` is asked each
/// time whether the code calling is in that context. Where it answers
/// `false` (an interrupt handler) no executor is running: `sleep`,
/// `create_task` and `now` panic, `current_task` is `None`, and an executor
/// polled there does not install itself. Until a check is installed, no
/// context is the executor context.
///
/// On a single-core Cortex-M whose executors run in thread mode, `check` is
/// "no exception is active" (IPSR is 0; `cortex_m::peripheral::SCB::vect_active()
/// == VectActive::ThreadMode`). It is called on every turn: keep it short.
///
/// # Safety
/// `check` must never answer `true` in two contexts of execution that can run
/// at the same time or interrupt one another (an interrupt handler and thread
/// mode, two cores, two threads), counting all the checks installed during
/// the program's life together. On a microcontroller that is one context:
/// thread mode on the one core that runs Baton. (If it names one thread after
/// another, as the crate's tests do, each hand-over must go through a lock —
/// a release, then an acquire — with no executor installed across it: every
/// poll and every [`crate::Executor::enter`] guard of the one has ended.)
#[cfg(not(feature = "std"))]
#[allow(unsafe_code)]
pub unsafe fn set_executor_context(check: fn() -> bool) {
    slot::set_check(check);
}

/// Installs `inner` as the current executor until the guard is dropped, then
/// restores whatever was current before (executors may nest). If `inner` is
/// current already (a host loop that entered once, then polls), it does
/// nothing: the scheduler knows that it is installed, without a look at the
/// slot. Outside the executor context (no_std: an interrupt handler) nothing
/// is installed.
pub(crate) struct Enter(Option<Option<Rc<Scheduler>>>);

impl Enter {
    /// Inlined: every turn makes one, and inside `run_until_complete` (or
    /// any host loop that entered first) it only reads the flag; installing
    /// (a host that polls without entering, as the simulator does) is a call.
    #[inline]
    pub(crate) fn new(inner: &Rc<Scheduler>) -> Enter {
        if inner.is_installed() {
            return Enter(None);
        }
        Enter::install(inner)
    }

    #[cold]
    #[inline(never)]
    fn install(inner: &Rc<Scheduler>) -> Enter {
        Enter(swap(Some(inner.clone())))
    }

    #[cold]
    #[inline(never)]
    fn restore(previous: Option<Rc<Scheduler>>) {
        swap(previous);
    }
}

impl Drop for Enter {
    #[inline]
    fn drop(&mut self) {
        if let Some(previous) = self.0.take() {
            Enter::restore(previous);
        }
    }
}

/// Puts `new` in the slot and gives back what was there (`None`: not the
/// executor context, nothing changed), keeping each scheduler's `installed`
/// flag true exactly while it is in the slot — also when guards are dropped
/// out of order or forgotten.
fn swap(new: Option<Rc<Scheduler>>) -> Option<Option<Rc<Scheduler>>> {
    let incoming = new.clone();
    let previous = slot::replace(new)?;
    if let Some(p) = &previous {
        p.set_installed(false);
    }
    if let Some(n) = &incoming {
        n.set_installed(true);
    }
    Some(previous)
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
    try_current().expect(slot::NO_EXECUTOR)
}

/// Runs `f` with the executor currently polling (the hot path of `sleep`).
///
/// # Panics
/// When called outside a task, as [`current`].
pub(crate) fn with_current<R>(f: impl FnOnce(&Scheduler) -> R) -> R {
    f(&current())
}

/// The task being polled, as wait lists and joins record it.
///
/// # Panics
/// Outside a task.
pub(crate) fn current_waiter() -> crate::scheduler::Waiter {
    crate::scheduler::Waiter::running_on(&current()).expect("baton: no task is running")
}
