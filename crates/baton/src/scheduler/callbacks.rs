//! Background callbacks (`loop.call_at`): functions that run at an exact
//! instant, between task turns, without being a task.
//!
//! They are not part of CircuitPython's asyncio: they stand for what the
//! CircuitPython *firmware* does in the background while tasks run — the
//! `keypad` module's 20 ms scan is the one Baton needs. A callback costs no
//! turn and takes no place in the run queue, so it cannot change the order in
//! which tasks run; it only changes what they see when they look.

use crate::time::{Duration, Instant};
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

/// A background callback: called with its scheduled instant, returns the
/// next instant to be called at (or `None` to stop).
pub(crate) type CallbackFn = dyn FnMut(Instant) -> Option<Instant>;

pub(crate) struct CallbackCell {
    f: RefCell<Box<CallbackFn>>,
    cancelled: Cell<bool>,
}

/// A scheduled background callback (see [`crate::call_at`]). Dropping the
/// handle does not cancel it, as in asyncio; [`CallbackHandle::cancel`] does.
pub struct CallbackHandle {
    cell: Rc<CallbackCell>,
}

impl CallbackHandle {
    /// Stops the callback: it will not be called again.
    pub fn cancel(&self) {
        self.cell.cancelled.set(true);
    }

    /// Whether [`CallbackHandle::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.cell.cancelled.get()
    }
}

impl core::fmt::Debug for CallbackHandle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CallbackHandle").field("cancelled", &self.is_cancelled()).finish()
    }
}

/// The callbacks of one executor, by (instant, sequence number): ties run in
/// the order they were set.
///
/// A sorted `Vec`, latest first, so that the earliest is popped from the end:
/// an executor has a handful of callbacks (one per `keypad.Keys`), for which
/// a `BTreeMap` would only add code (to the firmware's flash and the page's
/// download).
#[derive(Default)]
pub(crate) struct Callbacks {
    due: Vec<((Instant, u64), Rc<CallbackCell>)>,
    seq: u64,
}

impl Callbacks {
    pub(crate) fn insert(&mut self, when: Instant, f: Box<CallbackFn>) -> CallbackHandle {
        let cell = Rc::new(CallbackCell { f: RefCell::new(f), cancelled: Cell::new(false) });
        self.insert_cell(when, cell.clone());
        CallbackHandle { cell }
    }

    fn insert_cell(&mut self, when: Instant, cell: Rc<CallbackCell>) {
        self.seq += 1;
        let key = (when, self.seq);
        // After every later key: the Vec runs from the latest to the earliest.
        let at = self.due.partition_point(|(k, _)| *k > key);
        self.due.insert(at, (key, cell));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.due.is_empty()
    }

    /// The earliest callback's instant.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.due.last().map(|&((t, _), _)| t)
    }

    /// Takes the earliest callback if it is due at `now`.
    pub(crate) fn take_due(&mut self, now: Instant) -> Option<(Instant, Rc<CallbackCell>)> {
        match self.due.last() {
            Some(&((t, _), _)) if t <= now => self.due.pop().map(|((t, _), c)| (t, c)),
            _ => None,
        }
    }

    /// Puts a callback that asked to run again back, strictly after `at`: a
    /// callback asking to run again "now" must not keep the host from moving on.
    pub(crate) fn rearm(&mut self, at: Instant, next: Instant, cell: Rc<CallbackCell>) {
        self.insert_cell(next.max(at + Duration::from_micros(1)), cell);
    }
}

impl CallbackCell {
    pub(crate) fn is_cancelled(&self) -> bool {
        self.cancelled.get()
    }

    pub(crate) fn stop(&self) {
        self.cancelled.set(true);
    }

    /// Runs the callback; `None` if it panicked (std hosts contain the panic,
    /// as for tasks).
    pub(crate) fn call(&self, at: Instant) -> Option<Option<Instant>> {
        #[cfg(feature = "std")]
        {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.f.borrow_mut())(at))).ok()
        }
        #[cfg(not(feature = "std"))]
        {
            Some((self.f.borrow_mut())(at))
        }
    }
}
