//! The run queue: every task that will run, keyed by the tick at which it may
//! run.
//!
//! CircuitPython's asyncio keeps this queue as a pairing heap
//! (`TaskQueue`, `asyncio/task.py`), and which of two tasks with the *same*
//! tick runs first is part of how a program behaves: a press that ties with a
//! blink lights the LED with the old interval or the new one. That heap gives
//! tasks back by tick and, among equal ticks, in the order they were pushed —
//! a stable priority queue. This is checked on the library itself
//! (`tests/oracle/heap_model.py`, run by the test command) and against a
//! line-by-line port of the heap (`super::pairing_heap`, in this module's
//! tests), with random pushes, removals and pops.
//!
//! So the queue is built for the common case instead: a task pushed at the
//! current tick (`sleep(0)`, a wake) goes to the back of a FIFO whose entries
//! are already sorted by (tick, push number); a task pushed for a later tick
//! goes into a binary heap by (tick, push number). A pop takes the smaller
//! of the two heads. Pushing and popping a ready task is a `VecDeque`
//! operation, without the heap's melds.
//!
//! The heap leaves a removed task's item in place (a binary heap cannot take
//! out an item from its middle), marked dead by the slot's [`Entry`]: dead
//! items are dropped when they reach the top, and all at once when they
//! outnumber the live ones. Why a heap and not a `BTreeMap`: the same
//! O(log n) pushes and pops in a fraction of the code, which the playground's
//! wasm downloads (the map cost it 2.9 KB gzipped).

use alloc::collections::{BinaryHeap, VecDeque};
use alloc::vec::Vec;
use core::cmp::Reverse;

type Slot = usize;

/// Where a queued slot is: its tick and push number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    key: u64,
    seq: u64,
}

/// Which part of the queue a slot is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum In {
    /// Not queued.
    No,
    /// The FIFO of tasks pushed at the tick they were pushed at.
    Ready,
    /// The map of tasks pushed for a later tick.
    Later,
}

/// A slot's place, while `at` is not [`In::No`].
#[derive(Clone, Copy, Debug)]
struct Entry {
    place: Place,
    at: In,
}

/// The run queue (the library's `_task_queue`).
#[derive(Debug, Default)]
pub(crate) struct RunQueue {
    /// Due tasks pushed at the tick they were pushed: sorted by place
    /// (`entries[slot].place`).
    ready: VecDeque<Slot>,
    /// Tasks pushed for a later tick, smallest place on top; the top is
    /// always live, items below it may be dead (see the module's doc).
    later: BinaryHeap<Reverse<(Place, Slot)>>,
    /// How many of `later`'s items are live.
    later_live: usize,
    /// The key of the FIFO's last entry (while it has one).
    ready_back_key: u64,
    /// Each slot's place.
    entries: Vec<Entry>,
    next_seq: u64,
}

impl RunQueue {
    /// Makes room for slot `n`, so that pushing it later never allocates an
    /// entry for it.
    #[inline]
    fn reserve_slot(&mut self, n: Slot) {
        if n >= self.entries.len() {
            self.grow(n);
        }
    }

    #[cold]
    #[inline(never)]
    fn grow(&mut self, n: Slot) {
        self.entries.resize(n + 1, Entry { place: Place { key: 0, seq: 0 }, at: In::No });
    }

    /// The heap's head (live, by the heap's invariant).
    fn later_head(&self) -> Option<(Place, Slot)> {
        self.later.peek().map(|&Reverse(item)| item)
    }

    /// Whether a heap item is still its slot's place in the queue.
    fn live(&self, item: (Place, Slot)) -> bool {
        live(&self.entries, item)
    }

    /// Drops dead items from the heap's top, so that its head is live.
    fn drop_dead_head(&mut self) {
        while let Some(head) = self.later_head() {
            if self.live(head) {
                break;
            }
            self.later.pop();
        }
    }

    fn entry(&self, n: Slot) -> Option<&Entry> {
        self.entries.get(n).filter(|e| e.at != In::No)
    }

    /// The FIFO's head and its place.
    fn ready_head(&self) -> Option<(Place, Slot)> {
        let &n = self.ready.front()?;
        Some((self.entries[n].place, n))
    }

    /// The head: the slot that runs next, and its tick.
    pub(crate) fn peek(&self) -> Option<(Slot, u64)> {
        let ready = self.ready_head();
        match (ready, self.later_head()) {
            (Some(a), Some(b)) => Some(if a.0 < b.0 { a } else { b }),
            (a, b) => a.or(b),
        }
        .map(|(p, s)| (s, p.key))
    }

    /// Whether slot `n` is queued, and at which tick.
    pub(crate) fn key_of(&self, n: Slot) -> Option<u64> {
        self.entry(n).map(|e| e.place.key)
    }

    /// Whether slot `n` is queued: its tick, and whether it waits for a tick
    /// later than the one it was pushed at (a sleep, not a turn given up).
    pub(crate) fn place_of(&self, n: Slot) -> Option<(u64, bool)> {
        self.entry(n).map(|e| (e.place.key, e.at == In::Later))
    }

    /// How many tasks are queued.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.ready.len() + self.later_live
    }

    /// `TaskQueue.push(v, key)` at tick `now`. The slot must not be queued.
    /// (Inlined; the map's side is not, so that a push at the current tick
    /// stays a few instructions.)
    #[inline]
    pub(crate) fn push(&mut self, n: Slot, key: u64, now: u64) {
        self.reserve_slot(n);
        debug_assert!(self.entries[n].at == In::No, "run queue: task pushed twice");
        let place = Place { key, seq: self.next_seq };
        self.next_seq += 1;
        // The FIFO stays sorted: its keys never exceed the current tick and
        // never decrease, and push numbers only grow.
        let ready = key <= now && (self.ready.is_empty() || self.ready_back_key <= key);
        if ready {
            self.entries[n] = Entry { place, at: In::Ready };
            self.ready.push_back(n);
            self.ready_back_key = key;
        } else {
            self.push_later(n, place);
        }
    }

    #[inline(never)]
    fn push_later(&mut self, n: Slot, place: Place) {
        self.entries[n] = Entry { place, at: In::Later };
        self.later.push(Reverse((place, n)));
        self.later_live += 1;
    }

    /// `TaskQueue.pop()`: takes the head.
    #[cfg(test)]
    pub(crate) fn pop(&mut self) -> Option<Slot> {
        self.pop_due(|| u64::MAX).map(|(n, _)| n)
    }

    /// The run loop's turn: takes the head if its tick is `now()` or earlier;
    /// returns it and the tick it was queued for. `now` is only called when
    /// the FIFO is empty: a FIFO entry is always due (it was pushed at a tick
    /// now past), and so is a sleeper queued before it.
    #[inline]
    pub(crate) fn pop_due(&mut self, now: impl FnOnce() -> u64) -> Option<(Slot, u64)> {
        let take_ready = match (self.ready_head(), self.later_head().map(|(p, _)| p)) {
            (Some((r, _)), Some(l)) => r < l,
            (Some(_), None) => true,
            (None, Some(l)) if l.key <= now() => false,
            (None, _) => return None,
        };
        let n = if take_ready { self.ready.pop_front()? } else { self.pop_later()? };
        let e = &mut self.entries[n];
        e.at = In::No;
        Some((n, e.place.key))
    }

    #[inline(never)]
    fn pop_later(&mut self) -> Option<Slot> {
        let Reverse((_, n)) = self.later.pop()?;
        self.later_live -= 1;
        self.drop_dead_head();
        Some(n)
    }

    /// `TaskQueue.remove(v)`: takes a queued slot out, wherever it is.
    pub(crate) fn remove(&mut self, n: Slot) {
        let Some(e) = self.entries.get_mut(n) else { return };
        let (at, place) = (e.at, e.place);
        e.at = In::No;
        match at {
            In::No => {}
            In::Ready => {
                self.ready.retain(|&m| m != n);
                if let Some(&b) = self.ready.back() {
                    self.ready_back_key = self.entries[b].place.key;
                }
            }
            In::Later => {
                self.later_live -= 1;
                if self.later_head() == Some((place, n)) {
                    self.drop_dead_head();
                }
                // Dead items are kept at most as many as live ones (and 32).
                let dead = self.later.len() - self.later_live;
                if dead > 32 && dead > self.later_live {
                    let entries = &self.entries;
                    self.later.retain(|&Reverse(item)| live(entries, item));
                }
            }
        }
    }

    /// The queued slots in pop order (for the inspector; not a hot path).
    pub(crate) fn snapshot(&self) -> Vec<(Slot, u64)> {
        let mut out: Vec<(Place, Slot)> = self.ready.iter().map(|&n| (self.entries[n].place, n)).collect();
        out.extend(self.later.iter().map(|&Reverse(item)| item).filter(|&item| self.live(item)));
        out.sort_unstable();
        out.into_iter().map(|(p, s)| (s, p.key)).collect()
    }
}

/// Whether a heap item is still its slot's place in the queue (`entries` apart from the
/// queue, so that the heap can be filtered by it).
fn live(entries: &[Entry], (place, n): (Place, Slot)) -> bool {
    let e = &entries[n];
    e.at == In::Later && e.place == place
}

#[cfg(test)]
mod tests {
    use super::super::pairing_heap::PairingHeap;
    use super::RunQueue;
    use alloc::vec::Vec;

    /// Random pushes (at the current tick or later, as the scheduler makes
    /// them), removals, pops and clock ticks: the same order as the port of
    /// the library's heap.
    #[test]
    fn pops_in_the_order_of_the_library_heap() {
        let mut rand = super::super::test_rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..3000 {
            let mut q = RunQueue::default();
            let mut heap = PairingHeap::default();
            let mut now = 0;
            let ahead = [1, 3, 10, 100][rand(4) as usize];
            for _ in 0..rand(150) + 1 {
                let free: Vec<usize> = (0..40).filter(|n| q.key_of(*n).is_none()).collect();
                match rand(12) {
                    0..=5 if !free.is_empty() => {
                        let n = free[rand(free.len() as u64) as usize];
                        let key = if rand(2) == 0 { now } else { now + rand(ahead) };
                        q.push(n, key, now);
                        heap.push(n, key);
                    }
                    6 => {
                        let queued: Vec<usize> = (0..40).filter(|n| q.key_of(*n).is_some()).collect();
                        if let Some(&n) = queued.get(rand(queued.len().max(1) as u64) as usize) {
                            q.remove(n);
                            heap.remove(n);
                        }
                    }
                    7 | 8 => now += 1,
                    _ => assert_eq!(q.pop(), heap.pop()),
                }
                assert_eq!(q.len(), heap.len());
                assert_eq!(q.peek(), heap.peek());
            }
        }
    }

    /// Many sleepers, most of them cancelled (as `wait_for` cancels its
    /// timeout): the heap drops its dead items, and the rest still pop in
    /// the library's order.
    #[test]
    fn removed_sleepers_do_not_pile_up() {
        let mut rand = super::super::test_rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..20 {
            let mut q = RunQueue::default();
            let mut heap = PairingHeap::default();
            let slots = 2000;
            for n in 0..slots {
                let key = rand(1000) + 1;
                q.push(n, key, 0);
                heap.push(n, key);
            }
            for n in 0..slots {
                if rand(10) != 0 || (round % 2 == 0 && n % 2 == 0) {
                    q.remove(n);
                    heap.remove(n);
                    let dead = q.later.len() - q.later_live;
                    assert!(dead <= 33 || dead <= q.later_live + 1, "{dead} dead, {} live", q.later_live);
                }
            }
            assert_eq!(q.len(), heap.len());
            while let Some(n) = heap.pop() {
                assert_eq!(q.peek().map(|(s, _)| s), Some(n));
                assert_eq!(q.pop(), Some(n));
            }
            assert_eq!(q.pop(), None);
        }
    }

    #[test]
    fn a_sleeper_due_now_runs_before_tasks_queued_at_this_tick() {
        let mut q = RunQueue::default();
        q.push(0, 5, 0); // sleeps until tick 5
        q.push(1, 5, 5); // gives up its turn at tick 5, after
        q.push(2, 3, 3); // a task woken at tick 3
        assert_eq!(core::iter::from_fn(|| q.pop()).collect::<Vec<_>>(), [2, 0, 1]);
    }
}
