//! Property tests of the scheduler: random programs of 1–7 tasks, each a
//! random list of operations on a shared `Event` and `Queue` (sleep 0–49 ms,
//! the same gathered with yields, yield, set, wait, put, get), run on a
//! manual clock that may also charge a random cost before each poll.
//!
//! Properties:
//! - (a) no sleep ends early: a task that sleeps `k` ms from tick `t` (1 ms
//!   ticks) resumes no sooner than the start of tick `t + k` — up to one tick
//!   early in microseconds, as on CircuitPython — and with free polls exactly
//!   then;
//! - (b) no lost wake-up: when the executor goes quiet, every unfinished task
//!   waits for something that really isn't there (event clear, queue empty,
//!   queue full); and programs whose waits can all be satisfied finish, within
//!   a bounded number of polls;
//! - (c) determinism: the same program runs the same way twice;
//! - (d) timers: tasks resume from their sleeps in the order of the ticks
//!   they wake at, ties in the order they set their timers. That is the order
//!   of the library's pairing heap: pushed keys are never below the last
//!   popped one (a task is pushed at the current tick or later, and popped
//!   only when due), and under that condition `TaskQueue` in
//!   Adafruit_CircuitPython_asyncio's `task.py` pops by (key, push order) —
//!   checked with random pushes, pops and removals against the library's own
//!   heap — and `timers_tie_order` in asyncio_port.rs checks the same
//!   through the library's run loop.

mod common;

use baton::{gather, now, sleep, yield_now, Event, Executor, ManualClock, Queue, TaskError};
use common::ms;

/// The executor's tick (the default, 1 ms), in µs.
const TICK_US: u64 = 1000;
use proptest::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// `sleep(k ms)`.
    Sleep(u64),
    /// `sleep(k ms)` gathered with three `yield_now()`s (each becomes a task
    /// of its own): the sleep ends among busy tasks.
    SleepSpin(u64),
    /// `yield_now()`.
    Yield,
    /// `event.set()`.
    Set,
    /// `event.wait()`.
    Wait,
    /// `queue.put(item)`.
    Put,
    /// `queue.get()`.
    Get,
}

#[derive(Clone, Debug)]
struct Program {
    tasks: Vec<Vec<Op>>,
    /// 0: unbounded.
    queue_cap: usize,
    poll_cost_us: u64,
}

impl Program {
    fn total_ops(&self) -> usize {
        self.tasks.iter().map(Vec::len).sum()
    }

    /// The most polls the program may take. Each task is polled once to
    /// start and once per suspension; a put or get suspends again only when
    /// another task took the slot or item it was released for, which needs
    /// an operation of that other task.
    fn poll_bound(&self) -> u64 {
        let spins = self.tasks.iter().flatten().filter(|o| matches!(o, Op::SleepSpin(_))).count();
        let n = (self.tasks.len() + self.total_ops() + 4 * spins) as u64;
        4 * n + 16
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u64..50).prop_map(Op::Sleep),
        1 => (0u64..50).prop_map(Op::SleepSpin),
        2 => Just(Op::Yield),
        1 => Just(Op::Set),
        1 => Just(Op::Wait),
        1 => Just(Op::Put),
        1 => Just(Op::Get),
    ]
}

fn program() -> impl Strategy<Value = Program> {
    (prop::collection::vec(prop::collection::vec(op(), 0..12), 1..8), 0usize..4, prop_oneof![Just(0u64), 1u64..700])
        .prop_map(|(tasks, queue_cap, poll_cost_us)| Program { tasks, queue_cap, poll_cost_us })
}

/// Rewrites `p` so that all its waits can be satisfied:
/// - the queue is unbounded, so puts never wait;
/// - within each task, gets come after the task's last put, and there are at
///   least as many puts as gets (extra puts at the start of task 0): a task
///   stuck in `get` has done all its puts, so if every unfinished task were
///   stuck, all puts would have been consumed by fewer gets than there are;
/// - task 0 sets the event before its first wait or get (at `set_at` or
///   earlier), and nothing clears it.
fn satisfiable(mut p: Program, set_at: usize) -> Program {
    p.queue_cap = 0;
    for ops in &mut p.tasks {
        if let Some(last_put) = ops.iter().rposition(|&o| o == Op::Put) {
            let early_gets = ops[..last_put].iter().filter(|&&o| o == Op::Get).count();
            let mut rest: Vec<Op> = ops[..=last_put].iter().copied().filter(|&o| o != Op::Get).collect();
            rest.extend(std::iter::repeat_n(Op::Get, early_gets));
            rest.extend_from_slice(&ops[last_put + 1..]);
            *ops = rest;
        }
    }
    let count = |op: Op| p.tasks.iter().flatten().filter(|&&o| o == op).count();
    let missing = count(Op::Get).saturating_sub(count(Op::Put));
    let t0 = &mut p.tasks[0];
    t0.splice(0..0, std::iter::repeat_n(Op::Put, missing));
    let first_block = t0.iter().position(|&o| o == Op::Wait || o == Op::Get).unwrap_or(t0.len());
    t0.insert(set_at.min(first_block), Op::Set);
    p
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Blocked {
    Wait,
    Put,
    Get,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct SleepRecord {
    task: usize,
    /// A `SleepSpin`: the sleep runs in a task of its own that starts a turn
    /// later, so it is left out of the exact checks.
    spin: bool,
    d_us: u64,
    start: u64,
    /// The start of the tick the sleep ends at: `(start_tick + k) * 1 ms`.
    deadline: u64,
    end: u64,
    /// Order in which the timer was set, and in which the sleep returned,
    /// among all events of the run.
    set_seq: u64,
    resume_seq: u64,
}

struct World {
    trace: RefCell<Vec<String>>,
    ev: Event,
    q: Queue<u32>,
    seq: Cell<u64>,
    sleeps: RefCell<Vec<SleepRecord>>,
    blocked: RefCell<Vec<Option<Blocked>>>,
}

impl World {
    fn tick(&self) -> u64 {
        let s = self.seq.get();
        self.seq.set(s + 1);
        s
    }

    fn log(&self, msg: String) {
        self.trace.borrow_mut().push(msg);
    }

    fn block(&self, id: usize, b: Option<Blocked>) {
        self.blocked.borrow_mut()[id] = b;
    }
}

async fn task_body(w: Rc<World>, id: usize, ops: Vec<Op>) {
    for (i, op) in ops.into_iter().enumerate() {
        match op {
            Op::Sleep(k) | Op::SleepSpin(k) => {
                let d = ms(k);
                let start = now();
                let set_seq = w.tick();
                let spin = matches!(op, Op::SleepSpin(_));
                if spin {
                    let yields = async {
                        for _ in 0..3 {
                            yield_now().await;
                        }
                    };
                    let _ = gather((sleep(d), yields)).await;
                } else {
                    sleep(d).await;
                }
                let end = now();
                let resume_seq = w.tick();
                w.sleeps.borrow_mut().push(SleepRecord {
                    task: id,
                    spin,
                    d_us: k * 1000,
                    start: start.as_micros(),
                    deadline: (start.as_micros() / TICK_US + k) * TICK_US,
                    end: end.as_micros(),
                    set_seq,
                    resume_seq,
                });
            }
            Op::Yield => yield_now().await,
            Op::Set => w.ev.set(),
            Op::Wait => {
                w.block(id, Some(Blocked::Wait));
                w.ev.wait().await;
                w.block(id, None);
            }
            Op::Put => {
                w.block(id, Some(Blocked::Put));
                w.q.put((id * 100 + i) as u32).await;
                w.block(id, None);
            }
            Op::Get => {
                w.block(id, Some(Blocked::Get));
                let v = w.q.get().await;
                w.block(id, None);
                w.log(format!("task {id} got {v}"));
            }
        }
        w.tick();
        w.log(format!("t={} task {id} op {i} {op:?}", now().as_micros()));
    }
}

#[derive(Debug, PartialEq)]
struct Outcome {
    trace: Vec<String>,
    sleeps: Vec<SleepRecord>,
    /// Per task: `Some(result)` if it finished.
    results: Vec<Option<Result<(), TaskError>>>,
    /// Per unfinished task: what it waits for.
    blocked: Vec<Option<Blocked>>,
    polls: u64,
    livelock: bool,
    end_us: u64,
    event_set: bool,
    queue_len: usize,
    queue_full: bool,
}

fn execute(p: &Program) -> Outcome {
    let clock = Rc::new(ManualClock::new());
    let exec = Executor::new(clock.clone());
    let w = Rc::new(World {
        trace: RefCell::default(),
        ev: Event::new(),
        q: Queue::bounded(p.queue_cap),
        seq: Cell::new(0),
        sleeps: RefCell::default(),
        blocked: RefCell::new(vec![None; p.tasks.len()]),
    });
    let mut handles: Vec<_> = p
        .tasks
        .iter()
        .enumerate()
        .map(|(id, ops)| exec.spawn_named(format!("t{id}"), task_body(w.clone(), id, ops.clone())))
        .collect();
    let (mut polls, mut livelock) = (0, false);
    loop {
        if exec.poll_one_with(|_| clock.advance_micros(p.poll_cost_us)).is_some() {
            polls += 1;
            if polls > p.poll_bound() {
                livelock = true;
                break;
            }
        } else if let Some(deadline) = exec.next_deadline() {
            clock.advance_to(deadline);
        } else {
            break;
        }
    }
    let results: Vec<_> = handles.iter_mut().map(|t| t.try_result()).collect();
    let blocked = w.blocked.borrow().clone();
    let outcome = Outcome {
        trace: w.trace.borrow().clone(),
        sleeps: w.sleeps.borrow().clone(),
        results,
        blocked,
        polls,
        livelock,
        end_us: exec.now().as_micros(),
        event_set: w.ev.is_set(),
        queue_len: w.q.qsize(),
        queue_full: w.q.full(),
    };
    drop(exec);
    outcome
}

/// Checks (a), (b: quiescence), (d) on one run; returns the run.
fn check_run(p: &Program) -> Result<Outcome, TestCaseError> {
    let out = execute(p);
    prop_assert!(!out.livelock, "more than {} polls", p.poll_bound());
    for r in out.results.iter().flatten() {
        prop_assert_eq!(r, &Ok(()), "a task failed");
    }

    // (a) Sleeps never end before the start of their tick (so at most one
    // tick early in µs); with free polls they end exactly then.
    for s in &out.sleeps {
        prop_assert!(s.end >= s.deadline, "sleep ended before its tick: {:?}", s);
        prop_assert!(s.end + TICK_US > s.start + s.d_us, "sleep ended more than a tick early: {:?}", s);
        if p.poll_cost_us == 0 && !s.spin {
            prop_assert_eq!(s.end, s.deadline, "free polls: sleeps end at the start of their tick");
        }
    }

    // (b) No lost wake-up: nothing is ready and no timer is set, so every
    // unfinished task must wait for something that is really not there.
    for (id, (result, blocked)) in out.results.iter().zip(&out.blocked).enumerate() {
        if result.is_some() {
            continue;
        }
        match blocked {
            Some(Blocked::Wait) => prop_assert!(!out.event_set, "task {} waits on a set event", id),
            Some(Blocked::Get) => prop_assert_eq!(out.queue_len, 0, "task {} waits on a non-empty queue", id),
            Some(Blocked::Put) => prop_assert!(out.queue_full, "task {} waits to put into a queue with room", id),
            None => prop_assert!(false, "task {} neither finished nor waits for anything", id),
        }
    }

    // (d) Timer order: tasks resume from their (non-zero) sleeps in the
    // order of their ticks, ties in the order the timers were set.
    let mut timed: Vec<&SleepRecord> = out.sleeps.iter().filter(|s| s.d_us > 0 && !s.spin).collect();
    timed.sort_by_key(|s| s.resume_seq);
    for pair in timed.windows(2) {
        prop_assert!(
            (pair[0].deadline, pair[0].set_seq) < (pair[1].deadline, pair[1].set_seq),
            "resumed out of timer order: {:?} before {:?}",
            pair[0],
            pair[1]
        );
    }
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// (a), (b) quiescence, (c), (d) on arbitrary programs (which may
    /// deadlock: a wait nobody satisfies is fine, a lost wake-up is not).
    #[test]
    fn arbitrary_programs(p in program()) {
        let first = check_run(&p)?;
        // (c) Determinism.
        let second = execute(&p);
        prop_assert_eq!(&first, &second);
    }

    /// (b) Programs whose waits can all be satisfied run to the end.
    #[test]
    fn satisfiable_programs_finish(p in program(), set_at in 0usize..12) {
        let p = satisfiable(p, set_at);
        let out = check_run(&p)?;
        prop_assert!(out.results.iter().all(|r| r == &Some(Ok(()))), "unfinished: {:?}", out.blocked);
        prop_assert!(out.polls <= p.poll_bound());
        // Every item put was taken or is still in the queue.
        let puts = p.tasks.iter().flatten().filter(|&&o| o == Op::Put).count();
        let gets = p.tasks.iter().flatten().filter(|&&o| o == Op::Get).count();
        prop_assert_eq!(out.queue_len, puts - gets);
    }

    /// (d) focused: many tasks sleeping for few distinct durations, so that
    /// many timers end in the same tick; they must resume in the order of
    /// their ticks, ties in the order they set their timers. The order of
    /// "woke" lines is checked whole.
    #[test]
    fn equal_deadlines_resume_in_timer_order(
        sleeps in prop::collection::vec((0usize..4, 1u64..4), 1..8),
        poll_cost_us in prop_oneof![Just(0u64), 1u64..3000],
    ) {
        let clock = Rc::new(ManualClock::new());
        let exec = Executor::new(clock.clone());
        let woke = Rc::new(RefCell::new(Vec::new()));
        let set_seq = Rc::new(Cell::new(0u64));
        for (id, &(yields, k)) in sleeps.iter().enumerate() {
            let (woke, set_seq) = (woke.clone(), set_seq.clone());
            exec.spawn(async move {
                for _ in 0..yields {
                    yield_now().await;
                }
                let tick = now().as_micros() / TICK_US + k;
                let seq = set_seq.get();
                set_seq.set(seq + 1);
                sleep(ms(k)).await;
                woke.borrow_mut().push((tick, seq, id));
            });
        }
        let mut polls = 0;
        while exec.has_work() {
            if exec.poll_one_with(|_| clock.advance_micros(poll_cost_us)).is_some() {
                polls += 1;
                prop_assert!(polls < 1000);
            } else {
                clock.advance_to(exec.next_deadline().unwrap());
            }
        }
        let woke = woke.borrow();
        let mut expected = woke.clone();
        // The tick first, then the order the timers were set in.
        expected.sort_by_key(|&(tick, seq, _)| (tick, seq));
        prop_assert_eq!(&*woke, &expected);
    }
}

/// A hand-written case of the satisfiable construction, to pin down what it
/// produces.
#[test]
fn satisfiable_rewrites_as_documented() {
    let p = Program {
        tasks: vec![vec![Op::Get, Op::Wait, Op::Put, Op::Sleep(3)], vec![Op::Get, Op::Get, Op::Wait]],
        queue_cap: 2,
        poll_cost_us: 0,
    };
    let s = satisfiable(p, 5);
    assert_eq!(s.queue_cap, 0);
    assert_eq!(
        s.tasks,
        [vec![Op::Put, Op::Put, Op::Set, Op::Wait, Op::Put, Op::Get, Op::Sleep(3)], vec![Op::Get, Op::Get, Op::Wait],]
    );
    let out = execute(&s);
    assert!(out.results.iter().all(|r| r == &Some(Ok(()))));
}
