//! # baton-sim: your program, or the guide's, on a virtual board
//!
//! A deterministic virtual board — LEDs, buttons, a NeoPixel strip, a
//! console — on a virtual clock that follows the timing model of Baton's
//! simulator contract (`docs/SIMULATOR.md`): every turn of every task costs
//! `poll_cost_us`, sleeps wake on the 1 ms ticks CircuitPython's asyncio reads, and the
//! same program gives the same trace every time. It runs a program of your own in a test
//! ([`SimConfig::program`], [`Simulation::with_main`], and [`TraceExt`] to ask the trace
//! what happened, when) or any demo of [`baton_demos`], from an input script, and records
//! a JSON-Lines trace (and VCD). The command line
//! (`cargo run -p baton-sim -- <demo-id> --for-ms N`) and the playground both drive a
//! [`Simulation`].
//!
//! ```
//! use baton::sleep_secs;
//! use baton_board::{digitalio::DigitalInOut, Board, Pin};
//! use baton_sim::{SimConfig, Simulation, TraceExt};
//!
//! let mut sim = Simulation::with_main(SimConfig::program(), |board| async move {
//!     let mut led = DigitalInOut::new(board.output(Pin::Led)?);
//!     for _ in 0..2 {
//!         led.set_value(!led.value());
//!         sleep_secs(0.5).await;
//!     }
//!     Ok(())
//! });
//! sim.run_until(2_000_000);
//! assert_eq!(sim.trace().pin("LED"), [(10, true), (500_010, false)]);
//! ```
//!
//! A demo, with a press from an input script:
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
