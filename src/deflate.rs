//! Raw DEFLATE for share links, at the edge: the browser's `CompressionStream` and
//! `DecompressionStream` (`src/js/deflate.js`). They are asynchronous, so the reducer asks
//! ([`Effect::Deflate`](crate::state::Effect::Deflate),
//! [`Effect::Inflate`](crate::state::Effect::Inflate)) and is handed the bytes
//! ([`Action::Deflated`](crate::state::Action::Deflated),
//! [`Action::Inflated`](crate::state::Action::Inflated)).

use crate::link::{InflateError, MAX_CODE_BYTES};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/deflate.js")]
extern "C" {
    #[wasm_bindgen(js_name = deflateRaw, catch)]
    async fn deflate_raw(bytes: &[u8]) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = inflateRaw, catch)]
    async fn inflate_raw(bytes: &[u8], limit: u32) -> Result<JsValue, JsValue>;
}

/// `bytes`' raw DEFLATE, or why the browser could not make it.
pub async fn deflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let out = deflate_raw(bytes).await.map_err(|e| {
        e.dyn_ref::<js_sys::Error>().map_or_else(|| "the browser cannot compress".into(), |e| String::from(e.message()))
    })?;
    Ok(js_sys::Uint8Array::new(&out).to_vec())
}

/// A link's code inflated: at most [`MAX_CODE_BYTES`] bytes.
pub async fn inflate(deflated: &[u8]) -> Result<Vec<u8>, InflateError> {
    // A browser without DecompressionStream cannot read the code either.
    let out = inflate_raw(deflated, MAX_CODE_BYTES as u32).await.map_err(|_| InflateError::NotDeflate)?;
    if out.is_null() {
        return Err(InflateError::TooLong);
    }
    if out == JsValue::FALSE {
        return Err(InflateError::Unsupported);
    }
    out.dyn_into::<js_sys::Uint8Array>().map(|a| a.to_vec()).map_err(|_| InflateError::NotDeflate)
}
