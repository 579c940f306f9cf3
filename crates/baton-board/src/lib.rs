//! # The board modules: CircuitPython's names, Rust's traits
//!
//! Each module is named after the CircuitPython module the guide imports, so
//! a reader maps one to one:
//!
//! | guide (`import …`) | here | sits on |
//! |---|---|---|
//! | `board` | [`board`]: the pin names and the [`Board`] a host provides | — |
//! | `digitalio` | [`digitalio::DigitalInOut`] | `embedded_hal::digital::OutputPin` |
//! | `keypad` | [`keypad::Keys`]: debounced key events, scanned in the background | `embedded_hal::digital::InputPin` |
//! | `countio` | [`countio::Counter`]: every edge, bounce included | an edge interrupt ([`countio::EdgeSource`]) |
//! | `neopixel` | [`neopixel::NeoPixel`] | `smart_leds::SmartLedsWrite` |
//! | `rainbowio` | [`rainbowio::colorwheel`] | — |
//! | `time` | [`time::Time`]: blocking `sleep` and `monotonic` | the host's timer |
//! | `print` | [`console::Console`] | USB serial, the simulator's trace, the page |
//!
//! Task code takes what it needs from a [`Board`] by the guide's pin names,
//! so one demo runs on the simulator, in the browser and on an RP2040 — and, with the `std`
//! feature, on your computer: `host::HostBoard` writes what the pins do to standard output
//! (`baton::run(my_app::main(HostBoard::new()))`).
//!
//! The crate is `no_std` (+ `alloc`); only the `std` feature's `host` module needs the
//! standard library.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod board;
pub mod console;
pub mod countio;
pub mod digitalio;
#[cfg(feature = "std")]
pub mod host;
pub mod keypad;
pub mod neopixel;
pub mod rainbowio;
pub mod time;

pub use board::{Board, BoardError, Pin, Pull};
