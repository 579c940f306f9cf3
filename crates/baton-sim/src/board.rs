//! The virtual board: pins, buttons, a NeoPixel strip and a console on a
//! virtual clock, implementing [`baton_board::Board`] so the demos run on it
//! unchanged.
//!
//! Everything that costs virtual time goes through one function (`Core::advance`), which
//! also applies the input script up to the new time — so a button press that
//! happens during a blocking `time.sleep()` or a NeoPixel `show()` is seen
//! at its exact time by `countio`, and by the next read of the pin.

use crate::inputs::{Bounce, InputEvent};
use crate::trace::TraceEvent;
use baton::Instant;
use baton_board::countio::{EdgeSink, EdgeSource};
use baton_board::neopixel::{Color, PixelOutput};
use baton_board::{Board, BoardError, Pin, Pull};
use litemap::LiteMap;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::convert::Infallible;
use std::rc::Rc;
use std::time::Duration;

/// The wire time of a NeoPixel `show()` of `n` pixels, in µs (the timing
/// model: 30 µs a pixel plus an 80 µs latch).
pub fn show_cost_us(n: usize) -> u64 {
    30 * n as u64 + 80
}

/// A NeoPixel strip's last frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Strip {
    /// The colours as the program set them.
    pub colors: Vec<Color>,
    /// The brightness applied on the way out.
    pub brightness: f32,
}

/// A host's pace function (see [`VirtualBoard::set_pace`]): given the time now and the time
/// the board wants to reach, µs, it answers how far time may move — at once, or after
/// waiting — and may schedule inputs meanwhile. An answer at or before now stops the run.
pub type Pace = Box<dyn FnMut(u64, u64) -> u64>;

/// The board's state, shared by every pin handle and the simulation.
#[derive(Default)]
pub(crate) struct Core {
    now: Cell<u64>,
    /// Output levels; `None` until first driven.
    pub(crate) outputs: RefCell<LiteMap<Pin, Option<bool>>>,
    /// Input levels (`true`: high, released). Unlisted pins read high.
    pub(crate) inputs: RefCell<LiteMap<Pin, bool>>,
    /// Level changes still to come, in time order.
    pending: RefCell<VecDeque<(u64, Pin, bool)>>,
    sinks: RefCell<LiteMap<Pin, EdgeSink>>,
    claimed: RefCell<LiteMap<Pin, ()>>,
    pub(crate) strips: RefCell<LiteMap<Pin, Strip>>,
    pub(crate) trace: RefCell<Vec<TraceEvent>>,
    pub(crate) console: RefCell<Vec<(u64, String)>>,
    pub(crate) bounce: Cell<Option<Bounce>>,
    /// The scheduler's background callbacks (keypad scans), run at their
    /// exact instants as time moves.
    pub(crate) background: std::cell::OnceCell<baton::Background>,
    /// Whether events go to the trace (the board's state is kept either way).
    pub(crate) tracing: Cell<bool>,
    /// The host's pace function (`None`: time moves freely), whether there is one (the
    /// simulator's own runs look at this flag only), and the horizon it granted last.
    pace: RefCell<Option<Pace>>,
    paced: Cell<bool>,
    paced_until: Cell<u64>,
    /// The pace function granted nothing: the host is stopping the run, time stands still.
    pub(crate) halted: Cell<bool>,
    /// The task being polled and when its turn began, while a poll is under way.
    pub(crate) polling: Cell<Option<(u64, u64)>>,
    /// When time hurries, if it ever does (see [`crate::Simulation::hurry_after`]).
    pub(crate) hurry: Cell<Option<Hurry>>,
    /// When it began to hurry.
    pub(crate) hurried_from: Cell<Option<u64>>,
}

/// Past `after_us`, or once `moves_left` moves of time are spent, every move of time goes at
/// least [`HURRY_US`] on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hurry {
    pub(crate) after_us: u64,
    pub(crate) moves_left: u64,
}

/// How far each move of time goes at least, once time hurries: an hour, so that a blocking
/// program's waits end at their first clock read, and its loops (bounded by the guide's
/// parameters: at most 1,000 intervals of at most 60 s) run out in a few thousand steps.
pub(crate) const HURRY_US: u64 = 3_600_000_000;

impl Core {
    pub(crate) fn now(&self) -> u64 {
        self.now.get()
    }

    /// Records an event, if tracing; the event is only built when it is kept.
    pub(crate) fn record(&self, event: impl FnOnce() -> TraceEvent) {
        if self.tracing.get() {
            self.trace.borrow_mut().push(event());
        }
    }

    /// Moves virtual time forward by `us`, applying inputs on the way.
    pub(crate) fn advance(&self, us: u64) {
        self.advance_to(self.now.get().saturating_add(us));
    }

    /// Moves virtual time forward to `t` (never back): a blocking call (a sleep, a clock
    /// read, a NeoPixel frame) returns only there. With a pace function, in the steps it
    /// allows, inputs it schedules meanwhile happening on the way at their own times.
    pub(crate) fn advance_to(&self, t: u64) {
        let t = self.hurried(t);
        loop {
            let step = self.allow(t);
            self.move_to(step);
            if step >= t || self.halted.get() {
                break;
            }
        }
    }

    /// `t`, or at least [`HURRY_US`] from now once time hurries (one `Cell` read otherwise).
    fn hurried(&self, t: u64) -> u64 {
        let Some(mut hurry) = self.hurry.get() else { return t };
        let now = self.now.get();
        if now < hurry.after_us && hurry.moves_left > 0 {
            hurry.moves_left -= 1;
            self.hurry.set(Some(hurry));
            return t;
        }
        if self.hurried_from.get().is_none() {
            self.hurried_from.set(Some(now));
        }
        t.max(now.saturating_add(HURRY_US))
    }

    /// One step towards `t`, as far as the pace function allows now: a host loop's idle
    /// jump, which looks again from where it got (a press that came in may wake a task).
    pub(crate) fn advance_toward(&self, t: u64) {
        self.move_to(self.allow(t));
    }

    /// How far time may move towards `t` now: all the way without a pace function; with
    /// one, no further than the horizon it granted last, and it is asked for a new one only
    /// once time has reached that horizon (so a step within it costs a comparison).
    fn allow(&self, t: u64) -> u64 {
        if !self.paced.get() {
            return t;
        }
        let (now, paced) = (self.now.get(), self.paced_until.get());
        if self.halted.get() {
            return now;
        }
        if t <= paced {
            return t;
        }
        if paced > now {
            return paced;
        }
        // Taken out while it runs: it may call back into the board (schedule a press).
        let Some(mut pace) = self.pace.borrow_mut().take() else { return t };
        let granted = pace(now, t);
        *self.pace.borrow_mut() = Some(pace);
        if granted <= now {
            self.halted.set(true);
            return now;
        }
        self.paced_until.set(granted);
        granted.min(t)
    }

    /// Moves virtual time forward to `t` (never back), unpaced. On the way, every
    /// input change and every background callback (keypad scan) happens at
    /// its own instant, in time order — an input change before a scan at the
    /// same instant, so "a change is seen by the first scan at or after it".
    fn move_to(&self, t: u64) {
        loop {
            let input = self.pending.borrow().front().map(|e| e.0).filter(|&te| te <= t);
            let background = self.background.get();
            let scan = background.and_then(|b| b.next_deadline()).map(|i| i.as_micros()).filter(|&tc| tc <= t);
            match (input, scan) {
                (Some(ti), tc) if tc.is_none_or(|tc| ti <= tc) => {
                    let Some((te, pin, level)) = self.pending.borrow_mut().pop_front() else { break };
                    self.now.set(self.now.get().max(te));
                    self.set_input(pin, level);
                }
                (_, Some(tc)) => {
                    self.now.set(self.now.get().max(tc));
                    if let Some(b) = background {
                        b.run_due(Instant::from_micros(self.now.get()));
                    }
                }
                _ => break,
            }
        }
        self.now.set(self.now.get().max(t));
    }

    /// The time of the next scheduled input change.
    pub(crate) fn next_input(&self) -> Option<u64> {
        self.pending.borrow().front().map(|e| e.0)
    }

    fn set_input(&self, pin: Pin, level: bool) {
        let old = self.inputs.borrow_mut().insert(pin, level).unwrap_or(true);
        if old != level {
            self.record(|| TraceEvent::Input { t_us: self.now(), pin, value: level });
            // The "interrupt": countio sees every edge, at its time.
            let sink = self.sinks.borrow().get(&pin).cloned();
            if let Some(sink) = sink {
                sink.edge(level);
            }
        }
    }

    /// Schedules button events (with bounce, if enabled). Events in the past
    /// happen now.
    pub(crate) fn schedule(&self, events: &[InputEvent]) {
        let bounce = self.bounce.get();
        let mut pending = self.pending.borrow_mut();
        // `pending` is in time order (only this adds to it): each change goes after every one
        // at or before its time, so simultaneous changes keep their order, as a stable sort
        // would keep them (without one: the slice's stable sort is 1.5 KB of the page's wasm).
        let mut add = |change: (u64, Pin, bool)| {
            let at = pending.partition_point(|p| p.0 <= change.0);
            pending.insert(at, change);
        };
        for e in events {
            let level = !e.pressed;
            let t = e.t_us.max(self.now());
            match bounce {
                Some(b) => b.levels(t, level).into_iter().for_each(|(t, l)| add((t, e.pin, l))),
                None => add((t, e.pin, level)),
            }
        }
    }

    fn drive(&self, pin: Pin, level: bool) {
        let old = self.outputs.borrow_mut().insert(pin, Some(level)).flatten();
        if old != Some(level) {
            self.record(|| TraceEvent::Pin { t_us: self.now(), pin, value: level });
        }
    }

    fn claim(&self, pin: Pin) -> Result<(), BoardError> {
        if self.claimed.borrow_mut().insert(pin, ()).is_some() {
            return Err(BoardError::PinInUse(pin));
        }
        Ok(())
    }

    pub(crate) fn print(&self, line: &str) {
        let t = self.now();
        self.console.borrow_mut().push((t, line.into()));
        self.record(|| TraceEvent::Print { t_us: t, text: line.into() });
    }
}

/// The virtual board the demos run on (see the [module docs](self)).
#[derive(Clone)]
pub struct VirtualBoard {
    pub(crate) core: Rc<Core>,
}

/// Host access for drivers other than [`crate::Simulation`] (Python mode's
/// `baton-py`): the same board and clock, driven by their own host loop.
impl VirtualBoard {
    /// A new board at time 0, recording a trace if `trace`.
    pub fn new(trace: bool) -> VirtualBoard {
        let core = Rc::new(Core::default());
        core.tracing.set(trace);
        VirtualBoard { core }
    }

    /// The board's virtual clock, for an [`baton::Executor`].
    pub fn clock(&self) -> impl baton::Clock + 'static {
        SimClock(self.core.clone())
    }

    /// Runs `background`'s callbacks (keypad scans) at their own instants as
    /// time moves. Only the first call has an effect.
    pub fn attach_background(&self, background: baton::Background) {
        let _ = self.core.background.set(background);
    }

    /// Virtual time now, µs.
    pub fn now_us(&self) -> u64 {
        self.core.now()
    }

    /// Moves time forward by `us` (inputs and background callbacks on the way).
    pub fn advance(&self, us: u64) {
        self.core.advance(us);
    }

    /// Moves time forward to `t_us` (never back); paced, in the steps the pace allows.
    pub fn advance_to(&self, t_us: u64) {
        self.core.advance_to(t_us);
    }

    /// One step towards `t_us`: all the way unpaced; paced, as far as the pace allows now
    /// (a host loop's idle jump, which looks again from there: a press may have come in).
    pub fn advance_toward(&self, t_us: u64) {
        self.core.advance_toward(t_us);
    }

    /// The time of the next scheduled input change.
    pub fn next_input_us(&self) -> Option<u64> {
        self.core.next_input()
    }

    /// Paces virtual time (`None`: it moves freely, as headless). Every move of the clock —
    /// a poll's cost, an idle jump, a blocking `time.sleep()`, a clock read, a NeoPixel frame,
    /// also in the middle of a blocking poll — first asks `pace` when it would pass the
    /// horizon granted last. The playground's worker waits there for the page's display to
    /// catch up, so a blocking demo runs across frames instead of inside one.
    pub fn set_pace(&self, pace: Option<Pace>) {
        self.core.paced_until.set(self.core.now());
        self.core.halted.set(false);
        self.core.paced.set(pace.is_some());
        *self.core.pace.borrow_mut() = pace;
    }

    /// Whether the pace function stopped the run (time stands still from then on).
    pub fn halted(&self) -> bool {
        self.core.halted.get()
    }

    /// The task a [`crate::Simulation`] is polling and when its turn began, while the poll
    /// is under way (a pace function may ask: a blocking poll lasts as long as its program).
    pub fn polling(&self) -> Option<(u64, u64)> {
        self.core.polling.get()
    }

    /// Schedules button events; events in the past happen now.
    pub fn schedule_inputs(&self, events: &[InputEvent]) {
        self.core.schedule(events);
    }

    /// An input pin's level now (`true`: high, released).
    pub fn input_level(&self, pin: Pin) -> bool {
        self.core.inputs.borrow().get(&pin).copied().unwrap_or(true)
    }

    /// Makes the buttons bounce (see [`Bounce`]) from now on, or not.
    pub fn set_bounce(&self, bounce: Option<crate::Bounce>) {
        self.core.bounce.set(bounce);
    }

    /// Records an event the board does not see itself (a host's `task` event), if tracing.
    pub fn record(&self, event: impl FnOnce() -> TraceEvent) {
        self.core.record(event);
    }

    /// Takes the recorded events, leaving the trace empty.
    pub fn take_trace(&self) -> Vec<TraceEvent> {
        std::mem::take(&mut *self.core.trace.borrow_mut())
    }

    /// Whether events were recorded since the last [`VirtualBoard::take_trace`].
    pub fn has_trace(&self) -> bool {
        !self.core.trace.borrow().is_empty()
    }
}

/// An output pin of the virtual board.
pub struct Output {
    core: Rc<Core>,
    pin: Pin,
}

impl embedded_hal::digital::ErrorType for Output {
    type Error = Infallible;
}

impl embedded_hal::digital::OutputPin for Output {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.core.drive(self.pin, false);
        Ok(())
    }
    fn set_high(&mut self) -> Result<(), Infallible> {
        self.core.drive(self.pin, true);
        Ok(())
    }
}

/// An input pin of the virtual board: a button, pulled up (active-low).
pub struct Input {
    core: Rc<Core>,
    pin: Pin,
}

impl Input {
    fn level(&self) -> bool {
        self.core.inputs.borrow().get(&self.pin).copied().unwrap_or(true)
    }
}

impl embedded_hal::digital::ErrorType for Input {
    type Error = Infallible;
}

impl embedded_hal::digital::InputPin for Input {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(self.level())
    }
    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(!self.level())
    }
}

/// A pin whose edges the virtual board reports like an interrupt.
pub struct EdgeInput {
    core: Rc<Core>,
    pin: Pin,
}

impl EdgeSource for EdgeInput {
    fn attach(&mut self, sink: EdgeSink) {
        self.core.sinks.borrow_mut().insert(self.pin, sink);
    }
    fn detach(&mut self) {
        self.core.sinks.borrow_mut().remove(&self.pin);
    }
}

/// The virtual NeoPixel strip: each `show()` costs its wire time and is
/// recorded.
pub struct Pixels {
    core: Rc<Core>,
    pin: Pin,
}

impl PixelOutput for Pixels {
    fn show(&mut self, colors: &[Color], brightness: f32) {
        self.core.advance(show_cost_us(colors.len()));
        let t_us = self.core.now();
        self.core.strips.borrow_mut().insert(self.pin, Strip { colors: colors.to_vec(), brightness });
        self.core.record(|| TraceEvent::Pixels { t_us, pin: self.pin, brightness, colors: colors.to_vec() });
    }
}

/// The guide's `time` on the virtual clock: a blocking sleep moves time
/// while the caller keeps control; reading the clock costs 1 µs.
#[derive(Clone)]
pub struct Time {
    core: Rc<Core>,
}

impl baton_board::time::Time for Time {
    fn sleep(&self, d: Duration) {
        self.core.advance(micros(d));
    }
    fn monotonic(&self) -> f64 {
        self.core.advance(1);
        self.core.now() as f64 / 1e6
    }
}

fn micros(d: Duration) -> u64 {
    (Instant::ZERO + d).as_micros()
}

/// The console: each line goes to the trace and the console log.
#[derive(Clone)]
pub struct Console {
    core: Rc<Core>,
}

impl baton_board::console::Console for Console {
    fn print_line(&self, line: &str) {
        self.core.print(line);
    }
}

impl Board for VirtualBoard {
    type Output = Output;
    type Input = Input;
    type EdgeInput = EdgeInput;
    type Pixels = Pixels;
    type Time = Time;
    type Console = Console;

    fn output(&self, pin: Pin) -> Result<Output, BoardError> {
        self.core.claim(pin)?;
        self.core.outputs.borrow_mut().insert(pin, None);
        Ok(Output { core: self.core.clone(), pin })
    }

    fn input(&self, pin: Pin, _pull: Pull) -> Result<Input, BoardError> {
        // Every virtual button is wired active-low with a pull-up, so the
        // pin reads high until pressed whatever pull is asked for.
        self.core.claim(pin)?;
        self.core.inputs.borrow_mut().entry(pin).or_insert(true);
        Ok(Input { core: self.core.clone(), pin })
    }

    fn edge_input(&self, pin: Pin, _pull: Pull) -> Result<EdgeInput, BoardError> {
        self.core.claim(pin)?;
        self.core.inputs.borrow_mut().entry(pin).or_insert(true);
        Ok(EdgeInput { core: self.core.clone(), pin })
    }

    fn neopixel(&self, pin: Pin, n: usize) -> Result<Pixels, BoardError> {
        self.core.claim(pin)?;
        self.core.strips.borrow_mut().insert(pin, Strip { colors: vec![Color::default(); n], brightness: 1.0 });
        Ok(Pixels { core: self.core.clone(), pin })
    }

    fn time(&self) -> Time {
        Time { core: self.core.clone() }
    }

    fn console(&self) -> Console {
        Console { core: self.core.clone() }
    }
}

/// The virtual clock as the scheduler reads it.
pub(crate) struct SimClock(pub(crate) Rc<Core>);

impl baton::Clock for SimClock {
    fn now(&self) -> Instant {
        Instant::from_micros(self.0.now())
    }
}
