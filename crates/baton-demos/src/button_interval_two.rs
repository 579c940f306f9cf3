//! Control two blinking LEDs ("Communicating Between Tasks — Control Two
//! Blinking LEDs").
//!
//! "That's easy: just create more tasks." Only `main` changes; `blink` and
//! `monitor_interval_buttons` are the ones from [`crate::button_interval`].

use crate::button_interval::{blink, monitor_interval_buttons, Interval};
use crate::params::{pin, seconds, ParamSpec};
use crate::{DemoInfo, Params, Section};
use baton::{create_task, gather};
use baton_board::{Board, BoardError, Pin, Pull};

/// Shared with the playground and the CLI.
pub static INFO: DemoInfo = DemoInfo {
    id: "button-interval-two",
    title: "Control two blinking LEDs",
    section: Section::Communicating,
    description: "Four tasks: two blinkers and two button monitors, each pair sharing \
        its own Interval (D3/D4 control LED 1, D5/D6 control LED 2). Nothing in blink or \
        monitor_interval_buttons changed — only main creates more tasks.",
    params: PARAMS,
    in_guide: true,
};

const PARAMS: &[ParamSpec] = &[
    pin("led1", "LED 1 pin", Pin::D(1)),
    seconds("interval1", "LED 1 initial interval", 0.5),
    pin("led2", "LED 2 pin", Pin::D(2)),
    seconds("interval2", "LED 2 initial interval", 1.0),
    pin("slower1", "LED 1 slower button", Pin::D(3)),
    pin("faster1", "LED 1 faster button", Pin::D(4)),
    pin("slower2", "LED 2 slower button", Pin::D(5)),
    pin("faster2", "LED 2 faster button", Pin::D(6)),
];

/// `main()`: twice the tasks.
pub async fn main<B: Board>(board: B, p: &Params) -> Result<(), BoardError> {
    let interval1 = Interval::new(p.float("interval1"));
    let interval2 = Interval::new(p.float("interval2"));

    let led1_task = create_task(blink(board.output(p.pin("led1"))?, interval1.clone()));
    let led2_task = create_task(blink(board.output(p.pin("led2"))?, interval2.clone()));
    let interval1_task = create_task(monitor_interval_buttons(
        board.input(p.pin("slower1"), Pull::Up)?,
        board.input(p.pin("faster1"), Pull::Up)?,
        interval1,
        board.console(),
    ));
    let interval2_task = create_task(monitor_interval_buttons(
        board.input(p.pin("slower2"), Pull::Up)?,
        board.input(p.pin("faster2"), Pull::Up)?,
        interval2,
        board.console(),
    ));

    let _ = gather((led1_task, led2_task, interval1_task, interval2_task)).await;
    Ok(())
}
