//! `neopixel`: a strip of addressable RGB pixels.

use alloc::vec::Vec;
use smart_leds::{SmartLedsWrite, RGB8};

/// A colour as the program sets it (before brightness).
pub type Color = RGB8;

/// Anything a pixel can be set to: `0xRRGGBB` (what `colorwheel` returns),
/// an `(r, g, b)` tuple, or an [`RGB8`].
pub trait IntoColor {
    /// The colour.
    fn into_color(self) -> Color;
}

impl IntoColor for u32 {
    fn into_color(self) -> Color {
        RGB8::new((self >> 16) as u8, (self >> 8) as u8, self as u8)
    }
}

impl IntoColor for (u8, u8, u8) {
    fn into_color(self) -> Color {
        RGB8::new(self.0, self.1, self.2)
    }
}

impl IntoColor for RGB8 {
    fn into_color(self) -> Color {
        self
    }
}

/// Scales a colour by `brightness` (0.0–1.0) as CircuitPython's pixel buffer
/// does: each channel times `⌊brightness·256⌋`, shifted right by 8; full
/// brightness leaves colours untouched.
///
/// ```
/// use baton_board::neopixel::apply_brightness;
/// use smart_leds::RGB8;
/// assert_eq!(apply_brightness(RGB8::new(255, 128, 0), 0.03), RGB8::new(6, 3, 0));
/// assert_eq!(apply_brightness(RGB8::new(255, 128, 0), 1.0), RGB8::new(255, 128, 0));
/// ```
pub fn apply_brightness(c: Color, brightness: f32) -> Color {
    let scale = (brightness.clamp(0.0, 1.0) * 256.0) as u32;
    if scale >= 256 {
        return c;
    }
    let s = |v: u8| ((u32::from(v) * scale) >> 8) as u8;
    RGB8::new(s(c.r), s(c.g), s(c.b))
}

/// Where `show()` sends a frame.
pub trait PixelOutput {
    /// Sends one frame: the colours as the program set them, and the
    /// brightness to apply on the way out.
    fn show(&mut self, colors: &[Color], brightness: f32);
}

/// Any `smart-leds` driver (WS2812 over PIO, SPI, …) as a [`PixelOutput`]:
/// brightness is applied here, then the frame is written.
pub struct SmartLeds<W>(pub W);

impl<W: SmartLedsWrite<Color = RGB8>> PixelOutput for SmartLeds<W> {
    fn show(&mut self, colors: &[Color], brightness: f32) {
        // A strip that fails to latch one frame will get the next one.
        let _ = self.0.write(colors.iter().map(|&c| apply_brightness(c, brightness)));
    }
}

/// A NeoPixel strip: `neopixel.NeoPixel`.
///
/// ```
/// use baton_board::neopixel::{Color, NeoPixel, PixelOutput};
/// #[derive(Default)]
/// struct Frames(Vec<Vec<Color>>);
/// impl PixelOutput for Frames {
///     fn show(&mut self, colors: &[Color], _brightness: f32) { self.0.push(colors.to_vec()) }
/// }
///
/// let mut pixels = NeoPixel::new(Frames::default(), 3, 0.03, false);
/// pixels.set(0, 0xff0000);
/// pixels.fill((0, 0, 255));
/// pixels.show();
/// assert_eq!(pixels.output().0.len(), 1); // auto_write=false: only show() sends
/// assert_eq!(pixels[2], Color::new(0, 0, 255));
/// ```
pub struct NeoPixel<O> {
    out: O,
    buf: Vec<Color>,
    brightness: f32,
    auto_write: bool,
}

impl<O: PixelOutput> NeoPixel<O> {
    /// `n` pixels, all off. With `auto_write` every change is shown at once;
    /// without it (the guide's rainbow) only [`NeoPixel::show`] sends.
    pub fn new(out: O, n: usize, brightness: f32, auto_write: bool) -> Self {
        NeoPixel { out, buf: alloc::vec![Color::default(); n], brightness: brightness.clamp(0.0, 1.0), auto_write }
    }

    /// The number of pixels.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// Whether the strip has no pixels.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Sets pixel `i` (`pixels[i] = colorwheel(…)`).
    ///
    /// # Panics
    /// If `i` is out of range, like indexing a slice.
    pub fn set(&mut self, i: usize, color: impl IntoColor) {
        self.buf[i] = color.into_color();
        if self.auto_write {
            self.show();
        }
    }

    /// Sets every pixel.
    pub fn fill(&mut self, color: impl IntoColor) {
        let c = color.into_color();
        self.buf.iter_mut().for_each(|p| *p = c);
        if self.auto_write {
            self.show();
        }
    }

    /// The brightness, 0.0–1.0.
    pub fn brightness(&self) -> f32 {
        self.brightness
    }

    /// Sets the brightness (clamped to 0.0–1.0).
    pub fn set_brightness(&mut self, b: f32) {
        self.brightness = b.clamp(0.0, 1.0);
        if self.auto_write {
            self.show();
        }
    }

    /// Sends the colours to the strip.
    pub fn show(&mut self) {
        self.out.show(&self.buf, self.brightness);
    }

    /// The driver.
    pub fn output(&self) -> &O {
        &self.out
    }
}

impl<O> core::ops::Index<usize> for NeoPixel<O> {
    type Output = Color;
    fn index(&self, i: usize) -> &Color {
        &self.buf[i]
    }
}
