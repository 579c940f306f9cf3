//! # Baton on an RP2040
//!
//! The runtime for a Baton program on a Raspberry Pi Pico or an Adafruit QT
//! Py RP2040 (cargo feature `pico` or `qtpy`): Baton's host loop (run every
//! ready task; when none is, arm the timer's alarm for the next deadline and
//! sleep in WFI), the 1 MHz timer as Baton's clock, a
//! [`baton_board::Board`] ([`Rp2040Board`]: GPIO, keypad, `countio` from edge
//! interrupts, NeoPixels over PIO), `print` on USB serial and a UART
//! ([`console`]), a watchdog, and safe mode after a panic or a hang.
//!
//! A whole firmware is one call; the program itself is generic over
//! `baton_board::Board`, so the same code runs on a PC, in baton-sim's tests
//! and here:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//!
//! #[baton_rp2040::entry]
//! fn main() -> ! {
//!     // (or a closure: `|board| my_app::main(board, 0.5)`)
//!     baton_rp2040::run("my-app", my_app::main)
//! }
//! ```
//!
//! The firmware crate needs cortex-m-rt (the `entry` attribute names it),
//! and a `.cargo/config.toml` with `target = "thumbv6m-none-eabi"` and the
//! linker script `-Tlink.x`; this crate supplies `memory.x` (flash, RAM, the
//! boot2 section and the configuration sector kept free at the end of flash),
//! the second-stage bootloader of the board's flash chip, the heap, the
//! interrupt handlers and the panic handler.
//!
//! Pins are the program's: the console UART starts on its TX pin at boot,
//! and gives it up (a line on USB says so) when the program asks for that
//! pin; the QT Py's on-board NeoPixel is powered when the program asks for
//! it, and its first frame waits for the power to settle. A program that
//! knows its pins before it starts (the demos read them from the
//! configuration block) can say so with [`Firmware::expect_pins`], so that
//! boot prepares them: no UART on a pin the program will take, the
//! NeoPixel's power settled by time zero.
//!
//! The USB port also speaks Baton's link to the page (docs/LINK.md, `baton-link`): a host that
//! sends `Hello` gets the board, the demo and its parameters, can stream what the program does
//! (pin changes, prints, NeoPixel frames, task turns, button presses) without changing its
//! timing, and can switch the demo ([`Firmware::on_set_config`]). A terminal that never sends
//! a frame sees the console as before.

#![no_std]

extern crate alloc;

pub mod board;
pub mod boards;
mod bootsel;
pub mod config_sector;
pub mod console;
mod divider;
mod edges;
mod heap;
mod host_loop;
mod link;
mod panic;
mod pixels;
mod press_log;
mod ring;
pub mod safe_mode;
mod serial_number;
pub mod stream;
pub mod timer;
pub mod watchdog;

pub use board::Rp2040Board;
pub use heap::init_heap;
pub use host_loop::{run, Firmware, Outcome};
pub use link::ConfigCheck;
/// The HAL this crate is built on, for a firmware that needs more of the chip.
pub use rp2040_hal as hal;
/// The firmware's entry point (rp2040-hal's, on cortex-m-rt's): `#[baton_rp2040::entry]`
/// on `fn main() -> !`.
pub use rp2040_hal::entry;
