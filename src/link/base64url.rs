//! base64url without padding (RFC 4648 §5), as a link's `code` carries its DEFLATE.
//!
//! Written out rather than taken from the `base64` crate, whose engine is 2.6 KB of the
//! page's wasm for these two loops (about 1 KB gzipped, measured: the page's budget is 200 KB).
//! It reads exactly what that crate's `URL_SAFE_NO_PAD` reads (no padding, no stray bits in
//! the last character), which the tests check against it.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` in base64url, without padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The bytes `text` encodes, or why it is not base64url without padding.
pub fn decode(text: &str) -> Result<Vec<u8>, &'static str> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for chunk in text.as_bytes().chunks(4) {
        if chunk.len() == 1 {
            return Err("its length is not one of base64's");
        }
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let digit = match c {
                b'A'..=b'Z' => c - b'A',
                b'a'..=b'z' => c - b'a' + 26,
                b'0'..=b'9' => c - b'0' + 52,
                b'-' => 62,
                b'_' => 63,
                _ => return Err("a character other than A-Z, a-z, 0-9, - and _"),
            };
            n |= u32::from(digit) << (18 - 6 * i);
        }
        let len = chunk.len() - 1;
        // The bits of the last character beyond the last byte must be 0 (as RFC 4648 says an
        // encoder writes them): otherwise two texts would read as the same bytes.
        if n & (0xff_ffff >> (8 * len)) != 0 {
            return Err("its last character has bits beyond the data");
        }
        out.extend((0..len).map(|i| (n >> (16 - 8 * i)) as u8));
    }
    Ok(out)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use base64::Engine as _;
    use proptest::prelude::*;

    const CRATE: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

    #[test]
    fn rfc_4648_vectors() {
        for (bytes, text) in
            [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE")]
        {
            assert_eq!(encode(bytes.as_bytes()), text);
            assert_eq!(decode(text).as_deref(), Ok(bytes.as_bytes()));
        }
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
        assert!(decode("Zm9=").is_err(), "no padding");
        assert!(decode("Zh").is_err(), "stray bits");
        assert!(decode("Zm9vY").is_err(), "a length base64 never has");
        assert!(decode("Zm+v").is_err(), "base64's alphabet, not base64url's");
    }

    proptest! {
        #[test]
        fn encodes_as_the_base64_crate(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let text = encode(&bytes);
            prop_assert_eq!(&text, &CRATE.encode(&bytes));
            prop_assert_eq!(decode(&text), Ok(bytes));
        }

        #[test]
        fn reads_what_the_base64_crate_reads(text in "[A-Za-z0-9_=+/-]{0,12}|\\PC{0,12}") {
            prop_assert_eq!(decode(&text).ok(), CRATE.decode(&text).ok(), "{:?}", text);
        }
    }
}
