//! `keypad`: debounced key events, scanned in the background.
//!
//! CircuitPython's `keypad` does not use interrupts: it reads the keys every
//! few milliseconds (20 ms by default) in the background and queues an event
//! for each key whose state changed. That scan is itself debouncing: a switch
//! that bounces for less than the interval is seen as one press.
//!
//! Here the background is a scheduler callback ([`baton::call_at`]) on a
//! fixed 20 ms schedule counted from when [`Keys`] was created. It is not a
//! task: it costs no turn and cannot be delayed behind other tasks' turns.
//! The simulator runs it at its exact virtual instant; on hardware it runs at
//! the first scheduler turn at or after its instant. A task can poll with
//! [`EventQueue::get`], as the guide does, or `await` [`EventQueue::next`]
//! and sleep until a key changes.

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::vec::Vec;
use baton::{call_at, now, CallbackHandle, Duration, Instant};
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
    scanner: CallbackHandle,
}

impl Keys {
    /// Keys on `pins`; a key is pressed when its pin reads
    /// `value_when_pressed` (`false` for the guide's active-low buttons).
    /// Scans every [`DEFAULT_INTERVAL`].
    ///
    /// # Panics
    /// Outside a task (the scan is scheduled on the running executor).
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
        let shared =
            Rc::new(RefCell::new(Shared { queue: VecDeque::new(), overflowed: false, changed: baton::Event::new() }));
        let pressed = alloc::vec![false; pins.len()];
        let mut scan = Scan { pins, value_when_pressed, pressed, shared: shared.clone() };
        // The first scan is at creation; then every `interval` on a fixed
        // schedule, so scans never drift.
        let scanner = call_at(now(), move |at| {
            scan.scan(at);
            Some(at + interval)
        });
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

/// The background scan's state.
struct Scan<P> {
    pins: Vec<P>,
    value_when_pressed: bool,
    pressed: Vec<bool>,
    shared: Rc<RefCell<Shared>>,
}

impl<P: InputPin<Error = Infallible>> Scan<P> {
    /// Reads every key and queues an event for each change.
    fn scan(&mut self, at: Instant) {
        let mut any = false;
        for (key_number, pin) in self.pins.iter_mut().enumerate() {
            let Ok(high) = pin.is_high();
            let is_pressed = high == self.value_when_pressed;
            if is_pressed != self.pressed[key_number] {
                self.pressed[key_number] = is_pressed;
                let mut s = self.shared.borrow_mut();
                if s.queue.len() < MAX_EVENTS {
                    s.queue.push_back(Event { key_number, pressed: is_pressed, timestamp: at });
                    any = true;
                } else {
                    s.overflowed = true;
                }
            }
        }
        if any {
            let changed = self.shared.borrow().changed.clone();
            changed.set();
        }
    }
}
