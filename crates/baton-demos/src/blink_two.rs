//! Two LEDs, with asyncio ("Blinking LEDs with asyncio — Two LEDs").
//!
//! The same `blink` as for one LED — exactly the same, as the guide points
//! out — but two tasks. They appear to start at the same time and blink
//! independently; "done" comes when both have finished.

use crate::blink_one::blink;
use crate::params::{count, pin, seconds, ParamSpec};
use crate::{DemoInfo, Params, Section};
use baton::{create_task, gather};
use baton_board::console::Console;
use baton_board::{Board, BoardError, Pin};

/// Shared with the playground and the CLI.
pub static INFO: DemoInfo = DemoInfo {
    id: "blink-two",
    title: "Two LEDs",
    section: Section::ConcurrentTasks,
    description: "Two tasks run the same blink function on two LEDs at different rates \
        (0.25 s × 10 and 0.1 s × 20). Each task sleeps most of the time, so both keep \
        good time even though only one runs at any moment — compare with the blocking \
        version, where the second LED waits for the first to finish.",
    params: PARAMS,
    in_guide: true,
};

/// The two-LED parameters, shared by the blocking and polling versions.
pub(crate) const PARAMS: &[ParamSpec] = &[
    pin("led1", "LED 1 pin", Pin::D(1)),
    seconds("interval1", "LED 1 interval", 0.25),
    count("count1", "LED 1 blinks", 10, 1000),
    pin("led2", "LED 2 pin", Pin::D(2)),
    seconds("interval2", "LED 2 interval", 0.1),
    count("count2", "LED 2 blinks", 20, 1000),
];

/// `main()`: two tasks, one `gather`.
pub async fn main<B: Board>(board: B, p: &Params) -> Result<(), BoardError> {
    let led1_task = create_task(blink(board.output(p.pin("led1"))?, p.float("interval1"), p.int("count1")));
    let led2_task = create_task(blink(board.output(p.pin("led2"))?, p.float("interval2"), p.int("count2")));
    let _ = gather((led1_task, led2_task)).await; // Don't forget .await!
    board.console().print_line("done");
    Ok(())
}
