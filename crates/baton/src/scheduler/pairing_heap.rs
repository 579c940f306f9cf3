//! The library's pairing heap (`TaskQueue` in Adafruit_CircuitPython_asyncio
//! 3.1.1, `asyncio/task.py`), ported line by line. It is the reference the
//! run queue ([`super::run_queue`]) is tested against: same pushes, removals
//! and pops, same order. (Compiled for tests only.)

use alloc::vec::Vec;

type Node = usize;

/// A link: a slot number, or none. `u32` keeps a node's links in 32 bytes
/// (one cache line holds two), which the hot path of every turn reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Link(u32);

impl Link {
    const NONE: Link = Link(u32::MAX);

    fn get(self) -> Option<Node> {
        (self != Link::NONE).then_some(self.0 as Node)
    }
}

impl From<Option<Node>> for Link {
    fn from(n: Option<Node>) -> Link {
        // Slots are counted in u32: four billion live tasks do not fit in memory.
        n.map_or(Link::NONE, |n| Link(u32::try_from(n).expect("fewer than 2**32 tasks")))
    }
}

/// A node's heap links (`ph_key`, `ph_child`, `ph_child_last`, `ph_next`,
/// `ph_rightmost_parent` in the library), plus whether it is in the heap.
#[derive(Clone, Copy, Debug)]
struct Links {
    key: u64,
    child: Link,
    child_last: Link,
    next: Link,
    rightmost_parent: Link,
    queued: bool,
}

impl Default for Links {
    fn default() -> Self {
        Links {
            key: 0,
            child: Link::NONE,
            child_last: Link::NONE,
            next: Link::NONE,
            rightmost_parent: Link::NONE,
            queued: false,
        }
    }
}

/// The run queue (the library's `_task_queue`).
#[derive(Debug, Default)]
pub(crate) struct PairingHeap {
    links: Vec<Links>,
    root: Option<Node>,
    len: usize,
}

impl PairingHeap {
    fn l(&mut self, n: Node) -> &mut Links {
        &mut self.links[n]
    }

    /// Makes room for slot `n`, so that pushing it later never allocates.
    pub(crate) fn reserve_slot(&mut self, n: Node) {
        if n >= self.links.len() {
            self.links.resize(n + 1, Links::default());
        }
    }

    /// The head: the task that runs next, and the tick it may run at.
    pub(crate) fn peek(&self) -> Option<(Node, u64)> {
        self.root.map(|n| (n, self.links[n].key))
    }

    /// Whether slot `n` is in the queue, and at which tick.
    pub(crate) fn key_of(&self, n: Node) -> Option<u64> {
        self.links.get(n).filter(|l| l.queued).map(|l| l.key)
    }

    /// How many tasks are queued.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// `TaskQueue.push(v, key)`. The node must not be queued.
    pub(crate) fn push(&mut self, v: Node, key: u64) {
        self.reserve_slot(v);
        debug_assert!(!self.l(v).queued, "run queue: task pushed twice");
        let l = self.l(v);
        *l = Links { key, queued: true, ..Links::default() };
        self.len += 1;
        self.root = self.meld(Some(v), self.root);
    }

    /// `TaskQueue.pop()`: takes the head.
    pub(crate) fn pop(&mut self) -> Option<Node> {
        let v = self.root?;
        let child = self.l(v).child.get();
        self.root = self.pairing(child);
        let l = self.l(v);
        l.child = Link::NONE;
        l.queued = false;
        self.len -= 1;
        Some(v)
    }

    /// `TaskQueue.remove(v)`: takes a queued node out, wherever it is.
    pub(crate) fn remove(&mut self, v: Node) {
        if self.key_of(v).is_none() {
            return;
        }
        if let Some(root) = self.root {
            self.root = self.delete(root, v);
        }
        let l = self.l(v);
        l.queued = false;
        l.next = Link::NONE;
        l.child = Link::NONE;
        self.len -= 1;
    }

    /// `ph_meld(h1, h2)`.
    fn meld(&mut self, h1: Option<Node>, h2: Option<Node>) -> Option<Node> {
        let (h1, h2) = match (h1, h2) {
            (None, h) | (h, None) => return h,
            (Some(a), Some(b)) => (a, b),
        };
        if self.l(h1).key < self.l(h2).key {
            match self.l(h1).child.get() {
                None => self.l(h1).child = Link::from(Some(h2)),
                Some(_) => {
                    let last = self.l(h1).child_last.get().expect("a child list has a last child");
                    self.l(last).next = Link::from(Some(h2));
                }
            }
            self.l(h1).child_last = Link::from(Some(h2));
            self.l(h2).next = Link::NONE;
            self.l(h2).rightmost_parent = Link::from(Some(h1));
            Some(h1)
        } else {
            self.l(h1).next = Link::from(self.l(h2).child.get());
            self.l(h2).child = Link::from(Some(h1));
            if self.l(h1).next.get().is_none() {
                self.l(h2).child_last = Link::from(Some(h1));
                self.l(h1).rightmost_parent = Link::from(Some(h2));
            }
            Some(h2)
        }
    }

    /// `ph_pairing(child)`: melds a child list, two by two from the left.
    fn pairing(&mut self, mut child: Option<Node>) -> Option<Node> {
        let mut heap = None;
        while let Some(n1) = child {
            child = self.l(n1).next.get();
            self.l(n1).next = Link::NONE;
            let mut n1 = Some(n1);
            if let Some(n2) = child {
                child = self.l(n2).next.get();
                self.l(n2).next = Link::NONE;
                n1 = self.meld(n1, Some(n2));
            }
            heap = self.meld(heap, n1);
        }
        heap
    }

    /// `ph_delete(heap, node)`.
    fn delete(&mut self, heap: Node, node: Node) -> Option<Node> {
        if node == heap {
            let child = self.l(heap).child.get();
            self.l(node).child = Link::NONE;
            return self.pairing(child);
        }
        // Find the parent of node: walk to the end of its sibling list.
        let mut parent = node;
        while let Some(next) = self.l(parent).next.get() {
            parent = next;
        }
        let parent = self.l(parent).rightmost_parent.get().expect("a non-root node has a parent");
        let next;
        let replacement;
        if self.l(parent).child.get() == Some(node) && self.l(node).child.get().is_none() {
            // Node is first child of parent and has no children: just unlink it.
            self.l(parent).child = Link::from(self.l(node).next.get());
            self.l(node).next = Link::NONE;
            return Some(heap);
        } else if self.l(parent).child.get() == Some(node) {
            let child = self.l(node).child.get();
            next = self.l(node).next.get();
            self.l(node).child = Link::NONE;
            self.l(node).next = Link::NONE;
            replacement = self.pairing(child).expect("node has children");
            self.l(parent).child = Link::from(Some(replacement));
        } else {
            let mut n = self.l(parent).child.get().expect("parent has children");
            while self.l(n).next.get() != Some(node) {
                n = self.l(n).next.get().expect("node is among parent's children");
            }
            let child = self.l(node).child.get();
            next = self.l(node).next.get();
            self.l(node).child = Link::NONE;
            self.l(node).next = Link::NONE;
            replacement = match self.pairing(child) {
                None => n,
                Some(sub) => {
                    self.l(n).next = Link::from(Some(sub));
                    sub
                }
            };
        }
        self.l(replacement).next = Link::from(next);
        if next.is_none() {
            self.l(replacement).rightmost_parent = Link::from(Some(parent));
            self.l(parent).child_last = Link::from(Some(replacement));
        }
        Some(heap)
    }
}

#[cfg(test)]
mod tests {
    use super::PairingHeap;
    use alloc::vec::Vec;

    #[test]
    fn equal_keys_come_out_in_push_order() {
        let mut q = PairingHeap::default();
        for n in 0..6 {
            q.push(n, 5);
        }
        let order: Vec<_> = core::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn smaller_keys_first_then_the_meld_rule() {
        // Traced by hand through task.py's ph_meld / ph_pairing.
        let mut q = PairingHeap::default();
        q.push(0, 10);
        q.push(1, 5);
        q.push(2, 10);
        q.push(3, 5);
        let order: Vec<_> = core::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, [1, 3, 0, 2]);
    }

    #[test]
    fn remove_anywhere() {
        let mut q = PairingHeap::default();
        for (n, k) in [(0, 3), (1, 1), (2, 2), (3, 1), (4, 5), (5, 2)] {
            q.push(n, k);
        }
        q.remove(2);
        q.remove(1);
        assert_eq!(q.len(), 4);
        assert_eq!(q.key_of(2), None);
        let order: Vec<_> = core::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, [3, 5, 0, 4]);
    }
}
