//! A small harness for Baton's integration tests, in the style of embassy's
//! executor tests: tasks push strings into a shared [`Trace`], a host loop
//! drives the executor on a [`ManualClock`] that jumps to the next deadline
//! whenever nothing is ready, and the test compares the whole trace with one
//! `assert_eq!`.
//!
//! Times in traces are virtual microseconds (`t=10000` is 10 ms after the
//! start), written by [`Trace::at`].

// Each test crate uses a different part of the harness.
#![allow(dead_code)]

use baton::{now, Duration, Executor, Instant, ManualClock, Task, TaskError};
use std::cell::RefCell;
use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// How many polls a test program may take before the harness calls it a
/// livelock.
pub const POLL_LIMIT: u64 = 100_000;

/// The events of a test run, in order. Clones share the same list.
#[derive(Clone, Default)]
pub struct Trace(Rc<RefCell<Vec<String>>>);

impl Trace {
    /// An empty trace.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `msg`.
    pub fn log(&self, msg: impl Into<String>) {
        self.0.borrow_mut().push(msg.into());
    }

    /// Records `"{msg} t={µs}"` with the running executor's clock (inside a
    /// task only).
    pub fn at(&self, msg: impl Display) {
        self.log(format!("{msg} t={}", now().as_micros()));
    }

    /// Takes everything recorded so far.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.borrow_mut())
    }

    /// A copy of everything recorded so far.
    pub fn snapshot(&self) -> Vec<String> {
        self.0.borrow().clone()
    }

    /// A guard that records `msg` when dropped, unless disarmed: a Rust
    /// task's `finally:` / `except CancelledError:`. Cancelling a task drops
    /// its future, so the guard fires exactly when the task is cancelled.
    pub fn on_drop(&self, msg: impl Into<String>) -> OnDrop {
        OnDrop { trace: self.clone(), msg: Some(msg.into()), timed: false }
    }

    /// Like [`Trace::on_drop`], with the time of the drop (the executor's
    /// clock must be reachable then, as it is while a task is cancelled or
    /// while an executor drops its tasks).
    pub fn on_drop_at(&self, msg: impl Into<String>) -> OnDrop {
        OnDrop { trace: self.clone(), msg: Some(msg.into()), timed: true }
    }
}

/// See [`Trace::on_drop`].
pub struct OnDrop {
    trace: Trace,
    msg: Option<String>,
    timed: bool,
}

impl OnDrop {
    /// The code it guards finished normally: record nothing.
    pub fn disarm(mut self) {
        self.msg = None;
    }
}

impl Drop for OnDrop {
    fn drop(&mut self) {
        if let Some(msg) = self.msg.take() {
            if self.timed {
                self.trace.at(msg);
            } else {
                self.trace.log(msg);
            }
        }
    }
}

/// `n` milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `n` seconds.
pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Panics without printing anything (no panic hook runs), with `msg` as the
/// payload: a task "raising an exception". The executor reports it as
/// `TaskError::Panicked(msg)`.
pub fn fail(msg: impl Into<String>) -> ! {
    std::panic::resume_unwind(Box::new(msg.into()))
}

/// An executor on a manual clock, plus a trace.
pub struct Sim {
    /// The virtual clock.
    pub clock: Rc<ManualClock>,
    /// The executor under test.
    pub exec: Executor,
    /// What the tasks recorded.
    pub trace: Trace,
    /// Microseconds the clock moves after each poll (0: time only moves
    /// when the executor is idle).
    pub poll_cost_us: u64,
}

impl Default for Sim {
    fn default() -> Self {
        Self::new()
    }
}

impl Sim {
    /// Time moves only when nothing is ready.
    pub fn new() -> Self {
        Self::with_poll_cost(0)
    }

    /// Every poll also costs `us` microseconds of virtual time, like the
    /// simulator's CPU model: needed when tasks never idle (busy `sleep(0)`
    /// loops), otherwise time would stand still.
    pub fn with_poll_cost(us: u64) -> Self {
        let clock = Rc::new(ManualClock::new());
        let exec = Executor::new(clock.clone());
        Sim { clock, exec, trace: Trace::new(), poll_cost_us: us }
    }

    /// Runs `main` to completion and returns its output. Without a poll
    /// cost this is [`Executor::run_until_complete`] with an idle callback
    /// that jumps to the next deadline.
    ///
    /// # Panics
    /// If `main` panics or is cancelled, on deadlock (nothing ready, no
    /// timer) and after [`POLL_LIMIT`] polls with a poll cost.
    pub fn block_on<F>(&self, main: F) -> F::Output
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        if self.poll_cost_us == 0 {
            let clock = self.clock.clone();
            return self.exec.run_until_complete(main, move |deadline| {
                clock.advance_to(deadline.expect("deadlock: nothing is ready and no timer is set"))
            });
        }
        let mut task = self.exec.spawn(main);
        let mut polls = 0;
        loop {
            if let Some(result) = task.try_result() {
                return result.unwrap_or_else(|e| panic!("main {e}"));
            }
            self.step(&mut polls);
        }
    }

    /// Polls one task (charging the poll cost) or, when nothing is ready,
    /// jumps to the next deadline.
    fn step(&self, polls: &mut u64) -> bool {
        if self.exec.poll_one().is_some() {
            *polls += 1;
            assert!(*polls < POLL_LIMIT, "livelock: {POLL_LIMIT} polls");
            self.clock.advance_micros(self.poll_cost_us);
            true
        } else if let Some(deadline) = self.exec.next_deadline() {
            self.clock.advance_to(deadline);
            true
        } else {
            false
        }
    }

    /// Polls whatever is ready, without moving the clock beyond the poll
    /// cost; returns how many polls ran.
    pub fn run_ready(&self) -> u64 {
        let mut polls = 0;
        while self.exec.poll_one().is_some() {
            polls += 1;
            assert!(polls < POLL_LIMIT, "livelock: {POLL_LIMIT} polls");
            self.clock.advance_micros(self.poll_cost_us);
        }
        polls
    }

    /// Runs until no task is ready and no timer is set (tasks may still be
    /// waiting for events that never come); returns how many polls ran.
    pub fn run_all(&self) -> u64 {
        let mut polls = 0;
        while self.step(&mut polls) {}
        polls
    }

    /// The clock in microseconds.
    pub fn now_us(&self) -> u64 {
        self.exec.now().as_micros()
    }
}

/// Runs `main(trace)` as `asyncio.run` does and returns the trace. The
/// executor is dropped before the trace is returned, so tasks still alive
/// when `main` returns are dropped then, like asyncio.run cancelling the
/// remaining tasks: their [`Trace::on_drop`] guards show in the trace.
pub fn run<F, Fut>(main: F) -> Vec<String>
where
    F: FnOnce(Trace) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    run_value(main).1
}

/// Like [`run`], also returning what `main` returned.
pub fn run_value<F, Fut, T>(main: F) -> (T, Vec<String>)
where
    F: FnOnce(Trace) -> Fut,
    Fut: Future<Output = T> + 'static,
    T: 'static,
{
    let sim = Sim::new();
    let trace = sim.trace.clone();
    let out = sim.block_on(main(trace.clone()));
    drop(sim);
    (out, trace.take())
}

/// A task handle several tasks can share: one awaits it ([`Shared::join`])
/// while others cancel it, as Python code passes task objects around.
pub struct Shared<T>(Rc<RefCell<Option<Task<T>>>>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T: 'static> Shared<T> {
    /// A slot to be filled with [`Shared::set`] (for tasks that need the
    /// handle of a task created after them, or their own).
    pub fn empty() -> Self {
        Shared(Rc::new(RefCell::new(None)))
    }

    /// Shares `task`.
    pub fn new(task: Task<T>) -> Self {
        let s = Self::empty();
        s.set(task);
        s
    }

    /// Fills the slot.
    pub fn set(&self, task: Task<T>) {
        *self.0.borrow_mut() = Some(task);
    }

    fn with<R>(&self, f: impl FnOnce(&Task<T>) -> R) -> R {
        f(self.0.borrow().as_ref().expect("shared task not set"))
    }

    /// [`Task::cancel`].
    pub fn cancel(&self) -> bool {
        self.with(Task::cancel)
    }

    /// [`Task::is_done`].
    pub fn is_done(&self) -> bool {
        self.with(Task::is_done)
    }

    /// [`Task::is_cancelled`].
    pub fn is_cancelled(&self) -> bool {
        self.with(Task::is_cancelled)
    }

    /// Awaits the task's result.
    pub fn join(&self) -> impl Future<Output = Result<T, TaskError>> + 'static {
        let cell = self.0.clone();
        std::future::poll_fn(move |cx| {
            let mut slot = cell.borrow_mut();
            Pin::new(slot.as_mut().expect("shared task not set")).poll(cx)
        })
    }
}

/// A task handle that cancels its task when dropped: asyncio's "cancelling
/// the awaiting task cancels the awaited one", which Baton leaves to the
/// program (a dropped [`Task`] handle detaches).
pub struct CancelOnDrop<T>(pub Task<T>);

impl<T> Future for CancelOnDrop<T> {
    type Output = Result<T, TaskError>;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for CancelOnDrop<T> {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Microseconds since the epoch of an [`Instant`] (for readable asserts).
pub fn us(t: Instant) -> u64 {
    t.as_micros()
}
