//! # Baton's in-browser playground
//!
//! A virtual board that shows Baton's tasks taking turns: the guide's programs run in the page
//! on the simulator ([`baton_sim`]), paced against the wall clock, with an inspector, a
//! timeline, a console and share links that replay a run exactly.
//!
//! The logic is plain Rust that compiles and is unit-tested natively
//! (`cargo test -p baton-playground`):
//!
//! - [`link`]: the share-link codec (`?v=1&demo=button-interval&interval=0.7&rec=…`);
//! - [`remote`]: a run in a Web Worker (Python mode, or a blocking Rust demo), as the page sees it;
//! - [`driver`]: runs the simulation (or shows the worker's) against a clock, keeps the board as it looks at the
//!   *display time*, a bounded timeline window and the inspector's task table;
//! - [`state`]: the reducer: every user action, validated, into plain data and the effects it asks for;
//! - [`page`]: the state and the engine of its run (the driver), doing what the reducer asks of it;
//! - [`view`]: pure view-models (board parts, colours, times, the speed slider);
//! - [`highlight`]: a small Rust syntax highlighter for the source pane.
//!
//! The Yew app (`app` and `components`) exists only on `wasm32`.

#![forbid(unsafe_code)]

pub mod driver;
pub mod examples;
pub mod firmware;
pub mod highlight;
pub mod link;
pub mod math;
pub mod page;
pub mod remote;
pub mod state;
pub mod view;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod deflate;
#[cfg(target_arch = "wasm32")]
pub mod fetch;
