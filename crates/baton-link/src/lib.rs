//! # The link between a Baton board and the page
//!
//! One USB serial port carries both a terminal's plain console text and, once the page has
//! said [`HostMessage::Hello`], typed messages in frames. A frame is
//!
//! ```text
//! 0x00 · COBS( version:u8 · postcard(message) · crc32(version · message) as 4 bytes LE ) · 0x00
//! ```
//!
//! - COBS leaves no 0x00 inside a frame, so 0x00 only ever delimits one: a reader that starts
//!   in the middle of a frame, or meets garbage or a truncated frame, loses that frame and is in
//!   step again at the next 0x00 ([`Deframer`]). Each frame starts with a 0x00 too, so that a
//!   frame cut short never swallows the next one, and console text before the first frame
//!   (which never contains 0x00) ends there.
//! - The version byte is [`VERSION`]; a frame of another version is refused with
//!   [`FrameError::Version`], which names both, so that a page can say "the firmware is older
//!   than the page" instead of misreading its messages.
//! - CRC-32/ISO-HDLC (zlib's, as the configuration block's) catches what COBS does not: a
//!   flipped or lost byte inside a frame.
//! - The message is [postcard](https://docs.rs/postcard): varint integers, length-prefixed
//!   strings, an enum's variant as its index. [`HostMessage`] goes from the page to the board,
//!   [`BoardMessage`] from the board to the page.
//!
//! docs/LINK.md describes every message's fields and units. The same crate decodes on the board
//! (no_std) and in the page (wasm), so the two cannot disagree on the format.
//!
//! ```
//! use baton_link::{decode_board, encode, BoardMessage, Deframer, Pin};
//! let mut wire = [0u8; 64];
//! let n = encode(&BoardMessage::PinChange { t_us: 250_000, pin: Pin::Led, level: true }, &mut wire).unwrap();
//! let mut reader = Deframer::<64>::new();
//! let (last, body) = wire[..n].split_last().unwrap();
//! for &b in body {
//!     assert!(reader.push(b).is_none());
//! }
//! let frame = reader.push(*last).unwrap().unwrap();
//! assert_eq!(decode_board(frame).unwrap(), BoardMessage::PinChange { t_us: 250_000, pin: Pin::Led, level: true });
//! ```

#![no_std]

extern crate alloc;

mod deframer;
mod frame;
mod message;
pub mod pin_code;

pub use baton_board::Pin;
pub use deframer::Deframer;
pub use frame::{decode_board, decode_host, encode, EncodeError, FrameError, MAX_FRAME, MAX_FRAME_ON_WIRE, VERSION};
pub use message::{BoardMessage, HostMessage, TurnState};
