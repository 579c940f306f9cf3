//! The expected traces of the scheduler's own tests are the judge's: every
//! `crates/baton/tests/asyncio/<test>.jsonl` must be exactly what
//! `tests/oracle/cpboard.py` prints now for `<test>.py` (the CircuitPython
//! twin of the test `<test>` in `crates/baton/tests/asyncio_port.rs`), at the
//! options the program's `# cpboard:` header asks for. The `_<module>.py`
//! files there are no programs but the models of Baton's features that
//! programs import: the judge runs with that folder on `PYTHONPATH`.
//!
//! The crate's tests embed those files (they also run under Miri, which
//! cannot start the judge); this test is what keeps them honest. After
//! changing a program, regenerate with
//! `python3 crates/baton/tests/asyncio/regen.py --cpboard tests/oracle/cpboard.py --cp-asyncio target/cp-asyncio`.

use baton_tests::{cpboard_with_path, repo_root};
use std::path::{Path, PathBuf};

/// What regen.py passes unless a program's header says otherwise.
const DEFAULT_FOR_MS: u64 = 60_000;
const DEFAULT_POLL_COST_US: u64 = 10;

fn programs_dir() -> PathBuf {
    repo_root().join("crates/baton/tests/asyncio")
}

/// `--for-ms` and `--poll-cost-us` from the program's `# cpboard:` lines.
fn options(program: &Path) -> (u64, u64) {
    let text = std::fs::read_to_string(program).expect("read program");
    let (mut for_ms, mut cost) = (DEFAULT_FOR_MS, DEFAULT_POLL_COST_US);
    for line in text.lines().filter_map(|l| l.strip_prefix("# cpboard:")) {
        let words: Vec<&str> = line.split_whitespace().collect();
        for pair in words.chunks(2) {
            let value = || pair.get(1).and_then(|v| v.parse().ok()).expect("a number after the option");
            match pair[0] {
                "--for-ms" => for_ms = value(),
                "--poll-cost-us" => cost = value(),
                other => panic!("{}: unknown cpboard option {other}", program.display()),
            }
        }
    }
    (for_ms, cost)
}

#[test]
fn committed_traces_are_what_the_judge_prints() {
    let dir = programs_dir();
    let mut programs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("crates/baton/tests/asyncio exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            p.extension().is_some_and(|e| e == "py") && name != "regen.py" && !name.starts_with('_')
        })
        .collect();
    programs.sort();
    assert!(programs.len() >= 50, "only {} programs", programs.len());

    let dir: &Path = &dir;
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get()).min(4);
    let chunks: Vec<&[PathBuf]> = programs.chunks(programs.len().div_ceil(workers)).collect();
    let mut stale: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|program| {
                            let (for_ms, cost) = options(program);
                            let now = cpboard_with_path(program, for_ms, cost, None, Some(dir));
                            let committed =
                                std::fs::read_to_string(program.with_extension("jsonl")).unwrap_or_default();
                            (now != committed).then(|| program.file_stem().unwrap().to_string_lossy().into_owned())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker")).collect()
    });
    stale.sort();
    assert!(
        stale.is_empty(),
        "these traces are not what cpboard.py prints now: {}\nregenerate them with \
         `python3 crates/baton/tests/asyncio/regen.py --cpboard tests/oracle/cpboard.py --cp-asyncio target/cp-asyncio {}`",
        stale.join(", "),
        stale.join(" ")
    );
}
