//! The host's side of the scheduler: an [`Executor`] that a host loop drives
//! one turn at a time.
//!
//! Baton's executor never blocks, sleeps or reads a hardware timer on its
//! own. The host asks it to do one thing at a time:
//!
//! 1. [`Executor::poll_one`] runs one turn: the head of the run queue, if its
//!    tick has come (waker wakes and due background callbacks are brought in
//!    first);
//! 2. when nothing is due, [`Executor::next_deadline`] says until when the
//!    host may sleep (or, for the simulator, to when virtual time jumps): the
//!    start of the head's tick, or a background callback.
//!
//! A host loop is a dozen lines (see [`Executor::run_until_complete`]), and
//! that is what lets the same scheduler run on a virtual clock that charges
//! a cost per poll, in a browser frame, on an RP2040 with WFI, or on a
//! thread.
//!
//! ## Ordering, exactly
//! Which task runs next is decided as in CircuitPython's asyncio library —
//! see [`crate::scheduler`'s documentation](crate#scheduling-as-circuitpython-does)
//! for the rules. In short: one queue keyed by tick, ties broken by the
//! library's pairing heap, woken tasks pushed at the current tick, sleeps
//! counted from the current tick.

#[cfg(not(feature = "std"))]
pub use crate::context::set_executor_context;
use crate::context::Enter;
use crate::scheduler::callbacks::CallbackHandle;
use crate::scheduler::cell::Joinable;
use crate::scheduler::header::{default_name, TaskId, TaskInfo, TaskName, TaskState};
use crate::scheduler::join::Joiner;
use crate::scheduler::{PollEvent, Scheduler};
use crate::time::{Clock, Duration, Instant};
use crate::Task;
use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;

/// What happened in one call of [`Executor::poll_one`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollOutcome {
    /// The task that was polled.
    pub task: TaskId,
    /// Its state after the poll.
    pub state: TaskState,
}

/// The host's view of background callbacks.
///
/// A simulator that moves its clock in the middle of a poll (a blocking
/// sleep, the wire time of a NeoPixel frame) runs the callbacks that fall
/// due in that span at their exact instants through this handle — as a
/// timer interrupt would run them on hardware. Tasks are not touched: they
/// only ever resume between polls.
#[derive(Clone)]
pub struct Background {
    inner: alloc::rc::Weak<Scheduler>,
}

impl Background {
    /// The earliest background callback's instant.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.inner.upgrade()?.next_callback()
    }

    /// Runs every callback due at or before `now`, in order; each is passed
    /// its own scheduled instant.
    pub fn run_due(&self, now: Instant) {
        if let Some(inner) = self.inner.upgrade() {
            let _enter = Enter::new(&inner);
            while inner.run_one_callback(now) {}
        }
    }
}

impl core::fmt::Debug for Background {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Background")
    }
}

/// A cooperative scheduler: tasks take turns, one poll at a time, driven by a
/// host (see the [module docs](self)).
///
/// ```
/// use baton::{create_task, sleep, Duration, Executor, ManualClock};
/// use std::{cell::RefCell, rc::Rc};
///
/// let clock = Rc::new(ManualClock::new());
/// let exec = Executor::new(clock.clone());
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// exec.spawn(async move {
///     let l2 = l.clone();
///     let slow = create_task(async move { sleep(Duration::from_millis(20)).await; l2.borrow_mut().push("slow") });
///     sleep(Duration::from_millis(10)).await;
///     l.borrow_mut().push("fast");
///     let _ = slow.await;
/// });
/// // The host loop: run what is due, otherwise jump to the next deadline.
/// while exec.has_work() {
///     if exec.poll_one().is_none() {
///         clock.advance_to(exec.next_deadline().unwrap());
///     }
/// }
/// assert_eq!(*log.borrow(), ["fast", "slow"]);
/// assert_eq!(clock.now().as_micros(), 20_000);
/// # use baton::time::Clock;
/// ```
pub struct Executor {
    inner: Rc<Scheduler>,
}

impl Executor {
    /// An executor that reads time from `clock`, in ticks of 1 ms — as
    /// CircuitPython's asyncio reads `ticks_ms()`. The simulator, the
    /// playground and the firmware use this.
    pub fn new(clock: impl Clock + 'static) -> Self {
        Self::with_tick(clock, Duration::from_millis(1))
    }

    /// An executor whose scheduler reads time in ticks of `tick` (at least
    /// 1 µs): the same queue discipline, with finer (or coarser) timers.
    /// `sleep(d)` then wakes at the start of tick `now_tick + d / tick`.
    ///
    /// ```
    /// use baton::{sleep, Duration, Executor, ManualClock};
    /// use std::rc::Rc;
    /// let clock = Rc::new(ManualClock::new());
    /// let exec = Executor::with_tick(clock.clone(), Duration::from_micros(1));
    /// clock.advance_micros(10);
    /// exec.run_until_complete(sleep(Duration::from_micros(2_500)), |t| clock.advance_to(t.unwrap()));
    /// # use baton::time::Clock;
    /// assert_eq!(clock.now().as_micros(), 2_510); // with 1 ms ticks: 2_000
    /// ```
    ///
    /// # Panics
    /// If `tick` is shorter than 1 µs.
    pub fn with_tick(clock: impl Clock + 'static, tick: Duration) -> Self {
        let tick_us = u64::try_from(tick.as_micros()).unwrap_or(u64::MAX);
        Executor { inner: Scheduler::new(Box::new(clock), tick_us) }
    }

    /// The length of one tick.
    pub fn tick(&self) -> Duration {
        Duration::from_micros(self.inner.tick_us())
    }

    /// Schedules `fut` as a task, from host code (inside a task, use
    /// [`crate::create_task`]). It runs when the host next polls.
    pub fn spawn<F>(&self, fut: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Task::new(self.inner.spawn(default_name::<F>(), fut))
    }

    /// Like [`Executor::spawn`], with a name for the inspector.
    pub fn spawn_named<F>(&self, name: impl Into<Cow<'static, str>>, fut: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Task::new(self.inner.spawn(TaskName::Given(name.into()), fut))
    }

    /// Spawns the program's main task, as `asyncio.run(main())` does: like
    /// [`Executor::spawn_named`], but the host awaits it, so if it fails it
    /// ends at once — a task that fails with nobody awaiting it takes one more
    /// turn, in which the library calls its exception handler.
    pub fn spawn_main<F>(&self, fut: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Self::hosted(self.inner.spawn(default_name::<F>(), fut))
    }

    /// Like [`Executor::spawn_main`], with a name for the inspector.
    pub fn spawn_main_named<F>(&self, name: impl Into<Cow<'static, str>>, fut: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        Self::hosted(self.inner.spawn(TaskName::Given(name.into()), fut))
    }

    fn hosted<T>(cell: Pin<Rc<dyn Joinable<T>>>) -> Task<T> {
        *cell.join().joiner.borrow_mut() = Joiner::Host;
        Task::new(cell)
    }

    /// The executor's clock reading.
    pub fn now(&self) -> Instant {
        self.inner.now()
    }

    /// Brings in what happened since the last turn: tasks woken through
    /// wakers (interrupts) join the run queue at the current tick, and due
    /// background callbacks run. [`Executor::poll_one`] does this itself; a
    /// host calls it to run callbacks when it has no turn to take.
    pub fn wake_due(&self) {
        let _enter = Enter::new(&self.inner);
        self.inner.between_turns();
    }

    /// Runs one turn: the head of the run queue, if its tick has come.
    /// Returns `None` when no task is due.
    #[inline]
    pub fn poll_one(&self) -> Option<PollOutcome> {
        self.poll_one_with(|_| {})
    }

    /// Like [`Executor::poll_one`], calling `before(task)` once the task to
    /// poll is chosen and just before it runs: the simulator charges its
    /// per-poll virtual cost there (CircuitPython's clock moves between the
    /// scheduler's choice and the task's first instruction too).
    #[inline]
    pub fn poll_one_with(&self, before: impl FnOnce(TaskId)) -> Option<PollOutcome> {
        // Installed for the whole turn: the callbacks that run first and the
        // task itself find their scheduler through `context`.
        let _enter = Enter::new(&self.inner);
        self.inner.poll_next(before).map(|(task, state)| PollOutcome { task, state })
    }

    /// Whether a task is due to run now.
    pub fn has_ready(&self) -> bool {
        self.inner.has_ready()
    }

    /// Whether any task is still alive (queued, waiting or running).
    pub fn has_work(&self) -> bool {
        self.inner.has_work()
    }

    /// When the host next has something to do, if nothing is due now: the
    /// start of the tick the run queue's head waits for, or the earliest
    /// background callback. `None`: only a wake can bring work.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.inner.next_deadline()
    }

    /// Schedules a background callback from host code (inside a task, use
    /// [`crate::call_at`]).
    pub fn call_at(&self, when: Instant, f: impl FnMut(Instant) -> Option<Instant> + 'static) -> CallbackHandle {
        self.inner.call_at(when, Box::new(f))
    }

    /// A handle through which the host can run background callbacks at their
    /// exact time, even from inside a poll (see [`Background`]).
    pub fn background(&self) -> Background {
        Background { inner: self.inner.weak() }
    }

    /// The live tasks in id order, then the most recently finished ones.
    pub fn tasks(&self) -> Vec<TaskInfo> {
        self.inner.task_table()
    }

    /// The ids of the tasks due to run, in the order they will run.
    pub fn ready_queue(&self) -> Vec<TaskId> {
        self.inner.ready_ids()
    }

    /// Installs a hook that is told when each poll starts and ends (the
    /// playground's timeline). Without a hook the executor does not even read
    /// the clock for it. The hook must not call back into this executor.
    pub fn set_hook(&self, hook: impl FnMut(&PollEvent<'_>) + 'static) {
        self.inner.set_hook(Some(Box::new(hook)));
    }

    /// Removes the poll hook.
    pub fn clear_hook(&self) {
        self.inner.set_hook(None);
    }

    /// Installs this executor as the running one until the guard is dropped.
    /// Every turn installs it anyway; a host loop that takes many turns (the
    /// firmware's) enters once, so that each turn only checks (on `no_std`,
    /// one critical section instead of three).
    ///
    /// ```
    /// # use baton::{Executor, ManualClock};
    /// let exec = Executor::new(ManualClock::new());
    /// exec.spawn(async {});
    /// let _entered = exec.enter();
    /// while exec.poll_one().is_some() {}
    /// ```
    pub fn enter(&self) -> Entered<'_> {
        Entered { _enter: Enter::new(&self.inner), _executor: core::marker::PhantomData }
    }

    /// Runs `main` as a task until it finishes and returns its result: the
    /// generic host loop, and asyncio's `run_until_complete`. `idle(deadline)`
    /// is called whenever nothing is due; it should wait (or move a virtual
    /// clock) until the deadline, or until an interrupt wakes a task when the
    /// deadline is `None`.
    ///
    /// # Panics
    /// If `main` panics or is cancelled, or if nothing is due, nothing is
    /// queued and `idle` does not make anything ready (the program can never
    /// finish).
    ///
    /// ```
    /// # use baton::{sleep, Duration, Executor, ManualClock};
    /// # use std::rc::Rc;
    /// let clock = Rc::new(ManualClock::new());
    /// let exec = Executor::new(clock.clone());
    /// exec.run_until_complete(sleep(Duration::from_secs(2)), |t| clock.advance_to(t.unwrap()));
    /// # use baton::time::Clock;
    /// assert_eq!(clock.now().as_micros(), 2_000_000);
    /// ```
    pub fn run_until_complete<F>(&self, main: F, mut idle: impl FnMut(Option<Instant>)) -> F::Output
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let mut task = self.spawn_main(main);
        let main_id = task.id();
        // Installed once for the whole loop: each turn then finds it current.
        let _entered = self.enter();
        loop {
            match self.poll_one() {
                // A task's result is recorded only in its own turn.
                Some(turn) if turn.task == main_id => {
                    if let Some(result) = task.try_result() {
                        return match result {
                            Ok(v) => v,
                            Err(e) => panic!("baton: main {e}"),
                        };
                    }
                }
                Some(_) => {}
                None => {
                    let deadline = self.next_deadline();
                    idle(deadline);
                    if deadline.is_none() && !self.has_ready() {
                        panic!("baton: main can never finish: no task is queued and nothing can wake one");
                    }
                }
            }
        }
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        let _enter = Enter::new(&self.inner);
        self.inner.shutdown();
    }
}

impl core::fmt::Debug for Executor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Executor").field("tick_us", &self.inner.tick_us()).finish()
    }
}

/// The guard of [`Executor::enter`]: while it lives, its executor is the
/// running one.
#[must_use = "the executor is the running one only while the guard lives"]
pub struct Entered<'a> {
    _enter: Enter,
    _executor: core::marker::PhantomData<&'a Executor>,
}

impl core::fmt::Debug for Entered<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Entered")
    }
}
