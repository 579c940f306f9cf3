//! # The firmware's files: UF2 images and the configuration block
//!
//! - [`config`]: the versioned, CRC-checked block at [`config::CONFIG_ADDR`]
//!   that tells the RP2040 firmware which demo to run with which parameters.
//!   The firmware reads it with this very code (`default-features = false`:
//!   `no_std` + `alloc`).
//! - [`uf2`]: UF2 images — built from the firmware's ELF file, read back,
//!   and with their configuration block replaced, so that one prebuilt
//!   firmware runs any demo.
//! - [`elf`]: the little of ELF that the two above need.
//! - [`boot_rom`]: how the RP2040's boot ROM writes a UF2 file to flash,
//!   modelled, and the rule ([`boot_rom::check`]) a file must follow for the
//!   write to be exact — which every file [`uf2`] makes does.
//!
//! The `baton-uf2` command (feature `cli`, on by default) puts them together
//! for `cargo xtask firmware`.

#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub mod boot_rom;
pub mod config;
pub mod elf;
pub mod uf2;
