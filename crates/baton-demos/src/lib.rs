//! # The guide's programs, written once for any board
//!
//! One module per program in *Cooperative Multitasking in CircuitPython with
//! asyncio*, in the guide's order, each readable side by side with the
//! Python: the same functions (`blink`, `monitor_interval_buttons`,
//! `rainbow_cycle`, …), the same shared objects (`Interval`, `Controls` —
//! here a `Cell` shared through an `Rc`, which is exactly why "no race
//! conditions" holds: only one task runs between two `await`s).
//!
//! A demo gets its pins from a [`baton_board::Board`] by the guide's names
//! and knows nothing about the simulator, the browser or the RP2040. Its
//! parameters ([`Params`]) default to the guide's values and are validated
//! before it runs.
//!
//! ```
//! use baton_demos::{DemoId, Params};
//! let demo: DemoId = "blink-two".parse().unwrap();
//! assert_eq!(demo.info().title, "Two LEDs");
//! assert!("blink-three".parse::<DemoId>().is_err());
//! let p = Params::defaults(demo);
//! assert_eq!(p.float("interval1"), 0.25);
//! ```

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

pub mod blink_blocking;
pub mod blink_one;
pub mod blink_polling;
pub mod blink_two;
pub mod button_interval;
pub mod button_interval_await;
pub mod button_interval_two;
pub mod countio_interrupt;
pub mod keypad_transitions;
pub mod params;
pub mod rainbow;

use baton_board::{Board, BoardError};
use core::fmt;
use core::str::FromStr;
use core::time::Duration;
pub use params::{ParamError, ParamSpec, Params, Value};

/// The guide's sections, for grouping demos.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    /// "Concurrent Tasks".
    ConcurrentTasks,
    /// "Communicating Between Tasks".
    Communicating,
    /// "Controlling NeoPixels".
    NeoPixels,
    /// "Handling Interrupts".
    Interrupts,
}

impl Section {
    /// The section's title in the guide.
    pub fn title(self) -> &'static str {
        match self {
            Section::ConcurrentTasks => "Concurrent Tasks",
            Section::Communicating => "Communicating Between Tasks",
            Section::NeoPixels => "Controlling NeoPixels",
            Section::Interrupts => "Handling Interrupts",
        }
    }
}

/// Everything a host shows about a demo.
#[derive(Debug)]
pub struct DemoInfo {
    /// The id (`blink-two`): in the spec, on command lines, in links.
    pub id: &'static str,
    /// A short title.
    pub title: &'static str,
    /// The guide's section.
    pub section: Section,
    /// One paragraph: what it teaches.
    pub description: &'static str,
    /// Its parameters, with the guide's values as defaults.
    pub params: &'static [ParamSpec],
    /// Whether the guide shows this program (the rest are variants it points to).
    pub in_guide: bool,
}

macro_rules! demos {
    ($($variant:ident => $module:ident),+ $(,)?) => {
        /// A demo by id.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum DemoId {
            $(
                #[doc = concat!("See [`", stringify!($module), "`].")]
                $variant,
            )+
        }

        impl DemoId {
            /// Every demo, in the guide's order.
            pub const ALL: &'static [DemoId] = &[$(DemoId::$variant),+];

            /// What a host shows about it.
            pub fn info(self) -> &'static DemoInfo {
                match self {
                    $(DemoId::$variant => &$module::INFO,)+
                }
            }
        }
    };
}

demos! {
    BlinkOne => blink_one,
    BlinkTwo => blink_two,
    BlinkBlocking => blink_blocking,
    BlinkPolling => blink_polling,
    ButtonInterval => button_interval,
    ButtonIntervalTwo => button_interval_two,
    ButtonIntervalAwait => button_interval_await,
    Rainbow => rainbow,
    CountioInterrupt => countio_interrupt,
    KeypadTransitions => keypad_transitions,
}

impl DemoId {
    /// The id string.
    pub fn id(self) -> &'static str {
        self.info().id
    }
}

impl fmt::Display for DemoId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A demo id that is not one of [`DemoId::ALL`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownDemo(pub alloc::string::String);

impl fmt::Display for UnknownDemo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown demo {:?}; the demos are: ", self.0)?;
        for (i, d) in DemoId::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(d.id())?;
        }
        Ok(())
    }
}

impl FromStr for DemoId {
    type Err = UnknownDemo;
    fn from_str(s: &str) -> Result<DemoId, UnknownDemo> {
        DemoId::ALL.iter().copied().find(|d| d.id() == s).ok_or_else(|| UnknownDemo(s.into()))
    }
}

/// Runs `params`' demo on `board` until it ends (most never do). Call it
/// from a task: a host spawns `run(board, params)` as its main task.
///
/// Errors only if the board can't provide a pin the demo asks for.
pub async fn run<B: Board + 'static>(board: B, params: Params) -> Result<(), BoardError> {
    match params.demo() {
        DemoId::BlinkOne => blink_one::main(board, &params).await,
        DemoId::BlinkTwo => blink_two::main(board, &params).await,
        // The blocking programs are plain functions: run as a task, they
        // keep control from start to finish, which is the lesson.
        DemoId::BlinkBlocking => blink_blocking::main(&board, &params),
        DemoId::BlinkPolling => blink_polling::main(&board, &params),
        DemoId::ButtonInterval => button_interval::main(board, &params).await,
        DemoId::ButtonIntervalTwo => button_interval_two::main(board, &params).await,
        DemoId::ButtonIntervalAwait => button_interval_await::main(board, &params).await,
        DemoId::Rainbow => rainbow::main(board, &params).await,
        DemoId::CountioInterrupt => countio_interrupt::main(board, &params).await,
        DemoId::KeypadTransitions => keypad_transitions::main(board, &params).await,
    }
}

/// Runs one of the blocking programs (those that never call `asyncio.run`, see
/// [`DemoId::uses_asyncio`]) to its end; `None` for a program that awaits. A host that runs
/// only these (the playground's worker) links nothing else.
pub fn run_blocking<B: Board>(board: &B, params: &Params) -> Option<Result<(), BoardError>> {
    match params.demo() {
        DemoId::BlinkBlocking => Some(blink_blocking::main(board, params)),
        DemoId::BlinkPolling => Some(blink_polling::main(board, params)),
        _ => None,
    }
}

impl DemoId {
    /// Whether the program uses asyncio. The blocking programs never call
    /// `asyncio.run`: on CircuitPython they run no task at all, so a host
    /// that charges a cost per task resumption charges none for them (their
    /// [`run`] is one poll that keeps control from start to finish).
    pub fn uses_asyncio(self) -> bool {
        !matches!(self, DemoId::BlinkBlocking | DemoId::BlinkPolling)
    }
}

/// Seconds as a `Duration`, the way the blocking `time.sleep(seconds)` reads
/// them: `round(seconds * 1e6)` µs, ties to even as Python's `round`.
/// Negative or non-finite values (which validation keeps out) mean zero.
pub(crate) fn secs(seconds: f64) -> Duration {
    let us = seconds * 1e6;
    if !(us.is_finite() && us > 0.0) {
        return Duration::ZERO;
    }
    // `core` has no `round_ties_even`; below 2**52 the fraction is exact.
    let whole = us as u64;
    let frac = us - whole as f64;
    let rounded = if frac > 0.5 || (frac == 0.5 && whole % 2 == 1) { whole + 1 } else { whole };
    Duration::from_micros(rounded)
}
