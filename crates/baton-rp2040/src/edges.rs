//! `countio` on hardware: GPIO edge interrupts feed each pin's [`EdgeSink`].
//!
//! A pin attached here has both of its edge interrupts (`EdgeLow`,
//! `EdgeHigh`) enabled; `IO_IRQ_BANK0` reads which fired straight from the
//! registers, clears them and calls the sink — which counts and raises a
//! `ThreadSafeFlag` (waking the task that awaits it), all in the handler's
//! one critical section. Nothing in the handler allocates.

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
}

static WATCHED: Mutex<RefCell<Vec<Watched>>> = Mutex::new(RefCell::new(Vec::new()));

/// Unmasks `IO_IRQ_BANK0`.
pub fn init() {
    // SAFETY: the handler is below; not inside a critical section.
    unsafe { rp2040_hal::pac::NVIC::unmask(rp2040_hal::pac::Interrupt::IO_IRQ_BANK0) };
}

/// A pin whose edges are reported by interrupt (the board's `EdgeInput`).
pub struct EdgePin {
    gpio: u8,
    /// The pin while no sink is attached.
    pin: Option<InPin>,
}

impl EdgePin {
    pub(crate) fn new(gpio: u8, pin: InPin) -> Self {
        EdgePin { gpio, pin: Some(pin) }
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
            watched.push(Watched { gpio: self.gpio, pin, sink });
            let w = watched.last().expect("just pushed");
            w.pin.set_interrupt_enabled(Interrupt::EdgeLow, true);
            w.pin.set_interrupt_enabled(Interrupt::EdgeHigh, true);
        });
    }

    fn detach(&mut self) {
        let gpio = self.gpio;
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
    // SAFETY: IO_BANK0's registers are always mapped. This handler reads
    // PROC0_INTS (core 0 runs it: only core 0 runs) and clears, in INTR
    // (write-1-to-clear), only the edge bits it read, of pins attached here.
    let io = unsafe { &*rp2040_hal::pac::IO_BANK0::ptr() };
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
            match (ints & EDGE_LOW != 0, ints & EDGE_HIGH != 0) {
                (true, false) => w.sink.edge_in(false, cs),
                (false, true) => w.sink.edge_in(true, cs),
                // Both since the last look (a bounce faster than the
                // handler): the level now says which came last.
                _ => {
                    let high = w.pin.is_high().unwrap_or(true);
                    w.sink.edge_in(!high, cs);
                    w.sink.edge_in(high, cs);
                }
            }
        }
    });
}
