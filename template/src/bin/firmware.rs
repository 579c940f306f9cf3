//! My app on an RP2040 (feature `pico` or `qtpy`):
//! `cargo build --release --target thumbv6m-none-eabi --features pico`.

#![no_std]
#![no_main]

#[baton_rp2040::entry]
fn main() -> ! {
    baton_rp2040::run("my-app", my_app::main)
}
