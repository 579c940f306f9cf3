//! A firmware that leaves baton's default `std` feature on is told so by baton, first —
//! not by "can't find crate for std" inside a dependency (issue 24) — and without it baton
//! builds for the RP2040's target.
//!
//! Runs `cargo check` for thumbv6m-none-eabi (installed by `cargo xtask setup`, or
//! `rustup target add thumbv6m-none-eabi`) in a target directory of its own.

use std::path::Path;
use std::process::Command;

const TARGET: &str = "thumbv6m-none-eabi";

/// `cargo check` of this crate for the target with `args`: whether it passed, and its
/// compiler messages (short form).
fn check(args: &[&str]) -> (bool, String) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bare-metal");
    let out = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--message-format", "short", "--target", TARGET])
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target_dir)
        // The firmware's way to atomics on a core without compare-and-swap.
        .args(["--features", "portable-atomic/unsafe-assume-single-core"])
        .args(args)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("target may not be installed") && !stderr.contains("can't find crate for `core`"),
        "the {TARGET} target is missing: run `cargo xtask setup` (or `rustup target add {TARGET}`)\n{stderr}"
    );
    (out.status.success(), stderr)
}

#[test]
fn std_left_on_for_a_target_without_std_is_an_error_that_names_baton_first() {
    let (ok, stderr) = check(&[]);
    assert!(!ok, "built with std for {TARGET}:\n{stderr}");
    let first = stderr.lines().find(|l| l.contains("error")).unwrap_or_default();
    assert!(
        first.contains("baton: the `std` feature (on by default) needs the standard library")
            && first.contains("default-features = false"),
        "the first error is not baton's:\n{stderr}"
    );
    assert!(first.contains("crates/baton/src/lib.rs") || first.contains("src/lib.rs"), "{first}");
}

#[test]
fn without_std_it_builds_for_the_target() {
    let (ok, stderr) = check(&["--no-default-features"]);
    assert!(ok, "{stderr}");
}
