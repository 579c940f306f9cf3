//! Run, pause, step, reset, speed, poll cost, bounce, record and share.

use crate::state::{Action, Draft};
use crate::view;
use baton_sim::Bounce;
use yew::prelude::*;

/// The controls' props.
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// Whether virtual time runs.
    pub running: bool,
    /// × real time.
    pub speed: f64,
    /// The poll cost in µs.
    pub poll_cost_us: u64,
    /// A refused poll cost.
    pub poll_cost_draft: Option<Draft>,
    /// Whether buttons bounce.
    pub bounce_on: bool,
    /// The bounce setting.
    pub bounce: Bounce,
    /// A refused bounce: (duration, count, why).
    pub bounce_draft: Option<(String, String, String)>,
    /// Whether inputs (presses, readings, turns) are being recorded.
    pub recording: bool,
    /// Inputs recorded (or loaded from a link): presses, potentiometer readings, knob turns.
    pub recorded: usize,
    /// The share link, once made.
    pub share_url: Option<String>,
    /// Whether to offer the demo's firmware (Rust mode: Python mode offers code.py instead).
    #[prop_or(true)]
    pub firmware: bool,
    /// Where actions go.
    pub dispatch: Callback<Action>,
}

/// The controls.
#[component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let d = &props.dispatch;
    let run_label = if props.running { "Pause" } else { "Run" };
    let speed_input = d.reform(|e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        // The range input's number as the browser reads it (the page has no float parser of
        // its own: see link::parse_speed); NaN (never, for a range) would clamp to the slowest.
        let pos = input.value_as_number();
        Action::SetSpeed(view::slider_to_speed(if pos.is_nan() { 0.0 } else { pos }))
    });
    let cost_change = d.reform(|e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Action::SetPollCost(input.value())
    });
    let cost_text = props.poll_cost_draft.as_ref().map_or_else(|| props.poll_cost_us.to_string(), |d| d.text.clone());
    let (bounce_ms, bounce_count) = match &props.bounce_draft {
        Some((ms, n, _)) => (ms.clone(), n.clone()),
        None => (trim_ms(props.bounce.duration_us), props.bounce.count.to_string()),
    };
    // Every bounce control sends all three values, read from the form.
    let bounce_change = d.reform(|e: Event| {
        let target: web_sys::Element = e.target_unchecked_into();
        let form = target.closest("fieldset").ok().flatten();
        let get = |name: &str| -> Option<web_sys::HtmlInputElement> {
            use wasm_bindgen::JsCast;
            form.as_ref()?.query_selector(&format!("[name={name}]")).ok().flatten()?.dyn_into().ok()
        };
        Action::SetBounce {
            on: get("bounce").is_some_and(|i| i.checked()),
            duration_ms: get("bounce-ms").map(|i| i.value()).unwrap_or_default(),
            count: get("bounce-count").map(|i| i.value()).unwrap_or_default(),
        }
    });
    let copy = d.reform(|_: MouseEvent| Action::CopyLink { base: base_url() });
    html! {
        <div class="controls">
            <div class="row transport" role="toolbar" aria-label="Run controls">
                <button type="button" class="primary" onclick={d.reform(|_| Action::TogglePause)} aria-keyshortcuts="p">
                    <span aria-hidden="true" class="icon">{ if props.running { "❚❚" } else { "▶" } }</span>
                    { run_label } <kbd>{ "P" }</kbd>
                </button>
                <button type="button" onclick={d.reform(|_| Action::Step)} aria-keyshortcuts="n"
                    title="Pause and run one task poll">
                    <span aria-hidden="true" class="icon">{ "⇥" }</span>{ "Step" } <kbd>{ "N" }</kbd>
                </button>
                <button type="button" onclick={d.reform(|_| Action::Reset)} aria-keyshortcuts="r"
                    title="Restart the demo from 0 s">
                    <span aria-hidden="true" class="icon">{ "↺" }</span>{ "Reset" } <kbd>{ "R" }</kbd>
                </button>
            </div>
            <div class="row speed">
                <label for="speed">{ "Speed" }</label>
                <input id="speed" type="range" min="-1" max="2" step="0.01"
                    value={view::fixed(view::speed_to_slider(props.speed), 2)} oninput={speed_input}
                    aria-valuetext={view::speed(props.speed)} />
                <output for="speed">{ view::speed(props.speed) }</output>
            </div>
            <details class="settings">
                <summary>{ "Timing and switch bounce" }</summary>
                <div class="field">
                    <label for="poll-cost">{ "Cost of one task poll (µs)" }</label>
                    <input id="poll-cost" type="text" inputmode="numeric" value={cost_text} onchange={cost_change}
                        aria-describedby="poll-cost-hint" aria-invalid={props.poll_cost_draft.is_some().then_some("true")} />
                    <small class="hint" id="poll-cost-hint">{ "Virtual time charged each time the scheduler resumes a task (default 10)." }</small>
                    if let Some(draft) = &props.poll_cost_draft {
                        <p class="error" role="alert">{ draft.error.clone() }</p>
                    }
                </div>
                <fieldset class="bounce">
                    <legend>{ "Switch bounce" }</legend>
                    <label class="check">
                        <input type="checkbox" name="bounce" checked={props.bounce_on} onchange={bounce_change.clone()} />
                        { "Buttons bounce" }
                    </label>
                    <label>{ "for (ms)" }
                        <input type="text" name="bounce-ms" inputmode="decimal" value={bounce_ms} onchange={bounce_change.clone()} />
                    </label>
                    <label>{ "times" }
                        <input type="text" name="bounce-count" inputmode="numeric" value={bounce_count} onchange={bounce_change} />
                    </label>
                    if let Some((_, _, error)) = &props.bounce_draft {
                        <p class="error" role="alert">{ error.clone() }</p>
                    }
                </fieldset>
            </details>
            <div class="row sharing">
                <button type="button" class={classes!("record", props.recording.then_some("on"))}
                    aria-pressed={props.recording.to_string()} onclick={d.reform(|_| Action::ToggleRecord)}
                    aria-keyshortcuts="e" title="Restart and record every button press, for a share link">
                    <span aria-hidden="true" class="icon">{ if props.recording { "■" } else { "●" } }</span>
                    { if props.recording { "Stop recording" } else { "Record" } } <kbd>{ "E" }</kbd>
                </button>
                <button type="button" onclick={copy} aria-keyshortcuts="l">
                    <span aria-hidden="true" class="icon">{ "⇗" }</span>{ "Copy link" } <kbd>{ "L" }</kbd>
                </button>
                if props.recorded > 0 {
                    <span class="hint">{ format!("{} recorded input{}", props.recorded, if props.recorded == 1 { "" } else { "s" }) }</span>
                }
            </div>
            if props.firmware {
            <div class="row firmware" role="group" aria-label="Download firmware for a real board">
                <span class="label">{ "Firmware" }</span>
                { for crate::firmware::BOARDS.iter().enumerate().map(|(i, b)| html! {
                    <button type="button" data-download-board={b.id} onclick={d.reform(move |_| Action::DownloadFirmware(i))}
                        title={format!("Download a UF2 for the {} that runs this demo with these parameters", b.label)}>
                        <span aria-hidden="true" class="icon">{ "⤓" }</span>{ b.label }
                    </button>
                }) }
            </div>
            }
            if let Some(url) = &props.share_url {
                <p class="share-url">{ "Link: " }<a data-share-url="" href={url.clone()}>{ url.clone() }</a></p>
            }
        </div>
    }
}

fn trim_ms(us: u64) -> String {
    let s = format!("{}.{:03}", us / 1000, us % 1000);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/js/browser.js")]
extern "C" {
    /// The page's address without its query (what a share link is made on).
    #[wasm_bindgen(js_name = baseUrl)]
    pub fn base_url() -> String;
}
