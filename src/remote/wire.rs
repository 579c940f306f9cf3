//! The worker's messages as the page reads them, checked field by field.
//!
//! The worker runs code from links, which is untrusted. The runner alone talks to the page
//! (`crates/baton-py/js/worker.mjs` closes `postMessage` to the program), but the page does not
//! count on it: a message it does not know, or one with a field missing or of the wrong kind,
//! is refused with its reason, never half-read. Only [`Remote`](super::Remote) hears of the
//! worker's messages, so even a well-formed forgery could not change a setting or a link.
//!
//! [`decode`] reads any [`Wire`] value: a JavaScript object in the page
//! (`components::worker`), a plain tree in the tests.

use super::{Pwm, WorkerMsg, TURN_FIELDS};
use crate::view::int;
use baton_board::neopixel::Color;
use baton_board::Pin;
use baton_sim::inputs::{Input, LevelEvent, MAX_STEPS};
use baton_sim::{InputEvent, TraceEvent};

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A message as a tree.
    #[derive(Clone, Debug)]
    enum V {
        Num(f64),
        Str(&'static str),
        Bool(bool),
        List(Vec<V>),
        Floats(Vec<f64>),
        Obj(Vec<(&'static str, V)>),
    }

    impl Wire for V {
        fn field(&self, key: &str) -> Option<V> {
            match self {
                V::Obj(fields) => fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()),
                _ => None,
            }
        }
        fn string(&self) -> Option<String> {
            if let V::Str(s) = self {
                Some((*s).to_owned())
            } else {
                None
            }
        }
        fn number(&self) -> Option<f64> {
            if let V::Num(n) = self {
                Some(*n)
            } else {
                None
            }
        }
        fn boolean(&self) -> Option<bool> {
            if let V::Bool(b) = self {
                Some(*b)
            } else {
                None
            }
        }
        fn items(&self) -> Option<Vec<V>> {
            if let V::List(l) = self {
                Some(l.clone())
            } else {
                None
            }
        }
        fn floats(&self) -> Option<Vec<f64>> {
            if let V::Floats(f) = self {
                Some(f.clone())
            } else {
                None
            }
        }
    }

    fn trace(fields: Vec<(&'static str, V)>) -> V {
        let mut all = vec![
            ("type", V::Str("trace")),
            ("events", V::List(vec![])),
            ("parts", V::Str("")),
            ("inputs", V::List(vec![])),
            ("turns", V::Floats(vec![])),
        ];
        for (k, v) in fields {
            all.retain(|(key, _)| *key != k);
            all.push((k, v));
        }
        V::Obj(all)
    }

    #[test]
    fn the_runners_messages_are_read() {
        assert_eq!(decode(&V::Obj(vec![("type", V::Str("ready"))])), Ok(WorkerMsg::Ready));
        let spawn = V::Obj(vec![
            ("type", V::Str("spawn")),
            ("id", V::Num(3.0)),
            ("task", V::Num(4.0)),
            ("name", V::Str("blink")),
        ]);
        assert_eq!(decode(&spawn), Ok(WorkerMsg::Spawn { id: 3, task: 4, name: "blink".into() }));
        let msg = trace(vec![
            (
                "events",
                V::List(vec![
                    V::Obj(vec![
                        ("t_us", V::Num(10.0)),
                        ("kind", V::Str("pin")),
                        ("pin", V::Str("D1")),
                        ("value", V::Bool(true)),
                    ]),
                    V::Obj(vec![
                        ("t_us", V::Num(20.0)),
                        ("kind", V::Str("pwm")),
                        ("pin", V::Str("D5")),
                        ("duty_cycle", V::Num(32768.0)),
                        ("frequency", V::Num(500.0)),
                    ]),
                    // A duty cycle out of range, a kind the page does not know: counted.
                    V::Obj(vec![
                        ("t_us", V::Num(21.0)),
                        ("kind", V::Str("pwm")),
                        ("pin", V::Str("D5")),
                        ("duty_cycle", V::Num(70000.0)),
                    ]),
                    V::Obj(vec![("t_us", V::Num(22.0)), ("kind", V::Str("servo"))]),
                ]),
            ),
            (
                "inputs",
                V::List(vec![
                    V::Obj(vec![("t_us", V::Num(11.0)), ("pin", V::Str("D3")), ("pressed", V::Bool(true))]),
                    V::Obj(vec![
                        ("t_us", V::Num(12.0)),
                        ("pin", V::Str("A1")),
                        ("action", V::Str("analog")),
                        ("value", V::Num(9.0)),
                    ]),
                    V::Obj(vec![
                        ("t_us", V::Num(13.0)),
                        ("pin", V::Str("D8")),
                        ("action", V::Str("turn")),
                        ("steps", V::Num(-2.0)),
                    ]),
                ]),
            ),
            ("turns", V::Floats(vec![0.0, 10.0, 1.0, 2.0, -1.0])),
            ("parts", V::Str("led D1")),
        ]);
        let Ok(WorkerMsg::Trace { events, bad, pwm, parts, inputs, turns }) = decode(&msg) else {
            panic!("{:?}", decode(&msg))
        };
        assert_eq!(events, [TraceEvent::Pin { t_us: 10, pin: Pin::D(1), value: true }]);
        assert_eq!(pwm, [Pwm { t_us: 20, pin: Pin::D(5), duty: 32768 }]);
        assert_eq!(bad, 2, "the duty cycle out of range and the unknown kind are counted");
        assert_eq!(parts, "led D1");
        assert_eq!(
            inputs,
            [
                Input::Button(InputEvent { t_us: 11, pin: Pin::D(3), pressed: true }),
                Input::Analog(LevelEvent { t_us: 12, pin: Pin::A(1), value: 9 }),
                Input::Turn(LevelEvent { t_us: 13, pin: Pin::D(8), value: -2 }),
            ]
        );
        assert_eq!(turns.len(), 5);
        let error = V::Obj(vec![
            ("type", V::Str("error")),
            ("text", V::Str("code.py line 2: ImportError: x")),
            ("t_us", V::Num(40.0)),
        ]);
        assert_eq!(
            decode(&error),
            Ok(WorkerMsg::Error { text: "code.py line 2: ImportError: x".into(), at_us: Some(40) })
        );
        assert_eq!(decode(&V::Obj(vec![("type", V::Str("done"))])), Ok(WorkerMsg::Done { at_us: None }));
    }

    #[test]
    fn unknown_and_malformed_messages_are_refused_with_their_reason() {
        let refused = |msg: V, why: &str| {
            let got = decode(&msg);
            assert!(matches!(&got, Err(e) if e.contains(why)), "{msg:?}: {got:?}, not an error with `{why}`");
        };
        refused(V::Obj(vec![]), "without a type");
        refused(V::Str("ready"), "without a type");
        refused(V::Obj(vec![("type", V::Num(1.0))]), "without a type");
        refused(V::Obj(vec![("type", V::Str("setting")), ("demo", V::Str("x"))]), "unknown message `setting`");
        refused(V::Obj(vec![("type", V::Str("link"))]), "unknown message `link`");
        refused(
            V::Obj(vec![("type", V::Str("spawn")), ("id", V::Num(1.0)), ("task", V::Num(1.0))]),
            "`name` is missing",
        );
        refused(
            V::Obj(vec![("type", V::Str("spawn")), ("id", V::Num(-1.0)), ("task", V::Num(1.0)), ("name", V::Str("x"))]),
            "`id` is not a whole number from 0 to 4294967295",
        );
        refused(
            V::Obj(vec![("type", V::Str("spawn")), ("id", V::Num(1.5)), ("task", V::Num(1.0)), ("name", V::Str("x"))]),
            "`id` is not a whole number",
        );
        refused(V::Obj(vec![("type", V::Str("error"))]), "`text` is missing");
        refused(V::Obj(vec![("type", V::Str("error")), ("text", V::Num(3.0))]), "`text` is missing or not a string");
        for t in [V::Str("soon"), V::Num(f64::NAN), V::Num(-0.25), V::Num(f64::INFINITY), V::Num(3e16)] {
            refused(V::Obj(vec![("type", V::Str("done")), ("t_us", t)]), "`t_us` is not a time");
        }
        refused(trace(vec![("turns", V::List(vec![]))]), "`turns` is not a Float64Array");
        refused(trace(vec![("turns", V::Floats(vec![1.0, 2.0]))]), "`turns` has 2 numbers");
        refused(trace(vec![("events", V::Str("[]"))]), "`events` is missing or not an array");
        refused(trace(vec![("events", V::List(vec![V::Num(1.0)]))]), "an event: `t_us`");
        refused(trace(vec![("parts", V::Num(1.0))]), "`parts` is missing");
        refused(
            trace(vec![("inputs", V::List(vec![V::Obj(vec![("t_us", V::Num(1.0)), ("pin", V::Str("Z9"))])]))]),
            "a pin of the board",
        );
        refused(
            trace(vec![("inputs", V::List(vec![V::Obj(vec![("t_us", V::Num(1.0)), ("pin", V::Str("D3"))])]))]),
            "a press without `pressed`",
        );
        refused(
            trace(vec![(
                "inputs",
                V::List(vec![V::Obj(vec![("t_us", V::Num(1.0)), ("pin", V::Str("D3")), ("action", V::Str("wipe"))])]),
            )]),
            "unknown action `wipe`",
        );
        // A reading or a turn the worker could not have scheduled.
        let level = |action, key, n| {
            trace(vec![(
                "inputs",
                V::List(vec![V::Obj(vec![
                    ("t_us", V::Num(1.0)),
                    ("pin", V::Str("A1")),
                    ("action", V::Str(action)),
                    (key, V::Num(n)),
                ])]),
            )])
        };
        refused(level("analog", "value", 65536.0), "`value` is not a whole number from 0 to 65535");
        refused(level("analog", "value", 0.5), "`value` is not a whole number");
        refused(level("analog", "steps", 3.0), "`value` is not");
        refused(level("turn", "steps", 1e7), "`steps` is not a whole number from -1000000 to 1000000");
    }
}
