//! The README's "On your computer" (from its first comment on, word for word: tests/readme.rs
//! checks), on the README's program. `cargo run -p baton-sim --example own_program`.
#[path = "../tests/own_program/app.rs"]
mod my_app;
// src/main.rs: your program on your computer, its pins written to standard output
use baton_board::host::HostBoard;

fn main() {
    if let Err(e) = baton::run(my_app::main(HostBoard::new())) {
        eprintln!("error: {e}");
    }
}
