//! Two LEDs, the thoughtless way — and it DOESN'T WORK ("Blinking LEDs
//! without asyncio — Two LEDs").
//!
//! `blink` sleeps with the blocking `time.sleep()`, which keeps control: the
//! second LED only starts after the first has finished all its blinks.

use crate::{secs, DemoInfo, Params, Section};
use baton_board::console::Console;
use baton_board::digitalio::{DigitalInOut, OutputPin};
use baton_board::time::Time;
use baton_board::{Board, BoardError};
use core::convert::Infallible;
use core::time::Duration;

/// Shared with the playground and the CLI.
pub static INFO: DemoInfo = DemoInfo {
    id: "blink-blocking",
    title: "Two LEDs, blocking (doesn't work)",
    section: Section::ConcurrentTasks,
    description: "Calling the blocking blink() twice: the first call keeps control \
        the whole time it sleeps, so LED 2 only blinks after LED 1 is completely \
        done. The inspector shows a single poll that never gives the turn away.",
    params: crate::blink_two::PARAMS,
    in_guide: true,
};

/// Blinks with blocking sleeps: nothing else can run until it returns.
pub fn blink<P: OutputPin<Error = Infallible>>(time: &impl Time, pin: P, interval: Duration, count: u32) {
    let mut led = DigitalInOut::new(pin);
    led.switch_to_output(false);
    for _ in 0..count {
        led.set_value(true);
        time.sleep(interval);
        led.set_value(false);
        time.sleep(interval);
    }
}

/// `main()`: one blink after the other.
pub fn main<B: Board>(board: &B, p: &Params) -> Result<(), BoardError> {
    let time = board.time();
    blink(&time, board.output(p.pin("led1"))?, secs(p.float("interval1")), p.int("count1"));
    // DOESN'T WORK
    // Second LED blinks only after the first one is finished.
    blink(&time, board.output(p.pin("led2"))?, secs(p.float("interval2")), p.int("count2"));
    board.console().print_line("done");
    Ok(())
}
