//! Your board as a run source: what Baton's firmware streams over the board link
//! (docs/LINK.md), shown in the page's own board view, console, timeline and task table, on
//! the board's clock.
//!
//! The board link's module (`link/`, loaded when you connect) reads the board's frames and
//! restates them as the worker's messages (`baton_host::wire`), so the page reads a board as
//! it reads a run in its worker: a [`Remote`] holds what it said. What differs is time. A
//! worker runs as far as the page lets it; a board runs on its own, in real time, and the page
//! only hears of it. So the display follows the board: it jumps to the newest time heard when
//! it is behind, and runs on from there at the wall clock's pace, at most [`LIVE_LEAD_US`]
//! past what the board has said (a board that says nothing for a while may have stopped).
//! Presses in the page do not reach the board: its buttons are on the board.

use super::{Advanced, RunSource, Stepped};
use crate::remote::{Program, Pwm, Remote, WorkerMsg, TURN_FIELDS};
use baton_board::Pin;
use baton_demos::Params;
use baton_sim::inputs::Input;
use baton_sim::{InputEvent, TraceEvent};

/// How far the display may run past the newest time the board has said, µs.
pub const LIVE_LEAD_US: u64 = 1_000_000;

/// A board's run, as the page hears it: what it said, read as a worker's messages, and the
/// newest time it said, which the display follows.
#[derive(Clone, Debug)]
pub struct BoardRun {
    /// The board ("Raspberry Pi Pico").
    pub board: String,
    /// Its firmware's version.
    pub firmware: String,
    heard: Remote,
    latest_us: u64,
}

impl BoardRun {
    /// A board running `params`' demo, before it has said anything.
    pub fn new(board: String, firmware: String, params: &Params) -> Self {
        let mut heard = Remote::new(Program::demo(params), 0, None, &[]);
        heard.receive(WorkerMsg::Ready);
        BoardRun { board, firmware, heard, latest_us: 0 }
    }

    /// Takes in what the board said (as a worker's message).
    pub fn receive(&mut self, msg: WorkerMsg) {
        if let WorkerMsg::Trace { events, turns, .. } = &msg {
            let ends = turns.chunks_exact(TURN_FIELDS).map(|t| t[1].max(0.0) as u64);
            let latest = events.iter().map(TraceEvent::t_us).chain(ends).max();
            self.latest_us = self.latest_us.max(latest.unwrap_or(0));
        }
        self.heard.receive(msg);
    }
}

impl RunSource for BoardRun {
    fn now_us(&self) -> u64 {
        self.latest_us
    }
    fn polls(&self) -> u64 {
        self.heard.polls()
    }
    fn ended_us(&self) -> Option<u64> {
        None
    }
    fn failure(&self) -> Option<&str> {
        None
    }

    fn advance(&mut self, target_us: u64, _keep_going: &mut dyn FnMut() -> bool) -> Advanced {
        let shown_us = target_us.max(self.latest_us).min(self.latest_us.saturating_add(LIVE_LEAD_US));
        Advanced { shown_us, polls: 0, behind: false }
    }
    fn paused_show(&self, _display_us: u64) -> Option<u64> {
        None
    }
    fn step(&mut self) -> Stepped {
        Stepped::Nothing
    }

    fn press(&mut self, _pin: Pin, _pressed: bool, _pressed_at: Option<u64>) -> Option<InputEvent> {
        None
    }
    fn send(&mut self, _input: Input) {}

    fn take_events(&mut self) -> Vec<TraceEvent> {
        self.heard.take_events().into()
    }
    fn take_pwm(&mut self) -> Vec<Pwm> {
        Vec::new()
    }
    fn open_turn(&self) -> Option<(u64, u64)> {
        None
    }
    fn known_tasks(&self) -> Vec<(u64, String)> {
        // The link names a board's tasks by their Baton ids (its `spawn`s' `id` is the `task`).
        self.heard.names().iter().map(|(&id, name)| (u64::from(id), name.clone())).collect()
    }
    fn task_name(&self, task: u64) -> Option<String> {
        self.heard.task_name(task).map(|n| n.to_string())
    }

    fn board(&self) -> Option<&BoardRun> {
        Some(self)
    }
    fn board_mut(&mut self) -> Option<&mut BoardRun> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::driver::Driver;
    use baton::TaskState;
    use baton_demos::DemoId;
    use baton_host::wire;

    fn trace(events: Vec<TraceEvent>, turns: Vec<f64>) -> WorkerMsg {
        WorkerMsg::Trace { events, bad: 0, pwm: vec![], parts: String::new(), inputs: vec![], turns }
    }

    #[test]
    fn the_display_follows_the_board() {
        let params = Params::defaults(DemoId::BlinkOne);
        let mut d = Driver::board(BoardRun::new("Raspberry Pi Pico".into(), "0.1.0".into(), &params));
        let run = || true;
        let mut keep = run;
        // Nothing heard: the display runs at most LIVE_LEAD_US.
        d.advance(3_000_000.0, 0.0, &mut keep);
        assert_eq!(d.display_us(), LIVE_LEAD_US);
        // The board says it is at 30 s: the display jumps there, and shows what it did.
        let b = d.board_mut().unwrap();
        b.receive(WorkerMsg::Spawn { id: 1, task: 1, name: "main".into() });
        b.receive(trace(
            vec![TraceEvent::Pin { t_us: 30_000_010, pin: Pin::D(1), value: true }],
            wire::turn(30_000_000, 30_000_020, 1, TaskState::Ready).to_vec(),
        ));
        d.advance(16_000.0, 16.0, &mut keep);
        assert_eq!(d.display_us(), 30_000_020);
        assert!(d.output(Pin::D(1)));
        assert_eq!(d.tasks().iter().map(|t| (t.name.as_str(), t.polls)).collect::<Vec<_>>(), [("main", 1)]);
        // From there it runs at the wall clock's pace.
        d.advance(16_000.0, 32.0, &mut keep);
        assert_eq!(d.display_us(), 30_016_020);
        // A press in the page does not reach the board.
        assert_eq!(d.set_button(Pin::D(3), true, None), None);
    }
}
