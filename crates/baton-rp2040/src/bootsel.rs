//! Restarting into the boot ROM's USB mode (BOOTSEL: the `RPI-RP2` drive), so
//! that a new UF2 can be copied without holding the BOOTSEL button while
//! plugging the board in. The console asks for it on the "1200-baud touch"
//! (a terminal opens the port at 1200 baud and closes it), as Arduino,
//! CircuitPython and `cargo xtask flash` do.

use crate::console;

/// Says why on the UART (USB goes away with the restart), then restarts into
/// BOOTSEL through the boot ROM's `reset_to_usb_boot`. Does not return.
pub fn restart_into_bootsel(why: &str) -> ! {
    crate::say!("baton: restarting into BOOTSEL ({why}): copy a UF2 to the RPI-RP2 drive");
    console::flush_uart();
    // 0, 0: no activity LED; both the mass-storage and the PICOBOOT interfaces
    // (picotool's) enabled.
    rp2040_hal::rom_data::reset_to_usb_boot(0, 0);
    // The ROM does not return; if it ever did, a reset by the watchdog at least
    // leaves the board in a known state.
    loop {
        cortex_m::asm::wfi();
    }
}
