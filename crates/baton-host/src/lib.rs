//! # baton-host: the Rust side of the playground worker's protocol
//!
//! The playground runs two kinds of program in its Web Worker
//! (`crates/baton-py/js/worker.mjs`): a CircuitPython `code.py` on baton-py's `PySim`, and
//! a blocking Rust demo on baton-demo-sim's `DemoSim`. They are two wasm modules, so that
//! each run downloads only its own, and they speak one protocol to the worker: the page's
//! *pace* function, presses clicked on the page, an input script to replay, bounce, and
//! turns as numbers. This crate is that protocol, once; and the messages themselves, which
//! the modules write and the page reads, are written and read in one place too: [`wire`],
//! which the page links as well.
//!
//! It exports nothing to JavaScript itself (no `#[wasm_bindgen]` item): an export here
//! would be linked into both modules, and into the page.

#![forbid(unsafe_code)]

/// The allocator of both worker modules and of the page (a global allocator is one per
/// module, so it is declared here, where all three link it): talc, a maintained `no_std` allocator with a
/// WebAssembly mode that grows the memory as Rust's default dlmalloc does, in less code (2.3 KB
/// of baton-py's wasm, gzipped) and as fast (docs/PERFORMANCE.md, Python mode).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub mod wire;

pub use wire::{state_code, turn, TURN_FIELDS};

use baton_board::Pin;
use baton_sim::{inputs, Bounce, InputEvent, VirtualBoard};
use wasm_bindgen::{JsError, JsValue};

/// A pin by its board name (`D3`, `A0`), or an error that names it.
pub fn pin_of(name: &str) -> Result<Pin, JsError> {
    name.parse::<Pin>().map_err(|e| JsError::new(&e.to_string()))
}

/// A press or release from the page, scheduled on `board` 1 µs from now and no sooner than
/// `not_before_us`; returns its time. Always in the future of the current time, so that a
/// recording of it replays exactly.
pub fn host_input(board: &VirtualBoard, pin: &str, pressed: bool, not_before_us: f64) -> Result<f64, JsError> {
    let pin = pin_of(pin)?;
    let t_us = (board.now_us() + 1).max(not_before_us.max(0.0) as u64);
    board.schedule_inputs(&[InputEvent { t_us, pin, pressed }]);
    Ok(t_us as f64)
}

/// Schedules an input script's presses on `board` (JSON Lines, `docs/SIMULATOR.md`).
pub fn schedule_script(board: &VirtualBoard, script: &str) -> Result<(), JsError> {
    let events = inputs::parse_script(script).map_err(|e| JsError::new(&format!("inputs: {e}")))?;
    board.schedule_inputs(&events);
    Ok(())
}

/// The page's pace function, `(now_us, want_us) => granted_us`, as the board asks it
/// ([`VirtualBoard::set_pace`]); a failed call or a non-number stops the run.
pub fn pace_fn(f: js_sys::Function) -> baton_sim::board::Pace {
    Box::new(move |now, want| {
        f.call2(&JsValue::NULL, &JsValue::from(now as f64), &JsValue::from(want as f64))
            .ok()
            .and_then(|v| v.as_f64())
            .map_or(now, |v| v.max(0.0) as u64)
    })
}

/// A whole number in decimal, through `u64`'s `Display`, which the page and the worker's
/// modules have anyway (`i32`'s would add half a KB of its own): the wire's refusals, and the
/// page's numbers (its `view` re-exports it, so that nothing below the view imports it).
pub fn int(v: i32) -> String {
    let sign = if v < 0 { "-" } else { "" };
    format!("{sign}{}", u64::from(v.unsigned_abs()))
}

/// `count` extra edges over `duration_us` per press, or clean presses (`count` 0).
pub fn bounce(duration_us: f64, count: u32) -> Option<Bounce> {
    (count > 0 && duration_us > 0.0).then_some(Bounce { duration_us: duration_us as u64, count })
}
