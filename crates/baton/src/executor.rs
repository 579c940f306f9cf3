//! The scheduler: a ready queue, a timer queue, and a host that drives them.
//!
//! Baton's executor never blocks, sleeps or reads a hardware timer on its
//! own. The host asks it to do one thing at a time:
//!
//! 1. [`Executor::wake_due`] moves every timer whose deadline has passed to
//!    the back of the ready queue (deadline order, ties in the order the
//!    timers were set);
//! 2. [`Executor::poll_one`] polls the task at the front of the ready queue;
//! 3. when nothing is ready, [`Executor::next_deadline`] says until when the
//!    host may sleep (or, for the simulator, to when virtual time jumps).
//!
//! A host loop is a dozen lines (see [`Executor::run_until_complete`]), and
//! that is what lets the same scheduler run on a virtual clock that charges
//! a cost per poll, in a browser frame, on an RP2040 with WFI, or on a
//! thread.
//!
//! ## Ordering, exactly
//! - Ready tasks run first-in, first-out. A newly created task joins the
//!   back of the queue; so does a task that yields (`sleep(ZERO)`,
//!   [`crate::yield_now`]) or is woken.
//! - Timers fire by deadline, ties by the order they were set. A timer that
//!   is due is queued before the next task is polled, so it runs before any
//!   task that yields after that point runs again.
//! - A sleep never ends early: its task is only resumed once the clock has
//!   reached the deadline.

use crate::context::Enter;
use crate::ready::{ReadyQueue, TaskWaker, READY_BATCH};
use crate::task::{JoinCell, Task, TaskControl, TaskError, TaskId, TaskName};
use crate::time::{Clock, Instant};
use alloc::borrow::Cow;
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use portable_atomic_util::Arc;
use slab::Slab;

/// What a task is doing, as the inspector shows it (the guide's diagram of a
/// running, a ready and a waiting task).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// In the ready queue, waiting for its turn.
    Ready,
    /// Being polled right now.
    Running,
    /// Waiting for a timer: `sleep` until the given time.
    Sleeping {
        /// When the earliest timer it set will fire.
        until: Instant,
    },
    /// Waiting for something other than time (an event, a lock, a task).
    Waiting,
    /// Returned its result.
    Done,
    /// Was cancelled.
    Cancelled,
    /// Panicked (std hosts).
    Failed,
}

impl TaskState {
    /// Whether the task has ended.
    pub fn is_finished(self) -> bool {
        matches!(self, TaskState::Done | TaskState::Cancelled | TaskState::Failed)
    }
}

/// One row of the inspector's task table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInfo {
    /// The task's id.
    pub id: TaskId,
    /// Its name: given at creation or the function that made it.
    pub name: Cow<'static, str>,
    /// What it is doing.
    pub state: TaskState,
    /// How many times it has been polled (resumed).
    pub polls: u64,
}

/// What happened in one call of [`Executor::poll_one`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollOutcome {
    /// The task that was polled.
    pub task: TaskId,
    /// Its state after the poll.
    pub state: TaskState,
}

/// A report to the poll hook (see [`Executor::set_hook`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PollEvent<'a> {
    /// A task is about to be polled.
    Start {
        /// The task.
        task: TaskId,
        /// Its name.
        name: &'a str,
        /// The clock when the poll began.
        at: Instant,
    },
    /// The poll returned.
    End {
        /// The task.
        task: TaskId,
        /// Its name.
        name: &'a str,
        /// The clock when the poll returned.
        at: Instant,
        /// The task's state after the poll.
        state: TaskState,
    },
}

type Hook = Box<dyn FnMut(&PollEvent<'_>)>;

struct Slot {
    id: TaskId,
    name: TaskName,
    future: Option<Pin<Box<dyn Future<Output = ()>>>>,
    control: Rc<dyn TaskControl>,
    waker_arc: Arc<TaskWaker>,
    waker: Waker,
    state: TaskState,
    polls: u64,
}

/// How many finished tasks the inspector remembers.
const FINISHED_LOG: usize = 32;

/// The executor's state, shared with the tasks it polls through
/// [`crate::context`].
pub(crate) struct Inner {
    clock: Box<dyn Clock>,
    ready: Arc<ReadyQueue>,
    /// The front of the ready queue: up to [`READY_BATCH`] entries taken
    /// from `ready` in one critical section and not polled yet. `local` then
    /// `ready` is the FIFO.
    local: RefCell<VecDeque<(usize, u64)>>,
    /// The capacity reserved in `ready`: spawning enters a critical section
    /// only to grow it.
    reserved: Cell<usize>,
    tasks: RefCell<Slab<Slot>>,
    /// Timers by (deadline, sequence number): the sequence number makes ties
    /// fire in the order they were set, and lets a dropped `sleep` remove its
    /// own entry.
    timers: RefCell<BTreeMap<(Instant, u64), Waker>>,
    /// Background callbacks (`call_at`), ordered like timers and sharing
    /// their sequence numbers.
    callbacks: RefCell<BTreeMap<(Instant, u64), Rc<CallbackCell>>>,
    timer_seq: Cell<u64>,
    next_id: Cell<u64>,
    /// The slab key of the task being polled.
    current: Cell<Option<usize>>,
    /// The earliest timer the current task set during this poll.
    timer_this_poll: Cell<Option<Instant>>,
    finished: RefCell<VecDeque<Finished>>,
    hook: RefCell<Option<Hook>>,
}

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

/// The host's view of background callbacks.
///
/// A simulator that moves its clock in the middle of a poll (a blocking
/// sleep, the wire time of a NeoPixel frame) runs the callbacks that fall
/// due in that span at their exact instants through this handle — as a
/// timer interrupt would run them on hardware. Task timers are not touched:
/// tasks only ever resume between polls.
#[derive(Clone)]
pub struct Background {
    inner: alloc::rc::Weak<Inner>,
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
            while inner.run_one_callback(now) {}
        }
    }
}

impl core::fmt::Debug for Background {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Background")
    }
}

/// A finished task in the inspector's log (its name is shortened when read).
struct Finished {
    id: TaskId,
    name: TaskName,
    state: TaskState,
    polls: u64,
}

/// A key to remove a timer that is no longer wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey(Instant, u64);

impl Inner {
    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    pub(crate) fn current_task(&self) -> Option<TaskId> {
        let key = self.current.get()?;
        self.tasks.borrow().get(key).map(|s| s.id)
    }

    /// Sets a timer that wakes `waker` at `deadline`.
    pub(crate) fn add_timer(&self, deadline: Instant, waker: Waker) -> TimerKey {
        let seq = self.next_seq();
        self.timers.borrow_mut().insert((deadline, seq), waker);
        if self.current.get().is_some() {
            let earliest = match self.timer_this_poll.get() {
                Some(t) if t <= deadline => t,
                _ => deadline,
            };
            self.timer_this_poll.set(Some(earliest));
        }
        TimerKey(deadline, seq)
    }

    /// Replaces the waker of a timer that is still set.
    pub(crate) fn update_timer(&self, key: TimerKey, waker: &Waker) {
        if let Some(w) = self.timers.borrow_mut().get_mut(&(key.0, key.1)) {
            if !w.will_wake(waker) {
                *w = waker.clone();
            }
        }
        if self.current.get().is_some() && self.timer_this_poll.get().is_none_or(|t| t > key.0) {
            self.timer_this_poll.set(Some(key.0));
        }
    }

    pub(crate) fn remove_timer(&self, key: TimerKey) {
        self.timers.borrow_mut().remove(&(key.0, key.1));
    }

    fn next_seq(&self) -> u64 {
        let seq = self.timer_seq.get();
        self.timer_seq.set(seq + 1);
        seq
    }

    pub(crate) fn call_at(&self, when: Instant, f: Box<CallbackFn>) -> CallbackHandle {
        let cell = Rc::new(CallbackCell { f: RefCell::new(f), cancelled: Cell::new(false) });
        let seq = self.next_seq();
        self.callbacks.borrow_mut().insert((when, seq), cell.clone());
        CallbackHandle { cell }
    }

    fn next_callback(&self) -> Option<Instant> {
        self.callbacks.borrow().first_key_value().map(|(&(t, _), _)| t)
    }

    /// Runs the earliest callback if it is due at `now`; returns whether one ran.
    fn run_one_callback(self: &Rc<Self>, now: Instant) -> bool {
        let due = {
            let mut callbacks = self.callbacks.borrow_mut();
            match callbacks.first_key_value() {
                Some((&(t, _), _)) if t <= now => callbacks.pop_first(),
                _ => None,
            }
        };
        let Some(((at, _), cell)) = due else { return false };
        if !cell.cancelled.get() {
            let _enter = Enter::new(self);
            let Some(next) = call_catching(&cell, at) else {
                // A panicking callback is stopped, not re-armed (std hosts).
                cell.cancelled.set(true);
                return true;
            };
            if let Some(next) = next.filter(|_| !cell.cancelled.get()) {
                let seq = self.next_seq();
                // Strictly after `at`: a callback asking to run again "now"
                // must not keep wake_due/run_due from returning.
                let next = next.max(at + crate::time::Duration::from_micros(1));
                self.callbacks.borrow_mut().insert((next, seq), cell);
            }
        }
        true
    }

    pub(crate) fn spawn<F>(&self, name: TaskName, fut: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = TaskId(self.next_id.get());
        self.next_id.set(id.0 + 1);
        let mut tasks = self.tasks.borrow_mut();
        let entry = tasks.vacant_entry();
        let key = entry.key();
        let waker_arc = TaskWaker::new(key, id.0, self.ready.clone());
        let waker = TaskWaker::into_waker(waker_arc.clone());
        let cell = Rc::new(JoinCell::new(id, waker_arc.clone()));
        let join = cell.clone();
        let future = Box::pin(async move {
            let out = fut.await;
            join.finish(Ok(out));
        });
        entry.insert(Slot {
            id,
            name,
            future: Some(future),
            control: cell.clone(),
            waker_arc,
            waker,
            state: TaskState::Ready,
            polls: 0,
        });
        let count = tasks.len();
        drop(tasks);
        if count > self.reserved.get() {
            self.reserved.set(self.ready.reserve_one(count));
        }
        self.ready.push(key, id.0);
        Task::new(cell)
    }

    /// The front of the ready queue.
    fn next_ready(&self) -> Option<(usize, u64)> {
        let mut local = self.local.borrow_mut();
        if local.is_empty() {
            self.ready.take_batch(&mut local);
        }
        local.pop_front()
    }

    fn finish(&self, key: usize, state: TaskState) {
        let slot = self.tasks.borrow_mut().remove(key);
        slot.waker_arc.retire();
        let mut log = self.finished.borrow_mut();
        if log.len() == FINISHED_LOG {
            log.pop_front();
        }
        log.push_back(Finished { id: slot.id, name: slot.name, state, polls: slot.polls });
    }

    fn report(&self, event: &PollEvent<'_>) {
        if let Some(hook) = self.hook.borrow_mut().as_mut() {
            hook(event);
        }
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
/// // The host loop: run what is ready, otherwise jump to the next deadline.
/// while exec.has_work() {
///     exec.wake_due();
///     if exec.poll_one().is_none() {
///         clock.advance_to(exec.next_deadline().unwrap());
///     }
/// }
/// assert_eq!(*log.borrow(), ["fast", "slow"]);
/// assert_eq!(clock.now().as_micros(), 20_000);
/// # use baton::time::Clock;
/// ```
pub struct Executor {
    inner: Rc<Inner>,
}

impl Executor {
    /// An executor that reads time from `clock`.
    pub fn new(clock: impl Clock + 'static) -> Self {
        Executor {
            inner: Rc::new(Inner {
                clock: Box::new(clock),
                ready: Arc::new(ReadyQueue::default()),
                local: RefCell::new(VecDeque::with_capacity(READY_BATCH)),
                reserved: Cell::new(0),
                tasks: RefCell::new(Slab::new()),
                timers: RefCell::new(BTreeMap::new()),
                callbacks: RefCell::new(BTreeMap::new()),
                timer_seq: Cell::new(0),
                next_id: Cell::new(1),
                current: Cell::new(None),
                timer_this_poll: Cell::new(None),
                finished: RefCell::new(VecDeque::new()),
                hook: RefCell::new(None),
            }),
        }
    }

    /// Schedules `fut` as a task, from host code (inside a task, use
    /// [`crate::create_task`]). It runs when the host next polls.
    pub fn spawn<F>(&self, fut: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.inner.spawn(crate::task::default_name::<F>(), fut)
    }

    /// Like [`Executor::spawn`], with a name for the inspector.
    pub fn spawn_named<F>(&self, name: impl Into<Cow<'static, str>>, fut: F) -> Task<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.inner.spawn(TaskName::Given(name.into()), fut)
    }

    /// The executor's clock reading.
    pub fn now(&self) -> Instant {
        self.inner.now()
    }

    /// Moves every timer that is due now to the ready queue and runs every
    /// background callback that is due, in deadline order (ties in the order
    /// they were set); returns how many timers fired.
    pub fn wake_due(&self) -> usize {
        // Read the clock only if a timer or a callback is set.
        if self.inner.timers.borrow().is_empty() && self.inner.callbacks.borrow().is_empty() {
            return 0;
        }
        let now = self.inner.now();
        let mut fired = 0;
        loop {
            let timer = self.inner.timers.borrow().first_key_value().map(|(k, _)| *k).filter(|k| k.0 <= now);
            let callback = self.inner.callbacks.borrow().first_key_value().map(|(k, _)| *k).filter(|k| k.0 <= now);
            match (timer, callback) {
                (Some(t), Some(c)) if c < t => {
                    self.inner.run_one_callback(now);
                }
                (Some(key), _) => {
                    // Take the entry out before waking: a waker may be anything.
                    let waker = self.inner.timers.borrow_mut().remove(&key);
                    if let Some(w) = waker {
                        w.wake();
                        fired += 1;
                    }
                }
                (None, Some(_)) => {
                    self.inner.run_one_callback(now);
                }
                (None, None) => return fired,
            }
        }
    }

    /// Polls the task at the front of the ready queue, after queueing any
    /// timers that are due. Returns `None` when no task is ready.
    pub fn poll_one(&self) -> Option<PollOutcome> {
        self.poll_one_with(|_| {})
    }

    /// Like [`Executor::poll_one`], calling `before(task)` once the task to
    /// poll is chosen and just before it runs: the simulator charges its
    /// per-poll virtual cost there, so time moves only for real polls.
    pub fn poll_one_with(&self, before: impl FnOnce(TaskId)) -> Option<PollOutcome> {
        self.wake_due();
        let inner = &*self.inner;
        let (key, id, name, mut future, waker, cancel) = loop {
            let (key, id) = inner.next_ready()?;
            let mut tasks = inner.tasks.borrow_mut();
            // Skip entries of tasks that finished after being queued.
            let Some(slot) = tasks.get_mut(key).filter(|s| s.id.0 == id) else { continue };
            slot.waker_arc.dequeued();
            let Some(future) = slot.future.take() else { continue };
            slot.state = TaskState::Running;
            slot.polls += 1;
            // Lend the task its waker for the poll instead of cloning it (a
            // clone and a drop are two atomic read-modify-writes, critical
            // sections on thumbv6m); it is put back if the task goes on.
            let waker = core::mem::replace(&mut slot.waker, Waker::noop().clone());
            // Only a hook needs the name.
            let name = inner.hook.borrow().is_some().then(|| slot.name.clone());
            let cancel = slot.waker_arc.cancel_requested();
            break (key, slot.id, name, future, waker, cancel);
        };
        before(id);
        let _enter = Enter::new(&self.inner);
        inner.current.set(Some(key));
        inner.timer_this_poll.set(None);
        if let Some(name) = &name {
            inner.report(&PollEvent::Start { task: id, name: name.as_str(), at: inner.now() });
        }

        // The slot stays until `finish` below: only this poll removes it.
        let control = || inner.tasks.borrow()[key].control.clone();
        let state = if cancel {
            drop_quietly(future);
            control().abandon(TaskError::Cancelled);
            inner.finish(key, TaskState::Cancelled);
            TaskState::Cancelled
        } else {
            match poll_catching(&mut future, &waker) {
                Ok(Poll::Ready(())) => {
                    drop_quietly(future);
                    inner.finish(key, TaskState::Done);
                    TaskState::Done
                }
                Ok(Poll::Pending) => {
                    let mut tasks = inner.tasks.borrow_mut();
                    let slot = &mut tasks[key];
                    slot.future = Some(future);
                    slot.waker = waker;
                    slot.state = if slot.waker_arc.is_queued() {
                        TaskState::Ready
                    } else if let Some(until) = inner.timer_this_poll.get() {
                        TaskState::Sleeping { until }
                    } else {
                        TaskState::Waiting
                    };
                    slot.state
                }
                Err(message) => {
                    control().abandon(TaskError::Panicked(message));
                    inner.finish(key, TaskState::Failed);
                    TaskState::Failed
                }
            }
        };
        inner.current.set(None);
        if let Some(name) = &name {
            inner.report(&PollEvent::End { task: id, name: name.as_str(), at: inner.now(), state });
        }
        Some(PollOutcome { task: id, state })
    }

    /// Whether a task is in the ready queue.
    pub fn has_ready(&self) -> bool {
        !self.inner.local.borrow().is_empty() || self.inner.ready.len() > 0
    }

    /// Whether any task is still alive (ready or waiting).
    pub fn has_work(&self) -> bool {
        !self.inner.tasks.borrow().is_empty()
    }

    /// The earliest timer deadline, if any timer is set: how long a host with
    /// nothing ready may sleep.
    pub fn next_deadline(&self) -> Option<Instant> {
        let timer = self.inner.timers.borrow().first_key_value().map(|(&(t, _), _)| t);
        match (timer, self.inner.next_callback()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Schedules a background callback from host code (inside a task, use
    /// [`crate::call_at`]).
    pub fn call_at(&self, when: Instant, f: impl FnMut(Instant) -> Option<Instant> + 'static) -> CallbackHandle {
        self.inner.call_at(when, Box::new(f))
    }

    /// A handle through which the host can run background callbacks at their
    /// exact time, even from inside a poll (see [`Background`]).
    pub fn background(&self) -> Background {
        Background { inner: Rc::downgrade(&self.inner) }
    }

    /// The live tasks in id order, then the most recently finished ones.
    pub fn tasks(&self) -> Vec<TaskInfo> {
        let tasks = self.inner.tasks.borrow();
        let mut rows: Vec<TaskInfo> = tasks
            .iter()
            .map(|(_, s)| {
                // Woken since its last poll (timer, event, cancel): it is in
                // the ready queue now, whatever it was waiting for.
                let state = match s.state {
                    TaskState::Sleeping { .. } | TaskState::Waiting if s.waker_arc.is_queued() => TaskState::Ready,
                    state => state,
                };
                TaskInfo { id: s.id, name: s.name.to_cow(), state, polls: s.polls }
            })
            .collect();
        rows.sort_by_key(|r| r.id);
        let finished = self.inner.finished.borrow();
        rows.extend(finished.iter().map(|f| TaskInfo {
            id: f.id,
            name: f.name.to_cow(),
            state: f.state,
            polls: f.polls,
        }));
        rows
    }

    /// The ids of the ready tasks, front of the queue first.
    pub fn ready_queue(&self) -> Vec<TaskId> {
        let local = self.inner.local.borrow();
        local.iter().map(|&(_, id)| id).chain(self.inner.ready.snapshot()).map(TaskId).collect()
    }

    /// Installs a hook that is told when each poll starts and ends (the
    /// playground's timeline). Without a hook the executor does not even read
    /// the clock for it. The hook must not call back into this executor.
    pub fn set_hook(&self, hook: impl FnMut(&PollEvent<'_>) + 'static) {
        *self.inner.hook.borrow_mut() = Some(Box::new(hook));
    }

    /// Removes the poll hook.
    pub fn clear_hook(&self) {
        *self.inner.hook.borrow_mut() = None;
    }

    /// Runs `main` as a task until it finishes and returns its result: the
    /// generic host loop. `idle(next_deadline)` is called whenever nothing is
    /// ready; it should wait (or move a virtual clock) until the deadline, or
    /// until an interrupt wakes a task when the deadline is `None`.
    ///
    /// # Panics
    /// If `main` panics or is cancelled, or if nothing is ready, no timer is
    /// set and `idle` does not make anything ready (the program can never
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
        let mut task = self.spawn(main);
        loop {
            if let Some(result) = task.try_result() {
                return match result {
                    Ok(v) => v,
                    Err(e) => panic!("baton: main {e}"),
                };
            }
            if self.poll_one().is_none() {
                let deadline = self.next_deadline();
                idle(deadline);
                if deadline.is_none() && !self.has_ready() {
                    panic!("baton: main can never finish: no task is ready and no timer is set");
                }
            }
        }
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        // Drop the tasks' futures with the executor installed, so that their
        // destructors (a sleep removing its timer, a lock handing itself on)
        // can reach it.
        let _enter = Enter::new(&self.inner);
        let futures: Vec<_> = self.inner.tasks.borrow_mut().iter_mut().filter_map(|(_, s)| s.future.take()).collect();
        drop(futures);
        self.inner.tasks.borrow_mut().clear();
    }
}

impl core::fmt::Debug for Executor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Executor").field("tasks", &self.inner.tasks.borrow().len()).finish()
    }
}

type BoxedTask = Pin<Box<dyn Future<Output = ()>>>;

/// Polls a task. On std a panic is caught and becomes the task's failure, so
/// one bad task cannot take the scheduler down with it.
#[cfg(feature = "std")]
fn poll_catching(future: &mut BoxedTask, waker: &Waker) -> Result<Poll<()>, alloc::string::String> {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let result = catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(&mut Context::from_waker(waker))));
    result.map_err(|payload| {
        if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).into()
        } else if let Some(s) = payload.downcast_ref::<alloc::string::String>() {
            s.clone()
        } else {
            "(non-string panic payload)".into()
        }
    })
}

/// Without std a panic is the firmware's panic handler's business: it never
/// comes back here.
#[cfg(not(feature = "std"))]
fn poll_catching(future: &mut BoxedTask, waker: &Waker) -> Result<Poll<()>, alloc::string::String> {
    Ok(future.as_mut().poll(&mut Context::from_waker(waker)))
}

/// Runs a background callback; `None` if it panicked (std hosts contain the
/// panic, as for tasks).
fn call_catching(cell: &CallbackCell, at: Instant) -> Option<Option<Instant>> {
    #[cfg(feature = "std")]
    {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (cell.f.borrow_mut())(at))).ok()
    }
    #[cfg(not(feature = "std"))]
    {
        Some((cell.f.borrow_mut())(at))
    }
}

/// Drops a task's future; on std a panicking destructor is contained too.
fn drop_quietly(future: BoxedTask) {
    #[cfg(feature = "std")]
    {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(future)));
    }
    #[cfg(not(feature = "std"))]
    drop(future);
}
