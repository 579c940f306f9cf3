//! Reading frames from a byte stream: cut at each 0x00, undo COBS in place.

use crate::frame::FrameError;

/// Collects bytes up to each 0x00 in a buffer of `N` bytes and undoes COBS there. Whatever
/// came before (a frame cut short, garbage, console text) is at most one refused frame: the
/// reader is in step again after the next 0x00. Nothing allocates, so the board's interrupt
/// handler or host loop can run it.
pub struct Deframer<const N: usize> {
    buf: [u8; N],
    len: usize,
    overflow: bool,
}

impl<const N: usize> Default for Deframer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Deframer<N> {
    /// An empty reader.
    pub const fn new() -> Self {
        Deframer { buf: [0; N], len: 0, overflow: false }
    }

    /// Takes one byte. At a 0x00 that ends something: `Some(Ok(frame))` (COBS undone: pass it
    /// to [`crate::decode_board`] or [`crate::decode_host`]), or `Some(Err(why))`. Two 0x00 in
    /// a row end nothing.
    pub fn push(&mut self, byte: u8) -> Option<Result<&[u8], FrameError>> {
        if byte != 0 {
            if self.len < N {
                self.buf[self.len] = byte;
                self.len += 1;
            } else {
                self.overflow = true;
            }
            return None;
        }
        let len = core::mem::take(&mut self.len);
        if core::mem::take(&mut self.overflow) {
            return Some(Err(FrameError::TooLong { limit: N }));
        }
        if len == 0 {
            return None;
        }
        Some(match cobs::decode_in_place(&mut self.buf[..len]) {
            Ok(n) => Ok(&self.buf[..n]),
            Err(_) => Err(FrameError::Cobs),
        })
    }

    /// Forgets a frame begun (the port was closed or reopened).
    pub fn clear(&mut self) {
        self.len = 0;
        self.overflow = false;
    }
}
