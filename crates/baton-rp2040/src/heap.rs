//! The heap: tasks, their futures, a program's buffers.

use core::mem::MaybeUninit;
use embedded_alloc::LlffHeap as Heap;
use portable_atomic::{AtomicBool, Ordering};

/// Static RAM stays under 32 KB with it; the stack takes what is left of the 264 KB.
const HEAP_SIZE: usize = 16 * 1024;

#[global_allocator]
static HEAP: Heap = Heap::empty();

static READY: AtomicBool = AtomicBool::new(false);

/// Sets up the heap, once. [`crate::run`] calls it first thing; a firmware that allocates
/// before that (to build its program's name, say) calls it itself first.
pub fn init_heap() {
    static mut HEAP_MEM: [MaybeUninit<u8>; HEAP_SIZE] = [MaybeUninit::uninit(); HEAP_SIZE];
    if READY.swap(true, Ordering::Relaxed) {
        return;
    }
    // SAFETY: runs once (the flag above; only core 0 runs, in thread mode, before any
    // interrupt is unmasked); HEAP_MEM is used by nothing else.
    unsafe { HEAP.init(core::ptr::addr_of_mut!(HEAP_MEM) as usize, HEAP_SIZE) }
}
