//! Every button press and release since the program's time zero, kept whether or not a host
//! streams, so that the page can replay into the simulator the presses made before it
//! connected ("Check against the simulator", docs/LINK.md): `StartStream` sends them first.
//!
//! The log keeps the *first* [`SIZE`] edges and counts the rest: a replay from time zero
//! needs the beginning, and the presses it has are then right up to the first one missing
//! (the newest ones without the start would make the whole replay wrong). Entries are only
//! ever appended, never changed or removed (RAM is zeroed at each boot), so an entry below
//! a length read once stays valid for the host loop to send at leisure.
//!
//! Noting is a few stores from the GPIO edge interrupt, inside the critical section it already
//! holds: the timer's two words as read, no 64-bit arithmetic (the time since time zero is
//! worked out when the edge is sent). The task-switch path never touches the log.

use crate::timer;
use core::cell::RefCell;
use critical_section::{CriticalSection, Mutex};

/// Edges kept: 64 presses and their releases, in 1 KiB of RAM (8 bytes an edge: see [`note`];
/// the firmware then uses 28.1 KiB of its 32 KiB budget of static RAM). A learner who flashes
/// the board and presses its buttons a few times before connecting the page stays well inside
/// it; hundreds of presses before the page connects give the first 128 and a count of the
/// others (`Lost`).
pub const SIZE: usize = 128;

/// One edge, as the link sends it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Edge {
    /// µs since time zero.
    pub t_us: u64,
    /// The pin's code (baton-link's).
    pub code: u8,
    /// Pressed (the level its pull does not hold it at).
    pub pressed: bool,
}

struct Log {
    /// Per edge: the timer's low word; its high word (16 bits: 2^48 µs since boot is 8.9
    /// years), the pin code and pressed, as `high << 16 | code << 8 | pressed`.
    edges: [[u32; 2]; SIZE],
    len: usize,
    /// Edges that came when the log was full.
    overflow: u32,
}

/// `.bss`: RAM, no flash.
static LOG: Mutex<RefCell<Log>> = Mutex::new(RefCell::new(Log { edges: [[0; 2]; SIZE], len: 0, overflow: 0 }));

/// Notes an edge at `(high, low)`, the timer's words ([`timer::since_boot_words`]), from the
/// GPIO interrupt, which holds `cs`.
pub(crate) fn note(cs: CriticalSection<'_>, (high, low): (u32, u32), code: u8, pressed: bool) {
    let mut log = LOG.borrow_ref_mut(cs);
    match log.len {
        n if n < SIZE => {
            log.edges[n] = [low, (high << 16) | (u32::from(code) << 8) | u32::from(pressed)];
            log.len = n + 1;
        }
        _ => log.overflow = log.overflow.saturating_add(1),
    }
}

/// How many edges the log holds, and how many it could not keep, now.
pub(crate) fn extent(cs: CriticalSection<'_>) -> (usize, u32) {
    let log = LOG.borrow_ref(cs);
    (log.len, log.overflow)
}

/// The `i`-th edge since time zero, if the log holds it.
pub(crate) fn get(i: usize) -> Option<Edge> {
    critical_section::with(|cs| {
        let log = LOG.borrow_ref(cs);
        (i < log.len).then(|| log.edges[i])
    })
    .map(|[low, w]| Edge {
        t_us: timer::boot_to_epoch_us((u64::from(w >> 16) << 32) | u64::from(low)),
        code: (w >> 8) as u8,
        pressed: w & 1 != 0,
    })
}
