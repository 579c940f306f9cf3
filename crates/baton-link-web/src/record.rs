//! What a board streams, kept as the simulator's trace.
//!
//! The board's messages (docs/LINK.md) say the same things a simulation's trace does — a pin
//! changed, a line was printed, a NeoPixel frame went out, a button was pressed, a task took a
//! turn — on the board's clock, whose time zero is the simulator's. Read here once as
//! [`TraceEvent`]s, they serve twice:
//! - the page shows them in its own board view, console, timeline and task table, as it shows
//!   a run in its worker: [`Record::take_for_page`] writes them as the worker's messages
//!   (`baton_host::wire`), which the page already reads;
//! - [`crate::check`] compares them with a simulation of the same demo, the board's presses
//!   replayed.

use baton::{Instant, TaskState};
use baton_host::wire;
use baton_link::{BoardMessage, TurnState};
use baton_sim::board::show_cost_us;
use baton_sim::{InputEvent, TraceEvent};
use litemap::LiteMap;

/// Events kept for the check (pins, prints, frames, presses; turns are not kept): an hour of
/// the guide's blink, ~10 MB at most. Past it the check compares what was kept, and says so.
pub const KEEP: usize = 100_000;

/// What a record lacks of the board's run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Missing {
    /// Presses and releases before the stream began that the board's press log could not keep.
    pub presses: u64,
    /// Events the board dropped while streaming (its buffer was full).
    pub events: u64,
    /// Events not kept for the check (past [`KEEP`]).
    pub not_kept: usize,
}

/// The board's stream, read (see the [module docs](self)).
#[derive(Default)]
pub struct Record {
    /// Everything kept for the check, in the order it came.
    kept: Vec<TraceEvent>,
    /// What is missing from the board's side.
    missing: Missing,
    /// The presses, as the simulator schedules them.
    presses: Vec<InputEvent>,
    /// The earliest and latest board times heard (µs since time zero).
    span: Option<(u64, u64)>,
    /// What the page has not been given yet: events, turns ([`wire::turn`]'s numbers).
    fresh: Vec<TraceEvent>,
    fresh_turns: Vec<f64>,
    /// Task names, from a simulation of the same demo ([`Record::name_tasks`]); the link
    /// carries ids only. Named to the page once each.
    names: LiteMap<u64, String>,
    named: Vec<u64>,
}

impl Record {
    /// An empty record.
    pub fn new() -> Self {
        Record::default()
    }

    /// Names the board's tasks: the same program makes the same tasks in the same order on
    /// both, so a simulation's ids are the board's.
    pub fn name_tasks(&mut self, names: impl IntoIterator<Item = (u64, String)>) {
        self.names.extend(names);
    }

    /// Takes one message in (the handshake and the answers are not events: skipped).
    pub fn note(&mut self, m: &BoardMessage<'_>) {
        let event = match *m {
            BoardMessage::PinChange { t_us, pin, level } => TraceEvent::Pin { t_us, pin, value: level },
            BoardMessage::Print { t_us, text } => TraceEvent::Print { t_us, text: text.into() },
            // The simulator stamps a frame when it has gone out (its wire-time model) and keeps
            // the colours as set with their brightness; the board stamps its first bit and
            // sends what went out. Restated as the simulator's: same time, brightness 1.
            BoardMessage::Pixels { t_us, pin, colours } => {
                let colors: Vec<_> =
                    colours.chunks_exact(3).map(|c| baton_board::neopixel::Color::new(c[0], c[1], c[2])).collect();
                TraceEvent::Pixels { t_us: t_us + show_cost_us(colors.len()), pin, brightness: 1.0, colors }
            }
            // The guide's buttons pull up: pressed reads low.
            BoardMessage::Press { t_us, pin, pressed } => {
                self.presses.push(InputEvent { t_us, pin, pressed });
                TraceEvent::Input { t_us, pin, value: !pressed }
            }
            BoardMessage::Turn { task, start_us, end_us, state } => {
                self.heard(start_us);
                self.heard(end_us);
                self.fresh_turns.extend(wire::turn(start_us, end_us, task, task_state(state)));
                return;
            }
            // Before the stream's first event, a `Lost` is the press log's: presses and
            // releases after its first 128 (docs/LINK.md); after it, the stream's buffer's.
            BoardMessage::Lost { count } => {
                match self.span {
                    None => self.missing.presses += u64::from(count),
                    Some(_) => self.missing.events += u64::from(count),
                }
                return;
            }
            BoardMessage::HelloReply { .. } | BoardMessage::ConfigResult { .. } | BoardMessage::Console { .. } => {
                return
            }
        };
        // A press may be from before the stream began: the board sends the presses it logged
        // since time zero first (docs/LINK.md). They are replayed, but do not say when the
        // stream began.
        if !matches!(event, TraceEvent::Input { .. }) {
            self.heard(event.t_us());
        }
        if self.kept.len() < KEEP {
            self.kept.push(event.clone());
        } else {
            self.missing.not_kept += 1;
        }
        self.fresh.push(event);
    }

    fn heard(&mut self, t_us: u64) {
        self.span = Some(match self.span {
            None => (t_us, t_us),
            Some((a, b)) => (a.min(t_us), b.max(t_us)),
        });
    }

    /// Events kept for the check, in the order they came.
    pub fn kept(&self) -> &[TraceEvent] {
        &self.kept
    }

    /// The presses streamed, in the order they came.
    pub fn presses(&self) -> &[InputEvent] {
        &self.presses
    }

    /// The earliest and latest board times heard (presses aside), µs: the part of the run
    /// the board streamed.
    pub fn span(&self) -> Option<(u64, u64)> {
        self.span
    }

    /// What is missing from the board's side.
    pub fn missing(&self) -> Missing {
        self.missing
    }

    /// What the page has not been given yet, as the worker's messages say it (JSON texts the
    /// page's `baton_host::wire::decode` reads once parsed, and the turns' numbers, which go in
    /// the last one's `turns`): a `spawn` for each task the first time it takes a turn, then
    /// one `trace`. `None` when there is nothing new.
    pub fn take_for_page(&mut self) -> Option<(Vec<String>, Vec<f64>)> {
        if self.fresh.is_empty() && self.fresh_turns.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        // Every task the simulation named (the task table lists tasks before their first
        // turn), then any other the board turns.
        let turned = self.fresh_turns.chunks_exact(wire::TURN_FIELDS).map(|t| t[2] as u64);
        let tasks: Vec<u64> = self.names.iter().map(|(&id, _)| id).chain(turned).collect();
        for task in tasks {
            if !self.named.contains(&task) {
                self.named.push(task);
                let name = self.names.get(&task).cloned().unwrap_or_else(|| format!("task {task}"));
                out.push(format!(
                    r#"{{"type":"spawn","id":{task},"task":{task},"name":{}}}"#,
                    baton_sim::json::quoted(&name)
                ));
            }
        }
        let events: Vec<String> = self.fresh.drain(..).map(|e| e.to_json()).collect();
        out.push(format!(
            r#"{{"type":"trace","events":[{}],"bad":0,"pwm":[],"parts":"","inputs":[]}}"#,
            events.join(",")
        ));
        Some((out, std::mem::take(&mut self.fresh_turns)))
    }
}

/// What a turn left its task as, as Baton says it.
fn task_state(state: TurnState) -> TaskState {
    match state {
        TurnState::Ready => TaskState::Ready,
        TurnState::Sleeping { until_us } => TaskState::Sleeping { until: Instant::from_micros(until_us) },
        TurnState::Waiting => TaskState::Waiting,
        TurnState::Done => TaskState::Done,
        TurnState::Cancelled => TaskState::Cancelled,
        TurnState::Failed => TaskState::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_link::Pin;

    #[test]
    fn messages_become_the_simulators_events() {
        let mut r = Record::new();
        r.name_tasks([(1, "main".to_string()), (2, "blink".to_string())]);
        // A press from the board's log, before the stream began.
        r.note(&BoardMessage::Press { t_us: 100_000, pin: Pin::D(3), pressed: true });
        r.note(&BoardMessage::PinChange { t_us: 500_010, pin: Pin::D(1), level: true });
        r.note(&BoardMessage::Turn {
            task: 1,
            start_us: 500_000,
            end_us: 500_030,
            state: TurnState::Sleeping { until_us: 750_000 },
        });
        r.note(&BoardMessage::Press { t_us: 600_000, pin: Pin::D(3), pressed: true });
        r.note(&BoardMessage::Pixels { t_us: 700_000, pin: Pin::A(0), colours: &[1, 2, 3, 4, 5, 6] });
        r.note(&BoardMessage::Print { t_us: 800_000, text: "hi \"you\"" });
        r.note(&BoardMessage::Lost { count: 2 });
        // (A `Lost` before the stream's first event is the press log's.)
        let mut log = Record::new();
        log.note(&BoardMessage::Lost { count: 12 });
        log.note(&BoardMessage::Press { t_us: 10, pin: Pin::D(3), pressed: true });
        assert_eq!(log.missing(), Missing { presses: 12, events: 0, not_kept: 0 });
        assert_eq!(r.span(), Some((500_000, 800_000)));
        assert_eq!(
            r.presses(),
            [
                InputEvent { t_us: 100_000, pin: Pin::D(3), pressed: true },
                InputEvent { t_us: 600_000, pin: Pin::D(3), pressed: true }
            ]
        );
        assert_eq!(r.missing(), Missing { presses: 0, events: 2, not_kept: 0 });
        let kinds: Vec<String> = r.kept().iter().map(|e| e.to_json()).collect();
        assert_eq!(kinds[2], r#"{"t_us": 600000, "kind": "input", "pin": "D3", "value": false}"#);
        // 2 pixels: 140 µs on the wire after the first bit.
        assert!(kinds[3].starts_with(r#"{"t_us": 700140, "kind": "pixels", "pin": "A0", "brightness": 1.0"#));
        let (messages, turns) = r.take_for_page().unwrap();
        assert_eq!(messages[0], r#"{"type":"spawn","id":1,"task":1,"name":"main"}"#);
        assert_eq!(messages[1], r#"{"type":"spawn","id":2,"task":2,"name":"blink"}"#);
        assert!(messages[2].starts_with(r#"{"type":"trace","events":[{"t_us": 100000"#), "{}", messages[2]);
        let sleeping = TaskState::Sleeping { until: Instant::from_micros(750_000) };
        assert_eq!(turns, wire::turn(500_000, 500_030, 1, sleeping), "the state the turn left its task in");
        assert!(r.take_for_page().is_none(), "given once");
        // A task met again is not named again; one the simulation did not know is numbered.
        r.note(&BoardMessage::Turn { task: 1, start_us: 900_000, end_us: 900_010, state: TurnState::Waiting });
        r.note(&BoardMessage::Turn { task: 7, start_us: 900_020, end_us: 900_030, state: TurnState::Done });
        let (messages, _) = r.take_for_page().unwrap();
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0], r#"{"type":"spawn","id":7,"task":7,"name":"task 7"}"#);
    }
}
