//! My app's trace on the simulator, as JSON Lines (the events baton-sim's command line
//! prints): `cargo run --example trace -- FOR_MS`. Baton's emulator test compares the
//! firmware with it.
use baton_sim::{SimConfig, Simulation};

fn main() {
    let for_ms: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let mut sim = Simulation::with_main(SimConfig::program(), my_app::main);
    sim.run_until(for_ms * 1000);
    for e in sim.trace().iter() {
        println!("{}", e.to_json());
    }
}
