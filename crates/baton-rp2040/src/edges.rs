//! `countio` on hardware: GPIO edge interrupts feed each pin's [`EdgeSink`].
//!
//! A pin attached here has both of its edge interrupts (`EdgeLow`,
//! `EdgeHigh`) enabled; `IO_IRQ_BANK0` reads which fired straight from the
//! registers, clears them and calls the sink — which counts and raises a
//! `ThreadSafeFlag` (waking the task that awaits it), all in the handler's
//! one critical section. Nothing in the handler allocates.
//!
//! The same handler notes button presses, for the press log and the link's stream
//! ([`crate::stream::press`]): of the `countio` pins, and of the plain inputs (the keypad's,
//! which the program polls), whose edge interrupts are on from the moment the program takes
//! them, for that alone: each edge then costs the program this handler, streaming or not, so
//! that the page can replay every press since time zero into the simulator.

use crate::board::InPin;
use alloc::vec::Vec;
use baton_board::countio::{EdgeSink, EdgeSource};
use core::cell::RefCell;
use critical_section::Mutex;
use embedded_hal::digital::InputPin;
use rp2040_hal::gpio::Interrupt;
use rp2040_hal::pac::interrupt;

struct Watched {
    gpio: u8,
    pin: InPin,
    sink: EdgeSink,
    button: Button,
}

/// A pin the program reads, as the stream names it.
#[derive(Clone, Copy)]
pub(crate) struct Button {
    /// The GPIO.
    pub gpio: u8,
    /// Its pin code (baton-link's).
    pub code: u8,
    /// Pressed is low (a pull-up, or no pull: the guide's buttons are active-low).
    pub pressed_low: bool,
}

static WATCHED: Mutex<RefCell<Vec<Watched>>> = Mutex::new(RefCell::new(Vec::new()));
/// The plain inputs, whose presses are noted.
static BUTTONS: Mutex<RefCell<Vec<Button>>> = Mutex::new(RefCell::new(Vec::new()));

/// Notes a plain input the program took: its presses are noted from now on.
pub(crate) fn add_button(button: Button) {
    critical_section::with(|cs| BUTTONS.borrow_ref_mut(cs).push(button));
    set_edges(button.gpio);
}

fn io() -> &'static rp2040_hal::pac::io_bank0::RegisterBlock {
    // SAFETY: IO_BANK0's registers are always mapped; the bits touched through this are the
    // edge bits of pins this module watches (INTR is write-1-to-clear, PROC0_INTE is changed
    // inside a critical section).
    unsafe { &*rp2040_hal::pac::IO_BANK0::ptr() }
}

/// Enables both edge interrupts of `gpio` on core 0, clearing stale edges first.
fn set_edges(gpio: u8) {
    let (reg, shift) = (usize::from(gpio / 8), u32::from(gpio % 8) * 4);
    let bits = (EDGE_LOW | EDGE_HIGH) << shift;
    critical_section::with(|_| {
        // SAFETY: write-1-to-clear of this pin's edge bits only.
        io().intr(reg).write(|w| unsafe { w.bits(bits) });
        // SAFETY: read-modify-write of this pin's two edge-enable bits, interrupts masked.
        io().proc0_inte(reg).modify(|r, w| unsafe { w.bits(r.bits() | bits) });
    });
}

/// Unmasks `IO_IRQ_BANK0`.
pub fn init() {
    // SAFETY: the handler is below; not inside a critical section.
    unsafe { rp2040_hal::pac::NVIC::unmask(rp2040_hal::pac::Interrupt::IO_IRQ_BANK0) };
}

/// A pin whose edges are reported by interrupt (the board's `EdgeInput`).
pub struct EdgePin {
    button: Button,
    /// The pin while no sink is attached.
    pin: Option<InPin>,
}

impl EdgePin {
    pub(crate) fn new(button: Button, pin: InPin) -> Self {
        EdgePin { button, pin: Some(pin) }
    }
}

impl EdgeSource for EdgePin {
    fn attach(&mut self, sink: EdgeSink) {
        let Some(pin) = self.pin.take() else { return };
        for irq in [Interrupt::EdgeLow, Interrupt::EdgeHigh] {
            pin.set_interrupt_enabled(irq, false);
        }
        let mut pin = pin;
        pin.clear_interrupt(Interrupt::EdgeLow);
        pin.clear_interrupt(Interrupt::EdgeHigh);
        critical_section::with(|cs| {
            let mut watched = WATCHED.borrow_ref_mut(cs);
            watched.push(Watched { gpio: self.button.gpio, pin, sink, button: self.button });
            let w = watched.last().expect("just pushed");
            w.pin.set_interrupt_enabled(Interrupt::EdgeLow, true);
            w.pin.set_interrupt_enabled(Interrupt::EdgeHigh, true);
        });
    }

    fn detach(&mut self) {
        let gpio = self.button.gpio;
        let pin = critical_section::with(|cs| {
            let mut watched = WATCHED.borrow_ref_mut(cs);
            let i = watched.iter().position(|w| w.gpio == gpio)?;
            let w = watched.swap_remove(i);
            w.pin.set_interrupt_enabled(Interrupt::EdgeLow, false);
            w.pin.set_interrupt_enabled(Interrupt::EdgeHigh, false);
            Some(w.pin)
        });
        if let Some(pin) = pin {
            self.pin = Some(pin);
        }
    }
}

/// Bits of a GPIO's nibble in IO_BANK0's INTR and PROC0_INTS registers (8
/// GPIOs a register): edge low, edge high.
const EDGE_LOW: u32 = 1 << 2;
const EDGE_HIGH: u32 = 1 << 3;

#[interrupt]
fn IO_IRQ_BANK0() {
    // This handler reads PROC0_INTS (core 0 runs it: only core 0 runs) and clears, in INTR
    // (write-1-to-clear), only the edge bits it read, of pins attached here.
    let io = io();
    // One critical section: the pin list, and each sink's count, flag and wake.
    critical_section::with(|cs| {
        for w in WATCHED.borrow_ref_mut(cs).iter_mut() {
            let (reg, shift) = (usize::from(w.gpio / 8), u32::from(w.gpio % 8) * 4);
            let ints = (io.proc0_ints(reg).read().bits() >> shift) & (EDGE_LOW | EDGE_HIGH);
            if ints == 0 {
                continue;
            }
            // SAFETY: write-1-to-clear of this pin's pending edges only.
            io.intr(reg).write(|r| unsafe { r.bits(ints << shift) });
            let b = w.button;
            match (ints & EDGE_LOW != 0, ints & EDGE_HIGH != 0) {
                (true, false) => {
                    w.sink.edge_in(false, cs);
                    crate::stream::press(cs, b.code, b.pressed_low);
                }
                (false, true) => {
                    w.sink.edge_in(true, cs);
                    crate::stream::press(cs, b.code, !b.pressed_low);
                }
                // Both since the last look (a bounce faster than the
                // handler): the level now says which came last.
                _ => {
                    let high = w.pin.is_high().unwrap_or(true);
                    w.sink.edge_in(!high, cs);
                    w.sink.edge_in(high, cs);
                    crate::stream::press(cs, b.code, high == b.pressed_low);
                    crate::stream::press(cs, b.code, high != b.pressed_low);
                }
            }
        }
        // The plain inputs.
        for b in BUTTONS.borrow_ref(cs).iter() {
            let (reg, shift) = (usize::from(b.gpio / 8), u32::from(b.gpio % 8) * 4);
            let ints = (io.proc0_ints(reg).read().bits() >> shift) & (EDGE_LOW | EDGE_HIGH);
            if ints == 0 {
                continue;
            }
            // SAFETY: write-1-to-clear of this pin's pending edges only.
            io.intr(reg).write(|r| unsafe { r.bits(ints << shift) });
            // SAFETY: SIO's GPIO_IN is read-only.
            let high = unsafe { &*rp2040_hal::pac::SIO::ptr() }.gpio_in().read().bits() & (1 << b.gpio) != 0;
            if ints == EDGE_LOW | EDGE_HIGH {
                // Both since the last look: the one before the level now, then that level.
                crate::stream::press(cs, b.code, high == b.pressed_low);
            }
            // Pressed is the level its pull does not hold it at.
            crate::stream::press(cs, b.code, high != b.pressed_low);
        }
    });
}
