//! The README's "In a test" (from its first comment on, word for word: tests/readme.rs checks),
//! on the README's program (`own_program/app.rs`, which is its "src/lib.rs"). The two lines
//! before stand for what the README's crate has: a library named `my_app`.
#[path = "own_program/app.rs"]
mod my_app;
// tests/timing.rs: your program's timing, on the simulator's virtual clock
use baton_sim::{SimConfig, Simulation, TraceExt};

#[test]
fn d2_blinks_once_d1_is_done() {
    let mut sim = Simulation::with_main(SimConfig::program(), my_app::main);
    sim.run_until(1_000_000);
    let trace = sim.trace();
    // Each task's turn costs 10 µs (the default poll cost): main runs at 10 µs, the first
    // task at 20; a sleep of 0.1 s wakes it at the next 100 ms tick, plus its 10 µs.
    assert_eq!(trace.pin("D1")[..4], [(20, false), (20, true), (100_010, false), (200_010, true)]);
    // Off at first, then on and off three times.
    assert_eq!(trace.pin("D1").len(), 7);
    // The first task's last sleep ends at 600 ms: it sets the event, and D2's task runs next.
    assert_eq!(trace.pin("D2")[..3], [(600_020, false), (600_020, true), (650_010, false)]);
    assert_eq!(trace.prints(), [(800_020, "done".to_string())]);
}
