//! My app: two LEDs that blink on their own, and an `Event` between them. Written for any
//! `baton_board::Board`, so the same code runs on a PC (examples/host.rs), in the simulator's
//! tests (tests/timing.rs) and on an RP2040 (src/bin/firmware.rs).

#![no_std]

extern crate alloc;

use baton::{create_task, gather, sleep_secs, Event};
use baton_board::console::Console;
use baton_board::digitalio::{DigitalInOut, OutputPin};
use baton_board::{Board, BoardError, Pin};
use core::convert::Infallible;

/// An LED on `pin`, off.
fn led<P: OutputPin<Error = Infallible>>(pin: P) -> DigitalInOut<P> {
    let mut led = DigitalInOut::new(pin);
    led.switch_to_output(false);
    led
}

/// Blinks `led` `count` times, `interval` seconds on and off.
async fn blink(led: &mut DigitalInOut<impl OutputPin<Error = Infallible>>, interval: f64, count: u32) {
    for _ in 0..count {
        led.set_value(true);
        sleep_secs(interval).await;
        led.set_value(false);
        sleep_secs(interval).await;
    }
}

/// D0 blinks four times; then D1, which waited for that on an `Event`, blinks three times
/// faster; then main says `done`. Both LEDs are switched off first, at once. (D0 and D1 exist
/// on both the Pico and the QT Py RP2040.)
pub async fn main(board: impl Board) -> Result<(), BoardError> {
    let (mut led0, mut led1) = (led(board.output(Pin::D(0))?), led(board.output(Pin::D(1))?));
    let d0_done = Event::new();
    let set_it = d0_done.clone();
    let first = create_task(async move {
        blink(&mut led0, 0.05, 4).await;
        set_it.set();
    });
    let second = create_task(async move {
        d0_done.wait().await;
        blink(&mut led1, 0.02, 3).await;
    });
    let _ = gather((first, second)).await;
    board.console().print_line("done");
    Ok(())
}
