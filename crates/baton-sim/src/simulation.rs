//! A program running on the virtual board: the API the CLI, the tests and the
//! playground drive — for the guide's demos and for a program of your own.
//!
//! The host loop follows the timing model of `docs/SIMULATOR.md`:
//! each poll of a task costs `poll_cost_us` of virtual time, charged before
//! the task runs; when no task is ready, time jumps to the next timer or
//! input change. A program that never uses the scheduler (plain blocking code, run with
//! [`Simulation::with_blocking_main`]) runs no task and pays no poll cost: which of the two a
//! program is, is said by how it is handed over (an `async` main or a plain function),
//! never by a demo id.

use crate::board::{Core, SimClock, Strip, VirtualBoard};
use crate::inputs::{Bounce, InputEvent};
use crate::trace::TraceEvent;
use baton::{Executor, Task, TaskInfo, TaskState};
use baton_board::{BoardError, Pin};
use baton_demos::{DemoId, Params};
use litemap::LiteMap;
use std::future::Future;
use std::rc::Rc;

/// The default cost of one task poll, in µs (the spec's `poll_cost_us`).
pub const DEFAULT_POLL_COST_US: u64 = 10;
/// The largest poll cost accepted (one second).
pub const MAX_POLL_COST_US: u64 = 1_000_000;

/// How to run a simulation: what runs (`params`) and the contract's timing knobs.
///
/// `P` says what runs: a built-in demo's [`Params`] ([`SimConfig::new`], which
/// [`Simulation::new`] runs), or [`Program`]: a program of your own ([`SimConfig::program`],
/// handed to [`Simulation::with_main`] or [`Simulation::with_blocking_main`]). The timing
/// fields mean the same for both.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig<P = Params> {
    /// The demo and its parameters, or [`Program`] for your own.
    pub params: P,
    /// Virtual time charged for each task poll.
    pub poll_cost_us: u64,
    /// Switch bounce for every button, or none.
    pub bounce: Option<Bounce>,
    /// Whether to record a `task` event for every poll (for timelines).
    pub task_events: bool,
    /// Whether to record a trace at all (off: only the board's state is
    /// kept — for throughput, or a host that only shows the present).
    pub trace: bool,
}

/// What a [`SimConfig`] for a program of your own says about the program: nothing. It names
/// no built-in demo and has no parameters (they are your code's), so nothing about it can
/// change the timing; how you hand the program over does ([`Simulation::with_main`] or
/// [`Simulation::with_blocking_main`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Program;

impl<P> SimConfig<P> {
    fn with_params(params: P) -> Self {
        SimConfig { params, poll_cost_us: DEFAULT_POLL_COST_US, bounce: None, task_events: false, trace: true }
    }
}

impl SimConfig {
    /// The guide's parameters for `demo`, the spec's default poll cost, no
    /// bounce, no task events.
    pub fn new(demo: DemoId) -> Self {
        Self::with_params(Params::defaults(demo))
    }
}

impl SimConfig<Program> {
    /// For a program of your own: the spec's default poll cost (10 µs), no bounce, no task
    /// events, a trace.
    ///
    /// ```
    /// use baton_sim::{SimConfig, Simulation, TraceExt};
    /// use baton_board::{digitalio::DigitalInOut, Board, Pin};
    ///
    /// let mut config = SimConfig::program();
    /// config.poll_cost_us = 25;
    /// let mut sim = Simulation::with_main(config, |board| async move {
    ///     let mut led = DigitalInOut::new(board.output(Pin::D(13))?);
    ///     led.switch_to_output(true);
    ///     Ok(())
    /// });
    /// sim.run_until(1_000);
    /// // main is a task: its first turn costs the poll cost.
    /// assert_eq!(sim.trace().pin("D13"), [(25, true)]);
    /// ```
    pub fn program() -> Self {
        Self::with_params(Program)
    }
}

impl Default for SimConfig<Program> {
    fn default() -> Self {
        Self::program()
    }
}

/// What one [`Simulation::step`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Polled a task, from `start_us` to `end_us`.
    Polled {
        /// The task's id.
        id: u64,
        /// When its turn began (before the poll cost).
        start_us: u64,
        /// When it gave control back.
        end_us: u64,
        /// Its state after the poll.
        state: TaskState,
    },
    /// Nothing was ready: time jumped to the next timer or input (on a paced board, as far
    /// towards it as the pace allowed: the next step looks again from there).
    Advanced {
        /// The new time.
        to_us: u64,
    },
    /// Nothing was ready and nothing is due before the limit: time moved to
    /// the limit.
    Idle,
}

/// A program running on a virtual board: one of the guide's demos, or your own.
///
/// ```
/// use baton_sim::{SimConfig, Simulation, TraceExt};
/// use baton_demos::DemoId;
///
/// let mut sim = Simulation::new(SimConfig::new(DemoId::BlinkOne));
/// sim.run_until(300_000);
/// // main runs at 10 µs, blink at 20 µs (switch_to_output, then on). Its
/// // sleep(0.25) counts 250 ticks of 1 ms from tick 0, so it resumes at
/// // 250 000 µs and, after its 10 µs poll cost, turns the LED off.
/// assert_eq!(sim.trace().pin("D1"), [(20, false), (20, true), (250_010, false)]);
/// ```
pub struct Simulation<P = Params> {
    core: Rc<Core>,
    exec: Executor,
    main: Task<Result<(), BoardError>>,
    config: SimConfig<P>,
    /// `main` is plain blocking code, not a task of the program's: it pays no poll cost.
    blocking: bool,
    names: LiteMap<u64, Rc<str>>,
    polls: u64,
    failure: Option<String>,
    /// When `main` returned: the program's end.
    ended_us: Option<u64>,
}

impl Simulation {
    /// Starts `config`'s demo at virtual time 0 (nothing runs until a step). The guide's
    /// blocking programs ([`DemoId::uses_asyncio`] is false) are timed as
    /// [`Simulation::with_blocking_main`] times yours (no poll cost), the others as
    /// [`Simulation::with_main`]. Every demo goes through `baton_demos::run` (where a blocking
    /// program is one poll that keeps control from start to finish) and one `start`: the
    /// playground links this, and a second path for the blocking two would be ~1.5 KB more
    /// of its download.
    pub fn new(config: SimConfig) -> Self {
        let params = config.params.clone();
        let blocking = !params.demo().uses_asyncio();
        Self::start(config, blocking, |board| baton_demos::run(board, params))
    }
}

impl<P> Simulation<P> {
    /// Starts the program that `main` makes on the board at virtual time 0: the guide's
    /// `asyncio.run(main())`. `main`'s future is a task, and every resumption of every task
    /// — main's first included — costs `config.poll_cost_us`, as the contract says. (What
    /// the closure does before it returns the future runs before `asyncio.run`, at 0 and
    /// free.) `config` says nothing else about the program: use [`SimConfig::program`] for
    /// your own. A host that runs only some of the demos (and so links only those) uses it
    /// too.
    ///
    /// ```
    /// use baton::{create_task, sleep_ms, Event};
    /// use baton_board::{console::Console, Board};
    /// use baton_sim::{SimConfig, Simulation, TraceExt};
    ///
    /// let mut sim = Simulation::with_main(SimConfig::program(), |board| async move {
    ///     let ready = Event::new();
    ///     let waiter = create_task({
    ///         let ready = ready.clone();
    ///         async move { ready.wait().await }
    ///     });
    ///     sleep_ms(5).await;
    ///     ready.set();
    ///     let _ = waiter.await;
    ///     board.console().print_line("set");
    ///     Ok(())
    /// });
    /// sim.run_until(10_000);
    /// // main at 10 µs, the waiter at 20; main again at tick 5 (5 010 µs) sets the event and
    /// // awaits the waiter, which runs at 5 020; main prints after one more turn.
    /// assert_eq!(sim.trace().prints(), [(5_030, "set".to_string())]);
    /// ```
    pub fn with_main<F>(config: SimConfig<P>, main: impl FnOnce(VirtualBoard) -> F) -> Self
    where
        F: Future<Output = Result<(), BoardError>> + 'static,
    {
        Self::start(config, false, main)
    }

    /// Starts a program that never uses the scheduler: plain blocking code (a loop that
    /// blinks with the board's blocking `time.sleep()`, as the guide's blink-blocking does).
    /// On CircuitPython such a program never calls `asyncio.run`, so it runs no task and
    /// pays no poll cost: nor does it here. It runs from its start to its end in one
    /// step, at virtual time 0.
    ///
    /// ```
    /// use baton_board::{digitalio::DigitalInOut, time::Time, Board, Pin};
    /// use baton_sim::{SimConfig, Simulation, TraceExt};
    /// use std::time::Duration;
    ///
    /// let mut sim = Simulation::with_blocking_main(SimConfig::program(), |board| {
    ///     let mut led = DigitalInOut::new(board.output(Pin::D(13))?);
    ///     led.switch_to_output(true);
    ///     board.time().sleep(Duration::from_millis(250));
    ///     led.set_value(false);
    ///     Ok(())
    /// });
    /// sim.run_until(1_000_000);
    /// assert_eq!(sim.trace().pin("D13"), [(0, true), (250_000, false)]);
    /// ```
    pub fn with_blocking_main(
        config: SimConfig<P>,
        main: impl FnOnce(VirtualBoard) -> Result<(), BoardError> + 'static,
    ) -> Self {
        Self::start(config, true, |board| async move { main(board) })
    }

    fn start<F>(config: SimConfig<P>, blocking: bool, main: impl FnOnce(VirtualBoard) -> F) -> Self
    where
        F: Future<Output = Result<(), BoardError>> + 'static,
    {
        let core = Rc::new(Core::default());
        core.bounce.set(config.bounce);
        core.tracing.set(config.trace);
        let exec = Executor::new(SimClock(core.clone()));
        // A new core: the cell is empty, so `set` cannot fail.
        let _ = core.background.set(exec.background());
        let board = VirtualBoard { core: core.clone() };
        let main = exec.spawn_main_named("main", main(board));
        Simulation {
            core,
            exec,
            main,
            config,
            blocking,
            names: LiteMap::new(),
            polls: 0,
            failure: None,
            ended_us: None,
        }
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &SimConfig<P> {
        &self.config
    }

    /// Its board: a handle for a host that paces it ([`VirtualBoard::set_pace`]) or
    /// schedules presses while a poll is under way.
    pub fn board(&self) -> VirtualBoard {
        VirtualBoard { core: self.core.clone() }
    }

    /// Whether the program is over: `main` has returned (nothing runs any more).
    pub fn is_over(&self) -> bool {
        self.main.is_done()
    }

    /// Virtual time now, µs.
    pub fn now_us(&self) -> u64 {
        self.core.now()
    }

    /// How many task polls have run.
    pub fn polls(&self) -> u64 {
        self.polls
    }

    /// Schedules button events; events in the past happen now.
    pub fn schedule_inputs(&mut self, events: &[InputEvent]) {
        self.core.schedule(events);
    }

    /// Presses (`true`) or releases a button now, from outside the
    /// simulation (a click in the playground), and returns the event to
    /// record for a replay.
    ///
    /// The press lands 1 µs from now, through the same input schedule a
    /// script uses: the task that just ran cannot have seen it, so replaying
    /// the recorded events as a script reproduces the run exactly.
    ///
    /// ```
    /// use baton_sim::{SimConfig, Simulation};
    /// use baton_demos::DemoId;
    /// use baton_board::Pin;
    ///
    /// let mut live = Simulation::new(SimConfig::new(DemoId::ButtonInterval));
    /// live.run_until(812_345);
    /// let recorded = live.set_button(Pin::D(3), true);
    /// live.run_until(2_000_000);
    ///
    /// let mut replay = Simulation::new(SimConfig::new(DemoId::ButtonInterval));
    /// replay.schedule_inputs(&[recorded]);
    /// replay.run_until(2_000_000);
    /// assert_eq!(*live.trace(), *replay.trace());
    /// ```
    pub fn set_button(&mut self, pin: Pin, pressed: bool) -> InputEvent {
        let event = InputEvent { t_us: self.core.now() + 1, pin, pressed };
        self.core.schedule(&[event]);
        event
    }

    /// One scheduler step, never moving time past `limit_us` without work.
    pub fn step(&mut self, limit_us: u64) -> Step {
        self.core.advance(0);
        let start_us = self.core.now();
        if self.main.is_done() {
            // `asyncio.run(main())` has returned: code.py is over, and the
            // tasks still queued never run again.
            self.core.advance_to(limit_us.max(start_us));
            return Step::Idle;
        }
        let cost = self.config.poll_cost_us;
        // A program that never calls asyncio.run runs no task: its main is
        // the host's, and costs no resumption.
        let free = self.blocking.then(|| self.main.id());
        let core = &self.core;
        let outcome = self.exec.poll_one_with(|id| {
            core.polling.set(Some((id.as_u64(), start_us)));
            if Some(id) != free {
                core.advance(cost)
            }
        });
        core.polling.set(None);
        if let Some(outcome) = outcome {
            self.polls += 1;
            let end_us = self.core.now();
            let id = outcome.task.as_u64();
            if self.config.task_events && self.config.trace {
                let name = self.name_of(id);
                self.core.record(|| TraceEvent::Task { t_us: start_us, end_us, id, name, state: outcome.state });
            }
            self.check_main();
            return Step::Polled { id, start_us, end_us, state: outcome.state };
        }
        let next =
            [self.exec.next_deadline().map(|t| t.as_micros()), self.core.next_input()].into_iter().flatten().min();
        match next {
            // Paced (the playground's worker), the jump may stop short: a press that came in
            // on the way may wake a task, so the next step looks again from there.
            Some(t) if t <= limit_us => {
                self.core.advance_toward(t);
                if self.core.halted.get() {
                    return Step::Idle;
                }
                Step::Advanced { to_us: self.core.now() }
            }
            _ => {
                self.core.advance_toward(limit_us);
                if self.core.now() < limit_us && !self.core.halted.get() {
                    return Step::Advanced { to_us: self.core.now() };
                }
                Step::Idle
            }
        }
    }

    /// Runs until virtual time passes `end_us` or nothing is left to do.
    /// Returns the number of polls run. (The last poll may end after
    /// `end_us`; a trace reader cuts at `end_us`.)
    pub fn run_until(&mut self, end_us: u64) -> u64 {
        self.run_until_bounded(end_us, u64::MAX)
    }

    /// Like [`Simulation::run_until`] but stops after `max_polls` polls —
    /// what a browser frame can afford.
    pub fn run_until_bounded(&mut self, end_us: u64, max_polls: u64) -> u64 {
        let before = self.polls;
        while self.core.now() <= end_us && self.polls - before < max_polls {
            if self.step(end_us) == Step::Idle {
                break;
            }
        }
        self.polls - before
    }

    fn name_of(&mut self, id: u64) -> Rc<str> {
        if !self.names.contains_key(&id) {
            for t in self.exec.tasks() {
                self.names.entry(t.id.as_u64()).or_insert_with(|| Rc::from(&*t.name));
            }
        }
        self.names.get(&id).cloned().unwrap_or_else(|| Rc::from(format!("task {id}")))
    }

    fn check_main(&mut self) {
        if self.ended_us.is_none() && self.main.is_done() {
            self.ended_us = Some(self.core.now());
        }
        if self.failure.is_none() && self.main.is_done() {
            let failure = match self.main.try_result() {
                Some(Ok(Err(e))) => Some(format!("error: {e}")),
                Some(Err(e)) => Some(format!("error: {e}")),
                _ => None,
            };
            if let Some(msg) = failure {
                self.core.print(&msg);
                self.failure = Some(msg);
            }
        }
    }

    /// For a host that needs a run only up to `end_us` (the board link's check against the
    /// simulator): past it, or once `max_moves` moves of virtual time are spent (every sleep,
    /// clock read, poll cost and NeoPixel frame is one), each move of time goes at least an
    /// hour on. Why: a demo that blocks is one poll that is the whole program, so
    /// [`Simulation::run_until_bounded`] cannot stop it part-way, and blink-polling reads the
    /// clock once a µs: at the largest parameters (1,000 intervals of 60 s) that is 6·10¹⁰
    /// reads. Hurried, its waits end at their first read and it runs out in a few thousand
    /// steps; what it does past the point is not the real run ([`Simulation::hurried_from`]).
    pub fn hurry_after(&mut self, end_us: u64, max_moves: u64) {
        self.core.hurry.set(Some(crate::board::Hurry { after_us: end_us, moves_left: max_moves }));
    }

    /// When time began to hurry ([`Simulation::hurry_after`]), if it has: the run is the real
    /// one only before it.
    pub fn hurried_from(&self) -> Option<u64> {
        self.core.hurried_from.get()
    }

    /// When the program ended (`main` returned), if it has: nothing runs after that.
    pub fn ended_us(&self) -> Option<u64> {
        self.ended_us
    }

    /// Why the demo stopped with an error, if it did.
    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// Everything recorded so far.
    pub fn trace(&self) -> std::cell::Ref<'_, Vec<TraceEvent>> {
        self.core.trace.borrow()
    }

    /// Takes the recorded events, leaving the trace empty (a long-running
    /// host keeps memory flat this way).
    pub fn take_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut *self.core.trace.borrow_mut())
    }

    /// The output pins and their levels (`None`: not driven yet).
    pub fn outputs(&self) -> Vec<(Pin, Option<bool>)> {
        self.core.outputs.borrow().iter().map(|(p, v)| (*p, *v)).collect()
    }

    /// The input pins and their levels (`false`: pressed).
    pub fn inputs(&self) -> Vec<(Pin, bool)> {
        self.core.inputs.borrow().iter().map(|(p, v)| (*p, *v)).collect()
    }

    /// The NeoPixel strips and their last frames.
    pub fn strips(&self) -> Vec<(Pin, Strip)> {
        self.core.strips.borrow().iter().map(|(p, s)| (*p, s.clone())).collect()
    }

    /// Every line printed, with its time.
    pub fn console(&self) -> Vec<(u64, String)> {
        self.core.console.borrow().clone()
    }

    /// The scheduler's task table.
    pub fn tasks(&self) -> Vec<TaskInfo> {
        self.exec.tasks()
    }

    /// Changes the switch bounce of inputs scheduled from now on.
    pub fn set_bounce(&mut self, bounce: Option<Bounce>) {
        self.config.bounce = bounce;
        self.core.bounce.set(bounce);
    }

    /// Changes the cost of each poll from now on.
    pub fn set_poll_cost(&mut self, us: u64) {
        self.config.poll_cost_us = us.min(MAX_POLL_COST_US);
    }

    /// Turns per-poll `task` events on or off.
    pub fn set_task_events(&mut self, on: bool) {
        self.config.task_events = on;
    }
}
