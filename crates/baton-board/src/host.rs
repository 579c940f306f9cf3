//! `host`: a [`Board`] for your computer, so that a program written for any board runs with
//! [`baton::run`] on a PC (feature `std`).
//!
//! There is no hardware, so the board says what would happen: each output pin's change and
//! each NeoPixel frame is written as a line with its time since the board was made, and
//! `print` writes its line as it is — to standard output, or to a writer of yours
//! ([`HostBoard::with_writer`]). Inputs read as released buttons (high: the guide's buttons
//! are pulled up), and no edge ever comes; the blocking `time` is the thread's sleep and the
//! wall clock.
//!
//! ```
//! use baton_board::host::HostBoard;
//! use baton_board::{console::Console, digitalio::DigitalInOut, Board, BoardError, Pin};
//!
//! async fn app(board: impl Board) -> Result<(), BoardError> {
//!     let mut led = DigitalInOut::new(board.output(Pin::D(1))?);
//!     led.switch_to_output(true);
//!     baton::sleep_secs(0.25).await;
//!     led.set_value(false);
//!     board.console().print_line("done");
//!     Ok(())
//! }
//!
//! baton::run(app(HostBoard::new())).unwrap();
//! // [  0.000012 s] D1 high
//! // [  0.250114 s] D1 low
//! // done
//! ```
//!
//! It lives here, beside the [`Board`] trait and apart from the simulator: running on a PC
//! needs nothing of the virtual clock, so a program's binary depends on `baton` and
//! `baton-board` only, and `baton-sim` (which depends on this crate) stays a test's
//! dependency.

use crate::board::{Board, BoardError, Pin, Pull};
use crate::console::{Console, PyFloat};
use crate::countio::{EdgeSink, EdgeSource};
use crate::neopixel::{Color, PixelOutput};
use core::cell::RefCell;
use core::convert::Infallible;
use core::time::Duration;
use embedded_hal::digital::{ErrorType, InputPin, OutputPin};
use std::boxed::Box;
use std::collections::BTreeSet;
use std::io::Write;
use std::rc::Rc;
use std::time::Instant;

/// What every pin and the console of one board share: the clock's start, the writer, and
/// which pins are taken.
struct Shared {
    start: Instant,
    out: RefCell<Box<dyn Write>>,
    claimed: RefCell<BTreeSet<Pin>>,
}

impl Shared {
    fn line(&self, text: core::fmt::Arguments<'_>) {
        // A closed pipe (`| head`) or a full disk must not stop the program: as on a board
        // whose serial port nobody reads, the lines are lost.
        let mut out = self.out.borrow_mut();
        let _ = out.write_fmt(format_args!("{text}\n"));
        let _ = out.flush();
    }

    fn stamped(&self, text: core::fmt::Arguments<'_>) {
        let t = self.start.elapsed().as_secs_f64();
        self.line(format_args!("[{t:>10.6} s] {text}"));
    }
}

/// A board for a program run on your computer (see the [module docs](self)).
#[derive(Clone)]
pub struct HostBoard {
    shared: Rc<Shared>,
}

impl HostBoard {
    /// A board that writes to standard output; its clock starts now.
    pub fn new() -> Self {
        Self::with_writer(std::io::stdout())
    }

    /// A board that writes to `out` (a file, a buffer a test reads); its clock starts now.
    pub fn with_writer(out: impl Write + 'static) -> Self {
        let shared =
            Shared { start: Instant::now(), out: RefCell::new(Box::new(out)), claimed: RefCell::new(BTreeSet::new()) };
        HostBoard { shared: Rc::new(shared) }
    }

    fn claim(&self, pin: Pin) -> Result<(), BoardError> {
        if !self.shared.claimed.borrow_mut().insert(pin) {
            return Err(BoardError::PinInUse(pin));
        }
        Ok(())
    }
}

impl Default for HostBoard {
    fn default() -> Self {
        Self::new()
    }
}

/// An output pin of the [`HostBoard`]: writes a line when its level changes (or is first
/// set).
pub struct HostOutput {
    shared: Rc<Shared>,
    pin: Pin,
    level: Option<bool>,
}

impl ErrorType for HostOutput {
    type Error = Infallible;
}

impl OutputPin for HostOutput {
    fn set_low(&mut self) -> Result<(), Infallible> {
        self.set_state(false.into())
    }

    fn set_high(&mut self) -> Result<(), Infallible> {
        self.set_state(true.into())
    }

    fn set_state(&mut self, state: embedded_hal::digital::PinState) -> Result<(), Infallible> {
        let level = state == embedded_hal::digital::PinState::High;
        if self.level != Some(level) {
            self.level = Some(level);
            self.shared.stamped(format_args!("{} {}", self.pin, if level { "high" } else { "low" }));
        }
        Ok(())
    }
}

/// An input pin of the [`HostBoard`]: a released button, pulled up (it reads high).
pub struct HostInput;

impl ErrorType for HostInput {
    type Error = Infallible;
}

impl InputPin for HostInput {
    fn is_high(&mut self) -> Result<bool, Infallible> {
        Ok(true)
    }

    fn is_low(&mut self) -> Result<bool, Infallible> {
        Ok(false)
    }
}

/// An edge-counting pin of the [`HostBoard`]: nobody presses it, so no edge comes.
pub struct HostEdgeInput;

impl EdgeSource for HostEdgeInput {
    fn attach(&mut self, _sink: EdgeSink) {}
    fn detach(&mut self) {}
}

/// A NeoPixel strip of the [`HostBoard`]: writes each frame as a line of colours (as set,
/// before brightness) and its brightness.
pub struct HostPixels {
    shared: Rc<Shared>,
    pin: Pin,
}

impl PixelOutput for HostPixels {
    fn show(&mut self, colors: &[Color], brightness: f32) {
        use core::fmt::Write as _;
        let mut hex = std::string::String::with_capacity(colors.len() * 7);
        for c in colors {
            // Writing to a String cannot fail.
            let _ = write!(hex, " {:02x}{:02x}{:02x}", c.r, c.g, c.b);
        }
        self.shared.stamped(format_args!("{} pixels{hex} (brightness {})", self.pin, PyFloat(brightness)));
    }
}

/// The [`HostBoard`]'s blocking `time`: the thread sleeps; `monotonic` is the seconds since
/// the board was made.
#[derive(Clone)]
pub struct HostTime {
    shared: Rc<Shared>,
}

impl crate::time::Time for HostTime {
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }

    fn monotonic(&self) -> f64 {
        self.shared.start.elapsed().as_secs_f64()
    }
}

/// The [`HostBoard`]'s console: each line as it is, like a board's serial console.
#[derive(Clone)]
pub struct HostConsole {
    shared: Rc<Shared>,
}

impl Console for HostConsole {
    fn print_line(&self, line: &str) {
        self.shared.line(format_args!("{line}"));
    }
}

impl Board for HostBoard {
    type Output = HostOutput;
    type Input = HostInput;
    type EdgeInput = HostEdgeInput;
    type Pixels = HostPixels;
    type Time = HostTime;
    type Console = HostConsole;

    fn output(&self, pin: Pin) -> Result<HostOutput, BoardError> {
        self.claim(pin)?;
        Ok(HostOutput { shared: self.shared.clone(), pin, level: None })
    }

    fn input(&self, pin: Pin, _pull: Pull) -> Result<HostInput, BoardError> {
        self.claim(pin)?;
        Ok(HostInput)
    }

    fn edge_input(&self, pin: Pin, _pull: Pull) -> Result<HostEdgeInput, BoardError> {
        self.claim(pin)?;
        Ok(HostEdgeInput)
    }

    fn neopixel(&self, pin: Pin, _n: usize) -> Result<HostPixels, BoardError> {
        self.claim(pin)?;
        Ok(HostPixels { shared: self.shared.clone(), pin })
    }

    fn time(&self) -> HostTime {
        HostTime { shared: self.shared.clone() }
    }

    fn console(&self) -> HostConsole {
        HostConsole { shared: self.shared.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digitalio::DigitalInOut;
    use crate::keypad::Keys;
    use crate::neopixel::NeoPixel;
    use crate::time::Time;
    use std::string::{String, ToString};
    use std::vec::Vec;

    /// A writer the test reads back.
    #[derive(Clone, Default)]
    struct Buffer(Rc<RefCell<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Buffer {
        fn lines(&self) -> Vec<String> {
            String::from_utf8(self.0.borrow().clone()).unwrap().lines().map(str::to_string).collect()
        }
    }

    /// A stamped line's seconds and text.
    fn stamp(line: &str) -> (f64, &str) {
        let (t, text) = line.strip_prefix('[').and_then(|l| l.split_once(" s] ")).unwrap_or_else(|| panic!("{line:?}"));
        (t.trim().parse().unwrap(), text)
    }

    #[test]
    fn pins_write_their_changes_with_the_time_and_prints_write_their_line() {
        let out = Buffer::default();
        let board = HostBoard::with_writer(out.clone());
        baton::run(async move {
            let mut led = DigitalInOut::new(board.output(Pin::D(1)).unwrap());
            led.switch_to_output(false);
            led.set_value(false); // no change: no line
            led.set_value(true);
            baton::sleep_ms(30).await;
            led.set_value(false);
            board.console().print(format_args!("interval is now {}", PyFloat(0.5)));
        });
        let lines = out.lines();
        assert_eq!(lines.len(), 4, "{lines:?}");
        let stamped: Vec<_> = lines[..3].iter().map(|l| stamp(l)).collect();
        assert_eq!(stamped.iter().map(|s| s.1).collect::<Vec<_>>(), ["D1 low", "D1 high", "D1 low"]);
        assert!(stamped[1].0 < 0.010, "the LED went on at once: {lines:?}");
        assert!(stamped[2].0 - stamped[1].0 >= 0.029, "after the 30 ms sleep: {lines:?}");
        assert_eq!(lines[3], "interval is now 0.5");
    }

    #[test]
    fn inputs_read_as_released_buttons_and_keypad_sees_no_event() {
        let out = Buffer::default();
        let board = HostBoard::with_writer(out.clone());
        let events = baton::run(async move {
            let mut button = board.input(Pin::D(3), Pull::Up).unwrap();
            assert!(button.is_high().unwrap() && !button.is_low().unwrap());
            let keys = Keys::new(std::vec![board.input(Pin::D(4), Pull::Up).unwrap()], false);
            baton::sleep_ms(50).await; // two scans
            core::iter::from_fn(|| keys.events().get()).count()
        });
        assert_eq!(events, 0);
        assert!(out.lines().is_empty());
    }

    #[test]
    fn a_pin_is_handed_out_once() {
        let board = HostBoard::with_writer(Buffer::default());
        let _led = board.output(Pin::Led).unwrap();
        assert_eq!(board.input(Pin::Led, Pull::Up).err(), Some(BoardError::PinInUse(Pin::Led)));
        assert_eq!(board.neopixel(Pin::Led, 1).err(), Some(BoardError::PinInUse(Pin::Led)));
    }

    #[test]
    fn neopixel_frames_and_the_blocking_clock() {
        let out = Buffer::default();
        let board = HostBoard::with_writer(out.clone());
        let mut strip = NeoPixel::new(board.neopixel(Pin::NeoPixel, 2).unwrap(), 2, 0.1, false);
        strip.set(0, 0xff0000);
        strip.show();
        let time = board.time();
        let before = time.monotonic();
        time.sleep(Duration::from_millis(20));
        assert!(time.monotonic() - before >= 0.020);
        let lines = out.lines();
        assert_eq!(stamp(&lines[0]).1, "NEOPIXEL pixels ff0000 000000 (brightness 0.1)");
    }
}
