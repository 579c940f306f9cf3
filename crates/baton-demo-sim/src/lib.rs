//! # baton-demo-sim: the guide's blocking Rust demos, in the playground's worker
//!
//! `blink-blocking` and `blink-polling` never call `asyncio.run`: one poll of `main` is the
//! whole program, and blink-polling spends it reading the clock in a loop. In the page such
//! a poll would hold the page's thread for as long as the program runs — minutes, with long
//! intervals and many blinks. So the playground runs them where Python programs run: in
//! the worker, on `baton-sim`'s own [`Simulation`], whose board the page paces
//! ([`VirtualBoard::set_pace`]) — also in the middle of that one poll. The trace is the
//! simulator's, event for event; the page shows it as it comes, at the display time.
//!
//! [`DemoSim`] speaks the worker's protocol (`baton-host`) as baton-py's `PySim` does
//! (`set_pace`, `input`, `schedule`, `take_trace`, `take_turns`, `take_parts`), so the
//! worker drives either. It is a wasm module of its own: a page that runs blink-polling
//! loads neither MicroPython nor the Python bridge, and Python mode not the demos.
//!
//! A program of your own runs the same way ([`DemoSim::program`]): `cargo xtask serve
//! --program PATH` builds a small wasm module around your crate's `main` and this crate
//! (xtask/src/program.rs), and the worker drives it as it drives a demo. Its board is drawn
//! from the parts the program creates ([`PartsBoard`]).

#![forbid(unsafe_code)]

mod parts;

pub use parts::PartsBoard;

use baton_board::BoardError;
use baton_demos::{DemoId, Params};
use baton_host::{host_input, schedule_script, turn};
use baton_sim::{Program, SimConfig, Simulation, TraceEvent, VirtualBoard};
use litemap::LiteMap;
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// What [`DemoSim::run`] answers.
pub mod outcome {
    /// The program is over (`main` returned).
    pub const OVER: i32 = 0;
    /// The page stopped the run (its pace granted nothing).
    pub const STOPPED: i32 = 1;
}

/// One of the guide's blocking Rust demos, or a program of your own, on the paced virtual
/// board.
#[wasm_bindgen]
pub struct DemoSim {
    /// A simulation of a program handed over as a function ([`SimConfig::program`]): the
    /// demos' parameters are the closure's, so one type serves both constructors.
    sim: RefCell<Simulation<Program>>,
    /// The same board, reached while `sim` is inside a poll (the pace function schedules
    /// presses and takes the trace then).
    board: VirtualBoard,
    /// Tasks already named to the page, and names not yet taken ([`DemoSim::take_names`]).
    named: RefCell<LiteMap<u64, ()>>,
    names: RefCell<Vec<String>>,
    /// Turns read off the trace and not yet taken ([`DemoSim::take_turns`]).
    turns: RefCell<Vec<f64>>,
    /// Parts the program created and the page has not taken yet ([`DemoSim::take_parts`]):
    /// a program of your own's; a demo's board is drawn from its parameters.
    parts: Rc<RefCell<Vec<String>>>,
}

#[wasm_bindgen]
impl DemoSim {
    /// Demo `demo` (an id of `docs/SIMULATOR.md`) with the parameters that differ from the
    /// guide's, as a link carries them (`interval1=2&count1=50`), at `poll_cost_us` a turn.
    /// A bad id or parameter is an error that names it.
    #[wasm_bindgen(constructor)]
    pub fn new(demo: &str, params: &str, poll_cost_us: f64) -> Result<DemoSim, JsError> {
        let demo: DemoId = demo.parse().map_err(|e: baton_demos::UnknownDemo| JsError::new(&e.to_string()))?;
        let pairs = params
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|pair| pair.split_once('=').ok_or_else(|| JsError::new(&format!("{pair:?} is not key=value"))))
            .collect::<Result<Vec<_>, _>>()?;
        // All at once, as a link's are: two pins swapped are checked together.
        let mut p = Params::defaults(demo);
        p.set_all(pairs).map_err(|e| JsError::new(&e.to_string()))?;
        if demo.uses_asyncio() {
            return Err(JsError::new(&format!("{} awaits: the page runs it itself", demo.id())));
        }
        // Only the blocking programs: the worker's wasm links no other demo.
        let sim = Simulation::with_blocking_main(config(poll_cost_us), move |board| {
            baton_demos::run_blocking(&board, &p).unwrap_or(Ok(()))
        });
        Ok(Self::with(sim, Rc::default()))
    }

    /// The page's pace function: `(now_us, want_us) => granted_us` (see the worker).
    pub fn set_pace(&self, f: js_sys::Function) {
        self.board.set_pace(Some(baton_host::pace_fn(f)));
    }

    /// Buttons bounce `count` extra times over `duration_us` from now on (`count` 0: clean).
    pub fn set_bounce(&self, duration_us: f64, count: u32) {
        self.board.set_bounce(baton_host::bounce(duration_us, count));
    }

    /// A press or release from the page ([`host_input`]).
    pub fn input(&self, pin: &str, pressed: bool, not_before_us: f64) -> Result<f64, JsError> {
        host_input(&self.board, pin, pressed, not_before_us)
    }

    /// Schedules an input script's presses (a recording to replay).
    pub fn schedule(&self, script: &str) -> Result<(), JsError> {
        schedule_script(&self.board, script)
    }

    /// Runs the program until it is over or the page stops it ([`outcome`]).
    pub fn run(&self) -> i32 {
        let mut sim = self.sim.borrow_mut();
        loop {
            // Step by step: once `main` has returned, the simulator would idle on to the end
            // of time, and the page would have to grant it.
            if sim.is_over() {
                return outcome::OVER;
            }
            if self.board.halted() {
                return outcome::STOPPED;
            }
            sim.step(u64::MAX);
        }
    }

    /// The trace since the last call, as JSON Lines; its `task` events become turns
    /// ([`DemoSim::take_turns`]) and names ([`DemoSim::take_names`]).
    pub fn take_trace(&self) -> String {
        let mut out = String::new();
        for event in self.board.take_trace() {
            match event {
                TraceEvent::Task { t_us, end_us, id, name, state } => {
                    if self.named.borrow_mut().insert(id, ()).is_none() {
                        self.names.borrow_mut().push(format!("{id} {name}"));
                    }
                    self.turns.borrow_mut().extend_from_slice(&turn(t_us, end_us, id, state));
                }
                other => {
                    out.push_str(&other.to_json());
                    out.push('\n');
                }
            }
        }
        out
    }

    /// The turns read off the trace so far, as baton-py's `PySim::take_turns` gives them ([`turn`]); and
    /// last, while a poll is under way (a blocking demo's one poll lasts as long as its
    /// program), that turn so far, as *running*.
    pub fn take_turns(&self) -> Vec<f64> {
        let mut turns = std::mem::take(&mut *self.turns.borrow_mut());
        if let Some((id, start)) = self.board.polling() {
            turns.extend_from_slice(&turn(start, self.board.now_us(), id, baton::TaskState::Running));
        }
        turns
    }

    /// Tasks seen for the first time, one per line: `id name`.
    pub fn take_names(&self) -> String {
        std::mem::take(&mut *self.names.borrow_mut()).join("\n")
    }

    /// The parts created since the last call, one a line (`led D1`, `button D3`, `pixels A0
    /// 24`); never any for a demo, whose board the page draws from its parameters.
    pub fn take_parts(&self) -> String {
        std::mem::take(&mut *self.parts.borrow_mut()).join("\n")
    }

    /// Virtual time now, µs.
    pub fn now_us(&self) -> f64 {
        self.board.now_us() as f64
    }
}

/// Rust-side constructors: what a program's own wasm module (generated by `cargo xtask serve
/// --program`) calls.
impl DemoSim {
    /// Your program's `main` (`pub async fn main(board: impl Board) -> Result<(), BoardError>`)
    /// at `poll_cost_us` a turn, timed as [`Simulation::with_main`] times it in your tests:
    /// the same trace, event for event. Its board reports every part `main` creates
    /// ([`PartsBoard`]), which the page draws.
    pub fn program<F>(poll_cost_us: f64, main: impl FnOnce(PartsBoard) -> F) -> DemoSim
    where
        F: Future<Output = Result<(), BoardError>> + 'static,
    {
        let parts = Rc::<RefCell<Vec<String>>>::default();
        let log = parts.clone();
        let sim = Simulation::with_main(config(poll_cost_us), move |board| main(PartsBoard::new(board, log)));
        Self::with(sim, parts)
    }

    fn with(sim: Simulation<Program>, parts: Rc<RefCell<Vec<String>>>) -> DemoSim {
        let board = sim.board();
        // Named now: a turn under way is reported before its `task` event, which only comes
        // at its end (and `main` is a blocking demo's one task).
        let tasks = sim.tasks();
        DemoSim {
            named: RefCell::new(tasks.iter().map(|t| (t.id.as_u64(), ())).collect()),
            names: RefCell::new(tasks.iter().map(|t| format!("{} {}", t.id.as_u64(), t.name)).collect()),
            sim: RefCell::new(sim),
            board,
            turns: RefCell::new(Vec::new()),
            parts,
        }
    }
}

/// The worker's configuration: `poll_cost_us` a turn (at most the simulator's maximum),
/// task events on (the page's timeline).
fn config(poll_cost_us: f64) -> SimConfig<Program> {
    let mut config = SimConfig::program();
    config.poll_cost_us = (poll_cost_us.max(0.0) as u64).min(baton_sim::simulation::MAX_POLL_COST_US);
    config.task_events = true;
    config
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_board::digitalio::DigitalInOut;
    use baton_board::{Board, Pin};

    /// A program of your own runs as `Simulation::with_main` runs it in your tests, and names
    /// the parts it creates.
    #[test]
    fn a_program_runs_as_in_the_simulator_and_reports_its_parts() {
        async fn main(board: impl Board) -> Result<(), BoardError> {
            let mut led = DigitalInOut::new(board.output(Pin::D(13))?);
            led.switch_to_output(true);
            baton::sleep_ms(5).await;
            led.set_value(false);
            Ok(())
        }
        let sim = DemoSim::program(10.0, main);
        assert_eq!(sim.run(), outcome::OVER);
        assert_eq!(sim.take_parts(), "led D13");
        assert_eq!(sim.take_parts(), "", "taken once");
        let pins: Vec<String> = sim.take_trace().lines().filter(|l| l.contains("\"pin\"")).map(str::to_owned).collect();
        let mut reference = Simulation::with_main(SimConfig::program(), main);
        reference.run_until(1_000_000);
        let want: Vec<String> =
            reference.trace().iter().filter(|e| matches!(e, TraceEvent::Pin { .. })).map(TraceEvent::to_json).collect();
        assert_eq!(pins, want);
        assert_eq!(want.len(), 2);
    }
}
