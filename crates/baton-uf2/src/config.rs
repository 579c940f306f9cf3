//! The firmware's configuration block: which demo to run, with which
//! parameters, stored in the last 4 KB sector of the RP2040's 2 MB flash.
//!
//! ```text
//! offset  size  field
//!      0     4  magic  b"BATN"
//!      4     2  version (little-endian), currently 1
//!      6     2  payload length in bytes (little-endian)
//!      8     4  CRC-32 (IEEE 802.3, as zlib's crc32) of the payload (little-endian)
//!     12     n  payload: UTF-8 text, "demo-id\n" then one "key=value\n" line per parameter
//! ```
//!
//! The `key=value` strings are exactly what `Params::set_all` (and the
//! simulator's `--param`) accept, so one table of parameters validates the
//! command line, the playground and the board. The firmware checks the block
//! and, when anything is wrong with it, says so on its console and runs its
//! default demo: a bad block never stops the board.
//!
//! ```
//! use baton_uf2::config::{decode, encode};
//! let block = encode("blink-two", &[("interval1", "0.5")]).unwrap();
//! let config = decode(&block).unwrap();
//! assert_eq!(config.demo(), "blink-two");
//! assert_eq!(config.params().collect::<Vec<_>>(), [("interval1", "0.5")]);
//! ```

use alloc::vec::Vec;
use core::fmt;

/// Where the block lives: the last 4 KB sector of a 2 MB flash (XIP address).
pub const CONFIG_ADDR: u32 = 0x101F_F000;
/// The size of the sector the block lives in.
pub const CONFIG_SIZE: usize = 4096;
/// The block's first four bytes.
pub const MAGIC: [u8; 4] = *b"BATN";
/// The format version this code writes and reads.
pub const VERSION: u16 = 1;
/// Bytes before the payload.
pub const HEADER_LEN: usize = 12;
/// The largest payload that fits the sector.
pub const MAX_PAYLOAD: usize = CONFIG_SIZE - HEADER_LEN;

/// CRC-32/IEEE (reflected polynomial 0xEDB88320, initial and final XOR
/// 0xFFFFFFFF): the checksum of zlib, PNG and Ethernet.
///
/// ```
/// assert_eq!(baton_uf2::config::crc32(b"123456789"), 0xCBF4_3926);
/// ```
pub fn crc32(data: &[u8]) -> u32 {
    // Bit by bit: the payload is a few hundred bytes at most, and no table
    // means 1 KB less flash on the board.
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// Why a block could not be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EncodeError {
    /// The demo id is empty or has a newline or `=` in it.
    BadDemo,
    /// A key is empty or has `=` or a newline in it, or a value has a newline.
    BadParam,
    /// The payload is longer than [`MAX_PAYLOAD`].
    TooLong(usize),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::BadDemo => f.write_str("the demo id must be one line without '='"),
            EncodeError::BadParam => f.write_str("a parameter must be key=value with no newline and no '=' in the key"),
            EncodeError::TooLong(n) => write!(f, "the configuration is {n} bytes; at most {MAX_PAYLOAD} fit"),
        }
    }
}

/// Writes a block: header and payload, no padding.
pub fn encode(demo: &str, params: &[(&str, &str)]) -> Result<Vec<u8>, EncodeError> {
    let one_line = |s: &str| !s.is_empty() && !s.contains(['\n', '\r']);
    if !one_line(demo) || demo.contains('=') {
        return Err(EncodeError::BadDemo);
    }
    let mut payload = Vec::new();
    payload.extend_from_slice(demo.as_bytes());
    payload.push(b'\n');
    for (key, value) in params {
        if !one_line(key) || key.contains('=') || value.contains(['\n', '\r']) {
            return Err(EncodeError::BadParam);
        }
        payload.extend_from_slice(key.as_bytes());
        payload.push(b'=');
        payload.extend_from_slice(value.as_bytes());
        payload.push(b'\n');
    }
    if payload.len() > MAX_PAYLOAD {
        return Err(EncodeError::TooLong(payload.len()));
    }
    let mut block = Vec::with_capacity(HEADER_LEN + payload.len());
    block.extend_from_slice(&MAGIC);
    block.extend_from_slice(&VERSION.to_le_bytes());
    block.extend_from_slice(&(payload.len() as u16).to_le_bytes());
    block.extend_from_slice(&crc32(&payload).to_le_bytes());
    block.extend_from_slice(&payload);
    Ok(block)
}

/// Why a block was not accepted. Each says what a person can do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The sector is erased (all `0xFF`): nothing was ever written there.
    Erased,
    /// Something else is there.
    BadMagic([u8; 4]),
    /// Written by a newer (or older) tool.
    UnsupportedVersion(u16),
    /// The length field does not fit the sector (or the bytes given).
    BadLength(u16),
    /// The payload does not match its checksum.
    BadCrc {
        /// The checksum in the header.
        stored: u32,
        /// The checksum of the payload as read.
        computed: u32,
    },
    /// The payload is not UTF-8.
    NotUtf8,
    /// The first line (the demo id) is empty.
    NoDemo,
    /// A parameter line without `=` (1-based line number within the payload).
    BadLine(usize),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Erased => f.write_str("no configuration block (the flash sector is erased)"),
            DecodeError::BadMagic(m) => write!(f, "no configuration block (magic is {m:02x?}, not \"BATN\")"),
            DecodeError::UnsupportedVersion(v) => {
                write!(f, "configuration block version {v} is not supported (this firmware reads version {VERSION})")
            }
            DecodeError::BadLength(n) => write!(f, "configuration block length {n} is out of range"),
            DecodeError::BadCrc { stored, computed } => {
                write!(f, "configuration block is corrupt (CRC {computed:08x}, header says {stored:08x})")
            }
            DecodeError::NotUtf8 => f.write_str("configuration block is not UTF-8 text"),
            DecodeError::NoDemo => f.write_str("configuration block names no demo"),
            DecodeError::BadLine(n) => write!(f, "configuration block line {n} is not key=value"),
        }
    }
}

/// A decoded block, borrowing its text from the bytes it was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config<'a> {
    demo: &'a str,
    rest: &'a str,
}

impl<'a> Config<'a> {
    /// The demo id (first line).
    pub fn demo(&self) -> &'a str {
        self.demo
    }

    /// The `(key, value)` pairs, in order. Empty lines are skipped.
    pub fn params(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.rest.lines().filter(|l| !l.is_empty()).filter_map(|l| l.split_once('='))
    }
}

/// Reads a block from `bytes` (the start of the sector; extra bytes after the
/// payload are ignored).
pub fn decode(bytes: &[u8]) -> Result<Config<'_>, DecodeError> {
    if bytes.len() < HEADER_LEN {
        return Err(DecodeError::BadLength(0));
    }
    let magic: [u8; 4] = [bytes[0], bytes[1], bytes[2], bytes[3]];
    if magic != MAGIC {
        return Err(if magic == [0xFF; 4] { DecodeError::Erased } else { DecodeError::BadMagic(magic) });
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != VERSION {
        return Err(DecodeError::UnsupportedVersion(version));
    }
    let len = u16::from_le_bytes([bytes[6], bytes[7]]);
    if usize::from(len) > MAX_PAYLOAD || HEADER_LEN + usize::from(len) > bytes.len() {
        return Err(DecodeError::BadLength(len));
    }
    let stored = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    let payload = &bytes[HEADER_LEN..HEADER_LEN + usize::from(len)];
    let computed = crc32(payload);
    if computed != stored {
        return Err(DecodeError::BadCrc { stored, computed });
    }
    let text = core::str::from_utf8(payload).map_err(|_| DecodeError::NotUtf8)?;
    let (demo, rest) = text.split_once('\n').unwrap_or((text, ""));
    let demo = demo.trim_end_matches('\r');
    if demo.is_empty() {
        return Err(DecodeError::NoDemo);
    }
    for (i, line) in rest.lines().enumerate() {
        if !line.is_empty() && !line.contains('=') {
            return Err(DecodeError::BadLine(i + 2));
        }
    }
    Ok(Config { demo, rest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"The quick brown fox jumps over the lazy dog"), 0x414F_A339);
    }

    #[test]
    fn layout() {
        let b = encode("blink-one", &[("count", "3")]).unwrap();
        assert_eq!(&b[0..4], b"BATN");
        assert_eq!(u16::from_le_bytes([b[4], b[5]]), 1);
        let payload = b"blink-one\ncount=3\n";
        assert_eq!(usize::from(u16::from_le_bytes([b[6], b[7]])), payload.len());
        assert_eq!(u32::from_le_bytes([b[8], b[9], b[10], b[11]]), crc32(payload));
        assert_eq!(&b[12..], payload);
    }

    #[test]
    fn round_trip_with_trailing_padding() {
        let mut b =
            encode("rainbow", &[("pixel_pin", "NEOPIXEL"), ("num_pixels", "1"), ("brightness", "0.1")]).unwrap();
        b.resize(CONFIG_SIZE, 0xFF);
        let c = decode(&b).unwrap();
        assert_eq!(c.demo(), "rainbow");
        let p: Vec<_> = c.params().collect();
        assert_eq!(p, [("pixel_pin", "NEOPIXEL"), ("num_pixels", "1"), ("brightness", "0.1")]);
    }

    #[test]
    fn no_params() {
        let b = encode("blink-two", &[]).unwrap();
        let c = decode(&b).unwrap();
        assert_eq!(c.demo(), "blink-two");
        assert_eq!(c.params().count(), 0);
    }

    #[test]
    fn erased_and_garbage() {
        assert_eq!(decode(&[0xFF; 64]), Err(DecodeError::Erased));
        assert_eq!(decode(&[0; 64]), Err(DecodeError::BadMagic([0; 4])));
        assert_eq!(decode(b"BATN"), Err(DecodeError::BadLength(0)));
    }

    #[test]
    fn every_corruption_is_caught() {
        let good = encode("blink-two", &[("interval1", "0.5")]).unwrap();
        let mut v = good.clone();
        v[4] = 2;
        assert_eq!(decode(&v), Err(DecodeError::UnsupportedVersion(2)));
        let mut v = good.clone();
        v[6] = 0xFF;
        v[7] = 0xFF;
        assert_eq!(decode(&v), Err(DecodeError::BadLength(0xFFFF)));
        let mut v = good.clone();
        v[6] += 1; // longer than the bytes given
        assert!(matches!(decode(&v), Err(DecodeError::BadLength(_))));
        // Flip every payload bit in turn: the CRC catches each.
        for i in HEADER_LEN..good.len() {
            for bit in 0..8 {
                let mut v = good.clone();
                v[i] ^= 1 << bit;
                assert!(matches!(decode(&v), Err(DecodeError::BadCrc { .. })), "byte {i} bit {bit}");
            }
        }
    }

    /// Writes a header around any payload, for testing the text checks.
    fn raw(payload: &[u8]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&MAGIC);
        b.extend_from_slice(&VERSION.to_le_bytes());
        b.extend_from_slice(&(payload.len() as u16).to_le_bytes());
        b.extend_from_slice(&crc32(payload).to_le_bytes());
        b.extend_from_slice(payload);
        b
    }

    #[test]
    fn text_checks() {
        assert_eq!(decode(&raw(&[0xC3, 0x28])), Err(DecodeError::NotUtf8));
        assert_eq!(decode(&raw(b"\nled=D1\n")), Err(DecodeError::NoDemo));
        assert_eq!(decode(&raw(b"")), Err(DecodeError::NoDemo));
        assert_eq!(decode(&raw(b"blink-one\nled=D1\noops\n")), Err(DecodeError::BadLine(3)));
        // No final newline, CRLF and blank lines are accepted.
        let c = raw(b"blink-one\r\nled=D1\r\n\r\ncount=2");
        let c = decode(&c).unwrap();
        assert_eq!(c.demo(), "blink-one");
        assert_eq!(c.params().collect::<Vec<_>>(), [("led", "D1"), ("count", "2")]);
        // A value may contain '=': only the first one splits.
        let c = raw(b"x\nk=a=b\n");
        assert_eq!(decode(&c).unwrap().params().collect::<Vec<_>>(), [("k", "a=b")]);
    }

    #[test]
    fn encode_rejects() {
        assert_eq!(encode("", &[]), Err(EncodeError::BadDemo));
        assert_eq!(encode("a\nb", &[]), Err(EncodeError::BadDemo));
        assert_eq!(encode("a=b", &[]), Err(EncodeError::BadDemo));
        assert_eq!(encode("a", &[("", "1")]), Err(EncodeError::BadParam));
        assert_eq!(encode("a", &[("k=", "1")]), Err(EncodeError::BadParam));
        assert_eq!(encode("a", &[("k", "1\n")]), Err(EncodeError::BadParam));
        let long = "x".repeat(MAX_PAYLOAD);
        assert_eq!(encode("a", &[("k", &long)]), Err(EncodeError::TooLong(MAX_PAYLOAD + 5)));
        // The largest payload that fits.
        let fits = "x".repeat(MAX_PAYLOAD - 5);
        let b = encode("a", &[("k", &fits)]).unwrap();
        assert_eq!(b.len(), CONFIG_SIZE);
        assert!(decode(&b).is_ok());
    }
}
