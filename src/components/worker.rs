//! The worker, at the edge: starts a run's Web Worker (`src/js/python.js`) — a Python
//! program, or a Rust demo that blocks —, turns its messages into [`Action::Worker`]s and
//! passes it what the [`Remote`] owes it (credit, presses). The reducer never touches the
//! worker.

use crate::remote::{Probe, Program, Remote, Status, WorkerMsg};
use crate::state::Action;
use baton_board::neopixel::Color;
use baton_board::Pin;
use baton_sim::{InputEvent, TraceEvent};
use wasm_bindgen::prelude::*;
use yew::Callback;

#[wasm_bindgen(module = "/src/js/python.js")]
extern "C" {
    type WorkerRun;

    #[wasm_bindgen(constructor, catch)]
    fn new(
        kind: &str,
        text: &str,
        params: &str,
        poll_cost_us: f64,
        bounce_us: f64,
        bounce_count: u32,
        inputs: &str,
        on_message: &js_sys::Function,
    ) -> Result<WorkerRun, JsValue>;
    #[wasm_bindgen(method)]
    fn grant(this: &WorkerRun, credit_us: f64);
    #[wasm_bindgen(method)]
    fn press(this: &WorkerRun, pin: &str, pressed: bool) -> bool;
    #[wasm_bindgen(method, js_name = nowUs)]
    fn now_us(this: &WorkerRun) -> f64;
    #[wasm_bindgen(method, js_name = wantUs)]
    fn want_us(this: &WorkerRun) -> f64;
    #[wasm_bindgen(method)]
    fn heartbeat(this: &WorkerRun) -> i32;
    #[wasm_bindgen(method)]
    fn waiting(this: &WorkerRun) -> bool;
    #[wasm_bindgen(method)]
    fn current(this: &WorkerRun) -> i32;
    #[wasm_bindgen(method)]
    fn stop(this: &WorkerRun);

    /// Loads the editor and mounts it in `parent`; resolves to its handle.
    #[wasm_bindgen(catch, js_name = mountEditor)]
    pub async fn mount_editor(
        parent: &web_sys::Element,
        doc: &str,
        on_change: &js_sys::Function,
    ) -> Result<JsValue, JsValue>;
}

/// A run's worker.
pub struct Worker {
    run: Option<WorkerRun>,
    /// The run it belongs to ([`crate::state::State::run_id`]).
    pub run_id: u64,
    _on_message: Closure<dyn FnMut(JsValue)>,
}

impl Worker {
    /// Starts the worker for `remote`'s program. A page that cannot run it (not cross-origin
    /// isolated: Python mode only, a Rust demo then runs in the page) gets an error message
    /// instead, through `dispatch`.
    pub fn start(remote: &Remote, run_id: u64, dispatch: Callback<Action>) -> Worker {
        let on_msg = dispatch.clone();
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |data: JsValue| {
            if let Some(msg) = decode(&data) {
                on_msg.emit(Action::Worker { run_id, msg });
            }
        });
        let (bounce_us, bounce_count) = remote.bounce.map_or((0.0, 0), |b| (b.duration_us as f64, b.count));
        let (kind, text, params) = match &remote.program {
            Program::Python(source) => ("python", source.as_str(), ""),
            Program::Demo { demo, params } => ("demo", demo.id(), params.as_str()),
        };
        let run = WorkerRun::new(
            kind,
            text,
            params,
            remote.poll_cost_us as f64,
            bounce_us,
            bounce_count,
            &remote.replay_script(),
            on_message.as_ref().unchecked_ref(),
        );
        let run = match run {
            Ok(run) => Some(run),
            Err(e) => {
                let why = js_sys::Reflect::get(&e, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
                    .unwrap_or_else(|| "the worker could not start".into());
                let text = if remote.program.is_python() { format!("code.py line 0: {why}") } else { why };
                dispatch.emit(Action::Worker { run_id, msg: WorkerMsg::Error { text, at_us: None } });
                None
            }
        };
        Worker { run, run_id, _on_message: on_message }
    }

    /// Passes the worker what `remote` owes it, and reads its shared memory.
    pub fn sync(&self, remote: &mut Remote) -> Option<Probe> {
        let run = self.run.as_ref()?;
        if !matches!(remote.status(), Status::Loading | Status::Running) {
            return None;
        }
        run.grant(remote.credit_us() as f64);
        for (pin, pressed) in remote.take_outbox() {
            // A full queue (64 unread presses) drops the press, as a busy board would.
            let _ = run.press(&pin.to_string(), pressed);
        }
        Some(Probe {
            now_us: run.now_us(),
            want_us: run.want_us(),
            heartbeat: run.heartbeat(),
            waiting: run.waiting(),
            current: run.current(),
        })
    }

    /// Stops the worker (whatever it is doing: a task that never awaits included).
    pub fn stop(&mut self) {
        if let Some(run) = self.run.take() {
            run.stop();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Reads a worker message (see `crates/baton-py/js/worker.mjs`).
fn decode(data: &JsValue) -> Option<WorkerMsg> {
    let get = |key: &str| js_sys::Reflect::get(data, &JsValue::from_str(key)).ok();
    let text = |key: &str| get(key).and_then(|v| v.as_string()).unwrap_or_default();
    Some(match get("type")?.as_string()?.as_str() {
        "ready" => WorkerMsg::Ready,
        "spawn" => WorkerMsg::Spawn {
            id: get("id")?.as_f64()? as u32,
            task: get("task")?.as_f64()? as u64,
            name: text("name"),
        },
        "trace" => {
            let inputs = get("inputs")
                .map(|v| js_sys::Array::from(&v))
                .map(|a| {
                    a.iter()
                        .filter_map(|e| {
                            let field = |k: &str| js_sys::Reflect::get(&e, &JsValue::from_str(k)).ok();
                            let pin: Pin = field("pin")?.as_string()?.parse().ok()?;
                            let t_us = field("t_us")?.as_f64()? as u64;
                            let pressed = field("pressed")?.as_bool()?;
                            Some(InputEvent { t_us, pin, pressed })
                        })
                        .collect()
                })
                .unwrap_or_default();
            let turns = get("turns")
                .filter(|t| t.is_instance_of::<js_sys::Float64Array>())
                .map(|t| js_sys::Float64Array::from(t).to_vec())
                .unwrap_or_default();
            let (mut events, mut bad) = (Vec::new(), 0);
            for e in get("events").map(|v| js_sys::Array::from(&v)).unwrap_or_default().iter() {
                match event(&e) {
                    Some(e) => events.push(e),
                    None => bad += 1,
                }
            }
            WorkerMsg::Trace { events, bad, parts: text("parts"), inputs, turns }
        }
        "done" => WorkerMsg::Done { at_us: get("t_us").and_then(|v| v.as_f64()).map(|t| t.max(0.0) as u64) },
        "error" => WorkerMsg::Error {
            text: text("text"),
            at_us: get("t_us").and_then(|v| v.as_f64()).map(|t| t.max(0.0) as u64),
        },
        _ => return None,
    })
}

/// Reads one trace event, as the worker parsed it from its JSON line (docs/SIMULATOR.md); an
/// `exception` line reads as a print, which is what the console shows.
fn event(e: &JsValue) -> Option<TraceEvent> {
    let field = |k: &str| js_sys::Reflect::get(e, &JsValue::from_str(k)).ok();
    let t_us = field("t_us")?.as_f64()? as u64;
    let pin = || field("pin")?.as_string()?.parse::<Pin>().ok();
    Some(match field("kind")?.as_string()?.as_str() {
        "pin" => TraceEvent::Pin { t_us, pin: pin()?, value: field("value")?.as_bool()? },
        "input" => TraceEvent::Input { t_us, pin: pin()?, value: field("value")?.as_bool()? },
        "print" | "exception" => TraceEvent::Print { t_us, text: field("text")?.as_string()? },
        "pixels" => {
            let colors = js_sys::Array::from(&field("colors")?)
                .iter()
                .map(|c| {
                    let rgb = u32::from_str_radix(&c.as_string()?, 16).ok()?;
                    Some(Color { r: (rgb >> 16) as u8, g: (rgb >> 8) as u8, b: rgb as u8 })
                })
                .collect::<Option<Vec<_>>>()?;
            TraceEvent::Pixels { t_us, pin: pin()?, brightness: field("brightness")?.as_f64()? as f32, colors }
        }
        _ => return None,
    })
}
