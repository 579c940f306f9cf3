//! The watchdog: if the host loop stops coming round (a task that never
//! gives control back, an interrupt storm, a panic), the board restarts
//! after [`TIMEOUT_US`], and the next boot says so on the console.
//!
//! Who feeds it: the host loop on every turn (and it never sleeps longer than
//! [`FEED_US`]), and the blocking parts of the guide's API that are busy by
//! design — `time.sleep()` and `time.monotonic()` (a polling loop reads it
//! over and over). A task that spins without either is hung, and restarts
//! the board.
//!
//! How the next boot knows: the watchdog's REASON register says that the
//! last reset was the watchdog's, and scratch register 0 holds [`ARMED`]
//! (written when the firmware starts the watchdog) — the boot ROM's own
//! reboots (after a UF2 is copied) also set REASON, but not scratch 0, and a
//! power-on or RUN-pin reset clears both. After a panic, scratch register 1
//! holds [`PANICKED`] and the length of the message, kept in RAM that is not
//! initialised at boot (a watchdog reset keeps RAM). Scratch registers 4–7
//! belong to the boot ROM and are left alone.

use alloc::format;
use alloc::string::String;
use core::mem::MaybeUninit;
use rp2040_hal::pac;

/// Without a feed for this long, the watchdog restarts the board.
#[cfg(not(feature = "bench"))]
pub const TIMEOUT_US: u32 = 1_000_000;
/// The bench build's timeout is shorter, so that the emulator test of a hang
/// has less spinning to emulate (see src/bench.rs).
#[cfg(feature = "bench")]
pub const TIMEOUT_US: u32 = 100_000;
/// The host loop sleeps at most this long, so that it feeds the watchdog.
pub const FEED_US: u64 = TIMEOUT_US as u64 / 4;
/// Scratch 0 while Baton's watchdog runs ("BATN").
const ARMED: u32 = 0x4241_544e;
/// Scratch 1 after a panic: this, plus the message's length in the low byte.
const PANICKED: u32 = 0x7061_6e00;
/// The longest panic message kept for the next boot.
pub const NOTE_LEN: usize = 120;

/// The panic message, kept across the watchdog reset (`.uninit`: not zeroed
/// or loaded by the startup code).
#[link_section = ".uninit.baton_panic_note"]
static mut NOTE: MaybeUninit<[u8; NOTE_LEN]> = MaybeUninit::uninit();

fn regs() -> &'static pac::watchdog::RegisterBlock {
    // SAFETY: the WATCHDOG's registers are always mapped; after `main` has
    // started the watchdog through the HAL, only this module touches LOAD
    // and scratch registers 0 and 1.
    unsafe { &*pac::WATCHDOG::ptr() }
}

/// The LOAD value for [`TIMEOUT_US`] (the counter goes down by 2 each µs:
/// RP2040-E1).
const LOAD: u32 = TIMEOUT_US * 2;

/// Starts the watchdog (through the HAL, which also chooses what it resets).
pub fn start(watchdog: &mut rp2040_hal::Watchdog) {
    let r = regs();
    // SAFETY: plain 32-bit scratch registers.
    r.scratch1().write(|w| unsafe { w.bits(0) });
    // SAFETY: as above.
    r.scratch0().write(|w| unsafe { w.bits(ARMED) });
    watchdog.start(fugit::MicrosDurationU32::micros(TIMEOUT_US));
}

/// Puts the watchdog's counter back to the full timeout.
#[inline]
pub fn feed() {
    // SAFETY: writing LOAD only reloads the counter.
    regs().load().write(|w| unsafe { w.bits(LOAD) });
}

/// Keeps `message` for the next boot (the panic handler calls this; the
/// watchdog, no longer fed, then restarts the board).
pub fn note_panic(message: &str) {
    let bytes = message.as_bytes();
    let n = bytes.len().min(NOTE_LEN);
    let note = core::ptr::addr_of_mut!(NOTE).cast::<u8>();
    for (i, &b) in bytes[..n].iter().enumerate() {
        // SAFETY: `i < NOTE_LEN`; interrupts are off in the panic handler,
        // and nothing else writes NOTE.
        unsafe { note.add(i).write_volatile(b) };
    }
    // SAFETY: plain scratch register; `n` fits the low byte.
    regs().scratch1().write(|w| unsafe { w.bits(PANICKED | n as u32) });
}

/// What the last reset was, if it was Baton's watchdog: the line to print.
/// Clears the marks, so the line is said once.
pub fn last_reset() -> Option<String> {
    let r = regs();
    let reason = r.reason().read().bits();
    let armed = r.scratch0().read().bits() == ARMED;
    let panicked = r.scratch1().read().bits();
    // SAFETY: plain scratch registers.
    r.scratch0().write(|w| unsafe { w.bits(0) });
    // SAFETY: as above.
    r.scratch1().write(|w| unsafe { w.bits(0) });
    if reason == 0 || !armed {
        return None;
    }
    let why = if panicked & !0xff == PANICKED {
        let n = (panicked & 0xff) as usize;
        let note = core::ptr::addr_of!(NOTE).cast::<u8>();
        let mut bytes = [0u8; NOTE_LEN];
        for (i, b) in bytes.iter_mut().enumerate().take(n.min(NOTE_LEN)) {
            // SAFETY: `i < NOTE_LEN`; written by `note_panic` before the reset.
            *b = unsafe { note.add(i).read_volatile() };
        }
        let text = match core::str::from_utf8(&bytes[..n.min(NOTE_LEN)]) {
            Ok(s) => s,
            Err(e) => core::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
        };
        format!("after a panic: {text}")
    } else {
        format!("no task gave control back for {} ms", TIMEOUT_US / 1000)
    };
    Some(format!("baton: the watchdog restarted the board ({why})"))
}
