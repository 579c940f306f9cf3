//! # Baton's demos on an RP2040
//!
//! The guide's demos on a real board: the same `baton_demos::run(board, params)` that the
//! simulator and the playground run, here on baton-rp2040's board and host loop.
//!
//! Which demo runs is read from the configuration block at the end of flash (see [`config`]);
//! the board is chosen at build time by cargo feature (`pico`, `qtpy`). The demo's pins are
//! known from its parameters before it starts, so boot prepares them
//! (`Firmware::expect_pins`): no console UART on a pin the demo takes, the on-board
//! NeoPixel's power settled by time zero.
//!
//! Over USB the page can ask which demo runs, stream what it does, and switch it: the link
//! (docs/LINK.md) is the runtime's; the firmware gives it the demo and the check of a new
//! configuration ([`config::block_for`]).

#![no_std]
#![no_main]

extern crate alloc;

#[cfg(feature = "bench")]
mod bench;
mod config;

use alloc::format;
use alloc::string::String;
use baton_demos::Params;
use baton_rp2040::{Firmware, Rp2040Board};

/// `demo key=value …` (the parameters that differ from the guide's).
fn describe(params: &Params) -> String {
    let mut s = String::from(params.demo().id());
    for (k, v) in params.changed() {
        s.push_str(&format!(" {k}={v}"));
    }
    s
}

#[baton_rp2040::entry]
fn main() -> ! {
    baton_rp2040::init_heap();
    #[cfg(feature = "bench")]
    bench::panic_early_if_asked();
    let (params, problem) = config::load();
    let changed = params.changed().into_iter().map(|(k, v)| (String::from(k), v)).collect();
    let mut firmware = Firmware::new(&describe(&params))
        .identity(env!("CARGO_PKG_VERSION"), params.demo().id(), changed)
        .on_set_config(config::block_for);
    // (The `on-demand` build leaves them to be taken when the demo asks.)
    if !cfg!(feature = "on-demand") {
        firmware = firmware.expect_pins(config::pins(&params));
    }
    if let Some(problem) = problem {
        firmware = firmware.note(problem);
    }
    firmware.run(move |board| run_demo(board, params))
}

/// The configured demo (the bench build: the timing experiments instead).
async fn run_demo(board: Rp2040Board, params: Params) -> Result<(), baton_board::BoardError> {
    #[cfg(not(feature = "bench"))]
    return baton_demos::run(board, params).await;
    #[cfg(feature = "bench")]
    {
        let _ = params;
        bench::run(board).await;
        Ok(())
    }
}
