//! A small harness for Baton's integration tests: tasks print lines into a
//! shared [`Trace`], each stamped with the virtual clock in microseconds; a
//! host loop drives the executor on a [`ManualClock`], charging a fixed cost
//! before every poll (the simulator's CPU model, `docs/SIMULATOR.md`) and
//! jumping to the next deadline whenever nothing is due.
//!
//! The expected traces are not written by hand: each test of
//! `asyncio_port.rs` has a CircuitPython program `tests/asyncio/<test>.py`,
//! and `tests/asyncio/<test>.jsonl` is what the judge (`cpboard.py`, running
//! Adafruit_CircuitPython_asyncio 3.1.1 on a virtual clock) prints for it at
//! the same poll cost. [`judge!`] compares a trace with that file, line by
//! line: same texts, same order, same microseconds.

// Each test crate uses a different part of the harness.
#![allow(dead_code)]

use baton::{Duration, Executor, ManualClock, Task, TaskError};
use std::cell::RefCell;
use std::fmt::Display;
use std::future::{Future, IntoFuture};
use std::rc::Rc;

/// The poll cost the tests charge unless they say otherwise (µs per task
/// resumption, charged before the task runs, as cpboard.py does).
pub const POLL_COST_US: u64 = 10;

/// How many polls a test program may take before the harness calls it a
/// livelock.
pub const POLL_LIMIT: u64 = 100_000;

/// One printed line: the clock (µs) when it was printed, and its text.
pub type Line = (u64, String);

/// The lines printed during a test run, in order. Clones share the list.
#[derive(Clone)]
pub struct Trace {
    lines: Rc<RefCell<Vec<Line>>>,
    clock: Rc<ManualClock>,
}

impl Trace {
    /// An empty trace that stamps lines with `clock`.
    pub fn new(clock: Rc<ManualClock>) -> Self {
        Trace { lines: Rc::default(), clock }
    }

    /// Python's `print(msg)`: records `msg` at the current time.
    pub fn log(&self, msg: impl Display) {
        use baton::Clock;
        self.lines.borrow_mut().push((self.clock.now().as_micros(), msg.to_string()));
    }

    /// The clock, in µs.
    pub fn now_us(&self) -> u64 {
        use baton::Clock;
        self.clock.now().as_micros()
    }

    /// Takes everything recorded so far.
    pub fn take(&self) -> Vec<Line> {
        std::mem::take(&mut *self.lines.borrow_mut())
    }

    /// A guard that prints `msg` when dropped, unless disarmed: a Rust task's
    /// `finally:` / `except CancelledError: print(msg); raise`. Cancelling a
    /// task drops its future at the task's next turn, so the guard prints
    /// then, as the Python handler does when the library throws
    /// `CancelledError` into the coroutine.
    pub fn on_drop(&self, msg: impl Into<String>) -> OnDrop {
        OnDrop { trace: self.clone(), msg: Some(msg.into()) }
    }
}

/// See [`Trace::on_drop`].
pub struct OnDrop {
    trace: Trace,
    msg: Option<String>,
}

impl OnDrop {
    /// The code it guards finished normally: print nothing.
    pub fn disarm(mut self) {
        self.msg = None;
    }
}

impl Drop for OnDrop {
    fn drop(&mut self) {
        if let Some(msg) = self.msg.take() {
            self.trace.log(msg);
        }
    }
}

/// `n` milliseconds.
pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `n` seconds.
pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Panics without printing anything (no panic hook runs), with `msg` as the
/// payload: a task "raising an exception". The executor reports it as
/// `TaskError::Panicked(msg)`; write `msg` as Python's `repr` of the
/// exception (`"ValueError(1)"`) so that [`py_result`] prints what Python
/// prints.
pub fn fail(msg: impl Into<String>) -> ! {
    std::panic::resume_unwind(Box::new(msg.into()))
}

/// Python's `str(bool)`.
pub fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// What Python prints for a task's outcome as `gather(...,
/// return_exceptions=True)` returns it: the value, or the exception's repr
/// (`CancelledError()`, or the panic message, written as a repr by
/// [`fail`]).
pub fn py_result<T: Display>(r: &Result<T, TaskError>) -> String {
    match r {
        Ok(v) => v.to_string(),
        Err(TaskError::Cancelled) => "CancelledError()".into(),
        Err(TaskError::Panicked(msg)) => msg.clone(),
    }
}

/// Python's repr of a list of outcomes: `[2, CancelledError()]`.
pub fn py_list<T: Display>(rs: &[Result<T, TaskError>]) -> String {
    let items: Vec<String> = rs.iter().map(py_result).collect();
    format!("[{}]", items.join(", "))
}

/// An executor on a manual clock, plus a trace.
pub struct Sim {
    /// The virtual clock.
    pub clock: Rc<ManualClock>,
    /// The executor under test (tasks that inspect it hold a `Weak`).
    pub exec: Rc<Executor>,
    /// What the tasks printed.
    pub trace: Trace,
    /// Microseconds charged before each poll.
    pub poll_cost_us: u64,
}

impl Default for Sim {
    fn default() -> Self {
        Self::new()
    }
}

impl Sim {
    /// Every poll costs [`POLL_COST_US`].
    pub fn new() -> Self {
        Self::with_poll_cost(POLL_COST_US)
    }

    /// Every poll costs `us` microseconds of virtual time, charged once the
    /// task to poll is chosen and before it runs (cpboard.py's `CostCoro`).
    pub fn with_poll_cost(us: u64) -> Self {
        let clock = Rc::new(ManualClock::new());
        let exec = Rc::new(Executor::new(clock.clone()));
        Sim { trace: Trace::new(clock.clone()), clock, exec, poll_cost_us: us }
    }

    /// Polls the head of the run queue if it is due, charging the poll cost.
    pub fn poll(&self) -> bool {
        let (clock, cost) = (&self.clock, self.poll_cost_us);
        self.exec.poll_one_with(|_| clock.advance_micros(cost)).is_some()
    }

    /// One turn of the library's run loop: poll the head if it is due, or
    /// else move the clock to the start of its tick (or to the next
    /// background callback). `false` when nothing is queued at all.
    pub fn step(&self, polls: &mut u64) -> bool {
        if self.poll() {
            *polls += 1;
            assert!(*polls < POLL_LIMIT, "livelock: {POLL_LIMIT} polls");
            true
        } else if let Some(deadline) = self.exec.next_deadline() {
            self.clock.advance_to(deadline);
            true
        } else {
            false
        }
    }

    /// `asyncio.run(main)` / `loop.run_until_complete(main)`: runs `main` as a
    /// task until it finishes and returns its output; other tasks are left
    /// as they are.
    ///
    /// # Panics
    /// If `main` panics or is cancelled (with the message
    /// `"baton: main task panicked: {msg}"`), on deadlock (nothing due,
    /// nothing queued) and after [`POLL_LIMIT`] polls.
    pub fn block_on<F>(&self, main: F) -> F::Output
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let mut task = self.exec.spawn_main(main);
        let mut polls = 0;
        loop {
            if let Some(result) = task.try_result() {
                return result.unwrap_or_else(|e| panic!("baton: main {e}"));
            }
            assert!(self.step(&mut polls), "deadlock: main waits, and nothing is queued");
        }
    }

    /// Polls whatever is due, without waiting for time to pass (beyond the
    /// poll cost); returns how many polls ran.
    pub fn run_ready(&self) -> u64 {
        let mut polls = 0;
        while self.poll() {
            polls += 1;
            assert!(polls < POLL_LIMIT, "livelock: {POLL_LIMIT} polls");
        }
        polls
    }

    /// Runs until nothing is queued and no callback is set (tasks may still
    /// wait for events that never come): the library's `run_forever` once
    /// its queue is empty. Returns how many polls ran.
    pub fn run_all(&self) -> u64 {
        let mut polls = 0;
        while self.step(&mut polls) {}
        polls
    }

    /// The clock in microseconds.
    pub fn now_us(&self) -> u64 {
        self.exec.now().as_micros()
    }
}

/// Runs `main(trace)` as `asyncio.run` does, at [`POLL_COST_US`] per poll,
/// and returns the trace. The executor is dropped when `main` returns, which
/// drops the tasks still alive: their [`Trace::on_drop`] guards print then
/// (the Python programs close those coroutines after `asyncio.run`).
pub fn run<F, Fut>(main: F) -> Vec<Line>
where
    F: FnOnce(Trace) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    let sim = Sim::new();
    let trace = sim.trace.clone();
    sim.block_on(main(trace.clone()));
    drop(sim);
    trace.take()
}

/// A task handle several tasks can share: one awaits it ([`Shared::join`])
/// while others cancel it, as Python code passes task objects around.
pub struct Shared<T>(Rc<RefCell<Option<Task<T>>>>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T: 'static> Shared<T> {
    /// A slot to be filled with [`Shared::set`] (for tasks that need the
    /// handle of a task created after them).
    pub fn empty() -> Self {
        Shared(Rc::new(RefCell::new(None)))
    }

    /// Shares `task`.
    pub fn new(task: Task<T>) -> Self {
        let s = Self::empty();
        s.set(task);
        s
    }

    /// Fills the slot.
    pub fn set(&self, task: Task<T>) {
        *self.0.borrow_mut() = Some(task);
    }

    fn with<R>(&self, f: impl FnOnce(&Task<T>) -> R) -> R {
        f(self.0.borrow().as_ref().expect("shared task not set"))
    }

    /// [`Task::cancel`].
    pub fn cancel(&self) -> bool {
        self.with(Task::cancel)
    }

    /// [`Task::is_done`].
    pub fn is_done(&self) -> bool {
        self.with(Task::is_done)
    }

    /// [`Task::is_cancelled`].
    pub fn is_cancelled(&self) -> bool {
        self.with(Task::is_cancelled)
    }

    /// `await task`: waits for the task's result.
    pub fn join(&self) -> baton::Join<T> {
        self.0.borrow_mut().as_mut().expect("shared task not set").into_future()
    }
}

// ---------------------------------------------------------------------------
// The judge's traces
// ---------------------------------------------------------------------------

/// Compares `trace` with the judge's trace of `tests/asyncio/<name>.py`
/// (`tests/asyncio/<name>.jsonl`, embedded at compile time so the tests need
/// no files or processes at run time, and run under Miri).
#[macro_export]
macro_rules! judge {
    ($name:literal, $trace:expr) => {
        $crate::common::assert_trace(&$trace, include_str!(concat!("asyncio/", $name, ".jsonl")), $name)
    };
}

/// Asserts that `trace` equals the `print` events of `jsonl` (a cpboard.py
/// trace): same texts, same order, same microseconds.
#[track_caller]
pub fn assert_trace(trace: &[Line], jsonl: &str, name: &str) {
    let expected = parse_prints(jsonl);
    if trace == expected.as_slice() {
        return;
    }
    let show = |l: Option<&Line>| l.map_or_else(|| "-".to_string(), |(t, s)| format!("{t:>9} {s}"));
    let mut report = String::new();
    for i in 0..trace.len().max(expected.len()) {
        let (got, want) = (trace.get(i), expected.get(i));
        let mark = if got == want { "   " } else { "!! " };
        report.push_str(&format!("{mark}{:<50} | {}\n", show(got), show(want)));
    }
    panic!(
        "the trace of {name} differs from the judge's (tests/asyncio/{name}.jsonl):\n   {:<50} | judge\n{report}",
        "baton"
    );
}

/// The `print` events of a cpboard.py trace, as (t_us, text).
pub fn parse_prints(jsonl: &str) -> Vec<Line> {
    let mut out = Vec::new();
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let fields = parse_object(line).unwrap_or_else(|e| panic!("bad trace line {line:?}: {e}"));
        let get = |k: &str| fields.iter().find(|(key, _)| key == k).map(|(_, v)| v);
        match get("kind") {
            Some(Json::Str(kind)) if kind == "print" => {}
            _ => continue,
        }
        let (Some(Json::Num(t)), Some(Json::Str(text))) = (get("t_us"), get("text")) else {
            panic!("print event without t_us and text: {line:?}");
        };
        out.push((*t, text.clone()));
    }
    out
}

enum Json {
    Num(u64),
    Str(String),
    Other,
}

/// A flat JSON object of numbers, strings and other scalars (what
/// cpboard.py's `json.dumps` writes for a print event).
fn parse_object(s: &str) -> Result<Vec<(String, Json)>, String> {
    let mut p = Parser { s: s.as_bytes(), i: 0 };
    let mut fields = Vec::new();
    p.expect(b'{')?;
    if p.peek() == Some(b'}') {
        return Ok(fields);
    }
    loop {
        let key = p.string()?;
        p.expect(b':')?;
        let value = match p.peek() {
            Some(b'"') => Json::Str(p.string()?),
            Some(b'0'..=b'9') => Json::Num(p.number()?),
            _ => {
                p.scalar();
                Json::Other
            }
        };
        fields.push((key, value));
        match p.next_non_ws() {
            Some(b',') => {}
            Some(b'}') => return Ok(fields),
            other => return Err(format!("expected , or }} at {}, got {other:?}", p.i)),
        }
    }
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.s.get(self.i).copied()
    }

    fn next_non_ws(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        match self.next_non_ws() {
            Some(x) if x == c => Ok(()),
            other => Err(format!("expected {:?} at {}, got {other:?}", c as char, self.i)),
        }
    }

    fn number(&mut self) -> Result<u64, String> {
        self.skip_ws();
        let start = self.i;
        while self.s.get(self.i).is_some_and(u8::is_ascii_digit) {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i]).unwrap().parse().map_err(|e| format!("{e}"))
    }

    /// Skips a value this parser does not need (true, false, null, a float).
    fn scalar(&mut self) {
        while self.s.get(self.i).is_some_and(|c| !matches!(c, b',' | b'}')) {
            self.i += 1;
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let h = self.s.get(self.i..self.i + 4).ok_or("short \\u escape")?;
        self.i += 4;
        u32::from_str_radix(std::str::from_utf8(h).map_err(|e| e.to_string())?, 16).map_err(|e| e.to_string())
    }

    fn string(&mut self) -> Result<String, String> {
        self.expect(b'"')?;
        let mut out = String::new();
        loop {
            let c = *self.s.get(self.i).ok_or("unterminated string")?;
            self.i += 1;
            match c {
                b'"' => return Ok(out),
                b'\\' => {
                    let e = *self.s.get(self.i).ok_or("unterminated escape")?;
                    self.i += 1;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xD800..0xDC00).contains(&cp) && self.s.get(self.i..self.i + 2) == Some(b"\\u") {
                                self.i += 2;
                                let lo = self.hex4()?;
                                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                            }
                            out.push(char::from_u32(cp).ok_or("bad \\u escape")?);
                        }
                        other => return Err(format!("bad escape \\{}", other as char)),
                    }
                }
                _ => {
                    // Copy a run of plain bytes (UTF-8 passes through).
                    let start = self.i - 1;
                    while self.s.get(self.i).is_some_and(|&b| b != b'"' && b != b'\\') {
                        self.i += 1;
                    }
                    out.push_str(std::str::from_utf8(&self.s[start..self.i]).map_err(|e| e.to_string())?);
                }
            }
        }
    }
}

/// A unit result as Python sees it: `None`.
pub fn none(r: Result<(), TaskError>) -> Result<&'static str, TaskError> {
    r.map(|()| "None")
}
