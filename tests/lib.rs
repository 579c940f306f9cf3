//! Helpers for the tests that cross crates: run a demo on the simulator and
//! the same program on the judge, `tests/oracle/cpboard.py` (CircuitPython's
//! own asyncio library, Adafruit_CircuitPython_asyncio 3.1.1, on a virtual
//! board), and compare the traces with `tests/oracle/exact.py`: every pin,
//! print and pixels event at the same microsecond.
//!
//! Everything the tests need is in the repository except the library itself,
//! which [`cp_asyncio_dir`] installs from PyPI on first use (into
//! `target/cp-asyncio`, or `$BATON_CP_ASYNCIO`), so `cargo test` works on a
//! fresh clone with `python3` and pip.

use baton_demos::DemoId;
use baton_sim::{inputs, Bounce, SimConfig, Simulation};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

/// The Adafruit_CircuitPython_asyncio release the judge runs.
pub const CP_ASYNCIO_VERSION: &str = "3.1.1";

/// The poll costs every oracle case runs at (µs per task resumption).
pub const POLL_COSTS: [u64; 3] = [7, 10, 25];

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// `tests/oracle`: the judge (cpboard.py, vboard.py, exact.py), the guide's
/// programs and the scheduler-semantics programs.
pub fn oracle_dir() -> PathBuf {
    repo_root().join("tests/oracle")
}

/// The folder holding the installed library (`<dir>/asyncio/core.py`):
/// `$BATON_CP_ASYNCIO` if set, else `target/cp-asyncio`. Installed there on
/// first use if missing; parallel tests of one process install it once.
///
/// # Panics
/// If the library is missing and cannot be installed (no pip, no network).
pub fn cp_asyncio_dir() -> PathBuf {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = match std::env::var_os("BATON_CP_ASYNCIO") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => repo_root().join("target/cp-asyncio"),
        };
        ensure_cp_asyncio(&dir).map(|()| dir)
    });
    match dir {
        Ok(d) => d.clone(),
        Err(e) => panic!("{e}"),
    }
}

/// Installs the library into `dir` unless `dir/asyncio/core.py` is there.
///
/// `cargo xtask setup` runs the same pip command (xtask cannot depend on this
/// crate cheaply, so the step is written twice; keep the two in step): pip
/// installs into a temporary folder beside `dir`, which is then renamed, so a
/// half-done install is never taken for a finished one.
pub fn ensure_cp_asyncio(dir: &Path) -> Result<(), String> {
    if dir.join("asyncio/core.py").is_file() {
        return Ok(());
    }
    let pip_ok = Command::new("python3")
        .args(["-m", "pip", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !pip_ok {
        return Err("`python3 -m pip` is not available: install pip with `python3 -m ensurepip --upgrade` \
                    or `apt-get install python3-pip`"
            .into());
    }
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "cp-asyncio".into());
    let tmp = parent.join(format!("{name}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let out = Command::new("python3")
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
        .arg(&tmp)
        .arg(format!("adafruit-circuitpython-asyncio=={CP_ASYNCIO_VERSION}"))
        .arg("--no-deps")
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !out.status.success() || !tmp.join("asyncio/core.py").is_file() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(format!(
            "pip could not install adafruit-circuitpython-asyncio=={CP_ASYNCIO_VERSION}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    // A folder left by an interrupted copy (no core.py) is in the way.
    if dir.exists() && !dir.join("asyncio/core.py").is_file() {
        let _ = std::fs::remove_dir_all(dir);
    }
    if let Err(e) = std::fs::rename(&tmp, dir) {
        let _ = std::fs::remove_dir_all(&tmp);
        // Another process may have finished the same install first.
        if !dir.join("asyncio/core.py").is_file() {
            return Err(format!("moving the installed library to {}: {e}", dir.display()));
        }
    }
    Ok(())
}

fn python(args: &mut Command) -> Output {
    args.output().expect("python3 runs (the judge needs it on PATH)")
}

/// Runs the judge on `program` (a CircuitPython program) for `for_ms` of
/// virtual time at `poll_cost_us`, with an input script if given; the trace
/// as JSON Lines.
///
/// # Panics
/// If cpboard.py fails (its standard error is in the message).
pub fn cpboard(program: &Path, for_ms: u64, poll_cost_us: u64, inputs: Option<&Path>) -> String {
    cpboard_with_path(program, for_ms, poll_cost_us, inputs, None)
}

/// [`cpboard`], with `pythonpath` (if given) put first on `PYTHONPATH`: the
/// folder of the modules `program` imports (cpboard.py runs the program with
/// its own folder, `tests/oracle`, on the path, not the program's). Python
/// then writes no bytecode, so that folder gets no `__pycache__`.
///
/// # Panics
/// If cpboard.py fails (its standard error is in the message).
pub fn cpboard_with_path(
    program: &Path,
    for_ms: u64,
    poll_cost_us: u64,
    inputs: Option<&Path>,
    pythonpath: Option<&Path>,
) -> String {
    let mut cmd = Command::new("python3");
    if let Some(dir) = pythonpath {
        let inherited = std::env::var_os("PYTHONPATH");
        let paths = std::iter::once(dir.to_path_buf())
            .chain(inherited.iter().flat_map(std::env::split_paths).filter(|p| !p.as_os_str().is_empty()));
        cmd.env("PYTHONPATH", std::env::join_paths(paths).expect("PYTHONPATH entries hold no separator"));
        cmd.env("PYTHONDONTWRITEBYTECODE", "1");
    }
    cmd.arg(oracle_dir().join("cpboard.py")).arg(program).arg("--cp-asyncio").arg(cp_asyncio_dir()).args([
        "--for-ms",
        &for_ms.to_string(),
        "--poll-cost-us",
        &poll_cost_us.to_string(),
    ]);
    if let Some(f) = inputs {
        cmd.arg("--inputs").arg(f);
    }
    let out = python(&mut cmd);
    assert!(
        out.status.success(),
        "cpboard.py {} failed: {}",
        program.display(),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    String::from_utf8(out.stdout).expect("cpboard prints UTF-8")
}

/// Judges `candidate` against `reference` (both JSON Lines traces) with
/// exact.py, up to `end_us` if given. `Ok` holds exact.py's report; `Err`
/// holds the report and the scratch folder where both traces are kept
/// (`reference.jsonl`, `candidate.jsonl`). `label` names the comparison.
pub fn exact(label: &str, reference: &str, candidate: &str, end_us: Option<u64>) -> Result<String, String> {
    let dir = scratch(label);
    let (r, c) = (dir.join("reference.jsonl"), dir.join("candidate.jsonl"));
    std::fs::write(&r, reference).expect("write scratch file");
    std::fs::write(&c, candidate).expect("write scratch file");
    let mut cmd = Command::new("python3");
    cmd.arg(oracle_dir().join("exact.py")).arg(&r).arg(&c);
    if let Some(end) = end_us {
        cmd.args(["--end-us", &end.to_string()]);
    }
    let out = python(&mut cmd);
    let report = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if out.status.success() && report.starts_with("exact") {
        let _ = std::fs::remove_dir_all(&dir);
        Ok(report)
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let mut message = format!("{label}: {report}");
        if !stderr.trim().is_empty() {
            message.push_str(&format!(" [exact.py: {}]", stderr.trim()));
        }
        // exact.py names the event but not its text: show both lines.
        let index = report.strip_prefix("differs at event ").and_then(|r| r.split(':').next()?.parse::<usize>().ok());
        if let Some(i) = index {
            let show = |trace: &str| judged_events(trace, end_us).get(i).copied().unwrap_or("(none)").to_string();
            message.push_str(&format!("\n  judge: {}\n  Baton: {}", show(reference), show(candidate)));
        }
        message.push_str(&format!("\n  (traces kept: {} and {})", r.display(), c.display()));
        Err(message)
    }
}

/// The lines of a trace that exact.py compares: pin, print and pixels events
/// up to `end_us`, in order.
fn judged_events(trace: &str, end_us: Option<u64>) -> Vec<&str> {
    let field = |line: &str, key: &str| -> Option<String> {
        let rest = line.split_once(&format!("\"{key}\""))?.1.trim_start().strip_prefix(':')?.trim_start();
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        Some(rest[..end].trim().trim_matches('"').to_string())
    };
    trace
        .lines()
        .filter(|line| matches!(field(line, "kind").as_deref(), Some("pin" | "print" | "pixels")))
        .filter(|line| match (end_us, field(line, "t_us").and_then(|t| t.parse::<u64>().ok())) {
            (Some(end), Some(t)) => t <= end,
            _ => true,
        })
        .collect()
}

/// A trace of `print` events as JSON Lines (`{"t_us":..,"kind":"print","text":..}`).
pub fn print_trace(lines: &[(u64, String)]) -> String {
    let mut out = String::new();
    for (t, text) in lines {
        out.push_str(&format!("{{\"t_us\": {t}, \"kind\": \"print\", \"text\": {}}}\n", json_string(text)));
    }
    out
}

fn json_string(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A test case: a demo, how long, which inputs.
#[derive(Clone, Debug)]
pub struct Case {
    /// The demo.
    pub demo: DemoId,
    /// Virtual milliseconds to run.
    pub for_ms: u64,
    /// An input script: a file name under `tests/inputs/`, or a path relative
    /// to `tests/` if it has a `/` (`oracle/inputs/…`).
    pub inputs: Option<&'static str>,
    /// Switch bounce applied by the simulator (the judge gets the same edges
    /// written out as a script).
    pub bounce: Option<Bounce>,
    /// `key=value` parameters.
    pub params: &'static [(&'static str, &'static str)],
    /// Virtual µs per task poll (the spec's `poll_cost_us`).
    pub poll_cost_us: u64,
}

impl Case {
    /// A case with the demo's defaults and no inputs.
    pub const fn new(demo: DemoId, for_ms: u64) -> Self {
        Case { demo, for_ms, inputs: None, bounce: None, params: &[], poll_cost_us: 10 }
    }

    /// A readable name for messages and golden files.
    pub fn name(&self) -> String {
        let mut n = self.demo.id().to_string();
        if let Some(i) = self.inputs {
            n.push_str("__");
            n.push_str(i.rsplit('/').next().unwrap_or(i).trim_end_matches(".jsonl"));
        }
        if let Some(b) = self.bounce {
            n.push_str(&format!("__bounce{}x{}", b.duration_us, b.count));
        }
        for (k, v) in self.params {
            n.push_str(&format!("__{k}-{v}"));
        }
        if self.poll_cost_us != 10 {
            n.push_str(&format!("__cost{}", self.poll_cost_us));
        }
        n
    }

    /// The input script's path.
    pub fn inputs_path(&self) -> Option<PathBuf> {
        self.inputs.map(|file| {
            let tests = repo_root().join("tests");
            if file.contains('/') {
                tests.join(file)
            } else {
                tests.join("inputs").join(file)
            }
        })
    }

    fn input_events(&self) -> Vec<baton_sim::InputEvent> {
        match (self.inputs, self.inputs_path()) {
            (Some(file), Some(path)) => {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                inputs::parse_script(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
            }
            _ => Vec::new(),
        }
    }

    /// Runs the case on the simulator; the trace as JSON Lines, cut at the end.
    pub fn simulate(&self) -> String {
        let mut config = SimConfig::new(self.demo);
        config.bounce = self.bounce;
        config.poll_cost_us = self.poll_cost_us;
        config.params.set_all(self.params.iter().copied()).expect("test parameters are valid");
        let mut sim = Simulation::new(config);
        sim.schedule_inputs(&self.input_events());
        let end = self.for_ms * 1000;
        sim.run_until(end);
        let trace = sim.take_trace();
        baton_sim::trace::to_jsonl(trace.iter().filter(|e| e.t_us() <= end))
    }

    /// The input script the judge reads: the case's events with bounce
    /// written out edge by edge.
    pub fn oracle_script(&self) -> String {
        let mut lines = String::new();
        for e in self.input_events() {
            let edges = match self.bounce {
                Some(b) => b.levels(e.t_us, !e.pressed),
                None => vec![(e.t_us, !e.pressed)],
            };
            for (t, level) in edges {
                let action = if level { "release" } else { "press" };
                lines.push_str(&format!(
                    "{{\"t_ms\": {}, \"pin\": \"{}\", \"action\": \"{action}\"}}\n",
                    t as f64 / 1000.0,
                    e.pin
                ));
            }
        }
        lines
    }

    /// Runs the judge on `program` (a demo id: `tests/oracle/examples/<program>.py`)
    /// with this case's length, poll cost and inputs; the trace as JSON Lines.
    pub fn oracle(&self, program: &str) -> String {
        let dir = scratch(&format!("{}__inputs", self.name()));
        let script = dir.join("inputs.jsonl");
        std::fs::write(&script, self.oracle_script()).expect("write scratch file");
        let path = oracle_dir().join("examples").join(format!("{program}.py"));
        let trace = cpboard(&path, self.for_ms, self.poll_cost_us, Some(&script));
        let _ = std::fs::remove_dir_all(&dir);
        trace
    }

    /// Compares the simulator with the judge running `program`, exactly, up to
    /// the case's end. `Err` holds exact.py's report and the scratch folder
    /// with both traces.
    pub fn compare_with(&self, program: &str) -> Result<String, String> {
        let label = if program == self.demo.id() { self.name() } else { format!("{}__vs__{program}", self.name()) };
        exact(&label, &self.oracle(program), &self.simulate(), Some(self.for_ms * 1000))
    }
}

/// A scratch folder of its own for each comparison (and each process: two
/// `cargo test` runs may be under way at once).
fn scratch(name: &str) -> PathBuf {
    // Unique per call: two cases may share a name (the same demo run for two
    // lengths) and run at once on the test harness's threads.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join("baton-tests").join(format!("{name}.{}.{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}
