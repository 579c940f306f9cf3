//! MicroPython's asyncio test suite (`tests/extmod/asyncio_*.py`), ported to
//! Baton, plus the scheduling rules Baton documents.
//!
//! Each test runs a program on a virtual clock and compares the whole trace
//! of events (order and virtual time in µs) with one `assert_eq!`. Where the
//! original's `.exp` file (or CPython's output) differs, the comment says why:
//! the differences are Baton's documented design, not accidents:
//!
//! - cancellation is deferred to the task's next turn, and then the task's
//!   future is *dropped*: it cannot catch the cancellation and carry on;
//!   destructors are its `finally:` (see `Trace::on_drop`);
//! - awaiting a cancelled task gives `Err(TaskError::Cancelled)`, a panic in
//!   a task gives `Err(TaskError::Panicked(msg))` (on std), so `gather`
//!   reports every outcome, like `return_exceptions=True`;
//! - dropping a `Task` handle detaches the task (it keeps running), so
//!   cancelling a task that awaits another does not cancel the other.

mod common;

use baton::{
    call_at, create_task, create_task_named, current_task, gather, now, sleep, sleep_until, wait_for, yield_now,
    Duration, Event, Executor, Instant, Lock, ManualClock, PollEvent, Queue, QueueEmpty, QueueFull, Task, TaskError,
    TaskInfo, TaskState, ThreadSafeFlag, TimeoutError,
};
use common::{fail, ms, run, run_value, secs, CancelOnDrop, Shared, Sim, Trace};
use std::cell::Cell;
use std::rc::{Rc, Weak};
use std::sync::Arc;

fn panicked(msg: &str) -> TaskError {
    TaskError::Panicked(msg.into())
}

// ---------------------------------------------------------------------------
// asyncio_basic.py, asyncio_basic2.py, asyncio_get_event_loop.py,
// asyncio_loop_stop.py
// ---------------------------------------------------------------------------

async fn delay_print(tr: Trace, d: Duration, s: &'static str) {
    sleep(d).await;
    tr.at(s);
}

#[test]
fn basic_sleeps_take_exactly_their_time() {
    let trace = run(|tr| async move {
        tr.at("start");
        sleep(ms(1)).await;
        tr.at("after sleep");
        let t0 = now();
        delay_print(tr.clone(), ms(200), "short").await;
        let t1 = now();
        delay_print(tr.clone(), ms(400), "long").await;
        let t2 = now();
        // `asyncio.sleep(-1)`: a Duration can't be negative; a deadline in
        // the past is the same thing, a plain yield.
        sleep_until(Instant::ZERO).await;
        tr.at("negative");
        let t3 = now();
        tr.log(format!("took {} {} {}", (t1 - t0).as_millis(), (t2 - t1).as_millis(), (t3 - t2).as_millis()));
    });
    assert_eq!(
        trace,
        ["start t=0", "after sleep t=1000", "short t=201000", "long t=601000", "negative t=601000", "took 200 400 0"]
    );
}

async fn forever(tr: Trace) {
    tr.at("forever start");
    let _finally = tr.on_drop_at("forever dropped");
    sleep(secs(10)).await;
    tr.at("forever end (never)");
}

/// asyncio_basic2.py: `main` returns while a task it created still sleeps.
/// `run_until_complete` returns main's value at once; the other task stays
/// in the executor until the executor is dropped (which drops it, like
/// asyncio.run cancelling what is left).
#[test]
fn basic2_main_returns_while_a_task_sleeps() {
    let sim = Sim::new();
    let tr = sim.trace.clone();
    let answer = sim.block_on(async move {
        tr.at("main start");
        create_task(forever(tr.clone()));
        sleep(ms(1)).await;
        tr.at("main done");
        42
    });
    assert_eq!(answer, 42);
    assert!(sim.exec.has_work());
    assert_eq!(sim.exec.next_deadline(), Some(Instant::from_millis(10_000)));
    let trace = sim.trace.clone();
    drop(sim);
    assert_eq!(trace.take(), ["main start t=0", "forever start t=0", "main done t=1000", "forever dropped t=1000"]);
}

/// asyncio_get_event_loop.py: `loop.run_until_complete(main())`, twice on
/// the same executor; time carries on from the first run.
#[test]
fn run_until_complete_twice_on_one_executor() {
    let clock = Rc::new(ManualClock::new());
    let exec = Executor::new(clock.clone());
    let trace = Trace::new();
    for _ in 0..2 {
        let tr = trace.clone();
        let c = clock.clone();
        exec.run_until_complete(
            async move {
                tr.at("start");
                sleep(ms(10)).await;
                tr.at("end");
            },
            move |deadline| c.advance_to(deadline.unwrap()),
        );
    }
    assert_eq!(trace.take(), ["start t=0", "end t=10000", "start t=10000", "end t=20000"]);
}

/// asyncio_loop_stop.py: `loop.stop()` + `run_forever()` in a host loop.
/// Baton's host drives the executor one poll at a time, so "stop after the
/// next yield" is simply the host not polling again.
#[test]
fn loop_stop_host_steps_the_executor() {
    let sim = Sim::new();
    let tr = sim.trace.clone();
    sim.exec.spawn(async move {
        tr.log("start");
        tr.log("sleep");
        yield_now().await; // loop.stop() took effect here
        let t = tr.clone();
        create_task(async move { t.log("task") });
        yield_now().await; // and here
        tr.log("end");
    });
    sim.trace.log("run 0");
    sim.exec.poll_one();
    sim.trace.log("run 1");
    sim.exec.poll_one();
    sim.trace.log("run 2");
    sim.run_ready();
    assert!(!sim.exec.has_work());
    assert_eq!(sim.trace.take(), ["run 0", "start", "sleep", "run 1", "run 2", "task", "end"]);
}

// ---------------------------------------------------------------------------
// asyncio_fair.py, asyncio_cancel_fair.py, asyncio_cancel_fair2.py
// ---------------------------------------------------------------------------

async fn fair_task(tr: Trace, id: u32, period: Option<Duration>) {
    tr.at(format!("task start {id}"));
    loop {
        match period {
            Some(d) => {
                tr.at(format!("task work {id}"));
                sleep(d).await;
            }
            // asyncio.sleep(-0.01) / sleep(-100): a yield.
            None => yield_now().await,
        }
    }
}

/// asyncio_fair.py: two tasks spinning on `sleep(0)` don't starve the two
/// that sleep. Time would never move with two busy tasks and a purely
/// manual clock, so each poll costs 1 ms of virtual time here (the
/// simulator's CPU model); the order of events is CPython's, the exact times
/// follow from the 1 ms cost: a timer that falls due is queued behind the
/// (at most two) spinning tasks already in the ready queue.
#[test]
fn fair_busy_tasks_do_not_starve_sleepers() {
    let sim = Sim::with_poll_cost(1000);
    let tr = sim.trace.clone();
    let handles = sim.block_on(async move {
        let t1 = create_task(fair_task(tr.clone(), 1, None));
        let t2 = create_task(fair_task(tr.clone(), 2, Some(ms(100))));
        let t3 = create_task(fair_task(tr.clone(), 3, Some(ms(180))));
        let t4 = create_task(fair_task(tr.clone(), 4, None));
        sleep(ms(500)).await;
        for t in [&t1, &t2, &t3, &t4] {
            t.cancel();
        }
        tr.at("finish");
        [t1, t2, t3, t4]
    });
    assert_eq!(
        sim.trace.take(),
        [
            "task start 1 t=1000",
            "task start 2 t=2000",
            "task work 2 t=2000",
            "task start 3 t=3000",
            "task work 3 t=3000",
            "task start 4 t=4000",
            "task work 2 t=104000",
            "task work 3 t=185000",
            "task work 2 t=206000",
            "task work 2 t=308000",
            "task work 3 t=367000",
            "task work 2 t=410000",
            "finish t=502000",
        ]
    );
    // The cancellations take effect at each task's next turn.
    assert!(handles.iter().all(|t| !t.is_done()));
    sim.run_all();
    assert!(handles.iter().all(Task::is_cancelled));
    assert!(!sim.exec.has_work());
}

async fn cancel_fair_task(tr: Trace, id: usize, other: Option<usize>, tasks: Rc<Vec<Shared<()>>>) {
    for _ in 0..3 {
        tr.log(format!("start {id}"));
        let cancelled = tr.on_drop(format!("cancelled {id}"));
        yield_now().await;
        cancelled.disarm();
        tr.log(format!("done {id}"));
        if let Some(other) = other {
            tr.log(format!("{id} cancels {other}"));
            tasks[other].cancel();
        }
    }
}

/// asyncio_cancel_fair.py: tasks that keep cancelling each other don't take
/// over the scheduler (task 2 keeps its turns).
///
/// By design a cancelled Baton task cannot catch the cancellation and go on
/// looping as the Python one does (`except CancelledError`): its future is
/// dropped. So task 1 ends at its first cancellation, and task 0's later
/// `cancel()`s find it finished. CPython prints, after "0 cancels 1":
/// "start 0, cancelled 1, 1 cancels 0, start 1, done 2, ..." instead.
#[test]
fn cancel_fair_tasks_cancelling_each_other() {
    let trace = run(|tr| async move {
        let tasks: Rc<Vec<Shared<()>>> = Rc::new((0..3).map(|_| Shared::empty()).collect());
        let others = [Some(1), Some(0), None];
        for (id, other) in others.into_iter().enumerate() {
            tasks[id].set(create_task(cancel_fair_task(tr.clone(), id, other, tasks.clone())));
        }
        tasks[2].join().await.unwrap();
        tr.log(format!("task 1 cancelled: {}, task 0 done: {}", tasks[1].is_cancelled(), tasks[0].is_done()));
    });
    assert_eq!(
        trace,
        [
            "start 0",
            "start 1",
            "start 2",
            "done 0",
            "0 cancels 1",
            "start 0",
            "cancelled 1",
            "done 2",
            "start 2",
            "done 0",
            "0 cancels 1",
            "start 0",
            "done 2",
            "start 2",
            "done 0",
            "0 cancels 1",
            "done 2",
            "task 1 cancelled: true, task 0 done: true",
        ]
    );
}

/// asyncio_cancel_fair2.py: a task that several others keep cancelling still
/// gets its turn (and ends). Same output as CPython.
#[test]
fn cancel_fair2_task_cancelled_by_many() {
    let trace = run(|tr| async move {
        let a = Shared::empty();
        let t = tr.clone();
        a.set(create_task(async move {
            let _cancelled = t.on_drop("cancelled a");
            loop {
                t.log("sleep a");
                yield_now().await;
            }
        }));
        for id in 0..3 {
            let (t, a) = (tr.clone(), a.clone());
            create_task(async move {
                while a.cancel() {
                    t.log(format!("sleep b {id}"));
                    yield_now().await;
                }
                t.log(format!("done b {id}"));
            });
        }
        let r: Result<(), TaskError> = a.join().await;
        tr.log(format!("main got {r:?}"));
    });
    assert_eq!(
        trace,
        [
            "sleep a",
            "sleep b 0",
            "sleep b 1",
            "sleep b 2",
            "cancelled a",
            "done b 0",
            "done b 1",
            "done b 2",
            "main got Err(Cancelled)",
        ]
    );
}

// ---------------------------------------------------------------------------
// asyncio_cancel_task.py, asyncio_cancel_self.py,
// asyncio_cancel_wait_on_finished.py
// ---------------------------------------------------------------------------

async fn cancellable(tr: Trace, d: Duration) {
    tr.at("task start");
    let cancel = tr.on_drop_at("task cancel");
    sleep(d).await;
    cancel.disarm();
    tr.at("task done");
}

/// task2 of asyncio_cancel_task.py: awaits a task it creates.
async fn task2(tr: Trace, propagate: bool) {
    tr.at("task 2");
    let cancel = tr.on_drop_at("task 2 cancel");
    let inner = create_task(cancellable(tr.clone(), ms(50)));
    if propagate {
        let _ = CancelOnDrop(inner).await;
    } else {
        let _ = inner.await;
    }
    cancel.disarm();
    tr.at("task 2 done");
}

/// asyncio_cancel_task.py. Same as the .exp up to the nested cases: there,
/// cancelling task2 (which awaits `task`) also cancels `task` in asyncio; in
/// Baton dropping task2's future only drops its `Task` handle, which
/// detaches `task`: it runs to "task done". Wrapping the handle in
/// `CancelOnDrop` gives asyncio's behaviour (second nested case). A task
/// can't refuse a cancellation, so the `allow_cancel=False` case is the same.
#[test]
fn cancel_task() {
    let trace = run(|tr| async move {
        // Cancel task immediately: it never starts.
        let t = create_task(cancellable(tr.clone(), secs(2)));
        tr.log(t.cancel().to_string());

        // Cancel task after it has started.
        let t = create_task(cancellable(tr.clone(), secs(2)));
        sleep(ms(10)).await;
        tr.log(t.cancel().to_string());
        tr.at("main sleep");
        sleep(ms(10)).await;

        // Cancel task multiple times after it has started.
        let t = create_task(cancellable(tr.clone(), secs(2)));
        sleep(ms(10)).await;
        for _ in 0..4 {
            tr.log(t.cancel().to_string());
        }
        tr.at("main sleep");
        sleep(ms(10)).await;

        // Await on a cancelled task.
        tr.at("main wait");
        if let Err(TaskError::Cancelled) = t.await {
            tr.at("main got CancelledError");
        }

        // Cancel task after it has finished.
        let t = create_task(cancellable(tr.clone(), ms(10)));
        sleep(ms(50)).await;
        tr.log(t.cancel().to_string());

        // Nested: task2 waits on task, task2 is cancelled.
        for propagate in [false, true] {
            tr.log("----");
            let t = create_task(task2(tr.clone(), propagate));
            sleep(ms(10)).await;
            tr.at("main cancel");
            t.cancel();
            tr.at("main sleep");
            sleep(ms(100)).await;
        }
    });
    assert_eq!(
        trace,
        [
            "true",
            "task start t=0",
            "true",
            "main sleep t=10000",
            "task cancel t=10000",
            "task start t=20000",
            "true",
            "true",
            "true",
            "true",
            "main sleep t=30000",
            "task cancel t=30000",
            "main wait t=40000",
            "main got CancelledError t=40000",
            "task start t=40000",
            "task done t=50000",
            "false",
            "----",
            "task 2 t=90000",
            "task start t=90000",
            "main cancel t=100000",
            "main sleep t=100000",
            "task 2 cancel t=100000",
            "task done t=140000", // detached: asyncio prints "task cancel" here
            "----",
            "task 2 t=200000",
            "task start t=200000",
            "main cancel t=210000",
            "main sleep t=210000",
            "task 2 cancel t=210000",
            "task cancel t=210000",
        ]
    );
}

/// asyncio_cancel_self.py: MicroPython raises "can't cancel self". In Baton
/// a task may cancel itself: `cancel()` returns true, the task carries on
/// until its next `await`, and there it is dropped.
#[test]
fn cancel_self_takes_effect_at_the_next_await() {
    let trace = run(|tr| async move {
        let me = Shared::empty();
        let (t, m) = (tr.clone(), me.clone());
        me.set(create_task(async move {
            t.log("task start");
            t.log(format!("cancel() -> {}", m.cancel()));
            t.log("still running until the next await");
            let _g = t.on_drop("task dropped at its await");
            yield_now().await;
            t.log("never printed");
        }));
        match me.join().await {
            Err(TaskError::Cancelled) => tr.log("main cancel"),
            other => tr.log(format!("main got {other:?}")),
        }
        tr.log("main done");
    });
    assert_eq!(
        trace,
        [
            "task start",
            "cancel() -> true",
            "still running until the next await",
            "task dropped at its await",
            "main cancel",
            "main done",
        ]
    );
}

/// A task that cancels itself and then returns without awaiting finishes
/// normally: the cancellation never got a turn.
#[test]
fn cancel_self_then_return_is_not_a_cancellation() {
    let (r, trace) = run_value(|tr| async move {
        let me = Shared::empty();
        let m = me.clone();
        me.set(create_task(async move { m.cancel() }));
        let r = me.join().await;
        tr.log(format!("cancelled: {}, cancel again: {}", me.is_cancelled(), me.cancel()));
        r
    });
    assert_eq!(r, Ok(true));
    assert_eq!(trace, ["cancelled: false, cancel again: false"]);
}

/// asyncio_cancel_wait_on_finished.py: cancel a task whose awaited task has
/// just finished (it is ready to resume). The cancellation wins. Same
/// output as the .exp.
#[test]
fn cancel_wait_on_finished() {
    let trace = run(|tr| async move {
        let t = tr.clone();
        let sleep_task = create_task(async move {
            t.log("sleep_task sleep");
            yield_now().await;
            t.log("sleep_task wake");
        });
        let t = tr.clone();
        let waiting_task = create_task(async move {
            t.log("wait_task wait");
            let _ = sleep_task.await;
            t.log("wait_task wake");
        });
        tr.log("main sleep");
        yield_now().await;
        tr.log("main sleep");
        yield_now().await;
        waiting_task.cancel();
        tr.log("main wait");
        tr.log(format!("{:?}", waiting_task.await));
    });
    assert_eq!(
        trace,
        [
            "main sleep",
            "sleep_task sleep",
            "wait_task wait",
            "main sleep",
            "sleep_task wake",
            "main wait",
            "Err(Cancelled)"
        ]
    );
}

// ---------------------------------------------------------------------------
// asyncio_current_task.py, asyncio_task_done.py, asyncio_wait_task.py,
// asyncio_exception.py
// ---------------------------------------------------------------------------

/// asyncio_current_task.py: outside a task there is none (None rather than
/// RuntimeError); inside, ids count from 1 in creation order.
#[test]
fn current_task_inside_and_outside() {
    let before = current_task();
    let trace = run(|tr| async move {
        let seen = Rc::new(Cell::new(None));
        let s = seen.clone();
        let t = create_task(async move { s.set(current_task()) });
        yield_now().await;
        yield_now().await;
        tr.log((seen.get() == Some(t.id())).to_string());
        tr.log(format!("main {}, task {}", current_task().unwrap(), t.id()));
    });
    assert_eq!(before, None);
    assert_eq!(current_task(), None);
    assert_eq!(trace, ["true", "main #1, task #2"]);
}

async fn done_task(tr: Trace, t: Option<Duration>, raise: bool) {
    tr.log("task start");
    if let Some(t) = t {
        sleep(t).await;
    }
    if raise {
        fail("ValueError");
    }
    tr.log("task done");
}

/// asyncio_task_done.py, with `(&mut t).await` to keep the handle after
/// taking the result. Same as the .exp (a raise is a panic here).
#[test]
fn task_done() {
    let trace = run(|tr| async move {
        for (t, raise) in [(None, false), (Some(ms(10)), false), (None, true), (Some(ms(10)), true)] {
            tr.log("==========");
            let mut task = create_task(done_task(tr.clone(), t, raise));
            tr.log(task.is_done().to_string());
            yield_now().await;
            tr.log(task.is_done().to_string());
            let r = (&mut task).await;
            if r.is_err() {
                tr.log(format!("{r:?}"));
            }
            tr.log(task.is_done().to_string());
        }
    });
    assert_eq!(
        trace,
        [
            "==========",
            "false",
            "task start",
            "task done",
            "true",
            "true",
            "==========",
            "false",
            "task start",
            "false",
            "task done",
            "true",
            "==========",
            "false",
            "task start",
            "true",
            "Err(Panicked(\"ValueError\"))",
            "true",
            "==========",
            "false",
            "task start",
            "false",
            "Err(Panicked(\"ValueError\"))",
            "true",
        ]
    );
}

/// asyncio_wait_task.py. "Wait again on same task": a Rust handle gives its
/// result once; after that `try_result` is `None` (and awaiting it again
/// panics).
#[test]
fn wait_task() {
    let trace = run(|tr| async move {
        tr.log("start");
        let t = tr.clone();
        create_task(async move { t.log("task 1") }).await.unwrap();

        let t = tr.clone();
        let mut task = create_task(async move { t.log("task 2") });
        sleep(ms(1)).await;
        (&mut task).await.unwrap();
        tr.log(format!("again: {:?}", task.try_result()));

        tr.log("----");
        let ts1 = create_task(delay_print(tr.clone(), ms(200), "hello"));
        let ts2 = create_task(delay_print(tr.clone(), ms(400), "world"));
        tr.at("start");
        let t0 = now();
        ts1.await.unwrap();
        let t1 = now();
        ts2.await.unwrap();
        let t2 = now();
        tr.log(format!("took {} {}", (t1 - t0).as_millis(), (t2 - t1).as_millis()));

        let raise = |tr: Trace| async move {
            tr.log("task_raise");
            fail("ValueError");
        };
        if create_task(raise(tr.clone())).await.is_err() {
            tr.log("ValueError");
        }
        // Awaited some time after it failed.
        let t = create_task(raise(tr.clone()));
        for _ in 0..5 {
            yield_now().await;
        }
        if t.await == Err(panicked("ValueError")) {
            tr.log("ValueError");
        }
    });
    assert_eq!(
        trace,
        [
            "start",
            "task 1",
            "task 2",
            "again: None",
            "----",
            "start t=1000",
            "hello t=201000",
            "world t=401000",
            "took 200 200",
            "task_raise",
            "ValueError",
            "task_raise",
            "ValueError",
        ]
    );
}

/// asyncio_exception.py. A panic in `main` makes `run_until_complete` panic
/// (`asyncio.run` raising); a panic in a sub-task is the awaiting task's
/// `Err(Panicked)` to handle (asyncio re-raises it); a sub-task created by a
/// `main` that then panics never runs (same "TODO" as MicroPython's).
#[test]
fn exception_in_main_and_in_sub_task() {
    let trace = Trace::new();
    let catch = |f: &mut dyn FnMut()| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
            .err()
            .and_then(|e| e.downcast::<String>().ok())
            .map(|s| *s)
    };

    let tr = trace.clone();
    let err = catch(&mut || {
        let tr = tr.clone();
        run(|_| async move {
            tr.log("main start");
            fail("ValueError 1");
        });
    });
    trace.log(format!("{err:?}"));

    let tr = trace.clone();
    run(|_| async move {
        tr.log("main start");
        let t = tr.clone();
        let r = create_task(async move {
            t.log("task start");
            fail("ValueError 2");
        })
        .await;
        tr.log(format!("main got {r:?}"));
        tr.log("main done");
    });

    let tr = trace.clone();
    let err = catch(&mut || {
        let tr = tr.clone();
        run(|_| async move {
            tr.log("main start");
            let t = tr.clone();
            create_task(async move { t.log("task run") });
            fail("ValueError 3");
        });
    });
    trace.log(format!("{err:?}"));

    assert_eq!(
        trace.take(),
        [
            "main start",
            "Some(\"baton: main task panicked: ValueError 1\")",
            "main start",
            "task start",
            "main got Err(Panicked(\"ValueError 2\"))",
            "main done",
            "main start",
            "Some(\"baton: main task panicked: ValueError 3\")",
        ]
    );
}

// ---------------------------------------------------------------------------
// asyncio_event.py, asyncio_event_fair.py
// ---------------------------------------------------------------------------

async fn event_task(tr: Trace, id: u32, ev: Event) {
    tr.log(format!("start {id}"));
    ev.wait().await;
    tr.log(format!("end {id}"));
}

async fn delay_set(tr: Trace, d: Duration, ev: Event) {
    sleep(d).await;
    tr.at("set event");
    ev.set();
}

/// asyncio_event.py. Same as the .exp, without the "True" lines (`wait()`
/// returns `()` here), plus whether the tasks cancelled while released by
/// `set()` ended cancelled (they do, as in asyncio: the cancellation wins).
#[test]
fn event() {
    let trace = run(|tr| async move {
        let ev = Event::new();
        // Set and clear without anything waiting, and test is_set().
        tr.log(ev.is_set().to_string());
        ev.set();
        tr.log(ev.is_set().to_string());
        ev.clear();
        tr.log(ev.is_set().to_string());

        // Create 2 tasks waiting on the event.
        tr.log("----");
        create_task(event_task(tr.clone(), 1, ev.clone()));
        create_task(event_task(tr.clone(), 2, ev.clone()));
        tr.log("yield");
        yield_now().await;
        tr.log("set event");
        ev.set();
        tr.log("yield");
        yield_now().await;

        // Create a task waiting on the already-set event.
        tr.log("----");
        create_task(event_task(tr.clone(), 3, ev.clone()));
        tr.log("yield");
        yield_now().await;

        // Clear event, start a task, then set event again.
        tr.log("----");
        tr.log("clear event");
        ev.clear();
        create_task(event_task(tr.clone(), 4, ev.clone()));
        yield_now().await;
        tr.log("set event");
        ev.set();
        yield_now().await;

        // Cancel a task waiting on an event (set event then cancel task).
        tr.log("----");
        let ev = Event::new();
        let t = create_task(event_task(tr.clone(), 5, ev.clone()));
        yield_now().await;
        ev.set();
        t.cancel();
        sleep(ms(100)).await;
        tr.log(format!("cancelled {}", t.is_cancelled()));

        // Cancel a task waiting on an event (cancel task then set event).
        tr.log("----");
        let ev = Event::new();
        let t = create_task(event_task(tr.clone(), 6, ev.clone()));
        yield_now().await;
        t.cancel();
        ev.set();
        sleep(ms(100)).await;
        tr.log(format!("cancelled {}", t.is_cancelled()));

        // Wait for an event that does get set in time.
        tr.log("----");
        ev.clear();
        create_task(delay_set(tr.clone(), ms(10), ev.clone()));
        let r = wait_for(ev.wait(), ms(100)).await;
        tr.at(format!("{r:?}"));
        yield_now().await;

        // Wait for an event that doesn't get set in time.
        tr.log("----");
        ev.clear();
        create_task(delay_set(tr.clone(), ms(100), ev.clone()));
        if let Err(TimeoutError) = wait_for(ev.wait(), ms(10)).await {
            tr.at("TimeoutError");
        }
        ev.wait().await;
        tr.at("main woke");
    });
    assert_eq!(
        trace,
        [
            "false",
            "true",
            "false",
            "----",
            "yield",
            "start 1",
            "start 2",
            "set event",
            "yield",
            "end 1",
            "end 2",
            "----",
            "yield",
            "start 3",
            "end 3",
            "----",
            "clear event",
            "start 4",
            "set event",
            "end 4",
            "----",
            "start 5",
            "cancelled true",
            "----",
            "start 6",
            "cancelled true",
            "----",
            "set event t=210000",
            "Ok(()) t=210000",
            "----",
            "TimeoutError t=220000",
            "set event t=310000",
            "main woke t=310000",
        ]
    );
}

/// asyncio_event_fair.py: tasks that keep setting and waiting on an event
/// don't take over the scheduler. Identical to CPython's output.
#[test]
fn event_fair() {
    let trace = run(|tr| async move {
        let ev = Event::new();
        let task1 = |id: u32| {
            let tr = tr.clone();
            async move {
                for _ in 0..4 {
                    tr.log(format!("sleep {id}"));
                    yield_now().await;
                }
            }
        };
        let task2 = |id: u32| {
            let (tr, ev) = (tr.clone(), ev.clone());
            async move {
                for _ in 0..4 {
                    ev.set();
                    ev.clear();
                    tr.log(format!("wait {id}"));
                    ev.wait().await;
                }
            }
        };
        create_task(task1(0));
        let t = create_task(task2(2));
        create_task(task1(1));
        create_task(task2(3));
        t.await.unwrap();
        ev.set();
    });
    assert_eq!(
        trace,
        [
            "sleep 0", "wait 2", "sleep 1", "wait 3", "sleep 0", "sleep 1", "wait 2", "sleep 0", "sleep 1", "wait 3",
            "sleep 0", "sleep 1", "wait 2", "wait 3", "wait 2", "wait 3",
        ]
    );
}

/// Event: `set` wakes every waiter, in the order they started waiting; a
/// waiter released by `set` resumes even if the event is cleared before its
/// turn; after `clear`, new waits wait again.
#[test]
fn event_set_wakes_all_and_set_then_clear_still_wakes() {
    let trace = run(|tr| async move {
        let ev = Event::new();
        let waiters: Vec<_> = (0..3).map(|id| create_task(event_task(tr.clone(), id, ev.clone()))).collect();
        yield_now().await;
        ev.set();
        ev.clear();
        tr.log(format!("set+clear, is_set {}", ev.is_set()));
        let late = create_task(event_task(tr.clone(), 9, ev.clone()));
        for w in waiters {
            w.await.unwrap();
        }
        yield_now().await;
        tr.log(format!("late waiter done: {}", late.is_done()));
        ev.set();
        late.await.unwrap();
    });
    assert_eq!(
        trace,
        [
            "start 0",
            "start 1",
            "start 2",
            "set+clear, is_set false",
            "end 0",
            "end 1",
            "end 2",
            "start 9",
            "late waiter done: false",
            "end 9",
        ]
    );
}

// ---------------------------------------------------------------------------
// asyncio_gather.py, asyncio_gather_notimpl.py, asyncio_gather_finished_early.py
// ---------------------------------------------------------------------------

async fn factorial(tr: Trace, name: &'static str, number: u64) -> u64 {
    let mut f = 1;
    for i in 2..=number {
        tr.at(format!("Task {name}: Compute factorial({i})..."));
        sleep(ms(10)).await;
        f *= i;
    }
    tr.at(format!("Task {name}: factorial({number}) = {f}"));
    f
}

async fn gtask(tr: Trace, id: u32, t: Duration) -> u32 {
    tr.log(format!("start {id}"));
    sleep(t).await;
    tr.log(format!("end {id}"));
    id
}

async fn task_raise(tr: Trace, id: u32, t: Duration) -> u32 {
    tr.log(format!("task_raise start {id}"));
    sleep(t).await;
    tr.log(format!("task_raise raise {id}"));
    fail(format!("ValueError({id})"));
}

/// asyncio_gather.py, the parts that apply. Gathering plain futures runs them
/// inside the gathering task; gathering tasks gives one `Result` each
/// (`return_exceptions=True`); there is no mode that stops at the first
/// error. The order of the lines is the same as CPython's.
#[test]
fn gather_results_in_order() {
    let trace = run(|tr| async move {
        // Simple gather with return values.
        let r =
            gather((factorial(tr.clone(), "A", 2), factorial(tr.clone(), "B", 3), factorial(tr.clone(), "C", 4))).await;
        tr.log(format!("{r:?}"));
        tr.log("====");

        // Gather with no awaitables.
        let r = gather(Vec::<Task<()>>::new()).await;
        tr.log(format!("{r:?}"));
        tr.log("====");

        // One task cancelled, the other finishes normally.
        let tasks = vec![create_task(gtask(tr.clone(), 1, ms(100))), create_task(gtask(tr.clone(), 2, ms(100)))];
        tasks[0].cancel();
        tr.log(format!("{:?}", gather(tasks).await));
        tr.log("====");

        // One task raises, the other finishes normally.
        let t1 = create_task(gtask(tr.clone(), 1, ms(100)));
        let t2 = create_task(task_raise(tr.clone(), 2, ms(100)));
        tr.log(format!("{:?}", gather((t1, t2)).await));
        tr.log("====");

        // Both tasks raise, one after the other.
        let mut t1 = create_task(task_raise(tr.clone(), 1, Duration::ZERO));
        let mut t2 = create_task(task_raise(tr.clone(), 2, Duration::ZERO));
        tr.log(format!("{:?}", gather((&mut t1, &mut t2)).await));
        tr.log(format!("{} {}", t1.is_done(), t2.is_done()));
    });
    assert_eq!(
        trace,
        [
            "Task A: Compute factorial(2)... t=0",
            "Task B: Compute factorial(2)... t=0",
            "Task C: Compute factorial(2)... t=0",
            "Task A: factorial(2) = 2 t=10000",
            "Task B: Compute factorial(3)... t=10000",
            "Task C: Compute factorial(3)... t=10000",
            "Task B: factorial(3) = 6 t=20000",
            "Task C: Compute factorial(4)... t=20000",
            "Task C: factorial(4) = 24 t=30000",
            "(2, 6, 24)",
            "====",
            "[]",
            "====",
            "start 2",
            "end 2",
            "[Err(Cancelled), Ok(2)]",
            "====",
            "start 1",
            "task_raise start 2",
            "end 1",
            "task_raise raise 2",
            "(Ok(1), Err(Panicked(\"ValueError(2)\")))",
            "====",
            "task_raise start 1",
            "task_raise start 2",
            "task_raise raise 1",
            "task_raise raise 2",
            "(Err(Panicked(\"ValueError(1)\")), Err(Panicked(\"ValueError(2)\")))",
            "true true",
        ]
    );
}

async fn gather_task<A: std::future::Future, B: std::future::Future>(tr: Trace, a: A, b: B) {
    tr.log("gather_task");
    gather((a, b)).await;
    tr.log("gather_task2");
}

/// asyncio_gather.py, "cancel a multi gather" and the edge cases around it.
/// Cancelling the task that gathers plain futures drops them, which stops
/// them: asyncio's outcome (there the gather cancels the tasks it wrapped
/// them in). The futures are polled in the gathering task's turn, so with
/// `sleep(0)` they finish one turn after they start.
#[test]
fn gather_cancelled() {
    let trace = run(|tr| async move {
        let t = create_task(gather_task(tr.clone(), gtask(tr.clone(), 1, ms(100)), gtask(tr.clone(), 2, ms(100))));
        sleep(ms(50)).await;
        tr.log(format!("cancel -> {}", t.cancel()));
        sleep(ms(200)).await;
        tr.log(format!("cancelled {}", t.is_cancelled()));

        for i in 1..4 {
            tr.log("====");
            let t = create_task(gather_task(
                tr.clone(),
                gtask(tr.clone(), 1, Duration::ZERO),
                gtask(tr.clone(), 2, Duration::ZERO),
            ));
            for _ in 0..i {
                yield_now().await;
            }
            tr.log(format!("cancel -> {}", t.cancel()));
            sleep(ms(200)).await;
        }
    });
    assert_eq!(
        trace,
        [
            "gather_task",
            "start 1",
            "start 2",
            "cancel -> true",
            "cancelled true",
            "====",
            "gather_task",
            "start 1",
            "start 2",
            "cancel -> true",
            "====",
            "gather_task",
            "start 1",
            "start 2",
            "end 1",
            "end 2",
            "gather_task2",
            "cancel -> false",
            "====",
            "gather_task",
            "start 1",
            "start 2",
            "end 1",
            "end 2",
            "gather_task2",
            "cancel -> false",
        ]
    );
}

/// asyncio_gather_notimpl.py checks that a task being gathered can't also be
/// awaited elsewhere ("can't wait" / "can't gather"). In Rust that rule is
/// the borrow checker's: `gather` takes the handles (or `&mut` to them), so
/// nobody else can await them meanwhile. What remains is the
/// asyncio_gather_finished_early.py case: gathering tasks that already
/// finished (returned or panicked) gives their results at once, and a task
/// still running is waited for.
#[test]
fn gather_finished_early() {
    let trace = run(|tr| async move {
        for (start_task_that_runs, task_fail) in [(false, false), (false, true), (true, false), (true, true)] {
            tr.log(format!("== start {start_task_that_runs} {task_fail}"));
            let finishes_early = |id: &'static str, ev: Event| {
                let tr = tr.clone();
                async move {
                    tr.log(format!("task_that_finishes_early {id}"));
                    ev.set();
                    if task_fail {
                        fail("intentional exception");
                    }
                }
            };
            let runs = {
                let tr = tr.clone();
                async move {
                    for i in 0..5 {
                        tr.log(format!("task_that_runs {i}"));
                        yield_now().await;
                    }
                }
            };
            let (event_a, event_b) = (Event::new(), Event::new());
            let mut tasks = Vec::new();
            if start_task_that_runs {
                tasks.push(create_task_named("runs", runs));
            }
            tasks.push(create_task(finishes_early("a", event_a.clone())));
            tasks.push(create_task(finishes_early("b", event_b.clone())));
            event_a.wait().await;
            event_b.wait().await;
            tr.log(format!("{:?}", gather(tasks).await));
        }
    });
    let e = "Err(Panicked(\"intentional exception\"))";
    assert_eq!(
        trace,
        [
            "== start false false".to_string(),
            "task_that_finishes_early a".into(),
            "task_that_finishes_early b".into(),
            "[Ok(()), Ok(())]".into(),
            "== start false true".into(),
            "task_that_finishes_early a".into(),
            "task_that_finishes_early b".into(),
            format!("[{e}, {e}]"),
            "== start true false".into(),
            "task_that_runs 0".into(),
            "task_that_finishes_early a".into(),
            "task_that_finishes_early b".into(),
            "task_that_runs 1".into(),
            "task_that_runs 2".into(),
            "task_that_runs 3".into(),
            "task_that_runs 4".into(),
            "[Ok(()), Ok(()), Ok(())]".into(),
            "== start true true".into(),
            "task_that_runs 0".into(),
            "task_that_finishes_early a".into(),
            "task_that_finishes_early b".into(),
            "task_that_runs 1".into(),
            "task_that_runs 2".into(),
            "task_that_runs 3".into(),
            "task_that_runs 4".into(),
            format!("[Ok(()), {e}, {e}]"),
        ]
    );
}

// ---------------------------------------------------------------------------
// asyncio_wait_for.py, asyncio_wait_for_fwd.py
// ---------------------------------------------------------------------------

async fn wf_task(tr: Trace, id: u32, t: Duration) -> u32 {
    tr.at(format!("task start {id}"));
    sleep(t).await;
    tr.at(format!("task end {id}"));
    id * 2
}

async fn task_wait_for_cancel(tr: Trace, id: u32, t: Duration, t_wait: Duration) {
    tr.at("task_wait_for_cancel start");
    let cancelled = tr.on_drop_at("task_wait_for_cancel cancelled");
    let _ = wait_for(wf_task(tr.clone(), id, t), t_wait).await;
    cancelled.disarm();
}

/// asyncio_wait_for.py. Differences by design: a future that "ignores the
/// cancellation request" can't exist (on timeout `wait_for` drops it: the
/// guard's line is its `except CancelledError`, and nothing after it runs);
/// there is no `None` timeout (await the future directly); and `wait_for`
/// runs the future in the calling task instead of a new task, so the last
/// loop's task is already finished after two yields (asyncio asserts it is
/// not).
#[test]
fn wait_for_timeouts_and_cancellation() {
    let trace = run(|tr| async move {
        let sep = "-".repeat(10);
        // When the task finishes before the timeout.
        tr.log(format!("{:?}", wait_for(wf_task(tr.clone(), 1, ms(10)), secs(10)).await));
        tr.log(sep.clone());

        // When the timeout passes and the task is cancelled.
        if let Err(TimeoutError) = wait_for(wf_task(tr.clone(), 2, secs(10)), ms(10)).await {
            tr.at("timeout");
        }
        tr.log(sep.clone());

        // When the timeout passes and the awaited future would like to go on.
        let t = tr.clone();
        let task_catch = async move {
            t.at("task_catch start");
            let _ignore = t.on_drop_at("ignore cancel");
            sleep(ms(200)).await;
            t.at("task_catch done");
        };
        if let Err(TimeoutError) = wait_for(task_catch, ms(100)).await {
            tr.at("TimeoutError");
        }
        tr.log(sep.clone());

        // When the task raises an exception.
        let t = tr.clone();
        let raising = create_task(async move {
            t.at("task start");
            fail("ValueError");
        });
        tr.log(format!("{:?}", wait_for(raising, secs(1)).await));
        tr.log(sep.clone());

        // When the task is cancelled by another task.
        let t = Shared::new(create_task(wf_task(tr.clone(), 4, secs(10))));
        let (tr2, t2) = (tr.clone(), t.clone());
        create_task(async move {
            tr2.at("task_cancel_other start");
            sleep(ms(10)).await;
            tr2.at("task_cancel_other cancel");
            t2.cancel();
        });
        tr.at(format!("{:?}", wait_for(t.join(), secs(1)).await));
        tr.log(sep.clone());

        // When wait_for gets cancelled.
        let t = create_task(task_wait_for_cancel(tr.clone(), 4, secs(1), secs(2)));
        sleep(ms(10)).await;
        t.cancel();
        sleep(ms(10)).await;
        tr.log(sep.clone());

        // When wait_for gets cancelled just as the awaited future finishes.
        for num_sleep in 1..3 {
            let t = create_task(task_wait_for_cancel(tr.clone(), 4 + num_sleep, Duration::ZERO, secs(2)));
            for _ in 0..num_sleep {
                yield_now().await;
            }
            tr.log(format!("done {}", t.is_done()));
            tr.log(format!("cancel wait_for -> {}", t.cancel()));
            tr.log(format!("{:?}", t.await));
            tr.log(sep.clone());
        }
        tr.log("finish");
    });
    assert_eq!(
        trace,
        [
            "task start 1 t=0",
            "task end 1 t=10000",
            "Ok(2)",
            "----------",
            "task start 2 t=10000",
            "timeout t=20000",
            "----------",
            "task_catch start t=20000",
            "ignore cancel t=120000",
            "TimeoutError t=120000",
            "----------",
            "task start t=120000",
            "Ok(Err(Panicked(\"ValueError\")))",
            "----------",
            "task start 4 t=120000",
            "task_cancel_other start t=120000",
            "task_cancel_other cancel t=130000",
            "Ok(Err(Cancelled)) t=130000",
            "----------",
            "task_wait_for_cancel start t=130000",
            "task start 4 t=130000",
            "task_wait_for_cancel cancelled t=140000",
            "----------",
            "task_wait_for_cancel start t=150000",
            "task start 5 t=150000",
            "done false",
            "cancel wait_for -> true",
            "task_wait_for_cancel cancelled t=150000",
            "Err(Cancelled)",
            "----------",
            "task_wait_for_cancel start t=150000",
            "task start 6 t=150000",
            "task end 6 t=150000",
            "done true",
            "cancel wait_for -> false",
            "Ok(())",
            "----------",
            "finish",
        ]
    );
}

/// asyncio_wait_for_fwd.py: cancelling a task that is in `wait_for`
/// cancels the awaited future too. In asyncio the awaited coroutine runs in
/// a task of its own, so "cancel started" comes before "awaiting started",
/// and the `wait_for` caller's handler runs before the inner one. In Baton
/// the future runs inside the waiting task (it starts first), and dropping
/// it runs the destructors innermost first. The `catch` variants of the
/// original don't apply: cancellation can't be caught.
#[test]
fn wait_for_forwards_cancellation() {
    let trace = run(|tr| async move {
        let t = tr.clone();
        let awaiting = async move {
            t.log("awaiting started");
            let _g = t.on_drop("awaiting canceled");
            sleep(secs(2)).await;
        };
        let t = tr.clone();
        let wait = create_task(async move {
            let _g = t.on_drop("Got canceled");
            if let Err(TimeoutError) = wait_for(awaiting, secs(1)).await {
                t.log("Got timeout error");
            }
        });
        let w = Shared::new(wait);
        let (t, w2) = (tr.clone(), w.clone());
        create_task(async move {
            t.log("cancel started");
            sleep(ms(10)).await;
            t.log("cancel wait()");
            w2.cancel();
        });
        if let Err(TaskError::Cancelled) = w.join().await {
            tr.log("waiting got cancelled");
        }
    });
    assert_eq!(
        trace,
        [
            "awaiting started",
            "cancel started",
            "cancel wait()",
            "awaiting canceled",
            "Got canceled",
            "waiting got cancelled"
        ]
    );
}

/// `wait_for` on a `Task`: on timeout only the handle is dropped and the task
/// runs on, detached (asyncio would cancel it); passing `&mut task` keeps the
/// handle so the result can still be awaited.
#[test]
fn wait_for_on_a_task_handle() {
    let trace = run(|tr| async move {
        let mut t = create_task(wf_task(tr.clone(), 1, ms(50)));
        tr.at(format!("{:?}", wait_for(&mut t, ms(10)).await));
        tr.log(format!("still running: {}", !t.is_done()));
        tr.at(format!("{:?}", t.await));

        let detached = create_task(wf_task(tr.clone(), 2, ms(50)));
        tr.at(format!("{:?}", wait_for(detached, ms(10)).await));
        sleep(ms(100)).await;
        tr.at("main end");
    });
    assert_eq!(
        trace,
        [
            "task start 1 t=0",
            "Err(TimeoutError) t=10000",
            "still running: true",
            "task end 1 t=50000",
            "Ok(2) t=50000",
            "task start 2 t=50000",
            "Err(TimeoutError) t=60000",
            "task end 2 t=100000",
            "main end t=160000",
        ]
    );
}

// ---------------------------------------------------------------------------
// asyncio_lock.py, asyncio_lock_cancel.py
// ---------------------------------------------------------------------------

async fn task_loop(tr: Trace, id: u32, lock: Lock) {
    tr.log(format!("task start {id}"));
    for i in 0..3 {
        let _held = lock.acquire().await;
        tr.log(format!("task have {id} {i}"));
    }
    tr.log(format!("task end {id}"));
}

async fn task_sleep(tr: Trace, lock: Lock) {
    {
        let _held = lock.acquire().await;
        tr.log(format!("task have {}", lock.locked()));
        sleep(ms(200)).await;
    }
    tr.log(format!("task release {}", lock.locked()));
    let held = lock.acquire().await;
    tr.log("task have again");
    drop(held);
}

async fn task_cancel(tr: Trace, id: u32, lock: Lock, to_cancel: Option<Shared<()>>) {
    let cancelled = tr.on_drop(format!("task cancel {id}"));
    {
        let _held = lock.acquire().await;
        tr.log(format!("task got {id}"));
        sleep(ms(100)).await;
    }
    tr.log(format!("task release {id}"));
    if let Some(t) = to_cancel {
        t.cancel();
    }
    cancelled.disarm();
}

/// asyncio_lock.py. One difference, by design: releasing a Lock that has
/// waiters hands it straight to the first waiter (FIFO, no barging), so it
/// stays `locked()` in between, where asyncio prints "task release False".
#[test]
fn lock() {
    let trace = run(|tr| async move {
        let lock = Lock::new();
        // Basic acquire/release.
        tr.log(lock.locked().to_string());
        let held = lock.acquire().await;
        tr.log(lock.locked().to_string());
        yield_now().await;
        drop(held);
        tr.log(lock.locked().to_string());
        yield_now().await;
        // "async with".
        {
            let _held = lock.acquire().await;
            tr.log("have lock");
        }

        // 3 tasks wanting the lock.
        tr.log("----");
        create_task(task_loop(tr.clone(), 1, lock.clone()));
        create_task(task_loop(tr.clone(), 2, lock.clone()));
        let t3 = create_task(task_loop(tr.clone(), 3, lock.clone()));
        let held = lock.acquire().await;
        yield_now().await;
        drop(held);
        t3.await.unwrap();

        // 2 sleeping tasks both wanting the lock.
        tr.log("----");
        create_task(task_sleep(tr.clone(), lock.clone()));
        sleep(ms(100)).await;
        task_sleep(tr.clone(), lock.clone()).await;

        // 3 tasks, the first cancelling the second, the third should still run.
        tr.log("----");
        let ts = Shared::empty();
        create_task(task_cancel(tr.clone(), 0, lock.clone(), Some(ts.clone())));
        ts.set(create_task(task_cancel(tr.clone(), 1, lock.clone(), None)));
        create_task(task_cancel(tr.clone(), 2, lock.clone(), None));
        sleep(ms(300)).await;
        tr.log(lock.locked().to_string());

        // 3 tasks, the second and third being cancelled while waiting on the lock.
        tr.log("----");
        let _t0 = create_task(task_cancel(tr.clone(), 0, lock.clone(), None));
        let t1 = create_task(task_cancel(tr.clone(), 1, lock.clone(), None));
        let t2 = create_task(task_cancel(tr.clone(), 2, lock.clone(), None));
        sleep(ms(50)).await;
        t1.cancel();
        sleep(ms(100)).await;
        t2.cancel();
        sleep(ms(100)).await;
        tr.log(lock.locked().to_string());
    });
    assert_eq!(
        trace,
        [
            "false",
            "true",
            "false",
            "have lock",
            "----",
            "task start 1",
            "task start 2",
            "task start 3",
            "task have 1 0",
            "task have 2 0",
            "task have 3 0",
            "task have 1 1",
            "task have 2 1",
            "task have 3 1",
            "task have 1 2",
            "task end 1",
            "task have 2 2",
            "task end 2",
            "task have 3 2",
            "task end 3",
            "----",
            "task have true",
            "task release true", // asyncio: False (handed over, see above)
            "task have true",
            "task release true", // asyncio: False
            "task have again",
            "task have again",
            "----",
            "task got 0",
            "task release 0",
            "task cancel 1",
            "task got 2",
            "task release 2",
            "false",
            "----",
            "task got 0",
            "task cancel 1",
            "task release 0",
            "task got 2",
            "task cancel 2",
            "false",
        ]
    );
}

/// asyncio_lock_cancel.py: waiters cancelled while the lock is released to
/// the first of them. Same as the .exp.
#[test]
fn lock_cancel_multiple_waiters() {
    let trace = run(|tr| async move {
        let lock = Lock::new();
        let held = lock.acquire().await;
        let flag = Rc::new(Cell::new(true));
        let task = |i: u32| {
            let (tr, lock, flag) = (tr.clone(), lock.clone(), flag.clone());
            create_task(async move {
                tr.log(format!("task {i} start"));
                let cancel = tr.on_drop(format!("task {i} cancel"));
                let held = lock.acquire().await;
                cancel.disarm();
                tr.log(format!("task {i} lock_flag {}", flag.get()));
                flag.set(true);
                yield_now().await;
                drop(held);
                flag.set(false);
                tr.log(format!("task {i} done"));
            })
        };
        let _t0 = task(0);
        let t1 = task(1);
        let t2 = task(2);
        let _t3 = task(3);
        yield_now().await;
        t1.cancel();
        t2.cancel();
        drop(held);
        flag.set(false);
        for _ in 0..4 {
            yield_now().await;
        }
        tr.log(lock.locked().to_string());
    });
    assert_eq!(
        trace,
        [
            "task 0 start",
            "task 1 start",
            "task 2 start",
            "task 3 start",
            "task 1 cancel",
            "task 2 cancel",
            "task 0 lock_flag false",
            "task 0 done",
            "task 3 lock_flag false",
            "task 3 done",
            "false",
        ]
    );
}

/// Lock hand-off is FIFO: the lock goes to the first waiter even if a newcomer
/// asks before that waiter runs; a waiter cancelled after it was handed the
/// lock passes it on to the next one.
#[test]
fn lock_fifo_handoff_and_cancelled_handee() {
    let trace = run(|tr| async move {
        let lock = Lock::new();
        let held = lock.acquire().await;
        tr.log("main has it");
        let waiter = |name: &'static str| {
            let (tr, lock) = (tr.clone(), lock.clone());
            create_task(async move {
                tr.log(format!("{name} waits"));
                let cancelled = tr.on_drop(format!("{name} cancelled"));
                let _held = lock.acquire().await;
                cancelled.disarm();
                tr.log(format!("{name} has it"));
                yield_now().await;
                tr.log(format!("{name} releases"));
            })
        };
        let w1 = waiter("w1");
        let w2 = waiter("w2");
        let w3 = waiter("w3");
        yield_now().await;
        drop(held);
        tr.log(format!("main released, locked {}", lock.locked()));
        w1.cancel();
        let newcomer = waiter("newcomer");
        let _ = gather((w1, w2, w3, newcomer)).await;
        tr.log(format!("locked {}", lock.locked()));
    });
    assert_eq!(
        trace,
        [
            "main has it",
            "w1 waits",
            "w2 waits",
            "w3 waits",
            "main released, locked true",
            "w1 cancelled",
            "newcomer waits",
            "w2 has it",
            "w2 releases",
            "w3 has it",
            "w3 releases",
            "newcomer has it",
            "newcomer releases",
            "locked false",
        ]
    );
}

// ---------------------------------------------------------------------------
// asyncio_queue.py, and queues with cancellation
// ---------------------------------------------------------------------------

/// asyncio_queue.py, without `join`/`task_done` (Baton's Queue has neither).
#[test]
fn queue() {
    let trace = run(|tr| async move {
        // Basic put_nowait/get_nowait, FIFO order.
        let q = Queue::unbounded();
        tr.log(format!("{} {} {}", q.qsize(), q.empty(), q.full()));
        for i in 1..=3 {
            q.put_nowait(i).unwrap();
        }
        tr.log(format!("{} {} {}", q.qsize(), q.empty(), q.full()));
        tr.log(format!("{:?} {:?} {:?}", q.get_nowait(), q.get_nowait(), q.get_nowait()));
        tr.log(format!("{} {} {}", q.qsize(), q.empty(), q.full()));
        // get_nowait() on an empty queue.
        tr.log(format!("{:?}", q.get_nowait()));

        // maxsize: full() and put_nowait() giving the item back.
        let q = Queue::bounded(2);
        q.put_nowait(1).unwrap();
        q.put_nowait(2).unwrap();
        tr.log(format!("{} {:?}", q.full(), q.put_nowait(3)));

        // put() waits until get() frees a slot; get() waits until an item exists.
        tr.log("----");
        let q = Queue::bounded(2);
        let (t, q2) = (tr.clone(), q.clone());
        create_task(async move {
            for i in 0..5 {
                q2.put(i).await;
                t.log(format!("put {i}"));
            }
            t.log("producer done");
        });
        for _ in 0..5 {
            let v = q.get().await;
            tr.log(format!("got {v}"));
        }
        yield_now().await;

        // Several tasks waiting on get() are served in FIFO order.
        tr.log("----");
        let q = Queue::unbounded();
        for i in 0..3 {
            let (t, q) = (tr.clone(), q.clone());
            create_task(async move {
                let v = q.get().await;
                t.log(format!("getter {i} got {v}"));
            });
        }
        yield_now().await;
        for v in ["a", "b", "c"] {
            q.put(v).await;
        }
        yield_now().await;
    });
    assert_eq!(
        trace,
        [
            "0 true false",
            "3 false false",
            "Ok(1) Ok(2) Ok(3)",
            "0 true false",
            "Err(QueueEmpty)",
            "true Err(QueueFull(3))",
            "----",
            "put 0",
            "put 1",
            "got 0",
            "got 1",
            "put 2",
            "put 3",
            "got 2",
            "got 3",
            "put 4",
            "producer done",
            "got 4",
            "----",
            "getter 0 got a",
            "getter 1 got b",
            "getter 2 got c",
        ]
    );
}

/// Bounded queue with virtual time: producers faster than their consumer
/// wait for room, and waiting putters are served in the order they started
/// waiting; `QueueFull` gives the item back and `QueueEmpty` is an error
/// value, not a wait.
#[test]
fn queue_bounded_waiting_with_times() {
    let trace = run(|tr| async move {
        let q: Queue<u32> = Queue::bounded(1);
        assert_eq!(q.get_nowait(), Err(QueueEmpty));
        for p in 0..2 {
            let (t, q) = (tr.clone(), q.clone());
            create_task(async move {
                for i in 0..2 {
                    let item = p * 10 + i;
                    q.put(item).await;
                    t.at(format!("p{p} put {item}"));
                }
            });
        }
        yield_now().await;
        assert_eq!(q.put_nowait(99), Err(QueueFull(99)));
        for _ in 0..4 {
            sleep(ms(10)).await;
            let v = q.get().await;
            tr.at(format!("got {v}"));
        }
    });
    assert_eq!(
        trace,
        [
            "p0 put 0 t=0",
            "got 0 t=10000",
            "p0 put 1 t=10000", // p0 started waiting first, so it gets the free slot
            "got 1 t=20000",
            "p1 put 10 t=20000",
            "got 10 t=30000",
            "p1 put 11 t=30000",
            "got 11 t=40000",
        ]
    );
}

/// A getter that was released (an item was put for it) but is cancelled
/// before its turn passes the item on to the next getter; a waiting putter
/// that is cancelled leaves the queue as it was.
#[test]
fn queue_cancelled_waiters_pass_their_turn_on() {
    let trace = run(|tr| async move {
        let q: Queue<&str> = Queue::unbounded();
        let getter = |i: u32| {
            let (t, q) = (tr.clone(), q.clone());
            create_task(async move {
                let cancelled = t.on_drop(format!("getter {i} cancelled"));
                let v = q.get().await;
                cancelled.disarm();
                t.log(format!("getter {i} got {v}"));
            })
        };
        let g0 = getter(0);
        let g1 = getter(1);
        yield_now().await;
        q.put_nowait("x").unwrap();
        g0.cancel();
        let _ = gather((g0, g1)).await;
        tr.log(format!("qsize {}", q.qsize()));

        let q: Queue<u32> = Queue::bounded(1);
        q.put_nowait(1).unwrap();
        let (t, q2) = (tr.clone(), q.clone());
        let putter = create_task(async move {
            let cancelled = t.on_drop("putter cancelled");
            q2.put(2).await;
            cancelled.disarm();
        });
        yield_now().await;
        putter.cancel();
        yield_now().await;
        tr.log(format!("{:?} {:?}", q.get_nowait(), q.get_nowait()));
    });
    assert_eq!(trace, ["getter 0 cancelled", "getter 1 got x", "qsize 0", "putter cancelled", "Ok(1) Err(QueueEmpty)"]);
}

// ---------------------------------------------------------------------------
// asyncio_threadsafeflag.py
// ---------------------------------------------------------------------------

async fn flag_task(tr: Trace, id: u32, flag: Arc<ThreadSafeFlag>) {
    tr.log(format!("task {id}"));
    flag.wait().await;
    tr.log(format!("task {id} done"));
}

/// asyncio_threadsafeflag.py. `set()` from within the loop, from host code
/// between two polls (the port of `micropython.schedule`), already set, and
/// set/cleared/set again. One difference: `set()` puts the waiting task
/// straight on the ready queue, so it runs at the next turn ("task 1 done"
/// before "wait task"); MicroPython wakes it through the I/O poller, one
/// scheduler pass later.
#[test]
fn threadsafeflag() {
    let sim = Sim::new();
    let tr = sim.trace.clone();
    let flag = Arc::new(ThreadSafeFlag::new());
    let f = flag.clone();
    let main = sim.exec.spawn(async move {
        // Set the flag from within the loop.
        let t = create_task(flag_task(tr.clone(), 1, f.clone()));
        tr.log("yield");
        yield_now().await;
        tr.log("set event");
        f.set();
        tr.log("yield");
        yield_now().await;
        tr.log("wait task");
        t.await.unwrap();

        // Set the flag from outside the tasks: the host, between two polls.
        tr.log("----");
        let t = create_task(flag_task(tr.clone(), 2, f.clone()));
        tr.log("yield");
        yield_now().await;
        tr.log("wait task");
        t.await.unwrap();

        // Flag already set.
        tr.log("----");
        tr.log("set event");
        f.set();
        let t = create_task(flag_task(tr.clone(), 3, f.clone()));
        tr.log("yield");
        yield_now().await;
        tr.log("wait task");
        t.await.unwrap();

        // Flag set, cleared, and set again.
        tr.log("----");
        tr.log("set event");
        f.set();
        tr.log("yield");
        yield_now().await;
        tr.log("clear event");
        f.clear();
        tr.log("yield");
        yield_now().await;
        let t = create_task(flag_task(tr.clone(), 4, f.clone()));
        tr.log("yield");
        yield_now().await;
        tr.log("set event");
        f.set();
        tr.log("yield");
        yield_now().await;
        tr.log("wait task");
        t.await.unwrap();
    });
    sim.run_ready();
    // Only the main task (awaiting task 2) and task 2 (awaiting the flag)
    // are left, both waiting.
    assert!(sim.exec.has_work() && !sim.exec.has_ready());
    sim.trace.log("host: set event");
    flag.set();
    sim.run_ready();
    assert!(main.is_done() && !sim.exec.has_work());
    assert_eq!(
        sim.trace.take(),
        [
            "yield",
            "task 1",
            "set event",
            "yield",
            "task 1 done", // MicroPython: after "wait task"
            "wait task",
            "----",
            "yield",
            "task 2",
            "wait task",
            "host: set event",
            "task 2 done",
            "----",
            "set event",
            "yield",
            "task 3",
            "task 3 done",
            "wait task",
            "----",
            "set event",
            "yield",
            "clear event",
            "yield",
            "yield",
            "task 4",
            "set event",
            "yield",
            "task 4 done", // MicroPython: after "wait task"
            "wait task",
        ]
    );
}

/// A ThreadSafeFlag set by another OS thread wakes the task while the host
/// is idle (no timer set: the host waits for the "interrupt").
#[test]
fn threadsafeflag_set_from_another_thread() {
    let flag = Arc::new(ThreadSafeFlag::new());
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let f = flag.clone();
    let setter = std::thread::spawn(move || {
        go_rx.recv().unwrap();
        f.set();
    });
    let exec = Executor::new(ManualClock::new());
    let trace = Trace::new();
    let tr = trace.clone();
    let f = flag.clone();
    let mut setter = Some(setter);
    let mut idles = 0;
    let out = exec.run_until_complete(
        async move {
            tr.log("waiting");
            f.wait().await;
            tr.log("woken");
            7
        },
        |deadline| {
            idles += 1;
            assert_eq!(deadline, None);
            // The "interrupt": another thread sets the flag while we wait.
            go_tx.send(()).unwrap();
            setter.take().unwrap().join().unwrap();
        },
    );
    assert_eq!(out, 7);
    assert_eq!(idles, 1);
    assert_eq!(trace.take(), ["waiting", "woken"]);
    assert!(!flag.is_set(), "wait() clears the flag");
}

/// Same, racing: the other thread sets the flag at some moment while the
/// host spins on `has_ready()`, many times over.
#[test]
fn threadsafeflag_wakes_across_threads_repeatedly() {
    use std::sync::atomic::{AtomicU32, Ordering};
    const ROUNDS: u32 = 200;
    let flag = Arc::new(ThreadSafeFlag::new());
    let ack = Arc::new(AtomicU32::new(0));
    let (f, a) = (flag.clone(), ack.clone());
    let setter = std::thread::spawn(move || {
        for round in 0..ROUNDS {
            while a.load(Ordering::Acquire) < round {
                std::thread::yield_now();
            }
            f.set();
        }
    });
    let exec = Executor::new(ManualClock::new());
    let (f, a) = (flag.clone(), ack.clone());
    let got = exec.run_until_complete(
        async move {
            for round in 0..ROUNDS {
                f.wait().await;
                a.store(round + 1, Ordering::Release);
            }
            ROUNDS
        },
        |_| {
            let start = std::time::Instant::now();
            while !exec.has_ready() {
                assert!(start.elapsed() < std::time::Duration::from_secs(10), "lost wake-up");
                std::thread::yield_now();
            }
        },
    );
    setter.join().unwrap();
    assert_eq!(got, ROUNDS);
}

// ---------------------------------------------------------------------------
// Scheduling rules (executor module docs)
// ---------------------------------------------------------------------------

/// Ready tasks run first-in, first-out; `create_task` only queues the task:
/// the caller carries on until its next `await`.
#[test]
fn ready_tasks_run_fifo_and_create_task_runs_next_turn() {
    let trace = run(|tr| async move {
        let worker = |name: &'static str| {
            let tr = tr.clone();
            async move {
                for i in 0..3 {
                    tr.log(format!("{name}{i}"));
                    yield_now().await;
                }
            }
        };
        let a = create_task(worker("a"));
        let b = create_task(worker("b"));
        let c = create_task(worker("c"));
        tr.log(format!("main goes on, a done: {}", a.is_done()));
        for i in 0..3 {
            yield_now().await;
            tr.log(format!("main{i}"));
        }
        let _ = gather((a, b, c)).await;
        tr.log("all done");
    });
    assert_eq!(
        trace,
        [
            "main goes on, a done: false",
            "a0",
            "b0",
            "c0",
            "main0",
            "a1",
            "b1",
            "c1",
            "main1",
            "a2",
            "b2",
            "c2",
            "main2",
            "all done",
        ]
    );
}

/// Timers fire by deadline; equal deadlines in the order the timers were set
/// (whether by `sleep` or `sleep_until`).
#[test]
fn timers_fire_by_deadline_then_insertion_order() {
    let trace = run(|tr| async move {
        let sleeper = |name: &'static str, d: Duration, yield_first: bool| {
            let tr = tr.clone();
            create_task(async move {
                if yield_first {
                    yield_now().await;
                }
                sleep(d).await;
                tr.at(name);
            })
        };
        let until = |name: &'static str, t: Instant| {
            let tr = tr.clone();
            create_task(async move {
                sleep_until(t).await;
                tr.at(name);
            })
        };
        let f = sleeper("F (set its timer last)", ms(10), true);
        let a = sleeper("A", ms(30), false);
        let b = sleeper("B", ms(10), false);
        let c = sleeper("C", ms(20), false);
        let d = sleeper("D", ms(10), false);
        let e = until("E", Instant::from_millis(10));
        let _ = gather((f, a, b, c, d, e)).await;
    });
    assert_eq!(
        trace,
        ["B t=10000", "D t=10000", "E t=10000", "F (set its timer last) t=10000", "C t=20000", "A t=30000"]
    );
}

/// A timer that falls due is queued before the next task is polled, so it
/// runs before a `sleep(0)` loop runs *again*; the yielder's turn that was
/// already queued comes first.
#[test]
fn due_timer_runs_before_a_yielder_runs_again() {
    let sim = Sim::new();
    let tr = sim.trace.clone();
    sim.exec.spawn(async move {
        for i in 0..4 {
            tr.at(format!("y{i}"));
            yield_now().await;
        }
    });
    let tr = sim.trace.clone();
    sim.exec.spawn(async move {
        sleep(ms(1)).await;
        tr.at("timer");
    });
    sim.exec.poll_one(); // y0
    sim.exec.poll_one(); // the sleeper sets its timer
    assert_eq!(sim.exec.ready_queue().len(), 1);
    sim.clock.advance(ms(1));
    sim.run_ready();
    assert_eq!(sim.trace.take(), ["y0 t=0", "y1 t=1000", "timer t=1000", "y2 t=1000", "y3 t=1000"]);
}

/// The same with time passing during polls (each poll costs 600 µs): the
/// yielder queued itself before the timer fell due, so it runs first; the
/// timer then comes before the yielder's next turn. (MicroPython orders the
/// same way: its `sleep(0)` re-queues with the current time as the key.)
#[test]
fn timer_due_during_a_poll_runs_after_the_queued_yielder() {
    let sim = Sim::with_poll_cost(600);
    let tr = sim.trace.clone();
    sim.exec.spawn(async move {
        for i in 0..5 {
            tr.at(format!("y{i}"));
            yield_now().await;
        }
    });
    let tr = sim.trace.clone();
    sim.exec.spawn(async move {
        tr.at("sleep 1ms");
        sleep(ms(1)).await;
        tr.at("timer");
    });
    sim.run_all();
    assert_eq!(
        sim.trace.take(),
        ["y0 t=0", "sleep 1ms t=600", "y1 t=1200", "y2 t=1800", "timer t=2400", "y3 t=3000", "y4 t=3600"]
    );
}

/// A sleep never ends early, even when its task is polled again before the
/// deadline (here a `gather` partner keeps yielding, with 100 µs per poll):
/// it ends at the first poll at or after the deadline.
#[test]
fn sleep_never_ends_early_even_when_polled_spuriously() {
    let sim = Sim::with_poll_cost(100);
    let tr = sim.trace.clone();
    sim.block_on(async move {
        let start = now();
        let t = tr.clone();
        let sleeper = async move {
            sleep(ms(10)).await;
            t.at("slept");
            now()
        };
        let spinner = async {
            for _ in 0..150 {
                yield_now().await;
            }
        };
        let (end, ()) = gather((sleeper, spinner)).await;
        assert!(end >= start + ms(10));
    });
    assert_eq!(sim.trace.take(), ["slept t=10000"]);
}

/// Durations are rounded to the nearest microsecond (documented, like
/// `asyncio.sleep(0.25)`), so a sub-microsecond sleep is a plain yield and
/// `sleep(1.499 µs)` ends after 1 µs: "never early" holds at the clock's
/// resolution. With the clock jumping to deadlines every sleep takes exactly
/// its rounded duration.
#[test]
fn sleep_durations_round_to_the_microsecond() {
    let durations = [
        Duration::from_nanos(1),
        Duration::from_nanos(499),
        Duration::from_nanos(500),
        Duration::from_nanos(1_499),
        Duration::from_nanos(1_500),
        Duration::from_micros(7),
        ms(3),
        Duration::from_secs_f64(0.25),
    ];
    let trace = run(move |tr| async move {
        for d in durations {
            let start = now();
            sleep(d).await;
            let waited = now() - start;
            assert!(now() >= start + d);
            tr.log(format!("{d:?}: {}", waited.as_micros()));
        }
    });
    assert_eq!(
        trace,
        ["1ns: 0", "499ns: 0", "500ns: 1", "1.499µs: 1", "1.5µs: 2", "7µs: 7", "3ms: 3000", "250ms: 250000"]
    );
}

// ---------------------------------------------------------------------------
// Inspector: names, tasks(), poll counts, the poll hook, panics
// ---------------------------------------------------------------------------

async fn blink(times: u32) {
    for _ in 0..times {
        sleep(ms(10)).await;
    }
}

async fn generic_blink<P: std::fmt::Debug>(_pin: P) {}

fn row(info: &TaskInfo) -> String {
    format!("{} {} {:?} polls={}", info.id, info.name, info.state, info.polls)
}

/// Task names default to the function that made the future; `spawn_named`
/// and `create_task_named` set one. An `async` block is named after the
/// function it is written in; a combinator after its type (`WaitFor`).
#[test]
fn task_names_default_to_the_async_fn() {
    let sim = Sim::new();
    sim.exec.spawn(blink(0));
    sim.exec.spawn(generic_blink(3u8));
    sim.exec.spawn_named("led", blink(0));
    sim.exec.spawn(async {
        create_task(blink(0));
        create_task_named(format!("led{}", 2), blink(0));
        create_task(wait_for(blink(0), ms(1)));
        create_task(std::future::ready(1));
    });
    let names = |sim: &Sim| sim.exec.tasks().iter().map(|t| t.name.to_string()).collect::<Vec<_>>();
    assert_eq!(names(&sim), ["blink", "generic_blink", "led", "task_names_default_to_the_async_fn"]);
    sim.run_all();
    // All finished now: the inspector lists them in the order they finished.
    assert_eq!(
        names(&sim),
        ["blink", "generic_blink", "led", "task_names_default_to_the_async_fn", "blink", "led2", "WaitFor", "Ready"]
    );
}

/// `tasks()`: each task's state after its polls (Ready, Sleeping{until},
/// Waiting, Done, Cancelled, Failed) and how often it was polled. A
/// cancelled task's last "poll" is the turn at which its future is dropped.
#[test]
fn tasks_states_and_poll_counts() {
    let sim = Sim::new();
    let ev = Event::new();
    let e = ev.clone();
    sim.exec.spawn(blink(2));
    sim.exec.spawn_named("waiter", async move { e.wait().await });
    let yielder = sim.exec.spawn_named("yielder", async { yield_now().await });
    let victim = sim.exec.spawn_named("victim", async { sleep(secs(100)).await });
    sim.exec.spawn_named("crasher", async { fail("boom") });
    let rows = |sim: &Sim| sim.exec.tasks().iter().map(row).collect::<Vec<_>>();
    assert_eq!(
        rows(&sim),
        [
            "#1 blink Ready polls=0",
            "#2 waiter Ready polls=0",
            "#3 yielder Ready polls=0",
            "#4 victim Ready polls=0",
            "#5 crasher Ready polls=0",
        ]
    );
    for _ in 0..5 {
        sim.exec.poll_one();
    }
    assert_eq!(
        rows(&sim),
        [
            "#1 blink Sleeping { until: 10000µs } polls=1",
            "#2 waiter Waiting polls=1",
            "#3 yielder Ready polls=1",
            "#4 victim Sleeping { until: 100000000µs } polls=1",
            "#5 crasher Failed polls=1",
        ]
    );
    // The yielder queued itself again; the others wait.
    assert_eq!(sim.exec.ready_queue(), [yielder.id()]);
    victim.cancel();
    sim.run_ready();
    assert_eq!(
        rows(&sim),
        [
            "#1 blink Sleeping { until: 10000µs } polls=1",
            "#2 waiter Waiting polls=1",
            "#5 crasher Failed polls=1",
            "#3 yielder Done polls=2",
            "#4 victim Cancelled polls=2",
        ]
    );
    ev.set();
    sim.run_all();
    assert_eq!(
        rows(&sim),
        [
            "#5 crasher Failed polls=1",
            "#3 yielder Done polls=2",
            "#4 victim Cancelled polls=2",
            "#2 waiter Done polls=2",
            "#1 blink Done polls=3",
        ]
    );
    assert_eq!(sim.now_us(), 20_000);
}

/// The inspector remembers the 32 most recently finished tasks, oldest first,
/// after the live ones.
#[test]
fn tasks_remembers_the_last_32_finished() {
    let sim = Sim::new();
    for i in 0..40 {
        sim.exec.spawn_named(format!("t{i}"), async {});
    }
    let sleeper = sim.exec.spawn_named("sleeper", async { sleep(ms(1)).await });
    sim.run_ready();
    let names: Vec<_> = sim.exec.tasks().iter().map(|t| t.name.to_string()).collect();
    let mut expected = vec!["sleeper".to_string()];
    expected.extend((8..40).map(|i| format!("t{i}")));
    assert_eq!(names, expected);
    assert!(!sleeper.is_done());
}

/// A task that looks at the inspector sees itself `Running`.
#[test]
fn tasks_shows_the_polled_task_running() {
    let exec = Rc::new(Executor::new(ManualClock::new()));
    let weak: Weak<Executor> = Rc::downgrade(&exec);
    let seen = exec.run_until_complete(
        async move {
            let exec = weak.upgrade().unwrap();
            exec.tasks().iter().map(row).collect::<Vec<_>>()
        },
        |_| {},
    );
    assert_eq!(seen, ["#1 tasks_shows_the_polled_task_running Running polls=1"]);
}

/// The poll hook sees one Start and one End per poll, with the clock and the
/// task's state after the poll.
#[test]
fn poll_hook_sees_start_end_pairs() {
    let sim = Sim::with_poll_cost(5);
    let hook_trace = Trace::new();
    let h = hook_trace.clone();
    sim.exec.set_hook(move |ev| match ev {
        PollEvent::Start { task, name, at } => h.log(format!("start {task} {name} @{}", at.as_micros())),
        PollEvent::End { task, name, at, state } => h.log(format!("end {task} {name} @{} {state:?}", at.as_micros())),
    });
    sim.block_on(async {
        let t = create_task(blink(1));
        yield_now().await;
        t.await.unwrap();
    });
    sim.exec.clear_hook();
    sim.exec.spawn(blink(0));
    sim.run_all();
    assert_eq!(
        hook_trace.take(),
        [
            "start #1 poll_hook_sees_start_end_pairs @0",
            "end #1 poll_hook_sees_start_end_pairs @0 Ready",
            "start #2 blink @5",
            "end #2 blink @5 Sleeping { until: 10005µs }",
            "start #1 poll_hook_sees_start_end_pairs @10",
            "end #1 poll_hook_sees_start_end_pairs @10 Waiting",
            "start #2 blink @10005",
            "end #2 blink @10005 Done",
            "start #1 poll_hook_sees_start_end_pairs @10010",
            "end #1 poll_hook_sees_start_end_pairs @10010 Done",
        ]
    );
}

/// A panicking task ends as `Failed` / `Err(Panicked(message))` (String
/// payloads of `panic!` with arguments too); its destructors run, so a lock
/// it held goes to the next waiter; other tasks and their timers are not
/// disturbed, and the executor keeps working afterwards.
#[test]
fn a_panicking_task_does_not_disturb_the_others() {
    let sim = Sim::new();
    let tr = sim.trace.clone();
    let lock = Lock::new();
    let l = lock.clone();
    let t = tr.clone();
    let ticker = sim.exec.spawn(async move {
        for i in 0..3 {
            sleep(ms(10)).await;
            t.at(format!("tick {i}"));
        }
    });
    let t = tr.clone();
    let mut crasher = sim.exec.spawn_named("crasher", async move {
        let _held = l.acquire().await;
        let _finally = t.on_drop_at("crasher finally");
        sleep(ms(15)).await;
        let n = 42;
        panic!("boom {n}");
    });
    let t = tr.clone();
    let l = lock.clone();
    let next = sim.exec.spawn(async move {
        let _held = l.acquire().await;
        t.at("next got the lock");
    });
    sim.run_all();
    assert!(ticker.is_done() && next.is_done());
    assert_eq!(crasher.try_result(), Some(Err(panicked("boom 42"))));
    assert!(!lock.locked());
    // Still working.
    let t = tr.clone();
    sim.exec.spawn(async move { t.at("after") });
    sim.run_all();
    assert_eq!(
        sim.trace.take(),
        [
            "tick 0 t=10000",
            "crasher finally t=15000",
            "next got the lock t=15000",
            "tick 1 t=20000",
            "tick 2 t=30000",
            "after t=30000",
        ]
    );
    let states: Vec<_> = sim.exec.tasks().iter().map(|t| (t.name.to_string(), t.state)).collect();
    assert!(states.contains(&("crasher".into(), TaskState::Failed)));
}

/// Dropping the executor drops the tasks still alive, with the executor
/// reachable from their destructors (asyncio.run's final cancellation).
#[test]
fn dropping_the_executor_runs_task_destructors() {
    let sim = Sim::new();
    let tr = sim.trace.clone();
    let t = tr.clone();
    sim.exec.spawn(async move {
        let _g = t.on_drop_at("sleeper dropped");
        sleep(secs(5)).await;
    });
    let t = tr.clone();
    let ev = Event::new();
    let e = ev.clone();
    sim.exec.spawn(async move {
        let _g = t.on_drop_at("waiter dropped");
        e.wait().await;
    });
    let t = tr.clone();
    sim.exec.spawn(async move {
        let _g = t.on_drop_at("never polled, dropped");
    });
    sim.exec.poll_one();
    sim.exec.poll_one();
    sim.clock.advance(ms(1));
    drop(sim);
    assert_eq!(tr.take(), ["sleeper dropped t=1000", "waiter dropped t=1000"]);
}

// ---------------------------------------------------------------------------
// loop.call_at: background callbacks
// ---------------------------------------------------------------------------

/// `call_at` runs a callback at exact instants, in the background: it is not
/// a task (no turn, not in `tasks()`), runs before the next task is polled,
/// and stops when cancelled.
#[test]
fn call_at_runs_in_the_background_at_exact_instants() {
    let sim = Sim::new();
    let tr = sim.trace.clone();
    sim.block_on(async move {
        let t = tr.clone();
        let scan = call_at(now(), move |at| {
            t.log(format!("scan at={} now={}", at.as_micros(), now().as_micros()));
            Some(at + ms(20))
        });
        let t = tr.clone();
        create_task(async move {
            for _ in 0..3 {
                sleep(ms(15)).await;
                t.at("task");
            }
        });
        sleep(ms(50)).await;
        scan.cancel();
        tr.at(format!("cancelled {}", scan.is_cancelled()));
        sleep(ms(30)).await;
        tr.at("main end");
    });
    assert_eq!(sim.exec.tasks().len(), 2, "callbacks are not tasks");
    assert_eq!(
        sim.trace.take(),
        [
            "scan at=0 now=0",
            "task t=15000",
            "scan at=20000 now=20000",
            "task t=30000",
            "scan at=40000 now=40000",
            "task t=45000",
            "cancelled true t=50000",
            "main end t=80000",
        ]
    );
}

/// A callback that falls due while the host was busy gets the instant it was
/// scheduled for, and catches up (one call per missed period), all before
/// the next task is polled.
#[test]
fn call_at_catches_up_and_orders_with_timers() {
    let sim = Sim::new();
    let tr = sim.trace.clone();
    let t = tr.clone();
    sim.exec.call_at(Instant::from_millis(10), move |at| {
        t.log(format!("cb at={}", at.as_micros()));
        (at < Instant::from_millis(30)).then(|| at + ms(10))
    });
    let t = tr.clone();
    sim.exec.spawn(async move {
        sleep(ms(10)).await;
        t.at("task");
    });
    sim.exec.poll_one(); // the task sets its timer (10 ms), after the callback
    sim.clock.advance(ms(35));
    sim.run_all();
    assert_eq!(sim.trace.take(), ["cb at=10000", "cb at=20000", "cb at=30000", "task t=35000"]);
}

// ---------------------------------------------------------------------------
// Suspected bugs (see the report): these fail today.
// ---------------------------------------------------------------------------

/// `tasks()` should say `Ready` for a task that is in the ready queue
/// (`TaskState::Ready`'s doc: "In the ready queue, waiting for its turn"),
/// but it keeps the state of the task's last poll until it is polled again:
/// a task whose timer fired shows `Sleeping { until }` in the past, a task
/// woken by an event or cancelled shows `Waiting`.
#[test]
fn tasks_reports_woken_tasks_as_ready() {
    let sim = Sim::new();
    let ev = Event::new();
    let e = ev.clone();
    let sleeper = sim.exec.spawn_named("sleeper", async { sleep(ms(10)).await });
    let waiter = sim.exec.spawn_named("waiter", async move { e.wait().await });
    let victim = sim.exec.spawn_named("victim", std::future::pending::<()>());
    sim.run_ready();
    sim.clock.advance(ms(10));
    sim.exec.wake_due();
    ev.set();
    victim.cancel();
    assert_eq!(sim.exec.ready_queue(), [sleeper.id(), waiter.id(), victim.id()]);
    let states: Vec<_> = sim.exec.tasks().iter().map(|t| t.state).collect();
    assert_eq!(states, [TaskState::Ready, TaskState::Ready, TaskState::Ready]);
}

/// Waiters on a queue are served in the order they started waiting (sync
/// module docs). A getter whose task is polled for another reason while it
/// waits (here a `gather` partner's timer) gives up its place and queues
/// again at the back, so a later getter gets the item first.
#[test]
fn queue_getter_keeps_its_place_when_polled_spuriously() {
    let trace = run(|tr| async move {
        let q: Queue<&str> = Queue::unbounded();
        let (t, q1) = (tr.clone(), q.clone());
        let first = create_task(async move {
            let (v, ()) = gather((q1.get(), sleep(ms(5)))).await;
            t.at(format!("first got {v}"));
        });
        yield_now().await;
        let (t, q2) = (tr.clone(), q.clone());
        let second = create_task(async move {
            let v = q2.get().await;
            t.at(format!("second got {v}"));
        });
        sleep(ms(10)).await;
        q.put_nowait("a").unwrap();
        q.put_nowait("b").unwrap();
        let _ = gather((first, second)).await;
    });
    assert_eq!(trace, ["first got a t=10000", "second got b t=10000"]);
}

/// `is_cancelled()` ("whether the task ended by cancellation") turns false
/// again once the result has been taken, while `is_done()` stays true.
#[test]
fn is_cancelled_survives_taking_the_result() {
    let (seen, _) = run_value(|_| async move {
        let mut t = create_task(std::future::pending::<()>());
        t.cancel();
        let r = (&mut t).await;
        (r, t.is_done(), t.is_cancelled())
    });
    assert_eq!(seen, (Err(TaskError::Cancelled), true, true));
}

/// A callback that asks to run again at an instant that is already due
/// (`Some(at)`, or a period that rounds to 0 µs) is run again at once, in the
/// same `wake_due`, for as long as it keeps asking: `|at| Some(at)` never
/// returns. It should run once per pass (asyncio runs a `call_at` in the past
/// at the loop's next iteration).
#[test]
fn call_at_rescheduled_at_the_same_instant_runs_once_per_pass() {
    let sim = Sim::new();
    let calls = Rc::new(Cell::new(0));
    let c = calls.clone();
    sim.exec.call_at(Instant::ZERO, move |at| {
        c.set(c.get() + 1);
        // A bounded stand-in for "forever", so that the bug fails the test
        // instead of hanging it.
        (c.get() < 1000).then_some(at + Duration::from_nanos(100))
    });
    sim.exec.wake_due();
    assert_eq!(calls.get(), 1);
}

#[test]
fn a_panicking_callback_is_stopped_and_the_scheduler_carries_on() {
    use baton::{call_at, now, sleep, Duration};
    let trace = common::run(|tr| async move {
        let t = tr.clone();
        let mut calls = 0;
        let _cb = call_at(now(), move |at| {
            calls += 1;
            t.log(format!("callback {calls} at {}", at.as_micros()));
            if calls == 2 {
                common::fail("callback broke");
            }
            Some(at + Duration::from_millis(1))
        });
        sleep(Duration::from_millis(5)).await;
        tr.log("main still runs");
    });
    assert_eq!(trace, ["callback 1 at 0", "callback 2 at 1000", "main still runs"]);
}
