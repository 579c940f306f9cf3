//! `baton-sim`: run a demo on the virtual board and print its trace.
//!
//! ```text
//! baton-sim <demo-id> --for-ms <N> [--poll-cost-us <C>] [--inputs <file>]
//!           [--param key=value]... [--bounce-us <D> [--bounce-count <K>]]
//!           [--task-events] [--vcd <file>]
//! baton-sim --list
//! ```
//!
//! Prints the trace of the first N ms of virtual time as JSON Lines and
//! exits 0. Any bad argument or input file: one line on stderr that names the
//! problem, exit 2.

#![forbid(unsafe_code)]

use baton_demos::{DemoId, Params};
use baton_sim::{inputs, vcd, Bounce, SimConfig, Simulation};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: baton-sim <demo-id> --for-ms <N> [--poll-cost-us <C>] [--inputs <file>] \
[--param key=value]... [--bounce-us <D> [--bounce-count <K>]] [--task-events] [--vcd <file>] | --list";

/// The longest run accepted: a day of virtual time.
const MAX_FOR_MS: u64 = 86_400_000;

struct Args {
    demo: DemoId,
    for_ms: u64,
    config: SimConfig,
    inputs: Option<String>,
    vcd: Option<String>,
}

fn number(flag: &str, value: Option<String>, max: u64) -> Result<u64, String> {
    let v = value.ok_or_else(|| format!("{flag} needs a value"))?;
    let digits = v.trim();
    let n: u64 = match digits.parse() {
        Ok(n) => n,
        // Digits only, but more than a u64 holds: too large, not malformed.
        Err(_) if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(format!("{flag}: {digits} is too large (at most {max})"));
        }
        Err(_) => return Err(format!("{flag}: {v:?} is not a whole number")),
    };
    if n > max {
        return Err(format!("{flag}: {n} is too large (at most {max})"));
    }
    Ok(n)
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut demo = None;
    let mut for_ms = None;
    let mut poll_cost = None;
    let mut inputs = None;
    let mut vcd = None;
    let mut params: Vec<(String, String)> = Vec::new();
    let mut bounce_us = None;
    let mut bounce_count = None;
    let mut task_events = false;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--for-ms" => for_ms = Some(number("--for-ms", args.next(), MAX_FOR_MS)?),
            "--poll-cost-us" => {
                poll_cost = Some(number("--poll-cost-us", args.next(), baton_sim::simulation::MAX_POLL_COST_US)?)
            }
            "--inputs" => inputs = Some(args.next().ok_or("--inputs needs a file")?),
            "--vcd" => vcd = Some(args.next().ok_or("--vcd needs a file")?),
            "--param" | "-p" => {
                let kv = args.next().ok_or("--param needs key=value")?;
                let (k, v) = kv.split_once('=').ok_or_else(|| format!("--param {kv:?}: expected key=value"))?;
                params.push((k.into(), v.into()));
            }
            "--bounce-us" => bounce_us = Some(number("--bounce-us", args.next(), 1_000_000)?),
            "--bounce-count" => bounce_count = Some(number("--bounce-count", args.next(), 100)?),
            "--task-events" => task_events = true,
            "--list" => {
                list();
                return Ok(None);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s:?}")),
            s if demo.is_none() => demo = Some(s.parse::<DemoId>().map_err(|e| e.to_string())?),
            s => return Err(format!("unexpected argument {s:?} (the demo is already {:?})", demo.map(|d| d.id()))),
        }
    }
    let demo = demo.ok_or("missing the demo id (see --list)")?;
    let for_ms = for_ms.ok_or("missing --for-ms <N>")?;
    let mut p = Params::defaults(demo);
    p.set_all(params.iter().map(|(k, v)| (k.as_str(), v.as_str()))).map_err(|e| e.to_string())?;
    let bounce = match (bounce_us, bounce_count) {
        (None, None) => None,
        (Some(d), k) => Some(Bounce { duration_us: d, count: k.unwrap_or(3) as u32 }),
        (None, Some(_)) => return Err("--bounce-count needs --bounce-us".into()),
    };
    let mut config = SimConfig::new(demo);
    config.params = p;
    config.poll_cost_us = poll_cost.unwrap_or(baton_sim::simulation::DEFAULT_POLL_COST_US);
    config.bounce = bounce;
    config.task_events = task_events;
    Ok(Some(Args { demo, for_ms, config, inputs, vcd }))
}

fn list() {
    for d in DemoId::ALL {
        let info = d.info();
        let params: Vec<String> = Params::defaults(*d).iter().map(|(s, v)| format!("{}={v}", s.key)).collect();
        println!("{:<22} {:<42} {}", info.id, info.title, params.join(" "));
    }
}

fn run(args: Args) -> Result<(), String> {
    let mut sim = Simulation::new(args.config);
    if let Some(path) = &args.inputs {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let events = inputs::parse_script(&text).map_err(|e| format!("{path}: {e}"))?;
        sim.schedule_inputs(&events);
    }
    let end_us = args.for_ms * 1000;
    sim.run_until(end_us);
    let mut events: Vec<_> = sim.take_trace().into_iter().filter(|e| e.t_us() <= end_us).collect();
    events.sort_by_key(|e| e.t_us());
    if let Some(path) = &args.vcd {
        std::fs::write(path, vcd::to_vcd(&events, args.demo.id())).map_err(|e| format!("{path}: {e}"))?;
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for e in &events {
        // A closed pipe (`| head`) is not an error worth reporting.
        if writeln!(out, "{}", e.to_json()).is_err() {
            return Ok(());
        }
    }
    let _ = out.flush();
    Ok(())
}

fn main() -> ExitCode {
    let result = parse_args(std::env::args().skip(1)).and_then(|args| match args {
        Some(args) => run(args),
        None => Ok(()),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("baton-sim: error: {msg}");
            ExitCode::from(2)
        }
    }
}
