//! `gather`: wait for several tasks or futures, and get every result, in
//! order.
//!
//! `gather((led1_task, led2_task)).await` is the guide's
//! `await asyncio.gather(led1_task, led2_task)`. A tuple gathers futures of
//! different types into a tuple of results; a `Vec` gathers any number of
//! futures of one type into a `Vec`. Awaiting a [`crate::Task`] yields a
//! `Result` (it may have been cancelled), so gathering tasks gives one
//! `Result` per task: every outcome is reported, as asyncio does with
//! `return_exceptions=True`.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// One gathered future: boxed so that gathering never needs pin projection,
/// then its output once it is ready.
enum Slot<F: Future> {
    Pending(Pin<Box<F>>),
    Done(F::Output),
    Taken,
}

// The future is boxed and the output is never pinned: moving a slot is fine.
impl<F: Future> Unpin for Slot<F> {}

impl<F: Future> Slot<F> {
    fn new(f: F) -> Self {
        Slot::Pending(Box::pin(f))
    }

    /// Polls if still pending; returns whether the output is here.
    fn poll_done(&mut self, cx: &mut Context<'_>) -> bool {
        if let Slot::Pending(f) = self {
            match f.as_mut().poll(cx) {
                Poll::Ready(v) => *self = Slot::Done(v),
                Poll::Pending => return false,
            }
        }
        true
    }

    fn take(&mut self) -> F::Output {
        match core::mem::replace(self, Slot::Taken) {
            Slot::Done(v) => v,
            _ => panic!("baton: gather polled after completion"),
        }
    }
}

/// Something [`gather`] can wait on: a tuple of futures or a `Vec` of them.
pub trait Gather {
    /// What awaiting the gather gives.
    type Output;
    /// The future that waits for all of them.
    type Future: Future<Output = Self::Output>;
    /// Starts gathering.
    fn into_gather(self) -> Self::Future;
}

/// Waits for all of `futures` and returns their results in the order given.
/// Each is polled, in order, whenever the gather is polled and it is not
/// finished yet.
///
/// ```
/// use baton::{create_task, gather, sleep, Duration, Executor, ManualClock};
/// # use std::rc::Rc;
/// # let clock = Rc::new(ManualClock::new());
/// # let exec = Executor::new(clock.clone());
/// let (a, b) = exec.run_until_complete(async {
///     let t1 = create_task(async { sleep(Duration::from_millis(20)).await; "slow" });
///     let t2 = create_task(async { sleep(Duration::from_millis(10)).await; 2 });
///     gather((t1, t2)).await
/// }, |t| clock.advance_to(t.unwrap()));
/// assert_eq!((a, b), (Ok("slow"), Ok(2)));
///
/// let all = exec.run_until_complete(async {
///     gather((1..=3).map(|i| async move { i * 10 }).collect::<Vec<_>>()).await
/// }, |_| {});
/// assert_eq!(all, vec![10, 20, 30]);
/// ```
pub fn gather<G: Gather>(futures: G) -> G::Future {
    futures.into_gather()
}

/// The future of [`gather`] over a `Vec`.
#[must_use = "gather does nothing unless awaited"]
pub struct GatherAll<F: Future> {
    slots: Vec<Slot<F>>,
}

impl<F: Future> Future for GatherAll<F> {
    type Output = Vec<F::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut all = true;
        for slot in &mut this.slots {
            all &= slot.poll_done(cx);
        }
        if all {
            Poll::Ready(this.slots.iter_mut().map(Slot::take).collect())
        } else {
            Poll::Pending
        }
    }
}

impl<F: Future> Gather for Vec<F> {
    type Output = Vec<F::Output>;
    type Future = GatherAll<F>;
    fn into_gather(self) -> GatherAll<F> {
        GatherAll { slots: self.into_iter().map(Slot::new).collect() }
    }
}

macro_rules! gather_tuple {
    ($name:ident; $($F:ident $i:tt),+) => {
        /// The future of [`gather`] over a tuple.
        #[must_use = "gather does nothing unless awaited"]
        pub struct $name<$($F: Future),+> {
            slots: ($(Slot<$F>,)+),
        }

        impl<$($F: Future),+> Future for $name<$($F),+> {
            type Output = ($($F::Output,)+);

            fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                let this = self.get_mut();
                let mut all = true;
                $( all &= this.slots.$i.poll_done(cx); )+
                if all {
                    Poll::Ready(($(this.slots.$i.take(),)+))
                } else {
                    Poll::Pending
                }
            }
        }

        impl<$($F: Future),+> Gather for ($($F,)+) {
            type Output = ($($F::Output,)+);
            type Future = $name<$($F),+>;
            fn into_gather(self) -> Self::Future {
                $name { slots: ($(Slot::new(self.$i),)+) }
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
