//! Timing, workloads' shared parameters, and output (JSON lines on stdout, a
//! table on stderr).

use crate::alloc_counter;
use std::time::{Duration, Instant};

/// Scenario 1: tasks × yields per task.
pub const YIELD_TASKS: usize = 1_000;
/// Scenario 1: yields per task.
pub const YIELDS_PER_TASK: usize = 1_000;
/// Scenario 2: tasks spawned then joined.
pub const SPAWN_TASKS: usize = 100_000;
/// Scenario 3: sleeping tasks.
pub const TIMER_TASKS: usize = 10_000;
/// Scenario 4: idle tasks.
pub const IDLE_TASKS: usize = 10_000;
/// Timed runs of each workload after its warm-up.
pub const RUNS: usize = 5;

/// The sleep lengths of scenario 3: a deterministic LCG, 1..=1000 (ms for
/// virtual/paused clocks, µs for wall clocks).
pub fn sleep_lengths() -> Vec<u64> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..TIMER_TASKS)
        .map(|_| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % 1000 + 1
        })
        .collect()
}

/// Times a closure.
pub fn time(f: impl FnOnce()) -> Duration {
    let t0 = Instant::now();
    f();
    t0.elapsed()
}

/// One measured workload.
pub struct Measured {
    /// Fastest of the timed runs.
    pub best: Duration,
    /// Median of the timed runs.
    pub median: Duration,
    /// Heap allocations in the warm-up run (counted there only, so the timed
    /// runs do not pay for counting).
    pub allocs: u64,
}

/// One executor's workload in a scenario: each call is one run, and returns how long it took.
pub type Workload<'a> = Box<dyn FnMut() -> Duration + 'a>;

/// Measures a scenario's workloads side by side: a warm-up run of each (counting its heap
/// allocations there only, so the timed runs do not pay for counting), then [`RUNS`] rounds
/// in which each workload runs once, in turn, each round starting one workload further on.
///
/// Why rounds and not each workload's runs one after another: on a shared machine the speed
/// moves over seconds (another tenant, the clock), and runs back to back would give one
/// executor a slow second and the next a quick one. In rounds every executor samples the
/// same stretches of time, so the ratios between them hold better than the times do.
pub fn measure_side_by_side(workloads: &mut [Workload<'_>]) -> Vec<Measured> {
    let allocs: Vec<u64> = workloads
        .iter_mut()
        .map(|run| {
            alloc_counter::start();
            let _ = run();
            alloc_counter::stop().allocs
        })
        .collect();
    let n = workloads.len();
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(RUNS); n];
    for round in 0..RUNS {
        for k in 0..n {
            let i = (round + k) % n;
            times[i].push(workloads[i]());
        }
    }
    times
        .into_iter()
        .zip(allocs)
        .map(|(mut t, allocs)| {
            t.sort();
            Measured { best: t[0], median: t[RUNS / 2], allocs }
        })
        .collect()
}

/// One result line.
pub struct Row {
    pub scenario: &'static str,
    pub executor: &'static str,
    /// `ns_per_op` for scenarios 1–3, `bytes_per_task` for scenario 4.
    pub metric: &'static str,
    pub value: f64,
    pub median: Option<f64>,
    pub allocs_per_op: Option<f64>,
    pub clock: Option<&'static str>,
    pub extra: Vec<(&'static str, String)>,
    pub note: Option<String>,
}

impl Row {
    /// A timing row from a measurement over `ops` operations.
    pub fn timed(scenario: &'static str, executor: &'static str, m: &Measured, ops: usize) -> Row {
        let per = |d: Duration| d.as_nanos() as f64 / ops as f64;
        Row {
            scenario,
            executor,
            metric: "ns_per_op",
            value: per(m.best),
            median: Some(per(m.median)),
            allocs_per_op: Some(m.allocs as f64 / ops as f64),
            clock: None,
            extra: Vec::new(),
            note: None,
        }
    }

    pub fn clock(mut self, clock: &'static str) -> Row {
        self.clock = Some(clock);
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Row {
        self.note = Some(note.into());
        self
    }

    pub fn extra(mut self, key: &'static str, value: impl ToString) -> Row {
        self.extra.push((key, value.to_string()));
        self
    }

    /// The row as one JSON object.
    pub fn json(&self) -> String {
        let mut s = format!(
            "{{\"scenario\":{},\"executor\":{},\"{}\":{:.1}",
            quote(self.scenario),
            quote(self.executor),
            self.metric,
            self.value
        );
        if let Some(m) = self.median {
            s += &format!(",\"median_{}\":{m:.1}", self.metric);
        }
        if let Some(a) = self.allocs_per_op {
            s += &format!(",\"allocs_per_op\":{a:.3}");
        }
        if let Some(c) = self.clock {
            s += &format!(",\"clock\":{}", quote(c));
        }
        for (k, v) in &self.extra {
            s += &format!(",{}:{}", quote(k), v);
        }
        if let Some(n) = &self.note {
            s += &format!(",\"note\":{}", quote(n));
        }
        s.push('}');
        s
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Prints a row at once (so a long run shows progress) and keeps it.
pub fn emit(rows: &mut Vec<Row>, row: Row) {
    println!("{}", row.json());
    rows.push(row);
}

/// The human summary on stderr: every row, then the targets.
pub fn summary(rows: &[Row]) {
    eprintln!();
    eprintln!(
        "{:<10} {:<16} {:>12} {:>12} {:>10} {:>8}  {:<8} note",
        "scenario", "executor", "best", "median", "allocs/op", "×baton", "clock"
    );
    // Compare with baton on the same kind of clock (tokio's paused clock is
    // virtual time too).
    let baton_value = |scenario: &str, clock: Option<&str>| {
        let clock = if clock == Some("paused") { Some("virtual") } else { clock };
        rows.iter().find(|r| r.scenario == scenario && r.executor == "baton" && r.clock == clock).map(|r| r.value)
    };
    for r in rows {
        let unit = if r.metric == "ns_per_op" { "ns" } else { "B" };
        let ratio = baton_value(r.scenario, r.clock)
            .filter(|b| *b > 0.0)
            .map(|b| format!("{:.2}", r.value / b))
            .unwrap_or_else(|| "-".into());
        eprintln!(
            "{:<10} {:<16} {:>9.1} {unit:<2} {:>12} {:>10} {:>8}  {:<8} {}",
            r.scenario,
            r.executor,
            r.value,
            r.median.map(|m| format!("{m:.1} {unit}")).unwrap_or_default(),
            r.allocs_per_op.map(|a| format!("{a:.2}")).unwrap_or_default(),
            ratio,
            r.clock.unwrap_or(""),
            r.note.as_deref().unwrap_or(""),
        );
    }
    eprintln!(
        "(×baton: the executor's figure divided by baton's on the same scenario and kind of clock; >1 means baton is faster/smaller)"
    );
    eprintln!();
    eprintln!("Targets (reported, not enforced):");
    let get = |scenario: &str, executor: &str| {
        rows.iter().find(|r| r.scenario == scenario && r.executor == executor).map(|r| r.value)
    };
    for scenario in ["yield", "spawn"] {
        if let (Some(b), Some(e)) = (get(scenario, "baton"), get(scenario, "embassy")) {
            let ratio = b / e;
            eprintln!(
                "  {scenario:<6} baton ≤ 1.5× embassy-executor: baton/embassy = {ratio:.2}  {}",
                if ratio <= 1.5 { "MET" } else { "MISSED" }
            );
        }
        if let (Some(b), Some(t)) = (get(scenario, "baton"), get(scenario, "tokio")) {
            // Issue 8's targets: yield at least 2× faster than tokio's
            // current-thread runtime; spawn + join faster than it.
            let (need, words) = if scenario == "yield" { (2.0, "≥ 2× faster") } else { (1.0, "faster     ") };
            let ratio = t / b;
            eprintln!(
                "  {scenario:<6} baton {words} than tokio:  tokio/baton   = {ratio:.2}  {}",
                if ratio > need || (need > 1.0 && ratio >= need) { "MET" } else { "MISSED" }
            );
        }
    }
}

thread_local! {
    static IDLE_STARTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The idle task of scenario 4: counts that it started, then waits forever.
pub async fn idle() {
    IDLE_STARTED.with(|s| s.set(s.get() + 1));
    std::future::pending::<()>().await
}

/// Sets the count of started idle tasks to zero.
pub fn reset_idle_started() {
    IDLE_STARTED.with(|s| s.set(0));
}

/// How many idle tasks have started (each executor must have polled all of
/// them once for the memory figure to count their live state).
pub fn idle_started() -> usize {
    IDLE_STARTED.with(std::cell::Cell::get)
}
