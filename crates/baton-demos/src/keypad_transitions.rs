//! Handling interrupts with `keypad` ("Handling Interrupts with keypad").
//!
//! `keypad` doesn't use interrupts at all: it scans the pin every 20 ms in
//! the background and queues an event when it changed. That is debouncing
//! for free — a bouncing switch gives one press and one release.

use crate::params::{pin, ParamSpec};
use crate::{DemoInfo, Params, Section};
use alloc::vec;
use baton::{create_task, gather, sleep, Duration};
use baton_board::console::Console;
use baton_board::digitalio::InputPin;
use baton_board::keypad::Keys;
use baton_board::{Board, BoardError, Pin, Pull};
use core::convert::Infallible;

/// Shared with the playground and the CLI.
pub static INFO: DemoInfo = DemoInfo {
    id: "keypad-transitions",
    title: "Interrupts with keypad",
    section: Section::Interrupts,
    description: "keypad.Keys scans D3 every 20 ms and queues an event for each change; \
        the task prints \"pin went low\" and \"pin went high\". With switch bounce on, \
        each press still prints once each way: the scan interval debounces.",
    params: PARAMS,
    in_guide: true,
};

const PARAMS: &[ParamSpec] = &[pin("pin", "Button pin", Pin::D(3))];

/// Prints a message when the pin goes low and when it goes high.
pub async fn catch_pin_transitions<P: InputPin<Error = Infallible> + 'static>(pin: P, console: impl Console) {
    let keys = Keys::new(vec![pin], false);
    loop {
        if let Some(event) = keys.events().get() {
            if event.pressed {
                console.print_line("pin went low");
            } else if event.released() {
                console.print_line("pin went high");
            }
        }
        sleep(Duration::ZERO).await;
    }
}

/// `main()`: one task.
pub async fn main<B: Board>(board: B, p: &Params) -> Result<(), BoardError> {
    let interrupt_task = create_task(catch_pin_transitions(board.input(p.pin("pin"), Pull::Up)?, board.console()));
    let _ = gather((interrupt_task,)).await;
    Ok(())
}
