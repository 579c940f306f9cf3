//! Your own Rust program in the playground.
//!
//! ```text
//! cargo xtask serve --program PATH       the playground, with PATH's `main` beside the demos,
//!                                        rebuilt when PATH's src/ or Cargo.toml change
//! cargo xtask build-web --program PATH   the same, in the release build (dist/)
//! cargo xtask program PATH --out DIR     only the program's files, into DIR (the browser test)
//! ```
//!
//! PATH is a crate like `template/`: its library exports
//! `pub async fn main(board: impl baton_board::Board) -> Result<(), BoardError>`, which its
//! simulator tests run with `Simulation::with_main(SimConfig::program(), my_app::main)`.
//!
//! The playground runs it where it runs the blocking demos: in its worker, on
//! baton-demo-sim's `DemoSim` (`DemoSim::program`, the same timing as those tests). So xtask
//! writes a small crate of its own under `target/program/` (never in your crate nor in the
//! repository's tree) that depends on yours and on baton-demo-sim by path and exports one
//! function, `program(poll_cost_us)`; builds it for wasm32 with wasm-bindgen, as the demos'
//! module is built (python.rs); and stages it in `www/program/`, which Trunk copies to
//! `dist/program/`:
//!
//! - `baton_program.js`, `baton_program_bg.wasm`: the module the worker loads;
//! - `lib.rs`: your `src/lib.rs`, for the page's source pane;
//! - `program.txt`, the manifest: the crate's name on the first line, the build's version on
//!   the second (the worker loads the module with it, so a rebuilt program is never an old
//!   copy from a cache), and a failed build's errors after them. The page offers
//!   "Your program" only when the manifest names one, and the worker shows the errors instead of
//!   running an old build. Without `--program` the manifest is empty: the page reads it at every
//!   load, and a missing file would be a 404 in its console.
//!
//! A plain line format rather than JSON: the page's wasm has no JSON reader, and reads only
//! the first line.

use crate::{mtime, Ctx, Result};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

/// Where the program is staged for Trunk (gitignored; index.html copies it to dist/program).
pub(crate) const WEB_DIR: &str = "www/program";
/// Where the generated crate is written and built.
const CRATE_DIR: &str = "target/program";
/// The manifest's file name.
const MANIFEST: &str = "program.txt";
/// The generated crate's module name (its `.wasm`, and wasm-bindgen's `.js`).
const MODULE: &str = "baton_program";
/// The profile: the worker's demos module's (python.rs), small and fast.
const PROFILE: &str = "wasm-release";
/// The generated crate's own target folder, under [`CRATE_DIR`]. Not the repository's: Baton's
/// crates are members of the repository's workspace there and path dependencies here, which
/// cargo compiles with other paths and so other crate hashes under the same file names: the two
/// builds would overwrite each other's libraries, and rustc then finds two `baton_board`s.
const TARGET_DIR: &str = "target";
/// How often `serve --program` looks at the crate's files.
const POLL: Duration = Duration::from_millis(500);

/// A user's crate.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Program {
    /// Its folder (absolute).
    dir: PathBuf,
    /// Its package name (Cargo.toml's `[package] name`).
    name: String,
}

impl Program {
    /// The crate at `path`: a Cargo.toml with a package name, and a `src/lib.rs`.
    pub(crate) fn open(path: &str) -> Result<Program> {
        let dir = fs::canonicalize(path).map_err(|e| format!("--program {path}: {e}"))?;
        let toml = dir.join("Cargo.toml");
        let text = fs::read_to_string(&toml).map_err(|e| format!("reading {}: {e}", toml.display()))?;
        let name = package_name(&text).ok_or_else(|| format!("{} has no [package] name", toml.display()))?;
        if !dir.join("src/lib.rs").is_file() {
            return Err(format!(
                "{} has no src/lib.rs: the playground runs the `main` that a crate's library exports \
                 (`pub async fn main(board: impl Board) -> Result<(), BoardError>`; see template/src/lib.rs)",
                dir.display()
            ));
        }
        Ok(Program { dir, name })
    }
}

/// The `name` of a Cargo.toml's `[package]` table (a line `name = "…"` in it).
fn package_name(toml: &str) -> Option<String> {
    let mut in_package = false;
    for line in toml.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if let Some((key, value)) = line.split_once('=') {
            if in_package && key.trim() == "name" {
                let value = value.trim();
                return value.strip_prefix('"')?.strip_suffix('"').map(str::to_owned);
            }
        }
    }
    None
}

/// The generated crate's Cargo.toml: yours (as `user`, whatever its library's name) and
/// baton-demo-sim by path, wasm-bindgen at the repository's version, and the profile of the
/// worker's modules. A workspace of its own, so that it is no member of the repository's.
fn generated_manifest(root: &Path, program: &Program, wasm_bindgen: &str) -> String {
    let demo_sim = root.join("crates/baton-demo-sim");
    format!(
        "# Generated by `cargo xtask` (xtask/src/program.rs) for {name}: rewritten at each build.\n\
         [package]\n\
         name = \"baton-program\"\n\
         version = \"0.0.0\"\n\
         edition = \"2021\"\n\
         publish = false\n\
         \n\
         [lib]\n\
         crate-type = [\"cdylib\"]\n\
         path = \"lib.rs\"\n\
         \n\
         [workspace]\n\
         \n\
         [dependencies]\n\
         user = {{ package = {name_str}, path = {user} }}\n\
         baton-demo-sim = {{ path = {demo_sim} }}\n\
         wasm-bindgen = \"={wasm_bindgen}\"\n\
         \n\
         # As the repository's (Cargo.toml).\n\
         [profile.{PROFILE}]\n\
         inherits = \"release\"\n\
         opt-level = \"z\"\n\
         lto = true\n\
         codegen-units = 1\n\
         panic = \"abort\"\n",
        name = program.name,
        name_str = toml_string(&program.name),
        user = toml_string(&program.dir.to_string_lossy()),
        demo_sim = toml_string(&demo_sim.to_string_lossy()),
    )
}

/// The generated crate's code: one export, the worker's constructor.
const GENERATED_LIB: &str = "\
//! Generated by `cargo xtask` (xtask/src/program.rs): your crate's `main` for the playground's worker.
use wasm_bindgen::prelude::*;

/// Your `main` on the paced virtual board, at `poll_cost_us` a turn.
#[wasm_bindgen]
pub fn program(poll_cost_us: f64) -> baton_demo_sim::DemoSim {
    baton_demo_sim::DemoSim::program(poll_cost_us, user::main)
}
";

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The manifest (see the module docs).
fn manifest(name: &str, version: &str, error: &str) -> String {
    format!("{name}\n{version}\n{error}")
}

/// What a failed build's output says to the page: cargo's short diagnostics, their errors
/// only (`src/lib.rs:3:5: error[E0425]: …`, `error: could not compile …`).
fn errors_of(output: &str) -> String {
    let lines: Vec<&str> = output.lines().filter(|l| l.contains("error")).collect();
    if lines.is_empty() {
        output.trim().to_owned()
    } else {
        lines.join("\n")
    }
}

/// Builds the program's module: `Ok(folder of wasm-bindgen's output)`, or `Err(errors)` when
/// cargo failed (printed already) — those are the program's, for the page. A failure of the
/// tools themselves is the outer `Err`.
fn build(cx: &Ctx, program: &Program) -> Result<std::result::Result<PathBuf, String>> {
    crate::install_rust_targets(cx)?;
    if cx.tool_version("wasm-bindgen") != Some(cx.wasm_bindgen_version()?) {
        crate::setup_wasm_bindgen(cx)?;
    }
    let dir = cx.root.join(CRATE_DIR);
    fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let toml = generated_manifest(&cx.root, program, &cx.wasm_bindgen_version()?);
    write_if_changed(&dir.join("Cargo.toml"), &toml)?;
    write_if_changed(&dir.join("lib.rs"), GENERATED_LIB)?;
    // The repository's lock as a start: the crates it has are already fetched and built.
    if !dir.join("Cargo.lock").is_file() {
        fs::copy(cx.root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| format!("copying Cargo.lock: {e}"))?;
    }
    println!("building {} for the playground …", program.name);
    crate::flush();
    let mut cargo = cx.cargo(&[
        "build",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        PROFILE,
        "--message-format",
        "short",
        "--manifest-path",
    ]);
    cargo.arg(dir.join("Cargo.toml")).env("CARGO_TARGET_DIR", dir.join(TARGET_DIR));
    cargo.stderr(Stdio::piped());
    let out = cargo.output().map_err(|e| format!("cannot run cargo: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprint!("{stderr}");
    if !out.status.success() {
        return Ok(Err(errors_of(&stderr)));
    }
    let wasm = dir.join(TARGET_DIR).join("wasm32-unknown-unknown").join(PROFILE).join(format!("{MODULE}.wasm"));
    let pkg = dir.join("pkg");
    let mut bindgen = cx.command("wasm-bindgen");
    bindgen.args(["--target", "web", "--out-dir"]).arg(&pkg).arg(&wasm);
    cx.run_quiet(bindgen)?;
    Ok(Ok(pkg))
}

/// Writes `text` to `path` unless it holds that already (cargo rebuilds what is newer).
fn write_if_changed(path: &Path, text: &str) -> Result {
    if fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Builds the program and stages it in `out` (see the module docs); a failed build stages
/// its errors in the manifest, and no module. Returns whether it built.
pub(crate) fn stage(cx: &Ctx, program: &Program, out: &Path) -> Result<bool> {
    let built = build(cx, program)?;
    fs::create_dir_all(out).map_err(|e| format!("creating {}: {e}", out.display()))?;
    let version =
        SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis().to_string()).unwrap_or_default();
    let source = program.dir.join("src/lib.rs");
    copy(&source, &out.join("lib.rs"))?;
    let error = match &built {
        Ok(pkg) => {
            for name in [format!("{MODULE}.js"), format!("{MODULE}_bg.wasm")] {
                copy(&pkg.join(&name), &out.join(&name))?;
            }
            String::new()
        }
        Err(errors) => {
            // Never an old build in place of the one that failed.
            for name in [format!("{MODULE}.js"), format!("{MODULE}_bg.wasm")] {
                let _ = fs::remove_file(out.join(name));
            }
            format!("cargo xtask could not build {}:\n{errors}", program.name)
        }
    };
    // Last: the worker reads the manifest first, then the module it names.
    fs::write(out.join(MANIFEST), manifest(&program.name, &version, &error))
        .map_err(|e| format!("writing {}: {e}", out.join(MANIFEST).display()))?;
    match built {
        Ok(_) => println!("✓ staged {} ({}) in {}", program.name, program.dir.display(), out.display()),
        Err(_) => println!("✗ {} did not build: the playground shows its errors", program.name),
    }
    Ok(built.is_ok())
}

/// Stages `program` for the playground (`www/program/`), or, without one, leaves only an
/// empty manifest there, so that a build never carries an older program along.
pub(crate) fn stage_for_web(cx: &Ctx, program: Option<&Program>) -> Result<bool> {
    let dir = cx.root.join(WEB_DIR);
    match program {
        Some(program) => stage(cx, program, &dir),
        None => {
            let _ = fs::remove_dir_all(&dir);
            fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
            fs::write(dir.join(MANIFEST), "").map_err(|e| format!("writing {}: {e}", dir.join(MANIFEST).display()))?;
            Ok(true)
        }
    }
}

/// The newest modification time of the crate's Cargo.toml and of any file under its src/.
fn newest(program: &Program) -> Option<SystemTime> {
    let mut newest = mtime(&program.dir.join("Cargo.toml"));
    let mut dirs = vec![program.dir.join("src")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                newest = newest.max(mtime(&path));
            }
        }
    }
    newest
}

/// Rebuilds and restages `program` whenever its files change, until `stop`: looks every
/// [`POLL`] (mtimes, no watcher library).
pub(crate) fn watch(cx: &Ctx, program: &Program, stop: &AtomicBool) {
    let mut seen = newest(program);
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(POLL);
        let now = newest(program);
        if now != seen {
            seen = now;
            println!("{} changed: rebuilding …", program.name);
            if let Err(e) = stage_for_web(cx, Some(program)) {
                eprintln!("xtask: error: {e}");
            }
        }
    }
}

/// `cargo xtask program PATH --out DIR`.
pub(crate) fn program_cmd(cx: &Ctx, args: &[&str]) -> Result {
    let [path, "--out", out] = args else {
        return Err("usage: cargo xtask program PATH --out DIR".into());
    };
    let program = Program::open(path)?;
    if stage(cx, &program, Path::new(out))? {
        Ok(())
    } else {
        Err(format!("{} did not build", program.name))
    }
}

fn copy(from: &Path, to: &Path) -> Result {
    fs::copy(from, to).map(|_| ()).map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Program {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        Program::open(&root.join("template").to_string_lossy()).unwrap()
    }

    #[test]
    fn reads_the_package_name_only_from_the_package_table() {
        let toml = "[workspace]\nname = \"no\"\n[package]\nversion = \"1\"\nname = \"my-app\"\n[lib]\nname = \"x\"\n";
        assert_eq!(package_name(toml).as_deref(), Some("my-app"));
        assert_eq!(package_name("[lib]\nname = \"x\"\n"), None);
        assert_eq!(template().name, "my-app");
    }

    #[test]
    fn a_crate_without_a_library_is_refused_with_the_reason() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        // xtask itself: a binary crate.
        let e = Program::open(&root.join("xtask").to_string_lossy()).unwrap_err();
        assert!(e.contains("no src/lib.rs"), "{e}");
    }

    #[test]
    fn the_generated_crate_depends_on_the_program_and_the_worker_module_by_path() {
        let program = template();
        let toml = generated_manifest(Path::new("/clone"), &program, "0.2.130");
        let dir = toml_string(&program.dir.to_string_lossy());
        assert!(toml.contains(&format!("user = {{ package = \"my-app\", path = {dir} }}")), "{toml}");
        assert!(toml.contains("baton-demo-sim = { path = \"/clone/crates/baton-demo-sim\" }"), "{toml}");
        assert!(toml.contains("wasm-bindgen = \"=0.2.130\""), "{toml}");
        // A workspace of its own, and a cdylib with the one export the worker calls.
        assert!(toml.contains("\n[workspace]\n") && toml.contains("crate-type = [\"cdylib\"]"));
        assert!(toml.contains(&format!("[profile.{PROFILE}]")));
        assert!(GENERATED_LIB.contains("pub fn program(poll_cost_us: f64) -> baton_demo_sim::DemoSim"));
        assert!(GENERATED_LIB.contains("DemoSim::program(poll_cost_us, user::main)"));
        assert_eq!(toml_string("a\"b\\c"), r#""a\"b\\c""#);
    }

    #[test]
    fn the_manifest_names_the_program_first_and_keeps_only_a_failed_builds_errors() {
        assert_eq!(manifest("my-app", "17", ""), "my-app\n17\n");
        let short = "   Compiling my-app v0.1.0 (/x)\n\
                     src/lib.rs:3:5: error[E0425]: cannot find value `x` in this scope\n\
                     error: could not compile `my-app` (lib) due to 1 previous error\n";
        let errors = errors_of(short);
        assert_eq!(
            errors,
            "src/lib.rs:3:5: error[E0425]: cannot find value `x` in this scope\n\
             error: could not compile `my-app` (lib) due to 1 previous error"
        );
        assert_eq!(manifest("my-app", "18", &errors).lines().next(), Some("my-app"));
    }

    #[test]
    fn any_change_under_src_or_to_cargo_toml_is_seen() {
        let dir = std::env::temp_dir().join(format!("baton-program-watch-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("src/deep")).unwrap();
        fs::write(dir.join("Cargo.toml"), "[package]\nname = \"w\"\n").unwrap();
        fs::write(dir.join("src/lib.rs"), "").unwrap();
        let program = Program::open(&dir.to_string_lossy()).unwrap();
        let before = newest(&program);
        let later = SystemTime::now() + Duration::from_secs(5);
        let file = fs::File::options().write(true).create(true).truncate(true).open(dir.join("src/deep/x.rs")).unwrap();
        file.set_modified(later).unwrap();
        assert_eq!(newest(&program), Some(later));
        assert!(newest(&program) > before);
        fs::remove_dir_all(&dir).unwrap();
    }
}
