//! My app's timing, on the simulator's virtual clock: the same trace every time.
use baton_sim::{SimConfig, Simulation, TraceExt};

#[test]
fn d1_blinks_once_d0_is_done() {
    let mut sim = Simulation::with_main(SimConfig::program(), my_app::main);
    sim.run_until(1_000_000);
    let trace = sim.trace();
    // Each turn costs 10 µs: main runs at 10 µs and switches both LEDs off, the first task
    // runs at 20; its 50 ms sleeps end on the 1 ms ticks, plus its turn's 10 µs.
    assert_eq!(trace.pin("D0")[..4], [(10, false), (20, true), (50_010, false), (100_010, true)]);
    // Off at first, then on and off four times.
    assert_eq!(trace.pin("D0").len(), 9);
    // D0's last sleep ends at 400 ms: it sets the event, and D1's task runs next.
    assert_eq!(trace.pin("D1")[..3], [(10, false), (400_020, true), (420_010, false)]);
    assert_eq!(trace.pin("D1").len(), 7);
    assert_eq!(trace.prints(), [(520_020, "done".to_string())]);
}
