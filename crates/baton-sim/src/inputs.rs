//! Input scripts: button presses at virtual times, and switch bounce.
//!
//! A script is JSON Lines, one event a line, in any order:
//! `{"t_ms": 1200, "pin": "D3", "action": "press"}` (or `"release"`);
//! `t_ms` may have a fraction, for sub-millisecond bounce.

use baton_board::Pin;
use serde::Deserialize;
use std::fmt;

/// Input scripts longer than this many lines are refused.
pub const MAX_EVENTS: usize = 100_000;
/// The latest time an input may have: about 11.5 days of virtual time.
pub const MAX_T_MS: f64 = 1e9;

/// A button pressed or released at a virtual time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputEvent {
    /// When, in microseconds.
    pub t_us: u64,
    /// Which pin.
    pub pin: Pin,
    /// `true`: pressed (the pin reads low); `false`: released (high).
    pub pressed: bool,
}

/// A problem with an input script, naming the line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for InputError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    t_ms: f64,
    pin: String,
    action: String,
}

/// Parses one line of a script (`None` for a blank line).
pub fn parse_line(text: &str) -> Result<Option<InputEvent>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let line: Line = serde_json::from_str(text).map_err(|e| {
        // serde's messages end with "at line 1 column N": the column is
        // useful, the line is not (it's always 1 here).
        let msg = e.to_string();
        match msg.rsplit_once(" at line 1 column ") {
            Some((m, col)) => format!("{m} (column {col})"),
            None => msg,
        }
    })?;
    if !line.t_ms.is_finite() || line.t_ms < 0.0 || line.t_ms > MAX_T_MS {
        return Err(format!("t_ms must be a number from 0 to {MAX_T_MS}, not {}", line.t_ms));
    }
    let pin: Pin = line.pin.parse().map_err(|e: baton_board::board::UnknownPin| e.to_string())?;
    let pressed = match line.action.as_str() {
        "press" => true,
        "release" => false,
        other => return Err(format!("action must be \"press\" or \"release\", not {other:?}")),
    };
    // The judge's `int(round(t_ms * 1000))`: the product in f64, and a half goes to the even
    // neighbour, as Python's `round` does (0.0145 ms is 14 µs, 0.0155 ms is 16 µs).
    Ok(Some(InputEvent { t_us: (line.t_ms * 1000.0).round_ties_even() as u64, pin, pressed }))
}

/// Parses a whole script. The events come back sorted as the judge sorts its
/// `(t_us, pin, pressed)` tuples: by time, then by the pin's name, then a
/// release before a press. So a press and a release of one pin at the same
/// microsecond leave it pressed, whichever comes first in the file.
///
/// ```
/// use baton_sim::inputs::parse_script;
/// let events = parse_script("{\"t_ms\": 800, \"pin\": \"D4\", \"action\": \"press\"}\n\n\
///                            {\"t_ms\": 300.2, \"pin\": \"D3\", \"action\": \"release\"}").unwrap();
/// assert_eq!(events[0].t_us, 300_200);
/// let err = parse_script("{\"t_ms\": 1, \"pin\": \"D99\", \"action\": \"press\"}").unwrap_err();
/// assert_eq!(err.line, 1);
/// assert!(err.message.contains("D99"));
/// ```
pub fn parse_script(text: &str) -> Result<Vec<InputEvent>, InputError> {
    let mut events = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if let Some(e) = parse_line(line).map_err(|message| InputError { line: line_no, message })? {
            if events.len() == MAX_EVENTS {
                return Err(InputError { line: line_no, message: format!("more than {MAX_EVENTS} events") });
            }
            events.push(e);
        }
    }
    events.sort_by_cached_key(|e| (e.t_us, e.pin.to_string(), e.pressed));
    Ok(events)
}

/// Switch bounce: each press or release chatters `count` extra times over
/// `duration_us` before settling, as a mechanical switch does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounce {
    /// How long the contact chatters, in microseconds.
    pub duration_us: u64,
    /// How many extra times it goes back to the old level.
    pub count: u32,
}

impl Bounce {
    /// The level changes one press or release really makes: the first at
    /// `t_us`, then `count` returns to the old level and back, evenly spread
    /// over `duration_us`, ending at the new level.
    ///
    /// ```
    /// use baton_sim::inputs::Bounce;
    /// let b = Bounce { duration_us: 400, count: 1 };
    /// // pressed (low) at 0, bounces up at 200, settles low at 400
    /// assert_eq!(b.levels(0, false), vec![(0, false), (200, true), (400, false)]);
    /// ```
    pub fn levels(&self, t_us: u64, level: bool) -> Vec<(u64, bool)> {
        let steps = 2 * u64::from(self.count);
        let mut out = vec![(t_us, level)];
        if steps == 0 || self.duration_us == 0 {
            return out;
        }
        for k in 1..=steps {
            let back = k % 2 == 1;
            out.push((t_us + self.duration_us * k / steps, if back { !level } else { level }));
        }
        out
    }
}
