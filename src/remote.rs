//! A run in the worker, as the page sees it: Python mode's, and the guide's blocking Rust
//! demos'.
//!
//! A Python program runs in a Web Worker (`crates/baton-py/js/worker.mjs`): MicroPython
//! interprets it and Baton schedules its tasks on the virtual board, exactly as headless. So
//! does a Rust demo that blocks (blink-blocking, blink-polling: one poll is the whole
//! program, which would hold the page's thread as long as it runs) on the simulator's own
//! `Simulation`, when the page can run workers. The
//! worker may only move virtual time as far as the page allows (its *credit*), so the page
//! keeps the lead: each frame the [`Driver`](crate::driver::Driver) grants credit up to the
//! display time plus [`LOOKAHEAD_US`], and shows the events the worker has sent up to the
//! display time, as it does for a Rust demo's own simulation.
//!
//! [`Remote`] is plain data, tested natively: what the worker has said ([`WorkerMsg`]), what
//! the page has to tell it (credit, presses), and the runaway watch. The app moves the
//! messages between it and the worker (`components::worker`), at the edge.

use baton::TaskState;
use baton_board::Pin;
use baton_demos::{DemoId, Params};
use baton_host::wire::Turn;
/// The worker's messages, as `crates/baton-host`'s `wire` writes and reads them for both sides.
pub use baton_host::wire::{Part, Pwm, WorkerMsg, TURN_FIELDS};
use baton_sim::inputs::{Input, LevelEvent};
use baton_sim::{Bounce, InputEvent, TraceEvent};
use litemap::LiteMap;
use std::collections::VecDeque;
use std::rc::Rc;

/// How far ahead of the display time the worker may run, virtual µs: enough that it rarely
/// waits for the next frame, little enough that a press lands within a frame or two.
pub const LOOKAHEAD_US: u64 = 25_000;
/// Wall time a task may run without awaiting before the page stops the program, ms.
pub const RUNAWAY_MS: f64 = 2000.0;

/// Where the program is.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// The interpreter is loading.
    Loading,
    /// The program runs.
    Running,
    /// It ended.
    Done,
    /// It stopped with an error (`code.py line N: Type: message`).
    Failed(String),
    /// The page stopped it: a task ran too long without awaiting (the message says which).
    Stopped(String),
}

/// A look at the worker's shared memory, taken each frame.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Probe {
    /// The worker's virtual time, µs.
    pub now_us: f64,
    /// How far the worker asked to go when it last waited, µs (Step grants that).
    pub want_us: f64,
    /// Moves at every turn and every look at the credit.
    pub heartbeat: i32,
    /// Whether the worker is waiting for credit (so not running away).
    pub waiting: bool,
    /// The Python task being resumed, + 1 (0: code.py's top level).
    pub current: i32,
}

/// What the worker runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Program {
    /// A CircuitPython code.py.
    Python(String),
    /// One of the guide's Rust demos that block ([`DemoId::uses_asyncio`] is false), with
    /// the parameters that differ from the guide's, as a link carries them (`count1=50&…`).
    Demo {
        /// The demo.
        demo: DemoId,
        /// Its changed parameters, `key=value` joined by `&`.
        params: String,
    },
    /// Your own Rust program, which `cargo xtask serve --program` built (xtask/src/program.rs).
    Yours,
}

impl Program {
    /// `params`' demo.
    pub fn demo(params: &Params) -> Program {
        let changed: Vec<String> = params.changed().into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        Program::Demo { demo: params.demo(), params: changed.join("&") }
    }

    /// Whether it is a code.py.
    pub fn is_python(&self) -> bool {
        matches!(self, Program::Python(_))
    }
}

/// What the page knows of the worker's run, and owes it (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct Remote {
    /// The program.
    pub program: Program,
    /// Virtual µs charged for each turn.
    pub poll_cost_us: u64,
    /// Switch bounce.
    pub bounce: Option<Bounce>,
    /// Inputs to replay from the start (an input script's events).
    pub replay: Vec<Input>,
    status: Status,
    events: VecDeque<TraceEvent>,
    now_us: u64,
    want_us: u64,
    credit_us: u64,
    outbox: Vec<Input>,
    pwm: Vec<Pwm>,
    names: LiteMap<u32, String>,
    task_names: LiteMap<u64, Rc<str>>,
    parts: Vec<Part>,
    scheduled: Vec<Input>,
    /// The readings and turns the worker scheduled in this run.
    levels: Vec<Input>,
    heartbeat: Option<(i32, f64)>,
    polls: u64,
    bad_lines: usize,
    /// A turn under way (task, start µs): a blocking Rust demo's one poll lasts as long as
    /// its program, and the worker reports it as running before it ends.
    open: Option<(u64, u64)>,
    /// When the program ended, if it has and the worker said.
    ended_us: Option<u64>,
    /// Whether the program has done anything: virtual time passed, a turn, an event, a part.
    started: bool,
    /// How far the last Step lets the display go while paused (`None`: no step since the
    /// run last ran).
    step_to: Option<u64>,
}

impl Remote {
    /// A run of `program` about to start.
    pub fn new(program: Program, poll_cost_us: u64, bounce: Option<Bounce>, replay: &[Input]) -> Self {
        Remote {
            program,
            poll_cost_us,
            bounce,
            replay: replay.to_vec(),
            status: Status::Loading,
            events: VecDeque::new(),
            now_us: 0,
            want_us: 0,
            credit_us: 0,
            outbox: Vec::new(),
            pwm: Vec::new(),
            names: LiteMap::new(),
            task_names: LiteMap::new(),
            parts: Vec::new(),
            scheduled: Vec::new(),
            levels: Vec::new(),
            heartbeat: None,
            polls: 0,
            bad_lines: 0,
            open: None,
            ended_us: None,
            started: false,
            step_to: None,
        }
    }

    /// The inputs to replay, as an input script (docs/SIMULATOR.md) for the worker.
    pub fn replay_script(&self) -> String {
        self.replay.iter().map(baton_host::wire::input_line).collect()
    }

    /// Where the program is.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The board's parts, in the order the program created them.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// The credit granted so far, virtual µs.
    pub fn credit_us(&self) -> u64 {
        self.credit_us
    }

    /// How far the worker has run: its virtual time, or without end once the program has
    /// ended (the display then runs on with nothing more to show). A program stopped by an
    /// error, or by the page, stays where it stopped: its clock does not run on as if it did.
    pub fn now_us(&self) -> u64 {
        match self.status {
            Status::Done => u64::MAX,
            _ => self.now_us,
        }
    }

    /// Where the program stopped, if an error (or the page) stopped it: the worker's virtual
    /// time then, µs, and whether it had started. A program that could not start (for want
    /// of a cross-origin isolated page, or a syntax error) failed at 0 s having done nothing:
    /// no turn, no event, no board part. One the page stopped had run.
    pub fn stopped(&self) -> Option<(u64, bool)> {
        match self.status {
            Status::Failed(_) => Some((self.now_us, self.started || self.now_us > 0)),
            Status::Stopped(_) => Some((self.now_us, true)),
            _ => None,
        }
    }

    /// How far the display may follow the worker while paused: to where the last Step let it
    /// run (without a step, a pause shows nothing more, though the worker may have run ahead
    /// of the display by the lookahead).
    pub fn step_target(&self) -> Option<u64> {
        self.step_to
    }

    /// When the program ended, if it has (and the worker said when).
    pub fn ended_us(&self) -> Option<u64> {
        self.ended_us
    }

    /// The turn under way, if the worker says one is: (task, start µs).
    pub fn open_turn(&self) -> Option<(u64, u64)> {
        self.open
    }

    /// A task's name, as the worker gave it.
    pub fn task_name(&self, task: u64) -> Option<&Rc<str>> {
        self.task_names.get(&task)
    }

    /// Turns taken so far (the `task` events received).
    pub fn polls(&self) -> u64 {
        self.polls
    }

    /// Trace lines that could not be read (a bug, counted rather than shown).
    pub fn bad_lines(&self) -> usize {
        self.bad_lines
    }

    /// Lets the worker run until `target_us` plus [`LOOKAHEAD_US`].
    pub fn grant(&mut self, target_us: u64) {
        self.credit_us = self.credit_us.max(target_us.saturating_add(LOOKAHEAD_US));
        self.step_to = None;
    }

    /// Step: lets the worker run as far as it asked when it last waited (one turn, or an idle
    /// stretch up to the next one). Returns whether there was anything to allow.
    pub fn step(&mut self) -> bool {
        if self.want_us > self.credit_us && matches!(self.status, Status::Running) {
            self.credit_us = self.want_us;
            self.step_to = Some(self.want_us);
            true
        } else {
            false
        }
    }

    /// A press or release for the worker to schedule (it says when, in a `Trace` message).
    pub fn press(&mut self, pin: Pin, pressed: bool) {
        self.send(Input::Button(InputEvent { t_us: 0, pin, pressed }));
    }

    /// An input for the worker to schedule (its time is the worker's to choose: it says
    /// when, in a `Trace` message).
    pub fn send(&mut self, input: Input) {
        // Once the program is over, nobody reads the board.
        if matches!(self.status, Status::Loading | Status::Running) {
            self.outbox.push(input);
        }
    }

    /// The inputs to send to the worker now.
    pub fn take_outbox(&mut self) -> Vec<Input> {
        std::mem::take(&mut self.outbox)
    }

    /// The inputs the worker has scheduled since the last call (for the recording).
    pub fn take_scheduled(&mut self) -> Vec<Input> {
        std::mem::take(&mut self.scheduled)
    }

    /// The duty cycles set since the last call, in trace order.
    pub fn take_pwm(&mut self) -> Vec<Pwm> {
        std::mem::take(&mut self.pwm)
    }

    /// The readings and turns known so far, to show on the board: the replayed ones and
    /// those the worker scheduled ([`LevelEvent`]s, `true` for a turn).
    pub fn levels(&self) -> impl Iterator<Item = (LevelEvent, bool)> + '_ {
        self.replay.iter().chain(&self.levels).filter_map(|i| match *i {
            Input::Analog(e) => Some((e, false)),
            Input::Turn(e) => Some((e, true)),
            Input::Button(_) => None,
        })
    }

    /// The events received since the last call, in trace order.
    pub fn take_events(&mut self) -> VecDeque<TraceEvent> {
        std::mem::take(&mut self.events)
    }

    /// The tasks created so far: (Python id, name).
    pub fn names(&self) -> &LiteMap<u32, String> {
        &self.names
    }

    /// Takes in a message from the worker.
    pub fn receive(&mut self, msg: WorkerMsg) {
        match msg {
            WorkerMsg::Ready => {
                if self.status == Status::Loading {
                    self.status = Status::Running;
                }
            }
            WorkerMsg::Spawn { id, task, name } => {
                self.task_names.insert(task, Rc::from(name.as_str()));
                self.names.insert(id, name);
            }
            WorkerMsg::Trace { events, bad, pwm, parts, inputs, turns } => {
                self.bad_lines += bad;
                self.started |= !events.is_empty() || !turns.is_empty() || !parts.is_empty() || !pwm.is_empty();
                self.pwm.extend(pwm);
                let mut events = VecDeque::from(events);
                // Each turn goes where the page's own simulation records it: after the events
                // of its turn (at or before its end).
                for turn in turns.chunks_exact(TURN_FIELDS) {
                    let turn = [turn[0], turn[1], turn[2], turn[3], turn[4]];
                    let Some(Turn { start_us: t_us, end_us, task: id, state }) = Turn::read(&turn) else {
                        self.bad_lines += 1;
                        continue;
                    };
                    if state == TaskState::Running {
                        // Not over yet: its `task` event comes when it ends.
                        self.open = Some((id, t_us));
                        continue;
                    }
                    if self.open.is_some_and(|(open, _)| open == id) {
                        self.open = None;
                    }
                    while events.front().is_some_and(|e| e.t_us() <= end_us) {
                        self.events.extend(events.pop_front());
                    }
                    let name = self.task_names.get(&id).cloned().unwrap_or_else(|| Rc::from("task"));
                    self.events.push_back(TraceEvent::Task { t_us, end_us, id, name, state });
                    self.polls += 1;
                }
                self.events.extend(events);
                for part in parts.lines().filter_map(Part::parse) {
                    if !self.parts.contains(&part) {
                        self.parts.push(part);
                    }
                }
                self.levels.extend(inputs.iter().filter(|i| !matches!(i, Input::Button(_))));
                self.scheduled.extend(inputs);
            }
            WorkerMsg::Done { at_us } => {
                if matches!(self.status, Status::Loading | Status::Running) {
                    self.status = Status::Done;
                    self.ended_us = at_us;
                }
            }
            WorkerMsg::Error { text, at_us } => {
                if matches!(self.status, Status::Loading | Status::Running) {
                    self.status = Status::Failed(text);
                    self.now_us = self.now_us.max(at_us.unwrap_or(0));
                }
            }
        }
    }

    /// Takes a look at the worker's shared memory at wall time `wall_ms`. Returns the
    /// message when a task has run [`RUNAWAY_MS`] without awaiting: the page must then stop
    /// the worker (the status says so from now on).
    pub fn probe(&mut self, probe: Probe, wall_ms: f64) -> Option<String> {
        if self.status != Status::Running {
            return None;
        }
        if probe.now_us.is_finite() && probe.now_us >= 0.0 {
            self.now_us = self.now_us.max(probe.now_us as u64);
        }
        if probe.want_us.is_finite() && probe.want_us >= 0.0 {
            self.want_us = probe.want_us as u64;
        }
        match self.heartbeat {
            Some((beat, _)) if beat != probe.heartbeat || probe.waiting => {
                self.heartbeat = Some((probe.heartbeat, wall_ms));
            }
            None => self.heartbeat = Some((probe.heartbeat, wall_ms)),
            Some((_, since)) if wall_ms - since >= RUNAWAY_MS => {
                let who = match probe.current {
                    0 => "code.py's top level".to_owned(),
                    n => match self.names.get(&((n - 1) as u32)) {
                        Some(name) => format!("task `{name}`"),
                        None => "a task".to_owned(),
                    },
                };
                // The limit, not the time measured: the page looks every frame, and a busy
                // machine looks late, which would make the same program say 2 s or 3 s.
                // (Whole seconds, not `{:.0}`, which would bring exact float printing in.)
                let secs = (RUNAWAY_MS / 1000.0) as u64;
                let message = format!(
                    "{who} has run {secs} s without awaiting — on a board every other task would be \
                     stuck. The program was stopped."
                );
                self.status = Status::Stopped(message.clone());
                return Some(message);
            }
            Some(_) => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_fill_the_queue_and_the_board() {
        let mut r = Remote::new(Program::Python("x".into()), 10, None, &[]);
        assert_eq!(r.now_us(), 0);
        r.receive(WorkerMsg::Ready);
        assert_eq!(*r.status(), Status::Running);
        r.receive(WorkerMsg::Spawn { id: 0, task: 1, name: "main".into() });
        r.receive(WorkerMsg::Trace {
            events: vec![
                TraceEvent::Pin { t_us: 10, pin: Pin::D(1), value: true },
                TraceEvent::Print { t_us: 30, text: "hi".into() },
            ],
            bad: 1,
            // main's turn from 0 to 10 µs (it then sleeps until 0.25 s), blink's from 10 to 40.
            turns: vec![0.0, 10.0, 1.0, 2.0, 250_000.0, 10.0, 40.0, 2.0, 3.0, -1.0, 40.0, 50.0, 2.0, 99.0, -1.0],
            parts: "led D1\nbutton D3\npixels A0 24\nnonsense\nled D1".into(),
            inputs: vec![Input::Button(InputEvent { t_us: 11, pin: Pin::D(3), pressed: true })],
            pwm: vec![],
        });
        let events: Vec<TraceEvent> = r.take_events().into();
        assert_eq!(r.bad_lines(), 2, "the garbage line and the unknown state 99");
        assert_eq!(r.polls(), 2);
        // Each turn after the events of its own turn, as the page's simulation records them.
        let kinds: Vec<(u64, &str)> = events
            .iter()
            .map(|e| match e {
                TraceEvent::Task { t_us, name, .. } => (*t_us, &**name),
                e => (e.t_us(), "event"),
            })
            .collect();
        assert_eq!(kinds, [(10, "event"), (0, "main"), (30, "event"), (10, "task")]);
        assert!(
            matches!(events[1], TraceEvent::Task { state: TaskState::Sleeping { until }, .. } if until.as_micros() == 250_000)
        );
        assert_eq!(r.parts(), &[Part::Led(Pin::D(1)), Part::Button(Pin::D(3)), Part::Pixels(Pin::A(0), 24)]);
        assert_eq!(r.take_scheduled().len(), 1);
        assert!(r.take_scheduled().is_empty());
        r.receive(WorkerMsg::Error {
            text: "code.py line 3: NameError: name 'x' isn't defined".into(),
            at_us: Some(40),
        });
        assert!(matches!(r.status(), Status::Failed(e) if e.contains("line 3")));
        // Presses after the end go nowhere.
        r.press(Pin::D(3), true);
        assert!(r.take_outbox().is_empty());
        // Stopped by an error: the display stops where the program did.
        assert_eq!(r.now_us(), 40);
        assert_eq!(r.stopped(), Some((40, true)));
    }

    #[test]
    fn a_program_that_ends_lets_the_display_run_on() {
        let mut r = Remote::new(Program::Python("x".into()), 10, None, &[]);
        r.receive(WorkerMsg::Ready);
        r.receive(WorkerMsg::Done { at_us: Some(1000) });
        assert_eq!(r.now_us(), u64::MAX);
        assert_eq!(r.stopped(), None);
    }

    #[test]
    fn a_program_that_cannot_start_stops_at_zero() {
        let mut r = Remote::new(Program::Python("x".into()), 10, None, &[]);
        r.receive(WorkerMsg::Error { text: "code.py line 0: Python mode needs …".into(), at_us: None });
        assert_eq!(r.now_us(), 0);
        assert_eq!(r.stopped(), Some((0, false)));
        // Nor does a syntax error start it (the worker was ready, no turn was taken).
        let mut r = Remote::new(Program::Python("x".into()), 10, None, &[]);
        r.receive(WorkerMsg::Ready);
        r.receive(WorkerMsg::Error { text: "code.py line 4: SyntaxError: invalid syntax".into(), at_us: Some(0) });
        assert_eq!(r.stopped(), Some((0, false)));
    }

    #[test]
    fn the_replay_is_an_input_script() {
        let events = [
            Input::Button(InputEvent { t_us: 812_346, pin: Pin::D(3), pressed: true }),
            Input::Analog(LevelEvent { t_us: 850_000, pin: Pin::A(1), value: 40000 }),
            Input::Turn(LevelEvent { t_us: 870_001, pin: Pin::D(8), value: -2 }),
            Input::Analog(LevelEvent { t_us: 880_000, pin: Pin::A(1), value: 0 }),
            Input::Button(InputEvent { t_us: 900_001, pin: Pin::D(3), pressed: false }),
            Input::Turn(LevelEvent { t_us: 900_002, pin: Pin::D(8), value: 1_000_000 }),
        ];
        let r = Remote::new(Program::Python("x".into()), 10, None, &events);
        // As the worker reads it (PySim::schedule): the same presses, readings and turns.
        let script = baton_sim::inputs::parse_inputs(&r.replay_script()).unwrap();
        let (mut presses, mut analog, mut turns) = (vec![], vec![], vec![]);
        for e in events {
            match e {
                Input::Button(e) => presses.push(e),
                Input::Analog(e) => analog.push(e),
                Input::Turn(e) => turns.push(e),
            }
        }
        assert_eq!((script.presses, script.analog, script.turns), (presses, analog, turns));
    }

    #[test]
    fn new_parts_are_read_and_pwm_waits_for_the_driver() {
        for (line, part) in [
            ("pwm D5", Part::Pwm(Pin::D(5))),
            ("analog A1", Part::Analog(Pin::A(1))),
            ("encoder D8 D9", Part::Encoder(Pin::D(8), Pin::D(9))),
        ] {
            assert_eq!(Part::parse(line), Some(part), "{line}");
        }
        for bad in ["encoder D8", "encoder D8 Z1", "pwm", "pwm Q5", "analog"] {
            assert_eq!(Part::parse(bad), None, "{bad}");
        }
        let mut r = Remote::new(Program::Python("x".into()), 10, None, &[]);
        r.receive(WorkerMsg::Ready);
        let pwm = vec![Pwm { t_us: 20, pin: Pin::D(5), duty: 32768 }];
        let reading = Input::Analog(LevelEvent { t_us: 30, pin: Pin::A(1), value: 9 });
        r.receive(WorkerMsg::Trace {
            events: vec![],
            bad: 0,
            pwm: pwm.clone(),
            parts: "pwm D5\nanalog A1\nencoder D8 D9".into(),
            inputs: vec![reading],
            turns: vec![],
        });
        assert_eq!(r.bad_lines(), 0, "a pwm event is not a bad one");
        assert_eq!(r.parts(), &[Part::Pwm(Pin::D(5)), Part::Analog(Pin::A(1)), Part::Encoder(Pin::D(8), Pin::D(9))]);
        assert_eq!(r.take_pwm(), pwm);
        assert!(r.take_pwm().is_empty());
        assert_eq!(r.take_scheduled(), [reading]);
        assert_eq!(r.levels().collect::<Vec<_>>(), [(LevelEvent { t_us: 30, pin: Pin::A(1), value: 9 }, false)]);
        // What the page sends, the worker gets (until the program is over).
        let turn = Input::Turn(LevelEvent { t_us: 0, pin: Pin::D(8), value: 1 });
        r.send(turn);
        assert_eq!(r.take_outbox(), [turn]);
        r.receive(WorkerMsg::Done { at_us: None });
        r.send(turn);
        assert!(r.take_outbox().is_empty());
    }

    #[test]
    fn credit_only_grows() {
        let mut r = Remote::new(Program::Python("x".into()), 10, None, &[]);
        r.grant(1000);
        assert_eq!(r.credit_us(), 1000 + LOOKAHEAD_US);
        r.grant(10);
        assert_eq!(r.credit_us(), 1000 + LOOKAHEAD_US);
    }

    #[test]
    fn a_task_that_never_awaits_is_named_and_stopped() {
        let mut r = Remote::new(Program::Python("x".into()), 10, None, &[]);
        r.receive(WorkerMsg::Ready);
        r.receive(WorkerMsg::Spawn { id: 4, task: 5, name: "spin".into() });
        let probe = |heartbeat, waiting| Probe { now_us: 5.0, want_us: 0.0, heartbeat, waiting, current: 5 };
        assert_eq!(r.probe(probe(1, false), 0.0), None);
        // Waiting for credit (paused) is not running away, however long.
        assert_eq!(r.probe(probe(1, true), 5000.0), None);
        assert_eq!(r.probe(probe(2, false), 5100.0), None);
        assert_eq!(r.probe(probe(2, false), 6000.0), None);
        let stop = r.probe(probe(2, false), 7100.0).unwrap();
        assert!(stop.starts_with("task `spin` has run 2 s without awaiting"), "{stop}");
        assert!(matches!(r.status(), Status::Stopped(_)));
        assert_eq!(r.stopped(), Some((5, true)));
        // Said once.
        assert_eq!(r.probe(probe(2, false), 9000.0), None);
    }

    #[test]
    fn step_grants_what_the_worker_asked_for() {
        let mut r = Remote::new(Program::Python("x".into()), 10, None, &[]);
        r.receive(WorkerMsg::Ready);
        assert!(!r.step());
        r.probe(Probe { now_us: 100.0, want_us: 250_010.0, heartbeat: 0, waiting: true, current: 0 }, 0.0);
        assert!(r.step());
        assert_eq!(r.credit_us(), 250_010);
        assert!(!r.step());
    }
}
