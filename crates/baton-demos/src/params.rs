//! Demo parameters: the guide's values by default, settable by the host,
//! always validated.
//!
//! The same table drives the simulator's command line, the playground's
//! form and share links, and the firmware's configuration block, so a value
//! that one of them accepts, all of them accept.

use crate::DemoId;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use baton_board::console::PyFloat;
use baton_board::Pin;
use core::fmt;

/// A parameter's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    /// Seconds, or another decimal quantity.
    Float(f64),
    /// A whole number (a count of blinks, of pixels).
    Int(u32),
    /// A pin by the guide's name.
    Pin(Pin),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Float(v) => PyFloat(*v).fmt(f),
            Value::Int(v) => v.fmt(f),
            Value::Pin(p) => p.fmt(f),
        }
    }
}

/// What values a parameter takes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A decimal number in `min..=max` (`min_exclusive`: strictly above min).
    Float {
        /// Lowest value.
        min: f64,
        /// Whether `min` itself is excluded (an interval of 0 is not one).
        min_exclusive: bool,
        /// Highest value.
        max: f64,
        /// Unit shown next to the value.
        unit: &'static str,
    },
    /// A whole number in `min..=max`.
    Int {
        /// Lowest value.
        min: u32,
        /// Highest value.
        max: u32,
    },
    /// A pin name.
    Pin,
}

/// One parameter of a demo.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ParamSpec {
    /// The key used on command lines and in links (`interval1`).
    pub key: &'static str,
    /// What a person reads (`LED 1 interval`).
    pub label: &'static str,
    /// Allowed values.
    pub kind: Kind,
    /// The guide's value.
    pub default: Value,
}

impl ParamSpec {
    /// Parses and checks `text` for this parameter.
    pub fn parse(&self, text: &str) -> Result<Value, ParamError> {
        let text = text.trim();
        let bad = |reason: String| ParamError::BadValue { key: self.key, value: text.into(), reason };
        match self.kind {
            Kind::Float { min, min_exclusive, max, unit } => {
                let v = parse_decimal(text).ok_or_else(|| bad("not a number (up to 15 significant digits)".into()))?;
                let low = if min_exclusive { v <= min } else { v < min };
                if !v.is_finite() || low || v > max {
                    let lower = if min_exclusive { "above" } else { "at least" };
                    return Err(bad(alloc::format!(
                        "must be {lower} {} and at most {} {unit}",
                        PyFloat(min),
                        PyFloat(max)
                    )));
                }
                Ok(Value::Float(v))
            }
            Kind::Int { min, max } => {
                let v: u32 = text.parse().map_err(|_| bad("not a whole number".into()))?;
                if v < min || v > max {
                    return Err(bad(alloc::format!("must be from {min} to {max}")));
                }
                Ok(Value::Int(v))
            }
            Kind::Pin => text.parse().map(Value::Pin).map_err(|e: baton_board::board::UnknownPin| bad(e.to_string())),
        }
    }
}

/// A parameter problem, said so that a person can fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamError {
    /// The demo has no such parameter.
    UnknownKey {
        /// The demo.
        demo: &'static str,
        /// The key given.
        key: String,
        /// The keys it has.
        known: Vec<&'static str>,
    },
    /// The value is not valid for the parameter.
    BadValue {
        /// The parameter.
        key: &'static str,
        /// The value given.
        value: String,
        /// Why not.
        reason: String,
    },
    /// Two parameters name the same pin.
    PinReused {
        /// The pin.
        pin: Pin,
        /// The first parameter using it.
        first: &'static str,
        /// The second.
        second: &'static str,
    },
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamError::UnknownKey { demo, key, known } => {
                write!(f, "{demo} has no parameter {key:?} (it has: {})", known.join(", "))
            }
            ParamError::BadValue { key, value, reason } => write!(f, "{key}={value:?}: {reason}"),
            ParamError::PinReused { pin, first, second } => {
                write!(f, "pin {pin} is used by both {first} and {second}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_decimal;
    use alloc::format;
    use proptest::prelude::*;

    #[test]
    fn the_forms_people_type() {
        for (text, want) in [("0.25", 0.25), ("-1.5e-3", -1.5e-3), (".5", 0.5), ("3.", 3.0), ("+2", 2.0), ("0", 0.0)] {
            assert_eq!(parse_decimal(text), Some(want), "{text}");
        }
        for text in ["", ".", "-", "1e", "1e+", "0x10", "1,5", "inf", "nan", "1.2.3", "1234567890123456", "1e400"] {
            assert_eq!(parse_decimal(text), None, "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_str_parse_bit_for_bit(
            negative in any::<bool>(),
            int in "[0-9]{0,8}",
            frac in "[0-9]{0,7}",
            exp in proptest::option::of(-22i32..=22),
        ) {
            let int = if int.is_empty() && frac.is_empty() { "0".into() } else { int };
            let mut text = format!("{}{int}.{frac}", if negative { "-" } else { "" });
            if let Some(e) = exp {
                text.push_str(&format!("e{e}"));
            }
            let ours = parse_decimal(&text);
            let std: f64 = text.parse().unwrap();
            let digits = int.trim_start_matches('0').len() + frac.len();
            let power = frac.len() as i32 + exp.unwrap_or(0).abs();
            // Always accepted within the documented range (≤ 15 digits, a
            // power of ten up to 22); whenever accepted, exact.
            if (digits <= 15 && power <= 22) || ours.is_some() {
                let ours = ours.expect("15 digits or fewer are accepted");
                prop_assert_eq!(ours.to_bits(), std.to_bits(), "{}", text);
            }
        }
    }
}

/// A demo's parameter values, in the order of its [`ParamSpec`]s.
///
/// ```
/// use baton_demos::{DemoId, Params};
/// let mut p = Params::defaults(DemoId::BlinkTwo);
/// assert_eq!(p.float("interval2"), 0.1);
/// p.set("interval2", "0.3").unwrap();
/// assert!(p.set("interval2", "0").is_err());      // an interval of 0 is not one
/// assert!(p.set("led2", "D1").is_err());          // D1 is led1's
/// assert!(p.set("colour", "red").is_err());       // no such parameter
/// assert_eq!(p.float("interval2"), 0.3);          // failures changed nothing
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    demo: DemoId,
    values: Vec<Value>,
}

impl Params {
    /// The guide's values for `demo`.
    pub fn defaults(demo: DemoId) -> Self {
        Params { demo, values: demo.info().params.iter().map(|s| s.default).collect() }
    }

    /// The demo these are for.
    pub fn demo(&self) -> DemoId {
        self.demo
    }

    fn index(&self, key: &str) -> Result<usize, ParamError> {
        let specs = self.demo.info().params;
        specs.iter().position(|s| s.key == key).ok_or_else(|| ParamError::UnknownKey {
            demo: self.demo.id(),
            key: key.into(),
            known: specs.iter().map(|s| s.key).collect(),
        })
    }

    /// Sets `key` from text. On any error nothing changes.
    pub fn set(&mut self, key: &str, text: &str) -> Result<(), ParamError> {
        self.set_all([(key, text)])
    }

    /// Sets several `key=value` pairs; all or nothing. Pins are checked
    /// against the final values only, so two pins can be swapped in one call.
    ///
    /// ```
    /// use baton_demos::{DemoId, Params};
    /// let mut p = Params::defaults(DemoId::BlinkTwo);
    /// p.set_all([("led1", "D2"), ("led2", "D1")]).unwrap();
    /// assert_eq!(p.pin("led1").to_string(), "D2");
    /// ```
    pub fn set_all<'a>(&mut self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<(), ParamError> {
        let mut next = self.clone();
        for (key, text) in pairs {
            let i = next.index(key)?;
            next.values[i] = self.demo.info().params[i].parse(text)?;
        }
        next.check_pins()?;
        *self = next;
        Ok(())
    }

    fn check_pins(&self) -> Result<(), ParamError> {
        let specs = self.demo.info().params;
        for (i, a) in self.values.iter().enumerate() {
            for (j, b) in self.values.iter().enumerate().skip(i + 1) {
                if let (Value::Pin(pa), Value::Pin(pb)) = (a, b) {
                    if pa == pb {
                        return Err(ParamError::PinReused { pin: *pa, first: specs[i].key, second: specs[j].key });
                    }
                }
            }
        }
        Ok(())
    }

    /// The value of `key`.
    ///
    /// # Panics
    /// If the demo has no such key: a mistake in a demo, not user input.
    pub fn get(&self, key: &str) -> Value {
        match self.index(key) {
            Ok(i) => self.values[i],
            Err(e) => panic!("{e}"),
        }
    }

    /// A decimal parameter.
    pub fn float(&self, key: &str) -> f64 {
        match self.get(key) {
            Value::Float(v) => v,
            other => panic!("parameter {key} is {other}, not a number"),
        }
    }

    /// A whole-number parameter.
    pub fn int(&self, key: &str) -> u32 {
        match self.get(key) {
            Value::Int(v) => v,
            other => panic!("parameter {key} is {other}, not a whole number"),
        }
    }

    /// A pin parameter.
    pub fn pin(&self, key: &str) -> Pin {
        match self.get(key) {
            Value::Pin(p) => p,
            other => panic!("parameter {key} is {other}, not a pin"),
        }
    }

    /// `(spec, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static ParamSpec, Value)> + '_ {
        self.demo.info().params.iter().zip(self.values.iter().copied())
    }

    /// The parameters that differ from the guide's, as `(key, text)`.
    pub fn changed(&self) -> Vec<(&'static str, String)> {
        self.iter().filter(|(s, v)| s.default != *v).map(|(s, v)| (s.key, v.to_string())).collect()
    }
}

/// Exact powers of ten: every one up to 10^22 is a double exactly.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
    1e21, 1e22,
];

/// A number for people and links: Python's repr without a trailing `.0` (`2`, `0.25`,
/// `1e+16`), so that [`parse_decimal`] reads back the same `f64`. Why not `Display`: the
/// playground carries no core float printing (see `baton_board::console::PyFloat`).
///
/// ```
/// use baton_demos::params::format_decimal;
/// assert_eq!(format_decimal(2.0), "2");
/// assert_eq!(format_decimal(0.1 + 0.2), "0.30000000000000004");
/// ```
pub fn format_decimal(v: f64) -> String {
    let mut text = PyFloat(v).to_string();
    if text.ends_with(".0") {
        text.truncate(text.len() - 2);
    }
    text
}

/// Parses a decimal number (`0.25`, `-1.5e-3`, `.5`, `3.`) of at most 15
/// significant digits, to the same `f64` as `str::parse`.
///
/// Why not `str::parse`: its general algorithm (Eisel-Lemire with big
/// tables) costs the firmware ~15 KiB of flash, and parameters never need
/// more than a few digits. Why it is exact: the digits form an integer
/// `m < 10^15 < 2^53` and the power of ten `10^k`, `k ≤ 22`, is a double
/// exactly, so `m · 10^k` or `m / 10^k` is one correctly rounded operation —
/// the correctly rounded value `str::parse` returns. Anything else (more
/// digits, a larger exponent, `inf`, `nan`) is `None`.
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (number, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut significant = 0;
    for b in int.bytes().chain(frac.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        if mantissa > 0 || b != b'0' {
            significant += 1;
        }
        if significant > 15 {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(b - b'0');
    }
    let mut power = -(frac.len() as i64);
    if let Some(e) = exponent {
        let (sign, digits) = match e.as_bytes().first()? {
            b'-' => (-1, &e[1..]),
            b'+' => (1, &e[1..]),
            _ => (1, e),
        };
        if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        power += sign * digits.parse::<i64>().ok()?;
    }
    let value = if mantissa == 0 {
        0.0
    } else {
        // Bring the power of ten into the table without changing the value:
        // `0.000010e-17` is 1e-22 (trailing zeros move into the exponent),
        // `1e23` is 10·10^22 (the mantissa takes what the table can't, while
        // it stays an exact integer below 2^53).
        while power < -22 && mantissa % 10 == 0 {
            mantissa /= 10;
            power += 1;
        }
        while power > 22 && mantissa <= (1 << 53) / 10 {
            mantissa *= 10;
            power -= 1;
        }
        let m = mantissa as f64;
        let k = usize::try_from(power.unsigned_abs()).ok().filter(|k| *k < POW10.len())?;
        if power >= 0 {
            m * POW10[k]
        } else {
            m / POW10[k]
        }
    };
    Some(if negative { -value } else { value })
}

/// Spec helpers for the demo modules.
pub(crate) const fn seconds(key: &'static str, label: &'static str, default: f64) -> ParamSpec {
    ParamSpec {
        key,
        label,
        kind: Kind::Float { min: 0.0, min_exclusive: true, max: 60.0, unit: "s" },
        default: Value::Float(default),
    }
}

pub(crate) const fn count(key: &'static str, label: &'static str, default: u32, max: u32) -> ParamSpec {
    ParamSpec { key, label, kind: Kind::Int { min: 1, max }, default: Value::Int(default) }
}

pub(crate) const fn pin(key: &'static str, label: &'static str, default: Pin) -> ParamSpec {
    ParamSpec { key, label, kind: Kind::Pin, default: Value::Pin(default) }
}
