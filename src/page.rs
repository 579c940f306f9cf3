//! The page: the state ([`State`], plain data with its reducer) and the engine of the run it
//! shows ([`Driver`]: a simulation, a worker's run or your board's stream, kept at the display
//! time). As in Yew's todomvc, the reducer decides and the edge acts: whatever the reducer asks
//! of the engine ([`Engine`]) is done here, and the engine's answers (when a press happened,
//! what a worker scheduled) go back to the reducer as actions. The app holds a `Page` and does
//! the rest of the effects (the clipboard, files, the worker's messages).
//!
//! A `Page` reads as its state (it dereferences to [`State`]), so `page.params` is the state's.

use crate::driver::Driver;
use crate::link::Shared;
use crate::remote::{Probe, Remote, Status, WorkerMsg};
use crate::state::{Action, Effect, Engine, Language, State};
use std::ops::{Deref, DerefMut};

/// The state and the engine of its run.
pub struct Page {
    /// What the page shows and why: every action goes through its reducer.
    pub state: State,
    /// The run's engine, and what it shows at the display time.
    pub driver: Driver,
}

impl Default for Page {
    fn default() -> Self {
        Page::with(State::default())
    }
}

impl Deref for Page {
    type Target = State;
    fn deref(&self) -> &State {
        &self.state
    }
}

impl DerefMut for Page {
    fn deref_mut(&mut self) -> &mut State {
        &mut self.state
    }
}

impl Page {
    /// A page running `shared`'s run.
    pub fn new(shared: Shared) -> Self {
        Page::with(State::new(shared))
    }

    /// The page for a query string: the link's run, or the default demo and an error.
    pub fn from_query(query: &str) -> Self {
        Page::with(State::from_query(query))
    }

    /// `state`, with the engine of the run it shows.
    pub fn with(state: State) -> Self {
        let driver = Driver::start(state.plan());
        Page { state, driver }
    }

    /// Applies an action: the engine's own (a frame, the worker's or the board's messages)
    /// here, the rest through the reducer, whose asks of the engine are done here too.
    /// Returns what the app must do.
    pub fn dispatch(&mut self, action: Action) -> Effect {
        match action {
            Action::Frame { dt_ms, now_ms } => self.frame(dt_ms, now_ms, &mut || true),
            Action::Probe { run_id, probe, now_ms } => self.probe(run_id, probe, now_ms),
            Action::Worker { run_id, msg } => self.hear(run_id, msg),
            Action::Board(msg) => {
                if let Some(run) = self.driver.board_mut() {
                    run.receive(msg);
                }
                self.state.owed()
            }
            action => {
                let effect = self.state.dispatch(action);
                self.perform(effect)
            }
        }
    }

    /// A frame: `dt_ms` of wall time passed, `now_ms` is the wall clock; `keep_going()` says
    /// whether the frame may run more polls (the app measures its budget on its own clock).
    /// Returns what the app must do, as [`Page::dispatch`] does.
    pub fn frame(&mut self, dt_ms: f64, now_ms: f64, keep_going: &mut dyn FnMut() -> bool) -> Effect {
        if self.state.running {
            // A long gap (a background tab) is not caught up on.
            let dt = dt_ms.clamp(0.0, 100.0);
            self.driver.advance(dt * 1000.0 * self.state.speed, now_ms, keep_going);
        } else {
            self.driver.idle(now_ms);
        }
        self.state.owed()
    }

    /// Says whether the page can run a worker (the app asks the browser once, at the start).
    /// Returns what the app must do, as [`Page::dispatch`] does.
    pub fn set_workers(&mut self, on: bool) -> Effect {
        let effect = self.state.set_workers(on);
        self.perform(effect)
    }

    /// The worker's run, if this is one (Python mode, or a Rust demo that blocks).
    pub fn remote(&self) -> Option<&Remote> {
        self.driver.remote()
    }

    /// Python mode: the error to show (`code.py line N: …`, or a runaway's message).
    pub fn python_error(&self) -> Option<&str> {
        if self.state.language != Language::Python {
            return None;
        }
        match self.remote()?.status() {
            Status::Failed(e) | Status::Stopped(e) => Some(e),
            _ => None,
        }
    }

    /// What the worker of run `run_id` said; what it scheduled goes to the reducer.
    fn hear(&mut self, run_id: u64, msg: WorkerMsg) -> Effect {
        if let Some(remote) = self.driver.remote_mut().filter(|_| run_id == self.state.run_id) {
            remote.receive(msg);
            let scheduled = remote.take_scheduled();
            self.state.answer(Action::Scheduled(scheduled));
        }
        self.state.owed()
    }

    /// A look at the worker of run `run_id`: it is owed credit and the inputs since.
    fn probe(&mut self, run_id: u64, probe: Probe, now_ms: f64) -> Effect {
        match self.driver.remote_mut().filter(|_| run_id == self.state.run_id) {
            Some(remote) => {
                remote.probe(probe, now_ms);
                Effect::Worker { credit_us: remote.credit_us(), inputs: remote.take_outbox() }
            }
            None => Effect::None,
        }
    }

    /// Does what the reducer asked of the engine, with the engine's answers back to the
    /// reducer; returns the rest, for the app.
    fn perform(&mut self, effect: Effect) -> Effect {
        let Effect::Engine(ask) = effect else { return effect };
        match ask {
            Engine::Start(plan) => self.driver = Driver::start(*plan),
            Engine::Press(pin) => {
                if let Some(event) = self.driver.set_button(pin, true, None) {
                    self.state.answer(Action::ButtonEvent(event));
                }
            }
            Engine::Release(held) => {
                for (pin, pressed_at) in held {
                    if let Some(event) = self.driver.set_button(pin, false, Some(pressed_at)) {
                        self.state.answer(Action::ButtonEvent(event));
                    }
                }
            }
            Engine::Send(input) => self.driver.send(input),
            Engine::Step => {
                self.driver.step();
            }
        }
        self.state.owed()
    }
}
