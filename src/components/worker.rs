//! The worker, at the edge: starts a run's Web Worker (`src/js/python.js`) — a Python
//! program, or a Rust demo that blocks —, turns its messages into [`Action::Worker`]s, reads
//! its shared memory for [`Action::Probe`], and passes it what the reducer says it is owed
//! (credit, presses: `Effect::Worker`). The reducer never touches the worker, and the worker
//! never the state.

use crate::remote::{Probe, Program, Remote, Status, WorkerMsg};
use crate::state::Action;
use baton_host::wire;
use baton_sim::inputs::Input;
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
    fn input(this: &WorkerRun, pin: &str, code: u8, value: i32) -> bool;
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
        let prefix = if remote.program.is_python() { "code.py line 0: " } else { "" };
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |data: JsValue| {
            // A message the page refuses ends the run with the reason (baton_host::wire).
            let msg = wire::decode(&data).unwrap_or_else(|why| WorkerMsg::Error {
                text: format!("{prefix}the page refused a message from the worker: {why}"),
                at_us: None,
            });
            on_msg.emit(Action::Worker { run_id, msg });
        });
        let (bounce_us, bounce_count) = remote.bounce.map_or((0.0, 0), |b| (b.duration_us as f64, b.count));
        let (kind, text, params) = match &remote.program {
            Program::Python(source) => ("python", source.as_str(), ""),
            Program::Demo { demo, params } => ("demo", demo.id(), params.as_str()),
            Program::Yours => ("demo", crate::examples::YOURS, ""),
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

    /// Reads the worker's shared memory, while `remote`'s run goes on.
    pub fn probe(&self, remote: &Remote) -> Option<Probe> {
        let run = self.run.as_ref()?;
        if !matches!(remote.status(), Status::Loading | Status::Running) {
            return None;
        }
        Some(Probe {
            now_us: run.now_us(),
            want_us: run.want_us(),
            heartbeat: run.heartbeat(),
            waiting: run.waiting(),
            current: run.current(),
        })
    }

    /// Passes the worker what it is owed ([`crate::state::Effect::Worker`]): credit to
    /// `credit_us`, and `inputs`.
    pub fn send(&self, credit_us: u64, inputs: &[Input]) {
        let Some(run) = self.run.as_ref() else { return };
        run.grant(credit_us as f64);
        for input in inputs {
            let (pin, code, value) = wire::slot(input);
            // A full queue (64 unread inputs) drops the input, as a busy board would.
            let _ = run.input(&pin.to_string(), code, value);
        }
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
