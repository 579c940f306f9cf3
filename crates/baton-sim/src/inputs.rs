//! Input scripts: button presses at virtual times, and switch bounce.
//!
//! A script is JSON Lines, one event a line, in any order:
//! `{"t_ms": 1200, "pin": "D3", "action": "press"}` (or `"release"`);
//! `t_ms` may have a fraction, for sub-millisecond bounce. Python mode's programs may also have
//! a potentiometer and a knob: `{"t_ms": 300, "pin": "A1", "action": "analog", "value": 40000}`
//! sets the analog pin A1 to 40000 (0–65535) from then on, and
//! `{"t_ms": 900, "pin": "D8", "action": "turn", "steps": -2}` turns the rotary encoder whose
//! `pin_a` is D8 two detents anticlockwise ([`parse_inputs`]). The Rust demos have neither:
//! [`parse_script`] reads those lines and leaves them out, as the judge does for a program
//! without an `AnalogIn` or an encoder.

use crate::json::{self, Value};
use baton_board::Pin;
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

/// A potentiometer's new reading, or a knob's turn, at a virtual time (Python mode's
/// `analogio.AnalogIn` and `rotaryio.IncrementalEncoder` read them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LevelEvent {
    /// When, in microseconds.
    pub t_us: u64,
    /// Which pin: the analog pin, or the encoder's `pin_a`.
    pub pin: Pin,
    /// The reading from then on (0–65535), or the detents turned (+ clockwise).
    pub value: i32,
}

/// What one line of a script does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// A button pressed or released.
    Button(InputEvent),
    /// `"action": "analog"`: a potentiometer set to `value`.
    Analog(LevelEvent),
    /// `"action": "turn"`: a knob turned by `steps` detents.
    Turn(LevelEvent),
}

/// A whole script: the presses and releases (sorted as [`parse_script`] sorts them), the analog
/// readings and the turns (in the script's order: Python mode looks at them all when it reads
/// one; sorting them would cost its wasm 1 KB, gzipped).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    /// Buttons pressed and released ([`parse_script`]'s order).
    pub presses: Vec<InputEvent>,
    /// Potentiometer readings: the latest at or before a time is the reading then (of two at
    /// one microsecond, the larger, as the judge sorts them).
    pub analog: Vec<LevelEvent>,
    /// Knob turns.
    pub turns: Vec<LevelEvent>,
}

/// The most detents one `turn` line may turn, either way.
pub const MAX_STEPS: i32 = 1_000_000;

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

/// Parses one line of a script (`None` for a blank line).
///
/// A line is a JSON object with the fields `t_ms` (a number), `pin` and `action` (strings), in
/// any order, and `value` (a whole number from 0 to 65535) for an `analog` action or `steps` (a
/// whole number) for a `turn`.
pub fn parse_line(text: &str) -> Result<Option<Input>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    // Indentation that JSON calls whitespace stays, for the reader to skip, so that an error's
    // column counts from the line's first character; any other (Unicode) space goes first.
    let text = text.trim_end();
    let indent = &text[..text.len() - text.trim_start().len()];
    let text = if indent.bytes().all(|b| matches!(b, b' ' | b'\t')) { text } else { text.trim_start() };
    let (mut t_ms, mut pin, mut action, mut value, mut steps) = (None, None, None, None, None);
    json::read_object(text, |key, v| {
        let (slot, want) = match key {
            "t_ms" => (&mut t_ms, "a number"),
            "pin" => (&mut pin, "a string"),
            "action" => (&mut action, "a string"),
            "value" => (&mut value, "a number"),
            "steps" => (&mut steps, "a number"),
            other => {
                return Err(format!(
                    "unknown field {}, expected t_ms, pin, action, value or steps",
                    json::quoted(other)
                ))
            }
        };
        let kind = v.kind();
        if kind != want {
            return Err(format!("{key} must be {want}, not {kind}"));
        }
        if slot.replace(v).is_some() {
            return Err(format!("duplicate field {key}"));
        }
        Ok(())
    })?;
    // The callback let only numbers into `t_ms`, `value` and `steps`, strings into the others.
    let missing = |name: &str| format!("missing field {name}");
    let Some(Value::Number(t_text)) = t_ms else { return Err(missing("t_ms")) };
    let Some(Value::String(pin)) = pin else { return Err(missing("pin")) };
    let Some(Value::String(action)) = action else { return Err(missing("action")) };
    let t_ms = decimal(t_text);
    if !(0.0..=MAX_T_MS).contains(&t_ms) {
        return Err(format!("t_ms must be from 0 to {} (about 11.5 days), not {t_text}", MAX_T_MS as u64));
    }
    let pin: Pin = pin.parse().map_err(|e: baton_board::board::UnknownPin| e.to_string())?;
    // The judge's `int(round(t_ms * 1000))`: the product in f64, and a half goes to the even
    // neighbour, as Python's `round` does (0.0145 ms is 14 µs, 0.0155 ms is 16 µs).
    let t_us = (t_ms * 1000.0).round_ties_even() as u64;
    // A field that belongs to another action is a mistake, not something to ignore.
    let only = |name: &str, field: &Option<Value>| match field {
        Some(_) => Err(format!("{name} belongs to {}, not to {}", owner(name), json::quoted(&action))),
        None => Ok(()),
    };
    let whole = |name: &str, field: Option<Value>, min: i32, max: i32, range: &str| {
        let Some(Value::Number(text)) = field else { return Err(missing(name)) };
        let v = decimal(text);
        if v.fract() != 0.0 || !(f64::from(min)..=f64::from(max)).contains(&v) {
            return Err(format!("{name} must be a whole number {range}, not {text}"));
        }
        Ok(v as i32)
    };
    Ok(Some(match action.as_str() {
        "press" | "release" => {
            only("value", &value)?;
            only("steps", &steps)?;
            Input::Button(InputEvent { t_us, pin, pressed: action == "press" })
        }
        "analog" => {
            only("steps", &steps)?;
            let value = whole("value", value, 0, 65535, "from 0 to 65535")?;
            Input::Analog(LevelEvent { t_us, pin, value })
        }
        "turn" => {
            only("value", &value)?;
            let range = format!("from -{MAX_STEPS} to {MAX_STEPS}");
            let steps = whole("steps", steps, -MAX_STEPS, MAX_STEPS, &range)?;
            Input::Turn(LevelEvent { t_us, pin, value: steps })
        }
        other => {
            return Err(format!(
                "action must be \"press\", \"release\", \"analog\" or \"turn\", not {}",
                json::quoted(other)
            ))
        }
    }))
}

/// The action a field belongs to, for an error message.
fn owner(field: &str) -> &'static str {
    if field == "value" {
        "\"analog\""
    } else {
        "\"turn\""
    }
}

/// A JSON number's value, rounded correctly as Python's `float()` rounds it (the judge reads
/// scripts with `json.loads`).
///
/// In the browser JavaScript's `parseFloat` reads it. Why not `str::parse`: its Eisel-Lemire
/// tables would be about 9 KB gzipped of each worker module (Python mode's, the blocking
/// demos'), which the browser already has. ECMAScript rounds correctly up to 20 significant
/// digits (`RoundMVResult`), more than the 17 that tell any two doubles apart; V8 beyond that
/// too. Both read all of JSON's grammar, which the reader has checked.
#[cfg(target_arch = "wasm32")]
fn decimal(text: &str) -> f64 {
    js_sys::parse_float(text)
}

/// A JSON number's value (see the browser's version above): `str::parse`, which rounds
/// correctly.
#[cfg(not(target_arch = "wasm32"))]
fn decimal(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// Parses a whole script's presses and releases (a Rust demo's inputs). The events come back
/// sorted as the judge sorts its `(t_us, pin, pressed)` tuples: by time, then by the pin's
/// name, then a release before a press. So a press and a release of one pin at the same
/// microsecond leave it pressed, whichever comes first in the file. `analog` and `turn` lines
/// are read (a mistake in one is an error) and left out: see [`parse_inputs`].
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
    parse_inputs(text).map(|s| s.presses)
}

/// Parses a whole script: presses and releases, analog readings and turns (Python mode's).
///
/// ```
/// use baton_sim::inputs::parse_inputs;
/// let s = parse_inputs("{\"t_ms\": 300, \"pin\": \"A1\", \"action\": \"analog\", \"value\": 40000}\n\
///                       {\"t_ms\": 900, \"pin\": \"D8\", \"action\": \"turn\", \"steps\": -2}").unwrap();
/// assert_eq!((s.analog[0].t_us, s.analog[0].value), (300_000, 40000));
/// assert_eq!((s.turns[0].t_us, s.turns[0].value), (900_000, -2));
/// assert!(s.presses.is_empty());
/// ```
pub fn parse_inputs(text: &str) -> Result<Script, InputError> {
    let mut script = Script::default();
    let mut count = 0;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if let Some(e) = parse_line(line).map_err(|message| InputError { line: line_no, message })? {
            if count == MAX_EVENTS {
                return Err(InputError { line: line_no, message: format!("more than {MAX_EVENTS} events") });
            }
            count += 1;
            match e {
                Input::Button(e) => script.presses.push(e),
                Input::Analog(e) => script.analog.push(e),
                Input::Turn(e) => script.turns.push(e),
            }
        }
    }
    script.presses.sort_by_cached_key(|e| (e.t_us, e.pin.to_string(), e.pressed));
    Ok(script)
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
