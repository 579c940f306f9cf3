//! The USB serial number: the flash chip's 64-bit unique ID, in hex (as the
//! Pico SDK and CircuitPython name their boards). Two boards on one computer
//! then get two names (`/dev/serial/by-id/usb-Baton_…_<id>-if00` on Linux),
//! and a tool can find the same board again after it re-enumerates.

use alloc::string::String;

/// Reads the ID once, at boot (interrupts masked, XIP briefly off).
pub fn read() -> &'static str {
    let mut id = [0u8; 8];
    cortex_m::interrupt::free(|_| {
        // SAFETY: nothing else touches flash meanwhile: interrupts are masked
        // (and no interrupt is unmasked yet at boot), core 1 never runs and no
        // DMA channel is in use. The crate runs its command from RAM and puts
        // XIP back with a copy of our boot2 (`true`), so flash reads run at
        // full speed afterwards.
        unsafe { rp2040_flash::flash::flash_unique_id(&mut id, true) }
    });
    let mut hex = String::with_capacity(16);
    for b in id {
        for nibble in [b >> 4, b & 0xf] {
            hex.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0').to_ascii_uppercase());
        }
    }
    // A flash without the command answers all ones (or nothing): no ID to give.
    if id.iter().all(|&b| b == id[0]) {
        hex = String::from("BATON");
    }
    String::leak(hex)
}
