//! The playground's Yew components. Each takes a view-model (see [`crate::view`]) and a
//! dispatch callback; Yew skips a component whose props did not change, so a frame only
//! re-renders what moved. None of them ever renders text as HTML.

pub mod board;
pub mod board_link;
pub mod console;
pub mod controls;
pub mod editor;
pub mod inspector;
pub mod params;
pub mod picker;
pub mod source;
pub mod timeline;
pub mod worker;
