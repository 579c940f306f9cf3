//! Raw DEFLATE for share links, at the edge: the browser's `CompressionStream`
//! (`src/js/deflate.js`). It is asynchronous, so the reducer asks for it
//! ([`State::to_deflate`](crate::state::State::to_deflate)) and is handed the bytes
//! ([`Action::Deflated`](crate::state::Action::Deflated)); reading a link inflates with
//! miniz_oxide, synchronously, in [`crate::link`].

use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/js/deflate.js")]
extern "C" {
    #[wasm_bindgen(js_name = deflateRaw, catch)]
    async fn deflate_raw(bytes: &[u8]) -> Result<JsValue, JsValue>;
}

/// `bytes`' raw DEFLATE, or why the browser could not make it.
pub async fn deflate(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let out = deflate_raw(bytes).await.map_err(|e| {
        e.dyn_ref::<js_sys::Error>().map_or_else(|| "the browser cannot compress".into(), |e| String::from(e.message()))
    })?;
    Ok(js_sys::Uint8Array::new(&out).to_vec())
}
