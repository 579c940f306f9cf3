//! `time`: the guide's blocking `time.sleep()` and `time.monotonic()`.
//!
//! These exist to show what *not* to do: a blocking sleep keeps control, so
//! no other task runs meanwhile (the guide's "DOESN'T WORK" example), and a
//! loop that polls `monotonic()` is the hand-rolled scheduler that asyncio
//! replaces.

use core::time::Duration;

/// A host's blocking clock.
///
/// ```
/// use baton_board::time::Time;
/// use core::{cell::Cell, time::Duration};
///
/// /// Time that passes only when told to (a test double).
/// struct Virtual(Cell<u64>);
/// impl Time for Virtual {
///     fn sleep(&self, d: Duration) { self.0.set(self.0.get() + d.as_micros() as u64) }
///     fn monotonic(&self) -> f64 { self.0.get() as f64 / 1e6 }
/// }
/// let t = Virtual(Cell::new(0));
/// t.sleep(Duration::from_millis(250));
/// assert_eq!(t.monotonic(), 0.25);
/// ```
pub trait Time {
    /// Waits `d` without giving up control: nothing else runs meanwhile.
    fn sleep(&self, d: Duration);
    /// Seconds since some fixed point, never going backwards.
    fn monotonic(&self) -> f64;
}
