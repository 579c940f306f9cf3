//! Python mode's source editor: `crates/baton-py/editor` → `target/baton-py/editor/editor.js`.
//!
//! The editor is prism-code-editor (a `<textarea>` under Prism-highlighted lines: Python
//! highlighting, line numbers, undo history, indentation, an error-line mark). It comes from
//! the npm registry like the project's other JavaScript (`npm ci` against the committed lock
//! file), and esbuild bundles it offline, at build time, with its CSS, into one minified ES
//! module (`node build.mjs`): the page fetches no npm module when it runs.
//! The page imports that module only when it enters Python mode, so the other modes never
//! download it.
//!
//! Build output goes to stderr, as in `python.rs`: a caller's standard output may be data.

use crate::{mtime, Ctx, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::SystemTime;

/// The editor's npm project (package.json, build.mjs, src/).
const EDITOR_DIR: &str = "crates/baton-py/editor";
/// The bundle, relative to the repository root.
const BUNDLE: &str = "target/baton-py/editor/editor.js";

/// Installs the editor's npm packages when missing, bundles the editor when the bundle is
/// missing or older than its sources, and returns the bundle's path.
pub(crate) fn build(cx: &Ctx) -> Result<PathBuf> {
    crate::npm_ci_if_stale(cx, EDITOR_DIR, || {
        eprintln!("installing prism-code-editor and esbuild in {EDITOR_DIR} (npm ci) …")
    })?;
    let dir = cx.root.join(EDITOR_DIR);
    let bundle = cx.root.join(BUNDLE);
    let sources = [newest(&dir.join("src")), mtime(&dir.join("build.mjs")), mtime(&dir.join("package-lock.json"))];
    let stale = match mtime(&bundle) {
        Some(built) => sources.into_iter().flatten().any(|source| source > built),
        None => true,
    };
    if stale {
        eprintln!("bundling the editor into {BUNDLE} (esbuild) …");
        let mut node = cx.command("node");
        node.arg("build.mjs").arg(&bundle).current_dir(&dir).stdout(Stdio::from(std::io::stderr()));
        cx.run_quiet(node)?;
    }
    Ok(bundle)
}

/// The newest modification time of a file under `dir` (recursively), if any.
fn newest(dir: &Path) -> Option<SystemTime> {
    let entries = fs::read_dir(dir).ok()?;
    entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                newest(&path)
            } else {
                mtime(&path)
            }
        })
        .max()
}
