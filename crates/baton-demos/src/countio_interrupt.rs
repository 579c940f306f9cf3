//! Handling interrupts with `countio` ("Handling Interrupts with countio").
//!
//! An interrupt counts the pin's falling edges in the background; the task
//! polls the count, resets it and reports. A mechanical switch bounces, and
//! `countio` counts every bounce: one press can print more than once.

use crate::params::{pin, ParamSpec};
use crate::{DemoInfo, Params, Section};
use baton::{create_task, gather, sleep, Duration};
use baton_board::console::Console;
use baton_board::countio::{Counter, Edge, EdgeSource};
use baton_board::{Board, BoardError, Pin, Pull};

/// Shared with the playground and the CLI.
pub static INFO: DemoInfo = DemoInfo {
    id: "countio-interrupt",
    title: "Interrupts with countio",
    section: Section::Interrupts,
    description: "A countio.Counter counts falling edges on D3 from an interrupt; the \
        task checks the count, resets it and prints \"interrupted!\". Turn on switch \
        bounce and press the button: countio counts the bounces too, so one press can \
        print several times — the keypad demo does not.",
    params: PARAMS,
    in_guide: true,
};

const PARAMS: &[ParamSpec] = &[pin("pin", "Interrupt pin", Pin::D(3))];

/// Prints a message when the pin goes low.
pub async fn catch_interrupt<S: EdgeSource>(pin: S, console: impl Console) {
    let mut interrupt = Counter::new(pin, Edge::Fall);
    loop {
        if interrupt.count() > 0 {
            interrupt.set_count(0);
            console.print_line("interrupted!");
        }
        // Let another task run.
        sleep(Duration::ZERO).await;
    }
}

/// `main()`: one task.
pub async fn main<B: Board>(board: B, p: &Params) -> Result<(), BoardError> {
    // The guide's `countio.Counter(pin)` leaves the pull at its default
    // (none), which works with its wiring; with a plain button to ground the
    // pin needs the pull-up, as for the keypad demos.
    let interrupt_task = create_task(catch_interrupt(board.edge_input(p.pin("pin"), Pull::Up)?, board.console()));
    let _ = gather((interrupt_task,)).await;
    Ok(())
}
