//! Simulator throughput: virtual seconds simulated per wall-clock second, for
//! every demo, with the trace recorded and without; and, side by side in the
//! same run, the judge (`tests/oracle/cpboard.py`: CircuitPython's asyncio library on
//! CPython) on the same demos.
//!
//! `cargo bench -p baton-sim --bench throughput` prints one JSON object per
//! line on stdout and a table on stderr. Targets (issue 3): rainbow at least
//! 100× faster than the oracle, and at least 1,000× real time.

use baton_demos::DemoId;
use baton_sim::{SimConfig, Simulation};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Virtual time each run covers: long enough to time, short enough to keep
/// the whole benchmark around a minute.
fn virtual_ms(demo: DemoId) -> u64 {
    match demo {
        // Polling loops: a poll every 10 µs (or a clock read every µs).
        DemoId::BlinkPolling | DemoId::ButtonInterval | DemoId::ButtonIntervalTwo => 10_000,
        DemoId::CountioInterrupt | DemoId::KeypadTransitions | DemoId::Rainbow => 10_000,
        _ => 60_000,
    }
}

/// Best wall time of `runs` runs.
fn best_secs(runs: usize, mut f: impl FnMut()) -> f64 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn simulate(demo: DemoId, ms: u64, trace: bool) -> (f64, u64) {
    let mut polls = 0;
    let secs = best_secs(3, || {
        let mut config = SimConfig::new(demo);
        config.trace = trace;
        let mut sim = Simulation::new(config);
        sim.run_until(ms * 1000);
        polls = sim.polls();
        std::hint::black_box(sim.take_trace());
    });
    (secs, polls)
}

/// The judge's wall time for the same run (`tests/oracle/cpboard.py`, with
/// the library that `cargo xtask setup` installs under `target/cp-asyncio`),
/// if python3 and the library are here.
fn oracle(demo: DemoId, ms: u64) -> Option<f64> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = root.join("tests/oracle");
    let library = std::env::var_os("BATON_CP_ASYNCIO").map_or_else(|| root.join("target/cp-asyncio"), Into::into);
    let program = dir.join("examples").join(format!("{}.py", demo.id()));
    if !program.exists() || !library.join("asyncio/core.py").exists() {
        return None;
    }
    let t = Instant::now();
    let out = Command::new("python3")
        .arg(dir.join("cpboard.py"))
        .arg(&program)
        .arg("--cp-asyncio")
        .arg(&library)
        .args(["--for-ms", &ms.to_string()])
        .output()
        .ok()?;
    out.status.success().then(|| t.elapsed().as_secs_f64())
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument picks demos.
    let filter: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    eprintln!(
        "{:<22} {:>9} {:>10} {:>14} {:>14} {:>14} {:>9}",
        "demo", "virtual", "polls", "x real (trace)", "x real (none)", "x real oracle", "vs oracle"
    );
    for &demo in DemoId::ALL {
        if !filter.is_empty() && !filter.iter().any(|f| demo.id().contains(f.as_str())) {
            continue;
        }
        let ms = virtual_ms(demo);
        let virtual_s = ms as f64 / 1000.0;
        let (on, polls) = simulate(demo, ms, true);
        let (off, _) = simulate(demo, ms, false);
        // The oracle is slow: time it on a tenth of the span (it scales
        // linearly) so the benchmark stays short.
        let oracle_ms = (ms / 10).max(1000);
        let oracle_speed = oracle(demo, oracle_ms).map(|s| oracle_ms as f64 / 1000.0 / s);
        let speed_on = virtual_s / on;
        let speed_off = virtual_s / off;
        for (trace, speed) in [("on", speed_on), ("off", speed_off)] {
            println!(
                "{{\"demo\": \"{}\", \"trace\": \"{trace}\", \"virtual_s\": {virtual_s}, \"polls\": {polls}, \"virtual_s_per_wall_s\": {speed:.1}}}",
                demo.id()
            );
        }
        if let Some(o) = oracle_speed {
            println!(
                "{{\"demo\": \"{}\", \"executor\": \"cpython-oracle\", \"virtual_s_per_wall_s\": {o:.2}}}",
                demo.id()
            );
        }
        eprintln!(
            "{:<22} {:>8}s {:>10} {:>13.0}x {:>13.0}x {:>13.2}x {:>8.0}x",
            demo.id(),
            virtual_s,
            polls,
            speed_on,
            speed_off,
            oracle_speed.unwrap_or(f64::NAN),
            oracle_speed.map(|o| speed_on / o).unwrap_or(f64::NAN)
        );
    }
}
