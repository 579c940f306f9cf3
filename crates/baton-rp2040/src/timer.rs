//! Time on the RP2040: the 64-bit, 1 MHz TIMER is Baton's clock, the guide's
//! `time.monotonic()`, and — through alarm 0 — what wakes the core from WFI
//! when the next timer is due.
//!
//! Time zero is the moment the scheduler takes its first turn (the *epoch*,
//! set by `main` just before it), so that Baton's 1 ms ticks start there, as
//! they start at time zero in the simulator: a `sleep(0.25)` then ends at the
//! same instant, relative to the demo's start, on both.

use crate::watchdog;
use baton::{Clock, Instant};
use core::sync::atomic::{AtomicU32, Ordering};
use core::time::Duration;
use rp2040_hal::pac;
use rp2040_hal::pac::interrupt;
use rp2040_hal::timer::Timer;

/// Microseconds since boot.
pub fn now_us(timer: &Timer) -> u64 {
    timer.get_counter().ticks()
}

/// The epoch, µs since boot (boot takes milliseconds: 32 bits are plenty).
static EPOCH_US: AtomicU32 = AtomicU32::new(0);

/// Sets time zero to the timer's reading now; returns it (µs since boot).
pub fn start_epoch(timer: &Timer) -> u64 {
    let now = now_us(timer);
    EPOCH_US.store(now as u32, Ordering::Relaxed);
    now
}

fn epoch_us() -> u64 {
    u64::from(EPOCH_US.load(Ordering::Relaxed))
}

/// µs since boot of an instant on Baton's clock.
pub fn to_boot_us(t: Instant) -> u64 {
    t.as_micros().saturating_add(epoch_us())
}

/// Baton's clock: the hardware timer, in microseconds since the epoch.
#[derive(Clone, Copy)]
pub struct TimerClock(pub Timer);

impl Clock for TimerClock {
    fn now(&self) -> Instant {
        Instant::from_micros(now_us(&self.0).saturating_sub(epoch_us()))
    }
}

/// The guide's `time`: a blocking sleep (it spins on the timer, keeping
/// control, as `time.sleep()` does) and `monotonic()` (seconds since the
/// epoch, as the simulator counts them).
///
/// Both feed the watchdog: a program that blocks in `time.sleep(60)` or
/// polls `time.monotonic()` in a loop is busy by design, not hung.
#[derive(Clone, Copy)]
pub struct FirmwareTime(pub Timer);

impl baton_board::time::Time for FirmwareTime {
    fn sleep(&self, d: Duration) {
        let start = now_us(&self.0);
        let end = (Instant::from_micros(start) + d).as_micros();
        while now_us(&self.0) < end {
            watchdog::feed();
            core::hint::spin_loop();
        }
    }

    fn monotonic(&self) -> f64 {
        watchdog::feed();
        now_us(&self.0).saturating_sub(epoch_us()) as f64 / 1e6
    }
}

/// µs since boot, from the counter's registers: for code that holds no `Timer` (the link's
/// stream hooks, some in interrupt handlers; flash writing).
pub fn since_boot_us() -> u64 {
    read_counter(regs())
}

/// The program's clock, µs since time zero (see [`since_boot_us`]).
pub fn since_epoch_us() -> u64 {
    since_boot_us().saturating_sub(epoch_us())
}

/// µs since boot as the counter's two words (high, low), for the GPIO interrupt's press log:
/// no 64-bit arithmetic there ([`boot_to_epoch_us`] later, out of the interrupt).
pub fn since_boot_words() -> (u32, u32) {
    read_words(regs())
}

/// µs since time zero of a time in µs since boot (0 for one before it).
pub fn boot_to_epoch_us(boot_us: u64) -> u64 {
    boot_us.saturating_sub(epoch_us())
}

/// Busy-waits until the timer reads `until_us` (µs since boot).
pub fn spin_until(timer: &Timer, until_us: u64) {
    while now_us(timer) < until_us {
        core::hint::spin_loop();
    }
}

/// Alarm 0's bit in the TIMER's ARMED, INTR, INTE and INTF registers.
const ALARM0: u32 = 1 << 0;

/// How many times alarm 0's interrupt has run (the bench counts them).
static ALARM_IRQS: AtomicU32 = AtomicU32::new(0);

fn regs() -> &'static pac::timer::RegisterBlock {
    // SAFETY: the TIMER's registers are always mapped; alarm 0's bits (ALARM0,
    // and bit 0 of ARMED, INTE, INTF, INTR) are touched only in this module,
    // and the HAL's `Timer` only reads the counter.
    unsafe { &*pac::TIMER::ptr() }
}

/// Enables alarm 0's interrupt and unmasks it in the NVIC. (Alarm 0 is
/// driven through the registers here, not through the HAL's `Alarm0`, whose
/// `schedule_at` forces the interrupt only for a time strictly in the past.)
pub fn init_alarm() {
    let t = regs();
    // SAFETY: bit 0 of INTE belongs to alarm 0, which only this module uses;
    // the read-modify-write runs before the interrupt is unmasked.
    t.inte().modify(|r, w| unsafe { w.bits(r.bits() | ALARM0) });
    // SAFETY: the handler is below; unmasking cannot break a critical section
    // (we are not in one).
    unsafe { pac::NVIC::unmask(pac::Interrupt::TIMER_IRQ_0) };
}

/// Arms alarm 0 to interrupt at `at_us` (µs since boot, less than 2³² µs
/// ahead: the host loop never sleeps longer than the watchdog allows). Call it with interrupts masked, just before WFI: the interrupt
/// then either is already pending or will be, so WFI cannot miss it.
///
/// The comparator fires when the counter *reaches* the alarm value. A value
/// the counter has already reached — a deadline in the past, or equal to
/// "now" by the time the register is written — would only match again after
/// the 32-bit counter wraps, 71 minutes later. So after writing, the counter
/// is read again: if it is at or past the deadline (with one µs of margin),
/// the alarm is disarmed and its interrupt forced instead.
pub fn arm(at_us: u64) {
    let t = regs();
    // SAFETY: ALARM0 is alarm 0's own register (writing it arms the alarm).
    t.alarm0().write(|w| unsafe { w.bits(at_us as u32) });
    let now = read_counter(t);
    if now + 1 >= at_us {
        force(t);
    }
}

/// Disarms alarm 0 and drops a pending interrupt of it (firmware/src/bench.rs does this
/// between experiments; call with interrupts masked).
pub fn disarm() {
    let t = regs();
    // SAFETY: ARMED is write-1-to-clear, and bit 0 is alarm 0's.
    t.armed().write(|w| unsafe { w.bits(ALARM0) });
    // SAFETY: alarm 0's bits of INTF and INTR (write-1-to-clear).
    t.intf().modify(|r, w| unsafe { w.bits(r.bits() & !ALARM0) });
    // SAFETY: as above.
    t.intr().write(|w| unsafe { w.bits(ALARM0) });
    pac::NVIC::unpend(pac::Interrupt::TIMER_IRQ_0);
}

/// Raises alarm 0's interrupt now, without waiting for the comparator.
fn force(t: &pac::timer::RegisterBlock) {
    // SAFETY: ARMED is write-1-to-clear, and bit 0 is alarm 0's.
    t.armed().write(|w| unsafe { w.bits(ALARM0) });
    // SAFETY: bit 0 of INTF is alarm 0's; interrupts are masked (see `arm`),
    // so the read-modify-write is not interleaved with the handler.
    t.intf().modify(|r, w| unsafe { w.bits(r.bits() | ALARM0) });
}

/// The 64-bit counter, without latching (TIMERAWH/TIMERAWL, re-read if the
/// high word moved).
fn read_counter(t: &pac::timer::RegisterBlock) -> u64 {
    let (hi, lo) = read_words(t);
    (u64::from(hi) << 32) | u64::from(lo)
}

/// [`read_counter`]'s two words, high and low.
#[inline(always)]
fn read_words(t: &pac::timer::RegisterBlock) -> (u32, u32) {
    loop {
        let hi = t.timerawh().read().bits();
        let lo = t.timerawl().read().bits();
        if t.timerawh().read().bits() == hi {
            return (hi, lo);
        }
    }
}

/// Alarm 0's interrupts so far.
pub fn alarm_irqs() -> u32 {
    ALARM_IRQS.load(Ordering::Relaxed)
}

#[interrupt]
fn TIMER_IRQ_0() {
    let t = regs();
    // SAFETY: in the handler (not interleaved with `arm`, which runs with
    // interrupts masked): clear a forced interrupt, then the raw one (INTR is
    // write-1-to-clear).
    t.intf().modify(|r, w| unsafe { w.bits(r.bits() & !ALARM0) });
    // SAFETY: as above.
    t.intr().write(|w| unsafe { w.bits(ALARM0) });
    ALARM_IRQS.store(ALARM_IRQS.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
}
