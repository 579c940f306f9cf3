//! Time on the RP2040: the 64-bit, 1 MHz TIMER is Baton's clock, the guide's
//! `time.monotonic()`, and — through alarm 0 — what wakes the core from WFI
//! when the next timer is due.

use baton::{Clock, Instant};
use core::cell::RefCell;
use core::time::Duration;
use critical_section::Mutex;
use rp2040_hal::pac::interrupt;
use rp2040_hal::timer::{Alarm, Alarm0, Timer};

/// Microseconds since boot.
pub fn now_us(timer: &Timer) -> u64 {
    timer.get_counter().ticks()
}

/// Baton's clock: the hardware timer, in microseconds since boot.
#[derive(Clone, Copy)]
pub struct TimerClock(pub Timer);

impl Clock for TimerClock {
    fn now(&self) -> Instant {
        Instant::from_micros(now_us(&self.0))
    }
}

/// The guide's `time`: a blocking sleep (it spins on the timer, keeping
/// control, as `time.sleep()` does) and `monotonic()`.
#[derive(Clone, Copy)]
pub struct FirmwareTime(pub Timer);

impl baton_board::time::Time for FirmwareTime {
    fn sleep(&self, d: Duration) {
        let end = (Instant::from_micros(now_us(&self.0)) + d).as_micros();
        while now_us(&self.0) < end {
            core::hint::spin_loop();
        }
    }

    fn monotonic(&self) -> f64 {
        now_us(&self.0) as f64 / 1e6
    }
}

/// Busy-waits until the timer reads `until_us`.
pub fn spin_until(timer: &Timer, until_us: u64) {
    while now_us(timer) < until_us {
        core::hint::spin_loop();
    }
}

/// Alarm 0, shared by the host loop (which sets it) and its interrupt
/// handler (which clears it).
static ALARM: Mutex<RefCell<Option<Alarm0>>> = Mutex::new(RefCell::new(None));

/// The alarm can be at most 2³² µs (71 minutes) ahead; a longer wait just
/// wakes up once in a while and goes back to sleep.
const MAX_AHEAD_US: u64 = 0xF000_0000;

/// Takes alarm 0 and unmasks its interrupt.
pub fn init_alarm(timer: &mut Timer) {
    let mut alarm = timer.alarm_0().expect("alarm 0 is taken once, here");
    alarm.enable_interrupt();
    critical_section::with(|cs| ALARM.borrow_ref_mut(cs).replace(alarm));
    // SAFETY: the handler below is installed; unmasking cannot break a
    // critical section (we are not in one).
    unsafe { rp2040_hal::pac::NVIC::unmask(rp2040_hal::pac::Interrupt::TIMER_IRQ_0) };
}

/// Arms alarm 0 for `deadline` (`None`: disarm). Call with interrupts masked
/// (inside the host loop's critical section) so that the alarm cannot fire
/// between the check and the WFI unnoticed — a pending interrupt still ends
/// WFI while masked.
pub fn arm(timer: &Timer, deadline: Option<Instant>) {
    critical_section::with(|cs| {
        let mut alarm = ALARM.borrow_ref_mut(cs);
        let Some(alarm) = alarm.as_mut() else { return };
        match deadline {
            Some(t) => {
                let now = now_us(timer);
                let at = t.as_micros().min(now + MAX_AHEAD_US);
                // A time already past makes the HAL raise the interrupt at once.
                let _ = alarm.schedule_at(rp2040_hal::timer::Instant::from_ticks(at));
            }
            None => {
                let _ = alarm.cancel();
            }
        }
    });
}

#[interrupt]
fn TIMER_IRQ_0() {
    critical_section::with(|cs| {
        if let Some(alarm) = ALARM.borrow_ref_mut(cs).as_mut() {
            alarm.clear_interrupt();
        }
    });
}
