//! `cargo run --release -p baton-bench`: baton's scheduler side by side with
//! tokio (current-thread + `LocalSet`), `futures::executor::LocalPool`,
//! `async-executor`'s `LocalExecutor` and `embassy-executor` (std platform),
//! on the same workloads, in one run.
//!
//! Scenarios (see docs/PERFORMANCE.md, section "Scheduler"):
//! 1. `yield`: 1,000 tasks × 1,000 yields each — ns per yield;
//! 2. `spawn`: spawn 100,000 trivial tasks, then join them all — ns per task;
//! 3. `timers`: 10,000 tasks each sleeping an LCG length 1..=1000 — ns per
//!    wake-up, with the clock each executor used (`virtual`, `paused`,
//!    `wall`);
//! 4. `idle_memory`: heap bytes per task for 10,000 tasks that wait forever.
//!
//! Each timing is one warm-up (which also counts heap allocations) and the
//! best (and median) of 5 timed runs, taken in rounds: each executor of a
//! scenario runs once a round, in turn. Results go to stdout as one JSON
//! object per line; a table goes to stderr.

mod alloc_counter;
mod async_executor_runs;
mod baton_runs;
mod embassy_runs;
mod futures_runs;
mod harness;
mod tokio_runs;

use harness::{emit, Measured, Row, Workload, IDLE_TASKS, SPAWN_TASKS, TIMER_TASKS, YIELDS_PER_TASK, YIELD_TASKS};
use std::rc::Rc;
use std::time::Duration;

#[global_allocator]
static ALLOC: alloc_counter::Counting = alloc_counter::Counting;

/// Runs the cases that the command line selects, printing each row.
struct Bench {
    scenario: Option<String>,
    executor: Option<String>,
    rows: Vec<Row>,
}

impl Bench {
    fn wants_scenario(&self, scenario: &str) -> bool {
        self.scenario.as_deref().is_none_or(|s| s == "all" || s == scenario)
    }

    fn wants_executor(&self, executor: &str) -> bool {
        self.executor.as_deref().is_none_or(|e| e == executor || executor.split('/').next() == Some(e))
    }

    /// Measures one case (lazily: a case that is filtered out does not run).
    fn case(&mut self, scenario: &'static str, executor: &'static str, row: impl FnOnce() -> Row) {
        if self.wants_scenario(scenario) && self.wants_executor(executor) {
            emit(&mut self.rows, row());
        }
    }

    /// Measures a scenario's timed cases side by side, in rounds
    /// ([`harness::measure_side_by_side`]); those filtered out do not run.
    fn timed(&mut self, scenario: &'static str, cases: Vec<Case<'_>>) {
        if !self.wants_scenario(scenario) {
            return;
        }
        let (mut workloads, rows): (Vec<_>, Vec<_>) =
            cases.into_iter().filter(|c| self.wants_executor(c.executor)).map(|c| (c.run, c.row)).unzip();
        let measured = harness::measure_side_by_side(&mut workloads);
        for (row, m) in rows.into_iter().zip(&measured) {
            emit(&mut self.rows, row(m));
        }
    }
}

/// One executor's case of a timed scenario: its workload, and its row once measured.
struct Case<'a> {
    executor: &'static str,
    run: Workload<'a>,
    row: Box<dyn FnOnce(&Measured) -> Row + 'a>,
}

impl<'a> Case<'a> {
    fn new(
        executor: &'static str,
        run: impl FnMut() -> Duration + 'a,
        row: impl FnOnce(&Measured) -> Row + 'a,
    ) -> Case<'a> {
        Case { executor, run: Box::new(run), row: Box::new(row) }
    }
}

/// Usage: `baton-bench [SCENARIO|all [EXECUTOR]]`, e.g. `baton-bench yield baton`
/// (for profiling one case). With no arguments, everything runs.
fn main() {
    let mut args = std::env::args().skip(1);
    let mut b = Bench { scenario: args.next(), executor: args.next(), rows: Vec::new() };
    // Other work on the machine skews the figures: say how busy it was.
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    eprintln!("baton-bench: {cpus} CPUs, load average {} at start", load.join(" "));

    let ops = YIELD_TASKS * YIELDS_PER_TASK;
    b.timed(
        "yield",
        vec![
            Case::new("baton", baton_runs::yield_once, move |m| Row::timed("yield", "baton", m, ops)),
            Case::new("tokio", tokio_runs::yield_once, move |m| Row::timed("yield", "tokio", m, ops)),
            Case::new("futures", futures_runs::yield_once, move |m| Row::timed("yield", "futures", m, ops)),
            Case::new("async-executor", async_executor_runs::yield_once, move |m| {
                Row::timed("yield", "async-executor", m, ops)
            }),
            Case::new("embassy", embassy_runs::yield_once, move |m| {
                Row::timed("yield", "embassy", m, ops).note("static pool_size=1000, joined by a countdown")
            }),
        ],
    );

    let ops = SPAWN_TASKS;
    let mut spawn = vec![
        Case::new("baton", baton_runs::spawn_once, move |m| Row::timed("spawn", "baton", m, ops)),
        Case::new("tokio", tokio_runs::spawn_once, move |m| Row::timed("spawn", "tokio", m, ops)),
        Case::new("futures", futures_runs::spawn_once, move |m| {
            Row::timed("spawn", "futures", m, ops).note("joined through spawn_local_with_handle's RemoteHandle")
        }),
        Case::new("async-executor", async_executor_runs::spawn_once, move |m| {
            Row::timed("spawn", "async-executor", m, ops)
        }),
    ];
    for (batch, executor) in [
        (embassy_runs::SPAWN_BATCH, "embassy"),
        (1, "embassy/batch=1"),
        (10, "embassy/batch=10"),
        (1000, "embassy/batch=1000"),
    ] {
        spawn.push(Case::new(executor, move || embassy_runs::spawn_once(batch), move |m| {
            Row::timed("spawn", executor, m, ops).note(format!(
                "static pool_size={batch}: spawn {batch}, join them (no join handle: a countdown the last task wakes), repeat"
            ))
        }));
    }
    b.timed("spawn", spawn);

    let ops = TIMER_TASKS;
    let lengths = Rc::new(harness::sleep_lengths());
    let l = &lengths;
    b.timed(
        "timers",
        vec![
            Case::new("baton", || baton_runs::timers_virtual_once(l), move |m| {
                Row::timed("timers", "baton", m, ops)
                    .clock("virtual")
                    .extra("sleep_unit", "\"ms\"")
                    .note("ManualClock jumped to next_deadline when idle")
            }),
            Case::new("tokio", || tokio_runs::timers_paused_once(l), move |m| {
                Row::timed("timers", "tokio", m, ops)
                    .clock("paused")
                    .extra("sleep_unit", "\"ms\"")
                    .note("start_paused(true): auto-advance when idle")
            }),
            Case::new("embassy", || embassy_runs::timers_virtual_once(l), move |m| {
                Row::timed("timers", "embassy", m, ops).clock("virtual").extra("sleep_unit", "\"ms\"").note(
                    "embassy-time mock-driver advanced 1 ms per executor round by a driver task; integrated timer queue",
                )
            }),
        ],
    );
    // The wall-clock runs are a scenario of their own: each includes real waiting.
    let wall = |executor: &'static str, run: fn(&Rc<Vec<u64>>) -> Duration, how: &'static str| {
        Case::new(
            executor,
            move || run(l),
            move |m| {
                Row::timed("timers", executor, m, ops)
                    .clock("wall")
                    .extra("sleep_unit", "\"us\"")
                    .note(format!("{how}; lengths 1..=1000 us, so a run includes >= 1 ms of real waiting"))
            },
        )
    };
    b.timed(
        "timers",
        vec![
            wall("baton", baton_runs::timers_wall_once, "baton::run (StdClock, thread::sleep to the next deadline)"),
            wall("futures", futures_runs::timers_wall_once, "async-io Timer, reactor on async-io's own thread"),
            wall(
                "async-executor",
                async_executor_runs::timers_wall_once,
                "async-io Timer, driven by async_io::block_on",
            ),
        ],
    );

    // Each is run once to warm up (first-use allocations: thread-locals,
    // allocator arenas), then measured; the figures are deterministic.
    let idle = |executor: &'static str, counts: alloc_counter::Counts| Row {
        scenario: "idle_memory",
        executor,
        metric: "bytes_per_task",
        value: counts.live_bytes as f64 / IDLE_TASKS as f64,
        median: None,
        allocs_per_op: Some(counts.allocs as f64 / IDLE_TASKS as f64),
        clock: None,
        extra: Vec::new(),
        note: None,
    };
    let pending_note = "tasks awaiting std::future::pending()";
    b.case("idle_memory", "baton", || {
        let _ = baton_runs::idle_bytes();
        idle("baton", baton_runs::idle_bytes()).note(pending_note)
    });
    b.case("idle_memory", "tokio", || {
        let _ = tokio_runs::idle_bytes();
        idle("tokio", tokio_runs::idle_bytes()).note(pending_note)
    });
    b.case("idle_memory", "futures", || {
        let _ = futures_runs::idle_bytes();
        idle("futures", futures_runs::idle_bytes()).note(pending_note)
    });
    b.case("idle_memory", "async-executor", || {
        let _ = async_executor_runs::idle_bytes();
        idle("async-executor", async_executor_runs::idle_bytes()).note(pending_note)
    });
    b.case("idle_memory", "embassy", || {
        let (counts, static_bytes) = embassy_runs::idle_bytes();
        idle("embassy", counts).extra("static_bytes_per_task", static_bytes).note(
            "tasks live in a static pool (pool_size=10000), no heap; static_bytes_per_task = size_of TaskStorage for the same future",
        )
    });

    harness::summary(&b.rows);
}
