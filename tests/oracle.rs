//! The simulator agrees with the CPython oracle (`../shared/oracle`), judged
//! by the oracle's own `compare.py`: for every demo's defaults and for input
//! scripts that press, hold, bounce and press during a blink.

use baton_demos::DemoId::*;
use baton_sim::Bounce;
use baton_tests::Case;

fn agrees(case: Case) {
    let program = case.demo.id();
    match case.compare_with(program) {
        Ok(report) => assert!(report.starts_with("match"), "{report}"),
        Err(report) => panic!("{report}"),
    }
}

const fn with_inputs(mut c: Case, file: &'static str) -> Case {
    c.inputs = Some(file);
    c
}

const BOUNCE: Bounce = Bounce { duration_us: 3_000, count: 3 };

#[test]
fn blink_one_defaults() {
    agrees(Case::new(BlinkOne, 6000));
}

#[test]
fn blink_two_defaults() {
    agrees(Case::new(BlinkTwo, 6000));
}

#[test]
fn blink_two_with_a_costly_scheduler() {
    // 1 ms per poll: the timing model, not just its default, must agree.
    let mut c = Case::new(BlinkTwo, 6000);
    c.poll_cost_us = 1000;
    agrees(c);
}

#[test]
fn blink_blocking_defaults() {
    agrees(Case::new(BlinkBlocking, 10_000));
}

#[test]
fn blink_polling_defaults() {
    agrees(Case::new(BlinkPolling, 6000));
}

#[test]
fn button_interval_sample() {
    agrees(with_inputs(Case::new(ButtonInterval, 3000), "button-sample.jsonl"));
}

#[test]
fn button_interval_long_hold_is_one_press() {
    agrees(with_inputs(Case::new(ButtonInterval, 4000), "button-long-hold.jsonl"));
}

#[test]
fn button_interval_clamps_at_a_tenth() {
    agrees(with_inputs(Case::new(ButtonInterval, 2500), "button-many-faster.jsonl"));
}

#[test]
fn button_interval_presses_during_a_blink() {
    agrees(with_inputs(Case::new(ButtonInterval, 2500), "button-during-blink.jsonl"));
}

#[test]
fn button_interval_with_bounce() {
    let mut c = with_inputs(Case::new(ButtonInterval, 3000), "button-sample.jsonl");
    c.bounce = Some(BOUNCE);
    agrees(c);
}

#[test]
fn button_interval_two_all_buttons() {
    agrees(with_inputs(Case::new(ButtonIntervalTwo, 3000), "two-leds.jsonl"));
}

#[test]
fn rainbow_defaults() {
    agrees(Case::new(Rainbow, 400));
}

#[test]
fn rainbow_reverse_slower_faster() {
    agrees(with_inputs(Case::new(Rainbow, 400), "rainbow-buttons.jsonl"));
}

#[test]
fn countio_sample_sub_millisecond_bounce() {
    agrees(with_inputs(Case::new(CountioInterrupt, 1000), "d3-sub-ms-bounce.jsonl"));
}

#[test]
fn countio_counts_every_bounce() {
    let mut c = with_inputs(Case::new(CountioInterrupt, 1500), "d3-presses.jsonl");
    c.bounce = Some(BOUNCE);
    agrees(c);
}

#[test]
fn keypad_sample() {
    agrees(with_inputs(Case::new(KeypadTransitions, 1000), "d3-sub-ms-bounce.jsonl"));
}

#[test]
fn keypad_debounces() {
    let mut c = with_inputs(Case::new(KeypadTransitions, 1500), "d3-presses.jsonl");
    c.bounce = Some(BOUNCE);
    agrees(c);
}

#[test]
fn awaiting_keys_behaves_like_polling_them() {
    // The variant the guide points to: same LED, same prints as the guide's
    // polling program under the oracle, with far fewer polls. Not for presses
    // that tie with a blink to the microsecond (button-during-blink.jsonl):
    // there the polling task, always in the ready queue, reads the key before
    // the LED task toggles, while the awaiting task, woken by the scan, queues
    // behind the LED task that woke 10 µs earlier — a real difference of the
    // two programs, not of the simulator.
    for file in ["button-sample.jsonl", "button-many-faster.jsonl", "button-long-hold.jsonl"] {
        let c = with_inputs(Case::new(ButtonIntervalAwait, 3000), file);
        match c.compare_with("button-interval") {
            Ok(report) => assert!(report.starts_with("match"), "{report}"),
            Err(report) => panic!("{report}"),
        }
    }
}

#[test]
fn changed_parameters_still_agree_when_the_program_is_the_same() {
    // Interval parameters equal to the guide's written differently.
    let mut c = Case::new(BlinkTwo, 3000);
    c.params = &[("interval1", "0.250"), ("count2", "20")];
    agrees(c);
}
