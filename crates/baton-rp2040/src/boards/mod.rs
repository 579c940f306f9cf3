//! One module per board, chosen by cargo feature. A board module says which
//! GPIO each of the guide's pin names is, where the serial console goes,
//! how safe mode shows itself, and which second-stage bootloader its flash
//! chip needs. Adding a board is adding one such file and one feature.

use baton_board::Pin;

#[cfg(feature = "pico")]
mod pico;
#[cfg(feature = "pico")]
pub use pico::*;

#[cfg(feature = "qtpy")]
mod qtpy_rp2040;
#[cfg(feature = "qtpy")]
pub use qtpy_rp2040::*;

/// The GPIO number of a pin name on this board.
pub fn gpio(pin: Pin) -> Option<u8> {
    PINS.iter().find(|(p, _)| *p == pin).map(|&(_, gp)| gp)
}
