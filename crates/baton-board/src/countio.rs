//! `countio`: count a pin's edges with an interrupt — every one of them.
//!
//! The guide's point about `countio`: it catches every transition, which with
//! a mechanical switch includes the bounces; `keypad` does not. On hardware
//! the count is kept by a GPIO interrupt handler; in the simulator the
//! virtual board calls the same [`EdgeSink`] at the exact virtual time of
//! each edge. Either way the handler only increments a counter and raises a
//! [`baton::ThreadSafeFlag`], inside one critical section, so a task can
//! poll [`Counter::count`] as the guide does or `await` [`Counter::wait`].

use baton::ThreadSafeFlag;
use core::cell::Cell;
use critical_section::{CriticalSection, Mutex};
use portable_atomic_util::Arc;

/// Which edges count: `countio.Edge`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Edge {
    /// Low to high.
    Rise,
    /// High to low (the default, as in CircuitPython: an active-low button
    /// being pressed).
    #[default]
    Fall,
    /// Both.
    RiseAndFall,
}

impl Edge {
    fn counts(self, rising: bool) -> bool {
        match self {
            Edge::Rise => rising,
            Edge::Fall => !rising,
            Edge::RiseAndFall => true,
        }
    }
}

struct Core {
    edge: Edge,
    count: Mutex<Cell<u32>>,
    flag: ThreadSafeFlag,
}

/// The handle an edge interrupt calls. Cheap to clone; safe to call from an
/// interrupt handler (one critical section for the count, the flag and the
/// wake; no allocation).
#[derive(Clone)]
pub struct EdgeSink {
    core: Arc<Core>,
}

impl EdgeSink {
    /// Reports one edge: `rising` is `true` for low-to-high.
    pub fn edge(&self, rising: bool) {
        if self.core.edge.counts(rising) {
            critical_section::with(|cs| self.count_in(cs));
        }
    }

    /// [`EdgeSink::edge`] inside a critical section the caller holds (an
    /// interrupt handler that takes one to reach its pins): the count, the
    /// flag and the wake of the task all happen in it.
    pub fn edge_in(&self, rising: bool, cs: CriticalSection<'_>) {
        if self.core.edge.counts(rising) {
            self.count_in(cs);
        }
    }

    fn count_in(&self, cs: CriticalSection<'_>) {
        let c = self.core.count.borrow(cs);
        c.set(c.get().wrapping_add(1));
        self.core.flag.set_in(cs);
    }
}

/// A pin that can report its edges from an interrupt.
pub trait EdgeSource {
    /// From now on, call `sink.edge(rising)` on every level change.
    fn attach(&mut self, sink: EdgeSink);
    /// Stop reporting edges.
    fn detach(&mut self);
}

/// Counts edges on a pin: `countio.Counter`.
///
/// ```
/// use baton_board::countio::{Counter, Edge, EdgeSink, EdgeSource};
/// use std::{cell::RefCell, rc::Rc};
///
/// /// A pin whose "interrupt" we fire by hand.
/// #[derive(Clone, Default)]
/// struct Wire(Rc<RefCell<Option<EdgeSink>>>);
/// impl EdgeSource for Wire {
///     fn attach(&mut self, sink: EdgeSink) { *self.0.borrow_mut() = Some(sink) }
///     fn detach(&mut self) { *self.0.borrow_mut() = None }
/// }
///
/// let wire = Wire::default();
/// let mut counter = Counter::new(wire.clone(), Edge::Fall);
/// let irq = wire.0.borrow().clone().unwrap();
/// irq.edge(false); // pressed
/// irq.edge(true);  // a bounce up...
/// irq.edge(false); // ...and down again
/// assert_eq!(counter.count(), 2);
/// counter.set_count(0);
/// assert_eq!(counter.count(), 0);
/// ```
pub struct Counter<S: EdgeSource> {
    source: S,
    core: Arc<Core>,
}

impl<S: EdgeSource> Counter<S> {
    /// Starts counting `edge`s of `source` from zero.
    pub fn new(mut source: S, edge: Edge) -> Self {
        let core = Arc::new(Core { edge, count: Mutex::new(Cell::new(0)), flag: ThreadSafeFlag::new() });
        source.attach(EdgeSink { core: core.clone() });
        Counter { source, core }
    }

    /// Edges counted since creation or the last [`Counter::set_count`].
    pub fn count(&self) -> u32 {
        critical_section::with(|cs| self.core.count.borrow(cs).get())
    }

    /// Sets the count (the guide's `interrupt.count = 0`).
    pub fn set_count(&mut self, value: u32) {
        critical_section::with(|cs| self.core.count.borrow(cs).set(value));
    }

    /// Sets the count to zero.
    pub fn reset(&mut self) {
        self.set_count(0);
    }

    /// Waits until at least one edge has been counted since the last `wait`
    /// returned (edges that came while nobody waited count too).
    pub async fn wait(&self) {
        self.core.flag.wait().await;
    }
}

impl<S: EdgeSource> Drop for Counter<S> {
    fn drop(&mut self) {
        self.source.detach();
    }
}
