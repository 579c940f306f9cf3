//! Baton's in-browser playground: a virtual board that shows Baton's tasks taking turns.
//!
//! It is a web app, built for `wasm32-unknown-unknown` by Trunk from `index.html`; run
//! `cargo xtask serve` and open <http://127.0.0.1:8080>. The logic lives in the library
//! (`src/lib.rs`), which is also tested natively.

// The page's allocator is talc, declared once for the page and the worker's modules in
// crates/baton-host, which the page links for the worker's messages (its `wire`).

#[cfg(target_arch = "wasm32")]
fn main() {
    baton_playground::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("The Baton playground is a web app: run `cargo xtask serve` and open http://127.0.0.1:8080");
}
