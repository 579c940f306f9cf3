//! The timeline: a scrolling logic-analyzer view on a canvas — one lane per task showing when
//! it ran, one lane per pin, one for NeoPixel frames, and the current time at the right.
//!
//! It is drawn straight onto the canvas after each frame ([`draw`]), outside Yew's diffing.

use crate::driver::Driver;
use crate::view;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};
use yew::prelude::*;

/// The windows a person can pick, µs.
pub const WINDOWS: &[(u64, &str)] =
    &[(20_000, "20 ms"), (200_000, "0.2 s"), (1_000_000, "1 s"), (3_000_000, "3 s"), (10_000_000, "10 s")];
/// The window a page starts with.
pub const DEFAULT_WINDOW_US: u64 = 3_000_000;

const LANE_H: f64 = 20.0;
const LABEL_W: f64 = 168.0;
const AXIS_H: f64 = 20.0;
const PALETTE: &[&str] = &["#5eb3ff", "#ffb347", "#7ee081", "#ff7eb6", "#c39bff", "#5fe3d6", "#ffd84d", "#ff8a65"];

/// The timeline's props.
#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    /// The canvas, drawn by [`draw`].
    pub canvas: NodeRef,
    /// The window shown, µs.
    pub window_us: u64,
    /// A new window.
    pub on_window: Callback<u64>,
}

/// The timeline's frame: a canvas and a window picker.
#[component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let onchange = props.on_window.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        select.value().parse().unwrap_or(DEFAULT_WINDOW_US)
    });
    html! {
        <>
            <div class="timeline-head">
                <label for="window">{ "Window" }</label>
                <select id="window" onchange={onchange}>
                    { for WINDOWS.iter().map(|(us, name)| html! {
                        <option value={us.to_string()} selected={*us == props.window_us}>{ *name }</option>
                    }) }
                </select>
                <span class="hint">{ "Task lanes: a bar while the task has the CPU. Pin lanes: high up, low down." }</span>
            </div>
            <canvas class="timeline" ref={props.canvas.clone()} role="img"
                aria-label="Timeline: when each task ran and each pin's level, most recent at the right" />
        </>
    }
}

/// Draws the last `window_us` up to the display time onto `canvas`.
pub fn draw(canvas: &HtmlCanvasElement, driver: &Driver, window_us: u64) {
    let Some(ctx) = canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let tasks = driver.tasks();
    let tl = driver.timeline();
    let has_frames = !tl.frames.is_empty();
    let lanes = tasks.len() + tl.pins.len() + usize::from(has_frames);
    let css_w = f64::from(canvas.client_width()).max(200.0);
    let css_h = AXIS_H + LANE_H * lanes.max(1) as f64 + 6.0;
    let dpr = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).clamp(1.0, 3.0);
    let (w, h) = ((css_w * dpr).round() as u32, (css_h * dpr).round() as u32);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
        // Whole pixels (lanes are 20 px): no float printing in the page.
        let _ = canvas.style().set_property("height", &format!("{}px", css_h as u32));
    }
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_fill_style_str("#10141b");
    ctx.fill_rect(0.0, 0.0, css_w, css_h);

    let now = driver.display_us();
    // The cursor sits a little left of the right edge.
    let plot_w = (css_w - LABEL_W - 12.0).max(50.0);
    let t1 = now as f64 + window_us as f64 * 0.04;
    let t0 = t1 - window_us as f64;
    let x_of = |t: f64| LABEL_W + (t - t0) / window_us as f64 * plot_w;

    // Axis and grid.
    let step = nice_step(window_us as f64 / 6.0);
    ctx.set_font("11px system-ui, sans-serif");
    ctx.set_text_baseline("middle");
    let mut t = (t0 / step).ceil() * step;
    while t <= t1 {
        let x = x_of(t);
        ctx.set_fill_style_str("#232a35");
        ctx.fill_rect(x, AXIS_H, 1.0, css_h - AXIS_H);
        if t >= 0.0 {
            ctx.set_fill_style_str("#8b96a8");
            let _ = ctx.fill_text(&view::duration(t as u64), x + 3.0, AXIS_H / 2.0);
        }
        t += step;
    }

    let lane_y = |i: usize| AXIS_H + LANE_H * i as f64;
    let label = |i: usize, text: &str, color: &str| {
        ctx.set_fill_style_str(color);
        let _ = ctx.fill_text(text, 8.0, lane_y(i) + LANE_H / 2.0);
    };
    let mut lane = 0;

    // Task lanes. Spans are in time order and never overlap: skip to the window.
    let first = tl.spans.partition_point(|s| (s.end_us as f64) < t0);
    for (k, task) in tasks.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        label(lane, &format!("{} #{}", task.name, task.id), color);
        ctx.set_fill_style_str(color);
        let y = lane_y(lane) + 4.0;
        let mut run: Option<(f64, f64)> = None;
        // And a poll under way that a worker has reported, up to the display time.
        let open = tl.open.filter(|s| s.task == task.id);
        for span in tl.spans.range(first..).chain(open.iter()).filter(|s| s.task == task.id) {
            if span.start_us > now {
                break;
            }
            let a = x_of(span.start_us as f64).max(LABEL_W);
            let b = x_of(span.end_us.min(now) as f64).max(a + 1.0);
            run = match run {
                Some((ra, rb)) if a <= rb + 0.5 => Some((ra, rb.max(b))),
                Some((ra, rb)) => {
                    ctx.fill_rect(ra, y, rb - ra, LANE_H - 8.0);
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        if let Some((ra, rb)) = run {
            ctx.fill_rect(ra, y, rb - ra, LANE_H - 8.0);
        }
        lane += 1;
    }

    // Pin lanes, logic-analyzer style.
    for (pin, track) in &tl.pins {
        let color = if track.input { "#ffd84d" } else { "#7ee081" };
        let kind = if track.input { "button" } else { "out" };
        label(lane, &format!("{pin} ({kind})"), color);
        let y_hi = lane_y(lane) + 4.0;
        let y_lo = lane_y(lane) + LANE_H - 4.0;
        ctx.set_stroke_style_str(color);
        ctx.set_line_width(1.5);
        ctx.begin_path();
        let mut level = track.level_at(t0.max(0.0) as u64);
        let start_x = x_of(t0.max(0.0)).max(LABEL_W);
        let y_of = |l: Option<bool>| if l == Some(true) { y_hi } else { y_lo };
        ctx.move_to(start_x, y_of(level));
        for &(t, v) in track.changes.iter().filter(|(t, _)| (*t as f64) > t0 && *t <= now) {
            let x = x_of(t as f64);
            ctx.line_to(x, y_of(level));
            ctx.line_to(x, y_of(Some(v)));
            level = Some(v);
        }
        ctx.line_to(x_of(now as f64), y_of(level));
        ctx.stroke();
        lane += 1;
    }

    // NeoPixel frames.
    if has_frames {
        label(lane, "NeoPixel show()", "#c39bff");
        ctx.set_fill_style_str("#c39bff");
        let y = lane_y(lane) + 5.0;
        let mut last_x = f64::NEG_INFINITY;
        for &(t, _) in tl.frames.iter().filter(|(t, _)| (*t as f64) >= t0 && *t <= now) {
            let x = x_of(t as f64).floor();
            if x > last_x {
                ctx.fill_rect(x, y, 1.0, LANE_H - 10.0);
                last_x = x;
            }
        }
    }

    // The current time.
    let x = x_of(now as f64);
    ctx.set_fill_style_str("#ff5d5d");
    ctx.fill_rect(x, AXIS_H - 4.0, 1.5, css_h - AXIS_H + 4.0);
    // Lane separators over the label column.
    ctx.set_fill_style_str("#1b212b");
    for i in 0..=lanes {
        ctx.fill_rect(0.0, lane_y(i), css_w, 1.0);
    }
}

/// A round step (1, 2 or 5 × 10ⁿ µs) near `raw`.
fn nice_step(raw: f64) -> f64 {
    let p = crate::math::pow10(crate::math::log10(raw.max(1.0)).floor());
    let m = raw / p;
    p * if m < 1.5 {
        1.0
    } else if m < 3.5 {
        2.0
    } else if m < 7.5 {
        5.0
    } else {
        10.0
    }
}
