//! Wakers of finished tasks are reused for new tasks, but only when nothing
//! else holds them: a stale `Waker` must never wake the new task.

use baton::{Executor, ManualClock};
use std::cell::{Cell, RefCell};
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

/// A task that waits for a wake through its `Waker` (as a foreign future
/// would), counting its polls.
fn waiting_task(slot: Rc<RefCell<Option<Waker>>>, polls: Rc<Cell<u32>>) -> impl std::future::Future<Output = ()> {
    let mut woken = false;
    poll_fn(move |cx| {
        polls.set(polls.get() + 1);
        if woken {
            return Poll::Ready(());
        }
        woken = true;
        *slot.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    })
}

#[test]
fn a_stale_waker_does_not_wake_the_task_that_took_its_place() {
    let exec = Executor::new(ManualClock::new());
    // A finishes, but someone keeps its waker.
    let stale = Rc::new(RefCell::new(None));
    let (s, p) = (stale.clone(), Rc::new(Cell::new(0)));
    exec.spawn(waiting_task(s, p));
    exec.poll_one();
    stale.borrow().as_ref().unwrap().wake_by_ref();
    exec.poll_one();
    assert!(!exec.has_work(), "A has finished");
    // B may take A's slot; it waits for its own waker.
    let (b_waker, b_polls) = (Rc::new(RefCell::new(None)), Rc::new(Cell::new(0)));
    exec.spawn(waiting_task(b_waker.clone(), b_polls.clone()));
    exec.poll_one();
    assert_eq!(b_polls.get(), 1);
    // A's waker, woken again, must not reach B.
    stale.borrow().as_ref().unwrap().wake_by_ref();
    assert!(exec.poll_one().is_none(), "the stale waker woke nobody");
    assert_eq!(b_polls.get(), 1);
    // B's own waker does.
    b_waker.borrow().as_ref().unwrap().wake_by_ref();
    assert!(exec.poll_one().is_some());
    assert_eq!(b_polls.get(), 2);
}

#[test]
fn a_reused_waker_wakes_its_new_task() {
    let exec = Executor::new(ManualClock::new());
    for round in 0..3 {
        let (w, polls) = (Rc::new(RefCell::new(None)), Rc::new(Cell::new(0)));
        exec.spawn(waiting_task(w.clone(), polls.clone()));
        exec.poll_one();
        // Drop our clone after waking, so the waker can be reused next round.
        let waker = w.borrow_mut().take().unwrap();
        waker.wake();
        assert!(exec.poll_one().is_some(), "round {round}: the task was woken");
        assert_eq!(polls.get(), 2, "round {round}");
        assert!(!exec.has_work());
    }
}
