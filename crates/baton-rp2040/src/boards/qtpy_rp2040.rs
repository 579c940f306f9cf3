//! Adafruit QT Py RP2040: RP2040, 8 MB GD25Q64 flash, 12 MHz crystal, one
//! NeoPixel, no plain LED.
//!
//! The names are the board's own silk screen (and CircuitPython's `board`):
//!
//! | name       | GPIO | silk screen | notes |
//! |------------|------|-------------|-------|
//! | `A0`, `D0` | GP29 | A0 | |
//! | `A1`, `D1` | GP28 | A1 | |
//! | `A2`, `D2` | GP27 | A2 | |
//! | `A3`, `D3` | GP26 | A3 | |
//! | `D4`       | GP24 | SDA | |
//! | `D5`       | GP25 | SCL | |
//! | `D6`       | GP20 | TX | also the console's UART1 TX (see below) |
//! | `D7`       | GP5  | RX | |
//! | `D8`       | GP6  | SCK | |
//! | `D9`       | GP4  | MI | |
//! | `D10`      | GP3  | MO | |
//! | `NEOPIXEL` | GP12 | — | on-board, powered by GP11 (driven high when used) |
//!
//! `D11`–`D13`, `A4`, `A5` and `LED` do not exist on the QT Py. Because
//! `Dn` and `An` name the same GPIO for n ≤ 3, a demo cannot use both `D1`
//! and `A1`.
//!
//! Console: USB CDC, and UART1 TX on the `TX` pad (GP20, 115200 8N1) until
//! the program asks for `D6` (the guide's two-LED button demo does): then
//! the console is USB only.
//!
//! (The demos firmware's default demo, the guide's rainbow on the on-board
//! NeoPixel, is firmware/src/config.rs's.)

use crate::safe_mode::Status;
use baton_board::Pin;

/// The board's name, as the console prints it.
pub const NAME: &str = "Adafruit QT Py RP2040";

/// Pin names to GPIO numbers.
pub const PINS: &[(Pin, u8)] = &[
    (Pin::A(0), 29),
    (Pin::A(1), 28),
    (Pin::A(2), 27),
    (Pin::A(3), 26),
    (Pin::D(0), 29),
    (Pin::D(1), 28),
    (Pin::D(2), 27),
    (Pin::D(3), 26),
    (Pin::D(4), 24),
    (Pin::D(5), 25),
    (Pin::D(6), 20),
    (Pin::D(7), 5),
    (Pin::D(8), 6),
    (Pin::D(9), 4),
    (Pin::D(10), 3),
    (Pin::NeoPixel, 12),
];

/// A GPIO that must be driven high to power the on-board NeoPixel.
pub const NEOPIXEL_POWER: Option<u8> = Some(11);

/// The console UART.
pub type ConsoleUart = rp2040_hal::pac::UART1;
/// The console UART's TX pin (GP20, the `TX` pad).
pub type ConsoleTx = rp2040_hal::gpio::bank0::Gpio20;
/// The console UART's interrupt (its TX FIFO draining).
pub const CONSOLE_IRQ: rp2040_hal::pac::Interrupt = rp2040_hal::pac::Interrupt::UART1_IRQ;
/// The console UART's TX GPIO number (to keep it out of a demo's way).
pub const CONSOLE_TX: u8 = 20;

/// How the board shows safe mode: the on-board NeoPixel glows dim red.
pub const STATUS: Status = Status::NeoPixel(Pin::NeoPixel);

/// The second-stage bootloader for the QT Py's GD25Q64 flash.
///
/// Named and placed as the rp2040 board crates (rp-pico, adafruit-qt-py-rp2040)
/// do: `BOOT2_FIRMWARE`, unmangled, so that memory.x's `EXTERN(BOOT2_FIRMWARE)`
/// keeps it even if nothing refers to it, and `KEEP(*(.boot2))` puts it in
/// the first 256 bytes of flash, where the boot ROM checks its CRC.
#[link_section = ".boot2"]
#[no_mangle]
#[used]
pub static BOOT2_FIRMWARE: [u8; 256] = rp2040_boot2::BOOT_LOADER_GD25Q64CS;
