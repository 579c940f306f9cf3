//! A program of your own on the virtual board: poll costs are charged if and only if the
//! program uses the scheduler (docs/SIMULATOR.md), whatever the configuration says about
//! demos; and the trace answers a test's questions.

use baton::{create_task, sleep_ms, yield_now};
use baton_board::digitalio::DigitalInOut;
use baton_board::time::Time;
use baton_board::{Board, BoardError, Pin};
use baton_demos::{DemoId, Params};
use baton_sim::{SimConfig, Simulation, TraceExt};
use std::time::Duration;

/// Lights D13, holds it 2 ms with the blocking sleep, turns it off: no await anywhere.
fn blocking_blink(board: &impl Board) -> Result<(), BoardError> {
    let mut led = DigitalInOut::new(board.output(Pin::D(13))?);
    led.switch_to_output(true);
    board.time().sleep(Duration::from_millis(2));
    led.set_value(false);
    Ok(())
}

fn config(poll_cost_us: u64) -> SimConfig<baton_sim::Program> {
    let mut c = SimConfig::program();
    c.poll_cost_us = poll_cost_us;
    c
}

#[test]
fn a_program_that_never_uses_the_scheduler_pays_no_poll_cost() {
    for cost in [7, 10, 25] {
        let mut sim = Simulation::with_blocking_main(config(cost), |board| blocking_blink(&board));
        sim.run_until(10_000);
        assert_eq!(sim.trace().pin("D13"), [(0, true), (2_000, false)], "poll cost {cost}");
        assert_eq!(sim.polls(), 1);
        assert_eq!(sim.ended_us(), Some(2_000));
    }
}

#[test]
fn an_async_main_pays_for_each_turn_even_if_it_never_awaits() {
    // asyncio.run(main()) on CircuitPython: main is a task, its one resumption costs.
    for cost in [7, 10, 25] {
        let mut sim = Simulation::with_main(config(cost), |board| async move { blocking_blink(&board) });
        sim.run_until(10_000);
        assert_eq!(sim.trace().pin("D13"), [(cost, true), (cost + 2_000, false)], "poll cost {cost}");
    }
}

#[test]
fn every_turn_of_every_task_is_charged() {
    let mut sim = Simulation::with_main(config(25), |board| async move {
        let mut led = DigitalInOut::new(board.output(Pin::D(1))?);
        let blinker = create_task(async move {
            for _ in 0..2 {
                led.set_value(!led.value());
                yield_now().await;
            }
        });
        sleep_ms(3).await;
        let _ = blinker.await;
        Ok(())
    });
    sim.run_until(10_000);
    // main at 25, the blinker at 50 (on) and, after sleep(0), at 75 (off).
    assert_eq!(sim.trace().pin("D1"), [(50, true), (75, false)]);
}

#[test]
fn the_timing_of_an_async_main_does_not_depend_on_the_demo_named_in_the_config() {
    // The case: blink-one's program handed over with a blocking demo's config
    // (whose polls used to be free) starts at 20 µs, as with any other.
    let blink_one = Params::defaults(DemoId::BlinkOne);
    let first = |config: SimConfig| {
        let params = blink_one.clone();
        let mut sim = Simulation::with_main(config, |board| baton_demos::run(board, params));
        sim.run_until(1_000);
        let levels = sim.trace().pin("D1");
        levels
    };
    assert_eq!(first(SimConfig::new(DemoId::BlinkBlocking)), [(20, false), (20, true)]);
    assert_eq!(first(SimConfig::new(DemoId::BlinkOne)), [(20, false), (20, true)]);
}

#[test]
fn the_guides_blocking_demos_still_run_free_and_the_others_charged() {
    let first = |demo| {
        let mut sim = Simulation::new(SimConfig::new(demo));
        sim.run_until(1_000);
        let first = sim.trace().pin("D1")[0];
        first
    };
    assert_eq!(first(DemoId::BlinkBlocking), (0, false));
    assert_eq!(first(DemoId::BlinkPolling), (0, false));
    assert_eq!(first(DemoId::BlinkOne), (20, false));
    assert_eq!(first(DemoId::BlinkTwo), (20, false));
}

#[test]
fn a_board_error_ends_the_program_with_its_message() {
    let mut sim = Simulation::with_main(SimConfig::program(), |board| async move {
        let _a = board.output(Pin::D(2))?;
        let _b = board.output(Pin::D(2))?;
        Ok(())
    });
    sim.run_until(1_000);
    assert_eq!(sim.failure(), Some("error: pin D2 is already in use"));
    assert_eq!(sim.trace().prints(), [(10, "error: pin D2 is already in use".to_string())]);
}

#[test]
#[should_panic(expected = "unknown pin \"D14\"")]
fn asking_for_a_pin_the_board_cannot_have_is_a_mistake_not_an_empty_answer() {
    let sim = Simulation::with_blocking_main(SimConfig::program(), |_| Ok(()));
    let _ = sim.trace().pin("D14");
}
