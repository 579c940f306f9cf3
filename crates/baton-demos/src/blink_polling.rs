//! Two LEDs with a hand-rolled event loop ("Blinking LEDs without asyncio").
//!
//! Without asyncio, blinking two LEDs at once means checking the time over
//! and over and keeping each LED's state in an object: a special-purpose
//! scheduler just for this program. It works, but compare it with the
//! asyncio version.

use crate::{DemoInfo, Params, Section};
use baton_board::console::Console;
use baton_board::digitalio::{DigitalInOut, OutputPin};
use baton_board::time::Time;
use baton_board::{Board, BoardError};
use core::convert::Infallible;

/// Shared with the playground and the CLI.
pub static INFO: DemoInfo = DemoInfo {
    id: "blink-polling",
    title: "Two LEDs, polling the clock",
    section: Section::ConcurrentTasks,
    description: "A Blinker object per LED remembers when it last changed; the main \
        loop asks each one, over and over, whether it is time to toggle. Both LEDs \
        blink on time, but the CPU is never idle (every loop reads the clock) and \
        all the bookkeeping asyncio does for you is written by hand.",
    params: crate::blink_two::PARAMS,
    in_guide: true,
};

/// One LED's blinking state.
pub struct Blinker<P> {
    led: DigitalInOut<P>,
    interval: f64,
    /// Count both on and off.
    count2: u32,
    last_transition: f64,
}

impl<P: OutputPin<Error = Infallible>> Blinker<P> {
    /// A blinker for `led`.
    pub fn new(led: DigitalInOut<P>, interval: f64, count: u32) -> Self {
        Blinker { led, interval, count2: count * 2, last_transition: 0.0 }
    }

    /// Returns `false` when blinking is finished.
    pub fn blink(&mut self, time: &impl Time) -> bool {
        if self.count2 == 0 {
            return false;
        }
        let now = time.monotonic();
        if now > self.last_transition + self.interval {
            self.led.set_value(!self.led.value());
            self.last_transition = now;
            self.count2 -= 1;
        }
        true
    }
}

/// `main()`: the polling loop.
pub fn main<B: Board>(board: &B, p: &Params) -> Result<(), BoardError> {
    let time = board.time();
    let mut led1 = DigitalInOut::new(board.output(p.pin("led1"))?);
    let mut led2 = DigitalInOut::new(board.output(p.pin("led2"))?);
    led1.switch_to_output(false);
    led2.switch_to_output(false);
    let mut blinker1 = Blinker::new(led1, p.float("interval1"), p.int("count1"));
    let mut blinker2 = Blinker::new(led2, p.float("interval2"), p.int("count2"));
    let mut running1 = true;
    let mut running2 = true;
    while running1 || running2 {
        running1 = blinker1.blink(&time);
        running2 = blinker2.blink(&time);
    }
    board.console().print_line("done");
    Ok(())
}
