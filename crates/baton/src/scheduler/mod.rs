//! The scheduler's state and its one loop turn: CircuitPython's
//! `run_until_complete`, taken apart so that a host can drive it.
//!
//! Everything that decides *which task runs next* is here and follows
//! Adafruit_CircuitPython_asyncio 3.1.1 (`asyncio/core.py`, `task.py`):
//!
//! - Time is read in **ticks** (1 ms by default, as the library's
//!   `ticks_ms`): `tick = now_us / tick_us`.
//! - **One queue** ([`run_queue`]) holds every task that will run — ready ones
//!   keyed at the current tick, sleeping ones at the tick they wake — and
//!   breaks ties as the library's pairing heap does (by tick, then in push
//!   order: see the module).
//! - A turn takes the head if its tick has come ([`Scheduler::poll_next`]);
//!   if not, the host waits until the *start* of that tick
//!   ([`Scheduler::next_deadline`]).
//! - A task that is woken (an event, a lock hand-off, a task it awaited, the
//!   last task of a `gather`) is pushed **at the current tick, at the moment of
//!   the wake** ([`Scheduler::wake`]); a sleep pushes its task at
//!   `tick + ticks` when the task reaches the `await` ([`Scheduler::park`]).
//! - A cancellation is forwarded to the task being awaited, moves a sleeping
//!   task to the current tick, and is carried out at the task's next turn
//!   ([`Scheduler::cancel`]).
//!
//! The host ([`crate::Executor`]) installs the scheduler in
//! [`crate::context`] around every turn and every background callback, so
//! that the code it runs finds it; this module does not reach into
//! `context` itself.
//!
//! Two paths lead into the queue. Baton's own primitives (`sleep`, `Event`,
//! `Lock`, tasks, `gather`, `wait_for`) run in thread mode inside a poll and
//! push directly, in program order — which is what makes the order exact.
//! A [`core::task::Waker`] (a `ThreadSafeFlag` set by an interrupt, a foreign
//! future) goes through the interrupt-safe [`crate::ready::ReadyQueue`], which
//! is drained into the run queue at the start of each turn — as the library's
//! `wait_io_event` pushes tasks whose streams became ready.

pub(crate) mod callbacks;
pub(crate) mod cell;
pub(crate) mod header;
mod inspect;
pub(crate) mod join;
#[cfg(test)]
mod pairing_heap;
pub(crate) mod run_queue;

use crate::ready::{ReadyQueue, TaskWaker, READY_BATCH};
use crate::time::{Clock, Instant};
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::rc::{Rc, Weak};
use alloc::vec::Vec;
use callbacks::{CallbackFn, CallbackHandle, Callbacks};
use cell::{Joinable, RawTask, TaskCell};
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::num::NonZeroU64;
use core::pin::Pin;
use core::task::Poll;
use header::{TaskId, TaskName, TaskRef, TaskState, CANCEL, FAILED};
use inspect::Finished;
use join::{JoinCell, TaskError};
use portable_atomic_util::Arc;
use run_queue::RunQueue;
use slab::Slab;

pub(crate) use inspect::Hook;
pub use inspect::PollEvent;

/// A task's cell as the scheduler holds it (see [`cell`]).
type RawTaskRef = Pin<Rc<dyn RawTask>>;

struct Slot {
    id: TaskId,
    name: TaskName,
    /// The task's cell: its future, waker and join state, shared with its handle.
    task: RawTaskRef,
    /// The interrupt-safe waker, for futures that are not Baton's own (the
    /// task's cell holds it as a `Waker`).
    waker_arc: Arc<TaskWaker>,
    /// State bits (see [`header`]).
    bits: u8,
    /// The task this one awaits: where a cancellation is forwarded.
    awaiting: Option<TaskRef>,
    polls: u64,
}

/// One executor's scheduler, shared with the tasks it polls through
/// [`crate::context`].
pub(crate) struct Scheduler {
    clock: Box<dyn Clock>,
    tick_us: u64,
    /// A recent (µs, tick) pair on a tick boundary: most clock reads are
    /// converted to ticks with a 32-bit division from there (a 64-bit one is
    /// a software routine on a Cortex-M0+).
    tick_base: Cell<(u64, u64)>,
    /// The tick the running task was queued for when its turn came.
    turn_key: Cell<u64>,
    tasks: RefCell<Slab<Slot>>,
    queue: RefCell<RunQueue>,
    /// Wakes that came through a `Waker` (interrupts, other threads).
    woken: Arc<ReadyQueue>,
    woken_batch: RefCell<VecDeque<(usize, u64)>>,
    /// Wakers of finished tasks that nothing else holds, for new tasks: a
    /// spawn then allocates one thing fewer (as many are kept as tasks were
    /// ever alive at once, like the slab's slots).
    waker_pool: RefCell<Vec<Arc<TaskWaker>>>,
    /// The capacity reserved in `woken`: spawning enters a critical section
    /// only to grow it.
    reserved: Cell<usize>,
    callbacks: RefCell<Callbacks>,
    next_id: Cell<NonZeroU64>,
    /// The slot being polled.
    current: Cell<Option<usize>>,
    finished: RefCell<VecDeque<Finished>>,
    hook: RefCell<Option<Hook>>,
    /// Whether `hook` is set (read every turn, without a borrow).
    hooked: Cell<bool>,
    /// Whether this scheduler is the one in [`crate::context`]'s slot
    /// (`context` keeps it up to date), so that a turn that finds itself
    /// installed does not look at the slot.
    installed: Cell<bool>,
    /// For wait lists and joins to reach this scheduler without `context`.
    me: Weak<Scheduler>,
}

/// A task waiting for something, as a wait list or a join records it: the
/// task and its scheduler. Waking it pushes the task at the current tick.
#[derive(Clone)]
pub(crate) struct Waiter {
    pub(crate) task: TaskRef,
    sched: Weak<Scheduler>,
}

impl Waiter {
    /// The task `sched` is polling now, if any (see
    /// [`crate::context::current_waiter`]).
    pub(crate) fn running_on(sched: &Scheduler) -> Option<Waiter> {
        Some(Waiter { task: sched.current_ref()?, sched: sched.me.clone() })
    }

    /// Schedules the task at the current tick (see [`Scheduler::wake`]).
    pub(crate) fn wake(&self) {
        if let Some(s) = self.sched.upgrade() {
            s.wake(self.task);
        }
    }

    /// Whether a cancellation of the task is pending: a wait list skips it, as
    /// the library's `cancel()` takes the task off the list at once.
    pub(crate) fn is_cancelling(&self) -> bool {
        self.sched.upgrade().is_some_and(|s| s.has_bits(self.task, CANCEL))
    }

    /// Cancels this task, which is the one running: it ends at its next turn,
    /// which is queued at the current tick.
    pub(crate) fn cancel_self(&self) {
        if let Some(s) = self.sched.upgrade() {
            s.cancel(self.task);
            s.wake(self.task);
        }
    }
}

impl Scheduler {
    pub(crate) fn new(clock: Box<dyn Clock>, tick_us: u64) -> Rc<Scheduler> {
        assert!(tick_us > 0, "baton: a tick must last at least 1 µs");
        Rc::new_cyclic(|me| Scheduler {
            clock,
            tick_us,
            tasks: RefCell::new(Slab::new()),
            queue: RefCell::new(RunQueue::default()),
            woken: Arc::new(ReadyQueue::default()),
            woken_batch: RefCell::new(VecDeque::with_capacity(READY_BATCH)),
            waker_pool: RefCell::new(Vec::new()),
            reserved: Cell::new(0),
            callbacks: RefCell::new(Callbacks::default()),
            next_id: Cell::new(NonZeroU64::MIN),
            current: Cell::new(None),
            tick_base: Cell::new((0, 0)),
            turn_key: Cell::new(0),
            finished: RefCell::new(VecDeque::new()),
            hook: RefCell::new(None),
            hooked: Cell::new(false),
            installed: Cell::new(false),
            me: me.clone(),
        })
    }

    pub(crate) fn now(&self) -> Instant {
        self.clock.now()
    }

    /// The tick now: `ticks_ms()`.
    pub(crate) fn now_tick(&self) -> u64 {
        self.tick_of(self.clock.now().as_micros())
    }

    /// `us / tick_us`, from the tick of the last read: the same tick costs a
    /// comparison, a later one a 32-bit division of the difference (a 64-bit
    /// one is a software routine on a Cortex-M0+). The base is always a tick
    /// boundary: `base_us == base_tick * tick_us`.
    fn tick_of(&self, us: u64) -> u64 {
        let (base_us, base_tick) = self.tick_base.get();
        if let Some(d) = us.checked_sub(base_us) {
            if d < self.tick_us {
                return base_tick;
            }
            if let (Ok(d), Ok(tick)) = (u32::try_from(d), u32::try_from(self.tick_us)) {
                let ticks = d / tick;
                let t = base_tick + u64::from(ticks);
                // `ticks * tick <= d`: no overflow.
                self.tick_base.set((base_us + u64::from(ticks * tick), t));
                return t;
            }
        }
        let t = us / self.tick_us;
        self.tick_base.set((t * self.tick_us, t));
        t
    }

    /// The tick the running task was queued for: its turn came at that tick
    /// or later.
    pub(crate) fn turn_key(&self) -> u64 {
        self.turn_key.get()
    }

    /// The tick length in µs.
    pub(crate) fn tick_us(&self) -> u64 {
        self.tick_us
    }

    /// The instant tick `t` starts.
    pub(crate) fn tick_start(&self, t: u64) -> Instant {
        Instant::from_micros(t.saturating_mul(self.tick_us))
    }

    pub(crate) fn current_ref(&self) -> Option<TaskRef> {
        let slot = self.current.get()?;
        self.tasks.borrow().get(slot).map(|s| TaskRef { slot, id: s.id })
    }

    /// Whether this scheduler is the current one (see `installed`).
    pub(crate) fn is_installed(&self) -> bool {
        self.installed.get()
    }

    /// For [`crate::context`] only, as it fills and empties the slot.
    pub(crate) fn set_installed(&self, installed: bool) {
        self.installed.set(installed);
    }

    pub(crate) fn weak(&self) -> Weak<Scheduler> {
        self.me.clone()
    }

    fn has_bits(&self, t: TaskRef, bits: u8) -> bool {
        self.tasks.borrow().get(t.slot).is_some_and(|s| s.id == t.id && s.bits & bits != 0)
    }

    /// `create_task`: a new task, pushed at the current tick. Returns what the
    /// task's handle holds: the task's cell (one allocation, see [`cell`]).
    pub(crate) fn spawn<F>(&self, name: TaskName, fut: F) -> Pin<Rc<dyn Joinable<F::Output>>>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = TaskId(self.next_id.get());
        self.next_id.set(id.0.saturating_add(1));
        let mut tasks = self.tasks.borrow_mut();
        let entry = tasks.vacant_entry();
        let slot = entry.key();
        let task = TaskRef { slot, id };
        let recycled = self.waker_pool.borrow_mut().pop().and_then(|w| TaskWaker::reuse(w, slot, id.as_u64()).ok());
        let waker_arc = recycled.unwrap_or_else(|| TaskWaker::new(slot, id.as_u64(), self.woken.clone()));
        let waker = TaskWaker::into_waker(waker_arc.clone());
        let cell = Rc::pin(TaskCell::new(JoinCell::new(task, self.me.clone()), waker, fut));
        entry.insert(Slot { id, name, task: cell.clone(), waker_arc, bits: 0, awaiting: None, polls: 0 });
        let count = tasks.len();
        drop(tasks);
        if count > self.reserved.get() {
            self.reserved.set(self.woken.reserve_one(count));
        }
        let mut queue = self.queue.borrow_mut();
        let now = self.now_tick();
        queue.push(slot, now, now);
        cell
    }

    /// Schedules task `t` at the current tick: `_task_queue.push(t)` after an
    /// event, a lock hand-off, the end of an awaited task or a cancellation.
    /// A task already queued for a later tick is brought forward (the library
    /// does that for a cancellation; for Baton it also serves a `Waker` that
    /// wakes a sleeping task). A task already due stays where it is.
    pub(crate) fn wake(&self, t: TaskRef) {
        {
            let mut tasks = self.tasks.borrow_mut();
            let Some(slot) = tasks.get_mut(t.slot).filter(|s| s.id == t.id) else { return };
            slot.awaiting = None;
        }
        self.queue_now(t.slot);
    }

    /// The queue's side of [`Scheduler::wake`]. The clock is read only if
    /// the answer depends on it: a task in the FIFO is due already.
    fn queue_now(&self, slot: usize) {
        let mut queue = self.queue.borrow_mut();
        match queue.place_of(slot) {
            Some((_, false)) => {}
            Some((key, true)) => {
                let now = self.now_tick();
                if key > now {
                    queue.remove(slot);
                    queue.push(slot, now, now);
                }
            }
            None => {
                let now = self.now_tick();
                queue.push(slot, now, now);
            }
        }
    }

    /// The running task gives up its turn until tick `key` (a sleep:
    /// `SingletonGenerator.__next__` pushing `cur_task`). If something woke it
    /// during this poll it is already queued, and stays so.
    /// `now` is the current tick, as the caller just read it.
    pub(crate) fn park(&self, key: u64, now: u64) {
        let Some(slot) = self.current.get() else { return };
        let mut queue = self.queue.borrow_mut();
        if queue.key_of(slot).is_none() {
            queue.push(slot, key, now);
        }
    }

    /// The running task now waits for task `target` (cancellations of the
    /// running task are forwarded there).
    pub(crate) fn set_awaiting(&self, target: TaskRef) {
        let Some(slot) = self.current.get() else { return };
        if let Some(s) = self.tasks.borrow_mut().get_mut(slot) {
            s.awaiting = Some(target);
        }
    }

    /// `Task.cancel()`. Returns `false` if the task has already ended.
    pub(crate) fn cancel(&self, target: TaskRef) -> bool {
        let mut t = target;
        {
            let tasks = self.tasks.borrow();
            if tasks.get(t.slot).is_none_or(|s| s.id != t.id) {
                return false;
            }
            // A task awaiting another task: the cancellation goes to the one
            // it awaits (`while isinstance(task.data, Task)`).
            let mut hops = 0;
            while let Some(next) = tasks.get(t.slot).and_then(|s| s.awaiting) {
                if tasks.get(next.slot).is_none_or(|s| s.id != next.id) || hops > tasks.len() {
                    break;
                }
                t = next;
                hops += 1;
            }
        }
        let running = self.current.get() == Some(t.slot);
        if !running {
            // Off its wait list (lists skip it, see `Waiter::is_cancelling`),
            // or forward from a later tick, onto the queue at the current tick.
            self.wake(t);
        }
        if let Some(s) = self.tasks.borrow_mut().get_mut(t.slot) {
            s.bits |= CANCEL;
        }
        true
    }

    /// Moves wakes that came through wakers into the run queue, at the
    /// current tick.
    fn drain_woken(&self) {
        let mut batch = self.woken_batch.borrow_mut();
        loop {
            let Some((slot, id)) = batch.pop_front() else {
                if !self.woken.is_pending() {
                    return;
                }
                self.woken.take_batch(&mut batch);
                continue;
            };
            {
                let mut tasks = self.tasks.borrow_mut();
                let Some(s) = tasks.get_mut(slot).filter(|s| s.id.as_u64() == id) else { continue };
                s.waker_arc.dequeued();
                s.awaiting = None;
            }
            self.queue_now(slot);
        }
    }

    /// Runs the earliest background callback if it is due at `now`; returns
    /// whether one ran.
    pub(crate) fn run_one_callback(&self, now: Instant) -> bool {
        let due = self.callbacks.borrow_mut().take_due(now);
        let Some((at, cell)) = due else { return false };
        if !cell.is_cancelled() {
            match cell.call(at) {
                // A panicking callback is stopped, not re-armed (std hosts).
                None => cell.stop(),
                Some(Some(next)) if !cell.is_cancelled() => self.callbacks.borrow_mut().rearm(at, next, cell),
                Some(_) => {}
            }
        }
        true
    }

    pub(crate) fn call_at(&self, when: Instant, f: Box<CallbackFn>) -> CallbackHandle {
        self.callbacks.borrow_mut().insert(when, f)
    }

    pub(crate) fn next_callback(&self) -> Option<Instant> {
        self.callbacks.borrow().next()
    }

    /// Brings in waker wakes and runs due background callbacks: everything
    /// that happens between two turns.
    ///
    /// Inlined: on most turns there is nothing to do but the two tests.
    #[inline]
    pub(crate) fn between_turns(&self) {
        if !self.callbacks.borrow().is_empty() {
            self.run_due_callbacks();
        }
        // (The batch is empty between drains: a drain takes batches until the
        // queue has none.)
        if self.woken.is_pending() {
            self.drain_woken();
        }
    }

    #[cold]
    #[inline(never)]
    fn run_due_callbacks(&self) {
        let now = self.now();
        while self.run_one_callback(now) {}
    }

    /// The head of the run queue if its tick has come.
    fn due_head(&self) -> Option<usize> {
        let (slot, key) = self.queue.borrow().peek()?;
        (key <= self.now_tick()).then_some(slot)
    }

    /// Whether a task may run now.
    pub(crate) fn has_ready(&self) -> bool {
        self.due_head().is_some() || self.woken.is_pending() || !self.woken_batch.borrow().is_empty()
    }

    pub(crate) fn has_work(&self) -> bool {
        !self.tasks.borrow().is_empty()
    }

    /// When the host may next have something to do: the start of the head's
    /// tick (the library's `ipoll(dt)` wakes then), or a background callback.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let head = self.queue.borrow().peek().map(|(_, key)| self.tick_start(key));
        match (head, self.next_callback()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// One turn: pops the head if its tick has come, calls `before` (where a
    /// simulator charges the poll cost), then resumes the task — or, if a
    /// cancellation is pending, drops it.
    ///
    /// # Panics
    /// When called from inside one of this scheduler's tasks (a task that
    /// calls its own executor's `poll_one`): one turn at a time. The panic
    /// fails the calling task, on std, and leaves the scheduler as it was.
    pub(crate) fn poll_next(&self, before: impl FnOnce(TaskId)) -> Option<(TaskId, TaskState)> {
        if self.current.get().is_some() {
            nested_turn();
        }
        self.between_turns();
        // The clock is read only if no task is queued at a past tick.
        let (slot_key, key) = self.queue.borrow_mut().pop_due(|| self.now_tick())?;
        self.turn_key.set(key);
        let (id, name, task, bits) = {
            let mut tasks = self.tasks.borrow_mut();
            let slot = &mut tasks[slot_key];
            slot.polls += 1;
            slot.awaiting = None;
            // Only a hook needs the name.
            let name = self.hooked.get().then(|| slot.name.clone());
            (slot.id, name, slot.task.clone(), slot.bits)
        };
        before(id);
        self.current.set(Some(slot_key));
        if let Some(name) = &name {
            self.report(&PollEvent::Start { task: id, name: name.as_str(), at: self.now() });
        }
        let ended = if bits & FAILED != 0 {
            // The task failed in its last turn and nobody awaited it: the
            // library throws the exception in again, to call the loop's
            // exception handler. One more resumption, then the task is over.
            Some(TaskState::Failed)
        } else if bits & CANCEL != 0 {
            drop_quietly(task.as_ref());
            task.control().abandon(TaskError::Cancelled);
            Some(TaskState::Cancelled)
        } else {
            match poll_catching(task.as_ref()) {
                Ok(Poll::Ready(())) => Some(TaskState::Done),
                // The task goes on: its slot is as it was, waker included (in the cell).
                Ok(Poll::Pending) => None,
                Err(message) => {
                    drop_quietly(task.as_ref());
                    if task.control().abandon(TaskError::Panicked(message)) {
                        Some(TaskState::Failed)
                    } else {
                        // Nobody awaits it: the library queues it once more
                        // (`if not awaited … _task_queue.push(t)`).
                        // It has ended, as far as anyone can see: log it now.
                        let mut tasks = self.tasks.borrow_mut();
                        let slot = &mut tasks[slot_key];
                        slot.bits |= FAILED;
                        let f = Finished { id, name: slot.name.clone(), state: TaskState::Failed, polls: slot.polls };
                        drop(tasks);
                        self.log_finished(f);
                        let mut queue = self.queue.borrow_mut();
                        if queue.key_of(slot_key).is_none() {
                            let now = self.now_tick();
                            queue.push(slot_key, now, now);
                        }
                        drop(queue);
                        self.current.set(None);
                        self.report_end(id, name.as_ref(), TaskState::Failed);
                        return Some((id, TaskState::Failed));
                    }
                }
            }
        };
        self.current.set(None);
        let state = match ended {
            Some(state) => self.finish(slot_key, state),
            None => self.state_after_turn(slot_key),
        };
        self.report_end(id, name.as_ref(), state);
        Some((id, state))
    }

    /// Inlined: without a hook (`name` is `None`) a turn's end costs a test.
    #[inline]
    fn report_end(&self, task: TaskId, name: Option<&TaskName>, state: TaskState) {
        if let Some(name) = name {
            self.report_end_to_hook(task, name, state);
        }
    }

    #[cold]
    #[inline(never)]
    fn report_end_to_hook(&self, task: TaskId, name: &TaskName, state: TaskState) {
        self.report(&PollEvent::End { task, name: name.as_str(), at: self.now(), state });
    }

    /// What a task that is still alive does after its turn. Without reading
    /// the clock: a task queued for a later tick is sleeping, one queued at
    /// the current tick is ready.
    fn state_after_turn(&self, slot: usize) -> TaskState {
        match self.queue.borrow().place_of(slot) {
            None => TaskState::Waiting,
            Some((key, true)) => TaskState::Sleeping { until: self.tick_start(key) },
            Some((_, false)) => TaskState::Ready,
        }
    }

    /// Frees the slot of a task that ended, and logs it for the inspector.
    fn finish(&self, slot_key: usize, state: TaskState) -> TaskState {
        // A task that ended is never queued: a wake during its last poll (it
        // set an event it was also waiting for, say) is dropped here.
        self.queue.borrow_mut().remove(slot_key);
        let slot = self.tasks.borrow_mut().remove(slot_key);
        slot.waker_arc.retire();
        // The cell may outlive the slot (a handle holds it): its waker goes now.
        drop(slot.task.take_waker());
        if let Ok(w) = TaskWaker::reuse(slot.waker_arc, usize::MAX, u64::MAX) {
            self.waker_pool.borrow_mut().push(w);
        }
        if slot.bits & FAILED == 0 {
            self.log_finished(Finished { id: slot.id, name: slot.name, state, polls: slot.polls });
        } else if let Some(f) = self.finished.borrow_mut().iter_mut().find(|f| f.id == slot.id) {
            // Logged when it failed; its last turn counts as a resumption.
            f.polls = slot.polls;
        }
        state
    }

    /// Drops every task's future (the caller installs this scheduler as the
    /// current one, so that their destructors — a lock handing itself on —
    /// can reach it).
    pub(crate) fn shutdown(&self) {
        let tasks: Vec<_> = self.tasks.borrow().iter().map(|(_, s)| s.task.clone()).collect();
        for task in &tasks {
            task.as_ref().drop_future();
        }
        drop(tasks);
        self.tasks.borrow_mut().clear();
    }
}

#[cold]
#[inline(never)]
fn nested_turn() -> ! {
    panic!("baton: a task ran its own executor's turn (poll_one inside a task); turns do not nest")
}

/// Polls a task. On std a panic is caught and becomes the task's failure, so
/// one bad task cannot take the scheduler down with it.
#[cfg(feature = "std")]
fn poll_catching(task: Pin<&dyn RawTask>) -> Result<Poll<()>, alloc::string::String> {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let result = catch_unwind(AssertUnwindSafe(|| task.poll()));
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
fn poll_catching(task: Pin<&dyn RawTask>) -> Result<Poll<()>, alloc::string::String> {
    Ok(task.poll())
}

/// Drops a task's future; on std a panicking destructor is contained too.
fn drop_quietly(task: Pin<&dyn RawTask>) {
    #[cfg(feature = "std")]
    {
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || task.drop_future()));
    }
    #[cfg(not(feature = "std"))]
    task.drop_future();
}

/// A xorshift generator for the scheduler's randomized tests: `rand(n)` is in `0..n`.
#[cfg(test)]
pub(crate) fn test_rng(mut seed: u64) -> impl FnMut(u64) -> u64 {
    move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    }
}

#[cfg(test)]
mod tests {
    use super::Scheduler;
    use crate::time::ManualClock;
    use alloc::boxed::Box;

    /// A task that takes a turn of its own executor fails with a message; the
    /// executor goes on.
    #[test]
    fn turns_do_not_nest() {
        use crate::{yield_now, Executor, ManualClock, TaskError};
        use alloc::rc::Rc;
        let exec = Rc::new(Executor::new(ManualClock::new()));
        let e = exec.clone();
        let other = exec.spawn(async { 7 });
        let mut nested = exec.spawn(async move {
            yield_now().await;
            // Queued now: a nested turn would find it due.
            let _queued = crate::create_task(async {});
            e.poll_one();
        });
        while exec.poll_one().is_some() {}
        match nested.try_result() {
            Some(Err(TaskError::Panicked(m))) => assert!(m.contains("turns do not nest"), "{m}"),
            r => panic!("{r:?}"),
        }
        assert!(other.is_done());
        let after = exec.spawn(async { 8 });
        while exec.poll_one().is_some() {}
        assert!(after.is_done());
    }

    /// The tick of every reading is `us / tick_us`, whatever the readings
    /// before it: the same tick, the next, far ahead (past 2³² µs), or back.
    #[test]
    fn ticks_are_the_quotient_of_every_reading() {
        let mut rand = super::test_rng(0x9e37_79b9_7f4a_7c15);
        for tick_us in [1, 7, 1000, 1_000_000, u64::from(u32::MAX) + 3] {
            let s = Scheduler::new(Box::new(ManualClock::new()), tick_us);
            let mut us = 0u64;
            for _ in 0..20_000 {
                us = match rand(10) {
                    0 => rand(u64::MAX / 2),
                    1 => us.saturating_add(rand(1 << 40)),
                    2 => us.saturating_sub(rand(5000)),
                    3 => (us / tick_us + 1).saturating_mul(tick_us).saturating_sub(rand(2)),
                    _ => us.saturating_add(rand(3 * tick_us.min(1 << 20))),
                };
                assert_eq!(s.tick_of(us), us / tick_us, "{us} µs in ticks of {tick_us} µs");
            }
            assert_eq!(s.tick_of(u64::MAX), u64::MAX / tick_us);
        }
    }
}
