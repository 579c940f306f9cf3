//! Golden traces: every demo's trace is checked in under `tests/golden/`, so
//! any change of behaviour — a pin toggling a poll later, a print that moved —
//! shows up in review as a diff of that file.
//!
//! After an intended change, regenerate with
//! `BATON_BLESS=1 cargo test -p baton-tests --test golden` and review the diff.

use baton_demos::DemoId;
use baton_demos::DemoId::*;
use baton_sim::{SimConfig, Simulation};
use baton_tests::{repo_root, Case};

fn check(name: &str, trace: &str) {
    let path = repo_root().join("tests/golden").join(format!("{name}.jsonl"));
    if std::env::var_os("BATON_BLESS").is_some() {
        std::fs::write(&path, trace).expect("write golden file");
        return;
    }
    let golden = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (create it with BATON_BLESS=1)", path.display()));
    if golden != trace {
        let first = golden.lines().zip(trace.lines()).position(|(a, b)| a != b);
        panic!(
            "{name}: trace differs from {} (first different line: {:?}; golden has {} lines, now {})\n\
             If the change is intended, rerun with BATON_BLESS=1 and review the diff.",
            path.display(),
            first.map(|i| i + 1),
            golden.lines().count(),
            trace.lines().count()
        );
    }
}

fn golden(case: Case) {
    check(&case.name(), &case.simulate());
}

const fn inputs(mut c: Case, file: &'static str) -> Case {
    c.inputs = Some(file);
    c
}

#[test]
fn every_demo_has_a_golden_trace() {
    let cases = [
        Case::new(BlinkOne, 6000),
        Case::new(BlinkTwo, 6000),
        Case::new(BlinkBlocking, 10_000),
        Case::new(BlinkPolling, 6000),
        inputs(Case::new(ButtonInterval, 3000), "button-sample.jsonl"),
        inputs(Case::new(ButtonIntervalTwo, 3000), "two-leds.jsonl"),
        inputs(Case::new(ButtonIntervalAwait, 3000), "button-sample.jsonl"),
        inputs(Case::new(Rainbow, 120), "rainbow-buttons.jsonl"),
        inputs(Case::new(CountioInterrupt, 1000), "d3-sub-ms-bounce.jsonl"),
        inputs(Case::new(KeypadTransitions, 1000), "d3-sub-ms-bounce.jsonl"),
    ];
    let covered: Vec<DemoId> = cases.iter().map(|c| c.demo).collect();
    for d in DemoId::ALL {
        assert!(covered.contains(d), "{d} has no golden trace");
    }
    for case in cases {
        golden(case);
    }
}

#[test]
fn scheduling_of_two_blinking_tasks_is_golden() {
    // With task events: which task ran, from when to when. A change in the
    // scheduler's ordering shows here first.
    let mut config = SimConfig::new(BlinkTwo);
    config.task_events = true;
    let mut sim = Simulation::new(config);
    sim.run_until(1_000_000);
    let trace = sim.take_trace();
    check("blink-two__tasks", &baton_sim::trace::to_jsonl(trace.iter().filter(|e| e.t_us() <= 1_000_000)));
}
