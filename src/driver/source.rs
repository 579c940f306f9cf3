//! What a run's events come from, as the [`Driver`](super::Driver) asks for them: a
//! [`RunSource`].
//!
//! Three sources exist: a Rust demo simulated in the page ([`Simulation`]), a run in a
//! worker ([`Remote`]: a Python program, or a Rust demo that blocks), and your own board over
//! the board link ([`BoardRun`]). The driver holds one as a [`Source`], which delegates every
//! method in one place (`each!`) and is never asked which it is: each source is its own
//! `impl`, one variant and one line of `each!`, and no `match` in the driver. (An enum rather than a
//! `Box<dyn RunSource>`: the page's wasm is 12 B larger with it than with the old matches,
//! and 404 B with the trait object, gzipped.)

use super::board::BoardRun;
use super::{MAX_POLLS_PER_FRAME, MIN_HOLD_US, POLL_CHUNK};
use crate::remote::{Pwm, Remote, Status};
use baton_board::Pin;
use baton_sim::inputs::Input;
use baton_sim::{InputEvent, SimConfig, Simulation, Step, TraceEvent};

/// How far a frame's advance got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advanced {
    /// How far the display may go: the target, or less when the source is behind.
    pub shown_us: u64,
    /// Polls run in the page for it (0 for a source that runs elsewhere).
    pub polls: u64,
    /// Whether the source fell behind the target.
    pub behind: bool,
}

/// What one Step did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stepped {
    /// Nothing was left to run.
    Nothing,
    /// A turn was asked for; it shows when the source has run it (`RunSource::paused_show`).
    Asked,
    /// A turn ran, from `start_us` to `end_us`.
    Polled {
        /// When it started, µs.
        start_us: u64,
        /// When it ended, µs.
        end_us: u64,
    },
}

/// A run the page shows: it advances towards a display time, takes presses and other inputs,
/// and reports its events and its tasks' turns.
pub trait RunSource {
    /// Its own time, µs (ahead of the display inside a long blocking poll).
    fn now_us(&self) -> u64;
    /// Turns taken since the start.
    fn polls(&self) -> u64;
    /// When the program ended, if it has.
    fn ended_us(&self) -> Option<u64>;
    /// Why a Rust demo stopped with an error, if it did (Python mode's errors are its own).
    fn failure(&self) -> Option<&str>;

    /// Runs (or lets the source run) up to `target_us`; a source that runs in the page polls
    /// in chunks of [`POLL_CHUNK`], while `keep_going()` and under [`MAX_POLLS_PER_FRAME`].
    fn advance(&mut self, target_us: u64, keep_going: &mut dyn FnMut() -> bool) -> Advanced;
    /// While paused: how far a Step asked for shows, if past `display_us`.
    fn paused_show(&self, display_us: u64) -> Option<u64>;
    /// One turn, for the Step button.
    fn step(&mut self) -> Stepped;

    /// Presses (`true`) or releases a button now; the event to record, if known now (a
    /// release no sooner than [`MIN_HOLD_US`] after `pressed_at`).
    fn press(&mut self, pin: Pin, pressed: bool, pressed_at: Option<u64>) -> Option<InputEvent>;
    /// Sets a potentiometer or turns a knob (a source without any ignores it).
    fn send(&mut self, input: Input);

    /// The events recorded since the last call, in the order recorded.
    fn take_events(&mut self) -> Vec<TraceEvent>;
    /// The duty cycles set since the last call (a source without `PWMOut`s has none).
    fn take_pwm(&mut self) -> Vec<Pwm>;
    /// A turn under way that has been reported but not ended: (task, start µs).
    fn open_turn(&self) -> Option<(u64, u64)>;
    /// Every task known, by id and name, polled or not.
    fn known_tasks(&self) -> Vec<(u64, String)>;
    /// A task's name, if known.
    fn task_name(&self, task: u64) -> Option<String>;

    /// The simulation's configuration, if this is the page's own simulation.
    fn config(&self) -> Option<&SimConfig> {
        None
    }
    /// The worker's run, if this is one.
    fn remote(&self) -> Option<&Remote> {
        None
    }
    /// The worker's run, to pass it the worker's messages.
    fn remote_mut(&mut self) -> Option<&mut Remote> {
        None
    }
    /// Your board's run, if this is one.
    fn board(&self) -> Option<&BoardRun> {
        None
    }
    /// Your board's run, to pass it what the board said.
    fn board_mut(&mut self) -> Option<&mut BoardRun> {
        None
    }
}

/// A Rust demo, simulated in the page.
impl RunSource for Simulation {
    fn now_us(&self) -> u64 {
        Simulation::now_us(self)
    }
    fn polls(&self) -> u64 {
        Simulation::polls(self)
    }
    fn ended_us(&self) -> Option<u64> {
        Simulation::ended_us(self)
    }
    fn failure(&self) -> Option<&str> {
        Simulation::failure(self)
    }

    fn advance(&mut self, target_us: u64, keep_going: &mut dyn FnMut() -> bool) -> Advanced {
        let (mut polls, mut behind) = (0, false);
        while Simulation::now_us(self) <= target_us {
            if polls >= MAX_POLLS_PER_FRAME || (polls > 0 && !keep_going()) {
                behind = true;
                break;
            }
            let chunk = POLL_CHUNK.min(MAX_POLLS_PER_FRAME - polls);
            let ran = self.run_until_bounded(target_us, chunk);
            polls += ran;
            if ran < chunk {
                break;
            }
        }
        // Out of budget: the display waits for the simulation (virtual time falls behind).
        let shown_us = if behind { target_us.min(Simulation::now_us(self)) } else { target_us };
        Advanced { shown_us, polls, behind }
    }

    fn paused_show(&self, _display_us: u64) -> Option<u64> {
        None
    }

    fn step(&mut self) -> Stepped {
        // Skip idle time up to the next poll (at most a minute ahead).
        let horizon = Simulation::now_us(self).saturating_add(60_000_000);
        for _ in 0..1000 {
            match Simulation::step(self, horizon) {
                Step::Polled { start_us, end_us, .. } => return Stepped::Polled { start_us, end_us },
                Step::Advanced { .. } => continue,
                Step::Idle => break,
            }
        }
        Stepped::Nothing
    }

    fn press(&mut self, pin: Pin, pressed: bool, pressed_at: Option<u64>) -> Option<InputEvent> {
        if pressed {
            return Some(self.set_button(pin, true));
        }
        let t_us = (Simulation::now_us(self) + 1).max(pressed_at.map_or(0, |t| t + MIN_HOLD_US));
        let event = InputEvent { t_us, pin, pressed: false };
        self.schedule_inputs(&[event]);
        Some(event)
    }

    fn send(&mut self, _input: Input) {}

    fn take_events(&mut self) -> Vec<TraceEvent> {
        self.take_trace()
    }
    fn take_pwm(&mut self) -> Vec<Pwm> {
        Vec::new()
    }
    fn open_turn(&self) -> Option<(u64, u64)> {
        None
    }
    fn known_tasks(&self) -> Vec<(u64, String)> {
        self.tasks().into_iter().map(|t| (t.id.as_u64(), t.name.to_string())).collect()
    }
    fn task_name(&self, task: u64) -> Option<String> {
        self.tasks().into_iter().find(|t| t.id.as_u64() == task).map(|t| t.name.to_string())
    }

    fn config(&self) -> Option<&SimConfig> {
        Some(Simulation::config(self))
    }
}

/// A run in a worker, which runs on its own: the page grants it time, shows what it has sent,
/// and waits for it when it is behind.
impl RunSource for Remote {
    fn now_us(&self) -> u64 {
        Remote::now_us(self)
    }
    fn polls(&self) -> u64 {
        Remote::polls(self)
    }
    fn ended_us(&self) -> Option<u64> {
        Remote::ended_us(self)
    }
    fn failure(&self) -> Option<&str> {
        match self.status() {
            Status::Failed(e) | Status::Stopped(e) if !self.program.is_python() => Some(e),
            _ => None,
        }
    }

    fn advance(&mut self, target_us: u64, _keep_going: &mut dyn FnMut() -> bool) -> Advanced {
        self.grant(target_us);
        let now = Remote::now_us(self);
        Advanced { shown_us: target_us.min(now), polls: 0, behind: now < target_us }
    }

    fn paused_show(&self, display_us: u64) -> Option<u64> {
        // A step granted to the worker shows as far as it got (and no further than the step:
        // the worker may have run ahead of the display before the pause).
        let now = Remote::now_us(self);
        self.step_target().filter(|_| now != u64::MAX && now > display_us).map(|to| now.min(to))
    }

    fn step(&mut self) -> Stepped {
        if Remote::step(self) {
            Stepped::Asked
        } else {
            Stepped::Nothing
        }
    }

    fn press(&mut self, pin: Pin, pressed: bool, _pressed_at: Option<u64>) -> Option<InputEvent> {
        // The worker schedules its presses itself and says when (`Remote::take_scheduled`).
        Remote::press(self, pin, pressed);
        None
    }

    fn send(&mut self, input: Input) {
        Remote::send(self, input);
    }

    fn take_events(&mut self) -> Vec<TraceEvent> {
        Remote::take_events(self).into()
    }
    fn take_pwm(&mut self) -> Vec<Pwm> {
        Remote::take_pwm(self)
    }
    fn open_turn(&self) -> Option<(u64, u64)> {
        Remote::open_turn(self)
    }
    fn known_tasks(&self) -> Vec<(u64, String)> {
        Vec::new()
    }
    fn task_name(&self, task: u64) -> Option<String> {
        Remote::task_name(self, task).map(|n| n.to_string())
    }

    fn remote(&self) -> Option<&Remote> {
        Some(self)
    }
    fn remote_mut(&mut self) -> Option<&mut Remote> {
        Some(self)
    }
}

/// The sources the page knows, each a [`RunSource`], delegated to in one place.
#[allow(clippy::large_enum_variant)]
pub enum Source {
    /// A Rust demo, simulated in the page.
    Sim(Simulation),
    /// A run in a worker.
    Worker(Remote),
    /// Your board, live.
    Board(BoardRun),
}

/// `$e` with `$s` bound to whichever source `$self` holds.
macro_rules! each {
    ($self:expr, $s:ident => $e:expr) => {
        match $self {
            Source::Sim($s) => $e,
            Source::Worker($s) => $e,
            Source::Board($s) => $e,
        }
    };
}

impl RunSource for Source {
    fn now_us(&self) -> u64 {
        each!(self, s => RunSource::now_us(s))
    }
    fn polls(&self) -> u64 {
        each!(self, s => RunSource::polls(s))
    }
    fn ended_us(&self) -> Option<u64> {
        each!(self, s => RunSource::ended_us(s))
    }
    fn failure(&self) -> Option<&str> {
        each!(self, s => RunSource::failure(s))
    }
    fn advance(&mut self, target_us: u64, keep_going: &mut dyn FnMut() -> bool) -> Advanced {
        each!(self, s => RunSource::advance(s, target_us, keep_going))
    }
    fn paused_show(&self, display_us: u64) -> Option<u64> {
        each!(self, s => RunSource::paused_show(s, display_us))
    }
    fn step(&mut self) -> Stepped {
        each!(self, s => RunSource::step(s))
    }
    fn press(&mut self, pin: Pin, pressed: bool, pressed_at: Option<u64>) -> Option<InputEvent> {
        each!(self, s => RunSource::press(s, pin, pressed, pressed_at))
    }
    fn send(&mut self, input: Input) {
        each!(self, s => RunSource::send(s, input))
    }
    fn take_events(&mut self) -> Vec<TraceEvent> {
        each!(self, s => RunSource::take_events(s))
    }
    fn take_pwm(&mut self) -> Vec<Pwm> {
        each!(self, s => RunSource::take_pwm(s))
    }
    fn open_turn(&self) -> Option<(u64, u64)> {
        each!(self, s => RunSource::open_turn(s))
    }
    fn known_tasks(&self) -> Vec<(u64, String)> {
        each!(self, s => RunSource::known_tasks(s))
    }
    fn task_name(&self, task: u64) -> Option<String> {
        each!(self, s => RunSource::task_name(s, task))
    }
    fn config(&self) -> Option<&SimConfig> {
        each!(self, s => RunSource::config(s))
    }
    fn remote(&self) -> Option<&Remote> {
        each!(self, s => RunSource::remote(s))
    }
    fn remote_mut(&mut self) -> Option<&mut Remote> {
        each!(self, s => RunSource::remote_mut(s))
    }
    fn board(&self) -> Option<&BoardRun> {
        each!(self, s => RunSource::board(s))
    }
    fn board_mut(&mut self) -> Option<&mut BoardRun> {
        each!(self, s => RunSource::board_mut(s))
    }
}
