//! "Your board": the panel where you connect your own board over Web Serial (docs/LINK.md).
//! It is made and run in JavaScript (`src/js/board.js`, and `link/board.mjs` with the link's
//! own wasm, fetched only when you press "Connect board"): the port, the frames and the live
//! list never touch the page's wasm, which stays within its download budget. Yew places the
//! panel's element; the snippet keeps the same one for the page's life.

use wasm_bindgen::prelude::*;
use yew::Html;

#[wasm_bindgen(module = "/src/js/board.js")]
extern "C" {
    #[wasm_bindgen(js_name = boardPanel)]
    fn board_panel() -> web_sys::Node;
}

/// The panel (the same element on every render).
pub fn panel() -> Html {
    Html::VRef(board_panel())
}
