//! Safe mode, as a CircuitPython board has it: after a panic or a watchdog
//! restart, the next boot does not run the demo again.
//!
//! Why not simply run it again: whatever went wrong will most likely go
//! wrong the same way, and every restart makes USB enumerate again, so a
//! terminal loses the serial port once a second and the user never gets to
//! read what happened. In safe mode the board stays up and calm instead:
//!
//! - it says why on both consoles, at boot (in the greeting, which every
//!   terminal that opens the port gets first) and again every
//!   [`REPEAT_EVERY`], so a terminal opened at any time shows the reason;
//! - it shows it on the board: two short flashes every two seconds on an
//!   on-board LED (the Pico's), or a steady dim red on an on-board NeoPixel
//!   (the QT Py's), as the board module's [`Status`] says;
//! - it stays so until the board is reset (RUN pin, power) or reflashed —
//!   the 1200-baud touch works here too (see `console`), so a fixed UF2 can
//!   be copied without pressing BOOTSEL.
//!
//! Safe mode is an ordinary Baton task on the same host loop as a demo, so
//! the watchdog still guards it; it never enters safe mode from safe mode
//! with a stale reason, because each boot reads and clears the marks first.

use crate::board::Rp2040Board;
use crate::boards;
use crate::console;
use alloc::string::String;
use baton::{create_task, sleep, Duration};
use baton_board::digitalio::DigitalInOut;
use baton_board::neopixel::NeoPixel;
use baton_board::{Board, BoardError, Pin};

/// How the board shows safe mode.
// Each board module picks one variant: the other is unused in its build.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug)]
pub enum Status {
    /// Flashes an LED: two short flashes every two seconds.
    Led(Pin),
    /// Lights one NeoPixel dim red.
    NeoPixel(Pin),
}

impl Status {
    /// The pin it uses.
    pub fn pin(self) -> Pin {
        match self {
            Status::Led(p) | Status::NeoPixel(p) => p,
        }
    }
}

/// How often the reason is said again.
pub const REPEAT_EVERY: Duration = Duration::from_secs(5);

/// The LED's pattern: on, off, on, off (ms); two short flashes every two seconds,
/// unlike any demo's even blink.
const FLASHES_MS: [u64; 4] = [100, 200, 100, 1600];

/// The NeoPixel's colour: red at about 6 % (CircuitPython's safe-mode colour, dimmed).
const DIM_RED: (u8, u8, u8) = (16, 0, 0);

/// The lines a terminal gets (the greeting) and the one said every [`REPEAT_EVERY`].
pub fn lines(why: &str) -> [String; 2] {
    [
        alloc::format!("baton: {} is in safe mode: {why}", boards::NAME),
        String::from(
            "baton: the demo does not run until the board is reset or reflashed \
             (open this port at 1200 baud and close it to get the RPI-RP2 drive without BOOTSEL)",
        ),
    ]
}

/// Safe mode's task: say why every [`REPEAT_EVERY`] (a task of its own) and show it on
/// the board, forever.
pub async fn run(board: Rp2040Board, why: String) -> Result<(), BoardError> {
    let reminder = alloc::format!("baton: safe mode: {why} (reset or reflash the board to leave it)");
    let _reminder = create_task(async move {
        loop {
            sleep(REPEAT_EVERY).await;
            console::write_line(&reminder);
        }
    });
    match boards::STATUS {
        Status::Led(pin) => {
            let mut led = DigitalInOut::new(board.output(pin)?);
            loop {
                for (i, ms) in FLASHES_MS.iter().enumerate() {
                    led.set_value(i % 2 == 0);
                    sleep(Duration::from_millis(*ms)).await;
                }
            }
        }
        Status::NeoPixel(pin) => {
            let mut pixel = NeoPixel::new(board.neopixel(pin, 1)?, 1, 1.0, false);
            pixel.fill(DIM_RED);
            pixel.show();
            // The pixel keeps its colour; this task only keeps the reminder's company.
            loop {
                sleep(REPEAT_EVERY).await;
            }
        }
    }
}
