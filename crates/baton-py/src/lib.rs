//! # baton-py: Python mode's simulation, behind a wasm-bindgen API
//!
//! A CircuitPython program runs in MicroPython's webassembly port; this crate is
//! everything else: Baton's scheduler, and `baton-sim`'s virtual board (pins,
//! keypad scans, countio edges, NeoPixel wire time, the blocking `time`), with
//! the timing model of `docs/SIMULATOR.md`.
//!
//! **Each Python task is a Baton task** ([`PySim::spawn`]). Its future, when
//! Baton polls it, resumes the coroutine once: it calls the JavaScript
//! `resume(task)` function, which calls the Python helper that does
//! `coro.send(None)` (or throws a pending `CancelledError`). While the
//! coroutine runs, the project's `asyncio` module tells this crate what the
//! task is about to wait for, and the wait is Baton's own:
//!
//! | Python | Baton |
//! |---|---|
//! | `await asyncio.sleep(t)` | [`baton::sleep_until_tick`] (the tick `sleep` read when called, plus `t`) |
//! | `await event.wait()` | [`baton::Event::wait`] |
//! | `await lock.acquire()` | [`baton::Lock::acquire`] (the guard is kept until `release()`) |
//! | `await task` | the awaited task's *done* [`baton::Event`] (several tasks may await one) |
//! | `gather`'s wait, a `push` of the library | the task's *kick* [`baton::Event`] |
//!
//! So Baton's run queue decides who runs next, exactly as for the Rust demos.
//! Python's `Task.cancel()` keeps its library semantics (the coroutine sees
//! `CancelledError` and may catch it): [`PySim::kick`] takes the task off
//! what it waits for and pushes it at the current tick, as the library's
//! `cancel()` does, and the Python side throws the error at its next turn.
//!
//! The host loop ([`PySim::run`]) is `baton-sim`'s: each resumption costs
//! `poll_cost_us`, charged before the task runs; with nothing due, time jumps
//! to the start of the head's tick or to the next input change. It stops when
//! virtual time passes the end.
//!
//! **In the page** ([`PySim::set_pace`]) the same loop runs in a Web Worker, and
//! virtual time may only move as far as the page allows: every move of the clock
//! (a turn's cost, an idle jump, `time.sleep`, a NeoPixel frame) first asks the
//! page's *pace* function when it would pass the last horizon granted — the
//! board does, `baton_sim::VirtualBoard::set_pace`, as for the Rust demos. That
//! function waits for the display to catch up, schedules the presses clicked in
//! the meantime ([`PySim::input`], always in the future of the current time, so a
//! recording replays exactly) and sends the trace so far to the page. Headless,
//! there is no pace function and time moves freely.

use baton::sync::{Acquire, EventWait};
use baton::{Event, Executor, Lock, LockGuard, Sleep};
use baton_board::countio::{Counter, Edge};
use baton_board::neopixel::NeoPixel;
use baton_board::{Board, Pin};
use baton_host::wire::{pwm_line, Part};
use baton_host::{bounce, host_input, pace_fn, pin_of, turn};
use baton_sim::board::{Console, EdgeInput, Output, Pixels, Time};
use baton_sim::{inputs, LevelEvent, VirtualBoard};
use litemap::LiteMap;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin as StdPin;
use std::rc::{Rc, Weak};
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;

/// What the Python helper answers when a task has been resumed once.
pub mod resume {
    /// The coroutine yielded: it registered what it waits for (or nothing:
    /// then only a kick brings it back, as `_never()` in the library).
    pub const YIELDED: i32 = 0;
    /// The coroutine ended; its awaiters have been woken.
    pub const DONE: i32 = 1;
    /// The coroutine ended with an exception nobody awaits: as the library
    /// does, the task is queued once more, and its exception is reported at
    /// that turn.
    pub const REQUEUE: i32 = 2;
    /// Virtual time passed the end (a board call noticed): stop everything.
    pub const STOP: i32 = 3;
}

/// What [`PySim::run`] answers.
pub mod run {
    /// The main task finished.
    pub const MAIN_DONE: i32 = 0;
    /// Virtual time passed the end.
    pub const STOPPED: i32 = 1;
}

/// The most pixels a strip may have (the playground draws each; as the Rust demos' limit).
const MAX_PIXELS: usize = 256;

/// The keypad scan interval (`keypad.Keys` scans every 20 ms from creation).
const SCAN_US: u64 = 20_000;

/// What a Python task waits for, between two of its turns.
enum Wait {
    /// Kept for its registration; dropped when the task resumes.
    Sleep(#[allow(dead_code)] Sleep),
    Event(EventWait),
    Lock(usize, Acquire),
}

/// Baton's side of one Python task.
struct Slot {
    /// Its Baton task (for `new_event_loop`, which drops the queued ones).
    task: baton::TaskId,
    pending: Option<Wait>,
    /// Set to push the task at the current tick (a cancellation, gather's
    /// wake-up): every waiting task also waits on its kick.
    kick: Event,
    kick_wait: Option<EventWait>,
    /// Set when the task ends: wakes the tasks that await it, in order.
    done: Event,
}

struct Lk {
    lock: Lock,
    /// The guard of the holder (its Python task id), once it has resumed.
    guard: Option<(u32, LockGuard)>,
}

struct Keys {
    pins: Vec<Pin>,
    value_when_pressed: bool,
    pressed: Vec<bool>,
    queue: VecDeque<(usize, bool)>,
}

struct Inner {
    board: VirtualBoard,
    exec: Executor,
    time: Time,
    console: Console,
    poll_cost_us: Cell<u64>,
    end_us: u64,
    resume: RefCell<Option<js_sys::Function>>,
    tasks: RefCell<LiteMap<u32, Slot>>,
    /// The Python task being resumed.
    current: Cell<Option<u32>>,
    stopped: Cell<bool>,
    /// The task `run` runs until it ends, and whether it has.
    main: Cell<Option<u32>>,
    main_done: Cell<bool>,
    events: RefCell<Vec<Event>>,
    locks: RefCell<Vec<Lk>>,
    /// Each output pin, and the level it was last driven to.
    outputs: RefCell<Vec<(Output, Pin, Option<bool>)>>,
    output_of: RefCell<LiteMap<Pin, usize>>,
    inputs: RefCell<LiteMap<Pin, baton_sim::board::Input>>,
    keys: RefCell<Vec<Rc<RefCell<Keys>>>>,
    counters: RefCell<Vec<Counter<EdgeInput>>>,
    strips: RefCell<Vec<NeoPixel<Pixels>>>,
    /// The trace so far, as JSON Lines, with the lines the board does not record (a PWM
    /// output's change, a task's uncaught exception) in their places: [`Inner::line`].
    out: RefCell<String>,
    /// The potentiometers' readings and the knobs' turns (input scripts, the page), in no
    /// order: a read looks at them all. (Sorting them cost 1 KB of wasm, gzipped; a script's
    /// few readings cost a read nothing.)
    analog: RefCell<Vec<LevelEvent>>,
    turns_in: RefCell<Vec<LevelEvent>>,
    /// Baton tasks that `new_event_loop` dropped while they were queued: their turn, when it
    /// comes, takes no time and runs nothing (the library's new queue does not have them).
    dropped: RefCell<Vec<baton::TaskId>>,
    /// Whether each turn is recorded as a `task` event (the page's task table and timeline).
    task_events: Cell<bool>,
    /// The turns recorded since the page last asked ([`PySim::take_turns`]).
    turns: RefCell<Vec<f64>>,
    /// Parts created since the page last asked ([`PySim::take_parts`]).
    parts: RefCell<Vec<Part>>,
    /// Every part created.
    all_parts: RefCell<Vec<Part>>,
}

impl Inner {
    /// Whether the run is over: virtual time has passed the end, or the page's pace
    /// function stopped it.
    fn past_end(&self) -> bool {
        if self.board.now_us() > self.end_us || self.board.halted() {
            self.stopped.set(true);
        }
        self.stopped.get()
    }

    /// Polls a Baton future once, from inside the task being polled (Baton's
    /// primitives register the running task; they do not use the waker).
    fn poll_once<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
        StdPin::new(f).poll(&mut Context::from_waker(Waker::noop()))
    }

    fn set_pending(&self, wait: Wait) {
        if let Some(id) = self.current.get() {
            if let Some(slot) = self.tasks.borrow_mut().get_mut(&id) {
                slot.pending = Some(wait);
            }
        }
    }

    fn call_resume(&self, id: u32) -> i32 {
        let f = self.resume.borrow().clone();
        let Some(f) = f else { return resume::STOP };
        self.current.set(Some(id));
        let r = f.call1(&JsValue::NULL, &JsValue::from(id));
        self.current.set(None);
        match r {
            Ok(v) => v.as_f64().map_or(resume::STOP, |v| v as i32),
            Err(e) => {
                // A bug in the Python helper: stop, and say so in the trace.
                self.note(&format!("internal error: {e:?}"));
                resume::STOP
            }
        }
    }

    /// Makes `pin` a button of the board (a pin read by `digitalio` or
    /// `keypad`), once. A pin already taken (by `countio`) stays as it is.
    fn claim_input(&self, pin: Pin) {
        if let litemap::Entry::Vacant(slot) = self.inputs.borrow_mut().entry(pin) {
            if let Ok(i) = self.board.input(pin, baton_board::Pull::Up) {
                slot.insert(i);
                self.add_part(Part::Button(pin));
            }
        }
    }

    fn note(&self, text: &str) {
        self.line(&baton_sim::trace::text_json(self.board.now_us(), "exception", text));
    }

    /// Adds a line to the trace after everything the board has recorded so far, so that
    /// events of one microsecond stay in the order they happened.
    fn line(&self, line: &str) {
        let mut out = self.out.borrow_mut();
        for e in self.board.take_trace() {
            out.push_str(&e.to_json());
            out.push('\n');
        }
        out.push_str(line);
        out.push('\n');
    }

    /// Schedules a script's potentiometer readings and knob turns.
    fn add_levels(&self, analog: &[LevelEvent], turns: &[LevelEvent]) {
        self.analog.borrow_mut().extend_from_slice(analog);
        self.turns_in.borrow_mut().extend_from_slice(turns);
    }

    /// A part for the page to draw, once (a PWM output's every change, a second `AnalogIn` on a
    /// pin, come here too).
    fn add_part(&self, part: Part) {
        let mut all = self.all_parts.borrow_mut();
        if !all.contains(&part) {
            all.push(part);
            self.parts.borrow_mut().push(part);
        }
    }
}

/// The future of one Python task, as Baton polls it.
struct PyTask {
    id: u32,
    inner: Weak<Inner>,
}

impl Future for PyTask {
    type Output = ();

    fn poll(self: StdPin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        let Some(inner) = self.inner.upgrade() else { return Poll::Ready(()) };
        let id = self.id;
        // Its wait is over (or was cancelled): finish it.
        let (pending, kick_wait) = match inner.tasks.borrow_mut().get_mut(&id) {
            Some(slot) => (slot.pending.take(), slot.kick_wait.take()),
            None => return Poll::Ready(()),
        };
        drop(kick_wait);
        // (A cancellation has taken the wait away already: see `kick`.)
        if let Some(Wait::Lock(lock, mut acquire)) = pending {
            // Handed over by the previous holder: the lock is ours now.
            if let Poll::Ready(guard) = Inner::poll_once(&mut acquire) {
                inner.locks.borrow_mut()[lock].guard = Some((id, guard));
            }
        }
        if inner.past_end() {
            return Poll::Pending;
        }
        match inner.call_resume(id) {
            resume::YIELDED => {
                // Whatever it waits for, a kick brings it back.
                let kick = inner.tasks.borrow().get(&id).map(|s| s.kick.clone());
                if let Some(kick) = kick {
                    kick.clear();
                    let mut wait = kick.wait();
                    let _ = Inner::poll_once(&mut wait);
                    if let Some(slot) = inner.tasks.borrow_mut().get_mut(&id) {
                        slot.kick_wait = Some(wait);
                    }
                }
                Poll::Pending
            }
            resume::REQUEUE => {
                // `_task_queue.push(t)`: queued at the current tick.
                let mut sleep = baton::yield_now();
                let _ = Inner::poll_once(&mut sleep);
                if let Some(slot) = inner.tasks.borrow_mut().get_mut(&id) {
                    slot.pending = Some(Wait::Sleep(sleep));
                }
                Poll::Pending
            }
            resume::DONE => {
                inner.tasks.borrow_mut().remove(&id);
                if inner.main.get() == Some(id) {
                    inner.main_done.set(true);
                }
                Poll::Ready(())
            }
            _ => {
                inner.stopped.set(true);
                Poll::Pending
            }
        }
    }
}

/// A Python-mode simulation: the scheduler, the virtual board and the trace.
#[wasm_bindgen]
pub struct PySim {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl PySim {
    /// A simulation at time 0 that stops when virtual time passes `end_us`,
    /// charging `poll_cost_us` for each task resumption. `inputs` is an input
    /// script (JSON Lines, `docs/SIMULATOR.md`), possibly empty.
    #[wasm_bindgen(constructor)]
    pub fn new(poll_cost_us: f64, end_us: f64, inputs: &str) -> Result<PySim, JsError> {
        let board = VirtualBoard::new(true);
        let exec = Executor::new(board.clock());
        board.attach_background(exec.background());
        let script = inputs::parse_inputs(inputs).map_err(|e| JsError::new(&format!("inputs: {e}")))?;
        board.schedule_inputs(&script.presses);
        let inner = Inner {
            time: board.time(),
            console: board.console(),
            board,
            exec,
            poll_cost_us: Cell::new(poll_cost_us.max(0.0) as u64),
            end_us: end_us.max(0.0) as u64,
            resume: RefCell::new(None),
            tasks: RefCell::new(LiteMap::new()),
            current: Cell::new(None),
            stopped: Cell::new(false),
            main: Cell::new(None),
            main_done: Cell::new(false),
            events: RefCell::new(Vec::new()),
            locks: RefCell::new(Vec::new()),
            outputs: RefCell::new(Vec::new()),
            output_of: RefCell::new(LiteMap::new()),
            inputs: RefCell::new(LiteMap::new()),
            keys: RefCell::new(Vec::new()),
            counters: RefCell::new(Vec::new()),
            strips: RefCell::new(Vec::new()),
            out: RefCell::new(String::new()),
            analog: RefCell::new(script.analog),
            turns_in: RefCell::new(script.turns),
            dropped: RefCell::new(Vec::new()),
            task_events: Cell::new(false),
            turns: RefCell::new(Vec::new()),
            parts: RefCell::new(Vec::new()),
            all_parts: RefCell::new(Vec::new()),
        };
        Ok(PySim { inner: Rc::new(inner) })
    }

    /// The function Baton calls to resume Python task `id` once; it answers
    /// one of the [`resume`] codes.
    pub fn set_resume(&self, f: js_sys::Function) {
        *self.inner.resume.borrow_mut() = Some(f);
    }

    /// Runs in a page: `pace(now_us, want_us)` is called whenever virtual
    /// time is about to pass the horizon granted last, and answers the new
    /// horizon (µs; at or below `now_us` stops the run). See the
    /// [crate docs](crate).
    pub fn set_pace(&self, f: js_sys::Function) {
        self.inner.board.set_pace(Some(pace_fn(f)));
    }

    /// Records every turn for the page's task table and timeline ([`PySim::take_turns`]).
    pub fn set_task_events(&self, on: bool) {
        self.inner.task_events.set(on);
    }

    /// The turns taken since the last call, [`baton_host::TURN_FIELDS`] numbers each: start
    /// µs, end µs, Baton task id, state after the turn ([`baton_host::state_code`]) and, for a
    /// sleeper, the µs it sleeps until (else -1). Numbers, not JSON: a polling program takes
    /// 100 000 turns a virtual second, and the page gets them as one `Float64Array`.
    pub fn take_turns(&self) -> Vec<f64> {
        std::mem::take(&mut *self.inner.turns.borrow_mut())
    }

    /// Buttons bounce `count` extra times over `duration_us` from now on
    /// (`count` 0: clean presses).
    pub fn set_bounce(&self, duration_us: f64, count: u32) {
        self.inner.board.set_bounce(bounce(duration_us, count));
    }

    /// A button press (`pressed`) or release from the page, scheduled 1 µs
    /// from now and no sooner than `not_before_us` (a click is held long
    /// enough for the keypad to see it). Returns its time, for the recording:
    /// replaying it as an input script gives the same run.
    pub fn input(&self, pin: &str, pressed: bool, not_before_us: f64) -> Result<f64, JsError> {
        host_input(&self.inner.board, pin, pressed, not_before_us)
    }

    /// Schedules an input script (JSON Lines, `docs/SIMULATOR.md`): a recording to replay.
    /// Set the bounce first: it applies to the presses as they are scheduled.
    pub fn schedule(&self, script: &str) -> Result<(), JsError> {
        let script = inputs::parse_inputs(script).map_err(|e| JsError::new(&format!("inputs: {e}")))?;
        self.inner.board.schedule_inputs(&script.presses);
        self.inner.add_levels(&script.analog, &script.turns);
        Ok(())
    }

    /// The page's potentiometer on `pin` set to `value` (0–65535), 1 µs from now and no sooner
    /// than `not_before_us`. Returns its time, for the recording (as [`PySim::input`]).
    pub fn analog_input(&self, pin: &str, value: f64, not_before_us: f64) -> Result<f64, JsError> {
        if value.fract() != 0.0 || !(0.0..=65535.0).contains(&value) {
            // (Not naming the value: formatting an f64 would add 9.6 KB of wasm, gzipped.)
            return Err(JsError::new("an analog reading is a whole number from 0 to 65535"));
        }
        let t_us = self.level_time(not_before_us);
        self.inner.add_levels(&[LevelEvent { t_us, pin: pin_of(pin)?, value: value as i32 }], &[]);
        Ok(t_us as f64)
    }

    /// The page's knob on `pin_a` turned by `steps` detents, 1 µs from now and no sooner than
    /// `not_before_us`. Returns its time, for the recording.
    pub fn turn_input(&self, pin_a: &str, steps: i32, not_before_us: f64) -> Result<f64, JsError> {
        let t_us = self.level_time(not_before_us);
        self.inner.add_levels(&[], &[LevelEvent { t_us, pin: pin_of(pin_a)?, value: steps }]);
        Ok(t_us as f64)
    }

    fn level_time(&self, not_before_us: f64) -> u64 {
        (self.inner.board.now_us() + 1).max(not_before_us.max(0.0) as u64)
    }

    /// The parts created since the last call, one per line: `led D1`,
    /// `button D3`, `pixels A0 24`.
    pub fn take_parts(&self) -> String {
        let parts = std::mem::take(&mut *self.inner.parts.borrow_mut());
        parts.into_iter().map(Part::line).collect::<Vec<_>>().join("\n")
    }

    /// Virtual time now, µs.
    pub fn now_us(&self) -> f64 {
        self.inner.board.now_us() as f64
    }

    /// Whether virtual time has passed the end.
    pub fn stopped(&self) -> bool {
        self.inner.past_end()
    }

    // ---------------------------------------------------------------- tasks

    /// `create_task`: Python task `id` (named `name` in the task table)
    /// becomes a Baton task, pushed at the current tick.
    /// Returns the Baton task's id (the turns' task id).
    pub fn spawn(&self, id: u32, name: String) -> f64 {
        let fut = PyTask { id, inner: Rc::downgrade(&self.inner) };
        // Dropping the handle detaches the task, as in asyncio.
        let task = self.inner.exec.spawn_named(name, fut).id();
        let slot = Slot { task, pending: None, kick: Event::new(), kick_wait: None, done: Event::new() };
        self.inner.tasks.borrow_mut().insert(id, slot);
        task.as_u64() as f64
    }

    /// The library's `new_event_loop()` for Python task `id`, which was on the old queue (ready
    /// or sleeping; `asyncio.py` tells them by the library's own rule): the new queue does not
    /// have it, so it never runs again. Its Baton task, still queued, ends at its turn
    /// (`PyTask` finds no slot), which `run` neither charges nor records.
    pub fn drop_task(&self, id: u32) {
        if let Some(slot) = self.inner.tasks.borrow_mut().remove(&id) {
            self.inner.dropped.borrow_mut().push(slot.task);
        }
    }

    /// Python task `id` has ended: wake the tasks that await it, in order.
    pub fn wake_awaiters(&self, id: u32) {
        let done = self.inner.tasks.borrow().get(&id).map(|s| s.done.clone());
        if let Some(done) = done {
            done.set();
        }
    }

    /// The running task waits until task `id` ends. Returns `false` if it has
    /// ended already (no wait).
    pub fn wait_task(&self, id: u32) -> bool {
        let done = self.inner.tasks.borrow().get(&id).map(|s| s.done.clone());
        let Some(done) = done else { return false };
        let mut wait = done.wait();
        if Inner::poll_once(&mut wait).is_ready() {
            return false;
        }
        self.inner.set_pending(Wait::Event(wait));
        true
    }

    /// The library's `SingletonGenerator.__next__` for the running task: it is pushed at tick
    /// `tick`, which its `sleep_ms` computed when called (`ticks() + ms`) and which may have
    /// passed since (a blocking call between the two): [`baton::sleep_until_tick`].
    ///
    /// Only a task sleeps: called from anywhere else (a program that digs the bridge out of a
    /// board module and calls it at its top level) it is refused with a reason, rather than
    /// reaching Baton's "sleep outside a task" panic.
    pub fn sleep_until_tick(&self, tick: f64) -> Result<(), JsError> {
        if baton::current_task().is_none() || self.inner.current.get().is_none() {
            return Err(JsError::new(
                "_baton.sleep_until_tick: only a task sleeps (await asyncio.sleep() inside a task that asyncio runs)",
            ));
        }
        let mut sleep = baton::sleep_until_tick(tick.max(0.0).ceil() as u64);
        let _ = Inner::poll_once(&mut sleep);
        self.inner.set_pending(Wait::Sleep(sleep));
        Ok(())
    }

    /// The library's `_task_queue.push(task)` for a task that waits (a
    /// cancellation, gather's wake-up): it leaves what it waits for (an
    /// event's or a lock's list; a sleep is brought forward) and is pushed at
    /// the current tick. A task already due stays where it is.
    pub fn kick(&self, id: u32) {
        let (pending, kick) = {
            let mut tasks = self.inner.tasks.borrow_mut();
            let Some(slot) = tasks.get_mut(&id) else { return };
            (slot.pending.take(), slot.kick.clone())
        };
        let push = match pending {
            // Already released (an event set, a lock handed over): the task
            // is queued, and keeps what it was given.
            Some(Wait::Event(mut w)) => Inner::poll_once(&mut w).is_pending(),
            Some(Wait::Lock(lock, mut acquire)) => match Inner::poll_once(&mut acquire) {
                Poll::Ready(guard) => {
                    self.inner.locks.borrow_mut()[lock].guard = Some((id, guard));
                    false
                }
                Poll::Pending => true,
            },
            // A sleeper is brought forward to the current tick.
            Some(Wait::Sleep(_)) | None => true,
        };
        // The wait was dropped above (off the event's or lock's list).
        if push {
            kick.set();
        }
    }

    /// Runs the scheduler until Python task `main` has ended (its Baton task
    /// finished) or virtual time passes the end. Answers a [`run`] code.
    ///
    /// Refused while a task runs: the executor is in the middle of that task's poll, so a
    /// scheduler run inside it would poll the executor from within itself (a panic, and a
    /// trap that leaves this PySim borrowed for good). asyncio.py refuses a nested
    /// `asyncio.run` itself, as the library does; this is for a program that calls
    /// `_baton.run` directly.
    pub fn run(&self, main: u32) -> Result<i32, JsError> {
        if self.inner.current.get().is_some() {
            return Err(JsError::new(
                "the scheduler runs from code.py's top level only (asyncio.run), not from a task",
            ));
        }
        Ok(self.run_scheduler(main))
    }

    fn run_scheduler(&self, main: u32) -> i32 {
        let inner = &self.inner;
        let outer = (inner.main.replace(Some(main)), inner.main_done.replace(false));
        let code = loop {
            if inner.main_done.get() {
                break run::MAIN_DONE;
            }
            inner.board.advance(0);
            if inner.past_end() {
                break run::STOPPED;
            }
            let cost = inner.poll_cost_us.get();
            let board = &inner.board;
            let start = board.now_us();
            // (In the page, charging the cost waits until the page allows it.)
            let dropped = &inner.dropped;
            let charge = |task| {
                if !dropped.borrow().contains(&task) {
                    board.advance(cost);
                }
            };
            if let Some(outcome) = inner.exec.poll_one_with(charge) {
                let gone = dropped.borrow().iter().position(|&t| t == outcome.task);
                if let Some(i) = gone {
                    // A task new_event_loop dropped: gone, at no cost, unseen.
                    dropped.borrow_mut().swap_remove(i);
                    continue;
                }
                if inner.task_events.get() {
                    let turn = turn(start, board.now_us(), outcome.task.as_u64(), outcome.state);
                    inner.turns.borrow_mut().extend_from_slice(&turn);
                }
                continue;
            }
            let next =
                [inner.exec.next_deadline().map(|t| t.as_micros()), board.next_input_us()].into_iter().flatten().min();
            // Nothing can ever wake a task: the library waits in 3 ms steps
            // until the end.
            let to = next.unwrap_or(inner.end_us.saturating_add(1)).min(inner.end_us.saturating_add(1));
            // In the page, the jump may stop short (a press came in): look again from there.
            board.advance_toward(to.max(board.now_us()));
        };
        inner.main.set(outer.0);
        inner.main_done.set(outer.1);
        code
    }

    // ---------------------------------------------------------------- events, locks

    /// A new `baton::Event`; returns its handle.
    pub fn event_new(&self) -> usize {
        let mut events = self.inner.events.borrow_mut();
        events.push(Event::new());
        events.len() - 1
    }

    /// `Event.set()`: wakes every waiter, in order.
    pub fn event_set(&self, ev: usize) {
        let e = self.inner.events.borrow().get(ev).cloned();
        if let Some(e) = e {
            e.set();
        }
    }

    /// `Event.clear()`.
    pub fn event_clear(&self, ev: usize) {
        if let Some(e) = self.inner.events.borrow().get(ev) {
            e.clear();
        }
    }

    /// `Event.is_set()`.
    pub fn event_is_set(&self, ev: usize) -> bool {
        self.inner.events.borrow().get(ev).is_some_and(Event::is_set)
    }

    /// The running task waits for event `ev`. Returns `false` if it is set
    /// (no wait).
    pub fn event_wait(&self, ev: usize) -> bool {
        let e = self.inner.events.borrow().get(ev).cloned();
        let Some(e) = e else { return false };
        let mut wait = e.wait();
        if Inner::poll_once(&mut wait).is_ready() {
            return false;
        }
        self.inner.set_pending(Wait::Event(wait));
        true
    }

    /// A new `baton::Lock`; returns its handle.
    pub fn lock_new(&self) -> usize {
        let mut locks = self.inner.locks.borrow_mut();
        locks.push(Lk { lock: Lock::new(), guard: None });
        locks.len() - 1
    }

    /// `Lock.acquire()` for the running task: `true` if it has the lock now;
    /// `false` if it waits for it (it is on the lock's list).
    pub fn lock_acquire(&self, lock: usize) -> bool {
        let Some(id) = self.inner.current.get() else { return false };
        let l = self.inner.locks.borrow().get(lock).map(|l| l.lock.clone());
        let Some(l) = l else { return false };
        let mut acquire = l.acquire();
        match Inner::poll_once(&mut acquire) {
            Poll::Ready(guard) => {
                self.inner.locks.borrow_mut()[lock].guard = Some((id, guard));
                true
            }
            Poll::Pending => {
                self.inner.set_pending(Wait::Lock(lock, acquire));
                false
            }
        }
    }

    /// `Lock.release()`: hands the lock to the first waiter, if any. Returns
    /// `false` if the lock is not held (nobody has resumed with it).
    pub fn lock_release(&self, lock: usize) -> bool {
        let guard = self.inner.locks.borrow_mut().get_mut(lock).and_then(|l| l.guard.take());
        let held = guard.is_some();
        drop(guard);
        held
    }

    /// The Python task that holds lock `lock` (and has resumed with it), or -1.
    pub fn lock_holder(&self, lock: usize) -> f64 {
        self.inner.locks.borrow().get(lock).and_then(|l| l.guard.as_ref()).map_or(-1.0, |g| f64::from(g.0))
    }

    /// `Lock.locked()`.
    pub fn lock_locked(&self, lock: usize) -> bool {
        self.inner.locks.borrow().get(lock).is_some_and(|l| l.lock.locked())
    }

    // ---------------------------------------------------------------- the board

    /// A `DigitalInOut` switched to output on `pin`; returns its handle (the
    /// same for the same pin).
    pub fn output(&self, pin: &str) -> Result<usize, JsError> {
        let pin = pin_of(pin)?;
        if let Some(&h) = self.inner.output_of.borrow().get(&pin) {
            return Ok(h);
        }
        let out = self.inner.board.output(pin).map_err(|e| JsError::new(&e.to_string()))?;
        self.inner.add_part(Part::Led(pin));
        let mut outputs = self.inner.outputs.borrow_mut();
        outputs.push((out, pin, None));
        self.inner.output_of.borrow_mut().insert(pin, outputs.len() - 1);
        Ok(outputs.len() - 1)
    }

    /// Drives output `h` high or low, and records it. Python's `DigitalInOut` calls this only
    /// when its own value changes, and so the judge's board records it: a second
    /// `DigitalInOut` on a pin (a blink task started again) records its first level even if
    /// the first one left the pin there, which the board itself would not.
    pub fn write(&self, h: usize, value: bool) {
        use embedded_hal::digital::OutputPin;
        if let Some((o, pin, level)) = self.inner.outputs.borrow_mut().get_mut(h) {
            if *level == Some(value) {
                let t_us = self.inner.board.now_us();
                self.inner.board.record(|| baton_sim::TraceEvent::Pin { t_us, pin: *pin, value });
            } else {
                *level = Some(value);
                let _ = if value { o.set_high() } else { o.set_low() };
            }
        }
    }

    /// Reads input `pin` (a button: `true` released, `false` pressed).
    pub fn read(&self, pin: &str) -> Result<bool, JsError> {
        let pin = pin_of(pin)?;
        self.inner.claim_input(pin);
        self.inner.board.advance(0);
        Ok(self.inner.board.input_level(pin))
    }

    /// `keypad.Keys(pins, value_when_pressed=…)`: scans `pins` (names,
    /// comma-separated) every 20 ms from now. Returns its handle.
    pub fn keys_new(&self, pins: &str, value_when_pressed: bool) -> Result<usize, JsError> {
        let pins = pins.split(',').filter(|p| !p.is_empty()).map(pin_of).collect::<Result<Vec<_>, _>>()?;
        for &p in &pins {
            self.inner.claim_input(p);
        }
        let n = pins.len();
        let keys =
            Rc::new(RefCell::new(Keys { pins, value_when_pressed, pressed: vec![false; n], queue: VecDeque::new() }));
        let scan = keys.clone();
        let board = self.inner.board.clone();
        let interval = baton::Duration::from_micros(SCAN_US);
        self.inner.exec.call_at(self.inner.exec.now(), move |at| {
            let mut k = scan.borrow_mut();
            for i in 0..k.pins.len() {
                let pressed = board.input_level(k.pins[i]) == k.value_when_pressed;
                if pressed != k.pressed[i] {
                    k.pressed[i] = pressed;
                    k.queue.push_back((i, pressed));
                }
            }
            Some(at + interval)
        });
        let mut all = self.inner.keys.borrow_mut();
        all.push(keys);
        Ok(all.len() - 1)
    }

    /// `keys.events.get()`: the next event as `key_number * 2 + pressed`, or -1.
    pub fn keys_get(&self, h: usize) -> i32 {
        self.inner.board.advance(0);
        let keys = self.inner.keys.borrow().get(h).cloned();
        let Some(keys) = keys else { return -1 };
        let e = keys.borrow_mut().queue.pop_front();
        e.map_or(-1, |(k, pressed)| (k as i32) * 2 + i32::from(pressed))
    }

    /// `len(keys.events)`: how many events wait in the queue (after the scans due now).
    pub fn keys_len(&self, h: usize) -> u32 {
        self.inner.board.advance(0);
        let keys = self.inner.keys.borrow().get(h).cloned();
        keys.map_or(0, |k| u32::try_from(k.borrow().queue.len()).unwrap_or(u32::MAX))
    }

    /// `countio.Counter(pin, edge=…)` (`edge`: 0 rise, 1 fall, 2 both).
    /// Returns its handle.
    pub fn counter_new(&self, pin: &str, edge: u8) -> Result<usize, JsError> {
        let pin = pin_of(pin)?;
        let source =
            self.inner.board.edge_input(pin, baton_board::Pull::Up).map_err(|e| JsError::new(&e.to_string()))?;
        self.inner.add_part(Part::Button(pin));
        let edge = match edge {
            0 => Edge::Rise,
            2 => Edge::RiseAndFall,
            _ => Edge::Fall,
        };
        let mut counters = self.inner.counters.borrow_mut();
        counters.push(Counter::new(source, edge));
        Ok(counters.len() - 1)
    }

    /// `counter.count`.
    pub fn counter_count(&self, h: usize) -> f64 {
        self.inner.board.advance(0);
        self.inner.counters.borrow().get(h).map_or(0.0, |c| f64::from(c.count()))
    }

    /// `counter.count = value`.
    pub fn counter_set(&self, h: usize, value: f64) {
        self.inner.board.advance(0);
        if let Some(c) = self.inner.counters.borrow_mut().get_mut(h) {
            c.set_count(value.max(0.0) as u32);
        }
    }

    /// `neopixel.NeoPixel(pin, n, brightness=…)` (auto_write is the Python
    /// side's business). Returns its handle.
    pub fn pixels_new(&self, pin: &str, n: usize, brightness: f64) -> Result<usize, JsError> {
        let pin = pin_of(pin)?;
        if !(1..=MAX_PIXELS).contains(&n) {
            return Err(JsError::new(&format!("the virtual board has room for 1 to {MAX_PIXELS} pixels, not {n}")));
        }
        let out = self.inner.board.neopixel(pin, n).map_err(|e| JsError::new(&e.to_string()))?;
        self.inner.add_part(Part::Pixels(pin, n));
        let mut strips = self.inner.strips.borrow_mut();
        strips.push(NeoPixel::new(out, n, brightness as f32, false));
        Ok(strips.len() - 1)
    }

    /// Sets pixel `i` of strip `h` to `rgb` (0xRRGGBB).
    pub fn pixels_set(&self, h: usize, i: usize, rgb: u32) {
        if let Some(s) = self.inner.strips.borrow_mut().get_mut(h) {
            if i < s.len() {
                s.set(i, rgb);
            }
        }
    }

    /// Sets the brightness of strip `h`.
    pub fn pixels_brightness(&self, h: usize, b: f64) {
        if let Some(s) = self.inner.strips.borrow_mut().get_mut(h) {
            s.set_brightness(b as f32);
        }
    }

    /// `show()`: costs the wire time, then records the frame. Returns whether
    /// virtual time has passed the end.
    pub fn pixels_show(&self, h: usize) -> bool {
        // (In the page, the wire time waits until the page allows it: no strip is borrowed
        // by anything the pace function calls.)
        if let Some(s) = self.inner.strips.borrow_mut().get_mut(h) {
            s.show();
        }
        self.inner.past_end()
    }

    /// `time.sleep(s)`, given in µs (`round(s * 1e6)`): time moves while the
    /// task keeps control. Returns whether virtual time has passed the end.
    pub fn sleep_us(&self, us: f64) -> bool {
        // Moves the clock as the board's blocking `time.sleep` does (in the page, in the
        // steps the page allows).
        let to = self.inner.board.now_us().saturating_add(us.max(0.0) as u64);
        self.inner.board.advance_to(to);
        self.inner.past_end()
    }

    /// `time.monotonic()`: costs 1 µs; seconds, or -1 past the end.
    pub fn monotonic(&self) -> f64 {
        use baton_board::time::Time as _;
        let t = self.inner.time.monotonic();
        if self.inner.past_end() {
            -1.0
        } else {
            t
        }
    }

    /// A `pwmio.PWMOut` on `pin` was created, or its duty cycle or frequency changed: a
    /// `pwm` event, as the judge records it (its fields in the judge's order).
    pub fn pwm(&self, pin: &str, duty_cycle: u16, frequency: f64) -> Result<(), JsError> {
        let pin = pin_of(pin)?;
        self.inner.add_part(Part::Pwm(pin));
        let t = self.inner.board.now_us();
        self.inner.line(&pwm_line(t, pin, duty_cycle, frequency));
        Ok(())
    }

    /// An `analogio.AnalogIn` on `pin` (a potentiometer, for the page to draw).
    pub fn analog_new(&self, pin: &str) -> Result<(), JsError> {
        self.inner.add_part(Part::Analog(pin_of(pin)?));
        Ok(())
    }

    /// `AnalogIn.value`: the last reading of `pin` at or before now, 0 before any. Free.
    pub fn analog(&self, pin: &str) -> Result<i32, JsError> {
        let (pin, now) = (pin_of(pin)?, self.inner.board.now_us());
        // Of two readings at one microsecond the larger holds, as in the judge (it sorts them).
        let readings = self.inner.analog.borrow();
        let last = readings.iter().filter(|e| e.pin == pin && e.t_us <= now).max_by_key(|e| (e.t_us, e.value));
        Ok(last.map_or(0, |e| e.value))
    }

    /// A `rotaryio.IncrementalEncoder` on `pin_a`, `pin_b` (a knob, for the page to draw).
    /// Returns now, µs: its position counts the turns after it.
    pub fn encoder_new(&self, pin_a: &str, pin_b: &str) -> Result<f64, JsError> {
        self.inner.add_part(Part::Encoder(pin_of(pin_a)?, pin_of(pin_b)?));
        Ok(self.inner.board.now_us() as f64)
    }

    /// The detents the knob on `pin_a` turned after `since_us`, up to now. Free.
    pub fn turned(&self, pin_a: &str, since_us: f64) -> Result<f64, JsError> {
        let (pin, now) = (pin_of(pin_a)?, self.inner.board.now_us());
        let turns = self.inner.turns_in.borrow();
        let sum: i64 = turns
            .iter()
            .filter(|e| e.pin == pin && e.t_us <= now && e.t_us as f64 > since_us)
            .map(|e| i64::from(e.value))
            .sum();
        Ok(sum as f64)
    }

    /// `print(...)`: one line on the console and in the trace.
    pub fn print(&self, line: &str) {
        use baton_board::console::Console as _;
        self.inner.console.print_line(line);
    }

    /// Records a line for the trace that is not a board event (a task's
    /// uncaught exception, as CircuitPython prints it).
    pub fn note(&self, text: &str) {
        self.inner.note(text);
    }

    /// Whether [`PySim::take_trace`] has something to give (a headless run sends its trace on
    /// at each turn that has some, so that a task that then never awaits has shown all it did
    /// before).
    pub fn has_trace(&self) -> bool {
        self.inner.board.has_trace() || !self.inner.out.borrow().is_empty()
    }

    /// The trace so far, as JSON Lines (taken: the next call gives what
    /// follows). Uncaught task exceptions are `"kind": "exception"` lines.
    pub fn take_trace(&self) -> String {
        let mut out = std::mem::take(&mut *self.inner.out.borrow_mut());
        for e in self.inner.board.take_trace() {
            out.push_str(&e.to_json());
            out.push('\n');
        }
        out
    }
}
