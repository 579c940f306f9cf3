//! Control one blinking LED with two buttons ("Communicating Between Tasks —
//! Control One Blinking LED").
//!
//! One task blinks, another watches the buttons; they share an `Interval`
//! and otherwise know nothing about each other. The button task polls the
//! keypad and gives up control after each look with `sleep(0)`.

use crate::params::{pin, seconds, ParamSpec};
use crate::{DemoInfo, Params, Section};
use alloc::rc::Rc;
use alloc::vec;
use baton::{create_task, gather, sleep, sleep_secs, Duration};
use baton_board::console::{Console, PyFloat};
use baton_board::digitalio::{DigitalInOut, InputPin, OutputPin};
use baton_board::keypad::Keys;
use baton_board::{Board, BoardError, Pin, Pull};
use core::cell::Cell;
use core::convert::Infallible;

/// Shared with the playground and the CLI.
pub static INFO: DemoInfo = DemoInfo {
    id: "button-interval",
    title: "Control one blinking LED",
    section: Section::Communicating,
    description: "Two tasks share one Interval object: blink reads it, \
        monitor_interval_buttons changes it (D3 slower, D4 faster) and prints the new \
        value. The button task looks at the keypad and then yields with sleep(0) — \
        cooperative polling: it runs hundreds of times a second but never blocks the \
        LED.",
    params: PARAMS,
    in_guide: true,
};

const PARAMS: &[ParamSpec] = &[
    pin("led", "LED pin", Pin::D(1)),
    seconds("interval", "Initial interval", 0.5),
    pin("slower", "Slower button", Pin::D(3)),
    pin("faster", "Faster button", Pin::D(4)),
];

/// Simple object to hold an interval value; use `.value` to read or write.
///
/// A `Cell` shared by `Rc`: tasks take turns, so between two `.await`s only
/// one of them can touch it — no locks needed.
pub struct Interval {
    /// Seconds on and off.
    pub value: Cell<f64>,
}

impl Interval {
    /// An interval of `initial_interval` seconds.
    pub fn new(initial_interval: f64) -> Rc<Interval> {
        Rc::new(Interval { value: Cell::new(initial_interval) })
    }

    /// Lengthens (key 0) or shortens (key 1, not below 0.1 s) the interval,
    /// and prints it, as the guide's button task does.
    pub fn adjust(&self, key_number: usize, console: &impl Console) {
        if key_number == 0 {
            // Lengthen the interval.
            self.value.set(self.value.get() + 0.1);
        } else {
            // Shorten the interval.
            self.value.set(f64::max(0.1, self.value.get() - 0.1));
        }
        console.print(format_args!("interval is now {}", PyFloat(self.value.get())));
    }
}

/// Monitors two buttons: one lengthens the interval, the other shortens it.
pub async fn monitor_interval_buttons<P: InputPin<Error = Infallible> + 'static>(
    pin_slower: P,
    pin_faster: P,
    interval: Rc<Interval>,
    console: impl Console,
) {
    // Assume buttons are active low.
    let keys = Keys::new(vec![pin_slower, pin_faster], false);
    loop {
        if let Some(key_event) = keys.events().get() {
            if key_event.pressed {
                interval.adjust(key_event.key_number, &console);
            }
        }
        // Let another task run.
        sleep(Duration::ZERO).await;
    }
}

/// Blinks the LED forever; the rate comes from the shared `Interval`.
pub async fn blink<P: OutputPin<Error = Infallible>>(pin: P, interval: Rc<Interval>) {
    let mut led = DigitalInOut::new(pin);
    led.switch_to_output(false);
    loop {
        led.set_value(!led.value());
        sleep_secs(interval.value.get()).await;
    }
}

/// `main()`: one LED, two buttons, one shared interval.
pub async fn main<B: Board>(board: B, p: &Params) -> Result<(), BoardError> {
    // Start blinking 0.5 sec on, 0.5 sec off.
    let interval = Interval::new(p.float("interval"));
    let led_task = create_task(blink(board.output(p.pin("led"))?, interval.clone()));
    let interval_task = create_task(monitor_interval_buttons(
        board.input(p.pin("slower"), Pull::Up)?,
        board.input(p.pin("faster"), Pull::Up)?,
        interval,
        board.console(),
    ));
    // This will run forever, because neither task ever exits.
    let _ = gather((led_task, interval_task)).await;
    Ok(())
}
