//! A running demo on the virtual board: the API the CLI, the tests and the
//! playground drive.
//!
//! The host loop follows the timing model of `docs/SIMULATOR.md`:
//! each poll of a task costs `poll_cost_us` of virtual time, charged before
//! the task runs; when no task is ready, time jumps to the next timer or
//! input change.

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

/// How to run a simulation.
#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    /// The demo and its parameters.
    pub params: Params,
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

impl SimConfig {
    /// The guide's parameters for `demo`, the spec's default poll cost, no
    /// bounce, no task events.
    pub fn new(demo: DemoId) -> Self {
        SimConfig {
            params: Params::defaults(demo),
            poll_cost_us: DEFAULT_POLL_COST_US,
            bounce: None,
            task_events: false,
            trace: true,
        }
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

/// A demo running on a virtual board.
///
/// ```
/// use baton_sim::{SimConfig, Simulation, TraceEvent};
/// use baton_demos::DemoId;
///
/// let mut sim = Simulation::new(SimConfig::new(DemoId::BlinkOne));
/// sim.run_until(300_000);
/// let first: Vec<_> = sim.trace().iter().take(3).cloned().collect();
/// // main runs at 10 µs, blink at 20 µs (switch_to_output, then on). Its
/// // sleep(0.25) counts 250 ticks of 1 ms from tick 0, so it resumes at
/// // 250 000 µs and, after its 10 µs poll cost, turns the LED off.
/// assert!(matches!(first[0], TraceEvent::Pin { t_us: 20, value: false, .. }));
/// assert!(matches!(first[1], TraceEvent::Pin { t_us: 20, value: true, .. }));
/// assert!(matches!(first[2], TraceEvent::Pin { t_us: 250_010, value: false, .. }));
/// ```
pub struct Simulation {
    core: Rc<Core>,
    exec: Executor,
    main: Task<Result<(), BoardError>>,
    config: SimConfig,
    names: LiteMap<u64, Rc<str>>,
    polls: u64,
    failure: Option<String>,
    /// When `main` returned: the program's end.
    ended_us: Option<u64>,
}

impl Simulation {
    /// Starts `config`'s demo at virtual time 0 (nothing runs until a step).
    pub fn new(config: SimConfig) -> Self {
        let params = config.params.clone();
        Self::with_main(config, |board| baton_demos::run(board, params))
    }

    /// Starts the program that `main` makes on the board, with `config`'s timing and
    /// parameters: for a host that runs only some of the demos (and so links only those).
    pub fn with_main<F>(config: SimConfig, main: impl FnOnce(VirtualBoard) -> F) -> Self
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
        Simulation { core, exec, main, config, names: LiteMap::new(), polls: 0, failure: None, ended_us: None }
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &SimConfig {
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
        let free = (!self.config.params.demo().uses_asyncio()).then(|| self.main.id());
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
