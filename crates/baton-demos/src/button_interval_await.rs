//! Control one blinking LED, waiting for keys instead of polling (a variant
//! the guide points to but does not show).
//!
//! The guide's button task looks at the keypad and yields with `sleep(0)`,
//! hundreds of times a second, even when nobody touches a button. Here it
//! `await`s the keypad's next event instead: the task sleeps until a key
//! changes. Same behaviour, and the inspector shows the difference — the
//! button task is polled a handful of times instead of thousands.

use crate::button_interval::{blink, Interval};
use crate::{DemoInfo, Params, Section};
use alloc::vec;
use baton::{create_task, gather};
use baton_board::console::Console;
use baton_board::digitalio::InputPin;
use baton_board::keypad::Keys;
use baton_board::{Board, BoardError, Pull};
use core::convert::Infallible;

/// Shared with the playground and the CLI.
pub static INFO: DemoInfo = DemoInfo {
    id: "button-interval-await",
    title: "Control one blinking LED, awaiting keys",
    section: Section::Communicating,
    description: "The same program as \"Control one blinking LED\", but the button \
        task awaits keys.events().next() instead of polling with sleep(0). It wakes \
        only when a key changes: compare the poll counts and the idle time in the \
        inspector.",
    params: crate::button_interval::INFO.params,
    in_guide: false,
};

/// Monitors two buttons, sleeping until one changes.
pub async fn monitor_interval_buttons<P: InputPin<Error = Infallible> + 'static>(
    pin_slower: P,
    pin_faster: P,
    interval: alloc::rc::Rc<Interval>,
    console: impl Console,
) {
    let keys = Keys::new(vec![pin_slower, pin_faster], false);
    loop {
        // Wait for a key to change: no polling, no sleep(0).
        let key_event = keys.events().next().await;
        if key_event.pressed {
            interval.adjust(key_event.key_number, &console);
        }
    }
}

/// `main()`: as in the guide's program.
pub async fn main<B: Board>(board: B, p: &Params) -> Result<(), BoardError> {
    let interval = Interval::new(p.float("interval"));
    let led_task = create_task(blink(board.output(p.pin("led"))?, interval.clone()));
    let interval_task = create_task(monitor_interval_buttons(
        board.input(p.pin("slower"), Pull::Up)?,
        board.input(p.pin("faster"), Pull::Up)?,
        interval,
        board.console(),
    ));
    let _ = gather((led_task, interval_task)).await;
    Ok(())
}
