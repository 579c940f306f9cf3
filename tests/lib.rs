//! Helpers for the tests that cross crates: run a demo on the simulator and
//! the same program on the CPython oracle (`../shared/oracle`), and compare
//! the traces with the oracle's own judge, `compare.py`.

use baton_demos::DemoId;
use baton_sim::{inputs, Bounce, SimConfig, Simulation};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// `shared/oracle`, beside the repository.
pub fn oracle_dir() -> PathBuf {
    repo_root().join("../shared/oracle")
}

/// A test case: a demo, how long, which inputs.
#[derive(Clone, Debug)]
pub struct Case {
    /// The demo.
    pub demo: DemoId,
    /// Virtual milliseconds to run.
    pub for_ms: u64,
    /// An input script under `tests/inputs/`, if any.
    pub inputs: Option<&'static str>,
    /// Switch bounce applied by the simulator (the oracle gets the same edges
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
            n.push_str(i.trim_end_matches(".jsonl"));
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

    fn input_events(&self) -> Vec<baton_sim::InputEvent> {
        match self.inputs {
            Some(file) => {
                let path = repo_root().join("tests/inputs").join(file);
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                inputs::parse_script(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
            }
            None => Vec::new(),
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

    /// The input script the oracle reads: the case's events with bounce
    /// written out edge by edge.
    fn oracle_script(&self) -> String {
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

    /// Runs the oracle on `program` (a demo id of `shared/oracle/examples`)
    /// for this case's inputs.
    pub fn oracle(&self, program: &str) -> String {
        let dir = scratch(&self.name());
        let script = dir.join("inputs.jsonl");
        std::fs::write(&script, self.oracle_script()).expect("write scratch file");
        let out = Command::new("python3")
            .arg(oracle_dir().join("vboard.py"))
            .arg(oracle_dir().join("examples").join(format!("{program}.py")))
            .args(["--for-ms", &self.for_ms.to_string(), "--poll-cost-us", &self.poll_cost_us.to_string(), "--inputs"])
            .arg(&script)
            .output()
            .expect("python3 runs");
        assert!(out.status.success(), "oracle failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).expect("oracle prints UTF-8")
    }

    /// Compares the simulator with the oracle running `program`; `Err` holds
    /// compare.py's report.
    pub fn compare_with(&self, program: &str) -> Result<String, String> {
        let dir = scratch(&self.name());
        let (reference, candidate) = (dir.join("oracle.jsonl"), dir.join("baton.jsonl"));
        std::fs::write(&reference, self.oracle(program)).expect("write scratch file");
        std::fs::write(&candidate, self.simulate()).expect("write scratch file");
        let out = Command::new("python3")
            .arg(oracle_dir().join("compare.py"))
            .arg(&reference)
            .arg(&candidate)
            .args(["--end-us", &(self.for_ms * 1000).to_string()])
            .output()
            .expect("python3 runs");
        let report = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if out.status.success() {
            Ok(report)
        } else {
            Err(format!("{}: {report}\n(traces kept in {})", self.name(), dir.display()))
        }
    }
}

/// A scratch folder of its own for each case.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join("baton-tests").join(name);
    std::fs::create_dir_all(&dir).expect("create scratch folder");
    dir
}
