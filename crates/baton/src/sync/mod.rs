//! What tasks use to coordinate: [`Event`], [`Lock`], [`Queue`], and
//! [`ThreadSafeFlag`] for interrupt handlers.
//!
//! The first three are for tasks of one executor and are cheap handles:
//! clone one into each task that needs it (the way the guide passes one
//! `Interval` object to two tasks). All of them wake waiters in the order they
//! started waiting, so runs are reproducible.

mod event;
mod flag;
mod lock;
mod queue;
mod waiters;

pub use event::{Event, EventWait};
pub use flag::{FlagWait, ThreadSafeFlag};
pub use lock::{Acquire, Lock, LockGuard};
pub use queue::{Get, Put, Queue, QueueEmpty, QueueFull};
