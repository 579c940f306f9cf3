//! The virtual board: LEDs, a NeoPixel ring (SVG) and buttons (real `<button>`s).
//!
//! Test hooks: every part has `data-part` (`led`, `button`, `pixel-ring`) and `data-pin`;
//! an LED has `data-on`; each ring pixel has `data-color` (the wire colour, brightness
//! applied, `rrggbb`).

use crate::state::Action;
use crate::view::{self, BoardView, ButtonView, LedView, RingView};
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
            if !v.buttons.is_empty() {
                <div class="buttons">
                    { for v.buttons.iter().map(|b| button(b, &props.dispatch)) }
                </div>
            }
        </div>
    }
}

fn led(l: &LedView) -> Html {
    let state = if l.on { "on" } else { "off" };
    let label = if l.label.is_empty() {
        format!("LED on {}: {state}", l.pin)
    } else {
        format!("{} on {}: {state}", l.label, l.pin)
    };
    html! {
        <figure class={classes!("led", l.on.then_some("on"))} data-part="led" data-pin={l.pin.to_string()}
            data-on={l.on.to_string()}>
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
