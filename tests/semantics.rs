//! Scheduler semantics against the judge: each program of
//! `tests/oracle/programs/` (CircuitPython, asyncio and `print` only, one per
//! rule of the library's scheduling) is written again here with Baton's API,
//! run on a [`baton::Executor`] over a [`ManualClock`] that charges the poll
//! cost before each poll (the timing model of `docs/SIMULATOR.md`), and its
//! prints must equal, to the microsecond, those of `cpboard.py` running the
//! Python program at the same cost (7, 10 and 25 µs), as exact.py judges.
//!
//! Python's `except CancelledError: print(...); raise` is a drop guard here
//! ([`OnCancel`]): Baton cancels a task by dropping its future at the task's
//! next turn, which costs one poll, as the library's `throw` does.
//!
//! `tests/oracle/programs/expected/` holds cpboard's traces of the programs,
//! to read and review; [`expected_traces_are_the_judges`] checks they are
//! current (rerun `tests/oracle/programs/make_expected.sh` after a change).

use baton::{
    create_task, gather, sleep, wait_for, yield_now, Clock, Duration, Event, Executor, Lock, ManualClock, Task,
    TaskError,
};
use baton_tests::{cpboard, exact, oracle_dir, print_trace, POLL_COSTS};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

/// Virtual time each run may take at most (every program ends far sooner).
const FOR_MS: u64 = 1000;

/// The program's console: `print` lines with the time they were printed.
struct Console {
    clock: Rc<ManualClock>,
    lines: RefCell<Vec<(u64, String)>>,
}

type Out = Rc<Console>;

impl Console {
    fn print(&self, text: impl Into<String>) {
        self.lines.borrow_mut().push((self.clock.now().as_micros(), text.into()));
    }
}

/// Prints `text` when dropped unless disarmed: `except CancelledError:
/// print(text); raise`.
struct OnCancel {
    out: Out,
    text: String,
    armed: bool,
}

impl OnCancel {
    fn new(out: &Out, text: impl Into<String>) -> Self {
        OnCancel { out: out.clone(), text: text.into(), armed: true }
    }

    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for OnCancel {
    fn drop(&mut self) {
        if self.armed {
            self.out.print(std::mem::take(&mut self.text));
        }
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Python's `str(bool)`.
fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// Runs `program` as the main task at `cost` µs per poll, as the brief's host
/// loop does; the prints.
fn run<F, Fut>(program: F, cost: u64) -> Vec<(u64, String)>
where
    F: FnOnce(Out) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    let end_us = FOR_MS * 1000;
    let clock = Rc::new(ManualClock::new());
    let console = Rc::new(Console { clock: clock.clone(), lines: RefCell::new(Vec::new()) });
    let exec = Executor::new(clock.clone());
    let main = exec.spawn(program(console.clone()));
    loop {
        if main.is_done() || clock.now().as_micros() > end_us {
            break;
        }
        if exec.poll_one_with(|_| clock.advance_micros(cost)).is_none() {
            match exec.next_deadline() {
                Some(t) if t.as_micros() <= end_us => clock.advance_to(t),
                _ => break,
            }
        }
    }
    // Taken before the executor drops the tasks left (their guards would print).
    let lines = console.lines.borrow().clone();
    drop(exec);
    lines
}

/// Compares the Rust `program` with `tests/oracle/programs/<name>.py` at every
/// poll cost; one panic naming each cost that differs.
fn agrees<F, Fut>(name: &str, program: F)
where
    F: Fn(Out) -> Fut,
    Fut: Future<Output = ()> + 'static,
{
    let path = oracle_dir().join("programs").join(format!("{name}.py"));
    let failures: Vec<String> = POLL_COSTS
        .iter()
        .filter_map(|&cost| {
            let judge = cpboard(&path, FOR_MS, cost, None);
            let baton = print_trace(&run(&program, cost));
            exact(&format!("semantics-{name}-cost{cost}"), &judge, &baton, Some(FOR_MS * 1000))
                .err()
                .map(|r| format!("poll cost {cost} µs: {r}"))
        })
        .collect();
    assert!(failures.is_empty(), "{name}.py: Baton differs from the judge:\n{}", failures.join("\n"));
}

const PROGRAMS: [&str; 8] = [
    "ties",
    "busy_poller",
    "cancel_sleeping",
    "wait_for",
    "event_many",
    "lock_handoff",
    "gather_values",
    "cancel_awaiting",
];

// ---------------------------------------------------------------- (a) ties

async fn tie_sleeper(out: Out, name: &'static str, first_ms: u64) {
    out.print(format!("{name} sleeps"));
    if first_ms > 0 {
        sleep(ms(first_ms)).await;
        out.print(format!("{name} sleeps again"));
        sleep(ms(19)).await;
    } else {
        sleep(ms(20)).await;
    }
    out.print(format!("{name} woke"));
    yield_now().await;
    out.print(format!("{name} again"));
}

async fn quick(out: Out, name: &'static str) {
    out.print(format!("{name} runs"));
    yield_now().await;
    out.print(format!("{name} again"));
}

async fn ties(out: Out) {
    let a = create_task(tie_sleeper(out.clone(), "a", 0));
    let b = create_task(tie_sleeper(out.clone(), "b", 1));
    let c = create_task(tie_sleeper(out.clone(), "c", 0));
    sleep(ms(20)).await;
    out.print("main woke");
    let d = create_task(quick(out.clone(), "d"));
    let e = create_task(quick(out.clone(), "e"));
    let _ = gather((a, b, c, d, e)).await;
    out.print("done");
}

#[test]
fn ties_run_in_queue_order_by_millisecond() {
    agrees("ties", ties);
}

// ---------------------------------------------------------------- (b) a busy poller against a timer

#[derive(Default)]
struct PollState {
    ticks: Cell<u32>,
    stop: Cell<bool>,
}

async fn poller(out: Out, state: Rc<PollState>) {
    let mut polls = 0u32;
    let mut seen = 0;
    loop {
        polls += 1;
        if state.ticks.get() != seen {
            seen = state.ticks.get();
            out.print(format!("poller saw tick {seen} after {polls} polls"));
        }
        if state.stop.get() {
            break;
        }
        yield_now().await;
    }
    out.print(format!("poller stops after {polls} polls"));
}

async fn ticker(out: Out, state: Rc<PollState>) {
    for _ in 0..5 {
        sleep(ms(5)).await;
        state.ticks.set(state.ticks.get() + 1);
        out.print(format!("tick {}", state.ticks.get()));
    }
    state.stop.set(true);
}

async fn busy_poller(out: Out) {
    let state = Rc::new(PollState::default());
    let p = create_task(poller(out.clone(), state.clone()));
    let t = create_task(ticker(out.clone(), state));
    let _ = gather((p, t)).await;
    out.print("done");
}

#[test]
fn a_busy_poller_leaves_the_timer_its_turn() {
    agrees("busy_poller", busy_poller);
}

// ---------------------------------------------------------------- (c) cancel a sleeping task

async fn cancel_sleeper(out: Out) {
    let guard = OnCancel::new(&out, "sleeper cancelled");
    out.print("sleeper sleeps");
    sleep(ms(1000)).await;
    out.print("sleeper woke");
    guard.disarm();
}

fn report_await(out: &Out, who: &str, r: Result<(), TaskError>) {
    match r {
        Ok(()) => out.print(format!("{who} got a result")),
        Err(TaskError::Cancelled) => out.print(format!("{who} got CancelledError")),
        Err(e) => out.print(format!("{who} got {e}")),
    }
}

async fn cancel_sleeping(out: Out) {
    let mut t = create_task(cancel_sleeper(out.clone()));
    sleep(ms(10)).await;
    out.print(format!("cancel returns {}", py_bool(t.cancel())));
    let r = (&mut t).await;
    report_await(&out, "main", r);
    out.print(format!("cancel again returns {}", py_bool(t.cancel())));
    out.print("done");
}

#[test]
fn cancelling_a_sleeping_task() {
    agrees("cancel_sleeping", cancel_sleeping);
}

// ---------------------------------------------------------------- (d) wait_for

async fn work(out: Out, name: &'static str, millis: u64, value: i32) -> i32 {
    let guard = OnCancel::new(&out, format!("{name} cancelled"));
    out.print(format!("{name} starts"));
    sleep(ms(millis)).await;
    out.print(format!("{name} finishes"));
    guard.disarm();
    value
}

async fn wait_for_program(out: Out) {
    match wait_for(work(out.clone(), "slow", 50, 1), ms(20)).await {
        Ok(r) => out.print(format!("slow returned {r}")),
        Err(_) => out.print("slow timed out"),
    }
    match wait_for(work(out.clone(), "fast", 10, 2), ms(20)).await {
        Ok(r) => out.print(format!("fast returned {r}")),
        Err(_) => out.print("fast timed out"),
    }
    out.print("done");
}

#[test]
fn wait_for_times_out_or_returns() {
    agrees("wait_for", wait_for_program);
}

// ---------------------------------------------------------------- (e) an Event wakes many

async fn waiter(out: Out, name: &'static str, ev: Rc<Event>, delay_ms: u64) {
    if delay_ms > 0 {
        sleep(ms(delay_ms)).await;
    }
    out.print(format!("{name} waits"));
    ev.wait().await;
    out.print(format!("{name} woke"));
}

async fn setter(out: Out, ev: Rc<Event>) {
    sleep(ms(10)).await;
    out.print("setter sets");
    ev.set();
    out.print("setter set");
    yield_now().await;
    out.print("setter again");
}

async fn event_many(out: Out) {
    let ev = Rc::new(Event::new());
    let w0 = create_task(waiter(out.clone(), "w0", ev.clone(), 0));
    let w1 = create_task(waiter(out.clone(), "w1", ev.clone(), 0));
    let w2 = create_task(waiter(out.clone(), "w2", ev.clone(), 2));
    let w3 = create_task(waiter(out.clone(), "w3", ev.clone(), 0));
    let s = create_task(setter(out.clone(), ev));
    let _ = gather((w0, w1, w2, w3, s)).await;
    out.print("done");
}

#[test]
fn an_event_wakes_its_waiters_in_order() {
    agrees("event_many", event_many);
}

// ---------------------------------------------------------------- (f) a Lock handed over

async fn worker(out: Out, name: &'static str, lock: Rc<Lock>) {
    for round in 0..2 {
        out.print(format!("{name} wants {round}"));
        let guard = lock.acquire().await;
        out.print(format!("{name} holds {round}"));
        sleep(ms(5)).await;
        out.print(format!("{name} releases {round}"));
        drop(guard);
        out.print(format!("{name} out {round}"));
    }
}

async fn lock_handoff(out: Out) {
    let lock = Rc::new(Lock::new());
    let t1 = create_task(worker(out.clone(), "t1", lock.clone()));
    let t2 = create_task(worker(out.clone(), "t2", lock.clone()));
    let t3 = create_task(worker(out.clone(), "t3", lock));
    let _ = gather((t1, t2, t3)).await;
    out.print("done");
}

#[test]
fn a_lock_is_handed_to_the_next_waiter() {
    agrees("lock_handoff", lock_handoff);
}

// ---------------------------------------------------------------- (g) gather of tasks' values

async fn value_after(out: Out, name: &'static str, millis: u64, value: i32) -> i32 {
    out.print(format!("{name} starts"));
    if millis > 0 {
        sleep(ms(millis)).await;
    }
    out.print(format!("{name} returns {value}"));
    value
}

fn py_value(r: Result<i32, TaskError>) -> String {
    match r {
        Ok(v) => v.to_string(),
        Err(e) => format!("<{e}>"),
    }
}

async fn gather_values(out: Out) {
    let t0 = create_task(value_after(out.clone(), "t0", 0, 0));
    let t1 = create_task(value_after(out.clone(), "t1", 30, 10));
    let t2 = create_task(value_after(out.clone(), "t2", 10, 20));
    let t3 = create_task(value_after(out.clone(), "t3", 20, 30));
    sleep(ms(1)).await;
    let (r0, r1, r2, r3) = gather((t0, t1, t2, t3)).await;
    out.print(format!("gathered [{}, {}, {}, {}]", py_value(r0), py_value(r1), py_value(r2), py_value(r3)));
    out.print("done");
}

#[test]
fn gather_returns_values_in_the_order_given() {
    agrees("gather_values", gather_values);
}

// ---------------------------------------------------------------- (h) cancel a task awaiting a task

/// Sets its flag when dropped: the inner task's future is dropped when the
/// task ends (returns or is cancelled), which is what `i.done()` reports.
struct SetOnDrop(Rc<Cell<bool>>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

async fn inner(out: Out, done: Rc<Cell<bool>>) {
    let _done = SetOnDrop(done);
    let guard = OnCancel::new(&out, "inner cancelled");
    out.print("inner sleeps");
    sleep(ms(1000)).await;
    out.print("inner woke");
    guard.disarm();
}

/// Awaits `t`; the library forwards a cancel of this task to `t`, and this
/// task gets the CancelledError from its await and re-raises it: either way
/// (dropped while awaiting, or told `Err(Cancelled)` and returning it) the
/// guard prints at the turn the library's `outer` re-raises.
async fn outer(out: Out, t: Task<()>) -> Result<(), TaskError> {
    let guard = OnCancel::new(&out, "outer cancelled");
    out.print("outer awaits inner");
    t.await?;
    out.print("outer got a result");
    guard.disarm();
    Ok(())
}

async fn cancel_awaiting(out: Out) {
    let inner_done = Rc::new(Cell::new(false));
    let i = create_task(inner(out.clone(), inner_done.clone()));
    let mut o = create_task(outer(out.clone(), i));
    sleep(ms(10)).await;
    out.print(format!("cancel outer returns {}", py_bool(o.cancel())));
    let r = (&mut o).await.and_then(|r| r);
    report_await(&out, "main", r);
    out.print(format!("inner done {}", py_bool(inner_done.get())));
    out.print("done");
}

#[test]
fn cancelling_a_task_forwards_to_the_task_it_awaits() {
    agrees("cancel_awaiting", cancel_awaiting);
}

// ---------------------------------------------------------------- the expected traces

/// The checked-in traces of `tests/oracle/programs/expected/` are what the
/// judge prints today (and every program ends by printing "done").
#[test]
fn expected_traces_are_the_judges() {
    let dir = oracle_dir().join("programs");
    let mut stale = Vec::new();
    for name in PROGRAMS {
        for cost in POLL_COSTS {
            let judge = cpboard(&dir.join(format!("{name}.py")), FOR_MS, cost, None);
            assert!(judge.trim_end().ends_with("\"text\": \"done\"}"), "{name}.py at {cost} µs does not end with done");
            let path = dir.join("expected").join(format!("{name}.cost{cost}.jsonl"));
            match std::fs::read_to_string(&path) {
                Ok(text) if text == judge => {}
                _ => stale.push(path.display().to_string()),
            }
        }
    }
    assert!(stale.is_empty(), "stale (rerun tests/oracle/programs/make_expected.sh): {stale:?}");
}

#[test]
fn the_library_run_queue_is_a_stable_priority_queue() {
    // Baton's run queue is a port of the library's pairing heap, and its unit
    // tests check the port against a model: a priority queue ordered by
    // (tick, push order). This checks the model against the library itself
    // (and that its wait lists are first in, first out).
    let out = std::process::Command::new("python3")
        .arg(baton_tests::oracle_dir().join("heap_model.py"))
        .arg("--cp-asyncio")
        .arg(baton_tests::cp_asyncio_dir())
        .output()
        .expect("python3 runs");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.starts_with("model holds"),
        "{report}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
