//! Share links: a run's demo, parameters, settings and recorded button presses in a short,
//! readable query string.
//!
//! ```text
//! ?v=1&demo=button-interval&interval=0.7&speed=2&cost=10&bounce=3000x3&rec=812.346:D3+,900.001:D3-
//! ```
//!
//! | key | value |
//! | --- | --- |
//! | `v` | the format's version, `1` (required, first) |
//! | `demo` | a demo id (required) |
//! | any parameter key of the demo | its value, as the simulator's `--param` takes it |
//! | `speed` | 0.1–100 (× real time); default 1 |
//! | `cost` | virtual µs charged for each task poll, 1–1 000 000; default 10 |
//! | `bounce` | `<µs>x<count>`: switch bounce on every button; absent: none |
//! | `rec` | recorded inputs separated by commas: `<ms>:<pin><+\|->` a button (`+` pressed, `-` released), `<ms>:<pin>=<reading>` a potentiometer set to 0–65535, `<ms>:<pin>~<detents>` a knob (by its `pin_a`) turned, `-` anticlockwise; the time has up to 3 decimals, so it is exact to the µs |
//! | `lang` | `python` for a Python-mode run (absent: the Rust demo) |
//! | `code` | with `lang=python`: the program, `d1.` then base64url (no padding) of its raw DEFLATE; at most [`MAX_CODE_BYTES`] once inflated |
//!
//! Only what differs from the defaults is written. [`decode`] refuses anything it does not
//! understand with an error that says what is wrong; it never panics.
//!
//! ```
//! use baton_playground::link::{decode, encode, Shared};
//! use baton_demos::DemoId;
//!
//! let mut shared = Shared::new(DemoId::ButtonInterval);
//! shared.params.set("interval", "0.7").unwrap();
//! let query = encode(&shared);
//! assert_eq!(query, "v=1&demo=button-interval&interval=0.7");
//! assert_eq!(decode(&query).unwrap().shared, shared);
//! assert!(decode("v=1&demo=nope").unwrap_err().to_string().contains("unknown demo"));
//! ```

mod base64url;

use baton_board::Pin;
use baton_demos::params::{format_decimal, parse_decimal};
use baton_demos::{DemoId, ParamError, Params};
use baton_host::int;
use baton_sim::inputs::{Input, LevelEvent, MAX_STEPS};
use baton_sim::simulation::{DEFAULT_POLL_COST_US, MAX_POLL_COST_US};
use baton_sim::{Bounce, InputEvent};
use litemap::LiteMap;
use std::fmt;

/// The link format's version.
pub const VERSION: &str = "1";
/// The longest query string accepted, in bytes (without code).
pub const MAX_LEN: usize = 4096;
/// The longest query string accepted with Python code in it, in bytes.
pub const MAX_LEN_WITH_CODE: usize = 32 * 1024;

/// The longest query string accepted, with or without Python code in it.
pub fn max_len(with_code: bool) -> usize {
    if with_code {
        MAX_LEN_WITH_CODE
    } else {
        MAX_LEN
    }
}
/// The most code a link carries, in bytes (before compression).
pub const MAX_CODE_BYTES: usize = 16 * 1024;
/// How `code` is encoded: the format's version, then raw DEFLATE in base64url.
pub const CODE_FORMAT: &str = "d1.";
/// The most recorded events accepted.
pub const MAX_EVENTS: usize = 2000;
/// The slowest speed (× real time).
pub const MIN_SPEED: f64 = 0.1;
/// The fastest speed (× real time).
pub const MAX_SPEED: f64 = 100.0;
/// The speed a page starts at.
pub const DEFAULT_SPEED: f64 = 1.0;
/// The smallest poll cost: with 0, a task that yields with `sleep(0)` would stop the clock.
pub const MIN_POLL_COST_US: u64 = 1;
/// The longest bounce accepted, in µs (one second).
pub const MAX_BOUNCE_US: u64 = 1_000_000;
/// The most bounces accepted per press or release.
pub const MAX_BOUNCE_COUNT: u32 = 100;
/// The latest recorded time accepted, in µs (the simulator's input-script limit).
pub const MAX_EVENT_US: u64 = 1_000_000_000_000;

/// The keys the link itself uses; no demo parameter may have one of these keys.
pub const RESERVED_KEYS: &[&str] = &["v", "demo", "speed", "cost", "bounce", "rec", "lang", "code"];

/// Everything a link carries: enough to replay a run exactly.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    /// The demo.
    pub demo: DemoId,
    /// Its parameters (for `demo`).
    pub params: Params,
    /// How fast virtual time runs, × real time.
    pub speed: f64,
    /// Virtual µs charged for each task poll.
    pub poll_cost_us: u64,
    /// Switch bounce on every button, or none.
    pub bounce: Option<Bounce>,
    /// Inputs to replay (presses and releases, readings, turns), in the order they were made.
    pub recording: Vec<Input>,
    /// Python mode's program (`code.py`), if the run is one; `demo` is then the guide's
    /// example it started from and `params` are unused.
    pub code: Option<Code>,
}

/// Python mode's program as a link carries it: its text, and that text's raw DEFLATE.
///
/// Why both: the page compresses and decompresses with the browser's own DEFLATE
/// (`CompressionStream` and `DecompressionStream`, see `src/deflate.rs`), which is
/// asynchronous, so the reducer is handed the bytes rather than making them. miniz_oxide
/// compiled into the page would add 14.9 KB to it (8.4 KB to deflate, 6.5 KB to inflate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// `code.py`.
    pub text: String,
    /// Its raw DEFLATE (RFC 1951): any compressor's output reads back the same text.
    pub deflated: Vec<u8>,
}

impl Shared {
    /// The guide's parameters for `demo` and the default settings.
    pub fn new(demo: DemoId) -> Self {
        Shared {
            demo,
            params: Params::defaults(demo),
            speed: DEFAULT_SPEED,
            poll_cost_us: DEFAULT_POLL_COST_US,
            bounce: None,
            recording: Vec::new(),
            code: None,
        }
    }
}

/// Why a link was refused. Its [`Display`](fmt::Display) says exactly what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// The query is longer than [`MAX_LEN`].
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The most accepted.
        max: usize,
    },
    /// An item is not `key=value`, or its %-escapes are broken.
    Malformed {
        /// The item, as written.
        item: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A key appears twice.
    DuplicateKey(String),
    /// There is no `v=…`.
    MissingVersion,
    /// `v` is not [`VERSION`].
    UnsupportedVersion(String),
    /// There is no `demo=…`.
    MissingDemo,
    /// The demo id is not one of the demos (the message lists them).
    UnknownDemo(String),
    /// The key is neither the link's nor one of the demo's parameters.
    UnknownKey {
        /// The key.
        key: String,
        /// What the demo's parameters say about it.
        message: String,
    },
    /// A value was refused.
    BadValue {
        /// Its key.
        key: String,
        /// Why (for a parameter, the parameter's own message).
        message: String,
    },
    /// `code` could not be read (or `lang`/`code` do not go together).
    BadCode(String),
    /// The code is longer than [`MAX_CODE_BYTES`].
    CodeTooLong,
    /// `rec` has more than [`MAX_EVENTS`] items.
    TooManyEvents(usize),
    /// An item of `rec` is not `<ms>:<pin><+|->`, `<ms>:<pin>=<reading>` or `<ms>:<pin>~<detents>`.
    BadRecordingItem {
        /// 1-based position in `rec`.
        n: usize,
        /// The item, as written.
        item: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::TooLong { len, max } => write!(f, "the link is too long ({len} bytes; at most {max})"),
            LinkError::BadCode(why) => write!(f, "the link's code cannot be read: {why}"),
            LinkError::CodeTooLong => {
                write!(f, "the link's code is longer than {} KB, the most a link carries", MAX_CODE_BYTES / 1024)
            }
            LinkError::Malformed { item, reason } => write!(f, "malformed item {item:?}: {reason}"),
            LinkError::DuplicateKey(key) => write!(f, "the key {key:?} appears more than once"),
            LinkError::MissingVersion => write!(f, "the link has no version (it should start with v={VERSION})"),
            LinkError::UnsupportedVersion(v) => {
                write!(f, "unsupported link version {v:?} (this playground reads v={VERSION})")
            }
            LinkError::MissingDemo => write!(f, "the link names no demo (demo=…)"),
            LinkError::UnknownDemo(message) => f.write_str(message),
            LinkError::UnknownKey { key, message } => write!(f, "unknown key {key:?}: {message}"),
            LinkError::BadValue { key, message } => write!(f, "bad value for {key}: {message}"),
            LinkError::TooManyEvents(n) => {
                write!(f, "too many recorded events ({n}; at most {MAX_EVENTS})")
            }
            LinkError::BadRecordingItem { n, item, reason } => {
                write!(f, "malformed recording item {n} ({item:?}): {reason}")
            }
        }
    }
}

impl std::error::Error for LinkError {}

/// The query string (without `?`) for `shared`: only what differs from the defaults.
pub fn encode(shared: &Shared) -> String {
    let mut out = format!("v={VERSION}&demo={}", shared.demo.id());
    if let Some(code) = &shared.code {
        out.push_str("&lang=python&code=");
        out.push_str(&encode_code(&code.deflated));
    }
    let params = if shared.code.is_some() { Vec::new() } else { shared.params.changed() };
    for (key, value) in params {
        out.push('&');
        out.push_str(key);
        out.push('=');
        push_escaped(&mut out, &value);
    }
    if shared.speed != DEFAULT_SPEED {
        out.push_str("&speed=");
        out.push_str(&format_decimal(shared.speed));
    }
    if shared.poll_cost_us != DEFAULT_POLL_COST_US {
        out.push_str(&format!("&cost={}", shared.poll_cost_us));
    }
    if let Some(b) = shared.bounce {
        out.push_str(&format!("&bounce={}", format_bounce(b)));
    }
    if !shared.recording.is_empty() {
        out.push_str("&rec=");
        for (i, e) in shared.recording.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&format_event(e));
        }
    }
    out
}

/// Python code as a link carries it: [`CODE_FORMAT`], then its raw DEFLATE in base64url.
pub fn encode_code(deflated: &[u8]) -> String {
    format!("{CODE_FORMAT}{}", base64url::encode(deflated))
}

/// The longest [`encode_code`] of `len` bytes of code can be, whatever compressed it: raw
/// DEFLATE's stored blocks (5 bytes of header per 65,535 bytes) in base64url.
pub fn encoded_code_bound(len: usize) -> usize {
    let deflated = len + 5 * len.div_ceil(65_535).max(1);
    CODE_FORMAT.len() + (deflated * 4).div_ceil(3)
}

/// Reads [`encode_code`]'s output as far as the DEFLATE: its bytes.
pub fn decode_code(text: &str) -> Result<Vec<u8>, LinkError> {
    let data = text.strip_prefix(CODE_FORMAT).ok_or_else(|| {
        LinkError::BadCode(format!("it should start with {CODE_FORMAT:?} (the only format this playground reads)"))
    })?;
    base64url::decode(data).map_err(|why| LinkError::BadCode(format!("not base64url: {why}")))
}

/// Why a link's code did not inflate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InflateError {
    /// It inflates to more than [`MAX_CODE_BYTES`] (the inflater stops there, so a small
    /// link cannot blow up into a huge program).
    TooLong,
    /// It is not raw DEFLATE.
    NotDeflate,
    /// The browser cannot inflate (it has no `DecompressionStream`).
    Unsupported,
}

/// A link read all but its Python code, which it carries deflated: the page inflates that
/// (asynchronously: `src/deflate.rs`) and finishes with [`Opened::with_code`].
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    /// What the link carries; `code` is `None` until [`Opened::with_code`].
    pub shared: Shared,
    /// The code's raw DEFLATE, still to inflate (`None`: a Rust-mode link, complete).
    pub deflated: Option<Vec<u8>>,
}

impl Opened {
    /// The link's run, given what inflating [`Opened::deflated`] gave (at most
    /// [`MAX_CODE_BYTES`] bytes, or why not).
    pub fn with_code(self, inflated: Result<Vec<u8>, InflateError>) -> Result<Shared, LinkError> {
        let mut shared = self.shared;
        let Some(deflated) = self.deflated else { return Ok(shared) };
        let bytes = match inflated {
            Ok(bytes) if bytes.len() <= MAX_CODE_BYTES => bytes,
            Ok(_) | Err(InflateError::TooLong) => return Err(LinkError::CodeTooLong),
            Err(InflateError::NotDeflate) => return Err(LinkError::BadCode("not DEFLATE data".into())),
            Err(InflateError::Unsupported) => {
                return Err(LinkError::BadCode(
                    "this browser cannot decompress it (it has no DecompressionStream)".into(),
                ))
            }
        };
        let text = String::from_utf8(bytes).map_err(|_| LinkError::BadCode("not UTF-8 text".into()))?;
        shared.code = Some(Code { text, deflated });
        Ok(shared)
    }
}

/// One recorded input as the link writes it: `812.346:D3+` (a press), `300:A1=40000` (a
/// reading), `900:D8~-2` (a turn).
pub fn format_event(input: &Input) -> String {
    let (t_us, pin, what) = match *input {
        Input::Button(e) => (e.t_us, e.pin, if e.pressed { "+".into() } else { "-".into() }),
        Input::Analog(e) => (e.t_us, e.pin, format!("={}", int(e.value))),
        Input::Turn(e) => (e.t_us, e.pin, format!("~{}", int(e.value))),
    };
    let (ms, frac) = (t_us / 1000, t_us % 1000);
    if frac == 0 {
        format!("{ms}:{pin}{what}")
    } else {
        let digits = format!("{frac:03}");
        format!("{ms}.{}:{pin}{what}", digits.trim_end_matches('0'))
    }
}

/// A bounce as the link writes it: `3000x3`.
pub fn format_bounce(b: Bounce) -> String {
    format!("{}x{}", b.duration_us, b.count)
}

/// Reads a query string (a leading `?` is allowed), all but the inflating of its code.
pub fn decode(query: &str) -> Result<Opened, LinkError> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let limit = max_len(query.contains("&code="));
    if query.len() > limit {
        return Err(LinkError::TooLong { len: query.len(), max: limit });
    }
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut seen: LiteMap<String, ()> = LiteMap::new();
    for item in query.split('&').filter(|s| !s.is_empty()) {
        let Some((k, v)) = item.split_once('=') else {
            return Err(LinkError::Malformed { item: item.into(), reason: "expected key=value".into() });
        };
        let malformed = |reason: String| LinkError::Malformed { item: item.into(), reason };
        let key = unescape(k).map_err(malformed)?;
        let value = unescape(v).map_err(malformed)?;
        if seen.insert(key.clone(), ()).is_some() {
            return Err(LinkError::DuplicateKey(key));
        }
        pairs.push((key, value));
    }
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    match get("v") {
        None => return Err(LinkError::MissingVersion),
        Some(VERSION) => {}
        Some(other) => return Err(LinkError::UnsupportedVersion(other.into())),
    }
    let demo: DemoId =
        get("demo").ok_or(LinkError::MissingDemo)?.parse().map_err(|e| LinkError::UnknownDemo(format!("{e}")))?;
    let mut shared = Shared::new(demo);
    let mut deflated = None;
    let mut param_pairs = Vec::new();
    for (key, value) in &pairs {
        let bad = |message: String| LinkError::BadValue { key: key.clone(), message };
        match key.as_str() {
            "v" | "demo" | "lang" => {}
            "code" => {
                if get("lang") != Some("python") {
                    return Err(LinkError::BadCode("code comes with lang=python".into()));
                }
                deflated = Some(decode_code(value)?);
            }
            "speed" => shared.speed = parse_speed(value).map_err(bad)?,
            "cost" => shared.poll_cost_us = parse_poll_cost(value).map_err(bad)?,
            "bounce" => shared.bounce = parse_bounce(value).map_err(bad)?,
            "rec" => shared.recording = parse_recording(value)?,
            _ => param_pairs.push((key.as_str(), value.as_str())),
        }
    }
    match get("lang") {
        None | Some("rust") => {}
        Some("python") if deflated.is_some() => {}
        Some("python") => return Err(LinkError::BadCode("lang=python needs code=…".into())),
        Some(other) => {
            return Err(LinkError::BadValue { key: "lang".into(), message: format!("{other:?} is not rust or python") })
        }
    }
    if deflated.is_none() {
        shared.params = set_params(demo, &param_pairs)?;
    } else if let Some((key, _)) = param_pairs.first() {
        return Err(LinkError::UnknownKey {
            key: (*key).to_owned(),
            message: "a Python-mode link has no demo parameters (they are in its code)".into(),
        });
    }
    Ok(Opened { shared, deflated })
}

/// Sets a demo's parameters from `key=value` pairs, all at once: pins are checked only
/// against the final values, so a link may swap two pins (`led1=D2&led2=D1`).
fn set_params(demo: DemoId, pairs: &[(&str, &str)]) -> Result<Params, LinkError> {
    let mut params = Params::defaults(demo);
    params.set_all(pairs.iter().copied()).map_err(|e| match &e {
        ParamError::UnknownKey { key, .. } => LinkError::UnknownKey { key: key.clone(), message: e.to_string() },
        ParamError::BadValue { key, .. } => param_error(key, e.clone()),
        ParamError::PinReused { second, .. } => param_error(second, e.clone()),
    })?;
    Ok(params)
}

fn param_error(key: &str, e: ParamError) -> LinkError {
    LinkError::BadValue { key: key.into(), message: e.to_string() }
}

/// Checks a speed (× real time).
pub fn parse_speed(text: &str) -> Result<f64, String> {
    // parse_decimal, not str::parse: the same value for every number a person types, without
    // str::parse's general algorithm and its tables (10 KB gzipped of the page).
    let v = parse_decimal(text.trim()).ok_or_else(|| format!("{text:?} is not a number"))?;
    if !(MIN_SPEED..=MAX_SPEED).contains(&v) {
        let (min, max) = (format_decimal(MIN_SPEED), format_decimal(MAX_SPEED));
        return Err(format!("speed must be from {min} to {max}, not {text}"));
    }
    Ok(v)
}

/// Checks a poll cost in µs.
pub fn parse_poll_cost(text: &str) -> Result<u64, String> {
    let v: u64 = text.trim().parse().map_err(|_| format!("{text:?} is not a whole number of µs"))?;
    if !(MIN_POLL_COST_US..=MAX_POLL_COST_US).contains(&v) {
        return Err(format!("the poll cost must be from {MIN_POLL_COST_US} to {MAX_POLL_COST_US} µs, not {v}"));
    }
    Ok(v)
}

/// Checks a bounce duration (µs) and count.
pub fn check_bounce(duration_us: u64, count: u32) -> Result<Bounce, String> {
    if !(1..=MAX_BOUNCE_US).contains(&duration_us) {
        return Err(format!("the bounce must last from 1 to {MAX_BOUNCE_US} µs, not {duration_us}"));
    }
    if !(1..=MAX_BOUNCE_COUNT).contains(&count) {
        return Err(format!("the bounce count must be from 1 to {MAX_BOUNCE_COUNT}, not {count}"));
    }
    Ok(Bounce { duration_us, count })
}

/// Reads a bounce, `<µs>x<count>` (`off` or empty: none).
pub fn parse_bounce(text: &str) -> Result<Option<Bounce>, String> {
    let text = text.trim();
    if text.is_empty() || text == "off" {
        return Ok(None);
    }
    let Some((d, n)) = text.split_once('x') else {
        return Err(format!("{text:?} is not <µs>x<count>, e.g. 3000x3"));
    };
    let duration_us: u64 = d.parse().map_err(|_| format!("{d:?} is not a whole number of µs"))?;
    let count: u32 = n.parse().map_err(|_| format!("{n:?} is not a whole number"))?;
    check_bounce(duration_us, count).map(Some)
}

/// Reads `rec`: items ([`parse_event`]) separated by commas.
pub fn parse_recording(text: &str) -> Result<Vec<Input>, LinkError> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let n = text.split(',').count();
    if n > MAX_EVENTS {
        return Err(LinkError::TooManyEvents(n));
    }
    let mut out = Vec::with_capacity(n);
    for (i, item) in text.split(',').enumerate() {
        out.push(parse_event(item).map_err(|reason| LinkError::BadRecordingItem {
            n: i + 1,
            item: item.into(),
            reason,
        })?);
    }
    Ok(out)
}

/// Reads one recorded input: `812.346:D3+` (a press; `-` a release), `300:A1=40000` (a
/// potentiometer's reading, 0–65535), `900:D8~-2` (a knob turned, in detents).
pub fn parse_event(item: &str) -> Result<Input, String> {
    let Some((time, rest)) = item.split_once(':') else {
        return Err("expected <ms>:<pin> then +, -, =<reading> or ~<detents>, e.g. 812.346:D3+".into());
    };
    let t_us = parse_ms(time)?;
    let pin = |text: &str| text.parse::<Pin>().map_err(|e| e.to_string());
    if let Some(at) = rest.find(['=', '~']) {
        let (name, number) = (pin(&rest[..at])?, &rest[at + 1..]);
        let (turn, min, max) =
            if rest.as_bytes()[at] == b'~' { (true, -MAX_STEPS, MAX_STEPS) } else { (false, 0, 65535) };
        // Through u64's parser, which the page has anyway (i32's would be more code).
        let (sign, digits) = number.strip_prefix('-').map_or((1, number), |d| (-1, d));
        let value = digits
            .parse::<u64>()
            .ok()
            .and_then(|n| i32::try_from(n).ok())
            .map(|n| sign * n)
            .filter(|v| (min..=max).contains(v) && digits.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| {
                let what = if turn { "detents turned" } else { "reading" };
                format!("the {what} {number:?} is not a whole number from {} to {}", int(min), int(max))
            })?;
        let e = LevelEvent { t_us, pin: name, value };
        return Ok(if turn { Input::Turn(e) } else { Input::Analog(e) });
    }
    let (name, pressed) = match rest.chars().last() {
        // A `+` that went through form decoding arrives as a space.
        Some('+') | Some(' ') => (&rest[..rest.len() - 1], true),
        Some('-') => (&rest[..rest.len() - 1], false),
        _ => return Err("the pin must end with + (pressed), - (released), =<reading> or ~<detents>".into()),
    };
    Ok(Input::Button(InputEvent { t_us, pin: pin(name)?, pressed }))
}

/// Reads a time in ms with up to 3 decimals, exactly, as µs.
fn parse_ms(text: &str) -> Result<u64, String> {
    let bad = || format!("the time {text:?} is not a number of ms with at most 3 decimals");
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || (text.contains('.') && !digits(frac)) || frac.len() > 3 || whole.len() > 12 {
        return Err(bad());
    }
    let ms: u64 = whole.parse().map_err(|_| bad())?;
    let frac_us: u64 = if frac.is_empty() { 0 } else { format!("{frac:0<3}").parse().map_err(|_| bad())? };
    let t_us = ms * 1000 + frac_us;
    if t_us > MAX_EVENT_US {
        return Err(format!("the time {text} ms is too late (at most {} ms)", MAX_EVENT_US / 1000));
    }
    Ok(t_us)
}

/// Undoes %-escapes (a `+` stays a `+`: the link uses it for "pressed").
fn unescape(text: &str) -> Result<String, String> {
    if !text.contains('%') {
        return Ok(text.into());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            let byte =
                hex.and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or("a % must be followed by two hex digits")?;
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "its %-escapes are not UTF-8".into())
}

/// Appends `text`, %-escaping all but unreserved characters and `:,+`.
fn push_escaped(out: &mut String, text: &str) {
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:,+".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
pub(crate) mod tests {
    use super::*;
    use baton_demos::params::{Kind, Value};
    use proptest::prelude::*;

    #[test]
    fn the_spec_example_decodes() {
        let s =
            open("?v=1&demo=button-interval&interval=0.7&speed=2&cost=10&bounce=3000x3&rec=812.346:D3+,900.001:D3-")
                .unwrap();
        assert_eq!(s.demo, DemoId::ButtonInterval);
        assert_eq!(s.params.float("interval"), 0.7);
        assert_eq!(s.speed, 2.0);
        assert_eq!(s.poll_cost_us, 10);
        assert_eq!(s.bounce, Some(Bounce { duration_us: 3000, count: 3 }));
        assert_eq!(
            s.recording,
            vec![
                Input::Button(InputEvent { t_us: 812_346, pin: Pin::D(3), pressed: true }),
                Input::Button(InputEvent { t_us: 900_001, pin: Pin::D(3), pressed: false }),
            ]
        );
        assert_eq!(
            encode(&s),
            "v=1&demo=button-interval&interval=0.7&speed=2&bounce=3000x3&rec=812.346:D3+,900.001:D3-"
        );
    }

    #[test]
    fn times_are_exact_to_the_microsecond() {
        for t_us in [0, 1, 10, 100, 999, 1000, 1001, 812_346, 900_010, MAX_EVENT_US] {
            let level = LevelEvent { t_us, pin: Pin::A(2), value: 40000 };
            for e in [Input::Button(InputEvent { t_us, pin: Pin::A(2), pressed: false }), Input::Analog(level)] {
                assert_eq!(parse_event(&format_event(&e)), Ok(e), "{}", format_event(&e));
            }
        }
        let press = Input::Button(InputEvent { t_us: 900_010, pin: Pin::D(3), pressed: true });
        assert_eq!(format_event(&press), "900.01:D3+");
        assert_eq!(parse_event("5:LED "), Ok(Input::Button(InputEvent { t_us: 5000, pin: Pin::Led, pressed: true })));
    }

    #[test]
    fn readings_and_turns_read_and_write_exactly() {
        let cases = [
            ("300:A1=40000", Input::Analog(LevelEvent { t_us: 300_000, pin: Pin::A(1), value: 40000 })),
            ("0.001:A0=0", Input::Analog(LevelEvent { t_us: 1, pin: Pin::A(0), value: 0 })),
            ("12.5:A5=65535", Input::Analog(LevelEvent { t_us: 12_500, pin: Pin::A(5), value: 65535 })),
            ("900:D8~-2", Input::Turn(LevelEvent { t_us: 900_000, pin: Pin::D(8), value: -2 })),
            ("900.123:D8~1000000", Input::Turn(LevelEvent { t_us: 900_123, pin: Pin::D(8), value: MAX_STEPS })),
        ];
        for (text, input) in cases {
            assert_eq!(parse_event(text), Ok(input), "{text}");
            assert_eq!(format_event(&input), text);
        }
        // A link with all three kinds, as a page writes it, reads back the same.
        let mut shared = Shared::new(DemoId::ButtonInterval);
        shared.code = Some(code("print(1)\n"));
        shared.recording = cases.iter().map(|(_, i)| *i).collect();
        shared.recording.push(Input::Button(InputEvent { t_us: 5, pin: Pin::D(3), pressed: false }));
        let query = encode(&shared);
        assert!(query.ends_with("&rec=300:A1=40000,0.001:A0=0,12.5:A5=65535,900:D8~-2,900.123:D8~1000000,0.005:D3-"));
        assert_eq!(open(&query), Ok(shared));
    }

    #[test]
    fn a_malformed_reading_or_turn_says_which_and_why() {
        let cases: &[(&str, &str)] = &[
            ("1:A1=65536", "item 1 (\"1:A1=65536\"): the reading \"65536\" is not a whole number from 0 to 65535"),
            ("1:A1=-1", "the reading \"-1\" is not a whole number"),
            ("1:A1=", "the reading \"\" is not"),
            ("1:A1=2.5", "the reading \"2.5\" is not"),
            ("1:D3+,1:D8~1000001", "item 2 (\"1:D8~1000001\"): the detents turned \"1000001\" is not a whole number from -1000000 to 1000000"),
            ("1:D8~x", "the detents turned \"x\""),
            ("1:Q8~1", "unknown pin \"Q8\""),
            ("1:=5", "unknown pin \"\""),
            ("x:A1=5", "the time \"x\""),
            ("1:A1*5", "must end with +"),
        ];
        for (rec, expected) in cases {
            let query = format!("v=1&demo=blink-one&rec={rec}");
            let err = open(&query).unwrap_err().to_string();
            assert!(err.contains(expected), "{query}: {err:?} should contain {expected:?}");
        }
    }

    #[test]
    fn every_rejection_says_what_is_wrong() {
        let cases: &[(&str, &str)] = &[
            ("v=1&demo=nope", "unknown demo \"nope\""),
            ("v=99&demo=blink-one", "unsupported link version \"99\""),
            ("demo=blink-one", "no version"),
            ("v=1", "names no demo"),
            ("v=1&demo=button-interval&interval=-1", "bad value for interval: interval=\"-1\": must be above 0"),
            ("v=1&demo=blink-one&colour=red", "unknown key \"colour\": blink-one has no parameter"),
            ("v=1&demo=blink-one&speed=1000", "bad value for speed"),
            ("v=1&demo=blink-one&speed=inf", "\"inf\" is not a number"),
            ("v=1&demo=blink-one&speed=2x", "\"2x\" is not a number"),
            ("v=1&demo=blink-one&speed=1.0000000000000001", "is not a number"),
            ("v=1&demo=blink-one&cost=0", "bad value for cost"),
            ("v=1&demo=blink-one&bounce=3000", "bad value for bounce"),
            ("v=1&demo=blink-one&rec=1:D3+,2:D99-", "malformed recording item 2 (\"2:D99-\")"),
            ("v=1&demo=blink-one&rec=1.2345:D3+", "malformed recording item 1"),
            ("v=1&demo=blink-one&rec=1:D3", "malformed recording item 1"),
            ("v=1&demo=blink-one&demo=blink-two", "appears more than once"),
            ("v=1&demo=blink-one&oops", "malformed item \"oops\""),
            ("v=1&demo=blink%ZZ", "two hex digits"),
            ("v=1&demo=blink-two&led1=D2", "pin D2 is used by both led1 and led2"),
        ];
        for (query, expected) in cases {
            let err = open(query).unwrap_err().to_string();
            assert!(err.contains(expected), "{query}: {err:?} should contain {expected:?}");
        }
        // Speeds as people and this page write them.
        for (text, speed) in [("2", 2.0), ("0.25", 0.25), ("1e1", 10.0), (" 1.5 ", 1.5), ("+0.1", 0.1)] {
            assert_eq!(parse_speed(text), Ok(speed), "{text:?}");
        }
        let long = format!("v=1&demo=blink-one&x={}", "a".repeat(MAX_LEN));
        assert!(open(&long).unwrap_err().to_string().contains("too long"));
        let many = format!("v=1&demo=blink-one&rec={}", vec!["1:D3+"; MAX_EVENTS + 1].join(","));
        // Too long as well, but the length is checked first; count alone:
        assert!(matches!(parse_recording(&many[24..]), Err(LinkError::TooManyEvents(2001))));
    }

    #[test]
    fn pins_can_be_swapped() {
        let s = open("v=1&demo=blink-two&led1=D2&led2=D1").unwrap();
        assert_eq!(s.params.pin("led1"), Pin::D(2));
        assert_eq!(s.params.pin("led2"), Pin::D(1));
        assert_eq!(open(&encode(&s)).unwrap(), s);
    }

    #[test]
    fn no_parameter_uses_a_reserved_key() {
        for demo in DemoId::ALL {
            for spec in demo.info().params {
                assert!(!RESERVED_KEYS.contains(&spec.key), "{demo}: {}", spec.key);
            }
        }
    }

    fn arb_value(kind: Kind) -> BoxedStrategy<Value> {
        match kind {
            Kind::Float { min, max, .. } => {
                (1u32..=1000).prop_map(move |k| Value::Float(min + (max - min) * f64::from(k) / 1000.0)).boxed()
            }
            Kind::Int { min, max } => (min..=max).prop_map(Value::Int).boxed(),
            Kind::Pin => unreachable!("pins are drawn as a permutation"),
        }
    }

    fn arb_pin() -> impl Strategy<Value = Pin> {
        let pins: Vec<Pin> = Pin::all().collect();
        proptest::sample::select(pins)
    }

    /// Any input a link may carry: a press or release, a reading, a turn.
    fn arb_input() -> impl Strategy<Value = Input> {
        let t = 0..=MAX_EVENT_US;
        prop_oneof![
            (t.clone(), arb_pin(), any::<bool>()).prop_map(|(t_us, pin, pressed)| Input::Button(InputEvent {
                t_us,
                pin,
                pressed
            })),
            (t.clone(), arb_pin(), 0..=65535i32).prop_map(|(t_us, pin, value)| Input::Analog(LevelEvent {
                t_us,
                pin,
                value
            })),
            (t, arb_pin(), -MAX_STEPS..=MAX_STEPS).prop_map(|(t_us, pin, value)| Input::Turn(LevelEvent {
                t_us,
                pin,
                value
            })),
        ]
    }

    fn arb_shared() -> impl Strategy<Value = Shared> {
        (0..DemoId::ALL.len()).prop_flat_map(|i| {
            let demo = DemoId::ALL[i];
            let specs = demo.info().params;
            let values: Vec<BoxedStrategy<Option<Value>>> = specs
                .iter()
                .filter(|s| s.kind != Kind::Pin)
                .map(|s| proptest::option::of(arb_value(s.kind)).boxed())
                .collect();
            let pins = Just(Pin::all().collect::<Vec<_>>()).prop_shuffle();
            let speed = prop_oneof![Just(1.0), (1u32..=1000).prop_map(|k| f64::from(k) / 10.0)];
            let cost = prop_oneof![Just(10u64), MIN_POLL_COST_US..=MAX_POLL_COST_US];
            let bounce = proptest::option::of((1..=MAX_BOUNCE_US, 1..=MAX_BOUNCE_COUNT));
            let rec = proptest::collection::vec(arb_input(), 0..60);
            (values, pins, any::<bool>(), speed, cost, bounce, rec).prop_map(
                move |(values, pins, move_pins, speed, cost, bounce, rec)| {
                    let mut params = Params::defaults(demo);
                    let mut values = values.into_iter();
                    let mut pins = pins.into_iter();
                    for spec in specs {
                        let text = if spec.kind == Kind::Pin {
                            move_pins.then(|| pins.next().unwrap().to_string())
                        } else {
                            values.next().unwrap().map(|v| v.to_string())
                        };
                        if let Some(text) = text {
                            // A permutation never reuses a pin, but a default might clash.
                            let _ = params.set(spec.key, &text);
                        }
                    }
                    Shared {
                        demo,
                        params,
                        speed,
                        poll_cost_us: cost,
                        bounce: bounce.map(|(duration_us, count)| Bounce { duration_us, count }),
                        recording: rec,
                        code: None,
                    }
                },
            )
        })
    }

    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("v=1".to_string()),
            Just("&".to_string()),
            Just("=".to_string()),
            Just("demo=".to_string()),
            Just("rec=".to_string()),
            Just("bounce=".to_string()),
            Just("speed=".to_string()),
            Just("%".to_string()),
            proptest::sample::select(DemoId::ALL.iter().map(|d| d.id().to_string()).collect::<Vec<_>>()),
            proptest::sample::select(
                DemoId::ALL
                    .iter()
                    .flat_map(|d| d.info().params.iter().map(|s| format!("{}=", s.key)))
                    .collect::<Vec<_>>()
            ),
            "[0-9.:,+x-]{0,8}",
            "[A-Z][0-9]{0,2}[+=~-]-?[0-9]{0,7}",
            any::<String>(),
        ]
    }

    /// A page's whole reading of a link, with miniz_oxide as its inflater (the page's is the
    /// browser's `DecompressionStream`).
    pub(crate) fn open(query: &str) -> Result<Shared, LinkError> {
        let opened = decode(query)?;
        let inflated = opened.deflated.as_deref().map_or(Ok(Vec::new()), inflate);
        opened.with_code(inflated)
    }

    /// Inflates as the page does: at most [`MAX_CODE_BYTES`].
    pub(crate) fn inflate(deflated: &[u8]) -> Result<Vec<u8>, InflateError> {
        miniz_oxide::inflate::decompress_to_vec_with_limit(deflated, MAX_CODE_BYTES).map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => InflateError::TooLong,
            _ => InflateError::NotDeflate,
        })
    }

    /// `text` as a page would put it in a link (the tests deflate with miniz_oxide, the page
    /// with the browser's `CompressionStream`).
    pub(crate) fn code(text: &str) -> Code {
        Code { text: text.to_owned(), deflated: miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 9) }
    }

    #[test]
    fn a_python_link_carries_its_code() {
        let guides = crate::examples::Guides::bundled();
        let program = guides.get(DemoId::ButtonInterval).unwrap();
        let mut shared = Shared::new(DemoId::ButtonInterval);
        shared.code = Some(code(program));
        let query = encode(&shared);
        assert!(query.starts_with("v=1&demo=button-interval&lang=python&code=d1."), "{query}");
        // Compressed: the guide's program (1.3 KB) in well under its own size.
        assert!(query.len() < program.len(), "{} vs {}", query.len(), program.len());
        assert_eq!(open(&query).unwrap(), shared);
    }

    #[test]
    fn python_links_are_checked() {
        let err = |q: &str| open(q).unwrap_err().to_string();
        assert!(err("v=1&demo=blink-one&lang=python").contains("needs code"));
        assert!(err("v=1&demo=blink-one&code=d1.AAAA").contains("lang=python"));
        assert!(err("v=1&demo=blink-one&lang=perl").contains("not rust or python"));
        assert!(err("v=1&demo=blink-one&lang=python&code=zz").contains("should start with"));
        assert!(err("v=1&demo=blink-one&lang=python&code=d1.!!!").contains("base64url"));
        assert!(err("v=1&demo=blink-one&lang=python&code=d1.AAAA").contains("DEFLATE"));
        let mut shared = Shared::new(DemoId::BlinkOne);
        shared.code = Some(code("print(1)\n"));
        let ok = encode(&shared);
        assert!(err(&format!("{ok}&interval=0.3")).contains("no demo parameters"));
        // More than 16 KB of code, however well it compresses, is refused.
        let huge = encode_code(&code(&"#".repeat(MAX_CODE_BYTES + 1)).deflated);
        assert!(huge.len() < 1000);
        let python = |code: &str| format!("v=1&demo=blink-one&lang=python&code={code}");
        assert_eq!(open(&python(&huge)), Err(LinkError::CodeTooLong));
        assert!(err(&python(&huge)).contains("longer than 16 KB"));
        let most = code(&"#".repeat(MAX_CODE_BYTES));
        assert_eq!(open(&python(&encode_code(&most.deflated))).unwrap().code, Some(most));
        // An inflater that ignored the limit is caught too.
        let opened = decode(&python(&huge)).unwrap();
        assert_eq!(opened.with_code(Ok(vec![b'#'; MAX_CODE_BYTES + 1])), Err(LinkError::CodeTooLong));
        // Not UTF-8.
        let bad = encode_code(&miniz_oxide::deflate::compress_to_vec(&[0xff, 0xfe], 9));
        assert!(err(&python(&bad)).contains("UTF-8"));
        // A browser that cannot inflate says so.
        let opened = decode(&python(&encode_code(&code("print(1)").deflated))).unwrap();
        let e = opened.with_code(Err(InflateError::Unsupported)).unwrap_err().to_string();
        assert!(e.contains("no DecompressionStream"), "{e}");
        // A Rust-mode link has nothing to inflate.
        assert_eq!(decode("v=1&demo=blink-one").unwrap().deflated, None);
    }

    proptest! {
        #[test]
        fn decode_never_panics_and_explains(s in any::<String>()) {
            if let Err(e) = open(&s) {
                prop_assert!(!e.to_string().is_empty());
            }
        }

        #[test]
        fn decode_of_near_links_never_panics(tokens in proptest::collection::vec(token(), 0..20)) {
            let s = tokens.concat();
            if let Err(e) = open(&s) {
                prop_assert!(!e.to_string().is_empty());
            }
        }

        #[test]
        fn python_code_round_trips(text in "(\\PC|\n){0,400}", rec in proptest::collection::vec(arb_input(), 0..6)) {
            let mut shared = Shared::new(DemoId::ButtonInterval);
            shared.code = Some(code(&text));
            shared.recording = rec;
            prop_assert_eq!(open(&encode(&shared)), Ok(shared));
        }

        #[test]
        fn the_bound_holds_for_any_code(bytes in proptest::collection::vec(any::<u8>(), 0..3000)) {
            // Random bytes do not compress: the compressor stores them.
            let text: String = bytes.iter().map(|&b| char::from(b)).collect();
            prop_assert!(encode_code(&code(&text).deflated).len() <= encoded_code_bound(text.len()));
        }

        #[test]
        fn decode_code_never_panics(s in any::<String>()) {
            if let Err(e) = decode_code(&s) {
                prop_assert!(!e.to_string().is_empty());
            }
        }

        #[test]
        fn encode_then_decode_round_trips(shared in arb_shared()) {
            let query = encode(&shared);
            prop_assert!(query.len() <= MAX_LEN, "{}", query.len());
            prop_assert_eq!(open(&query), Ok(shared));
        }
    }
}
