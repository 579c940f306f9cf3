//! `print`: lines go to the console UART (TX only, 115200 8N1) and to USB CDC
//! serial, as on a CircuitPython board.
//!
//! The UART is fed from a ring buffer by its TX interrupt: a print copies
//! the line into the ring, tops up the UART's 32-byte FIFO and returns; the
//! interrupt refills the FIFO as the wire empties it (one byte every 87 µs).
//! Every critical section here is short — a copy into the ring, at most 32
//! register writes — and nothing waits for the wire with interrupts masked,
//! so alarms, USB and edge interrupts are never held up by a print. A print
//! waits only when the ring is full (more than [`RING`] bytes not yet on the
//! wire), and then with interrupts enabled.
//!
//! USB serial gets output only while a terminal holds the port open (DTR),
//! as a CircuitPython board's console does. Until then nothing piles up in
//! the host's buffers: on Linux a port nobody has open still takes data, so a
//! terminal opened later would start with stale prints and, worse, with the
//! greeting cut short. Instead the console keeps the last [`HISTORY`] bytes
//! of output ([`History`]); a terminal that opens the port gets the boot lines
//! in full (the greeting), a line saying how many earlier bytes were not
//! kept, then that recent output, then whatever is printed while it stays
//! open. USB is a reader with a cursor into the history: if prints outrun
//! the host, it skips ahead and says how much it skipped.
//!
//! Closing the port after opening it at 1200 baud (the "1200-baud touch"
//! that Arduino and CircuitPython tools send) restarts the board into its
//! boot ROM's USB mode (BOOTSEL, the `RPI-RP2` drive), so a new UF2 can be
//! copied without pressing a button.
//!
//! The panic handler prints through the same paths with interrupts masked:
//! the writer tops up the UART's FIFO itself while it waits, and the handler
//! polls USB itself, so neither needs an interrupt to make progress.

use crate::board::FreePin;
use crate::boards;
use alloc::boxed::Box;
use alloc::string::String;
use core::cell::RefCell;
use core::fmt::Write;
use critical_section::Mutex;
use rp2040_hal::gpio::{FunctionNull, FunctionUart, Pin, PullDown};
use rp2040_hal::pac::interrupt;
use rp2040_hal::typelevel::{OptionTNone, OptionTSome};
use rp2040_hal::uart::{Enabled, UartPeripheral};
use rp2040_hal::usb::UsbBus;
use usb_device::device::{UsbDevice, UsbDeviceState};
use usbd_serial::SerialPort;

type TxPin = Pin<boards::ConsoleTx, FunctionUart, PullDown>;
type UartPins = rp2040_hal::uart::Pins<OptionTSome<TxPin>, OptionTNone, OptionTNone, OptionTNone>;
/// The console UART, enabled, TX only.
pub type Uart = UartPeripheral<Enabled, boards::ConsoleUart, UartPins>;

/// The USB device and its CDC-ACM serial port.
pub struct Usb {
    /// The device (polled from `USBCTRL_IRQ`).
    pub device: UsbDevice<'static, UsbBus>,
    /// The serial port class.
    pub serial: SerialPort<'static, UsbBus, [u8; USB_READ], [u8; USB_WRITE]>,
    /// Whether a terminal had the port open (DTR) at the last poll.
    pub open: bool,
    /// What the open terminal has not got yet (`None` while no terminal is open).
    pub outbox: Option<Outbox>,
}

/// Where a terminal that holds the port open is in the console's output.
pub struct Outbox {
    /// Bytes of the greeting already handed to USB.
    greeting_at: usize,
    /// The "bytes not kept" line still to send, and how much of it went.
    notice: Line,
    /// The next byte of the history to send (counted from boot).
    cursor: u64,
}

impl Outbox {
    /// For a terminal that has just opened the port: everything from the greeting on.
    fn opened(history: &History) -> Self {
        let mut outbox = Outbox { greeting_at: 0, notice: Line::new(), cursor: 0 };
        outbox.skip_to(history.oldest());
        outbox
    }

    /// Moves the cursor to `at`, noting the bytes skipped.
    fn skip_to(&mut self, at: u64) {
        if at <= self.cursor {
            return;
        }
        let skipped = at - self.cursor;
        self.cursor = at;
        self.notice = Line::new();
        let _ = write!(
            self.notice,
            "baton: ({skipped} bytes of earlier output not kept: the console keeps the last {HISTORY})\r\n"
        );
    }
}

/// One short line, formatted without allocating (inside the USB interrupt), and how much
/// of it has been sent.
struct Line {
    bytes: [u8; 96],
    len: usize,
    sent: usize,
}

impl Line {
    const fn new() -> Self {
        Line { bytes: [0; 96], len: 0, sent: 0 }
    }
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let n = s.len().min(self.bytes.len() - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// How much recent output a terminal that opens the port gets.
pub const HISTORY: usize = 2048;

/// The console's last [`HISTORY`] bytes of output, for USB serial.
pub struct History {
    ring: [u8; HISTORY],
    /// Bytes written since boot.
    total: u64,
}

impl History {
    const fn new() -> Self {
        History { ring: [0; HISTORY], total: 0 }
    }

    fn push(&mut self, bytes: &[u8]) {
        for &b in bytes {
            // 0x00 delimits the link's frames (docs/LINK.md): console text never carries one.
            let b = if b == 0 { b'?' } else { b };
            self.ring[(self.total % HISTORY as u64) as usize] = b;
            self.total += 1;
        }
    }

    /// The oldest byte still kept.
    fn oldest(&self) -> u64 {
        self.total.saturating_sub(HISTORY as u64)
    }

    /// The kept bytes from `at` (≥ [`Self::oldest`]) up to the end of the ring's storage or
    /// of the output, whichever comes first.
    fn from(&self, at: u64) -> &[u8] {
        let start = (at % HISTORY as u64) as usize;
        let len = ((self.total - at) as usize).min(HISTORY - start);
        &self.ring[start..start + len]
    }
}

// SAFETY: the RP2040 firmware runs on core 0 only; the USB objects are only
// reached inside critical sections (thread mode and the USB interrupt), so
// they are never used from two contexts at once.
unsafe impl Send for Usb {}

/// The USB serial port's buffers: input goes to the link (`link`); output holds what
/// the host has not fetched yet (the console's [`History`] holds the rest).
pub const USB_READ: usize = 64;
/// See [`USB_READ`].
pub const USB_WRITE: usize = 256;

/// Bytes that may wait for the UART (44 ms of wire at 115200 baud).
pub const RING: usize = 512;

/// The UART and the bytes still to go out on it.
struct Tx {
    uart: Uart,
    ring: [u8; RING],
    /// Index of the oldest byte.
    head: usize,
    /// Bytes in the ring.
    len: usize,
}

impl Tx {
    /// Moves bytes from the ring into the UART's FIFO while it has room.
    fn top_up(&mut self) {
        while self.len > 0 && self.uart.uart_is_writable() {
            let b = self.ring[self.head];
            let _ = self.uart.write_raw(&[b]);
            self.head = (self.head + 1) % RING;
            self.len -= 1;
        }
    }

    /// Appends as much of `bytes` as fits; returns what did not.
    fn push<'b>(&mut self, bytes: &'b [u8]) -> &'b [u8] {
        let n = bytes.len().min(RING - self.len);
        for &b in &bytes[..n] {
            self.ring[(self.head + self.len) % RING] = b;
            self.len += 1;
        }
        &bytes[n..]
    }
}

static UART: Mutex<RefCell<Option<Box<Tx>>>> = Mutex::new(RefCell::new(None));
/// The boot lines, said again on USB each time a terminal opens the port: USB
/// comes up about a second after reset, long after they were printed.
static GREETING: Mutex<RefCell<String>> = Mutex::new(RefCell::new(String::new()));
/// The recent output, for USB serial (`.bss`: 2 KB of RAM, no flash).
static HISTORY_RING: Mutex<RefCell<History>> = Mutex::new(RefCell::new(History::new()));
/// Boxed: an `Option<Usb>` in a static would be 1 KB of `.data` (flash and RAM).
static USB: Mutex<RefCell<Option<Box<Usb>>>> = Mutex::new(RefCell::new(None));

/// Installs the UART and unmasks its TX interrupt.
pub fn set_uart(mut uart: Uart) {
    // The interrupt comes when the FIFO drains to half full (UARTIFLS's reset
    // value): 16 bytes, 1.4 ms of wire left to refill it.
    uart.enable_tx_interrupt();
    let tx = Box::new(Tx { uart, ring: [0; RING], head: 0, len: 0 });
    critical_section::with(|cs| UART.borrow_ref_mut(cs).replace(tx));
    // SAFETY: the handler is below; not inside a critical section.
    unsafe { rp2040_hal::pac::NVIC::unmask(boards::CONSOLE_IRQ) };
}

/// Gives the console UART's TX pin to the program that asked for it: what is queued goes out
/// first, then the UART is switched off, and a line on USB says that the console is USB only
/// from then on. `None` if the UART does not hold its pin (it was never started, or already
/// gave it back).
pub fn take_tx_pin() -> Option<FreePin> {
    if critical_section::with(|cs| UART.borrow_ref(cs).is_none()) {
        return None;
    }
    flush_uart();
    rp2040_hal::pac::NVIC::mask(boards::CONSOLE_IRQ);
    let tx = critical_section::with(|cs| UART.borrow_ref_mut(cs).take())?;
    let (_uart, pins) = tx.uart.disable().free();
    let pin = pins.tx.0.into_function::<FunctionNull>().into_dyn_pin();
    let mut line = Line::new();
    let _ = write!(
        line,
        "baton: the program took the console UART's pin (GPIO {}): console on USB only\r\n",
        boards::CONSOLE_TX
    );
    write_usb(&line.bytes[..line.len]);
    Some(pin)
}

/// Installs the USB serial port and unmasks its interrupt.
pub fn set_usb(usb: Usb) {
    critical_section::with(|cs| USB.borrow_ref_mut(cs).replace(Box::new(usb)));
    // SAFETY: the handler is below; not inside a critical section.
    unsafe { rp2040_hal::pac::NVIC::unmask(rp2040_hal::pac::Interrupt::USBCTRL_IRQ) };
}

/// Queues bytes for the UART; waits (interrupts enabled, or topping up the
/// FIFO itself) only while the ring is full.
fn write_uart(bytes: &[u8]) {
    let mut rest = bytes;
    loop {
        let done = critical_section::with(|cs| {
            let Ok(mut tx) = UART.borrow(cs).try_borrow_mut() else { return true };
            let Some(tx) = tx.as_mut() else { return true };
            // At most 32 bytes to the FIFO and RING to the ring per section.
            tx.top_up();
            rest = tx.push(rest);
            tx.top_up();
            rest.is_empty()
        });
        if done {
            return;
        }
        // Waiting for the wire is progress, not a hang: keep the watchdog fed (a burst of
        // prints can take longer than its timeout). Not in the panic handler, which masks
        // interrupts and wants the restart it has just armed. (`is_active`: PRIMASK clear,
        // interrupts enabled.)
        if cortex_m::register::primask::read().is_active() {
            crate::watchdog::feed();
        }
        core::hint::spin_loop();
    }
}

/// Keeps bytes for USB serial, and hands a terminal that holds the port open what it
/// has not got yet.
fn write_usb(bytes: &[u8]) {
    critical_section::with(|cs| {
        HISTORY_RING.borrow_ref_mut(cs).push(bytes);
        pump(cs);
    });
}

/// Hands the open terminal, if any, as much of what it has not got as USB takes now: the
/// console's text, or, once the host speaks the link, the link's frames (`link`).
fn pump(cs: critical_section::CriticalSection<'_>) {
    let Ok(mut usb) = USB.borrow(cs).try_borrow_mut() else { return };
    let Some(Usb { device, serial, outbox: Some(out), .. }) = usb.as_deref_mut() else { return };
    if device.state() != UsbDeviceState::Configured {
        return;
    }
    if crate::link::linked() {
        crate::link::drain(cs, |bytes| serial.write(bytes));
        return;
    }
    // The greeting, whole.
    let greeting = GREETING.borrow_ref(cs);
    while out.greeting_at < greeting.len() {
        match serial.write(&greeting.as_bytes()[out.greeting_at..]) {
            Ok(n) => out.greeting_at += n,
            Err(_) => return,
        }
    }
    let history = HISTORY_RING.borrow_ref(cs);
    // Prints that outran the host: skip what the ring no longer holds, and say so.
    out.skip_to(history.oldest());
    while out.notice.sent < out.notice.len {
        match serial.write(&out.notice.bytes[out.notice.sent..out.notice.len]) {
            Ok(n) => out.notice.sent += n,
            Err(_) => return,
        }
    }
    while out.cursor < history.total {
        match serial.write(history.from(out.cursor)) {
            Ok(n) => out.cursor += n as u64,
            Err(_) => return,
        }
    }
}

/// Starts USB on what is waiting for it (the link's frames, after the host loop queued some).
pub(crate) fn kick() {
    critical_section::with(pump);
}

/// Bytes of console output since boot.
pub(crate) fn written() -> u64 {
    critical_section::with(|cs| HISTORY_RING.borrow_ref(cs).total)
}

/// Copies console output from byte `at` (counted from boot) into `out`, as far as the history
/// still holds it; returns where the copy starts (later than `at` if the history has moved on)
/// and how many bytes it has.
pub(crate) fn read_history(at: u64, out: &mut [u8]) -> (u64, usize) {
    critical_section::with(|cs| {
        let history = HISTORY_RING.borrow_ref(cs);
        let at = at.max(history.oldest());
        let mut n = 0;
        while n < out.len() && at + (n as u64) < history.total {
            let part = history.from(at + n as u64);
            let k = part.len().min(out.len() - n);
            out[n..n + k].copy_from_slice(&part[..k]);
            n += k;
        }
        (at, n)
    })
}

/// Writes bytes to every console that is up.
pub fn write_bytes(bytes: &[u8]) {
    write_uart(bytes);
    write_usb(bytes);
}

/// Waits until every byte queued for the UART has left the wire (the last
/// stop bit included). `main` calls this before the demo's time zero, so
/// the boot lines do not hold up the demo's first prints.
pub fn flush_uart() {
    loop {
        let idle = critical_section::with(|cs| {
            let Ok(mut tx) = UART.borrow(cs).try_borrow_mut() else { return true };
            let Some(tx) = tx.as_mut() else { return true };
            tx.top_up();
            tx.len == 0 && !tx.uart.uart_is_busy()
        });
        if idle {
            return;
        }
        core::hint::spin_loop();
    }
}

/// Prints a boot line on the UART, and keeps it for the USB greeting (a terminal
/// gets it first, whenever it opens the port; it is not part of the history).
pub fn announce(line: &str) {
    write_uart(line.as_bytes());
    write_uart(b"\r\n");
    critical_section::with(|cs| {
        let mut greeting = GREETING.borrow_ref_mut(cs);
        greeting.push_str(line);
        greeting.push_str("\r\n");
        drop(greeting);
        // An open terminal gets the new line too.
        pump(cs);
    });
}

/// Writes one line (CR LF, as a serial terminal wants).
pub fn write_line(line: &str) {
    write_bytes(line.as_bytes());
    write_bytes(b"\r\n");
}

/// The UART's TX interrupt: refill the FIFO from the ring; once the ring is
/// empty, clear the interrupt (it comes again only when the FIFO next drains
/// through its trigger level).
fn uart_tx_irq() {
    critical_section::with(|cs| {
        let Ok(mut tx) = UART.borrow(cs).try_borrow_mut() else { return };
        let Some(tx) = tx.as_mut() else { return };
        tx.top_up();
        if tx.len == 0 {
            // SAFETY: UARTICR is write-1-to-clear; TXIC is the TX interrupt.
            let regs = unsafe { &*boards::ConsoleUart::ptr() };
            regs.uarticr().write(|w| w.txic().clear_bit_by_one());
        }
    });
}

#[cfg(feature = "pico")]
#[interrupt]
fn UART0_IRQ() {
    uart_tx_irq();
}

#[cfg(feature = "qtpy")]
#[interrupt]
fn UART1_IRQ() {
    uart_tx_irq();
}

/// Polls the USB device once (the interrupt handler does this; the panic
/// handler calls it with interrupts off), follows the terminal's DTR, and
/// hands it what it has not got yet.
pub fn poll_usb() {
    let touched = critical_section::with(|cs| {
        let Ok(mut usb) = USB.borrow(cs).try_borrow_mut() else { return false };
        let Some(Usb { device, serial, open, outbox }) = usb.as_deref_mut() else { return false };
        if device.poll(&mut [serial]) {
            // Input is the link's (a terminal's typing is read and dropped there).
            let mut buf = [0u8; 64];
            while let Ok(n @ 1..) = serial.read(&mut buf) {
                crate::link::received(cs, &buf[..n]);
            }
        }
        let dtr = serial.dtr() && device.state() == UsbDeviceState::Configured;
        let mut touched = false;
        if dtr && !*open {
            *outbox = Some(Outbox::opened(&HISTORY_RING.borrow_ref(cs)));
        } else if !dtr && *open {
            // The terminal closed the port: drop what it did not fetch, so that the next
            // one starts from the greeting, not from stale bytes.
            *outbox = None;
            crate::link::closed(cs);
            // (Before the reset below, which puts the line coding back to its default.)
            touched = serial.line_coding().data_rate() == TOUCH_BAUD;
            usb_device::class::UsbClass::reset(serial);
        }
        *open = dtr;
        drop(usb);
        pump(cs);
        touched
    });
    if touched {
        crate::bootsel::restart_into_bootsel("the port was closed after being opened at 1200 baud");
    }
}

/// Opening the port at this rate and closing it restarts the board into BOOTSEL.
pub const TOUCH_BAUD: u32 = 1200;

#[interrupt]
fn USBCTRL_IRQ() {
    poll_usb();
}

/// The console as the demos see it.
#[derive(Clone, Copy, Default)]
pub struct FirmwareConsole;

impl baton_board::console::Console for FirmwareConsole {
    fn print_line(&self, line: &str) {
        crate::stream::print(line);
        write_line(line);
    }
}

/// A `core::fmt::Write` into the console (no allocation), for the firmware's
/// own messages and the panic handler. It writes one line: a line break in
/// the text (a panic message has one) becomes a space.
pub struct Writer;

impl Write for Writer {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for (i, part) in s.split('\n').enumerate() {
            if i > 0 {
                write_bytes(b" ");
            }
            write_bytes(part.as_bytes());
        }
        Ok(())
    }
}

/// Prints a formatted line (see [`Writer`]) without allocating.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let _ = write!($crate::console::Writer, $($arg)*);
        $crate::console::write_bytes(b"\r\n");
    }};
}
