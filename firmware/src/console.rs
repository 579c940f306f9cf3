//! `print`: lines go to the console UART (TX only, 115200 8N1) and to USB CDC
//! serial, whichever are up.
//!
//! Both live in statics behind critical sections: the USB device is polled
//! by its interrupt handler, and the panic handler prints through the same
//! path. A line is never waited for: the UART's 32-byte FIFO takes a short
//! line at once (a longer one waits for the wire), and USB drops what does
//! not fit its buffer (for instance when no terminal is open).

use crate::boards;
use alloc::boxed::Box;
use core::cell::RefCell;
use core::fmt::Write;
use critical_section::Mutex;
use rp2040_hal::gpio::{FunctionUart, Pin, PullDown};
use rp2040_hal::pac::interrupt;
use rp2040_hal::typelevel::{OptionTNone, OptionTSome};
use rp2040_hal::uart::{Enabled, UartPeripheral};
use rp2040_hal::usb::UsbBus;
use usb_device::device::UsbDevice;
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
    pub serial: SerialPort<'static, UsbBus>,
}

// SAFETY: the RP2040 firmware runs on core 0 only; the USB objects are only
// reached inside critical sections (thread mode and the USB interrupt), so
// they are never used from two contexts at once.
unsafe impl Send for Usb {}

static UART: Mutex<RefCell<Option<Uart>>> = Mutex::new(RefCell::new(None));
/// Boxed: an `Option<Usb>` in a static would be 1 KB of `.data` (flash and RAM).
static USB: Mutex<RefCell<Option<Box<Usb>>>> = Mutex::new(RefCell::new(None));

/// Installs the UART.
pub fn set_uart(uart: Uart) {
    critical_section::with(|cs| UART.borrow_ref_mut(cs).replace(uart));
}

/// Installs the USB serial port and unmasks its interrupt.
pub fn set_usb(usb: Usb) {
    critical_section::with(|cs| USB.borrow_ref_mut(cs).replace(Box::new(usb)));
    // SAFETY: the handler is below; not inside a critical section.
    unsafe { rp2040_hal::pac::NVIC::unmask(rp2040_hal::pac::Interrupt::USBCTRL_IRQ) };
}

/// Writes bytes to every console that is up.
pub fn write_bytes(bytes: &[u8]) {
    critical_section::with(|cs| {
        if let Ok(uart) = UART.try_borrow_mut_in(cs) {
            if let Some(uart) = uart.as_ref() {
                uart.write_full_blocking(bytes);
            }
        }
        if let Ok(mut usb) = USB.try_borrow_mut_in(cs) {
            if let Some(usb) = usb.as_mut() {
                let mut rest = bytes;
                while !rest.is_empty() {
                    match usb.serial.write(rest) {
                        Ok(n) if n > 0 => rest = &rest[n..],
                        _ => break,
                    }
                }
            }
        }
    });
}

/// `try_borrow_mut` on a critical-section mutex (the panic handler may run
/// while a line is being written).
trait TryBorrow<T> {
    fn try_borrow_mut_in<'cs>(
        &'cs self,
        cs: critical_section::CriticalSection<'cs>,
    ) -> Result<core::cell::RefMut<'cs, T>, core::cell::BorrowMutError>;
}

impl<T> TryBorrow<T> for Mutex<RefCell<T>> {
    fn try_borrow_mut_in<'cs>(
        &'cs self,
        cs: critical_section::CriticalSection<'cs>,
    ) -> Result<core::cell::RefMut<'cs, T>, core::cell::BorrowMutError> {
        self.borrow(cs).try_borrow_mut()
    }
}

/// Writes one line (CR LF, as a serial terminal wants).
pub fn write_line(line: &str) {
    write_bytes(line.as_bytes());
    write_bytes(b"\r\n");
}

/// Polls the USB device once (the interrupt handler does this; the panic
/// handler calls it with interrupts off).
pub fn poll_usb() {
    critical_section::with(|cs| {
        if let Ok(mut usb) = USB.try_borrow_mut_in(cs) {
            if let Some(Usb { device, serial }) = usb.as_deref_mut() {
                if device.poll(&mut [serial]) {
                    // Input is not used: read it so the host is not stalled.
                    let mut buf = [0u8; 64];
                    let _ = serial.read(&mut buf);
                }
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
/// own messages and the panic handler.
pub struct Writer;

impl Write for Writer {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        write_bytes(s.as_bytes());
        Ok(())
    }
}

/// Prints a formatted line without allocating.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use core::fmt::Write as _;
        let _ = write!($crate::console::Writer, $($arg)*);
        $crate::console::write_bytes(b"\r\n");
    }};
}
