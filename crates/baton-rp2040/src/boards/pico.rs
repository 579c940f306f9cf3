//! Raspberry Pi Pico (and Pico H): RP2040, 2 MB W25Q16 flash, 12 MHz crystal.
//!
//! The Pico's silk screen only says GP0–GP28, so the guide's names are
//! mapped as plainly as possible:
//!
//! | name       | GPIO | header pin | notes |
//! |------------|------|------------|-------|
//! | `D0`–`D13` | GP0–GP13 | 1, 2, 4–7, 9–12, 14–17 | `Dn` is `GPn` |
//! | `A0`       | GP26 | 31 | ADC0 |
//! | `A1`       | GP27 | 32 | ADC1 |
//! | `A2`       | GP28 | 34 | ADC2 |
//! | `A3`       | GP22 | 29 | digital only (the Pico has three ADC pins on its header) |
//! | `LED`      | GP25 | —  | the green on-board LED |
//! | console    | GP16 (UART0 TX), GP17 (UART0 RX) | 21, 22 | 115200 8N1, plus USB CDC |
//!
//! `A4`, `A5` and `NEOPIXEL` do not exist on the Pico. The console UART
//! sits on GP16/GP17 so that every `Dn` pin stays free for the demos.
//!
//! (The demos firmware's default demo, `blink-one` on the on-board LED, is
//! firmware/src/config.rs's.)

use crate::safe_mode::Status;
use baton_board::Pin;

/// The board's name, as the console prints it.
pub const NAME: &str = "Raspberry Pi Pico";

/// Pin names to GPIO numbers.
pub const PINS: &[(Pin, u8)] = &[
    (Pin::D(0), 0),
    (Pin::D(1), 1),
    (Pin::D(2), 2),
    (Pin::D(3), 3),
    (Pin::D(4), 4),
    (Pin::D(5), 5),
    (Pin::D(6), 6),
    (Pin::D(7), 7),
    (Pin::D(8), 8),
    (Pin::D(9), 9),
    (Pin::D(10), 10),
    (Pin::D(11), 11),
    (Pin::D(12), 12),
    (Pin::D(13), 13),
    (Pin::A(0), 26),
    (Pin::A(1), 27),
    (Pin::A(2), 28),
    (Pin::A(3), 22),
    (Pin::Led, 25),
];

/// A GPIO that must be driven high to power the on-board NeoPixel.
pub const NEOPIXEL_POWER: Option<u8> = None;

/// The console UART and its TX pin.
pub type ConsoleUart = rp2040_hal::pac::UART0;
/// The console UART's TX pin (GP16).
pub type ConsoleTx = rp2040_hal::gpio::bank0::Gpio16;
/// The console UART's interrupt (its TX FIFO draining).
pub const CONSOLE_IRQ: rp2040_hal::pac::Interrupt = rp2040_hal::pac::Interrupt::UART0_IRQ;
/// The console UART's TX GPIO number (to keep it out of a demo's way).
pub const CONSOLE_TX: u8 = 16;

/// How the board shows safe mode: the on-board LED (GP25) flashes.
pub const STATUS: Status = Status::Led(Pin::Led);

/// The second-stage bootloader for the Pico's W25Q16 flash.
///
/// Named and placed as the rp2040 board crates (rp-pico, adafruit-qt-py-rp2040)
/// do: `BOOT2_FIRMWARE`, unmangled, so that memory.x's `EXTERN(BOOT2_FIRMWARE)`
/// keeps it even if nothing refers to it, and `KEEP(*(.boot2))` puts it in
/// the first 256 bytes of flash, where the boot ROM checks its CRC.
#[link_section = ".boot2"]
#[no_mangle]
#[used]
pub static BOOT2_FIRMWARE: [u8; 256] = rp2040_boot2::BOOT_LOADER_W25Q080;
