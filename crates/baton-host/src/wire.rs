//! The worker's messages to the page, and the page's inputs to the worker: written and read
//! here, once, by both sides.
//!
//! The worker's modules (baton-py's `PySim`, baton-demo-sim's `DemoSim`) *write* with
//! [`turn`], [`Part::line`] and [`pwm_line`] (and the simulator's own
//! [`TraceEvent::to_json`]); `crates/baton-py/js/worker.mjs` parses the trace's JSON Lines into
//! objects, off the page's thread, and posts them. The page *reads* them with [`decode`], and
//! writes its presses, readings and turns into the worker's input slots with [`slot`].
//!
//! The worker runs code from links, which is untrusted. The runner alone talks to the page
//! (`worker.mjs` closes `postMessage` to the program), but the page does not count on it: a
//! message it does not know, or one with a field missing or of the wrong kind, is refused
//! with its reason, never half-read.
//!
//! [`decode`] reads any [`Wire`] value: a JavaScript object in the page
//! (`src/components/worker.rs`), a plain tree or parsed JSON in the tests. Nothing here
//! formats an `f64` with `{}`: core's float printing would be the page's largest piece of
//! code for lines that should never be seen.

use crate::int;
use baton::TaskState;
use baton_board::neopixel::Color;
use baton_board::Pin;
use baton_sim::inputs::{Input, LevelEvent, MAX_STEPS};
use baton_sim::{InputEvent, TraceEvent};

/// What the worker says (its messages, as [`decode`] reads them).
#[derive(Clone, Debug, PartialEq)]
pub enum WorkerMsg {
    /// The interpreter is loaded; the program starts.
    Ready,
    /// A task was created: its Python id, its Baton id and its name.
    Spawn {
        /// Python's id of the task.
        id: u32,
        /// Baton's id of the task (the turns').
        task: u64,
        /// Its name (the coroutine's).
        name: String,
    },
    /// What happened since the last message.
    Trace {
        /// The trace's events (docs/SIMULATOR.md), read by the worker from its JSON Lines.
        events: Vec<TraceEvent>,
        /// Events the page could not read (a bug: counted rather than shown).
        bad: usize,
        /// A `PWMOut`'s duty cycle set (`pwm` events, which [`TraceEvent`] has no kind for).
        pwm: Vec<Pwm>,
        /// New board parts, one per line ([`Part::line`]).
        parts: String,
        /// Presses, releases, readings and turns as the worker scheduled them (for the
        /// recording).
        inputs: Vec<Input>,
        /// The turns taken, [`TURN_FIELDS`] numbers each ([`turn`], read back by
        /// [`Turn::read`]).
        turns: Vec<f64>,
    },
    /// The program ended, at this virtual time (µs) if the worker said.
    Done {
        /// When it ended.
        at_us: Option<u64>,
    },
    /// The program stopped with an error (or could not start).
    Error {
        /// `code.py line N: Type: message` (a Rust demo's: why it stopped).
        text: String,
        /// The worker's virtual time then, µs, if it had one.
        at_us: Option<u64>,
    },
}

/// How many numbers a turn takes in a `trace` message's `turns`.
pub const TURN_FIELDS: usize = 5;

/// One turn as `take_turns` gives it: start µs, end µs, Baton task id, state code
/// ([`state_code`]), and the µs a sleeper sleeps until (else -1). Plain numbers: the page
/// reads them out of one `Float64Array`, which crosses from the worker without a copy (a
/// polling program takes 100 000 turns a virtual second).
pub fn turn(start_us: u64, end_us: u64, task: u64, state: TaskState) -> [f64; TURN_FIELDS] {
    let until = match state {
        TaskState::Sleeping { until } => until.as_micros() as f64,
        _ => -1.0,
    };
    [start_us as f64, end_us as f64, task as f64, f64::from(state_code(state)), until]
}

/// A task state as a number, for [`turn`]: 0 ready, 1 running, 2 sleeping, 3 waiting, 4 done,
/// 5 cancelled, 6 failed.
pub fn state_code(state: TaskState) -> u8 {
    match state {
        TaskState::Ready => 0,
        TaskState::Running => 1,
        TaskState::Sleeping { .. } => 2,
        TaskState::Waiting => 3,
        TaskState::Done => 4,
        TaskState::Cancelled => 5,
        TaskState::Failed => 6,
    }
}

/// One turn, read back from its [`TURN_FIELDS`] numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Turn {
    /// When it started, µs.
    pub start_us: u64,
    /// When it ended (or, *running*, how far it has got), µs.
    pub end_us: u64,
    /// Baton's id of the task.
    pub task: u64,
    /// The task's state after the turn.
    pub state: TaskState,
}

impl Turn {
    /// Reads the numbers [`turn`] wrote (a negative number reads as 0); `None` for a state
    /// code that is not one.
    pub fn read(n: &[f64; TURN_FIELDS]) -> Option<Turn> {
        let [start, end, task, code, until] = *n;
        let state = match code as u8 {
            0 => TaskState::Ready,
            1 => TaskState::Running,
            2 => TaskState::Sleeping { until: baton::Instant::from_micros(until.max(0.0) as u64) },
            3 => TaskState::Waiting,
            4 => TaskState::Done,
            5 => TaskState::Cancelled,
            6 => TaskState::Failed,
            _ => return None,
        };
        Some(Turn { start_us: start.max(0.0) as u64, end_us: end.max(0.0) as u64, task: task.max(0.0) as u64, state })
    }
}

/// A part of the board that the program created, for the page to draw: one line of a
/// `trace` message's `parts`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// An output pin: an LED (`led D1`).
    Led(Pin),
    /// An input pin (`digitalio`, `keypad`, `countio`): a button (`button D3`).
    Button(Pin),
    /// A NeoPixel strip and its length (`pixels A0 24`).
    Pixels(Pin, usize),
    /// A `pwmio.PWMOut`: an LED whose brightness is its duty cycle (`pwm D5`).
    Pwm(Pin),
    /// An `analogio.AnalogIn`: a potentiometer (`analog A1`).
    Analog(Pin),
    /// A `rotaryio.IncrementalEncoder` on `pin_a`, `pin_b`: a knob, whose turns name `pin_a`
    /// (`encoder D8 D9`).
    Encoder(Pin, Pin),
}

impl Part {
    /// The part as its line.
    pub fn line(self) -> String {
        match self {
            Part::Led(pin) => format!("led {pin}"),
            Part::Button(pin) => format!("button {pin}"),
            Part::Pixels(pin, n) => format!("pixels {pin} {n}"),
            Part::Pwm(pin) => format!("pwm {pin}"),
            Part::Analog(pin) => format!("analog {pin}"),
            Part::Encoder(a, b) => format!("encoder {a} {b}"),
        }
    }

    /// Reads one line; `None` for a line that is not a part (the page skips it).
    pub fn parse(line: &str) -> Option<Part> {
        let mut words = line.split_whitespace();
        let kind = words.next()?;
        let pin: Pin = words.next()?.parse().ok()?;
        match kind {
            "led" => Some(Part::Led(pin)),
            "button" => Some(Part::Button(pin)),
            "pixels" => Some(Part::Pixels(pin, words.next()?.parse().ok()?)),
            "pwm" => Some(Part::Pwm(pin)),
            "analog" => Some(Part::Analog(pin)),
            "encoder" => Some(Part::Encoder(pin, words.next()?.parse().ok()?)),
            _ => None,
        }
    }
}

/// A `PWMOut`'s duty cycle from a time on (a `pwm` trace event; its frequency does not show).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pwm {
    /// When, µs.
    pub t_us: u64,
    /// The pin.
    pub pin: Pin,
    /// The duty cycle, 0–65535.
    pub duty: u16,
}

/// A `pwm` trace line, as the judge records it (its fields in the judge's order; the
/// frequency in whole Hz): an event [`TraceEvent`] has no kind for.
pub fn pwm_line(t_us: u64, pin: Pin, duty_cycle: u16, frequency: f64) -> String {
    format!(
        r#"{{"t_us": {t_us}, "kind": "pwm", "pin": "{pin}", "duty_cycle": {duty_cycle}, "frequency": {}}}"#,
        frequency as i64
    )
}

/// An input slot's code (the worker's shared memory, `worker.mjs`): a release.
pub const SLOT_RELEASED: u8 = 0;
/// An input slot's code: a press.
pub const SLOT_PRESSED: u8 = 1;
/// An input slot's code: a potentiometer's reading (its value 0–65535).
pub const SLOT_ANALOG: u8 = 2;
/// An input slot's code: a knob's turn (its value the detents turned).
pub const SLOT_TURN: u8 = 3;

/// An input from the page as the worker's input slot holds it: the pin, the code
/// ([`SLOT_PRESSED`]…) and the value (a reading or the detents turned; 0 for a press). Its
/// time is not sent: the worker schedules it at its own next microsecond.
pub fn slot(input: &Input) -> (Pin, u8, i32) {
    match *input {
        Input::Button(e) => (e.pin, if e.pressed { SLOT_PRESSED } else { SLOT_RELEASED }, 0),
        Input::Analog(e) => (e.pin, SLOT_ANALOG, e.value),
        Input::Turn(e) => (e.pin, SLOT_TURN, e.value),
    }
}

/// An input the page replays (a link's recording), as a line of the input script the worker
/// starts with (docs/SIMULATOR.md; read by `baton_sim::inputs::parse_inputs`), newline
/// included.
pub fn input_line(input: &Input) -> String {
    let (t_us, pin, tail) = match *input {
        Input::Button(e) => (e.t_us, e.pin, if e.pressed { "\"press\"".into() } else { "\"release\"".into() }),
        Input::Analog(e) => (e.t_us, e.pin, format!("\"analog\", \"value\": {}", int(e.value))),
        Input::Turn(e) => (e.t_us, e.pin, format!("\"turn\", \"steps\": {}", int(e.value))),
    };
    // The ms to the µs, as exact decimals.
    let (ms, us) = (t_us / 1000, t_us % 1000);
    format!("{{\"t_ms\": {ms}.{us:03}, \"pin\": \"{pin}\", \"action\": {tail}}}\n")
}

/// One value of a message, as the page sees it.
pub trait Wire: Sized {
    /// A field of an object (`None`: no such field, or `undefined`).
    fn field(&self, key: &str) -> Option<Self>;
    /// The value as a string, if it is one.
    fn string(&self) -> Option<String>;
    /// The value as a number, if it is one.
    fn number(&self) -> Option<f64>;
    /// The value as a bool, if it is one.
    fn boolean(&self) -> Option<bool>;
    /// The items of an array, if it is one.
    fn items(&self) -> Option<Vec<Self>>;
    /// The numbers of a Float64Array, if it is one.
    fn floats(&self) -> Option<Vec<f64>>;
}

/// The longest task name or error text the page takes, in bytes: a runaway string is not a
/// message the runner sends.
const MAX_TEXT: usize = 64 * 1024;

/// Reads a worker message, or says why it is refused.
pub fn decode<W: Wire>(msg: &W) -> Result<WorkerMsg, String> {
    let kind = msg.field("type").and_then(|t| t.string()).ok_or("a message without a type")?;
    Ok(match kind.as_str() {
        "ready" => WorkerMsg::Ready,
        "spawn" => WorkerMsg::Spawn {
            id: whole(msg, "id", u32::MAX.into())? as u32,
            task: whole(msg, "task", MAX_SAFE)? as u64,
            name: text(msg, "name")?,
        },
        "trace" => {
            let mut inputs = Vec::new();
            for item in list(msg, "inputs")? {
                inputs.push(input(&item)?);
            }
            let turns = msg.field("turns").and_then(|t| t.floats()).ok_or("`turns` is not a Float64Array")?;
            if turns.len() % TURN_FIELDS != 0 {
                return Err(format!("`turns` has {} numbers, not {TURN_FIELDS} a turn", turns.len()));
            }
            // An event of a kind the page does not draw is counted (the trace's format may
            // grow); one that is not even an object with a time is refused.
            let (mut events, mut pwm, mut bad) = (Vec::new(), Vec::new(), 0);
            for e in list(msg, "events")? {
                let t_us = micros(&e, "t_us").map_err(|why| format!("an event: {why}"))?;
                let kind = e.field("kind").and_then(|k| k.string()).unwrap_or_default();
                let pin = || e.field("pin")?.string()?.parse::<Pin>().ok();
                if kind == "pwm" {
                    // A duty cycle, which TraceEvent has no kind for; its frequency does not show.
                    let duty = level(&e, "duty_cycle", 0, 65535).ok();
                    match (pin(), duty) {
                        (Some(pin), Some(duty)) => pwm.push(Pwm { t_us, pin, duty: duty as u16 }),
                        _ => bad += 1,
                    }
                    continue;
                }
                match event(&e, t_us, &kind, pin) {
                    Some(e) => events.push(e),
                    None => bad += 1,
                }
            }
            WorkerMsg::Trace { events, bad, pwm, parts: text(msg, "parts")?, inputs, turns }
        }
        "done" => WorkerMsg::Done { at_us: time(msg)? },
        "error" => WorkerMsg::Error { text: text(msg, "text")?, at_us: time(msg)? },
        other => return Err(format!("an unknown message `{}`", other.chars().take(40).collect::<String>())),
    })
}

/// The largest whole number a JavaScript number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// A whole number from 0 to `max`.
fn whole<W: Wire>(w: &W, key: &str, max: f64) -> Result<f64, String> {
    match w.field(key).and_then(|v| v.number()) {
        Some(n) if n.fract() == 0.0 && (0.0..=max).contains(&n) => Ok(n),
        _ => Err(format!("`{key}` is not a whole number from 0 to {}", max as u64)),
    }
}

/// A whole number from `min` to `max` (a reading, a turn, a duty cycle).
fn level<W: Wire>(w: &W, key: &str, min: i32, max: i32) -> Result<i32, String> {
    match w.field(key).and_then(|v| v.number()) {
        Some(n) if n.fract() == 0.0 && (f64::from(min)..=f64::from(max)).contains(&n) => Ok(n as i32),
        _ => Err(format!("`{key}` is not a whole number from {} to {}", int(min), int(max))),
    }
}

/// A string of at most [`MAX_TEXT`] bytes.
fn text<W: Wire>(w: &W, key: &str) -> Result<String, String> {
    match w.field(key).and_then(|v| v.string()) {
        Some(s) if s.len() <= MAX_TEXT => Ok(s),
        Some(s) => Err(format!("`{key}` is {} bytes long", s.len())),
        None => Err(format!("`{key}` is missing or not a string")),
    }
}

/// An array.
fn list<W: Wire>(w: &W, key: &str) -> Result<Vec<W>, String> {
    w.field(key).and_then(|v| v.items()).ok_or_else(|| format!("`{key}` is missing or not an array"))
}

/// A virtual time, µs: a number from 0 (a fraction of a µs is dropped).
fn micros<W: Wire>(w: &W, key: &str) -> Result<u64, String> {
    match w.field(key).and_then(|v| v.number()) {
        Some(n) if (0.0..=MAX_SAFE).contains(&n) => Ok(n as u64),
        // (Without the number: f64's Display, ~11 KB of float formatting, would be the
        // page's largest piece of code for a line that should never be seen.)
        _ => Err(format!("`{key}` is not a time (a number of µs from 0)")),
    }
}

/// The optional `t_us` of `done` and `error`.
fn time<W: Wire>(w: &W) -> Result<Option<u64>, String> {
    match w.field("t_us") {
        None => Ok(None),
        Some(_) => Ok(Some(micros(w, "t_us")?)),
    }
}

/// One scheduled input: a press or release, a reading or a turn.
fn input<W: Wire>(w: &W) -> Result<Input, String> {
    let t_us = micros(w, "t_us").map_err(|why| format!("an input: {why}"))?;
    let pin: Pin = w
        .field("pin")
        .and_then(|p| p.string())
        .and_then(|p| p.parse().ok())
        .ok_or("an input without a pin of the board")?;
    match w.field("action").and_then(|a| a.string()).as_deref() {
        None => {
            let pressed = w.field("pressed").and_then(|p| p.boolean()).ok_or("a press without `pressed`")?;
            Ok(Input::Button(InputEvent { t_us, pin, pressed }))
        }
        Some("analog") => Ok(Input::Analog(LevelEvent { t_us, pin, value: level(w, "value", 0, 65535)? })),
        Some("turn") => Ok(Input::Turn(LevelEvent { t_us, pin, value: level(w, "steps", -MAX_STEPS, MAX_STEPS)? })),
        Some(other) => Err(format!("an input of an unknown action `{}`", other.chars().take(40).collect::<String>())),
    }
}

/// Reads one trace event, as the worker parsed it from its JSON line (docs/SIMULATOR.md); an
/// `exception` line reads as a print, which is what the console shows.
fn event<W: Wire>(e: &W, t_us: u64, kind: &str, pin: impl Fn() -> Option<Pin>) -> Option<TraceEvent> {
    Some(match kind {
        "pin" => TraceEvent::Pin { t_us, pin: pin()?, value: e.field("value")?.boolean()? },
        "input" => TraceEvent::Input { t_us, pin: pin()?, value: e.field("value")?.boolean()? },
        "print" | "exception" => TraceEvent::Print { t_us, text: e.field("text")?.string()? },
        "pixels" => {
            let mut colors = Vec::new();
            for c in e.field("colors")?.items()? {
                let rgb = u32::from_str_radix(&c.string()?, 16).ok()?;
                colors.push(Color { r: (rgb >> 16) as u8, g: (rgb >> 8) as u8, b: rgb as u8 });
            }
            TraceEvent::Pixels { t_us, pin: pin()?, brightness: e.field("brightness")?.number()? as f32, colors }
        }
        _ => return None,
    })
}

mod js {
    use super::Wire;
    use wasm_bindgen::{JsCast, JsValue};

    /// A worker message's values, read through js-sys (see `crates/baton-py/js/worker.mjs`).
    impl Wire for JsValue {
        fn field(&self, key: &str) -> Option<JsValue> {
            if !self.is_object() {
                return None;
            }
            js_sys::Reflect::get(self, &JsValue::from_str(key)).ok().filter(|v| !v.is_undefined())
        }
        fn string(&self) -> Option<String> {
            self.as_string()
        }
        fn number(&self) -> Option<f64> {
            self.as_f64()
        }
        fn boolean(&self) -> Option<bool> {
            self.as_bool()
        }
        fn items(&self) -> Option<Vec<JsValue>> {
            js_sys::Array::is_array(self).then(|| js_sys::Array::from(self).to_vec())
        }
        fn floats(&self) -> Option<Vec<f64>> {
            self.is_instance_of::<js_sys::Float64Array>().then(|| js_sys::Float64Array::from(self.clone()).to_vec())
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
