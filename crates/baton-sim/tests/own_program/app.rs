// src/lib.rs: your program, for any board
use baton::{create_task, gather, sleep_secs, Event};
use baton_board::console::Console;
use baton_board::digitalio::{DigitalInOut, OutputPin};
use baton_board::{Board, BoardError, Pin};
use core::convert::Infallible;

async fn blink(pin: impl OutputPin<Error = Infallible>, interval: f64, count: u32) {
    let mut led = DigitalInOut::new(pin);
    led.switch_to_output(false);
    for _ in 0..count {
        led.set_value(true);
        sleep_secs(interval).await; // Don't forget the .await!
        led.set_value(false);
        sleep_secs(interval).await;
    }
}

/// D1 blinks three times, then sets an event; D2's task waits for it, then blinks twice.
pub async fn main(board: impl Board) -> Result<(), BoardError> {
    let (led1, led2) = (board.output(Pin::D(1))?, board.output(Pin::D(2))?);
    let d1_done = Event::new();
    let set_it = d1_done.clone();
    let first = create_task(async move {
        blink(led1, 0.1, 3).await;
        set_it.set();
    });
    let second = create_task(async move {
        d1_done.wait().await;
        blink(led2, 0.05, 2).await;
    });
    let _ = gather((first, second)).await;
    board.console().print_line("done");
    Ok(())
}
