//! NeoPixels (WS2812) over PIO0, paced like the simulator's timing model.
//!
//! `ws2812-pio`'s driver returns as soon as the last colour is in the PIO
//! FIFO, and the strip needs a quiet line (≥ 50 µs) between frames to
//! latch. This wrapper makes `show()` last what it lasts on the wire and in
//! the simulator: 30 µs a pixel (24 bits at 800 kHz) plus an 80 µs latch —
//! so the next frame can never run into this one, and a demo's timing on
//! the board matches its trace.

use crate::board::PioPin;
use crate::timer::{now_us, spin_until};
use rp2040_hal::pac::PIO0;
use rp2040_hal::pio::{UninitStateMachine, PIO, SM0};
use rp2040_hal::timer::Timer;
use smart_leds::{SmartLedsWrite, RGB8};
use ws2812_pio::Ws2812Direct;

/// Wire time of one pixel, µs.
const PIXEL_US: u64 = 30;
/// Reset (latch) time after a frame, µs.
const LATCH_US: u64 = 80;

/// A WS2812 strip on PIO0's state machine 0.
pub struct PacedWs2812 {
    strip: Ws2812Direct<PIO0, SM0, PioPin>,
    timer: Timer,
}

impl PacedWs2812 {
    /// Installs the WS2812 program and starts the state machine.
    pub fn new(
        pin: PioPin,
        pio: &mut PIO<PIO0>,
        sm: UninitStateMachine<(PIO0, SM0)>,
        sys_hz: u32,
        timer: Timer,
    ) -> Self {
        let strip = Ws2812Direct::new(pin, pio, sm, fugit::HertzU32::from_raw(sys_hz));
        PacedWs2812 { strip, timer }
    }
}

impl SmartLedsWrite for PacedWs2812 {
    type Color = RGB8;
    type Error = ();

    fn write<T, I>(&mut self, iterator: T) -> Result<(), ()>
    where
        T: IntoIterator<Item = I>,
        I: Into<RGB8>,
    {
        let start = now_us(&self.timer);
        let mut n = 0u64;
        let result = self.strip.write(iterator.into_iter().map(|c| {
            n += 1;
            c.into()
        }));
        spin_until(&self.timer, start + n * PIXEL_US + LATCH_US);
        result
    }
}
