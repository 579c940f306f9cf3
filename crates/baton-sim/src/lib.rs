//! # baton-sim: the guide's programs on a virtual board
//!
//! A deterministic virtual board — LEDs, buttons, a NeoPixel strip, a
//! console — on a virtual clock that follows the timing model of
//! `docs/SIMULATOR.md`. Runs any demo of [`baton_demos`] headless,
//! from an input script, and records a JSON-Lines trace (and VCD). The
//! command line (`cargo run -p baton-sim -- <demo-id> --for-ms N`) and the
//! playground both drive a [`Simulation`].
//!
//! ```
//! use baton_sim::{inputs, SimConfig, Simulation};
//! use baton_demos::DemoId;
//!
//! let mut sim = Simulation::new(SimConfig::new(DemoId::ButtonInterval));
//! sim.schedule_inputs(&inputs::parse_script(r#"{"t_ms": 800, "pin": "D4", "action": "press"}"#).unwrap());
//! sim.run_until(1_000_000);
//! let console = sim.console();
//! assert_eq!(console[0].1, "interval is now 0.4");
//! assert!(console[0].0 >= 800_000 && console[0].0 < 821_000); // the next 20 ms keypad scan
//! ```

#![forbid(unsafe_code)]

pub mod board;
pub mod inputs;
pub mod json;
pub mod simulation;
pub mod trace;
pub mod vcd;

pub use board::VirtualBoard;
pub use inputs::{Bounce, InputError, InputEvent, LevelEvent};
pub use simulation::{Program, SimConfig, Simulation, Step};
pub use trace::{TraceEvent, TraceExt};
