//! The panic handler: the message is kept for the next boot (which goes into safe mode and
//! says it), said on both consoles, and the watchdog restarts the board 0.2 s later.

use crate::{console, watchdog};

/// A panic message cut to fit the watchdog's note, on one line.
struct Note {
    bytes: [u8; watchdog::NOTE_LEN],
    len: usize,
}

impl core::fmt::Write for Note {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for c in s.chars() {
            let c = if c == '\n' { ' ' } else { c };
            let mut utf8 = [0u8; 4];
            let encoded = c.encode_utf8(&mut utf8).as_bytes();
            if self.len + encoded.len() > self.bytes.len() {
                return Ok(());
            }
            self.bytes[self.len..self.len + encoded.len()].copy_from_slice(encoded);
            self.len += encoded.len();
        }
        Ok(())
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    cortex_m::interrupt::disable();
    let mut note = Note { bytes: [0; watchdog::NOTE_LEN], len: 0 };
    let _ = core::fmt::Write::write_fmt(&mut note, format_args!("{info}"));
    // Kept for the next boot, which goes into safe mode and says it.
    watchdog::note_panic(core::str::from_utf8(&note.bytes[..note.len]).unwrap_or("panic"));
    watchdog::restart_after_panic();
    crate::say!("panic: {info}");
    // With interrupts off, the UART's ring is drained here, not by its interrupt.
    console::flush_uart();
    // Keep USB alive so the message reaches an open terminal until the restart.
    loop {
        console::poll_usb();
    }
}
