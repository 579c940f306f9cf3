//! The command line as `docs/SIMULATOR.md` defines it: the trace on
//! stdout and exit 0, or one line on stderr naming the problem and exit 2.

use std::io::Write;
use std::process::{Command, Output};

fn sim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_baton-sim")).args(args).output().expect("baton-sim runs")
}

fn script(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join("baton-sim-cli");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::File::create(&path).unwrap().write_all(text.as_bytes()).unwrap();
    path.to_string_lossy().into_owned()
}

/// Fails unless the run failed with exit 2 and exactly one stderr line
/// containing every one of `needles`.
fn fails_with(out: Output, needles: &[&str]) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(out.stdout.is_empty(), "nothing on stdout on error");
    assert_eq!(err.lines().count(), 1, "one line: {err:?}");
    for n in needles {
        assert!(err.contains(n), "{err:?} should mention {n:?}");
    }
}

#[test]
fn prints_the_trace_of_the_first_n_ms() {
    let out = sim(&["blink-one", "--for-ms", "600"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], r#"{"t_us": 20, "kind": "pin", "pin": "D1", "value": false}"#);
    assert_eq!(lines[1], r#"{"t_us": 20, "kind": "pin", "pin": "D1", "value": true}"#);
    // 0.25 s on, 0.25 s off: two more changes within 600 ms, none after.
    assert_eq!(lines.len(), 4, "{text}");
    // Sleeps count whole milliseconds from the current one (as CircuitPython
    // reads `ticks_ms`): each turn starts on a millisecond, 10 µs of poll cost in.
    assert!(lines[3].starts_with(r#"{"t_us": 500010, "kind": "pin""#), "{}", lines[3]);
}

#[test]
fn poll_cost_moves_every_turn() {
    let out = sim(&["blink-one", "--for-ms", "1", "--poll-cost-us", "100"]);
    let text = String::from_utf8(out.stdout).unwrap();
    // main's turn costs 100 µs, blink's another 100.
    assert!(text.starts_with(r#"{"t_us": 200, "kind": "pin""#), "{text}");
}

#[test]
fn inputs_drive_the_buttons() {
    let path = script("faster.jsonl", "{\"t_ms\": 800, \"pin\": \"D4\", \"action\": \"press\"}\n");
    let out = sim(&["button-interval", "--for-ms", "1000", "--inputs", &path]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r#""kind": "print", "text": "interval is now 0.4""#), "{text}");
}

#[test]
fn parameters_change_the_demo() {
    let out = sim(&["blink-one", "--for-ms", "1000", "--param", "interval=0.1", "-p", "led=D7"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r#""pin": "D7""#));
    assert_eq!(text.lines().count(), 11, "switch_to_output + 10 changes in 1 s: {text}");
}

#[test]
fn unknown_demo() {
    fails_with(sim(&["blink-three", "--for-ms", "10"]), &["unknown demo", "blink-three", "blink-two"]);
}

#[test]
fn bad_numbers() {
    fails_with(sim(&["blink-one", "--for-ms", "ten"]), &["--for-ms", "ten"]);
    fails_with(sim(&["blink-one", "--for-ms", "-5"]), &["--for-ms"]);
    fails_with(sim(&["blink-one", "--for-ms", "99999999999"]), &["--for-ms", "too large"]);
    // Past what a u64 holds: still "too large", not "not a whole number".
    fails_with(sim(&["blink-one", "--for-ms", "99999999999999999999"]), &["--for-ms", "too large", "at most"]);
    fails_with(sim(&["blink-one", "--for-ms", "10", "--poll-cost-us", "1.5"]), &["--poll-cost-us"]);
    fails_with(sim(&["blink-one"]), &["--for-ms"]);
}

#[test]
fn bad_parameters() {
    fails_with(sim(&["blink-one", "--for-ms", "10", "-p", "interval=0"]), &["interval", "above 0"]);
    fails_with(sim(&["blink-one", "--for-ms", "10", "-p", "speed=3"]), &["speed", "interval"]);
    fails_with(sim(&["blink-two", "--for-ms", "10", "-p", "led2=D1"]), &["D1", "led1", "led2"]);
    fails_with(sim(&["blink-one", "--for-ms", "10", "-p", "led=D99"]), &["D99"]);
}

#[test]
fn unreadable_input_file() {
    fails_with(sim(&["blink-one", "--for-ms", "10", "--inputs", "/nonexistent/in.jsonl"]), &["/nonexistent/in.jsonl"]);
}

#[test]
fn malformed_input_files_name_the_line() {
    let cases = [
        ("garbage.jsonl", "{\"t_ms\": 1, \"pin\": \"D3\", \"action\": \"press\"}\nnot json\n", "line 2"),
        ("pin.jsonl", "\n{\"t_ms\": 1, \"pin\": \"Q7\", \"action\": \"press\"}\n", "line 2"),
        ("action.jsonl", "{\"t_ms\": 1, \"pin\": \"D3\", \"action\": \"push\"}", "line 1"),
        ("time.jsonl", "{\"t_ms\": -4, \"pin\": \"D3\", \"action\": \"press\"}", "line 1"),
        ("field.jsonl", "{\"t_ms\": 4, \"pin\": \"D3\", \"action\": \"press\", \"x\": 1}", "line 1"),
        ("missing.jsonl", "{\"t_ms\": 4, \"pin\": \"D3\"}", "line 1"),
    ];
    for (name, text, line) in cases {
        let path = script(name, text);
        fails_with(sim(&["button-interval", "--for-ms", "10", "--inputs", &path]), &[&path, line]);
    }
}

#[test]
fn vcd_export_and_task_events() {
    let vcd = std::env::temp_dir().join("baton-sim-cli-blink.vcd");
    let out = sim(&["blink-two", "--for-ms", "300", "--task-events", "--vcd", vcd.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(r#""kind": "task""#) && text.contains(r#""name": "blink""#), "{text}");
    let dump = std::fs::read_to_string(&vcd).unwrap();
    assert!(dump.contains("$var wire 1 ! D1 $end") && dump.contains("$var wire 1 \" D2 $end"), "{dump}");
}

#[test]
fn bounce_makes_countio_count_more_than_keypad() {
    let path = script("one-press.jsonl", "{\"t_ms\": 100, \"pin\": \"D3\", \"action\": \"press\"}\n");
    let prints = |demo: &str| {
        let out = sim(&[demo, "--for-ms", "300", "--inputs", &path, "--bounce-us", "3000", "--bounce-count", "3"]);
        String::from_utf8(out.stdout).unwrap().lines().filter(|l| l.contains(r#""kind": "print""#)).count()
    };
    assert_eq!(prints("countio-interrupt"), 4, "the press and 3 bounces each fall");
    assert_eq!(prints("keypad-transitions"), 1, "keypad debounces");
}
