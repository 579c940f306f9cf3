//! My app on this computer: `cargo run --example host` (its pins written to standard output).
use baton_board::host::HostBoard;

fn main() {
    if let Err(e) = baton::run(my_app::main(HostBoard::new())) {
        eprintln!("error: {e}");
    }
}
