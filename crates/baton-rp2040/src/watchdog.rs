//! The watchdog: if the host loop stops coming round (a task that never
//! gives control back, an interrupt storm), the board restarts after
//! [`TIMEOUT_US`]; after a panic the panic handler has it restart the board
//! at once ([`restart_after_panic`]). Either way the next boot knows why
//! ([`last_reset`]) and goes into safe mode (see `safe_mode`) instead of
//! running the demo into the same wall again.
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

use alloc::string::String;
use core::fmt;
use core::mem::MaybeUninit;
use rp2040_hal::pac;

/// Without a feed for this long, the watchdog restarts the board.
#[cfg(not(feature = "short-watchdog"))]
pub const TIMEOUT_US: u32 = 1_000_000;
/// The bench build's timeout is shorter, so that the emulator test of a hang
/// has less spinning to emulate (feature `short-watchdog`; firmware/src/bench.rs).
#[cfg(feature = "short-watchdog")]
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

/// How long the panic handler leaves the consoles to say the panic before the
/// board restarts (into safe mode).
const PANIC_RESTART_US: u32 = 200_000;

/// Restarts the board [`PANIC_RESTART_US`] from now, whether or not `main` has
/// started the watchdog yet: a panic before the console is up must end in safe
/// mode too. (The panic handler calls this after [`note_panic`], with
/// interrupts off.)
pub fn restart_after_panic() {
    let r = regs();
    // SAFETY: plain scratch register: the mark that says Baton armed the watchdog.
    r.scratch0().write(|w| unsafe { w.bits(ARMED) });
    // What the watchdog resets: everything but the oscillators, as the HAL's `start` sets it.
    // SAFETY: PSM's WDSEL only selects what a watchdog reset resets.
    let psm = unsafe { &*pac::PSM::ptr() };
    // SAFETY: as above; the bit pattern is the HAL's.
    psm.wdsel().write(|w| unsafe { w.bits(0x0001_ffff & !(1 << 1 | 1 << 0)) });
    // The watchdog counts the tick generator's ticks; before the clocks are set up it may
    // not tick yet. (12 cycles of a 12 MHz clk_ref is a µs; on the ring oscillator, before
    // the clocks are set up, the restart merely comes later.)
    if !r.tick().read().running().bit_is_set() || r.tick().read().cycles().bits() == 0 {
        // SAFETY: ENABLE (bit 9) and CYCLES; the HAL's `enable_tick_generation(12)`.
        r.tick().write(|w| unsafe { w.bits(0x200 | 12) });
    }
    // SAFETY: LOAD only reloads the counter (2 per µs: RP2040-E1).
    r.load().write(|w| unsafe { w.bits(PANIC_RESTART_US * 2) });
    r.ctrl().modify(|_, w| w.enable().set_bit());
}

/// Restarts the board soon (1 ms), into the program, not into safe mode: the link's
/// `SetConfig` restarts into the demo it has just written. (The watchdog's reset, as after a
/// panic, because it is the reset the firmware already knows how to come back from; without
/// [`ARMED`] in scratch 0 the next boot is an ordinary one.)
pub fn restart() -> ! {
    let r = regs();
    // SAFETY: plain scratch registers: no mark, so the next boot runs the program.
    r.scratch0().write(|w| unsafe { w.bits(0) });
    // SAFETY: as above.
    r.scratch1().write(|w| unsafe { w.bits(0) });
    // SAFETY: LOAD only reloads the counter (2 per µs: RP2040-E1).
    r.load().write(|w| unsafe { w.bits(1_000 * 2) });
    r.ctrl().modify(|_, w| w.enable().set_bit());
    loop {
        core::hint::spin_loop();
    }
}

/// Why Baton's watchdog restarted the board.
pub enum Restart {
    /// A panic, with its message.
    Panic(String),
    /// No task gave control back for [`TIMEOUT_US`].
    Hang,
}

impl fmt::Display for Restart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Restart::Panic(message) => write!(f, "the watchdog restarted it after a panic: {message}"),
            Restart::Hang => {
                write!(f, "the watchdog restarted it: no task gave control back for {} ms", TIMEOUT_US / 1000)
            }
        }
    }
}

/// What the last reset was, if it was Baton's watchdog. Clears the marks, so that the
/// next reset (the RUN pin, power, a new UF2) starts the demo again.
pub fn last_reset() -> Option<Restart> {
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
    if panicked & !0xff != PANICKED {
        return Some(Restart::Hang);
    }
    let n = ((panicked & 0xff) as usize).min(NOTE_LEN);
    let note = core::ptr::addr_of!(NOTE).cast::<u8>();
    let mut bytes = [0u8; NOTE_LEN];
    for (i, b) in bytes.iter_mut().enumerate().take(n) {
        // SAFETY: `i < NOTE_LEN`; written by `note_panic` before the reset.
        *b = unsafe { note.add(i).read_volatile() };
    }
    let text = match core::str::from_utf8(&bytes[..n]) {
        Ok(s) => s,
        Err(e) => core::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
    };
    Some(Restart::Panic(String::from(text)))
}
