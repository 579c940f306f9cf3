//! Time as the scheduler sees it: an [`Instant`] in whole microseconds and a
//! [`Clock`] that the host supplies.
//!
//! Baton does not own time. The simulator's clock is virtual (it moves only
//! when the simulation says so), the firmware's is a hardware timer, a std
//! host's is the wall clock. The scheduler only ever asks "what time is it?",
//! which is what makes one scheduler serve all three and keeps the simulator
//! deterministic.

use core::fmt;
use core::ops::{Add, Sub};
pub use core::time::Duration;

/// A point in time: microseconds since the host's epoch (for the simulator,
/// the start of the simulation).
///
/// Microseconds are the resolution of the guide's `time.monotonic()` on a
/// microcontroller and of the simulator's timing model; a `u64` of them lasts
/// half a million years.
///
/// ```
/// use baton::time::{Duration, Instant};
/// let t = Instant::from_micros(250_000) + Duration::from_millis(250);
/// assert_eq!(t.as_micros(), 500_000);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

impl Instant {
    /// The epoch: time zero.
    pub const ZERO: Instant = Instant(0);

    /// An instant `us` microseconds after the epoch.
    pub const fn from_micros(us: u64) -> Self {
        Instant(us)
    }

    /// An instant `ms` milliseconds after the epoch.
    pub const fn from_millis(ms: u64) -> Self {
        Instant(ms.saturating_mul(1000))
    }

    /// Microseconds since the epoch.
    pub const fn as_micros(self) -> u64 {
        self.0
    }

    /// Seconds since the epoch, as the guide's `time.monotonic()` returns them.
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_micros(self.0.saturating_sub(earlier.0))
    }
}

/// Whole microseconds of a duration, rounded to the nearest microsecond (as
/// the guide's `asyncio.sleep(0.25)` is, a half up) and saturating at `u64::MAX`.
///
/// Seconds and nanoseconds apart, not `as_nanos()`: a second is a whole number of
/// microseconds, so only the nanoseconds round, and no `u128` division is needed: on the
/// RP2040's Cortex-M0+ that is a software routine, and the firmware is 1.3 KB smaller without
/// it.
pub(crate) fn duration_micros(d: Duration) -> u64 {
    let rounded = (d.subsec_nanos() + 500) / 1000;
    d.as_secs().saturating_mul(1_000_000).saturating_add(u64::from(rounded))
}

impl Add<Duration> for Instant {
    type Output = Instant;
    /// Adds a duration, saturating at the end of time rather than wrapping.
    fn add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(duration_micros(d)))
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    /// The duration between two instants, saturating at zero.
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}µs", self.0)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}s", self.0 / 1_000_000, self.0 % 1_000_000)
    }
}

/// Where the scheduler reads the current time.
///
/// Implement it for whatever counts time on your host. It must never go
/// backwards.
///
/// ```
/// use baton::time::{Clock, Instant};
/// use core::cell::Cell;
///
/// /// A clock that only moves when told to, like the simulator's.
/// struct Manual(Cell<u64>);
/// impl Clock for Manual {
///     fn now(&self) -> Instant { Instant::from_micros(self.0.get()) }
/// }
/// let clock = Manual(Cell::new(7));
/// assert_eq!(clock.now(), Instant::from_micros(7));
/// ```
pub trait Clock {
    /// The current time.
    fn now(&self) -> Instant;
}

impl<C: Clock + ?Sized> Clock for alloc::rc::Rc<C> {
    fn now(&self) -> Instant {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Instant {
        (**self).now()
    }
}

/// A clock that is moved by hand: the simplest deterministic host, used by
/// tests and the simulator.
///
/// ```
/// use baton::time::{Clock, ManualClock, Duration};
/// let clock = ManualClock::new();
/// clock.advance(Duration::from_millis(3));
/// assert_eq!(clock.now().as_micros(), 3000);
/// ```
#[derive(Debug, Default)]
pub struct ManualClock(core::cell::Cell<u64>);

impl ManualClock {
    /// A clock at time zero.
    pub const fn new() -> Self {
        ManualClock(core::cell::Cell::new(0))
    }

    /// Moves the clock forward by `d`.
    pub fn advance(&self, d: Duration) {
        self.0.set(self.0.get().saturating_add(duration_micros(d)));
    }

    /// Moves the clock forward by `us` microseconds.
    pub fn advance_micros(&self, us: u64) {
        self.0.set(self.0.get().saturating_add(us));
    }

    /// Sets the clock to `t` if that is later than now (clocks never go back).
    pub fn advance_to(&self, t: Instant) {
        if t.0 > self.0.get() {
            self.0.set(t.0);
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        Instant(self.0.get())
    }
}

/// The wall clock of a std host, counted from when it was created.
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy)]
pub struct StdClock(std::time::Instant);

#[cfg(feature = "std")]
impl StdClock {
    /// A clock whose epoch is now.
    pub fn new() -> Self {
        StdClock(std::time::Instant::now())
    }
}

#[cfg(feature = "std")]
impl Default for StdClock {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "std")]
impl Clock for StdClock {
    fn now(&self) -> Instant {
        Instant(u64::try_from(self.0.elapsed().as_micros()).unwrap_or(u64::MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_round_to_the_nearest_microsecond() {
        assert_eq!(duration_micros(Duration::from_secs_f64(0.25)), 250_000);
        assert_eq!(duration_micros(Duration::from_nanos(1_499)), 1);
        assert_eq!(duration_micros(Duration::from_nanos(1_500)), 2);
        assert_eq!(duration_micros(Duration::MAX), u64::MAX);
    }

    proptest::proptest! {
        /// The same microseconds as rounding the whole duration's nanoseconds.
        #[test]
        fn micros_are_the_rounded_nanoseconds(secs in proptest::prop_oneof![0u64..100_000, proptest::num::u64::ANY], nanos in 0u32..1_000_000_000) {
            let d = Duration::new(secs, nanos);
            let whole = d.as_nanos() / 1000 + u128::from(d.as_nanos() % 1000 >= 500);
            proptest::prop_assert_eq!(duration_micros(d), u64::try_from(whole).unwrap_or(u64::MAX));
        }
    }

    #[test]
    fn instants_saturate_instead_of_wrapping() {
        assert_eq!(Instant::from_micros(u64::MAX) + Duration::from_secs(1), Instant::from_micros(u64::MAX));
        assert_eq!(Instant::from_micros(5) - Instant::from_micros(9), Duration::ZERO);
    }
}
