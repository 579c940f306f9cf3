//! What the run does, noted as it happens for the link's stream (docs/LINK.md): pin changes,
//! prints, NeoPixel frames, task turns and button presses.
//!
//! Noting an event must not change the program's timing, so it is a few stores and nothing
//! more: a record (kind, length, the event's raw fields) copied into a ring, in one short
//! critical section (presses are noted from the GPIO interrupt). No formatting, no framing, no
//! waiting: the host loop turns records into frames later, when it is idle
//! ([`crate::link`]). When the ring is full the event is dropped and counted; the count goes
//! out as `Lost`. While nobody streams, each hook is one load of [`on`] and a branch (and a press
//! is kept in the press log).
//!
//! Task turns have a ring of their own, sent after the other events: a task that spins with
//! `sleep(0)` takes a turn every ~10 µs, far more than the link carries, and its turns must
//! not crowd out the pin changes, prints and presses.
//!
//! Presses are also kept, streaming or not, in [`crate::press_log`]: `StartStream` sends
//! those made before it first ([`start`] says which), the ring those made after.

use crate::press_log;
use crate::timer;
use baton::TaskState;
use baton_link::TurnState;
use core::cell::RefCell;
use core::sync::atomic::{AtomicBool, Ordering};
use critical_section::{CriticalSection, Mutex};

/// Bytes of records the events' ring holds: a few hundred pin changes, or a few 256-pixel
/// frames, between two idle moments of the host loop.
pub const RING: usize = 4096;
/// Bytes of the turns' ring (27 bytes a turn).
pub const TURN_RING: usize = 2048;

/// Streaming is on (the page sent `StartStream`).
static STREAMING: AtomicBool = AtomicBool::new(false);

/// Whether events are being noted.
#[inline]
pub fn on() -> bool {
    STREAMING.load(Ordering::Relaxed)
}

/// Starts noting events. Returns the press log's extent at that moment (edges kept, edges
/// not kept): the presses before it, which are the log's to send, while every press after it
/// is noted in the ring as well — in one critical section with the GPIO interrupt's, so that
/// each press is in exactly one of the two.
pub(crate) fn start() -> (usize, u32) {
    critical_section::with(|cs| {
        STREAMING.store(true, Ordering::Relaxed);
        press_log::extent(cs)
    })
}

/// Stops noting events, and forgets what was not sent yet.
pub(crate) fn stop() {
    STREAMING.store(false, Ordering::Relaxed);
    critical_section::with(|cs| {
        let (mut e, mut t) = (EVENTS.borrow_ref_mut(cs), TURNS.borrow_ref_mut(cs));
        (e.len, e.lost, t.len, t.lost) = (0, 0, 0, 0);
    });
}

/// The kinds of record.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum Kind {
    /// t (8), pin code (1), level (1).
    Pin = 1,
    /// t (8), text.
    Print = 2,
    /// t (8), pin code (1), colours.
    Pixels = 3,
    /// task (8), start (8), end (8).
    Turn = 4,
    /// t (8), pin code (1), pressed (1).
    Press = 5,
}

impl Kind {
    fn from_u8(b: u8) -> Option<Kind> {
        [Kind::Pin, Kind::Print, Kind::Pixels, Kind::Turn, Kind::Press].into_iter().find(|k| *k as u8 == b)
    }
}

/// Record header: kind and length (u16, little-endian).
const HEADER: usize = 3;

struct Ring<const N: usize> {
    buf: [u8; N],
    head: usize,
    len: usize,
    lost: u32,
}

impl<const N: usize> Ring<N> {
    const fn new() -> Self {
        Ring { buf: [0; N], head: 0, len: 0, lost: 0 }
    }

    fn put(&mut self, b: u8) {
        self.buf[(self.head + self.len) % N] = b;
        self.len += 1;
    }

    fn take(&mut self) -> u8 {
        let b = self.buf[self.head];
        self.head = (self.head + 1) % N;
        self.len -= 1;
        b
    }

    /// Takes the oldest record into `out`; records that do not fit `out` are counted lost.
    fn take_record(&mut self, out: &mut [u8]) -> Option<(Kind, usize)> {
        loop {
            if self.len < HEADER {
                return None;
            }
            let kind = self.take();
            let n = usize::from(u16::from_le_bytes([self.take(), self.take()]));
            let fits = n <= out.len();
            if fits {
                for slot in &mut out[..n] {
                    *slot = self.take();
                }
            } else {
                self.head = (self.head + n) % N;
                self.len -= n;
            }
            match (Kind::from_u8(kind), fits) {
                (Some(k), true) => return Some((k, n)),
                _ => self.lost = self.lost.saturating_add(1),
            }
        }
    }
}

/// `.bss`: RAM, no flash.
static EVENTS: Mutex<RefCell<Ring<RING>>> = Mutex::new(RefCell::new(Ring::new()));
static TURNS: Mutex<RefCell<Ring<TURN_RING>>> = Mutex::new(RefCell::new(Ring::new()));

/// Notes one record made of `parts`, or counts it lost.
fn note(kind: Kind, parts: &[&[u8]]) {
    if kind == Kind::Turn {
        critical_section::with(|cs| put(&mut TURNS.borrow_ref_mut(cs), kind, parts));
    } else {
        critical_section::with(|cs| put(&mut EVENTS.borrow_ref_mut(cs), kind, parts));
    }
}

fn put<const N: usize>(r: &mut Ring<N>, kind: Kind, parts: &[&[u8]]) {
    let n: usize = parts.iter().map(|p| p.len()).sum();
    {
        if !on() || HEADER + n > N - r.len {
            r.lost = r.lost.saturating_add(u32::from(on()));
            return;
        }
        r.put(kind as u8);
        for b in (n as u16).to_le_bytes() {
            r.put(b);
        }
        for p in parts {
            for &b in *p {
                r.put(b);
            }
        }
    }
}

/// The program's clock now, µs since time zero.
#[inline]
pub fn now() -> u64 {
    timer::since_epoch_us()
}

/// An output pin changed level.
pub fn pin(code: u8, level: bool) {
    if on() {
        note(Kind::Pin, &[&now().to_le_bytes(), &[code, u8::from(level)]]);
    }
}

/// The program printed `text`.
pub fn print(text: &str) {
    if on() {
        note(Kind::Print, &[&now().to_le_bytes(), text.as_bytes()]);
    }
}

/// A NeoPixel frame (RGB bytes, brightness applied) went out from `t`.
pub fn pixels(t: u64, code: u8, rgb: &[u8]) {
    if on() {
        note(Kind::Pixels, &[&t.to_le_bytes(), &[code], rgb]);
    }
}

/// Task `task` was polled from `start` to `end` (µs since time zero), and left as `state`:
/// one record of the three times, the state's code ([`TurnState`]'s order) and, for a sleep,
/// when it ends.
pub fn turn(task: u64, start: u64, end: u64, state: &TaskState) {
    if on() {
        let mut rec = [0u8; 33];
        rec[..8].copy_from_slice(&task.to_le_bytes());
        rec[8..16].copy_from_slice(&start.to_le_bytes());
        rec[16..24].copy_from_slice(&end.to_le_bytes());
        rec[24] = match state {
            TaskState::Ready | TaskState::Running => 0,
            TaskState::Sleeping { .. } => 1,
            TaskState::Waiting => 2,
            TaskState::Done => 3,
            TaskState::Cancelled => 4,
            TaskState::Failed => 5,
        };
        let n = match state {
            TaskState::Sleeping { until } => {
                rec[25..].copy_from_slice(&until.as_micros().to_le_bytes());
                33
            }
            _ => 25,
        };
        note(Kind::Turn, &[&rec[..n]]);
    }
}

/// A turn's record's state (from byte 24, as [`turn`] wrote it).
pub(crate) fn turn_state(r: &[u8]) -> TurnState {
    match r.get(24) {
        Some(1) if r.len() >= 33 => TurnState::Sleeping { until_us: u64_at(r, 25) },
        Some(2) => TurnState::Waiting,
        Some(3) => TurnState::Done,
        Some(4) => TurnState::Cancelled,
        Some(5) => TurnState::Failed,
        _ => TurnState::Ready,
    }
}

/// A button was pressed or released (from the GPIO interrupt, which holds `cs`): kept in
/// the press log always, and noted for the stream while it is on.
pub(crate) fn press(cs: CriticalSection<'_>, code: u8, pressed: bool) {
    let (high, low) = timer::since_boot_words();
    press_log::note(cs, (high, low), code, pressed);
    if on() {
        let t = timer::boot_to_epoch_us((u64::from(high) << 32) | u64::from(low));
        put(&mut EVENTS.borrow_ref_mut(cs), Kind::Press, &[&t.to_le_bytes(), &[code, u8::from(pressed)]]);
    }
}

/// Takes the oldest record of the events' ring (or, with `turns`, of the turns') into `out`;
/// returns its kind and length. Records that do not fit `out` are dropped and counted lost.
pub(crate) fn take(out: &mut [u8], turns: bool) -> Option<(Kind, usize)> {
    critical_section::with(|cs| match turns {
        false => EVENTS.borrow_ref_mut(cs).take_record(out),
        true => TURNS.borrow_ref_mut(cs).take_record(out),
    })
}

/// Events dropped since the last call.
pub(crate) fn take_lost() -> u32 {
    critical_section::with(|cs| {
        let events = core::mem::take(&mut EVENTS.borrow_ref_mut(cs).lost);
        events.saturating_add(core::mem::take(&mut TURNS.borrow_ref_mut(cs).lost))
    })
}

/// Reads a little-endian u64 at `at`.
pub(crate) fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(w)
}
