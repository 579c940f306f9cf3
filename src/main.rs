//! Baton's in-browser playground: a virtual board that shows Baton's tasks taking turns.
//!
//! It is a web app, built for `wasm32-unknown-unknown` by Trunk from `index.html`; run
//! `cargo xtask serve` and open <http://127.0.0.1:8080>. The logic lives in the library
//! (`src/lib.rs`), which is also tested natively.

/// The page's allocator: talc, a maintained `no_std` allocator whose WebAssembly mode grows
/// the memory as Rust's default dlmalloc does, in less code (the page must stay under its
/// 200 KB download budget; the worker's modules use it too, see crates/baton-host).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(target_arch = "wasm32")]
fn main() {
    baton_playground::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("The Baton playground is a web app: run `cargo xtask serve` and open http://127.0.0.1:8080");
}
