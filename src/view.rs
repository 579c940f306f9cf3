//! View-models: what the components show, computed from the state by pure functions (so the
//! components only lay them out, and Yew skips a component whose view-model did not change).

use crate::driver::TaskRow;
use crate::page::Page;
use crate::remote::{Part, Program, Remote};
use crate::state::State;
use baton::TaskState;
use baton_board::neopixel::{apply_brightness, Color};
use baton_board::Pin;
use baton_demos::params::{format_decimal, Kind};
use baton_demos::{Params, Value};

/// The keys that press the board's buttons, in pin order.
pub const BUTTON_KEYS: [char; 9] = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/// An LED on the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedView {
    /// Its pin.
    pub pin: Pin,
    /// What it is for (the parameter's label).
    pub label: String,
    /// Lit at the display time.
    pub on: bool,
    /// A `PWMOut`'s: its duty cycle at the display time, 0–65535 (its brightness).
    pub duty: Option<i32>,
}

/// A button on the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ButtonView {
    /// Its pin.
    pub pin: Pin,
    /// What it does (the parameter's label).
    pub label: String,
    /// The key that presses it.
    pub key: Option<char>,
    /// Whether the user holds it.
    pub held: bool,
    /// Whether the pin reads low (pressed, or bouncing) at the display time.
    pub low: bool,
}

/// One NeoPixel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PixelView {
    /// The colour on the wire, brightness applied: `rrggbb`.
    pub hex: String,
    /// The colour to draw: brightened so a dim pixel still glows on a screen: `#rrggbb`.
    pub fill: String,
    /// Whether it is lit at all.
    pub lit: bool,
}

/// A NeoPixel ring.
#[derive(Clone, Debug, PartialEq)]
pub struct RingView {
    /// Its pin.
    pub pin: Pin,
    /// Its brightness.
    pub brightness: f32,
    /// Its pixels, in order.
    pub pixels: Vec<PixelView>,
}

/// A Python program's potentiometer (`AnalogIn`) or knob (`IncrementalEncoder`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelView {
    /// Its pin (a knob's `pin_a`, which its turns name).
    pub pin: Pin,
    /// A knob's `pin_b`.
    pub pin_b: Option<Pin>,
    /// At the display time: the reading (0–65535), or the detents turned since the run began
    /// (+ clockwise).
    pub value: i32,
}

/// The board: the parts the demo uses, as of the display time.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BoardView {
    /// The LEDs, in parameter order (a Python program's: in the order it created them, its
    /// PWM LEDs last).
    pub leds: Vec<LedView>,
    /// The buttons, in pin order.
    pub buttons: Vec<ButtonView>,
    /// The NeoPixel rings.
    pub rings: Vec<RingView>,
    /// The potentiometers.
    pub pots: Vec<LevelView>,
    /// The knobs.
    pub knobs: Vec<LevelView>,
}

/// What kind of part a pin parameter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    /// An output with an LED.
    Led,
    /// An input with a button.
    Button,
    /// A NeoPixel strip.
    Pixels,
}

/// The part a pin parameter wires up, by its key (`led`, `led1` → LED; `pixel_pin` → pixels;
/// anything else → a button).
pub fn part_kind(key: &str) -> PartKind {
    if key.starts_with("led") {
        PartKind::Led
    } else if key.contains("pixel") {
        PartKind::Pixels
    } else {
        PartKind::Button
    }
}

/// A part of the board: its kind, its pin, its label (a Rust demo's parameter label; empty for
/// a Python program's parts) and, for a Python program's parts, a strip's length.
pub type PartRow = (PartKind, Pin, &'static str, Option<usize>);

/// The board's parts for `params`: LEDs and rings in parameter order, buttons in pin order.
pub fn parts(params: &Params) -> Vec<PartRow> {
    let mut out: Vec<PartRow> = params
        .iter()
        .filter_map(|(spec, value)| match value {
            Value::Pin(pin) => Some((part_kind(spec.key), pin, spec.label, None)),
            _ => None,
        })
        .collect();
    buttons_last(&mut out);
    out
}

/// The board's parts for a Python program: what it has created so far, LEDs and rings in
/// the order it created them, buttons in pin order (its PWM LEDs, potentiometers and knobs
/// are [`board`]'s).
pub fn python_parts(remote: &Remote) -> Vec<PartRow> {
    let mut out: Vec<PartRow> = remote
        .parts()
        .iter()
        .filter_map(|p| match *p {
            Part::Led(pin) => Some((PartKind::Led, pin, "", Some(0))),
            Part::Button(pin) => Some((PartKind::Button, pin, "", Some(0))),
            Part::Pixels(pin, n) => Some((PartKind::Pixels, pin, "", Some(n))),
            _ => None,
        })
        .collect();
    buttons_last(&mut out);
    out
}

/// Puts the buttons after the other parts, in pin order; the others keep their order (a
/// stable sort, one for both kinds of program).
fn buttons_last(parts: &mut [PartRow]) {
    let key = |&(kind, pin, _, _): &PartRow| (kind == PartKind::Button, (kind == PartKind::Button).then_some(pin));
    // An insertion sort: a board has a few parts, and the slice's own stable sort is 1.5 KB
    // of the page's wasm.
    for i in 1..parts.len() {
        let mut j = i;
        while j > 0 && key(&parts[j - 1]) > key(&parts[j]) {
            parts.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// The board as of the display time.
pub fn board(page: &Page) -> BoardView {
    let mut view = BoardView::default();
    let d = &page.driver;
    // A Python program's board is what it has created (and your own Rust program's); a Rust
    // demo's (in the page or in a worker) follows its parameters.
    let python = page.remote().filter(|r| !matches!(r.program, Program::Demo { .. }));
    let parts = match python {
        Some(remote) => python_parts(remote),
        None => parts(&page.params),
    };
    for p in python.map_or(&[][..], Remote::parts) {
        match *p {
            Part::Pwm(pin) => {
                let duty = d.duty(pin);
                view.leds.push(LedView { pin, label: "PWM".into(), on: duty > 0, duty: Some(duty.into()) });
            }
            Part::Analog(pin) => view.pots.push(LevelView { pin, pin_b: None, value: d.level(pin, false) }),
            Part::Encoder(pin, b) => view.knobs.push(LevelView { pin, pin_b: Some(b), value: d.level(pin, true) }),
            _ => {}
        }
    }
    for (kind, pin, label, length) in parts {
        match kind {
            PartKind::Led => view.leds.push(LedView { pin, label: short_label(label), on: d.output(pin), duty: None }),
            PartKind::Button => {
                let key = BUTTON_KEYS.get(view.buttons.len()).copied();
                view.buttons.push(ButtonView {
                    pin,
                    label: short_label(label),
                    key,
                    held: page.held.contains_key(&pin),
                    low: d.pressed(pin),
                });
            }
            PartKind::Pixels => {
                let n = length.unwrap_or_else(|| match page.params.iter().find(|(s, _)| s.key == "num_pixels") {
                    Some((_, Value::Int(n))) => n as usize,
                    _ => 1,
                });
                let (colors, brightness) = match d.strip(pin) {
                    Some(s) => (s.colors.clone(), s.brightness),
                    None => (Vec::new(), 1.0),
                };
                let pixels = (0..n).map(|i| pixel(colors.get(i).copied().unwrap_or_default(), brightness)).collect();
                view.rings.push(RingView { pin, brightness, pixels });
            }
        }
    }
    // Outputs the parameters don't name (none today) still show.
    for (&pin, &on) in d.outputs() {
        if !view.leds.iter().any(|l| l.pin == pin) {
            view.leds.push(LedView { pin, label: String::new(), on, duty: None });
        }
    }
    view
}

/// "LED 1 pin" → "LED 1"; "Slower button" → "slower". The labels are the demos' own, in ASCII
/// (and Unicode's case tables would be 8 KB gzipped of the page).
fn short_label(label: &str) -> String {
    let l = label.trim_end_matches(" pin").trim_end_matches(" button");
    if l.starts_with("LED") {
        l.to_string()
    } else {
        l.to_ascii_lowercase()
    }
}

/// A pixel as shown: the wire colour (`apply_brightness`) and a brightened colour to draw.
///
/// A NeoPixel at brightness 0.03 is still plainly lit to an eye in a room, but `rgb(6, 0, 0)`
/// on a screen is black: the drawn colour keeps the wire colour's hue and lifts its level
/// (`0.35 + 0.65·√level`), so 3 % brightness glows dimly and full brightness stays as it is.
pub fn pixel(c: Color, brightness: f32) -> PixelView {
    let wire = apply_brightness(c, brightness);
    // Keep the hue (channel ratios), lift the level: 3 % still glows, 100 % stays as it is.
    let max = wire.r.max(wire.g).max(wire.b);
    let level = if max == 0 { 0.0 } else { 255.0 * (0.35 + 0.65 * (f64::from(max) / 255.0).sqrt()) };
    let lift = |v: u8| -> u8 {
        if max == 0 {
            0
        } else {
            (f64::from(v) / f64::from(max) * level).round().clamp(0.0, 255.0) as u8
        }
    };
    PixelView {
        hex: format!("{:02x}{:02x}{:02x}", wire.r, wire.g, wire.b),
        fill: format!("#{:02x}{:02x}{:02x}", lift(wire.r), lift(wire.g), lift(wire.b)),
        lit: wire != Color::default(),
    }
}

/// A virtual time for people: `12.345 s` (ms precision), `0.000 s`.
pub fn seconds(t_us: u64) -> String {
    format!("{}.{:03} s", t_us / 1_000_000, (t_us / 1000) % 1000)
}

/// A virtual time to the µs: `12.345678 s`.
pub fn seconds_exact(t_us: u64) -> String {
    format!("{}.{:06} s", t_us / 1_000_000, t_us % 1_000_000)
}

/// A duration for people: `10 µs`, `1.5 ms`, `2.25 s`.
pub fn duration(us: u64) -> String {
    if us < 1000 {
        format!("{us} µs")
    } else if us < 1_000_000 {
        trim(format!("{}.{:03}", us / 1000, us % 1000)) + " ms"
    } else {
        let ms = (us + 500) / 1000;
        trim(format!("{}.{:03}", ms / 1000, ms % 1000)) + " s"
    }
}

/// `v` with `decimals` (at most 6) digits after the point, as `{:.N}` writes it but rounding
/// `v × 10ᴺ` half away from zero: without core's exact float printing, which would add
/// 3 KB to the page for a slider's value and a few labels.
pub fn fixed(v: f64, decimals: u32) -> String {
    let scale = 10u64.pow(decimals.min(6));
    let n = (v.abs() * scale as f64).round() as u64;
    let sign = if v < 0.0 && n != 0 { "-" } else { "" };
    if scale == 1 {
        format!("{sign}{n}")
    } else {
        format!("{sign}{}.{:0width$}", n / scale, n % scale, width = decimals.min(6) as usize)
    }
}

/// A whole number in decimal, without `i32`'s own `Display` (defined in baton-host, where the
/// reducer's modules take it from: they do not import the view, which imports the state).
pub use baton_host::int;

/// A decimal without its trailing zeros: `0.25`, `1`.
pub fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A speed for people: `1×`, `0.25×`, `100×`.
pub fn speed(v: f64) -> String {
    let s = if v >= 10.0 { fixed(v, 0) } else { trim(fixed(v, 2)) };
    s + "×"
}

/// The speed slider's position (log₁₀ of the speed, −1…2).
pub fn speed_to_slider(v: f64) -> f64 {
    crate::math::log10(v.clamp(crate::link::MIN_SPEED, crate::link::MAX_SPEED))
}

/// The speed at a slider position, rounded to two significant digits (and snapped to 1×).
pub fn slider_to_speed(pos: f64) -> f64 {
    let v = crate::math::pow10(pos.clamp(-1.0, 2.0));
    let magnitude = crate::math::pow10(crate::math::log10(v).floor() - 1.0);
    let rounded = (v / magnitude).round() * magnitude;
    let rounded = (rounded * 1e6).round() / 1e6;
    if (rounded - 1.0).abs() < 0.06 {
        1.0
    } else {
        rounded.clamp(crate::link::MIN_SPEED, crate::link::MAX_SPEED)
    }
}

/// A state as the inspector names it.
pub fn state_name(state: TaskState) -> &'static str {
    baton_sim::trace::state_name(state)
}

/// One row of the inspector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskView {
    /// The task's id.
    pub id: u64,
    /// Its name.
    pub name: String,
    /// Its state at the display time (`running`, `ready`, `sleeping`, …).
    pub state: &'static str,
    /// For a sleeping task: until when (`1.250 s`).
    pub until: Option<String>,
    /// Polls so far.
    pub polls: u64,
    /// Its share of virtual time so far, in tenths of a percent.
    pub share_permille: u32,
}

/// The inspector's rows, and the scheduler's own share (idle time, per mille).
pub fn tasks(rows: &[TaskRow], display_us: u64) -> (Vec<TaskView>, u32) {
    let permille = |busy: u64| (busy.min(display_us) * 1000).checked_div(display_us).unwrap_or(0) as u32;
    let views: Vec<TaskView> = rows
        .iter()
        .map(|r| {
            let state = r.state_at(display_us);
            TaskView {
                id: r.id,
                name: r.name.clone(),
                state: state_name(state),
                until: match state {
                    TaskState::Sleeping { until } => Some(seconds_exact(until.as_micros())),
                    _ => None,
                },
                polls: r.polls,
                share_permille: permille(r.busy_us),
            }
        })
        .collect();
    let busy: u64 = rows.iter().map(|r| r.busy_us).sum();
    let idle = if display_us == 0 { 0 } else { 1000u32.saturating_sub(permille(busy)) };
    (views, idle)
}

/// A parameter field of the form.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamField {
    /// The key.
    pub key: &'static str,
    /// The label.
    pub label: &'static str,
    /// The text shown (a rejected edit, or the value).
    pub text: String,
    /// The inline error, if the edit was rejected.
    pub error: Option<String>,
    /// A hint: the range and unit, or "a pin".
    pub hint: String,
    /// Whether the value is a pin (a `<select>` of pins).
    pub is_pin: bool,
    /// The guide's value.
    pub default: String,
}

/// The parameter form's fields.
pub fn param_fields(state: &State) -> Vec<ParamField> {
    state
        .params
        .iter()
        .map(|(spec, value)| {
            let draft = state.drafts.get(spec.key);
            let hint = match spec.kind {
                Kind::Float { min, min_exclusive, max, unit } => {
                    let unit = if unit.is_empty() { String::new() } else { format!(" {unit}") };
                    let (min, max) = (format_decimal(min), format_decimal(max));
                    if min_exclusive {
                        format!("above {min}, at most {max}{unit}")
                    } else {
                        format!("{min} to {max}{unit}")
                    }
                }
                Kind::Int { min, max } => format!("{min} to {max}"),
                Kind::Pin => "a pin".into(),
            };
            ParamField {
                key: spec.key,
                label: spec.label,
                text: draft.map_or_else(|| value.to_string(), |d| d.text.clone()),
                error: draft.map(|d| d.error.clone()),
                hint,
                is_pin: spec.kind == Kind::Pin,
                default: spec.default.to_string(),
            }
        })
        .collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::link::Shared;
    use crate::page::Page;
    use baton_demos::DemoId;

    #[test]
    fn parts_follow_the_parameters() {
        let p = Params::defaults(DemoId::ButtonIntervalTwo);
        let kinds: Vec<_> = parts(&p).into_iter().map(|(k, pin, _, _)| (k, pin.to_string())).collect();
        assert_eq!(
            kinds,
            vec![
                (PartKind::Led, "D1".into()),
                (PartKind::Led, "D2".into()),
                (PartKind::Button, "D3".into()),
                (PartKind::Button, "D4".into()),
                (PartKind::Button, "D5".into()),
                (PartKind::Button, "D6".into()),
            ]
        );
        let p = Params::defaults(DemoId::Rainbow);
        let kinds: Vec<_> = parts(&p).into_iter().map(|(k, _, _, _)| k).collect();
        assert_eq!(kinds, vec![PartKind::Pixels, PartKind::Button, PartKind::Button, PartKind::Button]);
        assert_eq!(part_kind("pin"), PartKind::Button);
    }

    #[test]
    fn board_shows_keys_in_pin_order_and_a_full_ring() {
        let mut s = Page::new(Shared::new(DemoId::Rainbow));
        s.dispatch(crate::state::Action::Frame { dt_ms: 16.0, now_ms: 0.0 });
        let b = board(&s);
        assert_eq!(
            b.buttons.iter().map(|b| (b.pin.to_string(), b.key)).collect::<Vec<_>>(),
            [("A1".to_string(), Some('1')), ("A2".to_string(), Some('2')), ("A3".to_string(), Some('3'))]
        );
        assert_eq!(b.buttons[0].label, "reverse");
        assert_eq!(b.rings[0].pixels.len(), 24);
        assert!(b.rings[0].pixels.iter().all(|p| p.lit));
        let s = Page::new(Shared::new(DemoId::BlinkTwo));
        let b = board(&s);
        assert_eq!(b.leds.len(), 2);
        assert_eq!(b.leds[1].label, "LED 2");
        assert!(!b.leds[0].on);
    }

    #[test]
    fn dim_pixels_still_glow() {
        let p = pixel(Color::new(255, 0, 0), 0.03);
        assert_eq!(p.hex, "060000");
        assert_eq!(p.fill, "#730000");
        assert!(p.lit);
        let p = pixel(Color::new(255, 128, 0), 1.0);
        assert_eq!((p.hex.as_str(), p.fill.as_str()), ("ff8000", "#ff8000"));
        assert!(!pixel(Color::new(0, 0, 0), 1.0).lit);
    }

    #[test]
    fn times_and_speeds_read_well() {
        for v in [0, 7, -2, 65535, i32::MIN, i32::MAX] {
            assert_eq!(int(v), v.to_string());
        }
        assert_eq!(seconds(1_234_567), "1.234 s");
        assert_eq!(seconds(0), "0.000 s");
        assert_eq!(seconds_exact(250_030), "0.250030 s");
        assert_eq!(duration(10), "10 µs");
        assert_eq!(duration(1500), "1.5 ms");
        assert_eq!(duration(2_250_000), "2.25 s");
        assert_eq!(speed(1.0), "1×");
        assert_eq!(speed(0.25), "0.25×");
        assert_eq!(speed(100.0), "100×");
        assert_eq!(duration(999_999), "999.999 ms");
        assert_eq!(duration(1_999_600), "2 s");
        assert_eq!(fixed(-0.004, 2), "0.00");
        assert_eq!(fixed(-1.5, 0), "-2");
        assert_eq!(fixed(0.03f32.into(), 3), "0.030");
        // As `{:.N}` writes them, for values that are not halfway.
        for v in [0.0, 0.123, 1.0, 2.5183, -3.0417, 99.994, 12345.678901] {
            for n in 0..=4 {
                assert_eq!(fixed(v, n), format!("{v:.n$}", n = n as usize), "{v} to {n}");
            }
        }
        for v in [0.1, 0.5, 1.0, 2.0, 10.0, 25.0, 100.0] {
            assert_eq!(slider_to_speed(speed_to_slider(v)), v);
        }
        assert_eq!(slider_to_speed(0.01), 1.0);
        assert_eq!(slider_to_speed(-5.0), 0.1);
        assert_eq!(slider_to_speed(0.5), 3.2);
    }

    #[test]
    fn the_inspector_shows_shares_and_states() {
        let mut s = Page::new(Shared::new(DemoId::ButtonInterval));
        for i in 0..30 {
            s.dispatch(crate::state::Action::Frame { dt_ms: 16.0, now_ms: f64::from(i) * 16.0 });
        }
        let (rows, idle) = tasks(&s.driver.tasks(), s.driver.display_us());
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["main", "blink", "monitor_interval_buttons"]);
        assert_eq!(rows[0].state, "waiting");
        assert_eq!(rows[1].state, "sleeping");
        assert!(rows[1].until.is_some());
        // The button task runs about every 20 µs (its poll and blink's share the CPU).
        assert!(rows[2].polls > 1000, "{}", rows[2].polls);
        assert!(rows[2].share_permille > 900, "{}", rows[2].share_permille);
        assert!(idle < 100);
    }

    #[test]
    fn fields_show_drafts_and_hints() {
        let mut s = Page::default();
        s.dispatch(crate::state::Action::SetParam { key: "count1".into(), text: "0".into() });
        let f = param_fields(&s);
        let count = f.iter().find(|f| f.key == "count1").unwrap();
        assert_eq!(count.text, "0");
        assert!(count.error.as_deref().unwrap().contains("must be from 1 to 1000"));
        assert_eq!(count.hint, "1 to 1000");
        let interval = f.iter().find(|f| f.key == "interval1").unwrap();
        assert_eq!(interval.text, "0.25");
        assert_eq!(interval.hint, "above 0, at most 60 s");
        assert!(f.iter().find(|f| f.key == "led1").unwrap().is_pin);
    }
}
