//! `run`: asyncio's `asyncio.run(main())` for std hosts.

use crate::executor::Executor;
use crate::time::{Clock, StdClock};
use core::future::Future;

/// Runs `main` on a new executor driven by the wall clock until it finishes,
/// sleeping the thread whenever no task is ready. The guide's
/// `asyncio.run(main())`.
///
/// # Panics
/// If `main` panics or is cancelled, or waits for something that can never
/// happen (nothing ready, no timer set, nothing else can wake it).
///
/// ```
/// use baton::{create_task, gather, sleep, Duration};
///
/// async fn blink(times: u32) -> u32 {
///     for _ in 0..times {
///         sleep(Duration::from_millis(1)).await;
///     }
///     times
/// }
///
/// let results = baton::run(async {
///     let a = create_task(blink(3));
///     let b = create_task(blink(2));
///     gather((a, b)).await
/// });
/// assert_eq!(results, (Ok(3), Ok(2)));
/// ```
pub fn run<F>(main: F) -> F::Output
where
    F: Future + 'static,
    F::Output: 'static,
{
    let clock = StdClock::new();
    let exec = Executor::new(clock);
    exec.run_until_complete(main, |deadline| {
        if let Some(deadline) = deadline {
            let wait = deadline - clock.now();
            if !wait.is_zero() {
                std::thread::sleep(wait);
            }
        }
    })
}
