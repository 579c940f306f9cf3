//! The Yew app: owns the [`Page`] (the state and the engine of its run), turns events and
//! animation frames into [`Action`]s, does the effects the page returns, and lays out the
//! components.

use crate::components::board::Board;
use crate::components::console::{Console, Lines};
use crate::components::controls::{base_url, Controls};
use crate::components::editor::Editor;
use crate::components::inspector::Inspector;
use crate::components::params::ParamsForm;
use crate::components::picker::Picker;
use crate::components::source::Source;
use crate::components::timeline::{self, Timeline, DEFAULT_WINDOW_US};
use crate::components::worker::Worker;
use crate::examples;
use crate::page::Page;
use crate::remote::Status;
use crate::state::{Action, Effect, Language};
use crate::view;
use gloo_events::EventListener;
use gloo_render::{request_animation_frame, AnimationFrame};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[wasm_bindgen(module = "/src/js/browser.js")]
extern "C" {
    /// Puts `text` on the clipboard if the browser allows (a refusal is quietly ignored).
    #[wasm_bindgen(js_name = copyText)]
    fn copy_to_clipboard(text: &str);
    /// Hands `data` (a string or a `Uint8Array`) to the browser to save as `name`, of MIME type `kind`.
    #[wasm_bindgen(catch, js_name = saveFile)]
    fn save_file(name: &str, data: &JsValue, kind: &str) -> Result<(), JsValue>;
}

#[wasm_bindgen(module = "/src/js/program.js")]
extern "C" {
    /// Your own Rust program's name, once the page has read its manifest ("" until then, and
    /// without one): `cargo xtask serve --program` (xtask/src/program.rs).
    #[wasm_bindgen(js_name = programName)]
    fn program_name() -> String;
}

/// Mounts the playground on the page's `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    yew::Renderer::<App>::new().render();
}

/// What the app reacts to.
pub enum Msg {
    /// A user action.
    Action(Action),
    /// An animation frame, at this `performance.now()` time (ms).
    Frame(f64),
    /// A key went down or up anywhere on the page.
    Key {
        /// `KeyboardEvent.key`.
        key: String,
        /// Down (`true`) or up.
        down: bool,
    },
    /// The timeline's window changed (µs).
    Window(u64),
}

/// The root component.
pub struct App {
    /// The page: its state and its run's engine.
    state: Page,
    dispatch: Callback<Action>,
    on_window: Callback<u64>,
    frame: Option<AnimationFrame>,
    last_ts: Option<f64>,
    canvas: NodeRef,
    window_us: u64,
    console: Lines,
    painted: bool,
    /// The worker of the current run (Python mode, or a blocking Rust demo).
    worker: Option<Worker>,
    _listeners: Vec<EventListener>,
    /// What the board link says, as actions ([`crate::components::board_link::listen`]).
    _board: Closure<dyn FnMut(JsValue)>,
    /// Whether the page showed your board after the last action.
    watching: bool,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
        let mut state = Page::from_query(&query);
        // A cross-origin isolated page can run workers (shared memory): Python mode, and the
        // guide's blocking Rust demos across frames.
        let isolated = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("crossOriginIsolated"))
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let workers = state.set_workers(isolated);
        let mut listeners = Vec::new();
        if let Some(window) = web_sys::window() {
            if let Some(document) = window.document() {
                for (name, down) in [("keydown", true), ("keyup", false)] {
                    let link = ctx.link().clone();
                    listeners.push(EventListener::new(&document, name, move |e| {
                        let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                        if e.ctrl_key() || e.meta_key() || e.alt_key() || (down && e.repeat()) || in_field(e) {
                            return;
                        }
                        link.send_message(Msg::Key { key: e.key(), down });
                    }));
                }
            }
            let link = ctx.link().clone();
            listeners
                .push(EventListener::new(&window, "blur", move |_| link.send_message(Msg::Action(Action::ReleaseAll))));
        }
        let mut app = App {
            console: lines(&state),
            state,
            dispatch: ctx.link().callback(Msg::Action),
            on_window: ctx.link().callback(Msg::Window),
            frame: None,
            last_ts: None,
            canvas: NodeRef::default(),
            window_us: DEFAULT_WINDOW_US,
            painted: false,
            worker: None,
            _listeners: listeners,
            _board: crate::components::board_link::listen(ctx.link().callback(Msg::Action)),
            watching: false,
        };
        // What opening the page's link owes (its code to inflate, the guide's programs).
        app.perform(workers);
        let owed = app.state.owed();
        app.perform(owed);
        app.sync_edge();
        app.request_frame(ctx);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Frame(ts) => {
                let dt = self.last_ts.map_or(0.0, |last| ts - last);
                self.last_ts = Some(ts);
                // Where the worker has got to since the last frame, before this frame's
                // display time is compared with it (read just after granting, the worker's
                // time would be a frame old, and the display would wait for it).
                self.sync_worker();
                let effect = self.state.frame(dt, ts, &mut frame_budget(ts));
                self.perform(effect);
                self.request_frame(ctx);
                if !self.painted {
                    self.painted = true;
                    mark("board-painted");
                } else if !self.state.running && self.state.remote().is_none() {
                    // Paused: nothing moves until an action (a worker may still be
                    // finishing a step).
                    return false;
                }
            }
            Msg::Action(action) => {
                let effect = self.state.dispatch(action);
                self.perform(effect);
            }
            Msg::Key { key, down } => {
                if !self.key(&key, down) {
                    return false;
                }
            }
            Msg::Window(us) => self.window_us = us,
        }
        self.sync_edge();
        if self.console.run_id != self.state.run_id || self.console.total != self.state.driver.console_total() {
            self.console = lines(&self.state);
        }
        self.draw_timeline();
        true
    }

    fn view(&self, _ctx: &Context<Self>) -> Html {
        let s = &self.state;
        let d = &s.driver;
        let info = s.demo().info();
        let python = s.language == Language::Python;
        let live = d.board_run();
        let title = match (python, s.yours) {
            _ if live.is_some() => format!("Your board: {}", info.title),
            (true, true) => "Your program".to_string(),
            (true, false) => format!("{} — code.py", info.title),
            (false, true) => format!("Your program: {}", program_name()),
            _ => info.title.to_string(),
        };
        let description = match (python, s.yours) {
            (true, true) => {
                "Your CircuitPython program, run by MicroPython in your browser and scheduled by Baton: \
                 edit it and press Run. The board shows the LEDs, buttons and NeoPixels it creates."
            }
            (true, false) => {
                "The guide's CircuitPython program, run by MicroPython in your browser and scheduled by Baton: \
                 edit it and press Run. The board shows what the program creates."
            }
            (false, true) => {
                "Your crate's main, built by cargo xtask serve --program, on the virtual board: \
                 the board shows the LEDs and buttons it creates."
            }
            _ => info.description,
        };
        let section = if s.yours { "" } else { info.section.title() };
        let python_error = s.python_error().map(examples::error_line);
        let (rows, idle) = view::tasks(&d.tasks(), d.display_us());
        let stats = d.stats();
        let loading = s.remote().is_some_and(|r| *r.status() == Status::Loading);
        // Over the last second, well short of the speed asked (a frame that caught up on its
        // own would otherwise say "running" while the page as a whole lags).
        let slow = stats.achieved_speed.is_some_and(|v| v < 0.9 * s.speed);
        let stopped = s.remote().and_then(|r| r.stopped());
        let status = if loading && python {
            "loading MicroPython…".to_string()
        } else if loading {
            "starting the worker…".to_string()
        } else if let Some((at, started)) = stopped {
            // Its clock stays where it stopped (Remote::now_us); the error says why.
            if started {
                format!("stopped at {}", view::seconds_exact(at))
            } else {
                "the program could not start".to_string()
            }
        } else if let Some(b) = live {
            match s.running {
                true => format!("live from your {}", b.board),
                false => "paused (your board runs on)".to_string(),
            }
        } else if !s.running {
            "paused".to_string()
        } else if let Some(end) = d.ended_us().filter(|&end| d.display_us() >= end) {
            // Nothing runs any more; the clock still does.
            format!("the program ended at {}", view::seconds_exact(end))
        } else if stats.behind || slow {
            match stats.achieved_speed {
                Some(v) => format!("behind: the page manages {} of the {} asked", view::speed(v), view::speed(s.speed)),
                None => "behind: the page can't keep up".to_string(),
            }
        } else {
            format!("running at {}", view::speed(s.speed))
        };
        // Only the page's own simulation runs ahead inside a blocking poll; a worker is held to
        // the display time.
        let ahead = s.remote().is_none() && d.sim_us() > d.display_us() + 100_000;
        let dismiss = self.dispatch.reform(|_: MouseEvent| Action::DismissMessages);
        html! {
            <div class="app">
                <header class="top">
                    <div class="brand">
                        <h1><span class="logo" aria-hidden="true">{ "⟳" }</span>{ "Baton playground" }</h1>
                        <p class="tagline">
                            { "Cooperative multitasking for Rust, in the style of CircuitPython's asyncio: \
                               the guide's programs on a virtual board, in your browser." }
                        </p>
                    </div>
                    <Picker demo={s.demo()} language={s.language} yours={s.yours} program={program_name()} dispatch={self.dispatch.clone()} />
                </header>
                if let Some(error) = &s.link_error {
                    <div class="banner error" role="alert" data-link-error="">
                        <strong>{ "This link can't be opened: " }</strong>{ error.clone() }
                        <button type="button" class="dismiss" onclick={dismiss.clone()} aria-label="Dismiss">{ "×" }</button>
                    </div>
                }
                if let Some(notice) = &s.notice {
                    <div class="banner notice" role="status">
                        { notice.clone() }
                        <button type="button" class="dismiss" onclick={dismiss} aria-label="Dismiss">{ "×" }</button>
                    </div>
                }
                if let Some(failure) = d.failure() {
                    <div class="banner error" role="alert">{ format!("The demo stopped: {failure}") }</div>
                }
                <main class="layout">
                    <section class="panel board-panel" aria-labelledby="demo-title">
                        <h2 id="demo-title">{ title }<span class="section">{ section }</span></h2>
                        <p class="description">{ description }</p>
                        <div class="clock" aria-live="off">
                            // Paused (stepping), the clock shows µs: a poll costs 10.
                            <span class="time" title="Virtual time">
                                { if s.running { view::seconds(d.display_us()) } else { view::seconds_exact(d.display_us()) } }
                            </span>
                            <span class={classes!("status", (stats.behind || slow).then_some("behind"), (!s.running).then_some("paused"))}>
                                { status }
                            </span>
                            if ahead {
                                <span class="status ahead">
                                    { format!("inside a blocking poll: the simulation is already at {}", view::seconds(d.sim_us())) }
                                </span>
                            }
                        </div>
                        <Board view={view::board(s)} dispatch={self.dispatch.clone()} />
                        <Controls running={s.running} speed={s.speed} poll_cost_us={s.poll_cost_us}
                            poll_cost_draft={s.poll_cost_draft.clone()} bounce_on={s.bounce_on} bounce={s.bounce}
                            bounce_draft={s.bounce_draft.clone()} recording={s.recording} recorded={s.recorded.len()}
                            share_url={s.share_url.clone()} firmware={!python && !s.yours} dispatch={self.dispatch.clone()} />
                    </section>
                    if python {
                        <section class="panel source-panel" aria-labelledby="source-title">
                            <h2 id="source-title">{ "code.py" }</h2>
                            <div class="code-bar">
                                <button type="button" class="primary" data-part="run"
                                    onclick={self.dispatch.reform(|_: MouseEvent| Action::RunCode)}
                                    title="Run the program from 0 s">{ "▶ Run" }</button>
                                if !s.awaiting_guides && Some(s.code.as_str()) != s.original_program() {
                                    <button type="button" data-part="revert"
                                        onclick={self.dispatch.reform(|_: MouseEvent| Action::RevertCode)}
                                        title={if s.yours { "Put back the starter program and run it" } else { "Put back the guide's program and run it" }}>
                                        { "Revert" }</button>
                                }
                                <button type="button" data-part="download-code"
                                    onclick={self.dispatch.reform(|_: MouseEvent| Action::DownloadCode)}
                                    title="Save the program for a real CircuitPython board">{ "Download code.py" }</button>
                            </div>
                            if let Some((line, message)) = &python_error {
                                <div class="python-error" role="alert" data-part="python-error">
                                    { match line { Some(n) => format!("line {n}: {message}"), None => message.clone() } }
                                </div>
                            }
                            if s.awaiting_guides {
                                <p class="source-note">{ "Loading the guide's Python programs…" }</p>
                            } else {
                                <Editor code={s.code.clone()} error_line={python_error.as_ref().and_then(|(l, _)| *l)}
                                    dispatch={self.dispatch.clone()} />
                            }
                        </section>
                    } else {
                        <section class="panel source-panel" aria-labelledby="source-title">
                            <h2 id="source-title">{ "Source" }</h2>
                            <Source demo={s.demo()} yours={s.yours} />
                        </section>
                    }
                    <section class="panel timeline-panel" aria-labelledby="timeline-title">
                        <h2 id="timeline-title">{ "Timeline" }</h2>
                        <Timeline canvas={self.canvas.clone()} window_us={self.window_us} on_window={self.on_window.clone()} />
                    </section>
                    <section class="panel inspector-panel" aria-labelledby="inspector-title">
                        <h2 id="inspector-title">{ "Scheduler" }</h2>
                        <Inspector rows={rows} idle_permille={idle} time={view::seconds(d.display_us())} />
                    </section>
                    <section class="panel console-panel" aria-labelledby="console-title">
                        <h2 id="console-title">{ "Console" }</h2>
                        <Console lines={self.console.clone()} />
                    </section>
                    if !python && !s.yours {
                        <section class="panel params-panel" aria-labelledby="params-title">
                            <h2 id="params-title">{ "Parameters" }</h2>
                            <ParamsForm fields={view::param_fields(s)} dispatch={self.dispatch.clone()} />
                        </section>
                    }
                    { crate::components::board_link::panel() }
                </main>
                <footer class="foot">
                    <p>
                        <span class="keys">
                            { "Keys: " }<kbd>{ "1" }</kbd>{ "–" }<kbd>{ "9" }</kbd>{ " hold the board's buttons, " }
                            <kbd>{ "P" }</kbd>{ " run/pause, " }<kbd>{ "N" }</kbd>{ " step one poll, " }
                            <kbd>{ "R" }</kbd>{ " reset, " }<kbd>{ "E" }</kbd>{ " record, " }<kbd>{ "L" }</kbd>{ " copy link. " }
                        </span>
                        { "Virtual time follows the simulator's timing model: each task poll costs the poll cost, \
                           and idle time jumps to the next timer." }
                    </p>
                </footer>
            </div>
        }
    }

    fn rendered(&mut self, _ctx: &Context<Self>, first_render: bool) {
        if first_render {
            self.draw_timeline();
        }
    }
}

impl App {
    /// Python mode, at the edge: starts the run's worker, passes it what it is owed, takes a
    /// look at it, and stops it when the run is over (or ran away).
    fn sync_worker(&mut self) {
        let run_id = self.state.run_id;
        let Some(remote) = self.state.remote() else {
            self.worker = None;
            return;
        };
        if self.worker.as_ref().map(|w| w.run_id) != Some(run_id) {
            // Dropping the old worker stops it.
            self.worker = None;
            if *remote.status() == Status::Loading {
                self.worker = Some(Worker::start(remote, run_id, self.dispatch.clone()));
            }
        }
        let probe = self.worker.as_ref().and_then(|w| w.probe(remote));
        if let Some(probe) = probe {
            let now_ms = web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now());
            let effect = self.state.dispatch(Action::Probe { run_id, probe, now_ms });
            self.perform(effect);
        }
        let over = self.state.remote().is_some_and(|r| !matches!(r.status(), Status::Loading | Status::Running));
        if over {
            if let Some(w) = self.worker.as_mut() {
                w.stop();
            }
        }
    }

    /// After every action: the work the reducer asks of the page (it does none itself).
    fn sync_edge(&mut self) {
        // The page left your board for a run of its own (Reset, a parameter, another demo):
        // the board link stops streaming, and says how to watch again.
        let watching = self.state.driver.board_run().is_some();
        if std::mem::replace(&mut self.watching, watching) && !watching {
            crate::components::board_link::stop_watching();
        }
        self.sync_worker();
    }

    /// At the edge: does what the reducer asks (it does none itself). What comes back (a
    /// DEFLATE, the guide's programs, the outcome of a download) comes back as an action.
    fn perform(&mut self, effect: Effect) {
        let dispatch = self.dispatch.clone();
        match effect {
            Effect::None => {}
            Effect::Worker { credit_us, inputs } => {
                if let Some(w) = &self.worker {
                    w.send(credit_us, &inputs);
                }
            }
            Effect::Copy(url) => copy_to_clipboard(&url),
            Effect::Save { name, text } => {
                if let Err(e) = save(&name, &JsValue::from_str(&text), "text/x-python") {
                    dispatch.emit(Action::Notify(format!("Could not save {name}: {e}")));
                }
            }
            Effect::Download { board, params } => wasm_bindgen_futures::spawn_local(async move {
                dispatch.emit(Action::Notify(match download_firmware(board, &params).await {
                    Ok(name) => format!("Saved {name}: copy it to the RPI-RP2 drive of a {}.", board.label),
                    Err(e) => format!("Could not make the firmware: {e}"),
                }));
            }),
            Effect::Deflate(code) => wasm_bindgen_futures::spawn_local(async move {
                dispatch.emit(match crate::deflate::deflate(code.as_bytes()).await {
                    Ok(deflated) => Action::Deflated { code, deflated },
                    Err(e) => Action::Notify(format!("Could not compress the program for a link: {e}")),
                });
            }),
            Effect::Inflate(deflated) => wasm_bindgen_futures::spawn_local(async move {
                let inflated = crate::deflate::inflate(&deflated).await;
                dispatch.emit(Action::Inflated { deflated, inflated });
            }),
            Effect::FetchGuides => wasm_bindgen_futures::spawn_local(async move {
                dispatch.emit(Action::GuidesLoaded(load_guides().await));
            }),
            // Done by the page already (Page::dispatch): its engine is the run's.
            Effect::Engine(_) => {}
        }
    }

    fn request_frame(&mut self, ctx: &Context<Self>) {
        let link = ctx.link().clone();
        self.frame = Some(request_animation_frame(move |ts| link.send_message(Msg::Frame(ts))));
    }

    fn draw_timeline(&self) {
        if let Some(canvas) = self.canvas.cast::<web_sys::HtmlCanvasElement>() {
            timeline::draw(&canvas, &self.state.driver, self.window_us);
        }
    }

    /// A page-wide shortcut; returns whether it did anything.
    fn key(&mut self, key: &str, down: bool) -> bool {
        let board = view::board(&self.state);
        if let Some(b) = board.buttons.iter().find(|b| b.key.is_some_and(|k| k.to_string() == key)) {
            let action = if down { Action::Press(b.pin) } else { Action::Release(b.pin) };
            let effect = self.state.dispatch(action);
            self.perform(effect);
            return true;
        }
        if !down {
            return false;
        }
        let action = match key.to_ascii_lowercase().as_str() {
            "p" => Action::TogglePause,
            "n" => Action::Step,
            "r" => Action::Reset,
            "e" => Action::ToggleRecord,
            "l" => Action::CopyLink { base: base_url() },
            _ => return false,
        };
        let effect = self.state.dispatch(action);
        self.perform(effect);
        true
    }
}

/// How long a frame may spend simulating, ms of wall time.
pub const FRAME_BUDGET_MS: f64 = 8.0;

/// Whether a frame that began at `start_ms` (`performance.now()`) may run more polls: the
/// frame's time budget, on the page's clock (the reducer reads none).
fn frame_budget(start_ms: f64) -> impl FnMut() -> bool {
    let performance = web_sys::window().and_then(|w| w.performance());
    move || performance.as_ref().is_none_or(|p| p.now() < start_ms + FRAME_BUDGET_MS)
}

/// The console's lines, rebuilt only when a line was added or the run changed.
fn lines(state: &Page) -> Lines {
    Lines {
        run_id: state.run_id,
        total: state.driver.console_total(),
        lines: Rc::new(state.driver.console().iter().cloned().collect()),
    }
}

/// Whether a key event happens in a text field, a select or the editor (where keys are typing).
fn in_field(e: &web_sys::KeyboardEvent) -> bool {
    let Some(el) = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return false };
    if el.dyn_ref::<web_sys::HtmlElement>().is_some_and(|h| h.is_content_editable()) {
        return true;
    }
    let tag = el.tag_name().to_ascii_lowercase();
    if tag == "select" || tag == "textarea" {
        return true;
    }
    if tag == "input" {
        let kind = el.get_attribute("type").unwrap_or_default();
        return !matches!(kind.as_str(), "checkbox" | "range" | "button");
    }
    false
}

/// A performance mark (for the first paint of the board).
fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// The guide's Python programs, from [`crate::examples::FILE`] (a JSON object by demo id).
async fn load_guides() -> Result<crate::examples::Guides, String> {
    let url = crate::examples::FILE;
    let response = crate::fetch::fetch_ok(url).await?;
    let text = crate::fetch::text(url, &response).await?;
    let object = js_sys::JSON::parse(&text).map_err(|_| format!("{url}: not JSON"))?;
    crate::examples::Guides::new(|id| js_sys::Reflect::get(&object, &JsValue::from_str(id)).ok()?.as_string())
}

/// Fetches `board`'s prebuilt UF2, writes `params` into its configuration
/// block and hands the file to the browser to save. Returns the file's name.
async fn download_firmware(board: crate::firmware::Board, params: &baton_demos::Params) -> Result<String, String> {
    let asset = board.asset();
    let response = crate::fetch::fetch_ok(&asset)
        .await
        .map_err(|e| format!("{e} (was the firmware built by `cargo xtask serve`?)"))?;
    let bytes = crate::fetch::bytes(&asset, &response).await?;
    let patched = crate::firmware::with_demo(&bytes, params)?;

    let name = board.file_name(params);
    save(&name, &js_sys::Uint8Array::from(patched.as_slice()).into(), "application/octet-stream")?;
    Ok(name)
}

/// Hands `data` to the browser to save as `name`.
fn save(name: &str, data: &JsValue, kind: &str) -> Result<(), String> {
    save_file(name, data, kind).map_err(|_| "the browser would not save it".to_string())
}
