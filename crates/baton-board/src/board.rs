//! `board`: the pins by the guide's names, and what a host must provide.

use core::convert::Infallible;
use core::fmt;
use core::str::FromStr;
use embedded_hal::digital::{InputPin, OutputPin};

/// A pin by its board name: `D0`–`D13`, `A0`–`A5`, `LED`, `NEOPIXEL` (the
/// names the guide uses, e.g. `board.D1`).
///
/// ```
/// use baton_board::Pin;
/// let p: Pin = "D3".parse().unwrap();
/// assert_eq!(p, Pin::D(3));
/// assert_eq!(p.to_string(), "D3");
/// assert!("D14".parse::<Pin>().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Pin {
    /// Digital pin `D0`–`D13`.
    D(u8),
    /// Analog-capable pin `A0`–`A5` (used as digital here).
    A(u8),
    /// The on-board LED.
    Led,
    /// The on-board NeoPixel.
    NeoPixel,
}

impl Pin {
    /// Every pin name a board may have, in a fixed order.
    pub fn all() -> impl Iterator<Item = Pin> {
        (0..14).map(Pin::D).chain((0..6).map(Pin::A)).chain([Pin::Led, Pin::NeoPixel])
    }
}

impl fmt::Display for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pin::D(n) => write!(f, "D{n}"),
            Pin::A(n) => write!(f, "A{n}"),
            Pin::Led => f.write_str("LED"),
            Pin::NeoPixel => f.write_str("NEOPIXEL"),
        }
    }
}

/// A pin name that is not one of the guide's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPin(pub alloc::string::String);

impl fmt::Display for UnknownPin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown pin {:?} (pins are D0-D13, A0-A5, LED, NEOPIXEL)", self.0)
    }
}

impl FromStr for Pin {
    type Err = UnknownPin;

    fn from_str(s: &str) -> Result<Pin, UnknownPin> {
        let bad = || UnknownPin(s.into());
        let number = |digits: &str, max: u8| -> Result<u8, UnknownPin> {
            // "D01" or "D+1" are not pin names.
            if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            if digits.len() == 2 && digits.starts_with('0') {
                return Err(bad());
            }
            digits.parse::<u8>().ok().filter(|n| *n <= max).ok_or_else(bad)
        };
        match s {
            "LED" => Ok(Pin::Led),
            "NEOPIXEL" => Ok(Pin::NeoPixel),
            _ if s.starts_with('D') => number(&s[1..], 13).map(Pin::D),
            _ if s.starts_with('A') => number(&s[1..], 5).map(Pin::A),
            _ => Err(bad()),
        }
    }
}

/// The pull resistor of an input pin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pull {
    /// No pull: the pin floats unless driven.
    None,
    /// Pulled up: reads high until a button connects it to ground (the
    /// guide's wiring: buttons are active-low).
    Up,
    /// Pulled down.
    Down,
}

/// Why a board could not hand out a pin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BoardError {
    /// This board has no such pin.
    NoSuchPin(Pin),
    /// The pin is already in use by another part of the program.
    PinInUse(Pin),
    /// The pin can't do that (e.g. no NeoPixel driver on it).
    Unsupported(Pin, &'static str),
}

impl fmt::Display for BoardError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoardError::NoSuchPin(p) => write!(f, "this board has no pin {p}"),
            BoardError::PinInUse(p) => write!(f, "pin {p} is already in use"),
            BoardError::Unsupported(p, what) => write!(f, "pin {p} cannot be used for {what}"),
        }
    }
}

/// What a host provides to the demos: pins by name, a NeoPixel driver, a
/// blocking clock and a console.
///
/// The simulator's virtual board, the RP2040 firmware and tests each
/// implement it; a demo is `async fn main(board: impl Board, …)` and never
/// knows which one it runs on. Pins are infallible (as on the RP2040): a
/// blinking LED has nothing useful to do with an I/O error.
pub trait Board {
    /// A pin driven by the program (an LED).
    type Output: OutputPin<Error = Infallible> + 'static;
    /// A pin the program reads (a button).
    type Input: InputPin<Error = Infallible> + 'static;
    /// A pin whose edges are counted by an interrupt (for `countio`).
    type EdgeInput: crate::countio::EdgeSource + 'static;
    /// A NeoPixel strip's driver.
    type Pixels: crate::neopixel::PixelOutput + 'static;
    /// The guide's `time` module: blocking sleep and `monotonic`.
    type Time: crate::time::Time + 'static;
    /// Where `print` goes.
    type Console: crate::console::Console + Clone + 'static;

    /// The pin `pin` as an output.
    fn output(&self, pin: Pin) -> Result<Self::Output, BoardError>;
    /// The pin `pin` as an input with the given pull.
    fn input(&self, pin: Pin, pull: Pull) -> Result<Self::Input, BoardError>;
    /// The pin `pin` as an input whose edges are reported by interrupt.
    fn edge_input(&self, pin: Pin, pull: Pull) -> Result<Self::EdgeInput, BoardError>;
    /// A NeoPixel strip of `n` pixels on `pin`.
    fn neopixel(&self, pin: Pin, n: usize) -> Result<Self::Pixels, BoardError>;
    /// The blocking clock.
    fn time(&self) -> Self::Time;
    /// The console.
    fn console(&self) -> Self::Console;
}
