//! A byte queue of fixed size for the link's two directions (bytes from USB waiting for the
//! host loop, frames waiting for USB). Each is used inside a critical section.

/// Up to `N` bytes, oldest first.
pub struct ByteRing<const N: usize> {
    buf: [u8; N],
    head: usize,
    len: usize,
}

impl<const N: usize> ByteRing<N> {
    /// Empty.
    pub const fn new() -> Self {
        ByteRing { buf: [0; N], head: 0, len: 0 }
    }

    /// Bytes queued.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Room left.
    pub fn free(&self) -> usize {
        N - self.len
    }

    /// Appends as much of `bytes` as fits; returns how much did.
    pub fn push(&mut self, bytes: &[u8]) -> usize {
        let n = bytes.len().min(self.free());
        for &b in &bytes[..n] {
            self.buf[(self.head + self.len) % N] = b;
            self.len += 1;
        }
        n
    }

    /// The oldest bytes, as one slice (up to the end of the storage).
    pub fn front(&self) -> &[u8] {
        let end = (self.head + self.len).min(N);
        &self.buf[self.head..end]
    }

    /// Drops the `n` oldest bytes.
    pub fn advance(&mut self, n: usize) {
        let n = n.min(self.len);
        self.head = (self.head + n) % N;
        self.len -= n;
    }

    /// Moves the oldest bytes into `out`; returns how many.
    pub fn pop(&mut self, out: &mut [u8]) -> usize {
        let mut n = 0;
        while n < out.len() && self.len > 0 {
            out[n] = self.buf[self.head];
            self.advance(1);
            n += 1;
        }
        n
    }

    /// Empties it.
    pub fn clear(&mut self) {
        self.len = 0;
    }
}
