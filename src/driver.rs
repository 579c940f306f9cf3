//! The simulation driver: runs a [`Simulation`] against a clock and keeps what the page shows.
//!
//! The page shows the board at the *display time*, which follows the wall clock times the
//! speed. Each frame the driver runs the simulation up to the display time (never more than a
//! poll budget, so the page never freezes: when the budget runs out, the display time falls
//! behind and [`FrameStats::behind`] says so), drains its trace, and applies the events up to
//! the display time to the board, the console, the inspector's task table and the timeline.
//!
//! A blocking demo runs seconds of virtual time inside ONE poll: its events arrive all at once
//! but wait in a queue until the display time reaches them, so its LEDs still blink visibly at
//! 1×. Memory stays flat: the trace is drained every frame and the timeline keeps only the
//! last [`TIMELINE_KEEP_US`] of events.

mod board;
mod source;

pub use board::{BoardRun, LIVE_LEAD_US};
pub use source::{Advanced, RunSource, Source, Stepped};

use crate::remote::{Pwm, Remote};
use crate::state::RunPlan;
use baton::TaskState;
use baton_board::neopixel::Color;
use baton_board::Pin;
use baton_sim::inputs::Input;
use baton_sim::{InputEvent, SimConfig, Simulation, TraceEvent};
use litemap::LiteMap;
use std::collections::VecDeque;

/// The most task polls run in one frame.
pub const MAX_POLLS_PER_FRAME: u64 = 20_000;
/// Polls run between two looks at the frame's time budget.
pub const POLL_CHUNK: u64 = 500;
/// How much history the timeline keeps, in virtual µs.
pub const TIMELINE_KEEP_US: u64 = 10_000_000;
/// The most console lines kept (older ones scroll away).
pub const CONSOLE_KEEP: usize = 500;
/// The shortest press, in virtual µs: a click is over in a few ms of wall time, which may be
/// no virtual time at all when paused or slowed down, and `keypad` only sees a press that
/// lasts until its next 20 ms scan. A real finger is slower than this anyway.
pub const MIN_HOLD_US: u64 = 50_000;
/// A poll longer than this (virtual µs) is a blocking one: Step shows it under way and then
/// reveals its events one instant at a time.
pub const LONG_POLL_US: u64 = 100_000;

/// One poll of one task, for the timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// When the turn began (poll cost included), µs.
    pub start_us: u64,
    /// When the task gave control back, µs.
    pub end_us: u64,
    /// The task's id.
    pub task: u64,
}

/// A pin's recent levels, for the timeline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PinTrack {
    /// Whether the pin is an input (a button) rather than an output (an LED).
    pub input: bool,
    /// The level before the first change kept (`None`: not driven yet).
    pub before: Option<bool>,
    /// Changes, in time order: (µs, level).
    pub changes: VecDeque<(u64, bool)>,
}

impl PinTrack {
    /// The level at `t_us`.
    pub fn level_at(&self, t_us: u64) -> Option<bool> {
        self.changes.iter().take_while(|(t, _)| *t <= t_us).last().map(|(_, v)| *v).or(self.before)
    }
}

/// The timeline's window of recent history (up to the display time).
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// Task polls, in time order.
    pub spans: VecDeque<Span>,
    /// Pin levels by pin.
    pub pins: LiteMap<Pin, PinTrack>,
    /// NeoPixel frames: (µs, strip pin).
    pub frames: VecDeque<(u64, Pin)>,
    /// A poll under way at the display time that a worker has reported but not ended (its
    /// `end_us` is the display time).
    pub open: Option<Span>,
}

impl Timeline {
    fn prune(&mut self, before_us: u64) {
        while self.spans.front().is_some_and(|s| s.end_us < before_us) {
            self.spans.pop_front();
        }
        for (_, track) in self.pins.iter_mut() {
            while track.changes.front().is_some_and(|(t, _)| *t < before_us) {
                let (_, v) = track.changes.pop_front().unwrap_or_default();
                track.before = Some(v);
            }
        }
        while self.frames.front().is_some_and(|(t, _)| *t < before_us) {
            self.frames.pop_front();
        }
    }
}

/// One row of the inspector's task table, as of the display time.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRow {
    /// The task's id.
    pub id: u64,
    /// Its name (the function that made it).
    pub name: String,
    /// Its state after its last poll.
    pub state: TaskState,
    /// The end of its current poll, if one is under way at the display time.
    pub running_until: Option<u64>,
    /// Polls so far.
    pub polls: u64,
    /// Virtual time spent in its polls, poll cost included, µs.
    pub busy_us: u64,
}

impl TaskRow {
    /// Its state at `t_us`: running inside a poll; a sleep that has ended is "ready".
    pub fn state_at(&self, t_us: u64) -> TaskState {
        match self.state {
            _ if self.running_until.is_some_and(|end| t_us < end) => TaskState::Running,
            TaskState::Sleeping { until } if until.as_micros() <= t_us => TaskState::Ready,
            s => s,
        }
    }
}

/// A NeoPixel strip as shown.
#[derive(Clone, Debug, PartialEq)]
pub struct StripState {
    /// The colours as the program set them.
    pub colors: Vec<Color>,
    /// The brightness applied on the way out.
    pub brightness: f32,
}

/// How the last frame went.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct FrameStats {
    /// Polls run in the last frame.
    pub polls: u64,
    /// Whether the last frame ran out of budget before reaching its target time.
    pub behind: bool,
    /// The speed reached over the last second of wall time (× real time), when running.
    pub achieved_speed: Option<f64>,
}

/// Runs a simulation and keeps the page's picture of it (see the [module docs](self)).
pub struct Driver {
    /// What the events come from ([`RunSource`]).
    source: Source,
    display_us: u64,
    /// Sub-µs remainder of the pacing, so that slow speeds still move.
    carry_us: f64,
    pending: VecDeque<TraceEvent>,
    /// Duty cycles still ahead of the display time (a worker's `pwm` events).
    pending_pwm: VecDeque<Pwm>,
    /// Each `PWMOut`'s duty cycle at the display time.
    duty: LiteMap<Pin, u16>,
    outputs: LiteMap<Pin, bool>,
    inputs: LiteMap<Pin, bool>,
    strips: LiteMap<Pin, StripState>,
    console: VecDeque<(u64, String)>,
    console_total: usize,
    tasks: LiteMap<u64, TaskRow>,
    timeline: Timeline,
    stats: FrameStats,
    /// (wall ms, display µs) samples over the last second, for the achieved speed.
    history: VecDeque<(f64, u64)>,
    wall_ms: f64,
}

impl Driver {
    /// Starts `config`'s demo at virtual time 0 with task events on, and schedules `inputs`
    /// (a recording to replay).
    pub fn new(mut config: SimConfig, inputs: &[InputEvent]) -> Self {
        config.task_events = true;
        config.trace = true;
        let mut sim = Simulation::new(config);
        sim.set_task_events(true);
        sim.schedule_inputs(inputs);
        Self::with_source(Source::Sim(sim))
    }

    /// The engine for `plan`, from 0 s.
    pub fn start(plan: RunPlan) -> Self {
        match plan {
            RunPlan::Sim { config, presses } => Driver::new(config, &presses),
            RunPlan::Worker { program, poll_cost_us, bounce, recorded } => {
                Driver::worker(Remote::new(program, poll_cost_us, bounce, &recorded))
            }
            RunPlan::Board { board, firmware, params } => Driver::board(BoardRun::new(board, firmware, &params)),
        }
    }

    /// Shows a run in a worker (the app starts the worker).
    pub fn worker(remote: Remote) -> Self {
        Self::with_source(Source::Worker(remote))
    }

    /// Shows your board's run, live.
    pub fn board(run: BoardRun) -> Self {
        Self::with_source(Source::Board(run))
    }

    /// Shows the run `source` gives.
    fn with_source(source: Source) -> Self {
        Driver {
            source,
            display_us: 0,
            carry_us: 0.0,
            pending: VecDeque::new(),
            pending_pwm: VecDeque::new(),
            duty: LiteMap::new(),
            outputs: LiteMap::new(),
            inputs: LiteMap::new(),
            strips: LiteMap::new(),
            console: VecDeque::new(),
            console_total: 0,
            tasks: LiteMap::new(),
            timeline: Timeline::default(),
            stats: FrameStats::default(),
            history: VecDeque::new(),
            wall_ms: 0.0,
        }
    }

    /// The simulation's configuration (a Rust demo's).
    pub fn config(&self) -> Option<&SimConfig> {
        self.source.config()
    }

    /// The worker's run, if this is one.
    pub fn remote(&self) -> Option<&Remote> {
        self.source.remote()
    }

    /// The worker's run, to pass it the worker's messages.
    pub fn remote_mut(&mut self) -> Option<&mut Remote> {
        self.source.remote_mut()
    }

    /// Your board's run, if this is one.
    pub fn board_run(&self) -> Option<&BoardRun> {
        self.source.board()
    }

    /// Your board's run, to pass it what the board said.
    pub fn board_mut(&mut self) -> Option<&mut BoardRun> {
        self.source.board_mut()
    }

    /// The time the page shows, µs.
    pub fn display_us(&self) -> u64 {
        self.display_us
    }

    /// The simulation's own time (ahead of the display inside a long blocking poll), µs.
    pub fn sim_us(&self) -> u64 {
        self.source.now_us()
    }

    /// Polls run since the start.
    pub fn total_polls(&self) -> u64 {
        self.source.polls()
    }

    /// When the program ended, if it has: its `main` returned (a Rust demo), or its code.py
    /// ran to its end.
    pub fn ended_us(&self) -> Option<u64> {
        self.source.ended_us()
    }

    /// Why a Rust demo stopped with an error, if it did (Python mode's errors are its own).
    pub fn failure(&self) -> Option<&str> {
        self.source.failure()
    }

    /// How the last frame went.
    pub fn stats(&self) -> FrameStats {
        self.stats
    }

    /// An output's level at the display time (`false` until driven).
    pub fn output(&self, pin: Pin) -> bool {
        self.outputs.get(&pin).copied().unwrap_or(false)
    }

    /// Whether a button reads pressed (low) at the display time.
    pub fn pressed(&self, pin: Pin) -> bool {
        self.inputs.get(&pin).is_some_and(|level| !level)
    }

    /// A `PWMOut`'s duty cycle at the display time (0–65535; 0 until set).
    pub fn duty(&self, pin: Pin) -> u16 {
        self.duty.get(&pin).copied().unwrap_or(0)
    }

    /// A potentiometer's reading (0–65535, 0 until turned) and the detents a knob has turned
    /// (its `pin_a`), as of the display time: the replayed and scheduled inputs up to it.
    pub fn level(&self, pin: Pin, turn: bool) -> i32 {
        let Some(r) = self.remote() else { return 0 };
        let known = r.levels().filter(|&(e, t)| e.pin == pin && t == turn && e.t_us <= self.display_us);
        if turn {
            known.fold(0, |sum: i32, (e, _)| sum.saturating_add(e.value))
        } else {
            known.last().map_or(0, |(e, _)| e.value)
        }
    }

    /// Every output driven so far and its level at the display time.
    pub fn outputs(&self) -> &LiteMap<Pin, bool> {
        &self.outputs
    }

    /// A strip's last frame at the display time.
    pub fn strip(&self, pin: Pin) -> Option<&StripState> {
        self.strips.get(&pin)
    }

    /// The last [`CONSOLE_KEEP`] console lines up to the display time, with their times.
    pub fn console(&self) -> &VecDeque<(u64, String)> {
        &self.console
    }

    /// How many lines have been printed up to the display time (kept or not).
    pub fn console_total(&self) -> usize {
        self.console_total
    }

    /// The task table at the display time, by id. Tasks not yet polled are listed too.
    pub fn tasks(&self) -> Vec<TaskRow> {
        let mut rows = self.tasks.clone();
        let row = |id, name| TaskRow { id, name, state: TaskState::Ready, running_until: None, polls: 0, busy_us: 0 };
        if let Some(open) = self.timeline.open {
            let name = || self.source.task_name(open.task).unwrap_or_else(|| "task".to_owned());
            let row = rows.entry(open.task).or_insert_with(|| row(open.task, name()));
            row.running_until = Some(u64::MAX);
            row.busy_us += open.end_us - open.start_us;
        }
        for (id, name) in self.source.known_tasks() {
            rows.entry(id).or_insert_with(|| row(id, name));
        }
        rows.into_tuple_vec().into_iter().map(|(_, row)| row).collect()
    }

    /// The timeline's window.
    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// Sets a potentiometer or turns a knob (an [`Input::Analog`] or [`Input::Turn`]): only a
    /// Python program has one, in a worker, which schedules it and says when.
    pub fn send(&mut self, input: Input) {
        self.source.send(input);
    }

    /// Presses (`true`) or releases a button now; returns the event to record. A release
    /// comes no sooner than [`MIN_HOLD_US`] after its press (`pressed_at`). A run in a
    /// worker schedules its presses itself and says when ([`Remote::take_scheduled`]): then
    /// there is nothing to return yet.
    pub fn set_button(&mut self, pin: Pin, pressed: bool, pressed_at: Option<u64>) -> Option<InputEvent> {
        self.source.press(pin, pressed, pressed_at)
    }

    /// Moves the display time forward by `virtual_us`, running the simulation as far as that
    /// (polls in chunks of [`POLL_CHUNK`], while `keep_going()` and under
    /// [`MAX_POLLS_PER_FRAME`]). `wall_ms` is the frame's wall-clock time, for the achieved
    /// speed.
    pub fn advance(&mut self, virtual_us: f64, wall_ms: f64, keep_going: &mut dyn FnMut() -> bool) {
        let exact = virtual_us.max(0.0) + self.carry_us;
        let whole = exact.floor();
        self.carry_us = exact - whole;
        let target = self.display_us.saturating_add(whole as u64);
        let Advanced { shown_us, polls, behind } = self.source.advance(target, keep_going);
        if behind {
            self.carry_us = 0.0;
        }
        self.stats.polls = polls;
        self.stats.behind = behind;
        self.show_until(shown_us.max(self.display_us));
        self.sample_speed(wall_ms);
    }

    /// Notes the wall-clock time while paused (so the achieved speed restarts cleanly).
    pub fn idle(&mut self, wall_ms: f64) {
        if let Some(to) = self.source.paused_show(self.display_us) {
            self.show_until(to);
        }
        self.history.clear();
        self.stats.achieved_speed = None;
        self.stats.polls = 0;
        self.stats.behind = false;
        self.wall_ms = wall_ms;
    }

    fn sample_speed(&mut self, wall_ms: f64) {
        self.wall_ms = wall_ms;
        self.history.push_back((wall_ms, self.display_us));
        while self.history.front().is_some_and(|(w, _)| wall_ms - w > 1000.0) {
            self.history.pop_front();
        }
        self.stats.achieved_speed = match (self.history.front(), self.history.back()) {
            (Some((w0, d0)), Some((w1, d1))) if w1 - w0 >= 250.0 => Some((d1 - d0) as f64 / 1000.0 / (w1 - w0)),
            _ => None,
        };
    }

    /// One step, for the Step button: shows the next event that is waiting for the display
    /// time, or else runs the next task poll and shows up to its end. Returns whether anything
    /// happened.
    pub fn step(&mut self) -> bool {
        self.carry_us = 0.0;
        if let Some(t) = self.pending.front().map(TraceEvent::t_us) {
            // Inside a long poll: reveal what it did, one instant at a time.
            self.show_until(t.max(self.display_us));
            return true;
        }
        match self.source.step() {
            Stepped::Polled { start_us, end_us } => {
                if end_us - start_us > LONG_POLL_US {
                    // A blocking poll: show it under way; the next steps reveal it.
                    self.show_until(start_us.max(self.display_us));
                } else {
                    self.show_until(end_us.max(self.display_us));
                }
                true
            }
            // The worker runs the turn; `idle` shows it when it has.
            Stepped::Asked => true,
            Stepped::Nothing => false,
        }
    }

    /// Moves the simulation's new events into the queue, in time order: a `task` event is
    /// recorded when its poll ends but carries the poll's start, so it goes before the events
    /// of its poll.
    fn drain(&mut self) {
        self.pending_pwm.extend(self.source.take_pwm());
        let events = self.source.take_events();
        for event in events {
            if let TraceEvent::Task { t_us, .. } = event {
                let at = self.pending.iter().rposition(|e| e.t_us() <= t_us).map_or(0, |i| i + 1);
                self.pending.insert(at, event);
            } else {
                self.pending.push_back(event);
            }
        }
    }

    /// Applies the events up to `t_us` and makes it the display time.
    fn show_until(&mut self, t_us: u64) {
        self.drain();
        self.display_us = t_us;
        // Only the last frame of each strip up to the display time matters.
        let mut last_frame: LiteMap<Pin, TraceEvent> = LiteMap::new();
        while self.pending.front().is_some_and(|e| e.t_us() <= t_us) {
            let Some(event) = self.pending.pop_front() else { break };
            match event {
                TraceEvent::Pin { t_us, pin, value } => {
                    self.outputs.insert(pin, value);
                    self.track(pin, false, t_us, value);
                }
                TraceEvent::Input { t_us, pin, value } => {
                    self.inputs.insert(pin, value);
                    self.track(pin, true, t_us, value);
                }
                TraceEvent::Print { t_us, text } => {
                    self.console.push_back((t_us, text));
                    self.console_total += 1;
                    if self.console.len() > CONSOLE_KEEP {
                        self.console.pop_front();
                    }
                }
                TraceEvent::Pixels { t_us, pin, .. } => {
                    self.timeline.frames.push_back((t_us, pin));
                    last_frame.insert(pin, event);
                }
                TraceEvent::Task { t_us, end_us, id, name, state } => {
                    let row = self.tasks.entry(id).or_insert_with(|| TaskRow {
                        id,
                        name: name.to_string(),
                        state,
                        running_until: None,
                        polls: 0,
                        busy_us: 0,
                    });
                    row.state = state;
                    row.polls += 1;
                    row.busy_us += end_us - t_us;
                    row.running_until = Some(end_us);
                    self.timeline.spans.push_back(Span { start_us: t_us, end_us, task: id });
                }
            }
        }
        while self.pending_pwm.front().is_some_and(|p| p.t_us <= t_us) {
            let Some(p) = self.pending_pwm.pop_front() else { break };
            self.duty.insert(p.pin, p.duty);
        }
        for (pin, event) in last_frame {
            if let TraceEvent::Pixels { brightness, colors, .. } = event {
                self.strips.insert(pin, StripState { colors, brightness });
            }
        }
        self.timeline.open = self.source.open_turn().filter(|&(_, start)| start <= t_us).map(|(task, start_us)| Span {
            start_us,
            end_us: t_us,
            task,
        });
        self.timeline.prune(t_us.saturating_sub(TIMELINE_KEEP_US));
    }

    fn track(&mut self, pin: Pin, input: bool, t_us: u64, value: bool) {
        let track = self.timeline.pins.entry(pin).or_default();
        track.input = input;
        if input && track.before.is_none() && track.changes.is_empty() {
            // Buttons rest high (released).
            track.before = Some(true);
        }
        track.changes.push_back((t_us, value));
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use baton_demos::DemoId;

    fn run(driver: &mut Driver, seconds: f64) {
        // 60 frames a second at 1×.
        let frames = (seconds * 60.0).round() as usize;
        for i in 0..frames {
            driver.advance(1e6 / 60.0, i as f64 * 16.7, &mut || true);
        }
    }

    #[test]
    fn blink_one_toggles_at_its_rate() {
        let mut d = Driver::new(SimConfig::new(DemoId::BlinkOne), &[]);
        let mut toggles = 0;
        let mut last = d.output(Pin::D(1));
        for i in 0..90 {
            d.advance(1e6 / 60.0, f64::from(i) * 16.7, &mut || true);
            if d.output(Pin::D(1)) != last {
                toggles += 1;
                last = !last;
            }
        }
        // 1.5 s of a 0.25 s on / 0.25 s off blink: 6 changes.
        assert!((5..=7).contains(&toggles), "{toggles}");
        assert!((1_490_000..=1_510_000).contains(&d.display_us()), "{}", d.display_us());
    }

    #[test]
    fn a_blocking_demo_is_shown_at_the_display_time() {
        let mut d = Driver::new(SimConfig::new(DemoId::BlinkBlocking), &[]);
        run(&mut d, 1.0);
        // The single poll ran the whole program (9 s) at once…
        assert!(d.sim_us() > 8_000_000, "{}", d.sim_us());
        // …but the page is at 1 s: LED 1 is still blinking, nothing printed, main running.
        assert!(d.display_us() < 1_100_000);
        assert!(d.console().is_empty());
        let main = d.tasks().into_iter().find(|t| t.name == "main").unwrap();
        assert_eq!(main.state_at(d.display_us()), TaskState::Running);
        run(&mut d, 9.0);
        assert_eq!(d.console().back().map(|(_, s)| s.as_str()), Some("done"));
    }

    #[test]
    fn memory_stays_flat() {
        let mut d = Driver::new(SimConfig::new(DemoId::Rainbow), &[]);
        for i in 0..80 {
            // 100×: 1.67 s of virtual time a frame.
            d.advance(1e8 / 60.0, f64::from(i) * 16.7, &mut || true);
        }
        assert!(d.display_us() > 100_000_000);
        let first = d.timeline().spans.front().unwrap().end_us;
        assert!(first >= d.display_us() - TIMELINE_KEEP_US);
        assert!(d.pending.len() < 10, "{}", d.pending.len());
        let strip = d.strip(Pin::A(0)).unwrap();
        assert_eq!(strip.colors.len(), 24);
    }

    #[test]
    fn the_poll_budget_stops_a_frame() {
        let mut config = SimConfig::new(DemoId::ButtonInterval);
        config.poll_cost_us = 1;
        let mut d = Driver::new(config, &[]);
        // 100 s of virtual time in one frame is far more than 20 000 polls of 1 µs.
        d.advance(1e8, 0.0, &mut || true);
        assert!(d.stats().behind);
        assert_eq!(d.stats().polls, MAX_POLLS_PER_FRAME);
        assert!(d.display_us() < 1_000_000);
        // And a time budget stops it sooner.
        let mut chunks = 0;
        d.advance(1e8, 16.0, &mut || {
            chunks += 1;
            chunks < 3
        });
        assert_eq!(d.stats().polls, 3 * POLL_CHUNK);
    }

    #[test]
    fn a_short_click_is_held_long_enough_for_the_keypad() {
        let mut d = Driver::new(SimConfig::new(DemoId::ButtonInterval), &[]);
        run(&mut d, 0.5);
        let press = d.set_button(Pin::D(3), true, None).unwrap();
        let release = d.set_button(Pin::D(3), false, Some(press.t_us)).unwrap();
        assert_eq!(release.t_us, press.t_us + MIN_HOLD_US);
        run(&mut d, 0.5);
        assert_eq!(d.console().back().map(|(_, s)| s.as_str()), Some("interval is now 0.6"));
        assert!(!d.pressed(Pin::D(3)));
    }

    #[test]
    fn step_runs_one_poll() {
        let mut d = Driver::new(SimConfig::new(DemoId::BlinkTwo), &[]);
        assert!(d.step());
        assert_eq!(d.total_polls(), 1);
        assert_eq!(d.display_us(), 10);
        assert!(d.step());
        assert!(d.step());
        assert_eq!(d.total_polls(), 3);
        assert!(d.output(Pin::D(1)));
        // Blocking: the one poll's events are revealed one by one.
        let mut d = Driver::new(SimConfig::new(DemoId::BlinkBlocking), &[]);
        assert!(d.step());
        let t1 = d.display_us();
        assert!(d.step());
        assert!(d.display_us() > t1);
        assert!(d.sim_us() > 8_000_000);
    }

    #[test]
    fn pin_tracks_know_their_level() {
        let mut d = Driver::new(SimConfig::new(DemoId::BlinkOne), &[]);
        run(&mut d, 1.0);
        let track = &d.timeline().pins[&Pin::D(1)];
        assert_eq!(track.level_at(100_000), Some(true));
        assert_eq!(track.level_at(300_000), Some(false));
        assert!(!track.input);
    }
}
