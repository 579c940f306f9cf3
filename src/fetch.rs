//! The page's one way to fetch a file of its own (a board's prebuilt UF2, a demo's Rust source),
//! with the failure said in words: "sources/x.rs: HTTP 404", "firmware/y.uf2: not reachable".

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Fetches `url` and returns its response if the server answered 2xx.
pub async fn fetch_ok(url: &str) -> Result<web_sys::Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    let fetched = JsFuture::from(window.fetch_with_str(url)).await.map_err(|_| format!("{url}: not reachable"))?;
    let response: web_sys::Response = fetched.dyn_into().map_err(|_| format!("{url}: no response"))?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()));
    }
    Ok(response)
}

/// The body of a response from [`fetch_ok`] for `url`, as bytes.
pub async fn bytes(url: &str, response: &web_sys::Response) -> Result<Vec<u8>, String> {
    let buffer = response.array_buffer().map_err(|_| format!("{url}: unreadable"))?;
    let buffer = JsFuture::from(buffer).await.map_err(|_| format!("{url}: unreadable"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The body of a response from [`fetch_ok`] for `url`, as text.
pub async fn text(url: &str, response: &web_sys::Response) -> Result<String, String> {
    let text = response.text().map_err(|_| format!("{url}: unreadable"))?;
    let text = JsFuture::from(text).await.map_err(|_| format!("{url}: unreadable"))?;
    text.as_string().ok_or_else(|| format!("{url}: not text"))
}
