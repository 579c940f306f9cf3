//! `print`: lines go to the console UART (TX only, 115200 8N1) and to USB CDC
//! serial, whichever are up.
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
//! USB drops what does not fit its buffer (for instance when no terminal is
//! open); the boot lines are said again when a terminal opens the port. The panic handler prints through the same path with interrupts
//! masked: the writer tops up the FIFO itself while it waits, so it needs no
//! interrupt to make progress.

use crate::boards;
use alloc::boxed::Box;
use alloc::string::String;
use core::cell::RefCell;
use core::fmt::Write;
use critical_section::Mutex;
use rp2040_hal::gpio::{FunctionUart, Pin, PullDown};
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
}

// SAFETY: the RP2040 firmware runs on core 0 only; the USB objects are only
// reached inside critical sections (thread mode and the USB interrupt), so
// they are never used from two contexts at once.
unsafe impl Send for Usb {}

/// The USB serial port's buffers: input is read and dropped; output holds what
/// the host has not fetched yet (the boot lines for a terminal that opens the
/// port, or a burst of prints).
pub const USB_READ: usize = 64;
/// See [`USB_READ`].
pub const USB_WRITE: usize = 512;

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
        core::hint::spin_loop();
    }
}

/// Hands bytes to USB serial (what does not fit is dropped).
fn write_usb(bytes: &[u8]) {
    critical_section::with(|cs| {
        let Ok(mut usb) = USB.borrow(cs).try_borrow_mut() else { return };
        let Some(usb) = usb.as_mut() else { return };
        if usb.device.state() != UsbDeviceState::Configured {
            return;
        }
        let mut rest = bytes;
        while !rest.is_empty() {
            match usb.serial.write(rest) {
                Ok(n) if n > 0 => rest = &rest[n..],
                _ => break,
            }
        }
    });
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

/// Prints a boot line, and keeps it for the USB greeting.
pub fn announce(line: &str) {
    write_line(line);
    critical_section::with(|cs| {
        let mut greeting = GREETING.borrow_ref_mut(cs);
        greeting.push_str(line);
        greeting.push_str("\r\n");
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
/// handler calls it with interrupts off).
pub fn poll_usb() {
    critical_section::with(|cs| {
        if let Ok(mut usb) = USB.borrow(cs).try_borrow_mut() {
            if let Some(Usb { device, serial, open }) = usb.as_deref_mut() {
                if device.poll(&mut [serial]) {
                    // Input is not used: read it so the host is not stalled.
                    let mut buf = [0u8; 64];
                    let _ = serial.read(&mut buf);
                }
                // A terminal has just opened the port: greet it with the boot lines (as many
                // whole lines as fit the port's buffer).
                if serial.dtr() && !*open {
                    let greeting = GREETING.borrow_ref(cs);
                    let mut room = USB_WRITE;
                    for line in greeting.split_inclusive('\n') {
                        if line.len() > room || serial.write(line.as_bytes()).is_err() {
                            break;
                        }
                        room -= line.len();
                    }
                }
                *open = serial.dtr();
            }
        }
    });
}

#[interrupt]
fn USBCTRL_IRQ() {
    poll_usb();
}

/// The console as the demos see it.
#[derive(Clone, Copy, Default)]
pub struct FirmwareConsole;

impl baton_board::console::Console for FirmwareConsole {
    fn print_line(&self, line: &str) {
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
