//! One task in one allocation: its future, its waker and what its handle
//! shares with the scheduler (the [`JoinCell`]), side by side in one `Rc`, as
//! embassy's and tokio's task cells hold header, future and output together.
//!
//! Why one allocation: a spawn used to make three (the boxed future, the
//! join cell, the waker's `Arc`), and `malloc`/`free` were most of a spawn's
//! instructions. The waker's `Arc` stays apart, because a [`core::task::Waker`]
//! must be `Send + Sync` and a task's future is not; the scheduler reuses
//! those of finished tasks. The cell holds the task's `Waker` made from it, so
//! that a turn finds it next to the future instead of lending it out of the
//! scheduler's slot and putting it back (a borrow and a slab lookup each way).
//!
//! The future is polled in place, through a pinned `Rc`: [`pin_cell::PinCell`]
//! is a `RefCell` that hands out only `Pin<&mut F>`, so the future never
//! moves once it is in the cell, without `unsafe` code here. When the task
//! ends, the future is dropped in place (the cell's memory lives on while a
//! handle holds it, as in tokio, so that the handle can read the result).

use super::join::{JoinCell, TaskControl};
use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use pin_cell::{PinCell, PinMut};

pin_project_lite::pin_project! {
    /// A task's cell: its join state, its waker and its future (`None` once
    /// it ended). The future is pinned structurally (`#[pin]`): the cell never
    /// hands out an unpinned `&mut F`.
    pub(crate) struct TaskCell<F: Future> {
        join: JoinCell<F::Output>,
        // The task's waker: `None` while it is lent to a poll, once the task
        // ended (the scheduler then reuses its `Arc`), and after a poll that
        // panicked (the lent waker is dropped as the panic unwinds).
        waker: Cell<Option<Waker>>,
        #[pin]
        future: PinCell<Option<F>>,
    }
}

impl<F: Future> TaskCell<F> {
    pub(crate) fn new(join: JoinCell<F::Output>, waker: Waker, future: F) -> Self {
        TaskCell { join, waker: Cell::new(Some(waker)), future: PinCell::new(Some(future)) }
    }
}

/// The scheduler's view of a task cell, whatever its future.
pub(crate) trait RawTask {
    /// Resumes the future once, with the task's waker. When it is done, the
    /// future is dropped and then its result recorded (which wakes whoever
    /// awaits it), in that order, as an `async` wrapper that awaited it would
    /// do.
    fn poll(self: Pin<&Self>) -> Poll<()>;

    /// Drops the future where it is (a cancellation, a panic, a shutdown).
    fn drop_future(self: Pin<&Self>);

    /// The join state's side of a task that ended without a result.
    fn control(&self) -> &dyn TaskControl;

    /// Takes the waker out, once the task has ended: its `Arc` can then be
    /// reused for a new task.
    fn take_waker(&self) -> Option<Waker>;
}

impl<F: Future> RawTask for TaskCell<F> {
    fn poll(self: Pin<&Self>) -> Poll<()> {
        let this = self.project_ref();
        let mut future = this.future.borrow_mut();
        let Some(f) = PinMut::as_mut(&mut future).as_pin_mut() else {
            // Ended already (the scheduler polls a task only while it runs).
            return Poll::Ready(());
        };
        // Out of its cell for the poll (a `Cell` lends nothing), and back after.
        let waker = this.waker.take();
        let polled = f.poll(&mut Context::from_waker(waker.as_ref().unwrap_or(Waker::noop())));
        this.waker.set(waker);
        let Poll::Ready(out) = polled else { return Poll::Pending };
        PinMut::as_mut(&mut future).set(None);
        drop(future);
        this.join.finish(Ok(out));
        Poll::Ready(())
    }

    fn drop_future(self: Pin<&Self>) {
        PinMut::as_mut(&mut self.project_ref().future.borrow_mut()).set(None);
    }

    fn control(&self) -> &dyn TaskControl {
        &self.join
    }

    fn take_waker(&self) -> Option<Waker> {
        self.waker.take()
    }
}

/// The handle's view of a task cell: its join state, typed by the task's
/// output but not by its future.
pub(crate) trait Joinable<T> {
    fn join(&self) -> &JoinCell<T>;
}

impl<F: Future> Joinable<F::Output> for TaskCell<F> {
    fn join(&self) -> &JoinCell<F::Output> {
        &self.join
    }
}
