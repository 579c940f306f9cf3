//! The messages, one enum per direction. Their variants' order is part of the format (postcard
//! writes a variant as its index): add new ones at the end, and change [`crate::VERSION`] when
//! an existing one changes.

use crate::pin_code;
use alloc::vec::Vec;
use baton_board::Pin;
use serde::{Deserialize, Serialize};

/// From the page to the board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HostMessage<'a> {
    /// Who are you? The board answers [`BoardMessage::HelloReply`] and from then on frames
    /// everything it sends on this port (until the port is closed).
    Hello,
    /// Send what happens in the run as it happens: pin changes, prints, NeoPixel frames, task
    /// turns and button presses.
    StartStream,
    /// Stop sending them.
    StopStream,
    /// Run `demo` with `params` (the `key=value` texts of the configuration block, checked by
    /// the same rules): written to the configuration block, then the board restarts into it.
    /// Answered by [`BoardMessage::ConfigResult`].
    SetConfig {
        /// The demo's id (`blink-two`).
        demo: &'a str,
        /// Its parameters that differ from the guide's, as `(key, value)` texts.
        #[serde(borrow)]
        params: Vec<(&'a str, &'a str)>,
    },
}

/// From the board to the page. Times (`t_us`, `start_us`, `end_us`) are µs on the board's
/// clock since the program's time zero, the moment the simulator's time zero stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BoardMessage<'a> {
    /// The answer to [`HostMessage::Hello`].
    HelloReply {
        /// The link protocol's version ([`crate::VERSION`]), also in every frame's header.
        protocol: u8,
        /// The firmware's version (its crate's).
        firmware: &'a str,
        /// The board's name ("Raspberry Pi Pico").
        board: &'a str,
        /// The demo the board is configured for.
        demo: &'a str,
        /// Its parameters that differ from the guide's, as `(key, value)` texts.
        #[serde(borrow)]
        params: Vec<(&'a str, &'a str)>,
        /// Why the board is in safe mode instead of running the demo, if it is.
        safe_mode: Option<&'a str>,
    },
    /// An output pin changed level.
    PinChange {
        /// When, µs since time zero.
        t_us: u64,
        /// Which pin (the guide's name).
        #[serde(with = "pin_code")]
        pin: Pin,
        /// High (`true`) or low.
        level: bool,
    },
    /// The program printed a line.
    Print {
        /// When, µs since time zero.
        t_us: u64,
        /// The line, without its line break (cut at [`crate::MAX_FRAME`]'s room).
        text: &'a str,
    },
    /// A NeoPixel strip showed a frame.
    Pixels {
        /// When its first bit went out, µs since time zero.
        t_us: u64,
        /// The strip's data pin.
        #[serde(with = "pin_code")]
        pin: Pin,
        /// The colours as they went out (brightness applied): red, green, blue per pixel.
        colours: &'a [u8],
    },
    /// A task took a turn: it was polled from `start_us` to `end_us`, and left as `state`.
    Turn {
        /// The task (Baton's task id: the main task is the first).
        task: u64,
        /// When its poll began, µs since time zero.
        start_us: u64,
        /// When its poll returned, µs since time zero.
        end_us: u64,
        /// What the turn left it as (the task table shows it; a sleep's end too).
        state: TurnState,
    },
    /// A button the program reads was pressed or released.
    Press {
        /// When its level changed, µs since time zero (by the chip's edge interrupt).
        t_us: u64,
        /// Which pin.
        #[serde(with = "pin_code")]
        pin: Pin,
        /// Pressed (`true`: the level its pull does not hold it at) or released.
        pressed: bool,
    },
    /// The answer to [`HostMessage::SetConfig`]: `Ok(µs interrupts were masked while the
    /// configuration block was written)`, after which the board restarts into the new demo,
    /// or `Err(why)`, and the board keeps running what it ran.
    ConfigResult {
        /// The outcome.
        #[serde(borrow)]
        result: Result<u32, &'a str>,
    },
    /// `count` events were dropped since the last ones sent: the board's buffer was full
    /// (streaming never waits, so that it never changes the program's timing).
    Lost {
        /// How many.
        count: u32,
    },
    /// Console text, as a terminal would have read it (boot lines, the program's prints,
    /// the firmware's messages), while the port carries frames.
    Console {
        /// The text (CR LF line breaks; a line may span several messages).
        text: &'a str,
    },
}

/// What a turn left its task as: Baton's `TaskState` after a poll, on the wire (it is never
/// `Running` then).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TurnState {
    /// It yielded (`sleep(0)`): in the run queue, to run at its next turn.
    Ready,
    /// It sleeps until `until_us`, µs since time zero (the start of the tick it may run at).
    Sleeping {
        /// When it may run again.
        until_us: u64,
    },
    /// It waits for something other than time (an event, a lock, another task, an edge).
    Waiting,
    /// It returned.
    Done,
    /// It was cancelled.
    Cancelled,
    /// It failed (a panic on a host that catches them; on the board a panic resets it).
    Failed,
}
