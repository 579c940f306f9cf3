//! "Your board": the panel where you connect your own board over Web Serial (docs/LINK.md).
//! It is made and run in JavaScript (`src/js/board.js`, and `link/board.mjs` with the link's
//! own wasm, fetched only when you press "Connect board"): the port and the frames never
//! touch the page's wasm, which stays within its download budget. Yew places the panel's
//! element; the snippet keeps the same one for the page's life.
//!
//! While the board streams, the link hands the page what it says, as a worker's messages
//! (`baton_host::wire`) between a `live` and a `gone`: [`listen`] turns them into actions, and
//! the page shows the board in its own views ([`crate::driver::BoardRun`]).

use crate::state::Action;
use baton_host::wire;
use wasm_bindgen::prelude::*;
use yew::{Callback, Html};

#[wasm_bindgen(module = "/src/js/board.js")]
extern "C" {
    #[wasm_bindgen(js_name = boardPanel)]
    fn board_panel() -> web_sys::Node;
    #[wasm_bindgen(js_name = onBoardRun)]
    fn on_board_run(f: &js_sys::Function);
    /// Stops the board's stream: the page shows a run of its own.
    #[wasm_bindgen(js_name = stopWatching)]
    pub fn stop_watching();
}

/// The panel (the same element on every render).
pub fn panel() -> Html {
    Html::VRef(board_panel())
}

/// Passes what the board link says to `dispatch`, for as long as the returned closure lives.
pub fn listen(dispatch: Callback<Action>) -> Closure<dyn FnMut(JsValue)> {
    let f = Closure::<dyn FnMut(JsValue)>::new(move |m: JsValue| {
        let text =
            |key: &str| js_sys::Reflect::get(&m, &key.into()).ok().and_then(|v| v.as_string()).unwrap_or_default();
        dispatch.emit(match text("type").as_str() {
            "live" => Action::BoardLive {
                board: text("board"),
                firmware: text("firmware"),
                demo: text("demo"),
                params: text("params"),
            },
            "gone" => Action::BoardGone(text("why")),
            _ => match wire::decode(&m) {
                Ok(msg) => Action::Board(msg),
                Err(why) => Action::BoardGone(why),
            },
        });
    });
    on_board_run(f.as_ref().unchecked_ref());
    f
}
