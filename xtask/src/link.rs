//! The board link's page side, staged for the playground in `www/link/` (gitignored; Trunk
//! copies it into `dist/link/`): `crates/baton-link-web` (baton-link's codec) for wasm32 with
//! its wasm-bindgen bindings, and the JavaScript edge that owns the serial port
//! (`crates/baton-link-web/js/board.mjs`). The page fetches them only when you press "Connect
//! board" (its snippet `src/js/board.js`), so the page's own download does not grow with the
//! codec.

use crate::python::{bind_if_stale, minify, to_stderr, wasm_opt};
use crate::{mtime, Ctx, Result};

const CRATE: &str = "baton-link-web";
const STEM: &str = "baton_link_web";
const JS: &str = "crates/baton-link-web/js/board.mjs";
const PKG_DIR: &str = "target/baton-link/pkg";
/// Where the page's files go (gitignored).
const WEB_DIR: &str = "www/link";
/// The profile of the page's wasm: small, as it is downloaded.
const PROFILE: &str = "wasm-release";

/// Builds the module and stages it with its bindings and the edge module in `www/link/`.
pub(crate) fn stage_for_web(cx: &Ctx) -> Result {
    let mut cargo = cx.cargo(&["build", "--quiet", "--target", "wasm32-unknown-unknown", "--profile", PROFILE]);
    cargo.args(["-p", CRATE]);
    to_stderr(&mut cargo);
    cx.run_quiet(cargo)?;
    let wasm = cx.root.join("target/wasm32-unknown-unknown").join(PROFILE).join(format!("{STEM}.wasm"));
    let pkg = cx.root.join(PKG_DIR);
    bind_if_stale(cx, &wasm, &pkg, STEM)?;
    let bound = pkg.join(format!("{STEM}_bg.wasm"));
    let dir = cx.root.join(WEB_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let out = dir.join(format!("{STEM}_bg.wasm"));
    if mtime(&out).is_none_or(|o| mtime(&bound).is_some_and(|b| b > o)) {
        wasm_opt(cx, &bound, &out, &[])?;
    }
    minify(cx, &pkg.join(format!("{STEM}.js")), &dir.join(format!("{STEM}.js")))?;
    minify(cx, &cx.root.join(JS), &dir.join("board.mjs"))?;
    println!("✓ staged the board link for the playground in {WEB_DIR}/");
    Ok(())
}
