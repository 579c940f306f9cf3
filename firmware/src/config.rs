//! Which demo to run: the configuration block at the end of flash (written
//! into the UF2 by `cargo xtask firmware`, or patched in by the playground),
//! checked with the same code and the same parameter table as everywhere
//! else. Anything wrong — no block, a corrupt one, an unknown demo, a bad
//! parameter, a pin this board lacks — is said on the console, and the
//! board's default demo runs instead.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use baton_demos::{DemoId, Params, Value};
use baton_rp2040::boards;
use baton_uf2::config::{self, CONFIG_ADDR, CONFIG_SIZE};

/// The configuration sector, read through the XIP window.
fn sector() -> &'static [u8] {
    // SAFETY: 0x101FF000..0x10200000 is inside the 2 MB (or larger) flash
    // mapped read-only at 0x10000000; nothing writes flash while we run.
    unsafe { core::slice::from_raw_parts(CONFIG_ADDR as *const u8, CONFIG_SIZE) }
}

/// What runs without a configuration block: on the Pico, `blink-one` on the
/// on-board LED, so a bare board shows that it is alive.
#[cfg(feature = "pico")]
const DEFAULT: (&str, &[(&str, &str)]) = ("blink-one", &[("led", "LED"), ("count", "1000")]);
/// On the QT Py, the guide's rainbow on the on-board NeoPixel (the guide's
/// example was tested on this board).
#[cfg(feature = "qtpy")]
const DEFAULT: (&str, &[(&str, &str)]) =
    ("rainbow", &[("pixel_pin", "NEOPIXEL"), ("num_pixels", "1"), ("brightness", "0.1")]);

/// The board's default demo.
pub fn default_params() -> Params {
    // (`unwrap_or_else` + `panic!` rather than `expect`: no Debug formatting
    // code for the error types in flash.)
    let Ok(demo) = DEFAULT.0.parse::<DemoId>() else { panic!("the default demo is unknown") };
    let mut params = Params::defaults(demo);
    if params.set_all(DEFAULT.1.iter().copied()).is_err() {
        panic!("the default parameters are invalid");
    }
    params
}

/// A pin parameter naming a pin this board does not have.
fn missing_pin(params: &Params) -> Option<(&'static str, baton_board::Pin)> {
    params.iter().find_map(|(spec, v)| match v {
        Value::Pin(p) if boards::gpio(p).is_none() => Some((spec.key, p)),
        _ => None,
    })
}

/// The configured demo; or the default, with the reason to print once the
/// console is up (which console depends on the demo's pins).
pub fn load() -> (Params, Option<String>) {
    match from_block(sector()) {
        Ok(params) => (params, None),
        Err(why) => {
            let fallback = default_params();
            let message = format!("baton: {why}; running the default demo, {}", fallback.demo());
            (fallback, Some(message))
        }
    }
}

/// Why a block is not used, said once.
enum Problem {
    Block(config::DecodeError),
    Demo(baton_demos::UnknownDemo),
    Param(baton_demos::ParamError),
    Pin(&'static str, baton_board::Pin),
}

impl Problem {
    /// What is wrong with the demo or its parameters, wherever they came from.
    fn reason(&self) -> String {
        match self {
            Problem::Block(e) => format!("{e}"),
            Problem::Demo(e) => format!("{e}"),
            Problem::Param(e) => format!("{e}"),
            Problem::Pin(key, pin) => format!("{key}={pin}: the {} has no pin {pin}", boards::NAME),
        }
    }
}

impl core::fmt::Display for Problem {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Problem::Block(e) => e.fmt(f),
            _ => write!(f, "configuration block: {}", self.reason()),
        }
    }
}

fn from_block(bytes: &[u8]) -> Result<Params, Problem> {
    let block = config::decode(bytes).map_err(Problem::Block)?;
    checked(block.demo(), block.params())
}

/// The demo and parameters, checked by the same rules as everywhere (baton-demos' table),
/// and against this board's pins.
fn checked<'a>(demo: &str, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Params, Problem> {
    let demo: DemoId = demo.parse().map_err(Problem::Demo)?;
    let mut params = Params::defaults(demo);
    params.set_all(pairs).map_err(Problem::Param)?;
    if let Some((key, pin)) = missing_pin(&params) {
        return Err(Problem::Pin(key, pin));
    }
    Ok(params)
}

/// The link's `SetConfig` (docs/LINK.md): the configuration block for `demo` and `params`, if
/// they pass the same checks as a block read at boot; otherwise why not.
pub fn block_for(demo: &str, params: &[(&str, &str)]) -> Result<Vec<u8>, String> {
    checked(demo, params.iter().copied()).map_err(|p| p.reason())?;
    config::encode(demo, params).map_err(|e| format!("{e}"))
}

// The runtime writes the sector this crate reads.
const _: () = assert!(baton_rp2040::config_sector::CONFIG_ADDR == CONFIG_ADDR);

/// The pins the demo's parameters name: the pins it will ask for.
pub fn pins(params: &Params) -> impl Iterator<Item = baton_board::Pin> + '_ {
    params.iter().filter_map(|(_, v)| match v {
        Value::Pin(p) => Some(p),
        _ => None,
    })
}
