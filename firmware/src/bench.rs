//! Measurements for the emulator (feature `bench`; see firmware/emulator/bench.test.mjs):
//! instead of a demo, experiments whose timing shows on pins and console lines.
//!
//! 1. Task switches: two tasks each `yield_now()` [`SWITCHES`] times while `D0` is high:
//!    the pulse width over `2 × SWITCHES` is the cost of one turn (poll, yield, re-queue).
//! 2. Timer wake-up: `D2` goes high, the task sleeps 1 ms, `D2` goes low. The sleep ends on a
//!    1 ms tick boundary (ticks count from time zero), so the time from the boundary to the
//!    fall is the time from the alarm to the task running again (WFI exit, alarm interrupt,
//!    `wake_due`, poll), repeated [`WAKES`] times.
//! 3. An alarm armed for a deadline the counter has already reached (before "now", at
//!    "now", or one µs after it, as the host loop may do when a deadline comes due while
//!    it arms): each must still raise the interrupt. Printed as `bench: alarm armed at
//!    or before now: K of N raised the interrupt`.
//! 4. Edge to task: a task awaits `countio`'s `Counter::wait()` on `D3` (falling edges) and
//!    toggles `D1` each time: the delay from the edge to `D1` is the GPIO interrupt, the
//!    `ThreadSafeFlag`, the WFI exit and the poll.
//!
//! And two ways to stop the host loop, for the safe-mode tests: a falling edge on `D5`
//! makes a task spin forever (a hang), one on `D6` panics. Either way the board restarts
//! and the next boot is in safe mode. A falling edge on `D7` prints [`BURST_LINES`] lines
//! at once (the USB console test of what a terminal gets after more than 2 KB of output).
//!
//! Asked through scratch register 3 ([`STREAM`]), it first waits for the link's stream, so that
//! experiment 1 gives the task-switch figure with streaming on (link.test.mjs).

use baton::{create_task, gather, sleep, yield_now, Duration};
use baton_board::countio::{Counter, Edge};
use baton_board::{Board, Pin, Pull};
use baton_rp2040::{say, timer, Rp2040Board};
use embedded_hal::digital::OutputPin;

/// Turns per task in experiment 1.
pub const SWITCHES: u32 = 1000;
/// Sleeps in experiment 2.
pub const WAKES: u32 = 10;
/// Deadlines tried in experiment 3, relative to the counter when arming, µs.
const ALARM_OFFSETS: [i64; 6] = [-1000, -1, 0, 0, 1, 1];

async fn yielder() {
    for _ in 0..SWITCHES {
        yield_now().await;
    }
}

/// Waits for a falling edge on `pin`, then stops giving control back.
async fn stop_on(board: Rp2040Board, pin: Pin, panic: bool) {
    let Ok(input) = board.edge_input(pin, Pull::Up) else { panic!("bench stop pin") };
    let counter = Counter::new(input, Edge::Fall);
    counter.wait().await;
    if panic {
        panic!("bench: a deliberate panic");
    }
    say!("bench: hanging");
    loop {
        core::hint::spin_loop();
    }
}

/// Lines printed when the emulator asks for a burst.
pub const BURST_LINES: u32 = 60;

/// The scratch register value that asks for the burst of prints.
const BURST: u32 = 0x6275_7273;

/// Prints [`BURST_LINES`] numbered lines if the emulator asked for them (watchdog scratch
/// register 3), clearing the request.
fn burst_if_asked() {
    // SAFETY: the watchdog's registers are always mapped; scratch 3 is used by nothing else.
    let wd = unsafe { &*baton_rp2040::hal::pac::WATCHDOG::ptr() };
    if wd.scratch3().read().bits() != BURST {
        return;
    }
    // SAFETY: plain scratch register.
    wd.scratch3().write(|w| unsafe { w.bits(0) });
    for n in 1..=BURST_LINES {
        say!("bench: burst line {n:04}, forty bytes long");
    }
}

/// The scratch register 3 value that asks the bench to wait for the link's stream before its
/// experiments (firmware/emulator/link.test.mjs: the task-switch figure with streaming on; USB
/// is up only ~6 ms after time zero), for at most [`STREAM_WAIT_MS`].
const STREAM: u32 = 0x7374_726d;
/// How long the bench waits for the stream, ms: without one, it then runs as it would have.
const STREAM_WAIT_MS: u32 = 300;

/// See [`STREAM`].
async fn wait_for_stream_if_asked() {
    // SAFETY: the watchdog's registers are always mapped; scratch 3 is the emulator's.
    let wd = unsafe { &*baton_rp2040::hal::pac::WATCHDOG::ptr() };
    if wd.scratch3().read().bits() != STREAM {
        return;
    }
    // SAFETY: plain scratch register.
    wd.scratch3().write(|w| unsafe { w.bits(0) });
    for _ in 0..STREAM_WAIT_MS {
        if baton_rp2040::stream::on() {
            return;
        }
        sleep(Duration::from_millis(1)).await;
    }
}

/// Experiment 3: how many of the deadlines in [`ALARM_OFFSETS`] raised the interrupt.
fn alarms_armed_for_now(board: &Rp2040Board) -> u32 {
    let t = board.timer();
    let mut raised = 0;
    for offset in ALARM_OFFSETS {
        let before = timer::alarm_irqs();
        cortex_m::interrupt::free(|_| {
            timer::disarm();
            let now = timer::now_us(&t);
            timer::arm(now.saturating_add_signed(offset));
        });
        // The interrupt runs as soon as the mask is lifted, or when the comparator fires.
        timer::spin_until(&t, timer::now_us(&t) + 20);
        if timer::alarm_irqs() != before {
            raised += 1;
        }
    }
    raised
}

/// Runs the experiments, then waits for edges forever.
pub async fn run(board: Rp2040Board) {
    let (Ok(mut marker), Ok(mut ack), Ok(mut wake)) =
        (board.output(Pin::D(0)), board.output(Pin::D(1)), board.output(Pin::D(2)))
    else {
        panic!("bench pins")
    };
    let _hang = create_task(stop_on(board.clone(), Pin::D(5), false));
    let _panic = create_task(stop_on(board.clone(), Pin::D(6), true));
    burst_if_asked();
    wait_for_stream_if_asked().await;
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

    let raised = alarms_armed_for_now(&board);
    say!("bench: alarm armed at or before now: {raised} of {} raised the interrupt", ALARM_OFFSETS.len());

    let Ok(pin) = board.edge_input(Pin::D(3), Pull::Up) else { panic!("bench edge pin") };
    let counter = Counter::new(pin, Edge::Fall);
    let mut level = false;
    loop {
        counter.wait().await;
        level = !level;
        let _ = if level { ack.set_high() } else { ack.set_low() };
    }
}

/// The scratch register value that asks the bench build to panic at the very
/// start of `main`, before the clocks and the consoles are up (the emulator
/// test of "a panic before the console is up still ends in safe mode" sets it
/// before it boots the chip).
const PANIC_EARLY: u32 = 0x7061_4e31;

/// Panics if the emulator asked for it (watchdog scratch register 2), clearing
/// the request first so that the next boot does not panic again.
pub fn panic_early_if_asked() {
    // SAFETY: the watchdog's registers are always mapped; scratch 2 is used by
    // nothing else in the firmware.
    let wd = unsafe { &*baton_rp2040::hal::pac::WATCHDOG::ptr() };
    if wd.scratch2().read().bits() == PANIC_EARLY {
        // SAFETY: plain scratch register.
        wd.scratch2().write(|w| unsafe { w.bits(0) });
        panic!("bench: a deliberate panic before the console is up");
    }
}
