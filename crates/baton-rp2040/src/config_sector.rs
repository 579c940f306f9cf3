//! Writing the configuration sector (the last 4 KB of the 2 MB flash, kept free by memory.x)
//! while the program runs: the link's `SetConfig` (docs/LINK.md).
//!
//! Flash cannot be read while it is erased or programmed, and the program runs from flash
//! (XIP), so nothing may run from flash meanwhile: interrupts are masked (their handlers are
//! in flash), core 1 never runs, no DMA is in use. The boot ROM's routines do the work, called
//! through `rp2040-flash`, whose sequence runs from RAM and puts XIP back with a copy of our
//! boot2. The watchdog is fed just before and just after: one sector's erase takes ~45 ms
//! (W25Q16JV, typical; 400 ms at most), within its timeout.

use crate::{timer, watchdog};

/// The configuration sector's address (XIP), as baton-uf2's `config::CONFIG_ADDR`.
pub const CONFIG_ADDR: u32 = 0x101F_F000;
/// Its size.
pub const CONFIG_SIZE: usize = 4096;
/// Where flash starts in the address map.
const XIP_BASE: u32 = 0x1000_0000;

/// Why a block was not written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriteError {
    /// More than the sector holds.
    TooLong(usize),
}

impl core::fmt::Display for WriteError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            WriteError::TooLong(n) => write!(f, "the configuration block is {n} bytes; the sector holds {CONFIG_SIZE}"),
        }
    }
}

/// Erases the configuration sector and programs `block` at its start (the rest stays erased).
/// Returns how long interrupts were masked, µs (measured on the timer, around the ROM calls).
pub fn write(block: &[u8]) -> Result<u32, WriteError> {
    if block.len() > CONFIG_SIZE {
        return Err(WriteError::TooLong(block.len()));
    }
    // The ROM programs from RAM: the sector's bytes on the stack, erased (0xFF) beyond the block.
    let mut sector = [0xFFu8; CONFIG_SIZE];
    sector[..block.len()].copy_from_slice(block);
    watchdog::feed();
    let masked = cortex_m::interrupt::free(|_| {
        let start = timer::since_boot_us();
        // SAFETY: nothing reads flash meanwhile: interrupts are masked, core 1 never runs and
        // no DMA channel is in use; the address is the sector memory.x keeps free (4096-aligned,
        // inside every supported board's flash) and the length a whole sector. The crate runs
        // its sequence from RAM and restores XIP with a copy of our boot2 (`true`).
        unsafe { rp2040_flash::flash::flash_range_erase_and_program(CONFIG_ADDR - XIP_BASE, &sector, true) };
        timer::since_boot_us() - start
    });
    watchdog::feed();
    Ok(masked.min(u64::from(u32::MAX)) as u32)
}
