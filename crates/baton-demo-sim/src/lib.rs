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

#![forbid(unsafe_code)]

use baton_demos::{DemoId, Params};
use baton_host::{host_input, schedule_script, turn};
use baton_sim::{SimConfig, Simulation, TraceEvent, VirtualBoard};
use litemap::LiteMap;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// What [`DemoSim::run`] answers.
pub mod outcome {
    /// The program is over (`main` returned).
    pub const OVER: i32 = 0;
    /// The page stopped the run (its pace granted nothing).
    pub const STOPPED: i32 = 1;
}

/// One of the guide's blocking Rust demos on the paced virtual board.
#[wasm_bindgen]
pub struct DemoSim {
    sim: RefCell<Simulation>,
    /// The same board, reached while `sim` is inside a poll (the pace function schedules
    /// presses and takes the trace then).
    board: VirtualBoard,
    /// Tasks already named to the page, and names not yet taken ([`DemoSim::take_names`]).
    named: RefCell<LiteMap<u64, ()>>,
    names: RefCell<Vec<String>>,
    /// Turns read off the trace and not yet taken ([`DemoSim::take_turns`]).
    turns: RefCell<Vec<f64>>,
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
        let mut config = SimConfig::new(demo);
        config.params = p.clone();
        config.poll_cost_us = (poll_cost_us.max(0.0) as u64).min(baton_sim::simulation::MAX_POLL_COST_US);
        config.task_events = true;
        // Only the blocking programs: the worker's wasm links no other demo.
        let sim = Simulation::with_blocking_main(config, move |board| {
            baton_demos::run_blocking(&board, &p).unwrap_or(Ok(()))
        });
        let board = sim.board();
        // Named now: a turn under way is reported before its `task` event, which only comes
        // at its end (and `main` is a blocking demo's one task).
        let tasks = sim.tasks();
        Ok(DemoSim {
            named: RefCell::new(tasks.iter().map(|t| (t.id.as_u64(), ())).collect()),
            names: RefCell::new(tasks.iter().map(|t| format!("{} {}", t.id.as_u64(), t.name)).collect()),
            sim: RefCell::new(sim),
            board,
            turns: RefCell::new(Vec::new()),
        })
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

    /// Nothing: the page draws a Rust demo's board from its parameters.
    pub fn take_parts(&self) -> String {
        String::new()
    }

    /// Virtual time now, µs.
    pub fn now_us(&self) -> f64 {
        self.board.now_us() as f64
    }
}
