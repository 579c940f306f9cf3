//! `gather`: wait for several tasks, and get every result, in order.
//!
//! `gather((led1_task, led2_task)).await` is the guide's
//! `await asyncio.gather(led1_task, led2_task)`. It works as the library's
//! `gather` does, because how many turns it takes shows in a trace:
//! futures that are not tasks yet are made tasks (`_promote_to_task`) when the
//! gather is first polled; then the gathering task waits without being
//! queued, and the task that ends last pushes it at the current tick — one
//! turn for the whole gather, not one per task. If every task has already
//! ended, `gather` returns without giving up the turn.
//!
//! A tuple gathers tasks of different types into a tuple of results; a `Vec`
//! gathers any number of one type into a `Vec`. Each result is a `Result`: a
//! task may have been cancelled or have panicked, and every outcome is
//! reported, as asyncio does with `return_exceptions=True`. If the gathering
//! task is cancelled, the tasks it gathers are cancelled too.

use crate::scheduler::join::{JoinNotify, Joiner};
use crate::scheduler::Waiter;
use crate::task::{create_task, Task, TaskError};
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// Something `gather` can wait for: a [`Task`], or a future, which is made a
/// task (the library's `_promote_to_task`).
pub trait IntoTask {
    /// The task's result type.
    type Output: 'static;
    /// The task.
    fn into_task(self) -> Task<Self::Output>;
}

impl<T: 'static> IntoTask for Task<T> {
    type Output = T;
    fn into_task(self) -> Task<T> {
        self
    }
}

impl<F> IntoTask for F
where
    F: Future + 'static,
    F::Output: 'static,
{
    type Output = F::Output;
    fn into_task(self) -> Task<F::Output> {
        create_task(self)
    }
}

/// Something that can be gathered: a tuple (up to 8) or a `Vec` of
/// [`IntoTask`]s.
pub trait Gather {
    /// What awaiting the gather gives.
    type Output;
    /// The future that does it.
    type Future: Future<Output = Self::Output>;
    /// Makes the future.
    fn into_gather(self) -> Self::Future;
}

/// Waits for every task or future in `tasks` (a tuple or a `Vec`) and returns
/// their results in order.
///
/// ```
/// use baton::{create_task, gather, sleep, Duration, Executor, ManualClock};
/// # use std::rc::Rc;
/// let clock = Rc::new(ManualClock::new());
/// let exec = Executor::new(clock.clone());
/// let (a, b) = exec.run_until_complete(async {
///     let t1 = create_task(async { sleep(Duration::from_millis(2)).await; "a" });
///     let t2 = create_task(async { 7 });
///     gather((t1, t2)).await
/// }, |t| clock.advance_to(t.unwrap()));
/// assert_eq!((a, b), (Ok("a"), Ok(7)));
///
/// let all = exec.run_until_complete(async {
///     gather((1..=3).map(|i| async move { i * 10 }).collect::<Vec<_>>()).await
/// }, |_| {});
/// assert_eq!(all, [Ok(10), Ok(20), Ok(30)]);
/// ```
pub fn gather<G: Gather>(tasks: G) -> G::Future {
    tasks.into_gather()
}

/// `gather`'s `done` callback: counts the tasks down and pushes the gathering
/// task when the last one ends.
struct Countdown {
    remaining: Cell<usize>,
    /// Cleared when the gather is dropped (`gather_task.data is not _Remove`).
    active: Cell<bool>,
    waiter: Waiter,
}

impl JoinNotify for Countdown {
    fn done(&self, _failed: bool) {
        if !self.active.get() {
            return;
        }
        let left = self.remaining.get() - 1;
        self.remaining.set(left);
        if left == 0 {
            self.waiter.wake();
        }
    }
}

/// A gathered task, type-erased.
trait Member {
    fn running(&self) -> bool;
    fn set_joiner(&self, j: Joiner);
    fn cancel(&self) -> bool;
}

impl<T> Member for Task<T> {
    fn running(&self) -> bool {
        !self.is_done()
    }
    fn set_joiner(&self, j: Joiner) {
        let mut slot = self.cell().joiner.borrow_mut();
        if matches!(j, Joiner::Notify(_)) && !matches!(*slot, Joiner::Nobody) {
            panic!("baton: can't gather task {}: it is already being awaited", self.id());
        }
        *slot = j;
    }
    fn cancel(&self) -> bool {
        Task::cancel(self)
    }
}

/// The shared part of every gather future: start (count, register), check,
/// and clean up when dropped early.
#[derive(Default)]
struct Core {
    countdown: Option<Rc<Countdown>>,
    finished: bool,
}

impl Core {
    /// First poll: registers with the running members; `true` if none is
    /// running (the gather is over without a wait).
    fn start(&mut self, members: &[&dyn Member]) -> bool {
        let running = members.iter().filter(|m| m.running()).count();
        if running == 0 {
            self.finished = true;
            return true;
        }
        let countdown = Rc::new(Countdown {
            remaining: Cell::new(running),
            active: Cell::new(true),
            waiter: crate::context::current_waiter(),
        });
        for m in members.iter().filter(|m| m.running()) {
            m.set_joiner(Joiner::Notify(countdown.clone()));
        }
        self.countdown = Some(countdown);
        false
    }

    /// Later polls: whether the last member has ended.
    fn check(&mut self) -> bool {
        let done = self.countdown.as_ref().is_none_or(|c| c.remaining.get() == 0);
        self.finished |= done;
        done
    }

    /// Dropped before the end: the gathering task was cancelled, so cancel
    /// the members (`cancel_all`).
    fn abandon(&mut self, members: &[&dyn Member]) {
        let Some(c) = self.countdown.take() else { return };
        if self.finished {
            return;
        }
        c.active.set(false);
        for m in members.iter().filter(|m| m.running()) {
            m.set_joiner(Joiner::Nobody);
            m.cancel();
        }
    }
}

fn take<T>(t: &mut Task<T>) -> Result<T, TaskError> {
    t.try_result().expect("baton: gather returns only when every task has ended")
}

/// The future of [`gather`] on a `Vec`.
#[must_use = "gather does nothing unless awaited"]
pub struct GatherAll<I: IntoTask> {
    items: Option<Vec<I>>,
    tasks: Vec<Task<I::Output>>,
    core: Core,
}

impl<I: IntoTask> Unpin for GatherAll<I> {}

impl<I: IntoTask> Future for GatherAll<I> {
    type Output = Vec<Result<I::Output, TaskError>>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let done = match this.items.take() {
            Some(items) => {
                this.tasks = items.into_iter().map(IntoTask::into_task).collect();
                let members: Vec<&dyn Member> = this.tasks.iter().map(|t| t as &dyn Member).collect();
                this.core.start(&members)
            }
            None => this.core.check(),
        };
        if done {
            Poll::Ready(this.tasks.iter_mut().map(take).collect())
        } else {
            Poll::Pending
        }
    }
}

impl<I: IntoTask> Drop for GatherAll<I> {
    fn drop(&mut self) {
        let members: Vec<&dyn Member> = self.tasks.iter().map(|t| t as &dyn Member).collect();
        self.core.abandon(&members);
    }
}

impl<I: IntoTask> Gather for Vec<I> {
    type Output = Vec<Result<I::Output, TaskError>>;
    type Future = GatherAll<I>;
    fn into_gather(self) -> GatherAll<I> {
        GatherAll { items: Some(self), tasks: Vec::new(), core: Core::default() }
    }
}

macro_rules! gather_tuple {
    ($name:ident; $($F:ident $i:tt),+) => {
        /// The future of [`gather`] on a tuple.
        #[must_use = "gather does nothing unless awaited"]
        pub struct $name<$($F: IntoTask),+> {
            items: Option<($($F,)+)>,
            tasks: Option<($(Task<$F::Output>,)+)>,
            core: Core,
        }

        impl<$($F: IntoTask),+> Unpin for $name<$($F),+> {}

        impl<$($F: IntoTask),+> Future for $name<$($F),+> {
            type Output = ($(Result<$F::Output, TaskError>,)+);

            fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
                let this = self.get_mut();
                let done = match this.items.take() {
                    Some(items) => {
                        let tasks = this.tasks.insert(($(items.$i.into_task(),)+));
                        this.core.start(&[$(&tasks.$i as &dyn Member),+])
                    }
                    None => this.core.check(),
                };
                match (done, this.tasks.as_mut()) {
                    (true, Some(tasks)) => Poll::Ready(($(take(&mut tasks.$i),)+)),
                    _ => Poll::Pending,
                }
            }
        }

        impl<$($F: IntoTask),+> Drop for $name<$($F),+> {
            fn drop(&mut self) {
                if let Some(tasks) = &self.tasks {
                    self.core.abandon(&[$(&tasks.$i as &dyn Member),+]);
                }
            }
        }

        impl<$($F: IntoTask),+> Gather for ($($F,)+) {
            type Output = ($(Result<$F::Output, TaskError>,)+);
            type Future = $name<$($F),+>;
            fn into_gather(self) -> Self::Future {
                $name { items: Some(self), tasks: None, core: Core::default() }
            }
        }
    };
}

gather_tuple!(Gather1; A 0);
gather_tuple!(Gather2; A 0, B 1);
gather_tuple!(Gather3; A 0, B 1, C 2);
gather_tuple!(Gather4; A 0, B 1, C 2, D 3);
gather_tuple!(Gather5; A 0, B 1, C 2, D 3, E 4);
gather_tuple!(Gather6; A 0, B 1, C 2, D 3, E 4, G 5);
gather_tuple!(Gather7; A 0, B 1, C 2, D 3, E 4, G 5, H 6);
gather_tuple!(Gather8; A 0, B 1, C 2, D 3, E 4, G 5, H 6, I 7);
