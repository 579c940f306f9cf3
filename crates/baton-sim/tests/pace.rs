//! A paced board (`VirtualBoard::set_pace`, the playground's worker) gives the same trace as
//! a free one: pacing only decides *when* in wall time virtual time moves, never what
//! happens in it — also in the middle of a blocking poll, and with presses that come in
//! while the pace function waits.

use baton_board::Pin;
use baton_demos::DemoId;
use baton_sim::{InputEvent, SimConfig, Simulation, TraceEvent};
use std::cell::RefCell;
use std::rc::Rc;

fn config(demo: DemoId, params: &[(&str, &str)]) -> SimConfig {
    let mut c = SimConfig::new(demo);
    c.params.set_all(params.iter().copied()).expect("valid parameters");
    c.task_events = true;
    c
}

fn free_run(config: SimConfig, inputs: &[InputEvent], end_us: u64) -> Vec<TraceEvent> {
    let mut sim = Simulation::new(config);
    sim.schedule_inputs(inputs);
    sim.run_until(end_us);
    let trace = sim.trace().clone();
    cut(trace, end_us)
}

fn cut(mut trace: Vec<TraceEvent>, end_us: u64) -> Vec<TraceEvent> {
    trace.retain(|e| e.t_us() <= end_us);
    trace
}

/// Runs `config` paced in steps of `step_us` (the pace function grants `now + step_us`);
/// at the pace calls listed in `press_at_call`, it also schedules a press of `pin` 1 µs
/// from now, as the worker does with a click. Returns the trace, the presses as
/// scheduled, and how often the pace function was asked.
fn paced_run(
    config: SimConfig,
    step_us: u64,
    pin: Pin,
    press_at_call: &[usize],
    end_us: u64,
) -> (Vec<TraceEvent>, Vec<InputEvent>, usize) {
    let mut sim = Simulation::new(config);
    let board = sim.board();
    let calls = Rc::new(RefCell::new(0usize));
    let scheduled = Rc::new(RefCell::new(Vec::new()));
    let (c, s, b) = (calls.clone(), scheduled.clone(), board.clone());
    let presses: Vec<usize> = press_at_call.to_vec();
    board.set_pace(Some(Box::new(move |now, want| {
        assert!(want > now, "asked without wanting to move: {now} -> {want}");
        let n = {
            let mut c = c.borrow_mut();
            *c += 1;
            *c
        };
        if presses.contains(&n) {
            let press = InputEvent { t_us: now + 1, pin, pressed: s.borrow().len() % 2 == 0 };
            b.schedule_inputs(&[press]);
            s.borrow_mut().push(press);
            // Look again from where the press lands.
            return now + 1;
        }
        now + step_us
    })));
    sim.run_until(end_us);
    assert!(!board.halted());
    let n = *calls.borrow();
    let presses = scheduled.borrow().clone();
    let trace = sim.trace().clone();
    (cut(trace, end_us), presses, n)
}

#[test]
fn a_blocking_demo_paced_in_small_steps_gives_the_free_run_s_trace() {
    // blink-polling reads the clock in a loop inside its one poll: 5 s of virtual time.
    let end = 6_000_000;
    let free = free_run(config(DemoId::BlinkPolling, &[]), &[], end);
    let (paced, _, calls) = paced_run(config(DemoId::BlinkPolling, &[]), 1_000, Pin::D(3), &[], end);
    assert_eq!(paced, free);
    // It was asked all along the poll, not once at its end.
    assert!(calls > 4_000, "the pace function was asked {calls} times");
    // And blink-blocking's sleeps, which jump.
    let free = free_run(config(DemoId::BlinkBlocking, &[]), &[], end);
    let (paced, _, _) = paced_run(config(DemoId::BlinkBlocking, &[]), 7_000, Pin::D(3), &[], end);
    assert_eq!(paced, free);
}

#[test]
fn presses_scheduled_while_paced_replay_exactly_as_a_script() {
    // Presses land while the worker waits for the page: during idle jumps and polls alike.
    for (demo, pin) in [
        (DemoId::ButtonInterval, Pin::D(3)),
        (DemoId::CountioInterrupt, Pin::D(3)),
        (DemoId::KeypadTransitions, Pin::D(3)),
    ] {
        let end = 3_000_000;
        let (paced, presses, _) = paced_run(config(demo, &[]), 9_000, pin, &[40, 41, 95, 170, 171], end);
        assert_eq!(presses.len(), 5, "{demo:?}");
        let free = free_run(config(demo, &[]), &presses, end);
        assert_eq!(paced, free, "{demo:?}");
        assert!(paced.iter().any(|e| matches!(e, TraceEvent::Input { .. })), "{demo:?}: the presses were seen");
    }
}

#[test]
fn a_pace_that_grants_nothing_stops_time() {
    // (A blocking poll that is stopped spins with time standing still: the worker that runs
    // it is terminated by the page. A demo that awaits gives control back.)
    let mut sim = Simulation::new(config(DemoId::BlinkOne, &[]));
    let board = sim.board();
    let grants = Rc::new(RefCell::new(3));
    let g = grants.clone();
    board.set_pace(Some(Box::new(move |now, _| {
        let mut left = g.borrow_mut();
        if *left == 0 {
            return now; // the page stops the run
        }
        *left -= 1;
        now + 100
    })));
    sim.run_until(10_000_000);
    assert!(board.halted());
    assert_eq!(sim.now_us(), 300, "time stood still where the pace stopped it");
}

#[test]
fn the_end_of_a_program_is_when_main_returned() {
    // blink-one prints "done" after its ten blinks, as main returns.
    let mut sim = Simulation::new(config(DemoId::BlinkOne, &[]));
    sim.run_until(4_000_000);
    assert_eq!(sim.ended_us(), None);
    sim.run_until(9_000_000);
    let done = sim.trace().iter().find_map(|e| match e {
        TraceEvent::Print { t_us, text } if text == "done" => Some(*t_us),
        _ => None,
    });
    assert_eq!(sim.ended_us(), done, "ends with its last print");
    assert!(sim.is_over());
    // A program that never returns never ends.
    let mut sim = Simulation::new(config(DemoId::ButtonInterval, &[]));
    sim.run_until(9_000_000);
    assert_eq!(sim.ended_us(), None);
}

#[test]
fn a_hurried_run_is_the_free_run_up_to_its_point_and_then_ends_in_few_moves() {
    // blink-blocking with 1,000 intervals of 60 s: 33 hours, one poll.
    let mut c = config(DemoId::BlinkBlocking, &[("interval1", "60"), ("count1", "1000")]);
    // (The one turn, the whole program, ends past the point: not compared.)
    c.task_events = false;
    let end_us = 200_000_000;
    let free = free_run(c.clone(), &[], end_us);
    let mut sim = Simulation::new(c.clone());
    sim.hurry_after(end_us, u64::MAX);
    sim.run_until(end_us);
    assert!(sim.ended_us().is_some(), "the program ran out");
    assert_eq!(sim.hurried_from(), Some(240_000_000), "the first move at or past the point");
    assert_eq!(cut(sim.trace().clone(), end_us), free, "the same run up to the point");
    // Out of moves first: it hurries from where they ran out (the poll's start, then one
    // sleep of 60 s).
    let mut sim = Simulation::new(c);
    sim.hurry_after(end_us, 2);
    sim.run_until(end_us);
    assert_eq!(sim.hurried_from(), Some(60_000_000));
}
