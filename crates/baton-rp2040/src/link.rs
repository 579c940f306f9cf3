//! The board's side of the link to the page (docs/LINK.md, crates/baton-link).
//!
//! The USB interrupt only moves bytes: what the host sends goes into [`INBOX`], and frames
//! waiting in [`OUTBOX`] go to USB (`console::pump`). Everything else happens in the host loop
//! when it is idle ([`Link::idle`]), one piece of work at a time, so that a task that becomes
//! ready waits for at most one frame's encoding: reading the host's frames and acting on them,
//! the replies, the presses made before `StartStream` ([`crate::press_log`]), console text as
//! `Console` frames, and the stream's records ([`crate::stream`]) as frames.
//!
//! The port carries plain text until a frame arrives ([`LINKED`]), and frames only from then
//! on, until the port is closed.

use crate::ring::ByteRing;
use crate::{config_sector, console, press_log, stream, watchdog};
use alloc::string::String;
use alloc::vec::Vec;
use baton_link::{BoardMessage, Deframer, HostMessage, Pin, MAX_FRAME, MAX_FRAME_ON_WIRE, VERSION};
use core::cell::RefCell;
use core::sync::atomic::{AtomicBool, Ordering};
use critical_section::{CriticalSection, Mutex};

/// Bytes from the host not read yet (a `SetConfig` is a few hundred bytes at most).
const INBOX_SIZE: usize = 512;
/// Framed bytes not handed to USB yet: room for a full frame and more.
const OUTBOX_SIZE: usize = 2 * MAX_FRAME_ON_WIRE;
/// The longest host frame the board reads (more is refused, and skipped).
const HOST_FRAME: usize = 512;
/// Console text per `Console` frame.
const CONSOLE_CHUNK: usize = 128;

static INBOX: Mutex<RefCell<ByteRing<INBOX_SIZE>>> = Mutex::new(RefCell::new(ByteRing::new()));
static OUTBOX: Mutex<RefCell<ByteRing<OUTBOX_SIZE>>> = Mutex::new(RefCell::new(ByteRing::new()));
/// The port carries frames (a frame has come from the host since it opened the port).
static LINKED: AtomicBool = AtomicBool::new(false);

/// Bytes from the host are waiting for the host loop.
static INPUT: AtomicBool = AtomicBool::new(false);

/// [`LINKED`] or [`INPUT`]: what the host loop checks on every turn, in one load.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Whether the link has work for the host loop, or may soon (one load).
#[inline]
pub(crate) fn wants_time() -> bool {
    ACTIVE.load(Ordering::Relaxed)
}

/// Sets [`ACTIVE`] from the two flags (inside a critical section: the USB interrupt sets them too).
fn update_active() {
    ACTIVE.store(LINKED.load(Ordering::Relaxed) || INPUT.load(Ordering::Relaxed), Ordering::Relaxed);
}

/// Whether the port carries frames (then `console::pump` sends [`OUTBOX`], not text).
pub(crate) fn linked() -> bool {
    LINKED.load(Ordering::Relaxed)
}

/// Bytes from the host (the USB interrupt). What does not fit is dropped: the host's frame
/// is then refused by its CRC, and the host asks again.
pub(crate) fn received(cs: CriticalSection<'_>, bytes: &[u8]) {
    INBOX.borrow_ref_mut(cs).push(bytes);
    INPUT.store(true, Ordering::Relaxed);
    ACTIVE.store(true, Ordering::Relaxed);
}

/// The host closed the port: back to plain text, and no stream, for whoever opens it next.
pub(crate) fn closed(cs: CriticalSection<'_>) {
    LINKED.store(false, Ordering::Relaxed);
    OUTBOX.borrow_ref_mut(cs).clear();
    // Ends a frame begun, for the reader in the host loop.
    let mut inbox = INBOX.borrow_ref_mut(cs);
    inbox.clear();
    inbox.push(&[0]);
    INPUT.store(true, Ordering::Relaxed);
    ACTIVE.store(true, Ordering::Relaxed);
    stream::stop();
}

/// Hands USB what it takes of the frames waiting; `write` is the serial port's.
pub(crate) fn drain<E>(cs: CriticalSection<'_>, mut write: impl FnMut(&[u8]) -> Result<usize, E>) {
    let mut out = OUTBOX.borrow_ref_mut(cs);
    while out.len() > 0 {
        match write(out.front()) {
            Ok(n) if n > 0 => out.advance(n),
            _ => return,
        }
    }
}

/// What the board says about itself in `HelloReply`.
pub struct Identity {
    /// The firmware's version.
    pub firmware: &'static str,
    /// The demo (or program) it is configured for.
    pub demo: String,
    /// Its parameters that differ from the defaults, as `key=value` texts.
    pub params: Vec<(String, String)>,
}

/// Checks a configuration the host sent (demo, `(key, value)` parameters) and makes it the
/// configuration block to write, or says why not.
pub type ConfigCheck = fn(&str, &[(&str, &str)]) -> Result<Vec<u8>, String>;

/// The host loop's side: the reader of the host's frames, and what to answer.
pub(crate) struct Link {
    reader: Deframer<HOST_FRAME>,
    identity: Identity,
    safe_mode: Option<String>,
    check: Option<ConfigCheck>,
    /// A `HelloReply` is owed.
    hello: bool,
    /// The next byte of console output to send as `Console` text (counted from boot).
    console_at: u64,
    /// The last piece of work looked for lost events.
    lost_last: bool,
    /// The presses made before `StartStream`, still to send.
    history: History,
}

/// What `StartStream` owes from the press log: `Lost` for the edges it could not keep, then
/// its edges `next..end`, oldest first, before anything streamed.
#[derive(Default)]
struct History {
    lost: u32,
    next: usize,
    end: usize,
}

impl Link {
    pub(crate) fn new(identity: Identity, safe_mode: Option<String>, check: Option<ConfigCheck>) -> Self {
        Link {
            reader: Deframer::new(),
            identity,
            safe_mode,
            check,
            hello: false,
            console_at: 0,
            lost_last: false,
            history: History::default(),
        }
    }

    /// One piece of link work, if there is any; returns whether there was (the host loop then
    /// looks for ready tasks before coming back).
    pub(crate) fn idle(&mut self) -> bool {
        let mut bytes = [0u8; 32];
        let n = critical_section::with(|cs| {
            let mut inbox = INBOX.borrow_ref_mut(cs);
            let n = inbox.pop(&mut bytes);
            INPUT.store(inbox.len() > 0, Ordering::Relaxed);
            update_active();
            n
        });
        if n > 0 {
            for &b in &bytes[..n] {
                let frame = match self.reader.push(b) {
                    Some(Ok(frame)) => frame,
                    // Garbage or a damaged frame: ignored (the host times out and asks again).
                    _ => continue,
                };
                // (Copied out: the message borrows the reader, which `act` does not need.)
                let mut copy = [0u8; HOST_FRAME];
                copy[..frame.len()].copy_from_slice(frame);
                let len = frame.len();
                if let Ok(message) = baton_link::decode_host(&copy[..len]) {
                    self.act(message);
                }
            }
            return true;
        }
        if !linked() || critical_section::with(|cs| OUTBOX.borrow_ref(cs).free()) < MAX_FRAME_ON_WIRE {
            return false;
        }
        if self.hello {
            self.hello = false;
            let params = self.identity.params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            send(&BoardMessage::HelloReply {
                protocol: VERSION,
                firmware: self.identity.firmware,
                board: crate::boards::NAME,
                demo: &self.identity.demo,
                params,
                safe_mode: self.safe_mode.as_deref(),
            });
            return true;
        }
        if self.history() {
            return true;
        }
        // What was lost, at most every other piece (events lost continuously must neither
        // go unsaid nor stop the rest); pin changes, prints, frames and presses; the console's
        // text; the turns, which a spinning task produces faster than the link carries.
        self.lost_last = !self.lost_last;
        if self.lost_last {
            let lost = stream::take_lost();
            if lost > 0 {
                send(&BoardMessage::Lost { count: lost });
                return true;
            }
        }
        self.event(false) || self.console() || self.event(true)
    }

    fn act(&mut self, message: HostMessage<'_>) {
        if !linked() {
            // The host speaks the link: frames from now on. The 0x00 ends any text in flight.
            critical_section::with(|cs| {
                LINKED.store(true, Ordering::Relaxed);
                ACTIVE.store(true, Ordering::Relaxed);
                OUTBOX.borrow_ref_mut(cs).push(&[0]);
            });
            self.console_at = console::written();
            // (A host that closed the port mid-history gets nothing more of it.)
            self.history = History::default();
        }
        match message {
            HostMessage::Hello => self.hello = true,
            // (Again while streaming: nothing new; the history went out once.)
            HostMessage::StartStream if !stream::on() => {
                let (end, lost) = stream::start();
                self.history = History { lost, next: 0, end };
            }
            HostMessage::StartStream => {}
            HostMessage::StopStream => {
                stream::stop();
                self.history = History::default();
            }
            HostMessage::SetConfig { demo, params } => self.set_config(demo, &params),
        }
    }

    /// Checks, writes, answers and restarts; or answers why not and carries on.
    fn set_config(&mut self, demo: &str, params: &[(&str, &str)]) {
        let written = match self.check {
            None => Err(String::from("this firmware takes no configuration over the link")),
            Some(check) => {
                check(demo, params).and_then(|block| config_sector::write(&block).map_err(|e| alloc::format!("{e}")))
            }
        };
        match written {
            Err(why) => send(&BoardMessage::ConfigResult { result: Err(&why) }),
            Ok(masked_us) => {
                send(&BoardMessage::ConfigResult { result: Ok(masked_us) });
                flush();
                watchdog::restart();
            }
        }
    }

    /// The next piece of the presses owed since `StartStream`: the count of those the log could
    /// not keep, then each press it kept, as the stream would have sent it.
    fn history(&mut self) -> bool {
        let h = &mut self.history;
        if h.lost > 0 {
            send(&BoardMessage::Lost { count: core::mem::take(&mut h.lost) });
            return true;
        }
        let Some(edge) = (h.next < h.end).then(|| press_log::get(h.next)).flatten() else { return false };
        h.next += 1;
        let pin = baton_link::pin_code::pin(edge.code).unwrap_or(Pin::Led);
        send(&BoardMessage::Press { t_us: edge.t_us, pin, pressed: edge.pressed });
        true
    }

    /// Console output since the last `Console` frame, one frame's worth.
    fn console(&mut self) -> bool {
        let mut chunk = [0u8; CONSOLE_CHUNK];
        let (at, n) = console::read_history(self.console_at, &mut chunk);
        self.console_at = at;
        if n == 0 {
            return false;
        }
        let valid = match core::str::from_utf8(&chunk[..n]) {
            Ok(_) => n,
            // A character cut at the chunk's end waits for the next; a bad byte is skipped.
            Err(e) => match e.valid_up_to() {
                0 if e.error_len().is_some() => {
                    self.console_at += 1;
                    return true;
                }
                v => v,
            },
        };
        if valid == 0 {
            return false;
        }
        let text = core::str::from_utf8(&chunk[..valid]).unwrap_or("");
        send(&BoardMessage::Console { text });
        self.console_at += valid as u64;
        true
    }

    /// The oldest stream record (of the turns' ring, with `turns`), as a frame.
    fn event(&mut self, turns: bool) -> bool {
        let mut rec = [0u8; MAX_FRAME];
        let Some((kind, n)) = stream::take(&mut rec, turns) else { return false };
        let r = &rec[..n];
        let t = stream::u64_at(r, 0);
        let pin = |at: usize| baton_link::pin_code::pin(r[at]).unwrap_or(Pin::Led);
        let message = match kind {
            stream::Kind::Pin => BoardMessage::PinChange { t_us: t, pin: pin(8), level: r[9] != 0 },
            stream::Kind::Press => BoardMessage::Press { t_us: t, pin: pin(8), pressed: r[9] != 0 },
            stream::Kind::Print => {
                let text = &r[8..];
                let valid = core::str::from_utf8(text).map_or_else(|e| e.valid_up_to(), |s| s.len());
                let text = core::str::from_utf8(&text[..valid]).unwrap_or("");
                send(&BoardMessage::Print { t_us: t, text });
                return true;
            }
            stream::Kind::Pixels => {
                send(&BoardMessage::Pixels { t_us: t, pin: pin(8), colours: &r[9..] });
                return true;
            }
            stream::Kind::Turn => {
                let (start_us, end_us, state) = (stream::u64_at(r, 8), stream::u64_at(r, 16), stream::turn_state(r));
                BoardMessage::Turn { task: t, start_us, end_us, state }
            }
        };
        send(&message);
        true
    }
}

/// Frames `message` into the outbox and starts USB on it. (A message too long for a frame —
/// a print longer than ~1000 bytes — is cut to what fits.)
fn send(message: &BoardMessage<'_>) {
    let mut wire = [0u8; MAX_FRAME_ON_WIRE];
    let n = match baton_link::encode(message, &mut wire) {
        Ok(n) => n,
        Err(_) => match message {
            BoardMessage::Print { t_us, text } => {
                let mut end = text.len().min(MAX_FRAME - 32);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                baton_link::encode(&BoardMessage::Print { t_us: *t_us, text: &text[..end] }, &mut wire).unwrap_or(0)
            }
            _ => 0,
        },
    };
    critical_section::with(|cs| {
        OUTBOX.borrow_ref_mut(cs).push(&wire[..n]);
    });
    console::kick();
}

/// Waits (interrupts enabled, the watchdog fed) until USB has taken the outbox, for at most
/// 200 ms: the answer to `SetConfig` goes out before the restart.
fn flush() {
    let until = crate::timer::since_boot_us() + 200_000;
    while crate::timer::since_boot_us() < until {
        watchdog::feed();
        console::kick();
        if critical_section::with(|cs| OUTBOX.borrow_ref(cs).len()) == 0 {
            // And the last packet's time on the bus.
            let end = crate::timer::since_boot_us() + 2_000;
            while crate::timer::since_boot_us() < end {}
            return;
        }
    }
}
