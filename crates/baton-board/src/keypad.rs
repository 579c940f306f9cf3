//! `keypad`: debounced key events, scanned in the background.
//!
//! CircuitPython's `keypad` does not use interrupts: it reads the keys every
//! few milliseconds (20 ms by default) in the background and queues an event
//! for each key whose state changed. That scan is itself debouncing: a switch
//! that bounces for less than the interval is seen as one press.
//!
//! Here the background is a Baton task (named `keypad`) that wakes on a fixed
//! 20 ms schedule counted from when [`Keys`] was created — the same timing on
//! every host, and visible in the playground's inspector. A task can poll
//! with [`EventQueue::get`], as the guide does, or `await`
//! [`EventQueue::next`] and sleep until a key changes.

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::vec::Vec;
use baton::{create_task_named, now, sleep_until, Duration, Instant, Task};
use core::cell::RefCell;
use core::convert::Infallible;
use embedded_hal::digital::InputPin;

/// How many events wait before new ones are dropped (CircuitPython's
/// `max_events` default).
pub const MAX_EVENTS: usize = 64;

/// The scan interval CircuitPython uses by default.
pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(20);

/// A key changed: `keypad.Event`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    /// The key's index in the pins given to [`Keys::new`].
    pub key_number: usize,
    /// `true` for a press, `false` for a release.
    pub pressed: bool,
    /// The scan that saw the change.
    pub timestamp: Instant,
}

impl Event {
    /// Whether this is a release.
    pub fn released(&self) -> bool {
        !self.pressed
    }
}

struct Shared {
    queue: VecDeque<Event>,
    overflowed: bool,
    changed: baton::Event,
}

/// The events of a [`Keys`]: `keys.events` in the guide.
#[derive(Clone)]
pub struct EventQueue {
    shared: Rc<RefCell<Shared>>,
}

impl EventQueue {
    /// The oldest event, or `None` if no key changed: never waits.
    pub fn get(&self) -> Option<Event> {
        self.shared.borrow_mut().queue.pop_front()
    }

    /// Waits for the next event. Unlike polling `get` with `sleep(0)`, the
    /// waiting task uses no time at all until a key changes.
    pub async fn next(&self) -> Event {
        loop {
            if let Some(e) = self.get() {
                return e;
            }
            let changed = self.shared.borrow().changed.clone();
            changed.clear();
            changed.wait().await;
        }
    }

    /// How many events are waiting.
    pub fn len(&self) -> usize {
        self.shared.borrow().queue.len()
    }

    /// Whether no event is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether events were dropped because the queue was full (cleared by
    /// [`EventQueue::clear`]).
    pub fn overflowed(&self) -> bool {
        self.shared.borrow().overflowed
    }

    /// Drops all waiting events and clears `overflowed`.
    pub fn clear(&self) {
        let mut s = self.shared.borrow_mut();
        s.queue.clear();
        s.overflowed = false;
    }
}

/// Keys on individual pins, scanned every 20 ms: `keypad.Keys`.
///
/// Must be created inside a task (it starts its scanning task). Dropping it
/// stops the scanning, like leaving the guide's `with keypad.Keys(…)` block.
///
/// ```
/// use baton::{sleep, Duration, Executor, ManualClock};
/// use baton_board::keypad::Keys;
/// # use core::convert::Infallible;
/// # use std::{cell::Cell, rc::Rc};
/// # #[derive(Clone)] struct Button(Rc<Cell<bool>>);
/// # impl embedded_hal::digital::ErrorType for Button { type Error = Infallible; }
/// # impl embedded_hal::digital::InputPin for Button {
/// #     fn is_high(&mut self) -> Result<bool, Infallible> { Ok(self.0.get()) }
/// #     fn is_low(&mut self) -> Result<bool, Infallible> { Ok(!self.0.get()) }
/// # }
/// let level = Rc::new(Cell::new(true)); // released: pulled up
/// let button = Button(level.clone());
/// let clock = Rc::new(ManualClock::new());
/// let exec = Executor::new(clock.clone());
/// let event = exec.run_until_complete(async move {
///     let keys = Keys::new(vec![button], false);
///     baton::yield_now().await; // the first scan (t = 0) sees nothing pressed
///     level.set(false); // pressed
///     keys.events().next().await
/// }, |t| clock.advance_to(t.unwrap()));
/// assert!(event.pressed);
/// assert_eq!(event.timestamp.as_micros(), 20_000); // seen by the next scan
/// ```
pub struct Keys {
    events: EventQueue,
    scanner: Task<()>,
}

impl Keys {
    /// Keys on `pins`; a key is pressed when its pin reads
    /// `value_when_pressed` (`false` for the guide's active-low buttons).
    /// Scans every [`DEFAULT_INTERVAL`].
    ///
    /// # Panics
    /// Outside a task (the scanner is a task).
    pub fn new<P>(pins: Vec<P>, value_when_pressed: bool) -> Keys
    where
        P: InputPin<Error = Infallible> + 'static,
    {
        Self::with_interval(pins, value_when_pressed, DEFAULT_INTERVAL)
    }

    /// Like [`Keys::new`] with a scan interval of your own.
    pub fn with_interval<P>(pins: Vec<P>, value_when_pressed: bool, interval: Duration) -> Keys
    where
        P: InputPin<Error = Infallible> + 'static,
    {
        let shared = Rc::new(RefCell::new(Shared {
            queue: VecDeque::new(),
            overflowed: false,
            changed: baton::Event::new(),
        }));
        let start = now();
        let scanner = create_task_named("keypad", scan(pins, value_when_pressed, interval, start, shared.clone()));
        Keys { events: EventQueue { shared }, scanner }
    }

    /// The event queue: `keys.events`.
    pub fn events(&self) -> &EventQueue {
        &self.events
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.scanner.cancel();
    }
}

/// The background scan: read every key at `start + k·interval`, queue an
/// event for each change. A fixed schedule, so scans do not drift however
/// late the task gets its turn.
async fn scan<P: InputPin<Error = Infallible>>(
    mut pins: Vec<P>,
    value_when_pressed: bool,
    interval: Duration,
    start: Instant,
    shared: Rc<RefCell<Shared>>,
) {
    let mut pressed: Vec<bool> = alloc::vec![false; pins.len()];
    let mut k: u32 = 0;
    loop {
        let t = now();
        let mut any = false;
        for (key_number, pin) in pins.iter_mut().enumerate() {
            let Ok(high) = pin.is_high();
            let is_pressed = high == value_when_pressed;
            if is_pressed != pressed[key_number] {
                pressed[key_number] = is_pressed;
                let mut s = shared.borrow_mut();
                if s.queue.len() < MAX_EVENTS {
                    s.queue.push_back(Event { key_number, pressed: is_pressed, timestamp: t });
                    any = true;
                } else {
                    s.overflowed = true;
                }
            }
        }
        if any {
            shared.borrow().changed.set();
        }
        k = k.saturating_add(1);
        sleep_until(start + interval * k).await;
    }
}
