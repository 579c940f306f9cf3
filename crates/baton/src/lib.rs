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
//! The crate is `no_std` + `alloc`. Its `std` feature is on by default, for programs on a
//! computer; a firmware depends on it without:
//!
//! ```toml
//! # (a path into a clone of Baton's repository: the name `baton` on crates.io is another crate's)
//! baton = { path = "../baton/crates/baton", default-features = false }
//! # thumbv6m (RP2040) has no atomic compare-and-swap: portable-atomic must be told how to
//! # make one (on a single core: assume nothing else runs; or its "critical-section").
//! portable-atomic = { version = "1", features = ["unsafe-assume-single-core"] }
//! # The example below also uses:
//! cortex-m = { version = "0.7", features = ["critical-section-single-core"] }
//! cortex-m-rt = "0.7"
//! embedded-alloc = "0.6"
//! panic-halt = "1"
//! ```
//!
//! Left on for a target without an operating system (`target_os = "none"`), `std` stops the
//! build with an error that says so. Wakers and [`ThreadSafeFlag`] use `critical-section`,
//! so they are safe to use from interrupt handlers on a single-core MCU; the firmware brings
//! the implementation (`cortex-m`'s `critical-section-single-core`), while on every target
//! with an operating system baton turns on critical-section's std one. Without `std` there
//! are no threads to keep the "current executor" in: the firmware names the one context that
//! runs executors (thread mode, on a single-core Cortex-M) with
//! `executor::set_executor_context` before it makes one.
//!
//! A firmware's `main`, whole — the executor, a clock, and the host loop that sleeps in WFI
//! until the next deadline (Baton's own firmware, `crates/baton-rp2040/src/host_loop.rs`, is this with a
//! watchdog and its board). It is not compiled here: it needs a Cortex-M target,
//! `cortex-m-rt`, a heap and baton built without `std` (`set_executor_context` exists only
//! there), none of which a doctest on the host has.
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//! extern crate alloc;
//!
//! use baton::{Clock, Executor, Instant};
//! use embedded_alloc::LlffHeap as Heap;
//! use panic_halt as _;
//!
//! #[global_allocator]
//! static HEAP: Heap = Heap::empty();
//!
//! /// The scheduler's clock: a free-running 1 MHz hardware timer (your HAL's).
//! struct TimerClock(my_hal::Timer);
//! impl Clock for TimerClock {
//!     fn now(&self) -> Instant {
//!         Instant::from_micros(self.0.get_counter_us())
//!     }
//! }
//!
//! /// Thread mode: no exception is active (IPSR is 0).
//! fn thread_mode() -> bool {
//!     cortex_m::peripheral::SCB::vect_active() == cortex_m::peripheral::scb::VectActive::ThreadMode
//! }
//!
//! #[cortex_m_rt::entry]
//! fn main() -> ! {
//!     {
//!         static mut MEMORY: [core::mem::MaybeUninit<u8>; 16 * 1024] = [core::mem::MaybeUninit::uninit(); 16 * 1024];
//!         // SAFETY: runs once, before anything allocates; MEMORY is used by nothing else.
//!         unsafe { HEAP.init(core::ptr::addr_of_mut!(MEMORY) as usize, 16 * 1024) }
//!     }
//!     let (timer, alarm, board) = my_hal::init();
//!     // SAFETY: only one core runs, so thread mode is one context of execution, and
//!     // interrupt handlers are not in it.
//!     unsafe { baton::executor::set_executor_context(thread_mode) };
//!     let exec = Executor::new(TimerClock(timer));
//!     exec.spawn_main(my_app::main(board));
//!     let _entered = exec.enter(); // installed once for the whole loop
//!     loop {
//!         if exec.poll_one().is_some() {
//!             continue;
//!         }
//!         // Nothing is due. Interrupts masked: look once more, arm the alarm, sleep. A pending
//!         // interrupt ends WFI even while masked, so a wake in between is not lost.
//!         cortex_m::interrupt::free(|_| {
//!             if exec.has_ready() {
//!                 return;
//!             }
//!             if let Some(t) = exec.next_deadline() {
//!                 alarm.schedule_at_us(t.as_micros()); // fires at once if t has passed
//!             }
//!             cortex_m::asm::wfi();
//!         });
//!     }
//! }
//! ```
//!
//! The same loop, compiled and run here, on a [`ManualClock`] that the "alarm" moves:
//!
//! ```
//! use baton::{create_task, sleep_ms, Clock, Executor, ManualClock};
//! use std::rc::Rc;
//!
//! let clock = Rc::new(ManualClock::new());
//! let exec = Executor::new(clock.clone());
//! let main = exec.spawn_main(async {
//!     let blink = create_task(async { sleep_ms(250).await; 1 });
//!     sleep_ms(100).await;
//!     blink.await.unwrap() + 1
//! });
//! let _entered = exec.enter();
//! while !main.is_done() {
//!     if exec.poll_one().is_some() {
//!         continue;
//!     }
//!     if exec.has_ready() {
//!         continue;
//!     }
//!     match exec.next_deadline() {
//!         Some(t) => clock.advance_to(t), // the alarm fires, WFI returns
//!         None => unreachable!("nothing can wake a task: on a board, WFI waits for an interrupt"),
//!     }
//! }
//! assert_eq!(clock.now().as_micros(), 250_000);
//! ```

#![no_std]
#![cfg_attr(feature = "std", forbid(unsafe_code))]

// The `std` feature is on by default, so a firmware that forgets `default-features = false`
// would otherwise fail far from here ("can't find crate for std", in a dependency).
#[cfg(all(feature = "std", target_os = "none"))]
compile_error!(
    "baton: the `std` feature (on by default) needs the standard library, which this target \
     does not have; depend on baton with `default-features = false` \
     (baton = { path = \"…/crates/baton\", default-features = false })"
);

extern crate alloc;
// Not on a bare-metal target even with `std` on: the compile_error! above says why, and
// "can't find crate for std" here would only come first.
#[cfg(all(feature = "std", not(target_os = "none")))]
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
