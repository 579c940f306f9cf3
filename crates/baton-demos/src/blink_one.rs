//! One LED, with asyncio ("Blinking LEDs with asyncio — One LED").
//!
//! The first asyncio program of the guide: `blink` is a task, it gives up
//! control at each `sleep(…).await`, and `main` waits for it with `gather`.

use crate::params::{count, pin, seconds, ParamSpec};
use crate::{DemoInfo, Params, Section};
use baton::{create_task, gather, sleep_secs};
use baton_board::console::Console;
use baton_board::digitalio::DigitalInOut;
use baton_board::digitalio::OutputPin;
use baton_board::{Board, BoardError, Pin};
use core::convert::Infallible;

/// Shared with the playground and the CLI.
pub static INFO: DemoInfo = DemoInfo {
    id: "blink-one",
    title: "One LED",
    section: Section::ConcurrentTasks,
    description: "One LED blinks 10 times, then \"done\" is printed. The blocking \
        time.sleep() becomes `sleep(interval).await`: at each await the task gives \
        up control, so the scheduler could run other tasks while it waits. Watch the \
        inspector: the blink task sleeps almost all the time.",
    params: PARAMS,
    in_guide: true,
};

const PARAMS: &[ParamSpec] =
    &[pin("led", "LED pin", Pin::D(1)), seconds("interval", "Interval", 0.25), count("count", "Blinks", 10, 1000)];

/// Blinks the LED on `pin` `count` times, `interval` seconds on and `interval`
/// seconds off (seconds as `asyncio.sleep` takes them: see [`sleep_secs`]).
pub async fn blink<P: OutputPin<Error = Infallible>>(pin: P, interval: f64, count: u32) {
    let mut led = DigitalInOut::new(pin);
    led.switch_to_output(false);
    for _ in 0..count {
        led.set_value(true);
        sleep_secs(interval).await; // Don't forget the .await!
        led.set_value(false);
        sleep_secs(interval).await; // Don't forget the .await!
    }
}

/// `main()`: create the task, wait for it, print "done".
pub async fn main<B: Board>(board: B, p: &Params) -> Result<(), BoardError> {
    let led_task = create_task(blink(board.output(p.pin("led"))?, p.float("interval"), p.int("count")));
    let _ = gather((led_task,)).await; // Don't forget the .await!
    board.console().print_line("done");
    Ok(())
}
