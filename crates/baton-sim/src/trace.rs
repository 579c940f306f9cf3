//! The trace: what happened on the virtual board, when (JSON Lines, as
//! `docs/SIMULATOR.md` defines it).

use baton::TaskState;
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
                write!(s, r#"{{"t_us": {t_us}, "kind": "print", "text": {}}}"#, json_string(text))
            }
            TraceEvent::Pixels { t_us, pin, brightness, colors } => {
                let _ = write!(
                    s,
                    r#"{{"t_us": {t_us}, "kind": "pixels", "pin": "{pin}", "brightness": {brightness}, "colors": ["#
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
                    json_string(name),
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

    /// Reads one line of a trace back (the playground receives Python mode's trace from its
    /// worker this way). An `"exception"` line (a task's uncaught exception, in Python mode)
    /// reads as a print: it is what the console shows.
    ///
    /// ```
    /// use baton_sim::TraceEvent;
    /// use baton_board::Pin;
    /// let e = TraceEvent::Pin { t_us: 250020, pin: Pin::D(1), value: true };
    /// assert_eq!(TraceEvent::from_json(&e.to_json()), Ok(e));
    /// assert!(TraceEvent::from_json(r#"{"t_us": 1, "kind": "nope"}"#).is_err());
    /// ```
    pub fn from_json(line: &str) -> Result<TraceEvent, String> {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
        let field = |key: &str| v.get(key).ok_or_else(|| format!("no {key:?} in {line}"));
        let uint = |key: &str| field(key)?.as_u64().ok_or_else(|| format!("{key:?} is not a whole number in {line}"));
        let text = |key: &str| field(key)?.as_str().ok_or_else(|| format!("{key:?} is not a string in {line}"));
        let flag = |key: &str| field(key)?.as_bool().ok_or_else(|| format!("{key:?} is not true/false in {line}"));
        let pin = || -> Result<Pin, String> { text("pin")?.parse::<Pin>().map_err(|e| e.to_string()) };
        let t_us = uint("t_us")?;
        Ok(match text("kind")? {
            "pin" => TraceEvent::Pin { t_us, pin: pin()?, value: flag("value")? },
            "input" => TraceEvent::Input { t_us, pin: pin()?, value: flag("value")? },
            "print" | "exception" => TraceEvent::Print { t_us, text: text("text")?.to_owned() },
            "pixels" => {
                let brightness = field("brightness")?.as_f64().ok_or("\"brightness\" is not a number")? as f32;
                let colors = field("colors")?
                    .as_array()
                    .ok_or("\"colors\" is not a list")?
                    .iter()
                    .map(|c| {
                        let hex = c.as_str().filter(|h| h.len() == 6).ok_or("a colour is not rrggbb")?;
                        let rgb = u32::from_str_radix(hex, 16).map_err(|_| "a colour is not rrggbb")?;
                        Ok(Color { r: (rgb >> 16) as u8, g: (rgb >> 8) as u8, b: rgb as u8 })
                    })
                    .collect::<Result<Vec<_>, &str>>()?;
                TraceEvent::Pixels { t_us, pin: pin()?, brightness, colors }
            }
            "task" => {
                let state = match text("state")? {
                    "ready" => TaskState::Ready,
                    "running" => TaskState::Running,
                    "sleeping" => TaskState::Sleeping { until: baton::Instant::from_micros(uint("until_us")?) },
                    "waiting" => TaskState::Waiting,
                    "done" => TaskState::Done,
                    "cancelled" => TaskState::Cancelled,
                    "failed" => TaskState::Failed,
                    other => return Err(format!("unknown task state {other:?}")),
                };
                TraceEvent::Task { t_us, end_us: uint("end_us")?, id: uint("id")?, name: text("name")?.into(), state }
            }
            other => return Err(format!("unknown kind {other:?}")),
        })
    }
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

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
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
