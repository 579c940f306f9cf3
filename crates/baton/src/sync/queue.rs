//! `Queue`: hand items from producer tasks to consumer tasks.
//!
//! CircuitPython's asyncio has no queue (users have asked since 2021); this
//! is asyncio's `Queue` with the same names: bounded or not, `put`/`get`
//! that wait, `put_nowait`/`get_nowait` that don't.

use super::waiters::WaitList;
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

/// [`Queue::put_nowait`] on a full queue: the item comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueFull<T>(pub T);

/// [`Queue::get_nowait`] on an empty queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueEmpty;

impl<T> fmt::Display for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is full")
    }
}

impl fmt::Display for QueueEmpty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is empty")
    }
}

/// A first-in, first-out queue between tasks. Clones are handles to the same
/// queue.
///
/// ```
/// use baton::{create_task, Executor, ManualClock, Queue};
/// # let exec = Executor::new(ManualClock::new());
/// let got = exec.run_until_complete(async {
///     let q = Queue::bounded(1);
///     let producer = create_task({
///         let q = q.clone();
///         async move { for i in 0..3 { q.put(i).await } }
///     });
///     let mut got = Vec::new();
///     for _ in 0..3 { got.push(q.get().await) }
///     let _ = producer.await;
///     got
/// }, |_| {});
/// assert_eq!(got, [0, 1, 2]);
/// ```
pub struct Queue<T> {
    inner: Rc<Inner<T>>,
}

impl<T> Clone for Queue<T> {
    fn clone(&self) -> Self {
        Queue { inner: self.inner.clone() }
    }
}

struct Inner<T> {
    maxsize: usize,
    items: RefCell<VecDeque<T>>,
    getters: RefCell<WaitList>,
    putters: RefCell<WaitList>,
}

impl<T> Queue<T> {
    /// A queue without a size limit.
    pub fn unbounded() -> Self {
        Self::bounded(0)
    }

    /// A queue of at most `maxsize` items (`0` means no limit, as in asyncio).
    pub fn bounded(maxsize: usize) -> Self {
        Queue {
            inner: Rc::new(Inner {
                maxsize,
                items: RefCell::new(VecDeque::new()),
                getters: RefCell::default(),
                putters: RefCell::default(),
            }),
        }
    }

    /// The size limit (`0`: none).
    pub fn maxsize(&self) -> usize {
        self.inner.maxsize
    }

    /// How many items are waiting.
    pub fn qsize(&self) -> usize {
        self.inner.items.borrow().len()
    }

    /// Whether no item is waiting.
    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    /// Whether a `put` would wait.
    pub fn full(&self) -> bool {
        self.inner.maxsize > 0 && self.qsize() >= self.inner.maxsize
    }

    /// Adds an item if there is room, without waiting.
    pub fn put_nowait(&self, item: T) -> Result<(), QueueFull<T>> {
        if self.full() {
            return Err(QueueFull(item));
        }
        self.inner.items.borrow_mut().push_back(item);
        self.inner.getters.borrow_mut().release_first();
        Ok(())
    }

    /// Takes the oldest item if there is one, without waiting.
    pub fn get_nowait(&self) -> Result<T, QueueEmpty> {
        let item = self.inner.items.borrow_mut().pop_front().ok_or(QueueEmpty)?;
        self.inner.putters.borrow_mut().release_first();
        Ok(item)
    }

    /// Adds an item, waiting for room if the queue is full.
    pub fn put(&self, item: T) -> Put<T> {
        Put { queue: self.clone(), item: Some(item), ticket: None }
    }

    /// Takes the oldest item, waiting for one if the queue is empty.
    pub fn get(&self) -> Get<T> {
        Get { queue: self.clone(), ticket: None }
    }
}

impl<T> fmt::Debug for Queue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Queue").field("qsize", &self.qsize()).field("maxsize", &self.maxsize()).finish()
    }
}

/// The future of [`Queue::put`].
#[must_use = "put does nothing unless awaited"]
pub struct Put<T> {
    queue: Queue<T>,
    item: Option<T>,
    ticket: Option<u64>,
}

impl<T> Unpin for Put<T> {}

impl<T> Future for Put<T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if let Some(t) = this.ticket {
            let mut putters = this.queue.inner.putters.borrow_mut();
            if !putters.is_released(t) && this.queue.full() {
                // Polled for another reason (a gather or wait_for partner):
                // keep our place in line.
                return Poll::Pending;
            }
            putters.remove(t);
            this.ticket = None;
        }
        let item = this.item.take().expect("baton: Queue::put polled after completion");
        match this.queue.put_nowait(item) {
            Ok(()) => Poll::Ready(()),
            Err(QueueFull(item)) => {
                this.item = Some(item);
                this.ticket = Some(this.queue.inner.putters.borrow_mut().push_current());
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for Put<T> {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            // Released but gone: give the free slot to the next putter.
            if self.queue.inner.putters.borrow_mut().remove(t) && !self.queue.full() {
                self.queue.inner.putters.borrow_mut().release_first();
            }
        }
    }
}

/// The future of [`Queue::get`].
#[must_use = "get does nothing unless awaited"]
pub struct Get<T> {
    queue: Queue<T>,
    ticket: Option<u64>,
}

impl<T> Future for Get<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<T> {
        let this = &mut *self;
        if let Some(t) = this.ticket {
            let mut getters = this.queue.inner.getters.borrow_mut();
            if !getters.is_released(t) && this.queue.empty() {
                // Polled for another reason (a gather or wait_for partner):
                // keep our place in line.
                return Poll::Pending;
            }
            getters.remove(t);
            this.ticket = None;
        }
        match this.queue.get_nowait() {
            Ok(item) => Poll::Ready(item),
            Err(QueueEmpty) => {
                this.ticket = Some(this.queue.inner.getters.borrow_mut().push_current());
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for Get<T> {
    fn drop(&mut self) {
        if let Some(t) = self.ticket.take() {
            // Released but gone: let the next getter have the item.
            if self.queue.inner.getters.borrow_mut().remove(t) && !self.queue.empty() {
                self.queue.inner.getters.borrow_mut().release_first();
            }
        }
    }
}
