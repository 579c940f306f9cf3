//! The RP2040 as a [`baton_board::Board`]: the hardware counterpart of the
//! simulator's `VirtualBoard` (crates/baton-sim/src/board.rs).
//!
//! Every GPIO starts in a table of free pins; asking for a pin by the
//! guide's name looks up its GPIO in the board module and takes it out of
//! the table (so two uses of one pin are an error, as in the simulator),
//! then configures it: SIO output, SIO input with the pull asked for, an
//! input with edge interrupts (`countio`), or PIO0 for WS2812 NeoPixels.

use crate::boards;
use crate::console::{self, FirmwareConsole};
use crate::edges::{self, Button, EdgePin};
use crate::pixels::PacedWs2812;
use crate::timer::{now_us, FirmwareTime};
use alloc::rc::Rc;
use baton_board::neopixel::SmartLeds;
use baton_board::{Board, BoardError, Pin, Pull};
use baton_link::pin_code;
use core::cell::RefCell;
use core::convert::Infallible;
use embedded_hal::digital::{ErrorType, OutputPin};
use rp2040_hal::gpio::{
    DynPinId, DynPullType, FunctionNull, FunctionPio0, FunctionSioInput, FunctionSioOutput, Pin as HalPin, PullDown,
    PullNone,
};
use rp2040_hal::pac::PIO0;
use rp2040_hal::pio::{UninitStateMachine, PIO, SM0};
use rp2040_hal::timer::Timer;

/// A GPIO nobody uses yet.
pub type FreePin = HalPin<DynPinId, FunctionNull, PullDown>;
/// An output.
pub type OutPin = HalPin<DynPinId, FunctionSioOutput, PullNone>;
/// An input, with a pull chosen at run time.
pub type InPin = HalPin<DynPinId, FunctionSioInput, DynPullType>;
/// A pin driven by PIO0 (the NeoPixel data line).
pub type PioPin = HalPin<DynPinId, FunctionPio0, PullNone>;

/// An output as the program gets it: the pin, and its changes noted for the link's stream
/// ([`crate::stream`]; one load and a branch while nobody streams).
pub struct TracedOutput {
    pin: OutPin,
    code: u8,
    high: bool,
}

impl ErrorType for TracedOutput {
    type Error = Infallible;
}

impl OutputPin for TracedOutput {
    #[inline]
    fn set_low(&mut self) -> Result<(), Infallible> {
        let r = self.pin.set_low();
        if self.high {
            self.high = false;
            crate::stream::pin(self.code, false);
        }
        r
    }

    #[inline]
    fn set_high(&mut self) -> Result<(), Infallible> {
        let r = self.pin.set_high();
        if !self.high {
            self.high = true;
            crate::stream::pin(self.code, true);
        }
        r
    }
}

/// PIO0 and its first state machine: what a NeoPixel strip needs.
pub type Pio0Sm0 = (PIO<PIO0>, UninitStateMachine<(PIO0, SM0)>);

/// GPIOs in bank 0.
pub const GPIO_COUNT: usize = 30;

/// How long the on-board NeoPixel's power is on before its first frame, µs.
/// (The QT Py feeds the pixel from GP11 through the board's decoupling
/// capacitor; no datasheet gives a power-up time for WS2812-class parts, and
/// their power-on reset must be over before data comes. 10 ms is generous,
/// and costs nothing: the power goes on at boot, before ~15 ms of console
/// lines.)
pub const NEOPIXEL_POWER_SETTLE_US: u64 = 10_000;

struct Shared {
    pins: [Option<FreePin>; GPIO_COUNT],
    /// When the NeoPixel's power (if switched) has settled, µs since boot.
    neopixel_ready_us: u64,
    /// PIO0 and its first state machine, until a NeoPixel strip takes them.
    pio: Option<Pio0Sm0>,
    /// Kept alive (PIO0 with its program installed) once a strip exists.
    pio_in_use: Option<PIO<PIO0>>,
    /// Pins held for the board's own use (NeoPixel power).
    held: alloc::vec::Vec<OutPin>,
}

/// The RP2040 board (cheap to clone: every clone shares the pin table).
#[derive(Clone)]
pub struct Rp2040Board {
    shared: Rc<RefCell<Shared>>,
    timer: Timer,
    sys_hz: u32,
}

impl Rp2040Board {
    /// A board owning `pins` (indexed by GPIO number; `None` for pins the
    /// firmware keeps, such as the console UART's) and PIO0.
    pub(crate) fn new(
        pins: [Option<FreePin>; GPIO_COUNT],
        pio: PIO<PIO0>,
        sm0: UninitStateMachine<(PIO0, SM0)>,
        timer: Timer,
        sys_hz: u32,
    ) -> Self {
        let shared = Shared {
            pins,
            neopixel_ready_us: 0,
            pio: Some((pio, sm0)),
            pio_in_use: None,
            held: alloc::vec::Vec::new(),
        };
        Rp2040Board { shared: Rc::new(RefCell::new(shared)), timer, sys_hz }
    }

    /// The hardware timer.
    pub fn timer(&self) -> Timer {
        self.timer
    }

    /// Switches on the on-board NeoPixel's power, if the board has a power
    /// pin for it (the QT Py's GP11), and notes when it will have settled.
    /// [`crate::Firmware::run`] calls this at boot, before the console lines,
    /// for a program that said it uses the on-board NeoPixel
    /// ([`crate::Firmware::expect_pins`]), so that the settling time has passed
    /// by time zero; otherwise [`Board::neopixel`] calls it, and the strip's
    /// first frame waits for the settling.
    pub fn power_neopixel(&self) {
        let Some(gpio) = boards::NEOPIXEL_POWER else { return };
        let Some(power) = self.take_gpio(gpio) else { return };
        if let Ok(mut power) = power.into_pull_type::<PullNone>().try_into_function::<FunctionSioOutput>() {
            let _ = power.set_high();
            let mut shared = self.shared.borrow_mut();
            shared.neopixel_ready_us = now_us(&self.timer) + NEOPIXEL_POWER_SETTLE_US;
            shared.held.push(power);
        }
    }

    /// Takes the free GPIO behind `pin`.
    fn take(&self, pin: Pin) -> Result<FreePin, BoardError> {
        let gpio = boards::gpio(pin).ok_or(BoardError::NoSuchPin(pin))?;
        self.take_gpio(gpio).ok_or(BoardError::PinInUse(pin))
    }

    /// The GPIO from the table; the console UART's TX pin from the UART, which then stops
    /// (the program's use of a pin comes first: see `console::take_tx_pin`).
    fn take_gpio(&self, gpio: u8) -> Option<FreePin> {
        let free = self.shared.borrow_mut().pins.get_mut(usize::from(gpio))?.take();
        match free {
            None if gpio == boards::CONSOLE_TX => console::take_tx_pin(),
            free => free,
        }
    }

    fn input_pin(&self, pin: Pin, pull: Pull) -> Result<InPin, BoardError> {
        let free = self.take(pin)?;
        let input = free.try_into_function::<FunctionSioInput>().map_err(|_| BoardError::Unsupported(pin, "input"))?;
        let mut input = input.into_pull_type::<DynPullType>();
        input.set_pull_type(match pull {
            Pull::None => DynPullType::None,
            Pull::Up => DynPullType::Up,
            Pull::Down => DynPullType::Down,
        });
        Ok(input)
    }
}

/// An input as the stream names it.
fn button(pin: Pin, pull: Pull) -> Result<Button, BoardError> {
    let gpio = boards::gpio(pin).ok_or(BoardError::NoSuchPin(pin))?;
    Ok(Button { gpio, code: pin_code::code(pin), pressed_low: pull != Pull::Down })
}

impl Board for Rp2040Board {
    type Output = TracedOutput;
    type Input = InPin;
    type EdgeInput = EdgePin;
    type Pixels = SmartLeds<PacedWs2812>;
    type Time = FirmwareTime;
    type Console = FirmwareConsole;

    fn output(&self, pin: Pin) -> Result<TracedOutput, BoardError> {
        let free = self.take(pin)?;
        let out = free.into_pull_type::<PullNone>();
        let mut out =
            out.try_into_function::<FunctionSioOutput>().map_err(|_| BoardError::Unsupported(pin, "output"))?;
        let _ = out.set_low();
        Ok(TracedOutput { pin: out, code: pin_code::code(pin), high: false })
    }

    fn input(&self, pin: Pin, pull: Pull) -> Result<InPin, BoardError> {
        let input = self.input_pin(pin, pull)?;
        edges::add_button(button(pin, pull)?);
        Ok(input)
    }

    fn edge_input(&self, pin: Pin, pull: Pull) -> Result<EdgePin, BoardError> {
        let button = button(pin, pull)?;
        Ok(EdgePin::new(button, self.input_pin(pin, pull)?))
    }

    fn neopixel(&self, pin: Pin, _n: usize) -> Result<Self::Pixels, BoardError> {
        let (mut pio, sm0) =
            self.shared.borrow_mut().pio.take().ok_or(BoardError::Unsupported(pin, "a second NeoPixel strip"))?;
        let free = match self.take(pin) {
            Ok(p) => p,
            Err(e) => {
                self.shared.borrow_mut().pio = Some((pio, sm0));
                return Err(e);
            }
        };
        if pin == Pin::NeoPixel {
            // (Done at boot already for a program that said so: then the power pin is held.)
            self.power_neopixel();
        }
        let data = free
            .into_pull_type::<PullNone>()
            .try_into_function::<FunctionPio0>()
            .map_err(|_| BoardError::Unsupported(pin, "NeoPixels"))?;
        let ready = if pin == Pin::NeoPixel { self.shared.borrow().neopixel_ready_us } else { 0 };
        let strip = PacedWs2812::new(data, &mut pio, sm0, self.sys_hz, self.timer, ready, pin_code::code(pin));
        self.shared.borrow_mut().pio_in_use = Some(pio);
        Ok(SmartLeds(strip))
    }

    fn time(&self) -> FirmwareTime {
        FirmwareTime(self.timer)
    }

    fn console(&self) -> FirmwareConsole {
        FirmwareConsole
    }
}
