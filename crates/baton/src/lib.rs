//! # Baton: cooperative multitasking in the style of CircuitPython's asyncio
//!
//! Tasks take turns. Each runs until it `await`s something — a sleep, an
//! event, another task — and then the scheduler gives the turn to the next
//! task that is ready. This crate is the scheduler, with the names the
//! guide *Cooperative Multitasking in CircuitPython with asyncio* teaches:
//!
//! | asyncio                          | Baton                                   |
//! |----------------------------------|-----------------------------------------|
//! | `asyncio.create_task(coro)`      | [`create_task`]`(fut)` → [`Task`]       |
//! | `await asyncio.gather(t1, t2)`   | [`gather()`]`((t1, t2)).await`          |
//! | `await asyncio.sleep(0.25)`      | [`sleep_secs`]`(0.25).await` or [`sleep`]`(Duration::from_millis(250)).await` |
//! | `await asyncio.sleep_ms(250)`    | [`sleep_ms`]`(250).await`               |
//! | `await asyncio.sleep(0)`         | [`yield_now`]`().await`                 |
//! | `asyncio.run(main())`            | [`run`]`(main())` (std) or a host loop  |
//! | `Event`, `Lock`, `Queue`         | [`Event`], [`Lock`], [`Queue`]          |
//! | `asyncio.wait_for(aw, timeout)`  | [`wait_for`]`(fut, timeout)`, [`wait_for_ms`] |
//! | `task.cancel()`                  | [`Task::cancel`]                        |
//! | `loop.call_at(when, callback)`   | [`call_at`] (background callbacks)      |
//! | `ThreadSafeFlag` (MicroPython)   | [`ThreadSafeFlag`]                      |
//!
//! ```
//! use baton::{create_task, gather, sleep, Duration};
//!
//! async fn blink(name: &'static str, interval: Duration, count: u32) {
//!     for _ in 0..count {
//!         println!("{name} on");
//!         sleep(interval).await; // Don't forget the await!
//!         println!("{name} off");
//!         sleep(interval).await;
//!     }
//! }
//!
//! baton::run(async {
//!     let led1 = create_task(blink("D1", Duration::from_millis(3), 2));
//!     let led2 = create_task(blink("D2", Duration::from_millis(1), 4));
//!     let _ = gather((led1, led2)).await;
//!     println!("done");
//! });
//! ```
//!
//! ## Who drives it
//! The scheduler owns no time and never idles by itself: a host supplies a
//! [`Clock`] and calls [`Executor::poll_one`] / [`Executor::next_deadline`]
//! (see [`executor`]). That is how the same tasks run on the simulator's
//! virtual clock, in a browser, on an RP2040 that sleeps in WFI between
//! timers, or on a thread ([`run`]).
//!
//! ## Scheduling as CircuitPython does
//! Which task runs next is decided exactly as in Adafruit_CircuitPython_asyncio
//! 3.1.1, the library the guide's programs run on (the project's tests compare
//! traces with it to the microsecond):
//! - time is read in ticks, 1 ms by default ([`Executor::with_tick`] for finer);
//! - one run queue holds ready and sleeping tasks alike, keyed by the tick at
//!   which each may run, ties broken as the library's pairing heap breaks
//!   them (which comes to: by tick, then in the order they were queued);
//! - `sleep` counts whole ticks from the current tick;
//! - a task woken by an event, a lock hand-off or a task it awaited is
//!   queued at the current tick, at the moment of the wake;
//! - `gather` and `wait_for` take the same turns as the library's.
//!
//! The same program with the same clock always runs the same way — which the
//! simulator and its golden traces rely on.
//!
//! ## Panics
//! With the `std` feature (default) a panic inside a task is caught: the task
//! ends as [`TaskError::Panicked`] and the scheduler carries on (a task that
//! fails with nobody awaiting it takes one more turn, as in the library). Without
//! `std`, a panic goes to the firmware's `#[panic_handler]` and does not come
//! back; the firmware decides (halt, reset, blink an error).
//!
//! ## `no_std`
//! The crate is `no_std` + `alloc`. Wakers and [`ThreadSafeFlag`] use
//! `critical-section`, so they are safe to use from interrupt handlers on a
//! single-core MCU; targets without atomic compare-and-swap (thumbv6m) need
//! `portable-atomic`'s `critical-section` feature enabled by the firmware (or,
//! on a single core, its `unsafe-assume-single-core`, as Baton's firmware does).
//! Without `std` there are no threads to keep the "current executor" in: the
//! firmware names the one context that runs executors (thread mode, on a
//! single-core Cortex-M) with `executor::set_executor_context` before it
//! makes one.

#![no_std]
#![cfg_attr(feature = "std", forbid(unsafe_code))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod callback;
mod context;
pub mod executor;
pub mod gather;
mod ready;
#[cfg(feature = "std")]
mod run;
mod scheduler;
mod sleep;
pub mod sync;
mod task;
pub mod time;
mod wait_for;

pub use callback::{call_at, call_later};
pub use executor::{Background, Entered, Executor, PollOutcome};
pub use gather::{gather, IntoTask};
#[cfg(feature = "std")]
pub use run::run;
pub use scheduler::callbacks::CallbackHandle;
pub use scheduler::header::{TaskInfo, TaskState};
pub use scheduler::PollEvent;
pub use sleep::{now, sleep, sleep_ms, sleep_secs, sleep_until, sleep_until_tick, yield_now, Sleep};
pub use sync::{Event, Lock, LockGuard, Queue, QueueEmpty, QueueFull, ThreadSafeFlag};
pub use task::{create_task, create_task_named, current_task, Join, Task, TaskError, TaskId};
#[cfg(feature = "std")]
pub use time::StdClock;
pub use time::{Clock, Duration, Instant, ManualClock};
pub use wait_for::{wait_for, wait_for_ms, TimeoutError};
