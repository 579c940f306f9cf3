//! "Download firmware": the running demo, with its parameters, for a real
//! board.
//!
//! The set-up command builds one UF2 per board with an erased configuration
//! sector and serves it with the page (`firmware/baton-<board>.uf2`). The
//! page fetches it and writes the configuration block — the demo id and the
//! parameters that differ from the guide's, the same `key=value` text a share
//! link carries — into it, here, with the firmware's own encoder
//! (`baton_uf2`). The firmware checks the block again when it boots.

use baton_demos::Params;
use baton_uf2::{config, uf2};

/// A board the firmware supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Board {
    /// The id in file names (`pico`).
    pub id: &'static str,
    /// What a person reads.
    pub label: &'static str,
}

/// The boards, in the order the page offers them.
pub const BOARDS: &[Board] =
    &[Board { id: "pico", label: "Raspberry Pi Pico" }, Board { id: "qtpy", label: "QT Py RP2040" }];

impl Board {
    /// Where the page finds the prebuilt UF2 (relative to the page).
    pub fn asset(self) -> String {
        format!("firmware/baton-{}.uf2", self.id)
    }

    /// The name of the file the person saves.
    pub fn file_name(self, params: &Params) -> String {
        format!("baton-{}-{}.uf2", self.id, params.demo().id())
    }
}

/// The prebuilt `uf2` with `params`' demo written into its configuration
/// block.
///
/// ```
/// use baton_demos::{DemoId, Params};
/// use baton_playground::firmware::with_demo;
/// use baton_uf2::{config, uf2};
///
/// let mut image = uf2::Image::new();
/// image.write(0x1000_0000, &[0xAB; 300], 0xFF).unwrap();
/// image.clear_config();
/// let prebuilt = image.to_uf2(uf2::RP2040_FAMILY_ID);
///
/// let mut params = Params::defaults(DemoId::BlinkTwo);
/// params.set("interval2", "0.3").unwrap();
/// let patched = with_demo(&prebuilt, &params).unwrap();
/// let back = uf2::Image::from_uf2(&patched).unwrap();
/// let bytes = back.config_bytes();
/// let block = config::decode(&bytes).unwrap();
/// assert_eq!(block.demo(), "blink-two");
/// assert_eq!(block.params().collect::<Vec<_>>(), [("interval2", "0.3")]);
/// assert_eq!(back.read(0x1000_0000, 300), vec![0xAB; 300]); // the program is untouched
/// ```
pub fn with_demo(prebuilt: &[u8], params: &Params) -> Result<Vec<u8>, String> {
    let changed = params.changed();
    let pairs: Vec<(&str, &str)> = changed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let block = config::encode(params.demo().id(), &pairs).map_err(|e| format!("configuration block: {e}"))?;
    uf2::patch_config(prebuilt, &block).map_err(|e| format!("the prebuilt firmware is not a usable UF2: {e:?}"))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use baton_demos::DemoId;

    #[test]
    fn a_file_that_is_not_a_uf2_is_refused_with_a_reason() {
        let err = with_demo(b"<!doctype html>not found", &Params::defaults(DemoId::Rainbow)).unwrap_err();
        assert!(err.contains("not a usable UF2"), "{err}");
    }

    #[test]
    fn every_demo_and_board_gets_its_own_file_name() {
        let p = Params::defaults(DemoId::ButtonIntervalTwo);
        assert_eq!(BOARDS[0].file_name(&p), "baton-pico-button-interval-two.uf2");
        assert_eq!(BOARDS[1].asset(), "firmware/baton-qtpy.uf2");
    }
}
