//! "Check against the simulator": the board's stream compared with a simulation of the same
//! demo, with the same parameters and the board's presses replayed at the chip's times.
//!
//! The contract (docs/SIMULATOR.md) says a board and the simulator do the same things at the
//! same times; the firmware's emulator tests hold it to 200 µs ([`TOLERANCE_US`]). This is the
//! same comparison on the user's own board: per output pin, per NeoPixel strip and for the
//! console, the same changes in the same order, each within 200 µs. What it reports is what a
//! bug report needs: the first difference, the largest offset, and how many events differ.
//!
//! Only part of a board's run can be compared: the board streams from the moment the page
//! asked, and its last events may still be on their way ([`END_MARGIN_US`]). A simulation's
//! change near the start of the stream may fall on either side of it, so each sequence is
//! lined up on its first board event.

use crate::record::Missing;
use baton_board::neopixel::apply_brightness;
use baton_board::Pin;
use baton_demos::Params;
use baton_sim::{InputEvent, SimConfig, Simulation, TraceEvent};
use std::fmt;

/// How far apart the board's and the simulator's times of one event may be, µs.
pub const TOLERANCE_US: u64 = 200;
/// The end of the stream not compared, µs: events the board noted may still be in its buffer
/// (its task turns travel apart from its other events).
pub const END_MARGIN_US: u64 = 100_000;
/// The most turns the check simulates (a polling demo takes 100 000 a second): past it the
/// check compares as far as the simulation got, and says so.
pub const MAX_POLLS: u64 = 5_000_000;
/// The most moves of virtual time a demo that blocks may make for a check (its one poll is
/// the whole program; blink-polling reads the clock once a virtual µs), past which its time
/// hurries to the end ([`Simulation::hurry_after`]): about as long on the page as
/// [`MAX_POLLS`] turns of an asyncio demo.
pub const MAX_MOVES: u64 = 50_000_000;

/// One event of a sequence: when, and what (a level, a line, a frame's colours).
#[derive(Clone, Debug, PartialEq)]
struct Change {
    t_us: u64,
    what: String,
}

/// Which sequence an event belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Stream {
    Pin(Pin),
    Pixels(Pin),
    Console,
}

impl fmt::Display for Stream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stream::Pin(p) => write!(f, "pin {p}"),
            Stream::Pixels(p) => write!(f, "the NeoPixels on {p}"),
            Stream::Console => f.write_str("the console"),
        }
    }
}

/// The stream and the change an event is, or `None` for one not compared (an input).
fn change(e: &TraceEvent) -> Option<(Stream, Change)> {
    let (stream, what) = match e {
        TraceEvent::Pin { pin, value, .. } => (Stream::Pin(*pin), if *value { "high" } else { "low" }.to_string()),
        TraceEvent::Print { text, .. } => (Stream::Console, format!("printed “{text}”")),
        TraceEvent::Pixels { pin, brightness, colors, .. } => {
            // What went out on the wire: the colours with their brightness applied.
            let hex: Vec<String> = colors
                .iter()
                .map(|&c| apply_brightness(c, *brightness))
                .map(|c| format!("{:02x}{:02x}{:02x}", c.r, c.g, c.b))
                .collect();
            (Stream::Pixels(*pin), format!("showed {}", hex.join(" ")))
        }
        TraceEvent::Input { .. } | TraceEvent::Task { .. } => return None,
    };
    Some((stream, Change { t_us: e.t_us(), what }))
}

/// A difference found: where, when, and in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// When (the earlier of the two times), µs.
    pub t_us: u64,
    /// What differs, in words.
    pub text: String,
}

/// The outcome of a check (see the [module docs](self)); its `Display` is the text a bug
/// report takes.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// The demo and its parameters that differ from the guide's, as a link writes them.
    pub demo: String,
    /// The part of the board's run compared, µs.
    pub from_us: u64,
    /// Its end.
    pub to_us: u64,
    /// Events compared (pairs found on both sides).
    pub compared: usize,
    /// Events that differ: another value, more than [`TOLERANCE_US`] apart, or on one side only.
    pub differ: usize,
    /// The earliest difference.
    pub first: Option<Difference>,
    /// The largest offset between a board event and its simulated twin, µs, and which.
    pub largest: Option<(u64, String)>,
    /// Presses replayed.
    pub presses: usize,
    /// What the board's side lacks.
    pub missing: Missing,
    /// How far the simulation got, when [`MAX_POLLS`] or [`MAX_MOVES`] stopped it short of
    /// `to_us`.
    pub simulated_to: Option<u64>,
}

impl Check {
    /// Whether the board did what the simulator did, within [`TOLERANCE_US`].
    pub fn same(&self) -> bool {
        self.differ == 0 && self.compared > 0
    }
}

/// µs as seconds with six decimals.
pub fn seconds(t_us: u64) -> String {
    format!("{}.{:06} s", t_us / 1_000_000, t_us % 1_000_000)
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Demo: {}", self.demo)?;
        writeln!(
            f,
            "Compared: {} to {} of the board's run, {} event{}, {} press{} replayed.",
            seconds(self.from_us),
            seconds(self.to_us),
            self.compared,
            if self.compared == 1 { "" } else { "s" },
            self.presses,
            if self.presses == 1 { "" } else { "es" },
        )?;
        if self.compared == 0 && self.differ == 0 {
            writeln!(f, "Result: nothing to compare yet — let the board run, or press its buttons, and check again.")?;
        } else if self.differ == 0 {
            writeln!(f, "Result: the same as the simulator, every event within {TOLERANCE_US} µs.")?;
        } else {
            writeln!(
                f,
                "Result: {} event{} differ{} from the simulator (another value, more than {TOLERANCE_US} µs apart, or on one side only).",
                self.differ,
                if self.differ == 1 { "" } else { "s" },
                if self.differ == 1 { "s" } else { "" },
            )?;
        }
        if let Some(d) = &self.first {
            writeln!(f, "First difference: {}", d.text)?;
        }
        if let Some((us, what)) = &self.largest {
            writeln!(f, "Largest offset: {us} µs ({what}).")?;
        }
        if let Some(t) = self.simulated_to {
            writeln!(f, "Note: the simulation stopped at {} (the check's limit: {MAX_POLLS} turns, or {MAX_MOVES} clock moves of a demo that blocks).", seconds(t))?;
        }
        let Missing { presses, events, not_kept } = self.missing;
        if presses > 0 {
            writeln!(
                f,
                "Note: the board's press log was full: {presses} presses and releases before the stream began are \
                 missing, so the simulation differs after the last one it kept."
            )?;
        }
        if events > 0 {
            writeln!(
                f,
                "Note: the board dropped {events} event(s) while streaming (its buffer was full): those are missing \
                 from its side."
            )?;
        }
        if not_kept > 0 {
            writeln!(f, "Note: only the first {} events were kept for the check.", crate::record::KEEP)?;
        }
        Ok(())
    }
}

/// Checks the board's `events` (as [`crate::record::Record`] keeps them, on the board's clock)
/// heard from `from_us` to `to_us`, against `params`' demo simulated with `presses` replayed.
pub fn check(
    params: &Params,
    events: &[TraceEvent],
    presses: &[InputEvent],
    from_us: u64,
    to_us: u64,
    missing: Missing,
) -> Check {
    check_within(params, events, presses, (from_us, to_us), missing, MAX_MOVES)
}

/// [`check`], a demo that blocks limited to `max_moves` (the tests' limits are smaller).
fn check_within(
    params: &Params,
    events: &[TraceEvent],
    presses: &[InputEvent],
    (from_us, to_us): (u64, u64),
    missing: Missing,
    max_moves: u64,
) -> Check {
    let mut config = SimConfig::new(params.demo());
    config.params = params.clone();
    config.trace = true;
    let mut sim = Simulation::new(config);
    sim.schedule_inputs(presses);
    let end = to_us.saturating_sub(END_MARGIN_US);
    if !params.demo().uses_asyncio() {
        // One poll is the whole program: it cannot be stopped at `end`, so its time hurries
        // past it (or past the check's limit), and it ends in a few steps.
        sim.hurry_after(end, max_moves);
    }
    sim.run_until_bounded(end, MAX_POLLS);
    let short = |t: u64| t < end;
    let simulated_to = match sim.hurried_from() {
        Some(t) => short(t).then_some(t),
        None => (short(sim.now_us()) && sim.ended_us().is_none()).then(|| sim.now_us()),
    };
    let end = simulated_to.unwrap_or(end);
    let changed: Vec<String> = params.changed().into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    let demo = match changed.is_empty() {
        true => format!("{} (the guide's parameters)", params.demo().id()),
        false => format!("{} ({})", params.demo().id(), changed.join("&")),
    };
    let mut check = Check {
        demo,
        from_us,
        to_us: end,
        compared: 0,
        differ: 0,
        first: None,
        largest: None,
        presses: presses.len(),
        missing,
        simulated_to,
    };
    compare(&sim.take_trace(), events, from_us, end, &mut check);
    check
}

/// Splits events into their sequences, in time order within each.
fn sequences(events: &[TraceEvent]) -> Vec<(Stream, Vec<Change>)> {
    let mut out: Vec<(Stream, Vec<Change>)> = Vec::new();
    for (stream, c) in events.iter().filter_map(change) {
        match out.iter_mut().find(|(s, _)| *s == stream) {
            Some((_, seq)) => seq.push(c),
            None => out.push((stream, vec![c])),
        }
    }
    for (_, seq) in &mut out {
        seq.sort_by_key(|c| c.t_us);
    }
    out.sort_by_key(|(s, _)| *s);
    out
}

/// Compares the simulation's and the board's sequences over `from_us..end_us` into `check`.
fn compare(sim: &[TraceEvent], board: &[TraceEvent], from_us: u64, end_us: u64, check: &mut Check) {
    let sim = sequences(sim);
    let board = sequences(board);
    let mut streams: Vec<Stream> = sim.iter().chain(&board).map(|(s, _)| *s).collect();
    streams.sort();
    streams.dedup();
    let empty = Vec::new();
    for stream in streams {
        let s = sim.iter().find(|(k, _)| *k == stream).map_or(&empty, |(_, v)| v);
        let b = board.iter().find(|(k, _)| *k == stream).map_or(&empty, |(_, v)| v);
        // The board's side: what it streamed up to the end compared (a little past it, where
        // a simulated change near the end may have its twin).
        let b: Vec<&Change> = b.iter().filter(|c| c.t_us >= from_us && c.t_us < end_us + TOLERANCE_US).collect();
        // The simulation's side starts where the board's does: a change within the tolerance
        // of the stream's start may have come just before it on the board.
        let lo = s.partition_point(|c| c.t_us + TOLERANCE_US < from_us);
        let hi = s.partition_point(|c| c.t_us <= from_us + TOLERANCE_US);
        let start = (lo..=hi.min(s.len()))
            .find(|&k| {
                s.get(k)
                    .zip(b.first())
                    .is_some_and(|(x, y)| x.what == y.what && x.t_us.abs_diff(y.t_us) <= TOLERANCE_US)
            })
            .unwrap_or_else(|| s.partition_point(|c| c.t_us < from_us));
        let s: Vec<&Change> = s[start..].iter().filter(|c| c.t_us < end_us).collect();
        for (i, x) in s.iter().enumerate() {
            match b.get(i) {
                Some(y) if x.what == y.what => {
                    let d = x.t_us.abs_diff(y.t_us);
                    check.compared += 1;
                    if check.largest.as_ref().is_none_or(|(worst, _)| d > *worst) {
                        check.largest = Some((d, format!("{stream} {} at {} on the board", y.what, seconds(y.t_us))));
                    }
                    if d > TOLERANCE_US {
                        let text = format!(
                            "{stream} {} at {} on the board, at {} in the simulator: {d} µs apart.",
                            y.what,
                            seconds(y.t_us),
                            seconds(x.t_us)
                        );
                        note(check, x.t_us.min(y.t_us), text);
                    }
                }
                Some(y) => {
                    check.compared += 1;
                    let text = format!(
                        "{stream}: the board {} at {}, where the simulator {} at {}.",
                        y.what,
                        seconds(y.t_us),
                        x.what,
                        seconds(x.t_us)
                    );
                    note(check, x.t_us.min(y.t_us), text);
                }
                None => {
                    let text = format!("{stream}: the simulator {} at {}; the board did not.", x.what, seconds(x.t_us));
                    note(check, x.t_us, text);
                }
            }
        }
        // What the board did past the simulation's sequence, well before the end.
        for y in b.iter().skip(s.len()).filter(|y| y.t_us + TOLERANCE_US < end_us) {
            let text = format!("{stream}: the board {} at {}; the simulator did not.", y.what, seconds(y.t_us));
            note(check, y.t_us, text);
        }
    }
}

fn note(check: &mut Check, t_us: u64, text: String) {
    check.differ += 1;
    if check.first.as_ref().is_none_or(|d| t_us < d.t_us) {
        check.first = Some(Difference { t_us, text });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use baton_demos::DemoId;

    /// The simulation's own trace, as a board that matches it exactly would stream it from
    /// `from_us` (inputs and turns aside), each event `shift_us` later.
    fn board_like_sim(
        params: &Params,
        presses: &[InputEvent],
        to_us: u64,
        from_us: u64,
        shift_us: u64,
    ) -> Vec<TraceEvent> {
        let mut config = SimConfig::new(params.demo());
        config.params = params.clone();
        let mut sim = Simulation::new(config);
        sim.schedule_inputs(presses);
        sim.run_until(to_us);
        let mut events = sim.take_trace();
        events.retain(|e| e.t_us() >= from_us);
        for e in &mut events {
            match e {
                TraceEvent::Pin { t_us, .. } | TraceEvent::Print { t_us, .. } | TraceEvent::Pixels { t_us, .. } => {
                    *t_us += shift_us
                }
                _ => {}
            }
        }
        events
    }

    fn presses() -> Vec<InputEvent> {
        vec![
            InputEvent { t_us: 1_100_000, pin: Pin::D(3), pressed: true },
            InputEvent { t_us: 1_200_000, pin: Pin::D(3), pressed: false },
        ]
    }

    #[test]
    fn a_board_that_does_what_the_simulator_does_is_the_same() {
        let params = Params::defaults(DemoId::ButtonIntervalAwait);
        let board = board_like_sim(&params, &presses(), 3_000_000, 700_000, 150);
        let c = check(&params, &board, &presses(), 700_000, 3_000_000, Missing::default());
        assert!(c.same(), "{c}");
        assert!(c.compared >= 5, "{c}");
        assert_eq!(c.largest.as_ref().map(|l| l.0), Some(150));
        assert_eq!(c.to_us, 3_000_000 - END_MARGIN_US);
        let text = c.to_string();
        assert!(text.contains("Result: the same as the simulator, every event within 200 µs."), "{text}");
        assert!(text.contains("2 presses replayed"), "{text}");
    }

    #[test]
    fn late_events_missing_presses_and_other_values_are_found() {
        let params = Params::defaults(DemoId::ButtonIntervalAwait);
        // 250 µs late: every event differs, the first is the earliest.
        let board = board_like_sim(&params, &presses(), 3_000_000, 0, 250);
        let c = check(&params, &board, &presses(), 0, 3_000_000, Missing::default());
        assert_eq!(c.differ, c.compared, "{c}");
        assert!(c.first.as_ref().unwrap().text.contains("250 µs apart"), "{c}");
        // The board was pressed, the check was not told: the prints are on one side only.
        let c = check(
            &params,
            &board_like_sim(&params, &presses(), 3_000_000, 0, 0),
            &[],
            0,
            3_000_000,
            Missing::default(),
        );
        assert!(c.differ >= 1, "{c}");
        assert!(c.first.unwrap().text.contains("the simulator did not"));
        // A level flipped.
        let mut board = board_like_sim(&params, &presses(), 3_000_000, 0, 0);
        let flipped = board.iter_mut().find_map(|e| match e {
            TraceEvent::Pin { value, t_us, .. } if *t_us > 1_000_000 => {
                *value = !*value;
                Some(*t_us)
            }
            _ => None,
        });
        let c = check(&params, &board, &presses(), 0, 3_000_000, Missing::default());
        let first = c.first.clone().unwrap();
        assert_eq!(Some(first.t_us), flipped, "{c}");
        assert!(first.text.contains("where the simulator"), "{c}");
    }

    #[test]
    fn a_change_just_before_the_stream_began_is_not_counted() {
        // blink-one toggles D1 at 0 and every 0.5 s (+ the poll cost): the stream begins 50 µs
        // after a toggle the simulator made, which the board did not stream.
        let params = Params::defaults(DemoId::BlinkOne);
        let full = board_like_sim(&params, &[], 3_000_000, 0, 0);
        let toggle = full.iter().filter(|e| matches!(e, TraceEvent::Pin { .. })).nth(2).unwrap().t_us();
        let board = board_like_sim(&params, &[], 3_000_000, toggle + 1, 0);
        let c = check(&params, &board, &[], toggle - 50 + 100, 3_000_000, Missing::default());
        assert!(c.same(), "{c}");
    }

    #[test]
    fn neopixel_frames_as_the_board_sends_them_compare_with_the_simulators() {
        // The board sends a frame's colours with brightness applied, stamped at its first bit;
        // the simulator keeps them as set and stamps the frame's end. Through the record, as
        // the page reads a board, they are the same frames at the same times.
        use crate::record::Record;
        use baton_link::BoardMessage;
        let params = Params::defaults(DemoId::Rainbow);
        let sim = board_like_sim(&params, &[], 1_000_000, 0, 0);
        let mut record = Record::new();
        let mut frames = 0;
        for e in &sim {
            if let TraceEvent::Pixels { t_us, pin, brightness, colors } = e {
                let rgb: Vec<u8> =
                    colors.iter().map(|&c| apply_brightness(c, *brightness)).flat_map(|c| [c.r, c.g, c.b]).collect();
                let first_bit = t_us - baton_sim::board::show_cost_us(colors.len());
                record.note(&BoardMessage::Pixels { t_us: first_bit, pin: *pin, colours: &rgb });
                frames += 1;
            }
        }
        assert!(frames > 10, "{frames} frames");
        let (from, to) = record.span().unwrap();
        let c = check(&params, record.kept(), &[], from, to + END_MARGIN_US, Missing::default());
        assert!(c.same() && c.compared + 1 >= frames, "{c}");
        assert_eq!(c.largest.as_ref().map(|l| l.0), Some(0), "{c}");
        // One colour off by one is a difference, named with both frames.
        let mut wrong = record.kept().to_vec();
        if let Some(TraceEvent::Pixels { colors, .. }) = wrong.get_mut(5) {
            colors[0].r ^= 1;
        }
        let c = check(&params, &wrong, &[], from, to + END_MARGIN_US, Missing::default());
        assert_eq!(c.differ, 1, "{c}");
        assert!(c.first.as_ref().unwrap().text.starts_with("the NeoPixels on "), "{c}");
    }

    /// A demo that blocks, as a board that matches the simulation streams it up to `to_us`.
    fn blocking_board(params: &Params, to_us: u64) -> Vec<TraceEvent> {
        let mut config = SimConfig::new(params.demo());
        config.params = params.clone();
        let mut sim = Simulation::new(config);
        sim.hurry_after(to_us, u64::MAX);
        sim.run_until(to_us);
        let mut events = sim.take_trace();
        events.retain(|e| e.t_us() < to_us);
        events
    }

    #[test]
    fn a_demo_that_blocks_is_checked_as_far_as_the_board_streamed_at_the_largest_parameters() {
        // LED 2: 1,000 intervals of 60 s each, 33 hours of a loop that reads the clock once a
        // µs. Unhurried, the check would simulate all of it inside one poll.
        let mut params = Params::defaults(DemoId::BlinkPolling);
        for (k, v) in [("interval1", "0.25"), ("interval2", "60"), ("count1", "1000"), ("count2", "1000")] {
            params.set(k, v).unwrap();
        }
        let board = blocking_board(&params, 2_000_000);
        assert!(board.iter().filter(|e| matches!(e, TraceEvent::Pin { .. })).count() >= 8);
        let c = check_within(&params, &board, &[], (0, 2_000_000), Missing::default(), u64::MAX);
        assert!(c.same() && c.simulated_to.is_none(), "{c}");
        assert!(c.compared >= 8, "{c}");
        // A toggle that is not the simulation's is still found.
        let mut wrong = board.clone();
        let Some(TraceEvent::Pin { t_us, .. }) = wrong.iter_mut().rfind(|e| matches!(e, TraceEvent::Pin { .. })) else {
            panic!()
        };
        *t_us += 1_000;
        let c = check_within(&params, &wrong, &[], (0, 2_000_000), Missing::default(), u64::MAX);
        assert_eq!(c.differ, 1, "{c}");
    }

    #[test]
    fn a_demo_that_blocks_stops_at_the_checks_limit_and_says_so() {
        let params = Params::defaults(DemoId::BlinkPolling);
        let board = blocking_board(&params, 3_000_000);
        // 1,000,000 moves: the clock reads of about a second of blink-polling.
        let c = check_within(&params, &board, &[], (0, 3_000_000), Missing::default(), 1_000_000);
        let t = c.simulated_to.expect("stopped short");
        assert!((900_000..1_100_000).contains(&t), "{c}");
        assert_eq!(c.to_us, t);
        assert!(c.same(), "compared up to where it stopped: {c}");
        assert!(c.to_string().contains("Note: the simulation stopped at "), "{c}");
        // blink-blocking sleeps instead of reading the clock: the guide's whole run is a few moves.
        let params = Params::defaults(DemoId::BlinkBlocking);
        let board = blocking_board(&params, 3_000_000);
        let c = check_within(&params, &board, &[], (0, 3_000_000), Missing::default(), 1_000);
        assert!(c.same() && c.simulated_to.is_none() && c.compared >= 4, "{c}");
    }

    #[test]
    fn nothing_streamed_is_nothing_to_compare() {
        let params = Params::defaults(DemoId::BlinkOne);
        let c = check(&params, &[], &[], 0, 50_000, Missing::default());
        assert!(!c.same());
        assert!(c.to_string().contains("nothing to compare yet"), "{c}");
        // What the board could not send is said.
        let c = check(&params, &[], &[], 0, 50_000, Missing { presses: 12, events: 3, not_kept: 0 });
        let text = c.to_string();
        assert!(text.contains("press log was full: 12 presses and releases before the stream began"), "{text}");
        assert!(text.contains("dropped 3 event(s) while streaming"), "{text}");
        assert_eq!(c.to_us, 0);
    }
}
