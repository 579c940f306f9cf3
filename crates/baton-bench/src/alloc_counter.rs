//! A counting `#[global_allocator]`: `std::alloc::System` plus two counters
//! (net live bytes and number of allocations) that only move while counting
//! is switched on, so the timed runs pay one relaxed load per allocation and
//! nothing else.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, Ordering};

/// The system allocator, counted.
pub struct Counting;

static ENABLED: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static ALLOCS: AtomicU64 = AtomicU64::new(0);

#[inline]
fn account(bytes: isize, allocs: u64) {
    if ENABLED.load(Ordering::Relaxed) {
        LIVE.fetch_add(bytes, Ordering::Relaxed);
        ALLOCS.fetch_add(allocs, Ordering::Relaxed);
    }
}

fn signed(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

#[allow(unsafe_code)]
// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees (and the caller's obligations) carry
// over exactly; the counters are plain atomics and never touch the memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded as is; the caller upholds `GlobalAlloc::alloc`'s
        // contract (non-zero size).
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            account(signed(layout.size()), 1);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            account(signed(layout.size()), 1);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller guarantees `ptr` came from this allocator (i.e.
        // from `System`, as every method here forwards to it) with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        account(-signed(layout.size()), 0);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `ptr`/`layout` describe a block from
        // this allocator (from `System`) and that `new_size` is valid.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            account(signed(new_size) - signed(layout.size()), 1);
        }
        p
    }
}

/// What the counters saw while counting was on.
#[derive(Clone, Copy, Debug)]
pub struct Counts {
    /// Net change in live heap bytes.
    pub live_bytes: isize,
    /// Calls to alloc, alloc_zeroed and realloc.
    pub allocs: u64,
}

/// Resets the counters and starts counting.
pub fn start() {
    LIVE.store(0, Ordering::Relaxed);
    ALLOCS.store(0, Ordering::Relaxed);
    ENABLED.store(true, Ordering::SeqCst);
}

/// What was counted since [`start`], without stopping.
pub fn peek() -> Counts {
    Counts { live_bytes: LIVE.load(Ordering::Relaxed), allocs: ALLOCS.load(Ordering::Relaxed) }
}

/// Stops counting and returns what was counted since [`start`].
pub fn stop() -> Counts {
    ENABLED.store(false, Ordering::SeqCst);
    peek()
}
