//! One frame: the version byte, the message, the CRC, COBS, the 0x00 that ends it.

use crate::message::{BoardMessage, HostMessage};
use core::fmt;
use crc::{Crc, CRC_32_ISO_HDLC};
use serde::{Deserialize, Serialize};

/// The protocol's version, the first byte of every frame. Changed whenever a message's
/// layout changes; a frame of another version is refused ([`FrameError::Version`]).
pub const VERSION: u8 = 2;

/// The longest frame before COBS: the version byte, the message and the CRC (room for a print
/// of ~1000 bytes, or a NeoPixel frame of 256 pixels). Both ends
/// refuse longer ones; the board's buffers are sized from it.
pub const MAX_FRAME: usize = 1024;

/// The most bytes [`encode`] writes: COBS adds one byte in 254, and the two 0x00.
pub const MAX_FRAME_ON_WIRE: usize = MAX_FRAME + MAX_FRAME / 254 + 1 + 2;

/// Bytes the CRC takes at the end of a frame.
const CRC_LEN: usize = 4;

/// zlib's CRC-32 (table-driven: the board computes it when idle, but also the page, often).
const CRC32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISO_HDLC);

/// Why a message could not be framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The message does not fit [`MAX_FRAME`] (or the output buffer).
    TooLong,
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the message does not fit a frame ({MAX_FRAME} bytes) or the output buffer")
    }
}

/// Why bytes between two 0x00 were not a frame. Each names what was wrong, for a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameError {
    /// More than the reader's buffer before a 0x00 (the rest was skipped).
    TooLong {
        /// The reader's limit.
        limit: usize,
    },
    /// Not valid COBS (a code byte points past the end).
    Cobs,
    /// Shorter than a version byte and a CRC.
    Short {
        /// Its length after COBS.
        len: usize,
    },
    /// The CRC does not match: a byte was lost or changed on the way.
    Crc {
        /// The CRC at the frame's end.
        stored: u32,
        /// The CRC of what arrived.
        computed: u32,
    },
    /// Another version of the protocol.
    Version {
        /// The frame's.
        got: u8,
        /// Ours ([`VERSION`]).
        want: u8,
    },
    /// The CRC matched, but the message is not one of this version's.
    Message(postcard::Error),
    /// The message ended before the frame did.
    Trailing {
        /// Bytes left over.
        extra: usize,
    },
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameError::TooLong { limit } => write!(f, "a frame longer than {limit} bytes (skipped to the next 0x00)"),
            FrameError::Cobs => f.write_str("not a COBS frame"),
            FrameError::Short { len } => write!(f, "a frame of {len} bytes, shorter than its header and CRC"),
            FrameError::Crc { stored, computed } => {
                write!(f, "a damaged frame (CRC {computed:08x}, the frame says {stored:08x})")
            }
            FrameError::Version { got, want } => {
                write!(f, "a frame of link protocol version {got}; this end speaks version {want}")
            }
            FrameError::Message(e) => write!(f, "not a message of this protocol version: {e}"),
            FrameError::Trailing { extra } => write!(f, "{extra} bytes after the message's end"),
        }
    }
}

/// Writes `message` as a whole frame into `out`, between two 0x00, and returns its length.
/// The leading 0x00 ends whatever came before (console text, a frame cut short), so that a
/// damaged frame never swallows the next one. `out` needs at most [`MAX_FRAME_ON_WIRE`] bytes.
pub fn encode<M: Serialize>(message: &M, out: &mut [u8]) -> Result<usize, EncodeError> {
    let mut raw = [0u8; MAX_FRAME];
    raw[0] = VERSION;
    let body = postcard::to_slice(message, &mut raw[1..MAX_FRAME - CRC_LEN]).map_err(|_| EncodeError::TooLong)?;
    let end = 1 + body.len();
    let crc = CRC32.checksum(&raw[..end]);
    raw[end..end + CRC_LEN].copy_from_slice(&crc.to_le_bytes());
    let (first, rest) = out.split_first_mut().ok_or(EncodeError::TooLong)?;
    *first = 0;
    let n = cobs::try_encode(&raw[..end + CRC_LEN], rest).map_err(|_| EncodeError::TooLong)?;
    *rest.get_mut(n).ok_or(EncodeError::TooLong)? = 0;
    Ok(n + 2)
}

/// Checks a frame's version and CRC (after COBS); returns the message's bytes.
fn checked(raw: &[u8]) -> Result<&[u8], FrameError> {
    if raw.len() < 1 + CRC_LEN {
        return Err(FrameError::Short { len: raw.len() });
    }
    let (data, tail) = raw.split_at(raw.len() - CRC_LEN);
    let stored = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
    let computed = CRC32.checksum(data);
    if stored != computed {
        return Err(FrameError::Crc { stored, computed });
    }
    if data[0] != VERSION {
        return Err(FrameError::Version { got: data[0], want: VERSION });
    }
    Ok(&data[1..])
}

fn message<'a, M: Deserialize<'a>>(raw: &'a [u8]) -> Result<M, FrameError> {
    let (m, rest) = postcard::take_from_bytes(checked(raw)?).map_err(FrameError::Message)?;
    if !rest.is_empty() {
        return Err(FrameError::Trailing { extra: rest.len() });
    }
    Ok(m)
}

/// A board's message from a frame as [`crate::Deframer`] gives it (COBS already undone).
pub fn decode_board(raw: &[u8]) -> Result<BoardMessage<'_>, FrameError> {
    message(raw)
}

/// A page's message from a frame as [`crate::Deframer`] gives it (COBS already undone).
pub fn decode_host(raw: &[u8]) -> Result<HostMessage<'_>, FrameError> {
    message(raw)
}
