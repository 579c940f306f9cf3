//! The virtual board: LEDs, a NeoPixel ring (SVG) and buttons (real `<button>`s); and a
//! Python program's PWM LEDs, potentiometers (an `<input type=range>`) and knobs (turned by
//! their − and + buttons, or the arrow keys).
//!
//! Test hooks: every part has `data-part` (`led`, `button`, `pixel-ring`, `pwm-led`, `pot`,
//! `knob`) and `data-pin`; an LED has `data-on`; each ring pixel has `data-color` (the wire
//! colour, brightness applied, `rrggbb`); a PWM LED, a potentiometer and a knob have
//! `data-value` (the duty cycle, the reading, the detents turned).

use crate::state::Action;
use crate::view::{self, BoardView, ButtonView, LedView, LevelView, RingView};
use baton_board::Pin;
use yew::prelude::*;

/// The board's props.
#[derive(Properties, PartialEq)]
pub struct BoardProps {
    /// What to show.
    pub view: BoardView,
    /// Where presses go.
    pub dispatch: Callback<Action>,
}

/// The board.
#[component(Board)]
pub fn board(props: &BoardProps) -> Html {
    let v = &props.view;
    html! {
        <div class="board" role="group" aria-label="Virtual board">
            <div class="board-silk" aria-hidden="true">{ "BATON · VIRTUAL BOARD" }</div>
            if !v.rings.is_empty() {
                <div class="rings">
                    { for v.rings.iter().map(ring) }
                </div>
            }
            if !v.leds.is_empty() {
                <div class="leds">
                    { for v.leds.iter().map(led) }
                </div>
            }
            if !v.pots.is_empty() || !v.knobs.is_empty() {
                <div class="controls-row">
                    { for v.pots.iter().map(|p| pot(p, &props.dispatch)) }
                    { for v.knobs.iter().map(|k| knob(k, &props.dispatch)) }
                </div>
            }
            if !v.buttons.is_empty() {
                <div class="buttons">
                    { for v.buttons.iter().map(|b| button(b, &props.dispatch)) }
                </div>
            }
        </div>
    }
}

/// An `AnalogIn`'s potentiometer: a slider (keyboard-operable) whose label names the pin and
/// the reading. A reading is sent when the slider is let go (or each arrow key), not at every
/// pixel of a drag: a recording, and so a link, stays short.
fn pot(p: &LevelView, dispatch: &Callback<Action>) -> Html {
    let pin = p.pin;
    let value = view::int(p.value);
    let change = dispatch.reform(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Action::Analog(pin, input.value_as_number() as u16)
    });
    html! {
        <label class="pot" data-part="pot" data-pin={pin.to_string()} data-value={value.clone()}>
            <span>{ format!("Potentiometer {pin}: {value}") }</span>
            <input type="range" min="0" max="65535" {value} onchange={change} />
        </label>
    }
}

/// An `IncrementalEncoder`'s knob: − and + turn it a detent (so do the arrow keys while one
/// of them has the focus); it shows the detents turned since the run began.
fn knob(k: &LevelView, dispatch: &Callback<Action>) -> Html {
    let pin = k.pin;
    let turn = |steps| dispatch.reform(move |_: MouseEvent| Action::Turn(pin, steps));
    let keys = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            let steps = match e.key().as_str() {
                "ArrowRight" | "ArrowUp" => 1,
                "ArrowLeft" | "ArrowDown" => -1,
                _ => return,
            };
            e.prevent_default();
            dispatch.emit(Action::Turn(pin, steps));
        })
    };
    let name = format!("Knob on {pin} and {}", k.pin_b.map_or(String::new(), |b| b.to_string()));
    let value = view::int(k.value);
    html! {
        <div class="knob" role="group" aria-label={name.clone()} data-part="knob" data-pin={pin.to_string()}
            data-value={value.clone()} onkeydown={keys}>
            <button type="button" onclick={turn(-1)} aria-label="Turn anticlockwise">{ "−" }</button>
            <span class="dial" aria-hidden="true" style={format!("--turn:{}deg", view::int(k.value % 20 * 18))}></span>
            <button type="button" onclick={turn(1)} aria-label="Turn clockwise">{ "+" }</button>
            <output>{ format!("{name}: {value}") }</output>
        </div>
    }
}

/// An LED; a `PWMOut`'s is as bright as its duty cycle (the CSS reads `--duty`, a percentage).
fn led(l: &LedView) -> Html {
    let percent = l.duty.map(|d| view::int(d * 100 / 65535));
    let state = match &percent {
        Some(p) => format!("duty cycle {p} %"),
        None => if l.on { "on" } else { "off" }.into(),
    };
    let label = if l.label.is_empty() {
        format!("LED on {}: {state}", l.pin)
    } else {
        format!("{} on {}: {state}", l.label, l.pin)
    };
    html! {
        <figure class={classes!("led", l.on.then_some("on"), l.duty.map(|_| "pwm"))}
            data-part={if l.duty.is_some() { "pwm-led" } else { "led" }} data-pin={l.pin.to_string()}
            data-on={l.on.to_string()} data-value={l.duty.map(view::int)}
            style={percent.map(|p| format!("--duty:{p}%"))}>
            <svg viewBox="-20 -20 40 40" role="img" aria-label={label}>
                <circle class="led-glow" r="19" />
                <circle class="led-body" r="11" />
                <circle class="led-shine" cx="-4" cy="-4" r="3" />
            </svg>
            <figcaption><strong>{ l.pin.to_string() }</strong><span>{ l.label.clone() }</span></figcaption>
        </figure>
    }
}

fn ring(r: &RingView) -> Html {
    let n = r.pixels.len().max(1);
    let radius = 96.0;
    let pixel_r = (std::f64::consts::PI * radius / n as f64 * 0.72).clamp(1.5, 11.0);
    let at = |i: usize| {
        let a = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        let (sin, cos) = crate::math::sin_cos(a);
        (radius * cos, radius * sin)
    };
    let lit = r.pixels.iter().filter(|p| p.lit).count();
    let label = format!(
        "NeoPixel ring on {}: {} pixels, {lit} lit, brightness {}",
        r.pin,
        r.pixels.len(),
        view::trim(view::fixed(f64::from(r.brightness), 3))
    );
    html! {
        <figure class="ring">
            <svg class="pixel-ring" data-part="pixel-ring" data-pin={r.pin.to_string()} viewBox="-125 -125 250 250"
                role="img" aria-label={label}>
                <circle class="ring-pcb" r="112" />
                <circle class="ring-hole" r="78" />
                <g class="halos" aria-hidden="true">
                    { for r.pixels.iter().enumerate().filter(|(_, p)| p.lit).map(|(i, p)| {
                        let (x, y) = at(i);
                        html! { <circle cx={fmt(x)} cy={fmt(y)} r={fmt(pixel_r * 1.9)} fill={p.fill.clone()} /> }
                    }) }
                </g>
                { for r.pixels.iter().enumerate().map(|(i, p)| {
                    let (x, y) = at(i);
                    html! {
                        <circle class="pixel" data-color={p.hex.clone()} cx={fmt(x)} cy={fmt(y)} r={fmt(pixel_r)}
                            fill={if p.lit { p.fill.clone() } else { "#2a2d33".to_string() }} />
                    }
                }) }
            </svg>
            <figcaption><strong>{ r.pin.to_string() }</strong><span>{ format!("NeoPixel × {}", r.pixels.len()) }</span></figcaption>
        </figure>
    }
}

fn fmt(v: f64) -> String {
    view::fixed(v, 2)
}

fn button(b: &ButtonView, dispatch: &Callback<Action>) -> Html {
    let pin: Pin = b.pin;
    let press = dispatch.reform(move |_: PointerEvent| Action::Press(pin));
    let release = dispatch.reform(move |_: PointerEvent| Action::Release(pin));
    let key_press = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if (e.key() == " " || e.key() == "Enter") && !e.repeat() {
                e.prevent_default();
                dispatch.emit(Action::Press(pin));
            }
        })
    };
    let key_release = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == " " || e.key() == "Enter" {
                e.prevent_default();
                dispatch.emit(Action::Release(pin));
            }
        })
    };
    let blur = dispatch.reform(move |_: FocusEvent| Action::Release(pin));
    let no_menu = Callback::from(|e: MouseEvent| e.prevent_default());
    let key_hint = b.key.map(|k| format!(", key {k}")).unwrap_or_default();
    let aria = format!("Button {} ({}){key_hint}", b.pin, b.label);
    html! {
        <button type="button" class={classes!("hw-button", b.held.then_some("held"), b.low.then_some("low"))}
            data-part="button" data-pin={b.pin.to_string()} aria-label={aria}
            aria-keyshortcuts={b.key.map(|k| k.to_string())}
            onpointerdown={press} onpointerup={release.clone()} onpointerleave={release.clone()}
            onpointercancel={release} onkeydown={key_press} onkeyup={key_release} onblur={blur}
            oncontextmenu={no_menu}>
            <span class="cap" aria-hidden="true"></span>
            <span class="pin">{ b.pin.to_string() }</span>
            <span class="what">{ b.label.clone() }</span>
            if let Some(k) = b.key {
                <kbd>{ k }</kbd>
            }
        </button>
    }
}
