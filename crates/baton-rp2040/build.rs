//! Puts memory.x where the linker finds it (cortex-m-rt's link.x includes it), for the
//! firmware that depends on this crate, and checks that exactly one board feature is on.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::write(out.join("memory.x"), include_bytes!("memory.x")).expect("writing memory.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-changed=build.rs");

    let boards = ["PICO", "QTPY"];
    let on: Vec<&str> =
        boards.iter().copied().filter(|b| env::var_os(format!("CARGO_FEATURE_{b}")).is_some()).collect();
    if on.len() != 1 {
        panic!(
            "baton-rp2040: enable exactly one board feature (pico or qtpy), e.g. \
             `baton-rp2040 = {{ path = \"…\", features = [\"qtpy\"] }}`; enabled: {on:?}"
        );
    }
}
