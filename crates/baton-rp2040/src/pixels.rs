//! NeoPixels (WS2812) over PIO0, with a latch the parts need and `show()`
//! paced like the simulator's timing model.
//!
//! `ws2812-pio`'s driver returns as soon as the last colour is in the PIO
//! FIFO. A strip takes a frame when its data line has been low long enough:
//! ≥ 280 µs for WS2812B-V5-class parts (older ones latch after 50 µs). So:
//!
//! - `show()` waits until the state machine has sent the last bit — the
//!   FIFO is empty and the state machine has stalled on it (FDEBUG.TXSTALL),
//!   which is the moment the last bit's high time ends — and notes the time;
//! - the *next* `show()` starts no sooner than [`LATCH_US`] after that (as
//!   CircuitPython's `neopixel_write` waits for its `next_start` time), so
//!   the latch is never cut short, even by a rainbow that shows with
//!   `sleep(0)` in between;
//! - each `show()` lasts at least what the simulator charges for it (30 µs a
//!   pixel plus 80 µs), so a demo's timing on the board matches its trace
//!   whenever frames are further apart than the latch.
//!
//! The first frame also waits for the strip's power to settle (the QT Py
//! switches its NeoPixel's power on at boot: `Rp2040Board::power_neopixel`) and for the line
//! to have been low for a latch time since the pin was handed to the PIO.

use crate::board::PioPin;
use crate::timer::{now_us, spin_until};
use rp2040_hal::pac::{self, PIO0};
use rp2040_hal::pio::{UninitStateMachine, PIO, SM0};
use rp2040_hal::timer::Timer;
use smart_leds::{SmartLedsWrite, RGB8};
use ws2812_pio::Ws2812Direct;

/// Wire time of one pixel in the simulator's model, µs.
const PIXEL_US: u64 = 30;
/// The simulator's charge per `show()` beyond the pixels, µs.
const MODEL_LATCH_US: u64 = 80;
/// Low time on the data line between two frames, µs: WS2812B-V5 and SK6812
/// parts need ≥ 280 µs; 300 leaves room for the 1 µs timer.
pub const LATCH_US: u64 = 300;

/// Pixels of a frame the stream carries (the most the rainbow takes, and what a frame holds).
const MAX_STREAMED: usize = 256;

/// SM0's bit in PIO0's FSTAT.TXEMPTY and FDEBUG.TXSTALL fields.
const SM0_TX_BIT: u32 = 1 << 24;

/// A WS2812 strip on PIO0's state machine 0.
pub struct PacedWs2812 {
    strip: Ws2812Direct<PIO0, SM0, PioPin>,
    timer: Timer,
    /// No frame may start before this (µs since boot): the latch of the last
    /// frame, the power's settling, the line's first low time.
    next_start_us: u64,
    /// The data pin's code, for the link's stream.
    code: u8,
}

impl PacedWs2812 {
    /// Installs the WS2812 program and starts the state machine. `ready_us`:
    /// when the strip's power has settled (µs since boot).
    pub fn new(
        pin: PioPin,
        pio: &mut PIO<PIO0>,
        sm: UninitStateMachine<(PIO0, SM0)>,
        sys_hz: u32,
        timer: Timer,
        ready_us: u64,
        code: u8,
    ) -> Self {
        let strip = Ws2812Direct::new(pin, pio, sm, fugit::HertzU32::from_raw(sys_hz));
        let next_start_us = ready_us.max(now_us(&timer) + LATCH_US);
        PacedWs2812 { strip, timer, next_start_us, code }
    }
}

fn pio0() -> &'static pac::pio0::RegisterBlock {
    // SAFETY: PIO0's registers are always mapped; FSTAT is read-only and
    // FDEBUG is write-1-to-clear, and SM0's bits are this driver's.
    unsafe { &*PIO0::ptr() }
}

/// Waits until SM0 has shifted out everything it was given: its FIFO is
/// empty and it has stalled asking for more (the autopull `out` stalls with
/// the line low, right after the last bit's high time).
fn wait_until_sent() {
    let pio = pio0();
    while pio.fstat().read().bits() & SM0_TX_BIT == 0 {
        core::hint::spin_loop();
    }
    // The FIFO is empty: the last word is in the shift register. TXSTALL is
    // sticky from before the frame; clear it (the hardware sets it again at
    // once if the state machine is already stalled) and wait for the stall.
    // SAFETY: FDEBUG is write-1-to-clear; SM0's TXSTALL bit only.
    pio.fdebug().write(|w| unsafe { w.bits(SM0_TX_BIT) });
    while pio.fdebug().read().bits() & SM0_TX_BIT == 0 {
        core::hint::spin_loop();
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
        spin_until(&self.timer, self.next_start_us);
        let start = now_us(&self.timer);
        let mut n = 0u64;
        // The frame as it goes out, for the link's stream (only while one is on).
        let streaming = crate::stream::on();
        let mut rgb = [0u8; 3 * MAX_STREAMED];
        // When the first colour goes into the FIFO: its first bit goes out at once.
        let mut first_us = 0;
        let result = self.strip.write(iterator.into_iter().map(|c| {
            let c: RGB8 = c.into();
            let i = n as usize;
            if streaming && i < MAX_STREAMED {
                if i == 0 {
                    first_us = crate::stream::now();
                }
                rgb[3 * i..3 * i + 3].copy_from_slice(&[c.r, c.g, c.b]);
            }
            n += 1;
            c
        }));
        if streaming {
            crate::stream::pixels(first_us, self.code, &rgb[..3 * (n as usize).min(MAX_STREAMED)]);
        }
        wait_until_sent();
        let sent = now_us(&self.timer);
        self.next_start_us = sent + LATCH_US;
        spin_until(&self.timer, start + n * PIXEL_US + MODEL_LATCH_US);
        result
    }
}
