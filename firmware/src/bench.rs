//! Measurements for the emulator (feature `bench`; see firmware/emulator/bench.test.mjs):
//! instead of a demo, three experiments whose timing shows on pins.
//!
//! 1. Task switches: two tasks each `yield_now()` [`SWITCHES`] times while `D0` is high:
//!    the pulse width over `2 × SWITCHES` is the cost of one turn (poll, yield, re-queue).
//! 2. Timer wake-up: `D2` goes high, the task sleeps 1 ms, `D2` goes low: the pulse width
//!    minus 1 ms is the time from the alarm to the task running again (WFI exit, alarm
//!    interrupt, `wake_due`, poll), repeated [`WAKES`] times.
//! 3. Edge to task: a task awaits `countio`'s `Counter::wait()` on `D3` (falling edges) and
//!    toggles `D1` each time: the delay from the edge to `D1` is the GPIO interrupt, the
//!    `ThreadSafeFlag`, the WFI exit and the poll.

use crate::board::FirmwareBoard;
use baton::{create_task, gather, sleep, yield_now, Duration};
use baton_board::countio::{Counter, Edge};
use baton_board::{Board, Pin, Pull};
use embedded_hal::digital::OutputPin;

/// Turns per task in experiment 1.
pub const SWITCHES: u32 = 1000;
/// Sleeps in experiment 2.
pub const WAKES: u32 = 10;

async fn yielder() {
    for _ in 0..SWITCHES {
        yield_now().await;
    }
}

/// Runs the three experiments, then waits for edges forever.
pub async fn run(board: FirmwareBoard) {
    let (Ok(mut marker), Ok(mut ack), Ok(mut wake)) =
        (board.output(Pin::D(0)), board.output(Pin::D(1)), board.output(Pin::D(2)))
    else {
        panic!("bench pins")
    };
    sleep(Duration::from_millis(1)).await;

    let _ = marker.set_high();
    let _ = gather((create_task(yielder()), create_task(yielder()))).await;
    let _ = marker.set_low();

    for _ in 0..WAKES {
        sleep(Duration::from_micros(500)).await;
        let _ = wake.set_high();
        sleep(Duration::from_millis(1)).await;
        let _ = wake.set_low();
    }

    let Ok(pin) = board.edge_input(Pin::D(3), Pull::Up) else { panic!("bench edge pin") };
    let counter = Counter::new(pin, Edge::Fall);
    let mut level = false;
    loop {
        counter.wait().await;
        level = !level;
        let _ = if level { ack.set_high() } else { ack.set_low() };
    }
}
