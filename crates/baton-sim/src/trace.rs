//! The trace: what happened on the virtual board, when (JSON Lines, as
//! `docs/SIMULATOR.md` defines it).

use crate::json;
use baton::TaskState;
use baton_board::console::PyFloat;
use baton_board::neopixel::Color;
use baton_board::Pin;
use std::fmt::Write as _;

/// One thing that happened, at a virtual time in microseconds.
#[derive(Clone, Debug, PartialEq)]
pub enum TraceEvent {
    /// An output pin's level changed (or was first set): `"kind": "pin"`.
    Pin {
        /// When.
        t_us: u64,
        /// Which pin.
        pin: Pin,
        /// The new level.
        value: bool,
    },
    /// An input pin's level changed (a button, a bounce): `"kind": "input"`.
    Input {
        /// When.
        t_us: u64,
        /// Which pin.
        pin: Pin,
        /// The new level (`false`: pressed, for the guide's active-low buttons).
        value: bool,
    },
    /// A line printed to the console: `"kind": "print"`.
    Print {
        /// When.
        t_us: u64,
        /// The line.
        text: String,
    },
    /// A NeoPixel `show()`: `"kind": "pixels"`.
    Pixels {
        /// When the frame was on the wire.
        t_us: u64,
        /// The strip's pin.
        pin: Pin,
        /// The brightness applied on the way out.
        brightness: f32,
        /// The colours as set by the program (before brightness).
        colors: Vec<Color>,
    },
    /// One poll of one task: `"kind": "task"`, from `t_us` (when its turn
    /// began, poll cost included) to `end_us`. It is recorded when the poll
    /// ends, so it follows the events of its own poll in the trace; the
    /// command line sorts the trace by `t_us`.
    Task {
        /// When the turn began.
        t_us: u64,
        /// When the task gave control back.
        end_us: u64,
        /// The task's id.
        id: u64,
        /// The task's name (shared: a poll records it without allocating).
        name: std::rc::Rc<str>,
        /// Its state after the poll.
        state: TaskState,
    },
}

impl TraceEvent {
    /// When it happened.
    pub fn t_us(&self) -> u64 {
        match self {
            TraceEvent::Pin { t_us, .. }
            | TraceEvent::Input { t_us, .. }
            | TraceEvent::Print { t_us, .. }
            | TraceEvent::Pixels { t_us, .. }
            | TraceEvent::Task { t_us, .. } => *t_us,
        }
    }

    /// The event as one line of JSON (no newline).
    ///
    /// ```
    /// use baton_sim::TraceEvent;
    /// use baton_board::Pin;
    /// let e = TraceEvent::Pin { t_us: 250020, pin: Pin::D(1), value: true };
    /// assert_eq!(e.to_json(), r#"{"t_us": 250020, "kind": "pin", "pin": "D1", "value": true}"#);
    /// ```
    pub fn to_json(&self) -> String {
        let mut s = String::with_capacity(64);
        // Writing to a String cannot fail.
        let _ = match self {
            TraceEvent::Pin { t_us, pin, value } => {
                write!(s, r#"{{"t_us": {t_us}, "kind": "pin", "pin": "{pin}", "value": {value}}}"#)
            }
            TraceEvent::Input { t_us, pin, value } => {
                write!(s, r#"{{"t_us": {t_us}, "kind": "input", "pin": "{pin}", "value": {value}}}"#)
            }
            TraceEvent::Print { t_us, text } => {
                s = text_json(*t_us, "print", text);
                Ok(())
            }
            TraceEvent::Pixels { t_us, pin, brightness, colors } => {
                let _ = write!(
                    s,
                    r#"{{"t_us": {t_us}, "kind": "pixels", "pin": "{pin}", "brightness": {}, "colors": ["#,
                    PyFloat(*brightness)
                );
                for (i, c) in colors.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    let _ = write!(s, r#"{sep}"{:02x}{:02x}{:02x}""#, c.r, c.g, c.b);
                }
                s.push_str("]}");
                Ok(())
            }
            TraceEvent::Task { t_us, end_us, id, name, state } => {
                let _ = write!(
                    s,
                    r#"{{"t_us": {t_us}, "kind": "task", "end_us": {end_us}, "id": {id}, "name": {}, "state": "{}""#,
                    json::quoted(name),
                    state_name(*state)
                );
                if let TaskState::Sleeping { until } = state {
                    let _ = write!(s, r#", "until_us": {}"#, until.as_micros());
                }
                s.push('}');
                Ok(())
            }
        };
        s
    }
}

/// Questions a test asks of a trace, answered as plain values to compare with
/// `assert_eq!`: one pin's levels, the console's lines, one strip's frames. Implemented for
/// `[TraceEvent]`, so it works on [`crate::Simulation::trace`] and on a taken trace alike.
///
/// ```
/// use baton_sim::{SimConfig, Simulation, TraceExt};
/// use baton_demos::DemoId;
///
/// let mut sim = Simulation::new(SimConfig::new(DemoId::BlinkOne));
/// sim.run_until(5_100_000);
/// let trace = sim.trace();
/// // switch_to_output(False) then on, at main's and blink's turns (10 µs a turn).
/// assert_eq!(trace.pin("D1")[..3], [(20, false), (20, true), (250_010, false)]);
/// assert_eq!(trace.pin("D1").len(), 21);
/// assert_eq!(trace.prints(), [(5_000_020, "done".to_string())]);
/// ```
pub trait TraceExt {
    /// The level changes of the output pin named `pin` (`"D1"`, `"LED"`): `(t_us, level)`,
    /// in time order.
    ///
    /// # Panics
    /// If `pin` is not one of the board's pin names (a typo would otherwise pass as "no
    /// events").
    fn pin(&self, pin: &str) -> Vec<(u64, bool)>;

    /// Every line printed: `(t_us, text)`, in time order.
    fn prints(&self) -> Vec<(u64, String)>;

    /// The frames shown on the NeoPixel strip on `pin`: `(t_us, colours as set)`, in time
    /// order (the brightness is in the [`TraceEvent::Pixels`] event).
    ///
    /// ```
    /// use baton_sim::{SimConfig, Simulation, TraceExt};
    /// use baton_board::{neopixel::{Color, NeoPixel}, Board, Pin};
    ///
    /// let mut sim = Simulation::with_main(SimConfig::program(), |board| async move {
    ///     let mut strip = NeoPixel::new(board.neopixel(Pin::NeoPixel, 2)?, 2, 0.5, false);
    ///     strip.fill(0x00ff00);
    ///     strip.show();
    ///     Ok(())
    /// });
    /// sim.run_until(1_000);
    /// // The frame is on the wire 30 µs a pixel + 80 µs after its turn began (10 µs).
    /// assert_eq!(sim.trace().pixels("NEOPIXEL"), [(150, vec![Color::new(0, 255, 0); 2])]);
    /// ```
    ///
    /// # Panics
    /// If `pin` is not one of the board's pin names.
    fn pixels(&self, pin: &str) -> Vec<(u64, Vec<Color>)>;
}

#[track_caller]
fn pin_named(name: &str) -> Pin {
    name.parse().unwrap_or_else(|e| panic!("{e}"))
}

impl TraceExt for [TraceEvent] {
    #[track_caller]
    fn pin(&self, pin: &str) -> Vec<(u64, bool)> {
        let wanted = pin_named(pin);
        self.iter()
            .filter_map(|e| match e {
                TraceEvent::Pin { t_us, pin, value } if *pin == wanted => Some((*t_us, *value)),
                _ => None,
            })
            .collect()
    }

    fn prints(&self) -> Vec<(u64, String)> {
        self.iter()
            .filter_map(|e| match e {
                TraceEvent::Print { t_us, text } => Some((*t_us, text.clone())),
                _ => None,
            })
            .collect()
    }

    #[track_caller]
    fn pixels(&self, pin: &str) -> Vec<(u64, Vec<Color>)> {
        let wanted = pin_named(pin);
        self.iter()
            .filter_map(|e| match e {
                TraceEvent::Pixels { t_us, pin, colors, .. } if *pin == wanted => Some((*t_us, colors.clone())),
                _ => None,
            })
            .collect()
    }
}

/// A line of text at a time as one line of JSON, of the given `kind`: a print's
/// (`"print"`), or another kind of the same shape (Python mode's `"exception"`, a task's
/// uncaught exception as CircuitPython reports it: readers that don't know it skip it).
///
/// ```
/// assert_eq!(baton_sim::trace::text_json(7, "print", "a \"b\""), r#"{"t_us": 7, "kind": "print", "text": "a \"b\""}"#);
/// ```
pub fn text_json(t_us: u64, kind: &str, text: &str) -> String {
    format!(r#"{{"t_us": {t_us}, "kind": "{kind}", "text": {}}}"#, json::quoted(text))
}

/// A task state as the trace and the playground name it.
pub fn state_name(state: TaskState) -> &'static str {
    match state {
        TaskState::Ready => "ready",
        TaskState::Running => "running",
        TaskState::Sleeping { .. } => "sleeping",
        TaskState::Waiting => "waiting",
        TaskState::Done => "done",
        TaskState::Cancelled => "cancelled",
        TaskState::Failed => "failed",
    }
}

/// Writes events as JSON Lines.
pub fn to_jsonl<'a>(events: impl IntoIterator<Item = &'a TraceEvent>) -> String {
    let mut out = String::new();
    for e in events {
        out.push_str(&e.to_json());
        out.push('\n');
    }
    out
}
