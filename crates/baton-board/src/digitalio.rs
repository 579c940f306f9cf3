//! `digitalio`: a pin the program drives, as the guide's LEDs are.

use core::convert::Infallible;
/// The embedded-hal pin traits and their error trait, re-exported so that task code — and a
/// pin of your own (`impl ErrorType for MyPin { type Error = Infallible; }`, then
/// `impl OutputPin for MyPin`) — needs no direct embedded-hal dependency.
pub use embedded_hal::digital::{ErrorType, InputPin, OutputPin, PinState};

/// An output pin with a readable `value`, like CircuitPython's
/// `digitalio.DigitalInOut` after `switch_to_output()`.
///
/// embedded-hal output pins can't be read back in general, so the last value
/// written is remembered: that is what `led.value = not led.value` needs.
///
/// ```
/// use baton_board::digitalio::{DigitalInOut, ErrorType, OutputPin};
/// use core::convert::Infallible;
///
/// /// A pin of your own: it remembers what it was told (only baton-board imported).
/// struct FakeLed(Vec<bool>);
/// impl ErrorType for FakeLed {
///     type Error = Infallible;
/// }
/// impl OutputPin for FakeLed {
///     fn set_low(&mut self) -> Result<(), Infallible> { self.0.push(false); Ok(()) }
///     fn set_high(&mut self) -> Result<(), Infallible> { self.0.push(true); Ok(()) }
/// }
///
/// let mut led = DigitalInOut::new(FakeLed(vec![]));
/// led.switch_to_output(false);
/// led.set_value(!led.value());
/// assert!(led.value());
/// assert_eq!(led.into_inner().0, [false, true]);
/// ```
#[derive(Debug)]
pub struct DigitalInOut<P> {
    pin: P,
    value: bool,
}

impl<P: OutputPin<Error = Infallible>> DigitalInOut<P> {
    /// Wraps a pin. Nothing is driven until [`DigitalInOut::switch_to_output`].
    pub fn new(pin: P) -> Self {
        DigitalInOut { pin, value: false }
    }

    /// Starts driving the pin at `value` (the guide's
    /// `switch_to_output(value=False)`).
    pub fn switch_to_output(&mut self, value: bool) {
        self.set_value(value);
    }

    /// The level last written.
    pub fn value(&self) -> bool {
        self.value
    }

    /// Drives the pin high (`true`) or low (`false`): the guide's
    /// `led.value = …`.
    pub fn set_value(&mut self, value: bool) {
        self.value = value;
        let Ok(()) = self.pin.set_state(value.into());
    }

    /// Gives the pin back (CircuitPython's `deinit`).
    pub fn into_inner(self) -> P {
        self.pin
    }
}
