//! The playground's state and its reducer: every user action goes through
//! [`State::dispatch`], apart from any component, so it is tested natively.
//!
//! The state is plain data, and the reducer reads no clock and runs nothing: what it wants
//! done comes back as an [`Effect`], a run to start or a press for the run's engine among
//! them ([`Engine`]). The engines (a simulation, a worker's run, your board's stream) belong
//! to the page ([`crate::page::Page`]), which does what the reducer asks and hands their
//! answers back as actions (the time a press happened at, the inputs a worker scheduled).
//!
//! Rules:
//! - a parameter edit is validated; a bad value shows an inline error and the running demo
//!   keeps running; a valid change restarts the demo with the new parameters (so a link made
//!   later describes the whole run);
//! - changing the poll cost or the bounce restarts too; the speed does not;
//! - turning recording on restarts the demo and records every press from 0 s; Reset replays
//!   the recording; a share link carries it;
//! - in Python mode the program is the editor's text: Run (or Reset) runs it from 0 s in a
//!   worker ([`crate::remote`]); editing does not restart anything; a link carries the code
//!   that runs.

use crate::examples::{self, Guides};
use crate::link::{self, Code, LinkError, Shared};
use crate::remote::{Probe, Program, WorkerMsg};
use baton_board::Pin;
use baton_demos::{DemoId, Params};
use baton_sim::inputs::{Input, LevelEvent};
use baton_sim::simulation::DEFAULT_POLL_COST_US;
use baton_sim::{Bounce, InputEvent, SimConfig};
use litemap::LiteMap;

/// The demo a page opens with (and falls back to after a bad link).
pub const DEFAULT_DEMO: DemoId = DemoId::BlinkTwo;
/// The bounce the settings start with when turned on: 3 ms, 3 extra bounces.
pub const DEFAULT_BOUNCE: Bounce = Bounce { duration_us: 3000, count: 3 };

/// The language of the program on show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Language {
    /// The demo's Rust source, simulated in the page.
    #[default]
    Rust,
    /// A CircuitPython `code.py`, edited in the page and run by a worker.
    Python,
}

impl Language {
    /// The language selector's value.
    pub fn id(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::Python => "python",
        }
    }
}

/// Something the user (or the page) asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Pick a demo by id (the picker's value; in Python mode also [`examples::YOURS`]).
    SelectDemo(String),
    /// Switch language (the selector's value: `rust` or `python`).
    SetLanguage(String),
    /// The editor's text changed (Python mode).
    EditCode(String),
    /// Run the editor's program from 0 s (Python mode).
    RunCode,
    /// Put the program back as the guide (or the starter) has it, and run it (Python mode).
    RevertCode,
    /// Save the program as code.py (Python mode).
    DownloadCode,
    /// A message from the worker, for the run `run_id`.
    Worker {
        /// The run it belongs to (a message from an older run is dropped).
        run_id: u64,
        /// What it said.
        msg: WorkerMsg,
    },
    /// A look at the worker's shared memory, each frame.
    Probe {
        /// The run it belongs to.
        run_id: u64,
        /// What was read.
        probe: Probe,
        /// The wall clock, ms.
        now_ms: f64,
    },
    /// Set a parameter from the text typed.
    SetParam {
        /// The parameter's key.
        key: String,
        /// What was typed.
        text: String,
    },
    /// Let virtual time run.
    Run,
    /// Stop virtual time.
    Pause,
    /// Run or pause, whichever it isn't.
    TogglePause,
    /// Pause and run one task poll.
    Step,
    /// Restart the demo from 0 s (replaying the recording, if any).
    Reset,
    /// Set the speed (× real time; clamped to the allowed range).
    SetSpeed(f64),
    /// Set the poll cost from the text typed (µs).
    SetPollCost(String),
    /// Set switch bounce: on or off, duration in ms, count, as typed.
    SetBounce {
        /// Whether buttons bounce.
        on: bool,
        /// How long, in ms (decimals allowed, to the µs).
        duration_ms: String,
        /// How many extra times.
        count: String,
    },
    /// A button goes down.
    Press(Pin),
    /// A button comes up.
    Release(Pin),
    /// Every held button comes up (the page lost focus).
    ReleaseAll,
    /// Set a potentiometer (Python mode's `AnalogIn` on this pin) to a reading, 0–65535.
    Analog(Pin, u16),
    /// Turn a knob (Python mode's `IncrementalEncoder`, by its `pin_a`) by detents (+ clockwise).
    Turn(Pin, i32),
    /// Start or stop recording.
    ToggleRecord,
    /// Make a share link from the page's address (origin + path).
    CopyLink {
        /// The address without the query.
        base: String,
    },
    /// Open a share link (the page's query string).
    LoadLink(String),
    /// The page has inflated a link's code ([`State::to_inflate`]).
    Inflated {
        /// The DEFLATE it was given.
        deflated: Vec<u8>,
        /// What it made of it: at most [`link::MAX_CODE_BYTES`], or why not.
        inflated: Result<Vec<u8>, link::InflateError>,
    },
    /// The page has fetched the guide's Python programs (or could not): see
    /// [`State::wants_guides`].
    GuidesLoaded(Result<Guides, String>),
    /// Python mode: the page has deflated `code` (the running program, when it asked) for
    /// links; see [`State::to_deflate`].
    Deflated {
        /// The program it deflated.
        code: String,
        /// Its raw DEFLATE.
        deflated: Vec<u8>,
    },
    /// Save the firmware for a board (an index into [`crate::firmware::BOARDS`]),
    /// with the running demo and parameters in its configuration block.
    DownloadFirmware(usize),
    /// Tell the person something (the outcome of work done outside the
    /// reducer, like a download).
    Notify(String),
    /// Dismiss the link error or notice.
    DismissMessages,
    /// Your board began to stream (the board link, docs/LINK.md): the page shows it live in
    /// place of its own run ([`crate::driver::BoardRun`]), until [`Action::BoardGone`].
    BoardLive {
        /// The board ("Raspberry Pi Pico").
        board: String,
        /// Its firmware's version.
        firmware: String,
        /// Its demo's id.
        demo: String,
        /// Its parameters that differ from the guide's, `key=value&…`.
        params: String,
    },
    /// What your board said, as the worker's messages say it.
    Board(WorkerMsg),
    /// Your board stopped streaming, or was disconnected (why, in words): the page runs its
    /// own simulation of the board's demo again.
    BoardGone(String),
    /// The run's engine pressed or released a button, at its time ([`Engine::Press`],
    /// [`Engine::Release`]): recorded, if recording.
    ButtonEvent(InputEvent),
    /// The inputs a worker's run scheduled (it says when a press, a reading or a turn
    /// happened): recorded, if recording.
    Scheduled(Vec<Input>),
    /// A frame: `dt_ms` of wall time passed; `now_ms` is the wall clock. It runs the polls
    /// it needs without a time budget (the page gives one: [`crate::page::Page::frame`]).
    Frame {
        /// Wall time since the last frame, ms.
        dt_ms: f64,
        /// The wall clock, ms.
        now_ms: f64,
    },
}

/// What the page must do after an action, beyond re-rendering.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Nothing.
    None,
    /// Put this text on the clipboard, if the browser allows.
    Copy(String),
    /// Save a text file.
    Save {
        /// Its name.
        name: String,
        /// Its contents.
        text: String,
    },
    /// Compress this program with the browser's raw DEFLATE, for links, and hand it back
    /// ([`Action::Deflated`]).
    Deflate(String),
    /// Decompress a link's code, and hand it back ([`Action::Inflated`]).
    Inflate(Vec<u8>),
    /// Fetch the guide's Python programs ([`examples::FILE`]), and hand them back
    /// ([`Action::GuidesLoaded`]).
    FetchGuides,
    /// Pass the run's worker what it is owed (after each [`Action::Probe`]): how far its
    /// virtual time may go, µs, and the inputs since the last time.
    Worker {
        /// The credit.
        credit_us: u64,
        /// Presses, readings and turns, for the worker to schedule.
        inputs: Vec<Input>,
    },
    /// Fetch a board's prebuilt UF2, write the demo into it and save it.
    Download {
        /// The board.
        board: crate::firmware::Board,
        /// The demo and parameters to write.
        params: Params,
    },
    /// Something for the run's engine ([`crate::page::Page`] does it).
    Engine(Engine),
}

/// What the reducer asks of the run's engine.
#[derive(Clone, Debug, PartialEq)]
pub enum Engine {
    /// Start this run from 0 s, in place of the one before (a new [`State::run_id`]).
    Start(Box<RunPlan>),
    /// Press a button now; the engine answers with [`Action::ButtonEvent`] (a worker's run
    /// with [`Action::Scheduled`], once it has scheduled it).
    Press(Pin),
    /// Release buttons, each pressed at the time given, µs; answered as a press is.
    Release(Vec<(Pin, u64)>),
    /// A potentiometer's reading or a knob's turn, for the worker to schedule.
    Send(Input),
    /// Run one task poll (the Step button).
    Step,
}

/// A run, as data: what the page's engine for it is made of.
#[derive(Clone, Debug, PartialEq)]
pub enum RunPlan {
    /// A Rust demo simulated in the page, these presses replayed.
    Sim {
        /// The simulation's configuration.
        config: SimConfig,
        /// The presses to replay.
        presses: Vec<InputEvent>,
    },
    /// A program run in a worker (Python mode, your Rust program, or a Rust demo that blocks).
    Worker {
        /// What it runs.
        program: Program,
        /// Virtual µs charged for each task poll.
        poll_cost_us: u64,
        /// The bounce in force.
        bounce: Option<Bounce>,
        /// The inputs to replay.
        recorded: Vec<Input>,
    },
    /// Your board's run, as it streams it.
    Board {
        /// The board's name.
        board: String,
        /// Its firmware's version.
        firmware: String,
        /// Its demo and parameters.
        params: Params,
    },
}

/// A rejected edit: the text as typed and why it was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    /// The text typed.
    pub text: String,
    /// Why it was refused.
    pub error: String,
}

/// The playground's state.
pub struct State {
    /// The demo's parameters (valid ones: what runs).
    pub params: Params,
    /// Rejected parameter edits by key, shown inline.
    pub drafts: LiteMap<String, Draft>,
    /// × real time.
    pub speed: f64,
    /// Virtual µs charged for each task poll.
    pub poll_cost_us: u64,
    /// A rejected poll cost edit.
    pub poll_cost_draft: Option<Draft>,
    /// Whether buttons bounce.
    pub bounce_on: bool,
    /// The bounce used when on.
    pub bounce: Bounce,
    /// A rejected bounce edit: (duration, count) as typed, and why.
    pub bounce_draft: Option<(String, String, String)>,
    /// Whether virtual time runs.
    pub running: bool,
    /// Whether presses are being recorded.
    pub recording: bool,
    /// The inputs of this run (presses, readings, turns), replayed by Reset and carried by
    /// links.
    pub recorded: Vec<Input>,
    /// The last share link made.
    pub share_url: Option<String>,
    /// Why the page's link was refused.
    pub link_error: Option<String>,
    /// A message for the user (recording started, link copied…).
    pub notice: Option<String>,
    /// Buttons held down, with the time of their press.
    pub held: LiteMap<Pin, u64>,
    /// Your board (its name and its firmware's version), while the page shows its run live.
    pub watching: Option<(String, String)>,
    /// Bumped at each restart (a new run: views reset their caches; Python mode starts a
    /// new worker).
    pub run_id: u64,
    /// Rust or Python.
    pub language: Language,
    /// Python mode: the editor's text.
    pub code: String,
    /// Python mode: the text of the program that runs (what links carry).
    pub running_code: String,
    /// Python mode: `running_code`'s raw DEFLATE, for links, once the page has made it
    /// (with the browser's compressor, asynchronously: see [`State::to_deflate`]).
    pub deflated: Option<Vec<u8>>,
    /// A Copy link that waits for [`Action::Deflated`] (its base address).
    pub copy_pending: Option<String>,
    /// A link that waits for its code to be inflated ([`Action::Inflated`]).
    pub opening: Option<link::Opened>,
    /// "Your program": in Python mode rather than the guide's program of the demo; in Rust
    /// mode, your own crate's `main` (`cargo xtask serve --program`) rather than the demo.
    pub yours: bool,
    /// The guide's Python programs, once the page has fetched them ([`State::wants_guides`]).
    pub guides: Option<Guides>,
    /// Whether fetching them failed (Python mode then opens the starter, and does not ask again).
    pub guides_failed: bool,
    /// Python mode is waiting for [`State::guides`] to open the demo's program.
    pub awaiting_guides: bool,
    /// Python mode: the edits of each program left for another, kept while the page is open
    /// (by [`State::program_key`]), so that picking it again brings them back.
    pub edits: LiteMap<String, String>,
    /// Whether the page can run a worker (it is cross-origin isolated): the guide's Rust
    /// demos that block then run in one, across frames, instead of inside one poll on the
    /// page's thread.
    pub workers: bool,
    /// The work the page has been asked for already ([`State::owed`]), so that it is asked once.
    pub asked: Asked,
}

/// What the reducer has asked the page to do already (see [`State::owed`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Asked {
    /// The program whose DEFLATE was asked for.
    pub deflate: Option<String>,
    /// The link code whose inflating was asked for.
    pub inflate: Option<Vec<u8>>,
    /// Whether the guide's programs were asked for.
    pub guides: bool,
}

impl Default for State {
    fn default() -> Self {
        State::new(Shared::new(DEFAULT_DEMO))
    }
}

impl State {
    /// A page running `shared`'s run.
    pub fn new(shared: Shared) -> Self {
        let bounce_on = shared.bounce.is_some();
        let bounce = shared.bounce.unwrap_or(DEFAULT_BOUNCE);
        let language = if shared.code.is_some() { Language::Python } else { Language::Rust };
        let (code, deflated) = shared.code.map_or((String::new(), None), |c| (c.text, Some(c.deflated)));
        State {
            watching: None,
            workers: false,
            asked: Asked::default(),
            language,
            // A link's code is taken for the guide's program once the guides come and it is.
            yours: language == Language::Python,
            guides: None,
            guides_failed: false,
            awaiting_guides: false,
            running_code: code.clone(),
            code,
            // A link's own bytes: copying its link again gives the same link.
            deflated,
            copy_pending: None,
            opening: None,
            edits: LiteMap::new(),
            params: shared.params,
            drafts: LiteMap::new(),
            speed: shared.speed,
            poll_cost_us: shared.poll_cost_us,
            poll_cost_draft: None,
            bounce_on,
            bounce,
            bounce_draft: None,
            running: true,
            recording: false,
            recorded: shared.recording,
            share_url: None,
            link_error: None,
            notice: None,
            held: LiteMap::new(),
            run_id: 0,
        }
    }

    /// The page for a query string: the link's run, or the default demo and an error.
    pub fn from_query(query: &str) -> Self {
        let mut state = State::default();
        let query = query.strip_prefix('?').unwrap_or(query);
        if !query.is_empty() {
            // Not `dispatch`: what the link owes the page is asked for by the page itself
            // ([`State::owed`]), once it has the state.
            state.apply(Action::LoadLink(query.into()));
        }
        state
    }

    /// The demo.
    pub fn demo(&self) -> DemoId {
        self.params.demo()
    }

    /// The bounce in force, if on.
    pub fn active_bounce(&self) -> Option<Bounce> {
        self.bounce_on.then_some(self.bounce)
    }

    /// What a link made now carries; `None` in Python mode until the page has deflated
    /// the running program ([`State::to_deflate`]).
    pub fn shared(&self) -> Option<Shared> {
        let code = match (self.language, &self.deflated) {
            (Language::Rust, _) => None,
            (Language::Python, Some(deflated)) => {
                Some(Code { text: self.running_code.clone(), deflated: deflated.clone() })
            }
            (Language::Python, None) => return None,
        };
        Some(self.shared_with(code))
    }

    fn shared_with(&self, code: Option<Code>) -> Shared {
        Shared {
            demo: self.demo(),
            params: self.params.clone(),
            speed: self.speed,
            poll_cost_us: self.poll_cost_us,
            bounce: self.active_bounce(),
            recording: self.recorded.clone(),
            code,
        }
    }

    /// Python mode, for the page: the running program, while its DEFLATE for links is still
    /// owed (the page deflates it and dispatches [`Action::Deflated`]). Not a program too
    /// long for a link, and nothing while the guide's programs are on their way (there is no
    /// program yet).
    pub fn to_deflate(&self) -> Option<&str> {
        let owed = self.language == Language::Python && self.deflated.is_none() && !self.awaiting_guides;
        (owed && self.running_code.len() <= link::MAX_CODE_BYTES).then_some(self.running_code.as_str())
    }

    /// Applies an action.
    ///
    /// Returns what the page must do: the action's own effect, a new run to start
    /// ([`Engine::Start`]), or else the work now owed and not yet asked for
    /// ([`State::owed`]). (An action's own effect and new work never come together but
    /// rarely; the work is then asked for at the next action, at most a frame later.)
    pub fn dispatch(&mut self, action: Action) -> Effect {
        let run_id = self.run_id;
        let effect = self.apply(action);
        self.started(run_id, effect)
    }

    /// An engine's answer ([`Action::ButtonEvent`], [`Action::Scheduled`]), applied as any
    /// action is; the page asks for the work owed ([`State::owed`]) once it has done the rest.
    pub fn answer(&mut self, action: Action) {
        let effect = self.apply(action);
        debug_assert!(effect == Effect::None, "an answer asks for nothing");
    }

    /// `effect`, or the new run's start if the run changed since `run_id` (no action that
    /// starts a run has an effect of its own), or else the work owed.
    fn started(&mut self, run_id: u64, effect: Effect) -> Effect {
        match effect {
            Effect::None if self.run_id != run_id => Effect::Engine(Engine::Start(Box::new(self.plan()))),
            Effect::None => self.owed(),
            effect => effect,
        }
    }

    /// The work owed to the state and not yet asked for, once each: fetch the guide's
    /// programs ([`State::wants_guides`]), inflate a link's code ([`State::to_inflate`]),
    /// deflate the running program ([`State::to_deflate`]). The page calls it once after it
    /// made the state; [`State::dispatch`] after every action.
    pub fn owed(&mut self) -> Effect {
        if self.wants_guides() && !self.asked.guides {
            self.asked.guides = true;
            return Effect::FetchGuides;
        }
        if let Some(bytes) = self.to_inflate().filter(|b| self.asked.inflate.as_deref() != Some(*b)) {
            let bytes = bytes.to_vec();
            self.asked.inflate = Some(bytes.clone());
            return Effect::Inflate(bytes);
        }
        if let Some(code) = self.to_deflate().filter(|c| self.asked.deflate.as_deref() != Some(*c)) {
            let code = code.to_owned();
            self.asked.deflate = Some(code.clone());
            return Effect::Deflate(code);
        }
        Effect::None
    }

    fn apply(&mut self, action: Action) -> Effect {
        match action {
            Action::SelectDemo(id) if self.language == Language::Python && id == examples::YOURS => {
                self.keep_edits();
                self.yours = true;
                self.open_program();
            }
            Action::SelectDemo(id) => match id.parse::<DemoId>() {
                Ok(demo) if self.language == Language::Python => match examples::in_guide(demo) {
                    true => {
                        self.keep_edits();
                        self.params = Params::defaults(demo);
                        self.yours = false;
                        self.open_program();
                    }
                    false => self.notice = Some(format!("{} has no Python program in the guide.", demo.info().title)),
                },
                Err(e) if id != examples::YOURS => self.notice = Some(e.to_string()),
                // A demo, or your own program (`cargo xtask serve --program`), which leaves the
                // demo's parameters aside.
                parsed => {
                    self.yours = parsed.is_err();
                    if let Ok(demo) = parsed {
                        self.params = Params::defaults(demo);
                    }
                    self.start_afresh();
                    self.restart();
                }
            },
            Action::SetParam { key, text } => {
                let mut next = self.params.clone();
                match next.set(&key, &text) {
                    Ok(()) => {
                        self.drafts.remove(&key);
                        if next != self.params {
                            self.params = next;
                            self.restart();
                        }
                    }
                    Err(e) => {
                        self.drafts.insert(key, Draft { text, error: e.to_string() });
                    }
                }
            }
            Action::SetLanguage(id) => {
                let language = match id.as_str() {
                    "rust" => Language::Rust,
                    "python" => Language::Python,
                    other => {
                        self.notice = Some(format!("{other:?} is not a language here (rust or python)."));
                        return Effect::None;
                    }
                };
                if language != self.language {
                    self.keep_edits();
                    self.language = language;
                    self.recorded.clear();
                    self.recording = false;
                    self.notice = None;
                    self.running = true;
                    match language {
                        Language::Rust => {
                            self.yours = false;
                            self.restart()
                        }
                        Language::Python => {
                            self.yours = !examples::in_guide(self.demo());
                            self.open_program();
                        }
                    }
                }
            }
            Action::EditCode(text) => self.code = text,
            Action::RunCode => {
                if self.language == Language::Python && !self.awaiting_guides {
                    self.recorded.clear();
                    self.recording = false;
                    self.running = true;
                    self.set_running_code(self.code.clone());
                    self.restart();
                }
            }
            Action::RevertCode => {
                if self.language == Language::Python {
                    self.edits.remove(&self.program_key());
                    self.open_program();
                }
            }
            Action::GuidesLoaded(guides) => match guides {
                Ok(guides) => {
                    // A link's code that is the guide's program is the demo's, not "yours".
                    if self.language == Language::Python && !self.awaiting_guides && self.yours {
                        self.yours = guides.get(self.demo()) != Some(self.running_code.as_str());
                    }
                    self.guides = Some(guides);
                    if std::mem::take(&mut self.awaiting_guides) && self.language == Language::Python {
                        self.open_program();
                    }
                }
                Err(e) => {
                    self.guides_failed = true;
                    if std::mem::take(&mut self.awaiting_guides) && self.language == Language::Python {
                        self.yours = true;
                        self.open_program();
                    }
                    self.notice =
                        Some(format!("Could not load the guide's Python programs ({e}): here is a starter instead."));
                }
            },
            Action::DownloadCode => {
                if self.language == Language::Python && !self.awaiting_guides {
                    self.notice = Some(
                        "Saved code.py: copy it to the CIRCUITPY drive of a CircuitPython board (with the \
                         asyncio library in lib/)."
                            .into(),
                    );
                    return Effect::Save { name: "code.py".into(), text: self.code.clone() };
                }
            }
            // The engines' own: the page passes them on (crate::page::Page::dispatch).
            Action::Worker { .. } | Action::Probe { .. } | Action::Board(_) | Action::Frame { .. } => {}
            Action::Scheduled(inputs) => {
                if self.recording {
                    self.recorded.extend(inputs);
                }
            }
            Action::ButtonEvent(event) => {
                if let Some(at) = self.held.get_mut(&event.pin).filter(|_| event.pressed) {
                    *at = event.t_us;
                }
                if self.recording {
                    self.recorded.push(Input::Button(event));
                }
            }
            Action::Run => self.running = true,
            Action::Pause => self.running = false,
            Action::TogglePause => self.running = !self.running,
            Action::Step => {
                self.running = false;
                return Effect::Engine(Engine::Step);
            }
            Action::Reset => {
                if self.recording {
                    self.recorded.clear();
                }
                self.restart();
            }
            Action::SetSpeed(speed) => {
                self.speed = if speed.is_finite() { speed.clamp(link::MIN_SPEED, link::MAX_SPEED) } else { 1.0 };
            }
            Action::SetPollCost(text) => match link::parse_poll_cost(&text) {
                Ok(cost) => {
                    self.poll_cost_draft = None;
                    if cost != self.poll_cost_us {
                        self.poll_cost_us = cost;
                        self.restart();
                    }
                }
                Err(error) => self.poll_cost_draft = Some(Draft { text, error }),
            },
            Action::SetBounce { on, duration_ms, count } => {
                let parsed = parse_ms_to_us(&duration_ms).and_then(|d| {
                    let n: u32 = count.trim().parse().map_err(|_| format!("{count:?} is not a whole number"))?;
                    link::check_bounce(d, n)
                });
                match parsed {
                    Ok(bounce) => {
                        self.bounce_draft = None;
                        let before = self.active_bounce();
                        self.bounce = bounce;
                        self.bounce_on = on;
                        if self.active_bounce() != before {
                            self.restart();
                        }
                    }
                    Err(error) => self.bounce_draft = Some((duration_ms, count, error)),
                }
            }
            Action::Press(pin) => return self.press(pin),
            Action::Release(pin) => {
                if let Some(at) = self.held.remove(&pin) {
                    return Effect::Engine(Engine::Release(vec![(pin, at)]));
                }
            }
            Action::Analog(pin, value) => {
                return self.send(Input::Analog(LevelEvent { t_us: 0, pin, value: value.into() }))
            }
            Action::Turn(pin, steps) => return self.send(Input::Turn(LevelEvent { t_us: 0, pin, value: steps })),
            Action::ReleaseAll => {
                let held: Vec<(Pin, u64)> = std::mem::take(&mut self.held).into_iter().collect();
                if !held.is_empty() {
                    return Effect::Engine(Engine::Release(held));
                }
            }
            Action::ToggleRecord => {
                if self.recording {
                    self.recording = false;
                    let n = self.recorded.len();
                    self.notice = Some(format!(
                        "Recorded {n} input{}. Copy link shares the run; Reset replays it.",
                        if n == 1 { "" } else { "s" }
                    ));
                } else {
                    self.recorded.clear();
                    self.recording = true;
                    self.running = true;
                    self.restart();
                    self.notice = Some("Recording from 0 s: press the buttons, then Copy link.".into());
                }
            }
            Action::CopyLink { base } => return self.copy_link(base),
            Action::Deflated { code, deflated } => {
                if self.language == Language::Python && code == self.running_code {
                    self.deflated = Some(deflated);
                    if let Some(base) = self.copy_pending.take() {
                        return self.copy_link(base);
                    }
                }
            }
            Action::LoadLink(query) => match link::decode(&query) {
                Ok(opened) if opened.deflated.is_some() => {
                    // Shown once the page has inflated its code (a few ms); until then, paused.
                    self.running = false;
                    self.notice = Some("Opening the link…".into());
                    self.opening = Some(opened);
                }
                Ok(opened) => self.open_link(opened.shared),
                Err(e) => self.fall_back(e),
            },
            Action::Inflated { deflated, inflated } => {
                let Some(opened) = self.opening.take_if(|o| o.deflated.as_ref() == Some(&deflated)) else {
                    return Effect::None;
                };
                match opened.with_code(inflated) {
                    Ok(shared) => self.open_link(shared),
                    Err(e) => self.fall_back(e),
                }
            }
            Action::DownloadFirmware(i) => {
                let Some(&board) = crate::firmware::BOARDS.get(i) else { return Effect::None };
                self.notice = Some(format!(
                    "Preparing {} for the {}: copy it to the RPI-RP2 drive (hold BOOTSEL while plugging in).",
                    board.file_name(&self.params),
                    board.label
                ));
                return Effect::Download { board, params: self.params.clone() };
            }
            Action::Notify(text) => self.notice = Some(text),
            Action::DismissMessages => {
                self.link_error = None;
                self.notice = None;
            }
            Action::BoardLive { board, firmware, demo, params } => self.watch_board(board, firmware, &demo, &params),
            Action::BoardGone(why) => {
                if self.watching.is_some() {
                    self.restart();
                    self.notice = Some(why);
                }
            }
        }
        Effect::None
    }

    fn copy_link(&mut self, base: String) -> Effect {
        if self.language == Language::Python && self.running_code.len() > link::MAX_CODE_BYTES {
            self.notice = Some(format!(
                "This program is {} KB: a link carries at most {} KB of code. Download code.py to share it.",
                self.running_code.len().div_ceil(1024),
                link::MAX_CODE_BYTES / 1024
            ));
            return Effect::None;
        }
        let Some(shared) = self.shared() else {
            // The program's DEFLATE is on its way (a few ms): the link is made when it comes.
            self.copy_pending = Some(base);
            self.notice = Some("Making the link…".into());
            return Effect::None;
        };
        let url = format!("{base}?{}", link::encode(&shared));
        self.share_url = Some(url.clone());
        self.notice = Some(if self.recorded.is_empty() {
            "Link made: it opens this demo with these settings (copied, if the browser allows).".into()
        } else {
            "Link made: it replays this run, presses included (copied, if the browser allows).".into()
        });
        Effect::Copy(url)
    }

    fn open_link(&mut self, shared: Shared) {
        let (workers, run_id) = (self.workers, self.run_id);
        *self = State::new(shared);
        self.workers = workers;
        // A new run (and the views forget the old one's).
        self.run_id = run_id + 1;
    }

    /// For the page: a link's code to inflate, while the link waits for it (see
    /// [`Action::Inflated`]).
    pub fn to_inflate(&self) -> Option<&[u8]> {
        self.opening.as_ref().and_then(|o| o.deflated.as_deref())
    }

    fn fall_back(&mut self, e: LinkError) {
        self.open_link(Shared::new(DEFAULT_DEMO));
        self.link_error = Some(format!("{e}. Showing the default demo instead."));
    }

    /// Shows your board's run in place of the page's own: its demo and parameters become the
    /// page's (so the source, the parameters and the board view are the board's), in Rust mode.
    /// A demo or parameters this page does not know (a newer firmware's) are said, and the
    /// page keeps what it runs.
    fn watch_board(&mut self, board: String, firmware: String, demo: &str, params: &str) {
        // Read as a link to the same demo: the same rules as everywhere else.
        let params = match link::decode(&format!("v={}&demo={demo}&{params}", link::VERSION)) {
            Ok(opened) => opened.shared.params,
            Err(e) => {
                self.notice = Some(format!("This page cannot show your board's {demo}: {e}"));
                return;
            }
        };
        if self.language == Language::Python {
            self.keep_edits();
        }
        self.language = Language::Rust;
        self.yours = false;
        self.params = params;
        self.start_afresh();
        self.new_run();
        self.watching = Some((board, firmware));
    }

    /// Before another program: no edits pending, nothing recorded, running, no notice.
    #[inline(always)] // (two callers: inlined, the page's wasm is 20 B smaller gzipped)
    fn start_afresh(&mut self) {
        self.drafts.clear();
        self.recorded.clear();
        self.recording = false;
        self.running = true;
        self.notice = None;
    }

    /// A press for the engine, which says when it happened ([`Action::ButtonEvent`]).
    fn press(&mut self, pin: Pin) -> Effect {
        if self.held.contains_key(&pin) {
            return Effect::None;
        }
        if self.watching.is_some() {
            self.notice = Some("Press your board's buttons on the board.".into());
            return Effect::None;
        }
        self.check_room();
        // Its time comes with the engine's answer (0 until then, or for a worker's run).
        self.held.insert(pin, 0);
        Effect::Engine(Engine::Press(pin))
    }

    /// A reading or a turn for the worker, which schedules it and says when (recorded then,
    /// as a press in Python mode is).
    fn send(&mut self, input: Input) -> Effect {
        self.check_room();
        Effect::Engine(Engine::Send(input))
    }

    /// Stops recording when another input might not fit in a link.
    fn check_room(&mut self) {
        if self.recording && !self.can_record() {
            self.recording = false;
            self.notice = Some(format!(
                "Recording stopped: a link holds at most {} bytes.",
                link::max_len(self.language == Language::Python)
            ));
        }
    }

    /// Whether a press and its release still fit in a link (which holds more with code in it).
    fn can_record(&self) -> bool {
        let python = self.language == Language::Python;
        let len = match self.shared() {
            Some(shared) => link::encode(&shared).len(),
            // Until the program's DEFLATE comes, as if it did not compress at all: the link
            // with no code bytes, plus the most its code can take.
            None => {
                let empty = Some(Code { text: String::new(), deflated: Vec::new() });
                let without_code = link::encode(&self.shared_with(empty)).len() - link::encode_code(&[]).len();
                without_code + link::encoded_code_bound(self.running_code.len())
            }
        };
        // The longest item is a turn, "1000000000.999:NEOPIXEL~-1000000," (33 bytes); two of them.
        self.recorded.len() + 2 <= link::MAX_EVENTS && len + 66 <= link::max_len(python)
    }

    /// Python mode: which program the editor holds (a demo id, or [`examples::YOURS`]).
    pub fn program_key(&self) -> String {
        if self.yours {
            examples::YOURS.to_owned()
        } else {
            self.demo().id().to_owned()
        }
    }

    /// Python mode: the program as the guide (or the starter) has it; `None` while the
    /// guide's programs are on their way.
    pub fn original_program(&self) -> Option<&str> {
        if self.yours {
            Some(examples::STARTER)
        } else {
            self.guides.as_ref().and_then(|g| g.get(self.demo()))
        }
    }

    /// For the page: whether to fetch the guide's programs ([`examples::FILE`]) and hand
    /// them over ([`Action::GuidesLoaded`]): in Python mode, until they come or fail.
    pub fn wants_guides(&self) -> bool {
        self.language == Language::Python && self.guides.is_none() && !self.guides_failed
    }

    /// Python mode: keeps the editor's text if it was edited, before another program opens.
    fn keep_edits(&mut self) {
        // While the guide's programs are on their way the editor is empty: nothing to keep.
        if self.language != Language::Python || self.awaiting_guides {
            return;
        }
        let key = self.program_key();
        if Some(self.code.as_str()) == self.original_program() {
            self.edits.remove(&key);
        } else {
            self.edits.insert(key, self.code.clone());
        }
    }

    /// Python mode: opens the program picked (with its kept edits, if any) and runs it.
    fn open_program(&mut self) {
        if let Some(edited) = self.edits.get(&self.program_key()).cloned() {
            self.open_code(edited);
            self.notice = Some("Your edits to this program are back (Revert brings the original).".into());
        } else if let Some(program) = self.original_program() {
            self.open_code(program.to_owned());
        } else {
            // The guide's programs come with Python mode (a few ms): paused until then.
            self.awaiting_guides = true;
            self.running = false;
            self.code.clear();
            self.notice = Some("Loading the guide's Python programs…".into());
        }
    }

    /// Python mode: puts `program` in the editor and runs it from 0 s.
    fn open_code(&mut self, program: String) {
        self.drafts.clear();
        self.recorded.clear();
        self.recording = false;
        self.running = true;
        self.notice = None;
        self.code = program.clone();
        self.set_running_code(program);
        self.restart();
    }

    /// Python mode: the program that runs from now on; its DEFLATE is owed again.
    fn set_running_code(&mut self, code: String) {
        if code != self.running_code {
            self.deflated = None;
        }
        self.running_code = code;
    }

    /// Says whether the page can run a worker (the app asks the browser once, at the start);
    /// a blocking Rust demo showing now moves into one.
    pub fn set_workers(&mut self, on: bool) -> Effect {
        let run_id = self.run_id;
        if on != self.workers {
            self.workers = on;
            if self.language == Language::Rust && !self.demo().uses_asyncio() {
                self.restart();
            }
        }
        self.started(run_id, Effect::None)
    }

    /// The page's own run of what it shows, from 0 s.
    fn restart(&mut self) {
        self.watching = None;
        self.new_run();
    }

    /// A new run (views reset their caches; a worker starts): [`State::dispatch`] asks for
    /// it ([`Engine::Start`]).
    fn new_run(&mut self) {
        self.held.clear();
        self.share_url = None;
        self.run_id += 1;
    }

    /// The run the state shows, as data. Where it happens: your board's, streamed; Python
    /// mode in a worker; a Rust demo in the page, unless it blocks (one poll is the whole
    /// program: blink-blocking, blink-polling) and the page can run a worker — a poll can't
    /// be cut into frames, and with long intervals it would hold the page's thread for
    /// minutes.
    pub fn plan(&self) -> RunPlan {
        if let Some((board, firmware)) = &self.watching {
            return RunPlan::Board { board: board.clone(), firmware: firmware.clone(), params: self.params.clone() };
        }
        let (poll_cost_us, bounce) = (self.poll_cost_us, self.active_bounce());
        let worker = |program| RunPlan::Worker { program, poll_cost_us, bounce, recorded: self.recorded.clone() };
        match self.language {
            Language::Python => worker(Program::Python(self.running_code.clone())),
            Language::Rust if self.yours => worker(Program::Yours),
            Language::Rust if self.workers && !self.demo().uses_asyncio() => worker(Program::demo(&self.params)),
            Language::Rust => RunPlan::Sim {
                config: config(&self.params, poll_cost_us, bounce),
                // A Rust demo has no potentiometer or knob: only its presses replay (as the
                // simulator reads an input script for one).
                presses: self
                    .recorded
                    .iter()
                    .filter_map(|i| if let Input::Button(e) = i { Some(*e) } else { None })
                    .collect(),
            },
        }
    }
}

/// The simulation's configuration for these settings.
pub fn config(params: &Params, poll_cost_us: u64, bounce: Option<Bounce>) -> SimConfig {
    let mut config = SimConfig::new(params.demo());
    config.params = params.clone();
    config.poll_cost_us = poll_cost_us;
    config.bounce = bounce;
    config.task_events = true;
    config
}

/// Reads a duration in ms (up to 3 decimals) as µs.
pub fn parse_ms_to_us(text: &str) -> Result<u64, String> {
    // As link::parse_speed: parse_decimal, not str::parse (the page carries no general float parser).
    let v = baton_demos::params::parse_decimal(text.trim()).ok_or_else(|| format!("{text:?} is not a number of ms"))?;
    if v <= 0.0 || v > 1000.0 {
        return Err(format!("the bounce must last more than 0 and at most 1000 ms, not {}", text.trim()));
    }
    Ok(((v * 1000.0).round() as u64).max(1))
}

/// The default poll cost, for the settings' placeholder.
pub const DEFAULT_COST: u64 = DEFAULT_POLL_COST_US;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::page::Page;
    use crate::remote::Status;
    use baton_sim::TraceEvent;
    use std::ops::Not as _;

    fn frames(state: &mut Page, seconds: f64) {
        for i in 0..(seconds * 60.0).round() as usize {
            state.dispatch(Action::Frame { dt_ms: 1000.0 / 60.0, now_ms: i as f64 * 16.7 });
        }
    }

    fn console(state: &Page) -> Vec<(u64, String)> {
        state.driver.console().iter().cloned().collect()
    }

    /// Switches to Python mode as the page does: with the guide's programs fetched (here, the
    /// files themselves) when the reducer wants them.
    fn python(s: &mut Page) {
        s.dispatch(Action::SetLanguage("python".into()));
        if s.wants_guides() {
            s.dispatch(Action::GuidesLoaded(Ok(Guides::bundled())));
        }
    }

    /// The guide's program for `demo`.
    fn guide(demo: DemoId) -> String {
        Guides::bundled().get(demo).unwrap().to_owned()
    }

    fn live(demo: &str, params: &str) -> Action {
        Action::BoardLive {
            board: "Raspberry Pi Pico".into(),
            firmware: "0.1.0".into(),
            demo: demo.into(),
            params: params.into(),
        }
    }

    #[test]
    fn your_board_takes_the_page_while_it_streams() {
        let mut s = Page::default();
        python(&mut s);
        let before = s.run_id;
        s.dispatch(live("blink-one", "interval=0.3"));
        // Its demo and parameters become the page's, in Rust mode, and its run is shown.
        assert_eq!((s.language, s.demo()), (Language::Rust, DemoId::BlinkOne));
        assert_eq!(s.params.changed(), [("interval", "0.3".to_string())]);
        assert!(s.driver.board_run().is_some() && s.run_id > before);
        let pin = Pin::D(1);
        s.dispatch(Action::Board(WorkerMsg::Trace {
            events: vec![TraceEvent::Pin { t_us: 12_000_000, pin, value: true }],
            bad: 0,
            pwm: vec![],
            parts: String::new(),
            inputs: vec![],
            turns: vec![],
        }));
        frames(&mut s, 0.1);
        assert!(s.driver.output(pin) && s.driver.display_us() >= 12_000_000);
        // The page's buttons are not the board's.
        s.dispatch(Action::Press(Pin::D(3)));
        assert!(s.held.is_empty() && s.notice.as_deref().unwrap().contains("buttons on the board"));
        // Gone: the page's own simulation of the same demo, and why.
        s.dispatch(Action::BoardGone("Your board was disconnected.".into()));
        assert!(s.driver.board_run().is_none() && s.driver.config().is_some());
        assert_eq!(s.params.changed(), [("interval", "0.3".to_string())]);
        assert_eq!(s.notice.as_deref(), Some("Your board was disconnected."));
        // A board's message after it is gone changes nothing.
        s.dispatch(Action::Board(WorkerMsg::Ready));
        assert!(s.driver.board_run().is_none());
    }

    #[test]
    fn a_board_demo_the_page_does_not_know_changes_nothing() {
        let mut s = Page::default();
        let (demo, run_id) = (s.demo(), s.run_id);
        for (d, p) in [("blink-forever", ""), ("blink-one", "interval=-3"), ("blink-one", "colour=red")] {
            s.dispatch(live(d, p));
            assert!(s.notice.as_deref().unwrap().starts_with(&format!("This page cannot show your board's {d}: ")));
            assert_eq!((s.demo(), s.run_id), (demo, run_id));
            assert!(s.driver.board_run().is_none());
        }
    }

    #[test]
    fn python_mode_waits_for_the_guides_programs() {
        let mut s = Page::default();
        s.dispatch(Action::SelectDemo("blink-one".into()));
        s.dispatch(Action::SetLanguage("python".into()));
        assert!(s.wants_guides() && s.awaiting_guides && !s.running);
        assert!(s.remote().is_none(), "no worker before there is a program");
        s.dispatch(Action::GuidesLoaded(Ok(Guides::bundled())));
        assert!(!s.wants_guides() && !s.awaiting_guides && s.running);
        assert_eq!(s.code, guide(DemoId::BlinkOne));
        assert_eq!(s.remote().unwrap().program, Program::Python(s.code.clone()));
        // A program picked before they come opens when they do, and keeps no empty "edits".
        let mut s = Page::default();
        s.dispatch(Action::SetLanguage("python".into()));
        s.dispatch(Action::SelectDemo("blink-one".into()));
        s.dispatch(Action::RunCode);
        assert!(s.remote().is_none(), "nothing to run yet");
        s.dispatch(Action::GuidesLoaded(Ok(Guides::bundled())));
        assert_eq!(s.code, guide(DemoId::BlinkOne));
        s.dispatch(Action::SelectDemo("blink-two".into()));
        assert_eq!(s.code, guide(DemoId::BlinkTwo));
        assert!(s.edits.is_empty(), "{:?}", s.edits);
        // Back to Rust before they come: they do not open anything.
        let mut s = Page::default();
        s.dispatch(Action::SetLanguage("python".into()));
        s.dispatch(Action::SetLanguage("rust".into()));
        s.dispatch(Action::GuidesLoaded(Ok(Guides::bundled())));
        assert_eq!((s.language, s.remote().is_none()), (Language::Rust, true));
        // When they cannot be fetched: the starter, and a word why.
        let mut s = Page::default();
        s.dispatch(Action::SetLanguage("python".into()));
        s.dispatch(Action::GuidesLoaded(Err("python/examples.json: HTTP 404".into())));
        assert!(!s.wants_guides() && s.yours && s.running);
        assert_eq!(s.code, examples::STARTER);
        assert!(s.notice.as_deref().unwrap().contains("HTTP 404"), "{:?}", s.notice);
    }

    #[test]
    fn a_link_with_the_guides_program_is_the_demo_not_yours() {
        let mut s = Page::default();
        s.dispatch(Action::SelectDemo("blink-two".into()));
        python(&mut s);
        deflate(&mut s);
        let Effect::Copy(url) = s.dispatch(Action::CopyLink { base: "http://x/".into() }) else { panic!() };
        let mut opened = open(url.split_once('?').unwrap().1);
        assert!(opened.yours && opened.wants_guides(), "not known before the guides come");
        opened.dispatch(Action::GuidesLoaded(Ok(Guides::bundled())));
        assert!(!opened.yours);
        assert_eq!(opened.program_key(), "blink-two");
    }

    /// A page in Python mode whose worker has said it is ready, and the run's id.
    fn python_with_ready_worker() -> (Page, u64) {
        let mut s = Page::default();
        python(&mut s);
        let run_id = s.run_id;
        s.dispatch(Action::Worker { run_id, msg: WorkerMsg::Ready });
        (s, run_id)
    }

    fn trace_msg(events: Vec<TraceEvent>, inputs: Vec<Input>) -> WorkerMsg {
        let parts = "led D1\nbutton D3".into();
        WorkerMsg::Trace { events, bad: 0, pwm: Vec::new(), parts, inputs, turns: Vec::new() }
    }

    #[test]
    fn python_mode_opens_the_guides_program_and_runs_edits_only_on_run() {
        let mut s = Page::default();
        s.dispatch(Action::SelectDemo("button-interval".into()));
        let rust_run = s.run_id;
        python(&mut s);
        assert_eq!(s.language, Language::Python);
        assert!(s.run_id > rust_run);
        let program = guide(DemoId::ButtonInterval);
        let program = program.as_str();
        assert_eq!(s.code, program);
        assert_eq!(s.remote().unwrap().program, Program::Python(program.into()));
        // Editing changes nothing that runs…
        let run = s.run_id;
        s.dispatch(Action::EditCode("print('hi')".into()));
        assert_eq!(s.run_id, run);
        assert_eq!(s.remote().unwrap().program, Program::Python(program.into()));
        // …until Run.
        s.dispatch(Action::RunCode);
        assert_eq!(s.run_id, run + 1);
        assert_eq!(s.remote().unwrap().program, Program::Python("print('hi')".into()));
        assert!(s.yours.not());
        // Your program, and back to Rust.
        s.dispatch(Action::SelectDemo(examples::YOURS.into()));
        assert!(s.yours);
        assert_eq!(s.code, examples::STARTER);
        s.dispatch(Action::SetLanguage("rust".into()));
        assert!(s.remote().is_none());
        s.dispatch(Action::SetLanguage("cobol".into()));
        assert_eq!(s.language, Language::Rust);
        assert!(s.notice.as_deref().unwrap().contains("cobol"));
    }

    #[test]
    fn python_mode_keeps_the_edits_of_a_program_left_for_another() {
        let mut s = Page::default();
        s.dispatch(Action::SelectDemo("blink-one".into()));
        python(&mut s);
        s.dispatch(Action::EditCode("print('mine')\n".into()));
        s.dispatch(Action::SelectDemo("blink-two".into()));
        assert_eq!(s.code, guide(DemoId::BlinkTwo).as_str());
        assert_eq!(s.notice, None);
        // Back to blink-one: the edits, running.
        s.dispatch(Action::SelectDemo("blink-one".into()));
        assert_eq!(s.code, "print('mine')\n");
        assert_eq!(s.running_code, "print('mine')\n");
        assert!(s.notice.as_deref().unwrap().contains("Revert"));
        // Through Rust mode and back, too.
        s.dispatch(Action::SetLanguage("rust".into()));
        python(&mut s);
        assert_eq!(s.code, "print('mine')\n");
        // Revert: the guide's program, and the edits are gone.
        s.dispatch(Action::RevertCode);
        assert_eq!(s.code, guide(DemoId::BlinkOne).as_str());
        assert!(s.edits.is_empty());
        // Your program keeps its own.
        s.dispatch(Action::SelectDemo(examples::YOURS.into()));
        s.dispatch(Action::EditCode("x = 1\n".into()));
        s.dispatch(Action::SelectDemo("rainbow".into()));
        s.dispatch(Action::SelectDemo(examples::YOURS.into()));
        assert_eq!(s.code, "x = 1\n");
        assert_eq!(s.edits.len(), 1);
    }

    #[test]
    fn python_mode_shows_the_workers_events_at_the_display_time() {
        let (mut s, run_id) = python_with_ready_worker();
        s.dispatch(Action::Worker {
            run_id,
            msg: trace_msg(
                vec![
                    TraceEvent::Pin { t_us: 10, pin: Pin::D(1), value: true },
                    TraceEvent::Print { t_us: 400_000, text: "later".into() },
                ],
                vec![],
            ),
        });
        // A message from an older run is dropped.
        s.dispatch(Action::Worker { run_id: run_id - 1, msg: WorkerMsg::Done { at_us: None } });
        assert_eq!(*s.remote().unwrap().status(), Status::Running);
        // The worker has run to 0.5 s: the display follows the frames.
        let probe = Probe { now_us: 500_000.0, want_us: 0.0, heartbeat: 1, waiting: true, current: 0 };
        s.dispatch(Action::Probe { run_id, probe, now_ms: 0.0 });
        frames(&mut s, 0.1);
        assert!(s.driver.output(Pin::D(1)));
        assert!(console(&s).is_empty());
        assert!(s.remote().unwrap().credit_us() >= s.driver.display_us());
        frames(&mut s, 0.4);
        assert_eq!(console(&s), vec![(400_000, "later".to_string())]);
        // The board is what the program created.
        let board = crate::view::board(&s);
        assert_eq!(board.leds.len(), 1);
        assert_eq!(board.buttons.len(), 1);
        assert_eq!(board.buttons[0].pin, Pin::D(3));
        // Waiting for the worker: the display stops at its time.
        frames(&mut s, 1.0);
        assert!(s.driver.display_us() <= 500_000, "{}", s.driver.display_us());
        assert!(s.driver.stats().behind);
    }

    #[test]
    fn python_mode_records_the_presses_the_worker_scheduled_and_links_replay_them() {
        let mut s = Page::default();
        python(&mut s);
        s.dispatch(Action::ToggleRecord);
        let run_id = s.run_id;
        s.dispatch(Action::Press(Pin::D(3)));
        s.dispatch(Action::Release(Pin::D(3)));
        assert!(s.recorded.is_empty(), "the worker says when");
        let events = vec![
            Input::Button(InputEvent { t_us: 812_346, pin: Pin::D(3), pressed: true }),
            Input::Button(InputEvent { t_us: 862_346, pin: Pin::D(3), pressed: false }),
        ];
        s.dispatch(Action::Worker { run_id, msg: trace_msg(vec![], events.clone()) });
        assert_eq!(s.recorded, events);
        deflate(&mut s);
        let Effect::Copy(url) = s.dispatch(Action::CopyLink { base: "http://x/".into() }) else { panic!() };
        let query = url.split_once('?').unwrap().1;
        let opened = open(query);
        assert_eq!(opened.language, Language::Python);
        assert_eq!(opened.code, s.running_code);
        assert_eq!(opened.remote().unwrap().replay, events);
        assert!(opened.remote().unwrap().replay_script().contains("812.346"));
    }

    #[test]
    fn python_mode_records_readings_and_turns_and_links_replay_them() {
        let (mut s, run_id) = python_with_ready_worker();
        let parts = "pwm D5\nanalog A1\nencoder D8 D9".to_string();
        let trace =
            |pwm, inputs| WorkerMsg::Trace { events: vec![], bad: 0, pwm, parts: parts.clone(), inputs, turns: vec![] };
        s.dispatch(Action::ToggleRecord);
        let run_id = if s.run_id == run_id { run_id } else { s.run_id };
        s.dispatch(Action::Worker { run_id, msg: WorkerMsg::Ready });
        // The slider and the knob go to the worker, which says when they land.
        s.dispatch(Action::Analog(Pin::A(1), 40000));
        s.dispatch(Action::Turn(Pin::D(8), -1));
        let sent = s.driver.remote_mut().unwrap().take_outbox();
        assert_eq!(
            sent,
            [
                Input::Analog(LevelEvent { t_us: 0, pin: Pin::A(1), value: 40000 }),
                Input::Turn(LevelEvent { t_us: 0, pin: Pin::D(8), value: -1 }),
            ]
        );
        assert!(s.recorded.is_empty(), "the worker says when");
        let scheduled = vec![
            Input::Analog(LevelEvent { t_us: 100_001, pin: Pin::A(1), value: 40000 }),
            Input::Turn(LevelEvent { t_us: 100_001, pin: Pin::D(8), value: -1 }),
            Input::Turn(LevelEvent { t_us: 300_000, pin: Pin::D(8), value: 3 }),
        ];
        let pwm = vec![
            crate::remote::Pwm { t_us: 50_000, pin: Pin::D(5), duty: 1000 },
            crate::remote::Pwm { t_us: 200_000, pin: Pin::D(5), duty: 65535 },
        ];
        s.dispatch(Action::Worker { run_id, msg: trace(pwm, scheduled.clone()) });
        assert_eq!(s.recorded, scheduled);
        // The board shows each part as of the display time.
        let probe = Probe { now_us: 400_000.0, want_us: 0.0, heartbeat: 1, waiting: true, current: 0 };
        s.dispatch(Action::Probe { run_id, probe, now_ms: 0.0 });
        let board = |s: &Page| {
            let b = crate::view::board(s);
            let pwm = b.leds.iter().find(|l| l.pin == Pin::D(5)).and_then(|l| l.duty);
            (pwm, b.pots[0].value, b.knobs[0].value, b.knobs[0].pin_b)
        };
        assert_eq!(board(&s), (Some(0), 0, 0, Some(Pin::D(9))), "at 0 s nothing has happened yet");
        frames(&mut s, 0.15);
        assert_eq!(board(&s), (Some(1000), 40000, -1, Some(Pin::D(9))));
        frames(&mut s, 0.2);
        assert_eq!(board(&s), (Some(65535), 40000, 2, Some(Pin::D(9))));
        // A link carries them, and its run replays them from 0 s.
        deflate(&mut s);
        let Effect::Copy(url) = s.dispatch(Action::CopyLink { base: "http://x/".into() }) else { panic!() };
        assert!(url.contains("&rec=100.001:A1=40000,100.001:D8~-1,300:D8~3"), "{url}");
        let opened = open(url.split_once('?').unwrap().1);
        assert_eq!(opened.recorded, scheduled);
        assert_eq!(opened.remote().unwrap().replay, scheduled);
        assert!(opened
            .remote()
            .unwrap()
            .replay_script()
            .contains("{\"t_ms\": 100.001, \"pin\": \"A1\", \"action\": \"analog\", \"value\": 40000}"));
        // Reset replays them too (the recording stays).
        s.dispatch(Action::ToggleRecord);
        s.dispatch(Action::Reset);
        assert_eq!(s.remote().unwrap().replay, scheduled);
        // Rust mode has no potentiometer or knob: nothing goes anywhere.
        let mut rust = Page::default();
        rust.dispatch(Action::Analog(Pin::A(1), 5));
        rust.dispatch(Action::Turn(Pin::D(8), 5));
        assert!(rust.recorded.is_empty());
    }

    #[test]
    fn a_link_with_a_malformed_reading_or_turn_is_refused_and_changes_nothing_else() {
        for bad in ["1:A1=70000", "1:D8~x", "1:A1=-3", "1:D8~2000000"] {
            let mut s = Page::default();
            s.dispatch(Action::SetSpeed(2.0));
            frames(&mut s, 0.2);
            let query = format!("v=1&demo=button-interval&speed=5&rec=1:D3+,{bad}");
            s.dispatch(Action::LoadLink(query));
            let e = s.link_error.clone().unwrap();
            assert!(e.contains("malformed recording item 2"), "{e}");
            assert!(e.contains(bad), "{e}");
            // The default demo, as after any bad link: not half of the link's settings.
            assert_eq!((s.demo(), s.speed, s.recorded.len()), (DEFAULT_DEMO, 1.0, 0));
        }
        // A Rust demo's link with a reading replays its presses, as the simulator does.
        let s = Page::from_query("v=1&demo=button-interval&rec=1:A1=5,2:D3+");
        assert!(s.link_error.is_none());
        assert_eq!(s.recorded.len(), 2);
    }

    #[test]
    fn python_mode_records_with_a_long_program_too() {
        // About 10 KB of code that compresses poorly (a link carries it in about 9 KB): more
        // than a link without code may hold, well within what a link with code may hold.
        let mut x = 1u64;
        let mut code = String::from("print(1)\n");
        while code.len() < 10_000 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            code.push_str(&format!("# {:016x}\n", x));
        }
        let mut s = Page::default();
        python(&mut s);
        s.dispatch(Action::EditCode(code));
        s.dispatch(Action::RunCode);
        // Before the page has deflated it, the room is reckoned as if it did not compress.
        s.dispatch(Action::ToggleRecord);
        s.dispatch(Action::Press(Pin::D(3)));
        assert!(s.recording, "{:?}", s.notice);
        s.dispatch(Action::Release(Pin::D(3)));
        deflate(&mut s);
        assert!(link::encode(&s.shared().unwrap()).len() > link::MAX_LEN);
        s.dispatch(Action::Press(Pin::D(3)));
        assert!(s.recording, "{:?}", s.notice);
    }

    /// A page opening `query`, with the page's part ([`State::to_inflate`]) as `App` does it
    /// with the browser's decompressor.
    fn open(query: &str) -> Page {
        let mut s = Page::from_query(query);
        if let Some(deflated) = s.to_inflate().map(<[u8]>::to_vec) {
            assert!(!s.running, "a link waiting for its code does not run");
            let inflated = link::tests::inflate(&deflated);
            s.dispatch(Action::Inflated { deflated, inflated });
        }
        assert_eq!(s.to_inflate(), None);
        s
    }

    #[test]
    fn the_work_owed_to_the_page_is_returned_once_each() {
        // Python mode: the guide's programs, then the program's DEFLATE, each asked for once.
        let mut s = Page::default();
        assert_eq!(s.owed(), Effect::None, "Rust mode owes nothing");
        assert_eq!(s.dispatch(Action::SetLanguage("python".into())), Effect::FetchGuides);
        assert_eq!(s.dispatch(Action::Run), Effect::None, "asked once");
        let guide = guide(DemoId::BlinkTwo);
        assert_eq!(s.dispatch(Action::GuidesLoaded(Ok(Guides::bundled()))), Effect::Deflate(guide.clone()));
        assert_eq!(s.dispatch(Action::Run), Effect::None, "asked once");
        s.dispatch(Action::EditCode("print(3)\n".into()));
        assert_eq!(s.dispatch(Action::RunCode), Effect::Deflate("print(3)\n".into()));
        // A link with code: its inflating, asked for by the page once it has the state.
        let url = {
            deflate(&mut s);
            let Effect::Copy(url) = s.dispatch(Action::CopyLink { base: "http://x/".into() }) else { panic!() };
            url
        };
        let mut opened = Page::from_query(url.split_once('?').unwrap().1);
        let Effect::Inflate(bytes) = opened.owed() else { panic!("the link's code to inflate") };
        assert_eq!(Some(bytes.as_slice()), opened.to_inflate());
        assert_eq!(opened.owed(), Effect::None, "asked once");
        // Opened as the app opens it, whatever asks first returns it: here, set_workers.
        let mut opened = Page::from_query(url.split_once('?').unwrap().1);
        assert_eq!(opened.set_workers(true), Effect::Inflate(bytes));
        assert_eq!(opened.owed(), Effect::None, "asked once");
    }

    #[test]
    fn a_link_whose_code_does_not_inflate_falls_back_with_its_error() {
        let query = "v=1&demo=blink-one&lang=python&code=d1.AAAA";
        let mut s = Page::from_query(query);
        assert_eq!(s.language, Language::Rust, "nothing changes before the code is read");
        let deflated = s.to_inflate().unwrap().to_vec();
        // An answer for another link is dropped.
        s.dispatch(Action::Inflated { deflated: vec![1], inflated: Ok(b"print(1)".to_vec()) });
        assert!(s.opening.is_some());
        s.dispatch(Action::Inflated { deflated, inflated: Err(link::InflateError::NotDeflate) });
        assert!(s.link_error.as_deref().unwrap().contains("not DEFLATE data"), "{:?}", s.link_error);
        assert_eq!(s.demo(), DEFAULT_DEMO);
        assert!(s.running);
    }

    /// The page's part ([`State::to_deflate`]), as `App` does it with the browser's
    /// compressor; returns the effect of [`Action::Deflated`].
    fn deflate(s: &mut Page) -> Effect {
        let code = s.to_deflate().expect("a program to deflate").to_owned();
        let deflated = link::tests::code(&code).deflated;
        s.dispatch(Action::Deflated { code, deflated })
    }

    #[test]
    fn a_python_link_waits_for_the_programs_deflate() {
        let mut s = Page::default();
        python(&mut s);
        let guide = s.running_code.clone();
        assert_eq!(s.to_deflate(), Some(guide.as_str()));
        assert_eq!(s.shared(), None);
        // Copy link before the DEFLATE comes: made when it does.
        assert_eq!(s.dispatch(Action::CopyLink { base: "http://x/".into() }), Effect::None);
        assert_eq!(s.share_url, None);
        // A DEFLATE of a program that no longer runs is dropped.
        s.dispatch(Action::EditCode("print(2)\n".into()));
        s.dispatch(Action::RunCode);
        let stale = link::tests::code(&guide);
        assert_eq!(s.dispatch(Action::Deflated { code: guide, deflated: stale.deflated }), Effect::None);
        assert_eq!(s.to_deflate(), Some("print(2)\n"));
        let Effect::Copy(url) = deflate(&mut s) else { panic!("the pending copy is made") };
        assert_eq!(s.share_url.as_deref(), Some(url.as_str()));
        assert_eq!(s.to_deflate(), None);
        let opened = open(url.split_once('?').unwrap().1);
        assert_eq!(opened.running_code, "print(2)\n");
        // A link's own bytes come with it: nothing to deflate, and the same link again.
        assert_eq!(opened.to_deflate(), None);
        let mut opened = opened;
        assert_eq!(opened.dispatch(Action::CopyLink { base: "http://x/".into() }), Effect::Copy(url));
        // Rust mode owes nothing.
        assert_eq!(Page::default().to_deflate(), None);
    }

    #[test]
    fn a_link_refuses_more_than_16_kb_of_code_and_changes_nothing() {
        let mut s = Page::default();
        python(&mut s);
        s.dispatch(Action::EditCode(format!("{}\nprint(1)\n", "#".repeat(link::MAX_CODE_BYTES))));
        s.dispatch(Action::RunCode);
        let run = s.run_id;
        assert_eq!(s.dispatch(Action::CopyLink { base: "http://x/".into() }), Effect::None);
        assert!(s.notice.as_deref().unwrap().contains("at most 16 KB"), "{:?}", s.notice);
        assert_eq!(s.share_url, None);
        assert_eq!(s.run_id, run);
        // The code can still be saved.
        assert!(matches!(s.dispatch(Action::DownloadCode), Effect::Save { ref name, .. } if name == "code.py"));
    }

    #[test]
    fn a_runaway_is_reported_with_its_task() {
        let (mut s, run_id) = python_with_ready_worker();
        s.dispatch(Action::Worker { run_id, msg: WorkerMsg::Spawn { id: 2, task: 3, name: "spin".into() } });
        let probe = Probe { now_us: 10.0, want_us: 0.0, heartbeat: 7, waiting: false, current: 3 };
        s.dispatch(Action::Probe { run_id, probe, now_ms: 1000.0 });
        assert_eq!(s.python_error(), None);
        s.dispatch(Action::Probe { run_id, probe, now_ms: 3100.0 });
        assert!(s.python_error().unwrap().starts_with("task `spin` has run 2 s without awaiting"));
        // An error line from the worker names its line.
        s.dispatch(Action::RunCode);
        let run_id = s.run_id;
        s.dispatch(Action::Worker {
            run_id,
            msg: WorkerMsg::Error { text: "code.py line 4: SyntaxError: invalid syntax".into(), at_us: Some(0) },
        });
        assert_eq!(examples::error_line(s.python_error().unwrap()), (Some(4), "SyntaxError: invalid syntax".into()));
    }

    #[test]
    fn a_bad_parameter_shows_an_error_and_the_demo_keeps_running() {
        let mut s = Page::default();
        frames(&mut s, 0.5);
        let t = s.driver.display_us();
        s.dispatch(Action::SetParam { key: "interval1".into(), text: "-1".into() });
        assert!(s.drafts.get("interval1").expect("a draft").error.contains("must be above 0"), "{:?}", s.drafts);
        assert_eq!(s.driver.display_us(), t, "no restart");
        frames(&mut s, 0.1);
        assert!(s.driver.display_us() > t);
        // A valid value restarts and clears the error.
        s.dispatch(Action::SetParam { key: "interval1".into(), text: "0.5".into() });
        assert!(s.drafts.is_empty());
        assert_eq!(s.driver.display_us(), 0);
        assert_eq!(s.params.float("interval1"), 0.5);
        // The same value again does not restart.
        frames(&mut s, 0.1);
        s.dispatch(Action::SetParam { key: "interval1".into(), text: "0.50".into() });
        assert!(s.driver.display_us() > 0);
    }

    #[test]
    fn poll_cost_and_bounce_restart_speed_does_not() {
        let mut s = Page::default();
        frames(&mut s, 0.2);
        s.dispatch(Action::SetSpeed(5.0));
        assert!(s.driver.display_us() > 0);
        s.dispatch(Action::SetSpeed(1000.0));
        assert_eq!(s.speed, 100.0);
        s.dispatch(Action::SetPollCost("0".into()));
        assert!(s.poll_cost_draft.is_some());
        assert!(s.driver.display_us() > 0);
        s.dispatch(Action::SetPollCost("100".into()));
        assert_eq!(s.driver.display_us(), 0);
        assert_eq!(s.driver.config().unwrap().poll_cost_us, 100);
        frames(&mut s, 0.2);
        s.dispatch(Action::SetBounce { on: true, duration_ms: "2.5".into(), count: "4".into() });
        assert_eq!(s.driver.display_us(), 0);
        assert_eq!(s.driver.config().unwrap().bounce, Some(Bounce { duration_us: 2500, count: 4 }));
        s.dispatch(Action::SetBounce { on: true, duration_ms: "x".into(), count: "4".into() });
        assert!(s.bounce_draft.is_some());
        assert_eq!(s.active_bounce(), Some(Bounce { duration_us: 2500, count: 4 }));
    }

    #[test]
    fn a_recorded_run_replays_from_its_link() {
        let mut s = Page::from_query("?v=1&demo=button-interval");
        s.dispatch(Action::ToggleRecord);
        frames(&mut s, 0.8);
        s.dispatch(Action::Press(Pin::D(4)));
        frames(&mut s, 0.1);
        s.dispatch(Action::Release(Pin::D(4)));
        frames(&mut s, 0.3);
        s.dispatch(Action::Press(Pin::D(3)));
        s.dispatch(Action::Release(Pin::D(3))); // a quick click
        frames(&mut s, 0.5);
        let live = console(&s);
        assert_eq!(live.len(), 2, "{live:?}");
        assert_eq!(live[0].1, "interval is now 0.4");
        assert_eq!(live[1].1, "interval is now 0.5");
        let Effect::Copy(url) = s.dispatch(Action::CopyLink { base: "http://x/".into() }) else { panic!() };
        assert_eq!(s.share_url.as_deref(), Some(url.as_str()));
        assert!(url.contains("&rec="), "{url}");
        let mut replay = Page::from_query(url.split_once('?').unwrap().1);
        assert!(replay.link_error.is_none());
        assert_eq!(replay.recorded.len(), 4);
        frames(&mut replay, 1.7);
        assert_eq!(console(&replay), live);
        // Reset replays it too.
        s.dispatch(Action::ToggleRecord);
        s.dispatch(Action::Reset);
        frames(&mut s, 1.7);
        assert_eq!(console(&s), live);
    }

    #[test]
    fn a_recorded_run_with_bounce_replays_too() {
        let mut s = Page::from_query("v=1&demo=countio-interrupt&bounce=3000x3");
        s.dispatch(Action::ToggleRecord);
        frames(&mut s, 0.3);
        s.dispatch(Action::Press(Pin::D(3)));
        frames(&mut s, 0.2);
        s.dispatch(Action::Release(Pin::D(3)));
        frames(&mut s, 0.3);
        let live = console(&s);
        // countio counts the bounces: more than one line for one press.
        assert!(live.len() > 2, "{live:?}");
        let query = link::encode(&s.shared().unwrap());
        assert!(query.contains("bounce=3000x3&rec="), "{query}");
        let mut replay = Page::from_query(&query);
        frames(&mut replay, 0.8);
        assert_eq!(console(&replay), live);
    }

    #[test]
    fn a_bad_link_falls_back_with_its_error() {
        for query in ["?v=1&demo=nope", "?v=99", "?v=1&demo=button-interval&interval=-1"] {
            let s = Page::from_query(query);
            assert_eq!(s.demo(), DEFAULT_DEMO);
            let e = s.link_error.clone().unwrap();
            assert!(!e.is_empty());
            assert!(e.contains("default demo"));
        }
        assert!(State::from_query("?v=1&demo=nope").link_error.unwrap().contains("unknown demo \"nope\""));
        assert!(Page::from_query("").link_error.is_none());
        let s = Page::from_query("v=1&demo=rainbow&speed=2.5");
        assert_eq!((s.demo(), s.speed), (DemoId::Rainbow, 2.5));
    }

    #[test]
    fn presses_are_not_doubled_and_released_on_blur() {
        let mut s = Page::from_query("v=1&demo=button-interval");
        s.dispatch(Action::Press(Pin::D(3)));
        s.dispatch(Action::Press(Pin::D(3)));
        assert_eq!(s.held.len(), 1);
        s.dispatch(Action::Release(Pin::D(4)));
        s.dispatch(Action::ReleaseAll);
        assert!(s.held.is_empty());
        frames(&mut s, 0.2);
        assert_eq!(console(&s).len(), 1);
    }

    #[test]
    fn step_pauses_and_select_demo_resets() {
        let mut s = Page::default();
        s.dispatch(Action::Step);
        assert!(!s.running);
        assert_eq!(s.driver.total_polls(), 1);
        frames(&mut s, 0.2);
        assert_eq!(s.driver.total_polls(), 1, "paused");
        s.dispatch(Action::SelectDemo("rainbow".into()));
        assert_eq!(s.demo(), DemoId::Rainbow);
        assert!(s.running);
        s.dispatch(Action::SelectDemo("nope".into()));
        assert_eq!(s.demo(), DemoId::Rainbow);
        assert!(s.state.notice.unwrap().contains("unknown demo"));
    }

    #[test]
    fn download_asks_for_the_running_demo_with_its_parameters() {
        let mut s = Page::default();
        s.dispatch(Action::SelectDemo("button-interval".into()));
        s.dispatch(Action::SetParam { key: "interval".into(), text: "0.7".into() });
        let Effect::Download { board, params } = s.dispatch(Action::DownloadFirmware(1)) else { panic!() };
        assert_eq!(board.id, "qtpy");
        assert_eq!(params.changed(), [("interval", "0.7".to_string())]);
        assert!(s.notice.as_deref().unwrap().contains("baton-qtpy-button-interval.uf2"));
        assert_eq!(s.dispatch(Action::DownloadFirmware(9)), Effect::None, "no such board: nothing happens");
    }

    #[test]
    fn recording_stops_before_a_link_gets_too_long() {
        // The variant that awaits keys: few polls, so many presses run fast.
        let mut s = Page::from_query("v=1&demo=button-interval-await");
        s.dispatch(Action::ToggleRecord);
        for _ in 0..400 {
            s.dispatch(Action::Press(Pin::D(3)));
            frames(&mut s, 0.05);
            s.dispatch(Action::Release(Pin::D(3)));
            frames(&mut s, 0.05);
        }
        assert!(!s.recording);
        let url = link::encode(&s.shared().unwrap());
        assert!(url.len() <= link::MAX_LEN);
        assert_eq!(link::decode(&url).unwrap().shared.recording, s.recorded);
    }

    #[test]
    fn with_workers_the_guides_blocking_demos_run_in_one_and_the_others_in_the_page() {
        let mut s = Page::from_query("v=1&demo=blink-polling&interval1=2&count1=50");
        assert!(s.remote().is_none(), "no workers: in the page, as before");
        s.set_workers(true);
        let program = s.remote().map(|r| r.program.clone());
        assert_eq!(
            program,
            Some(Program::Demo { demo: DemoId::BlinkPolling, params: "interval1=2.0&count1=50".into() })
        );
        // Its parameters go with it; the board follows them.
        s.dispatch(Action::SetParam { key: "count2".into(), text: "3".into() });
        let Some(Program::Demo { params, .. }) = s.remote().map(|r| r.program.clone()) else { panic!() };
        assert_eq!(params, "interval1=2.0&count1=50&count2=3");
        assert_eq!(crate::view::board(&s).leds.len(), 2);
        assert!(s.driver.failure().is_none());
        // A demo that awaits runs in the page; blink-blocking in the worker again.
        s.dispatch(Action::SelectDemo("blink-one".into()));
        assert!(s.remote().is_none());
        s.dispatch(Action::SelectDemo("blink-blocking".into()));
        assert!(matches!(s.remote().map(|r| &r.program), Some(Program::Demo { demo: DemoId::BlinkBlocking, .. })));
        // A link opened keeps it so.
        s.dispatch(Action::LoadLink("v=1&demo=blink-polling".into()));
        assert!(s.workers);
        assert!(matches!(s.remote().map(|r| &r.program), Some(Program::Demo { demo: DemoId::BlinkPolling, .. })));
        // And its errors are a Rust demo's, not Python mode's.
        let run_id = s.run_id;
        s.dispatch(Action::Worker {
            run_id,
            msg: WorkerMsg::Error { text: "the worker could not run blink-polling: x".into(), at_us: None },
        });
        assert_eq!(s.driver.failure(), Some("the worker could not run blink-polling: x"));
        assert_eq!(s.python_error(), None);
    }

    #[test]
    fn your_own_rust_program_runs_in_the_worker_until_a_demo_is_picked() {
        let mut s = Page::default();
        s.set_workers(true);
        s.dispatch(Action::SelectDemo(examples::YOURS.into()));
        assert!(s.yours && s.notice.is_none());
        assert_eq!(s.remote().map(|r| &r.program), Some(&Program::Yours));
        // A build that failed ends the run with its errors, shown as a Rust demo's.
        let text = "your-program: cargo xtask could not build my-app:\nerror: x".to_string();
        s.dispatch(Action::Worker { run_id: s.run_id, msg: WorkerMsg::Error { text: text.clone(), at_us: None } });
        assert_eq!(s.driver.failure(), Some(text.as_str()));
        s.dispatch(Action::SelectDemo("blink-one".into()));
        assert!(!s.yours && s.remote().is_none());
        // Back in Rust mode from Python mode's own "your program", the demo runs.
        s.dispatch(Action::SelectDemo(examples::YOURS.into()));
        s.dispatch(Action::SetLanguage("python".into()));
        s.dispatch(Action::SetLanguage("rust".into()));
        assert!(!s.yours && s.remote().is_none());
    }

    #[test]
    fn a_blocking_demo_in_a_worker_shows_its_events_at_the_display_time() {
        let mut s = Page::from_query("v=1&demo=blink-blocking");
        s.set_workers(true);
        let run_id = s.run_id;
        s.dispatch(Action::Worker { run_id, msg: WorkerMsg::Ready });
        let pin = |t_us, value| TraceEvent::Pin { t_us, pin: Pin::D(1), value };
        s.dispatch(Action::Worker { run_id, msg: WorkerMsg::Spawn { id: 1, task: 1, name: "main".into() } });
        // main's one poll, under way at 0.5 s.
        let open = vec![0.0, 500_000.0, 1.0, 1.0, -1.0];
        let turns = |events, turns| WorkerMsg::Trace {
            events,
            bad: 0,
            pwm: vec![],
            parts: String::new(),
            inputs: vec![],
            turns,
        };
        s.dispatch(Action::Worker { run_id, msg: turns(vec![pin(0, true), pin(250_000, false)], open) });
        let probe = Probe { now_us: 500_000.0, want_us: 0.0, heartbeat: 1, waiting: true, current: 0 };
        s.dispatch(Action::Probe { run_id, probe, now_ms: 0.0 });
        frames(&mut s, 0.1);
        assert!(s.driver.output(Pin::D(1)));
        frames(&mut s, 0.2);
        assert!(!s.driver.output(Pin::D(1)), "off at 0.25 s of display time");
        // main has the CPU all along: the task table and the timeline say so before it ends.
        let rows = s.driver.tasks();
        assert_eq!(rows.len(), 1);
        assert_eq!(
            (rows[0].name.as_str(), rows[0].state_at(s.driver.display_us())),
            ("main", baton::TaskState::Running)
        );
        assert_eq!(rows[0].polls, 0);
        let open = s.driver.timeline().open.expect("an open span");
        assert_eq!((open.task, open.start_us, open.end_us), (1, 0, s.driver.display_us()));
        // Its end: one poll, done.
        let done = vec![0.0, 5_000_000.0, 1.0, 4.0, -1.0];
        s.dispatch(Action::Worker { run_id, msg: turns(vec![], done) });
        let probe = Probe { now_us: 5_100_000.0, want_us: 0.0, heartbeat: 2, waiting: true, current: 0 };
        s.dispatch(Action::Probe { run_id, probe, now_ms: 0.0 });
        frames(&mut s, 0.1);
        assert_eq!(s.driver.tasks()[0].polls, 1);
        assert!(s.driver.timeline().open.is_none());
    }

    #[test]
    fn a_pause_shows_nothing_more_of_the_worker_and_a_step_shows_as_far_as_it_let_it_run() {
        let (mut s, run_id) = python_with_ready_worker();
        let probe = |now_us: f64, want_us: f64| Probe { now_us, want_us, heartbeat: 1, waiting: true, current: 0 };
        s.dispatch(Action::Probe { run_id, probe: probe(200_000.0, 0.0), now_ms: 0.0 });
        frames(&mut s, 0.1);
        let at_pause = s.driver.display_us();
        s.dispatch(Action::Pause);
        // The worker had been let run ahead of the display (the lookahead): the pause stays put.
        let print = |t_us| TraceEvent::Print { t_us, text: "later".into() };
        s.dispatch(Action::Worker { run_id, msg: trace_msg(vec![print(at_pause + 10_000)], vec![]) });
        s.dispatch(Action::Probe { run_id, probe: probe((at_pause + 20_000) as f64, 0.0), now_ms: 0.0 });
        frames(&mut s, 0.2);
        assert_eq!(s.driver.display_us(), at_pause);
        assert!(console(&s).is_empty());
        // A step lets it run to where it asked to go next, and the display follows that far.
        let want = s.remote().unwrap().credit_us() + 5_000;
        s.dispatch(Action::Probe { run_id, probe: probe((at_pause + 20_000) as f64, want as f64), now_ms: 0.0 });
        s.dispatch(Action::Step);
        s.dispatch(Action::Probe { run_id, probe: probe(want as f64, want as f64), now_ms: 0.0 });
        frames(&mut s, 0.05);
        assert_eq!(s.driver.display_us(), want);
        assert_eq!(console(&s), vec![(at_pause + 10_000, "later".to_string())]);
    }

    /// The reducer alone: plain data in, and what it wants done out (no engine runs).
    #[test]
    fn the_reducer_asks_the_engine_and_hears_its_answers() {
        let mut s = State::default();
        let start = |s: &State| Effect::Engine(Engine::Start(Box::new(s.plan())));
        let Effect::Engine(Engine::Start(plan)) = s.dispatch(Action::Reset) else { panic!("a new run") };
        assert!(
            matches!(*plan, RunPlan::Sim { ref config, ref presses } if config.params.demo() == DEFAULT_DEMO && presses.is_empty())
        );
        assert_eq!(s.run_id, 1);
        // A press is asked for; its time comes back as an answer, and is recorded then.
        assert_eq!(s.dispatch(Action::ToggleRecord), start(&s));
        assert_eq!(s.dispatch(Action::Press(Pin::D(3))), Effect::Engine(Engine::Press(Pin::D(3))));
        assert_eq!(s.dispatch(Action::Press(Pin::D(3))), Effect::None, "held already");
        let down = InputEvent { t_us: 1_234, pin: Pin::D(3), pressed: true };
        s.answer(Action::ButtonEvent(down));
        assert_eq!((s.held.get(&Pin::D(3)), s.recorded.as_slice()), (Some(&1_234), &[Input::Button(down)][..]));
        assert_eq!(s.dispatch(Action::ReleaseAll), Effect::Engine(Engine::Release(vec![(Pin::D(3), 1_234)])));
        assert!(s.held.is_empty());
        assert_eq!(s.dispatch(Action::Step), Effect::Engine(Engine::Step));
        assert!(!s.running);
        // Your board: its run in place of the page's, and the page's own back when it goes.
        let effect = s.dispatch(Action::BoardLive {
            board: "Raspberry Pi Pico".into(),
            firmware: "0.1.0".into(),
            demo: "blink-one".into(),
            params: String::new(),
        });
        let board = RunPlan::Board {
            board: "Raspberry Pi Pico".into(),
            firmware: "0.1.0".into(),
            params: Params::defaults(DemoId::BlinkOne),
        };
        assert_eq!(effect, Effect::Engine(Engine::Start(Box::new(board))));
        assert_eq!(s.dispatch(Action::Press(Pin::D(3))), Effect::None, "the board's buttons are on the board");
        assert!(
            matches!(s.dispatch(Action::BoardGone("unplugged".into())), Effect::Engine(Engine::Start(ref p)) if matches!(**p, RunPlan::Sim { .. }))
        );
        assert_eq!(s.notice.as_deref(), Some("unplugged"));
        // Python mode: a worker's run, whose scheduled inputs come back to be recorded.
        s.dispatch(Action::SetLanguage("python".into()));
        s.dispatch(Action::GuidesLoaded(Ok(Guides::bundled())));
        assert!(matches!(s.plan(), RunPlan::Worker { program: Program::Python(_), .. }));
        s.dispatch(Action::ToggleRecord);
        let turn = Input::Turn(LevelEvent { t_us: 5, pin: Pin::A(0), value: 2 });
        s.answer(Action::Scheduled(vec![turn]));
        assert_eq!(s.recorded, [turn]);
    }
}
