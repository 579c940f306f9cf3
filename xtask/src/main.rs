//! Baton's project automation (the `cargo xtask` pattern; the alias is in `.cargo/config.toml`).
//!
//! ```text
//! cargo xtask setup           install what is missing (idempotent; quick when all is there)
//! cargo xtask build-web       set-up, then a release build of the playground into dist/
//! cargo xtask serve           set-up, then serve the playground on http://127.0.0.1:8080
//! cargo xtask serve --program PATH   the same, with your crate's `main` in it (see program.rs)
//! cargo xtask test            run every test (the table TEST_STEPS below)
//! cargo xtask test --quick    only fmt, clippy and cargo test
//! cargo xtask firmware …      build an RP2040 UF2 for a board and demo (see firmware.rs)
//! cargo xtask flash …         the same, copied to a board (put into BOOTSEL by the 1200-baud touch)
//! cargo xtask test-firmware   only the firmware step of `test`
//! cargo xtask uf2 ELF         any RP2040 firmware's ELF as a UF2 (see firmware.rs)
//! cargo xtask new-firmware P  a copy of template/ at P: your own firmware crate
//! cargo xtask run-python …    Python mode, headless (see python.rs)
//! ```
//!
//! Nothing here downloads a binary: tools come from crates.io (`cargo install`), the npm
//! registry (`npm ci`) and Debian (`apt-get`), and Trunk always runs with `--offline`.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant, SystemTime};

mod editor;
mod firmware;
mod link;
mod program;
mod python;
mod test_server;

/// Errors are one-line messages for a person.
type Result<T = ()> = std::result::Result<T, String>;

/// The Trunk release the project builds with.
const TRUNK_VERSION: &str = "0.22.1";
/// Rust targets: the playground (wasm) and the RP2040 firmware.
const RUST_TARGETS: &[&str] = &["wasm32-unknown-unknown", "thumbv6m-none-eabi"];
/// The browser end-to-end tests (an npm project), when they exist.
const E2E_DIR: &str = "tests/e2e";
/// The playground's build tools from npm (binaryen's wasm-opt, which Trunk runs).
const WEB_TOOLS_DIR: &str = "tools/web";
/// The wasm features wasm-opt may assume (index.html passes the same to Trunk's wasm-opt).
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];
/// The RP2040 firmware (its own cargo project, outside the workspace), when it exists.
const FIRMWARE_DIR: &str = "firmware";
/// The firmware's target.
const FIRMWARE_TARGET: &str = "thumbv6m-none-eabi";
/// Debian's browser and its WebDriver, for the end-to-end tests.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Where `cargo xtask serve` serves the playground.
const SERVE_ADDRESS: &str = "127.0.0.1";
const SERVE_PORT: &str = "8080";

/// What the caller is about to do, so set-up installs only what that needs.
#[derive(Clone, Copy)]
struct Needs {
    /// npm packages and Chromium for the browser end-to-end tests.
    e2e: bool,
}

/// One step of `cargo xtask test`.
struct Step {
    /// What the header shows.
    name: &'static str,
    /// Whether `cargo xtask test --quick` runs it too.
    quick: bool,
    /// The step itself: `Ok(None)` passed, `Ok(Some(why))` skipped, `Err` failed.
    run: fn(&Ctx) -> Result<Option<String>>,
}

/// Every test of the project, in order; the first failure stops the run. Add steps here.
/// (The Python oracle comparison, `tests/oracle`, runs inside `cargo test`.)
const TEST_STEPS: &[Step] = &[
    Step {
        name: "set-up",
        quick: false,
        run: |cx| {
            let e2e = cx.e2e_present();
            setup(cx, Needs { e2e }).map(|()| None)
        },
    },
    Step {
        name: "cargo fmt --all -- --check",
        quick: true,
        run: |cx| cx.run(cx.cargo(&["fmt", "--all", "--", "--check"])).map(|()| None),
    },
    Step {
        name: "cargo clippy --workspace --all-targets -- -D warnings",
        quick: true,
        run: |cx| {
            let args = ["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"];
            cx.run(cx.cargo(&args)).map(|()| None)
        },
    },
    Step {
        name: "cargo test --workspace",
        quick: true,
        run: |cx| cx.run(cx.cargo(&["test", "--workspace"])).map(|()| None),
    },
    Step {
        name: "cargo doc --no-deps (rustdoc warnings, broken links included, are errors)",
        quick: false,
        run: |cx| {
            let mut doc = cx.cargo(&["doc", "--quiet", "--no-deps", "--workspace", "--exclude", "xtask"]);
            doc.env("RUSTDOCFLAGS", "-D warnings");
            cx.run(doc).map(|()| None)
        },
    },
    Step {
        name: "miri: the scheduler's tests under Miri (the std build, and the no_std context slot)",
        quick: false,
        run: |cx| {
            setup_miri(cx)?;
            cx.run(cx.nightly(&["miri", "test", "--quiet", "-p", "baton", "--test", "asyncio_port"]))?;
            // The no_std build's "current executor" slot is a static with one
            // audited `unsafe impl Send`, sound on one thread: exercise it there.
            let no_std = [
                "miri",
                "test",
                "--quiet",
                "-p",
                "baton",
                "--no-default-features",
                "--features",
                "critical-section/std",
                "--test",
                "no_std_context",
                "--",
                "--test-threads=1",
            ];
            cx.run(cx.nightly(&no_std)).map(|()| None)
        },
    },
    Step {
        name: "cargo clippy (playground and the worker's modules, wasm32) -- -D warnings",
        quick: false,
        run: |cx| {
            let args = [
                "clippy",
                "--package",
                "baton-playground",
                "--package",
                "baton-py",
                "--package",
                "baton-demo-sim",
                "--package",
                "baton-host",
                "--package",
                "baton-link-web",
                "--lib",
                "--bins",
                "--tests",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ];
            cx.run(cx.cargo(&args)).map(|()| None)
        },
    },
    Step {
        name: "wasm-bindgen-test: the playground's components in headless Chromium",
        quick: false,
        run: |cx| {
            // The runner comes with wasm-bindgen-cli (set-up); chromedriver with Debian's
            // chromium-driver; webdriver.json at the root gives Chromium its headless flags.
            setup_chromium(cx)?;
            let mut cargo = cx.cargo(&[
                "test",
                "-p",
                "baton-playground",
                "--test",
                "browser",
                "--target",
                "wasm32-unknown-unknown",
            ]);
            // The runner's page server can lose a connection of the page's first burst, and then
            // the tests never start (test_server.rs): held connections keep it from happening.
            // (Held until the step's end: `pool` is dropped after the run.)
            let pool = test_server::PinnedPool::start().map_err(|e| format!("a free local port: {e}"))?;
            cargo
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
                .env("CHROMEDRIVER", CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_ADDRESS", pool.address());
            cx.run(cargo).map(|()| None)
        },
    },
    Step {
        // The release build, as `build-web` makes it: the browser tests check what a visitor
        // downloads (budgets.test.mjs sizes it).
        name: "prebuilt firmware + the playground's release build (as cargo xtask build-web)",
        quick: false,
        run: |cx| build_release(cx, None).map(|()| None),
    },
    Step {
        name: "npm test (browser end-to-end, tests/e2e)",
        quick: false,
        run: |cx| {
            if !cx.e2e_present() {
                return Ok(Some(format!("no {E2E_DIR}/package.json yet")));
            }
            // board.test.mjs runs the firmware on the emulator (rp2040js, its npm package).
            npm_install(cx, firmware::EMULATOR_DIR)?;
            let mut npm = cx.command("npm");
            npm.arg("test").current_dir(cx.root.join(E2E_DIR));
            cx.run(npm).map(|()| None)
        },
    },
    Step {
        name: "Python mode: run-python against the judge (crates/baton-py/js/test) and the editor in Chromium",
        quick: false,
        run: |cx| {
            // Builds the wasm bindings, the editor, and installs the npm packages when missing.
            python::build(cx)?;
            editor::build(cx)?;
            // The test files' processes run without concurrent recompilation, as cli.mjs
            // does (its header says why: Node 20 can deadlock at exit).
            let mut node = cx.command("node");
            node.args([
                "--no-concurrent-recompilation",
                "--test",
                "crates/baton-py/js/test/",
                "crates/baton-py/editor/test/",
            ])
            .current_dir(&cx.root);
            cx.run(node).map(|()| None)
        },
    },
    Step {
        name: "firmware (thumbv6m-none-eabi): fmt, clippy, release builds and UF2s for every board",
        quick: false,
        run: |cx| firmware::test_step(cx),
    },
];

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let cx = Ctx::new();
    let outcome = match args.as_slice() {
        ["setup"] => {
            let e2e = cx.e2e_present();
            setup(&cx, Needs { e2e })
        }
        ["build-web"] => build_web(&cx, None),
        ["build-web", "--program", path] => program::Program::open(path).and_then(|p| build_web(&cx, Some(&p))),
        ["serve"] => serve(&cx, None),
        ["serve", "--program", path] => program::Program::open(path).and_then(|p| serve(&cx, Some(&p))),
        ["program", rest @ ..] => program::program_cmd(&cx, rest),
        ["test"] => test(&cx, false),
        ["test", "--quick"] => test(&cx, true),
        ["firmware", rest @ ..] => firmware::firmware_cmd(&cx, rest),
        ["flash", rest @ ..] => firmware::flash_cmd(&cx, rest),
        ["test-firmware"] => firmware::test_step(&cx).map(|_| ()),
        ["uf2", rest @ ..] => firmware::uf2_cmd(&cx, rest),
        ["new-firmware", rest @ ..] => firmware::new_firmware_cmd(&cx, rest),
        ["run-python", rest @ ..] => python::run_python_cmd(&cx, rest),
        [] | ["help"] | ["--help"] | ["-h"] => {
            print_usage();
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("xtask: unknown arguments {args:?}");
            print_usage();
            return ExitCode::from(2);
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn print_usage() {
    println!(
        "usage: cargo xtask <command>\n\
         \n\
         \x20 setup          install missing tools (rust targets, trunk, wasm-bindgen, e2e deps)\n\
         \x20 build-web      set-up, then `trunk build --release --offline` into dist/\n\
         \x20 serve          set-up, then serve the playground on http://{SERVE_ADDRESS}:{SERVE_PORT}\n\
         \x20 build-web --program PATH, serve --program PATH\n\
         \x20                the same, with the `main` of your crate at PATH (like template/) in the\n\
         \x20                page's program picker; serve rebuilds it when PATH's src/ or Cargo.toml change\n\
         \x20 program PATH --out DIR\n\
         \x20                only that program's files for the playground, into DIR\n\
         \x20 test           run every test\n\
         \x20 test --quick   only fmt, clippy and cargo test\n\
         \x20 firmware [--board pico|qtpy] [--demo ID [--param KEY=VALUE]...] [--out FILE]\n\
         \x20                build the RP2040 firmware into target/firmware/baton-<board>[-<demo>].uf2\n\
         \x20 firmware --all the default UF2 of every board (target/firmware/baton-<board>.uf2)\n\
         \x20 flash [--board pico|qtpy] [--demo ID [--param KEY=VALUE]...] [--drive PATH] [--port PORT]\n\
         \x20                build, then copy to a board in BOOTSEL mode (the RPI-RP2 drive); a running\n\
         \x20                Baton board is put into BOOTSEL first (the 1200-baud touch)\n\
         \x20 test-firmware  only the firmware step of `test` (builds, budgets, emulator tests)\n\
         \x20 uf2 ELF [--out FILE]\n\
         \x20                any RP2040 firmware's ELF as a UF2 (default: the ELF's path with .uf2)\n\
         \x20 new-firmware PATH\n\
         \x20                a copy of template/ at PATH: your own firmware crate on this clone\n\
         \x20 run-python <code.py> --for-ms N [--poll-cost-us C] [--inputs F]\n\
         \x20                Python mode, headless: the trace of a CircuitPython program on Baton"
    );
}

/// `cargo xtask build-web [--program PATH]`.
fn build_web(cx: &Ctx, program: Option<&program::Program>) -> Result {
    setup(cx, Needs { e2e: false })?;
    build_release(cx, program)
}

/// The playground's release build in `dist/`: the firmware and Python mode staged, Trunk's
/// release build (wasm-opt, minified glue), the snippets minified, and the service worker
/// written with the build's files. With `program`, your own program beside the demos.
fn build_release(cx: &Ctx, program: Option<&program::Program>) -> Result {
    firmware::stage_for_web(cx)?;
    python::stage_for_web(cx)?;
    link::stage_for_web(cx)?;
    if !program::stage_for_web(cx, program)? {
        return Err("the program did not build (its errors are above)".into());
    }
    cx.run(cx.trunk(&["build", "--release", "--offline"])?)?;
    let dist = cx.root.join("dist");
    // Trunk minifies the glue, not the snippets (src/js/*.js): 2.5 → 1.4 KB gzipped.
    let mut minify = cx.command("node");
    minify.arg(cx.root.join(WEB_TOOLS_DIR).join("minify-snippets.mjs")).arg(&dist);
    cx.run(minify)?;
    // The service worker last, with the hashes of dist/ as it stays (Trunk's hook wrote one
    // before the snippets changed).
    let mut service_worker = cx.command("node");
    service_worker.arg(cx.root.join(WEB_TOOLS_DIR).join("service-worker.mjs")).arg(&dist);
    cx.run(service_worker)?;
    let wasm = fs::read_dir(&dist)
        .map_err(|e| format!("reading {}: {e}", dist.display()))?
        .filter_map(|entry| entry.ok())
        .find(|entry| entry.path().extension().is_some_and(|ext| ext == "wasm"));
    match wasm {
        Some(entry) => {
            let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
            println!(
                "✓ built {} ({} KiB)",
                entry.path().strip_prefix(&cx.root).unwrap_or(&entry.path()).display(),
                size / 1024
            );
            Ok(())
        }
        None => Err("trunk finished but dist/ has no .wasm file".into()),
    }
}

/// `cargo xtask serve [--program PATH]`: with a program, it is rebuilt (and Trunk, which
/// watches www/, serves the new build) whenever its files change. A program that does not
/// build is served as its errors (the page shows them), and the demos still run.
fn serve(cx: &Ctx, program: Option<&program::Program>) -> Result {
    setup(cx, Needs { e2e: false })?;
    firmware::stage_for_web(cx)?;
    python::stage_for_web(cx)?;
    link::stage_for_web(cx)?;
    program::stage_for_web(cx, program)?;
    println!("serving the playground on http://{SERVE_ADDRESS}:{SERVE_PORT} (Ctrl-C stops)");
    let args = ["serve", "--offline", "--address", SERVE_ADDRESS, "--port", SERVE_PORT];
    let trunk = cx.trunk(&args)?;
    let stop = std::sync::atomic::AtomicBool::new(false);
    std::thread::scope(|scope| {
        if let Some(program) = program {
            scope.spawn(|| program::watch(cx, program, &stop));
        }
        let served = cx.run(trunk);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        served
    })
}

/// `cargo xtask test [--quick]`: the steps of [`TEST_STEPS`], failing fast.
fn test(cx: &Ctx, quick: bool) -> Result {
    let steps: Vec<&Step> = TEST_STEPS.iter().filter(|s| s.quick || !quick).collect();
    let started = Instant::now();
    let mut summary = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        println!("\n==> [{}/{}] {}", i + 1, steps.len(), step.name);
        flush();
        let t = Instant::now();
        match (step.run)(cx) {
            Ok(None) => summary.push(format!("✓ {} ({})", step.name, secs(t.elapsed()))),
            Ok(Some(why)) => {
                println!("skipped: {why}");
                summary.push(format!("- {} (skipped: {why})", step.name));
            }
            Err(message) => {
                println!("\n✗ step failed: {}: {message}", step.name);
                for line in &summary {
                    println!("  {line}");
                }
                return Err(format!("`{}` failed", step.name));
            }
        }
    }
    println!("\n==> all steps passed in {}", secs(started.elapsed()));
    for line in &summary {
        println!("  {line}");
    }
    Ok(())
}

/// `cargo xtask setup`: check each requirement, install only what is missing.
fn setup(cx: &Ctx, needs: Needs) -> Result {
    setup_rust_targets(cx)?;
    setup_crates(cx)?;
    setup_cp_asyncio(cx)?;
    setup_trunk(cx)?;
    setup_wasm_bindgen(cx)?;
    npm_install(cx, WEB_TOOLS_DIR)?;
    if needs.e2e {
        setup_npm(cx)?;
        setup_chromium(cx)?;
    }
    Ok(())
}

/// Miri runs on nightly: install the toolchain's `miri` and `rust-src` components if
/// `cargo +nightly miri` is not there yet (rustup's own distribution server).
fn setup_miri(cx: &Ctx) -> Result {
    if cx.output(&mut cx.nightly(&["miri", "--version"])).is_none() {
        println!("installing nightly miri …");
        let mut rustup = cx.command("rustup");
        rustup.args([
            "toolchain",
            "install",
            "nightly",
            "--profile",
            "minimal",
            "--component",
            "miri",
            "--component",
            "rust-src",
        ]);
        cx.run(rustup)?;
    }
    println!("✓ miri (nightly)");
    Ok(())
}

fn setup_rust_targets(cx: &Ctx) -> Result {
    if install_rust_targets(cx)? {
        println!("✓ rust targets {}", RUST_TARGETS.join(", "));
    }
    Ok(())
}

/// Adds the [`RUST_TARGETS`] rustup does not have yet. Says what it does on stderr only, as
/// `run-python` calls it too and its standard output is the trace. Returns whether rustup
/// was there to ask.
pub(crate) fn install_rust_targets(cx: &Ctx) -> Result<bool> {
    let Some(installed) = cx.output(cx.command("rustup").args(["target", "list", "--installed"])) else {
        eprintln!("! rustup not found: make sure the targets {RUST_TARGETS:?} are installed");
        return Ok(false);
    };
    let missing: Vec<&str> =
        RUST_TARGETS.iter().copied().filter(|t| !installed.lines().any(|line| line.trim() == *t)).collect();
    if !missing.is_empty() {
        eprintln!("installing rust targets {} …", missing.join(" "));
        let mut rustup = cx.command("rustup");
        rustup.args(["target", "add"]).args(&missing).stdout(Stdio::null());
        cx.run_quiet(rustup)?;
    }
    Ok(true)
}

/// Trunk builds with `cargo build --offline`, so every crate (the wasm32-only ones too) must
/// be in cargo's cache first. `cargo fetch` is quick when they are.
fn setup_crates(cx: &Ctx) -> Result {
    let mut fetch = cx.cargo(&["fetch", "--quiet"]);
    fetch.stdout(Stdio::null());
    cx.run_quiet(fetch)?;
    println!("✓ crates fetched");
    Ok(())
}

/// The judge of the oracle tests (`tests/oracle/cpboard.py`) runs CircuitPython's own asyncio
/// library, installed from PyPI into `target/cp-asyncio` (or `$BATON_CP_ASYNCIO`) when missing.
/// `tests/lib.rs` (`ensure_cp_asyncio`) runs the same pip command itself, so that `cargo test`
/// alone works on a fresh clone; xtask cannot depend on that crate cheaply, so the step is
/// written twice: keep the two in step. pip installs into a temporary folder that is then
/// renamed, so a half-done install is never taken for a finished one.
fn setup_cp_asyncio(cx: &Ctx) -> Result {
    const SPEC: &str = "adafruit-circuitpython-asyncio==3.1.1";
    let dir = match env::var_os("BATON_CP_ASYNCIO") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => cx.root.join("target/cp-asyncio"),
    };
    if !dir.join("asyncio/core.py").is_file() {
        if cx.output(cx.command("python3").args(["-m", "pip", "--version"])).is_none() {
            return Err("`python3 -m pip` is not available: install pip with `python3 -m ensurepip --upgrade` \
                        or `apt-get install python3-pip`"
                .into());
        }
        println!("installing {SPEC} into {} (pip) …", dir.display());
        let parent = dir.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "cp-asyncio".into());
        let tmp = parent.join(format!("{name}.tmp-{}", std::process::id()));
        let _ = fs::remove_dir_all(&tmp);
        let mut pip = cx.command("python3");
        pip.args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--target"])
            .arg(&tmp)
            .args([SPEC, "--no-deps"]);
        if let Err(e) = cx.run(pip) {
            let _ = fs::remove_dir_all(&tmp);
            return Err(e);
        }
        if dir.exists() && !dir.join("asyncio/core.py").is_file() {
            let _ = fs::remove_dir_all(&dir);
        }
        if let Err(e) = fs::rename(&tmp, &dir) {
            let _ = fs::remove_dir_all(&tmp);
            if !dir.join("asyncio/core.py").is_file() {
                return Err(format!("moving the installed library to {}: {e}", dir.display()));
            }
        }
    }
    println!("✓ {SPEC} ({})", dir.strip_prefix(&cx.root).unwrap_or(&dir).display());
    Ok(())
}

fn setup_trunk(cx: &Ctx) -> Result {
    // trunk 0.22.1 declares rust-version 1.96.1 but builds with older stable toolchains;
    // --ignore-rust-version lets the machine's toolchain install it.
    let install: &[&str] = &["install", "trunk", "--version", TRUNK_VERSION, "--locked", "--ignore-rust-version"];
    ensure_tool(cx, "trunk", TRUNK_VERSION, &[install])
}

pub(crate) fn setup_wasm_bindgen(cx: &Ctx) -> Result {
    let version = cx.wasm_bindgen_version()?;
    if let Some(trunk_toml) = cx.trunk_toml_wasm_bindgen() {
        if trunk_toml != version {
            eprintln!(
                "! Trunk.toml asks for wasm-bindgen {trunk_toml} but Cargo.lock has {version}: \
                 xtask uses {version}; please update Trunk.toml"
            );
        }
    }
    let exact = format!("={version}");
    let locked: &[&str] = &["install", "wasm-bindgen-cli", "--version", &exact, "--locked"];
    // Its published Cargo.lock can name a dependency version that the registry has since
    // yanked; then the unlocked install (newest compatible dependencies) is the way.
    let unlocked: &[&str] = &["install", "wasm-bindgen-cli", "--version", &exact];
    ensure_tool(cx, "wasm-bindgen", &version, &[locked, unlocked])
}

/// Checks that `<tool> --version` reports `version`; if not, tries each `cargo` argument list
/// in turn until one installs it. It reports on stderr: `run-python` calls it, and its
/// standard output is the trace.
fn ensure_tool(cx: &Ctx, tool: &str, version: &str, installs: &[&[&str]]) -> Result {
    let found = cx.tool_version(tool);
    if found.as_deref() == Some(version) {
        eprintln!("✓ {tool} {version}");
        return Ok(());
    }
    match &found {
        Some(other) => eprintln!("installing {tool} {version} (found {other}) …"),
        None => eprintln!("installing {tool} {version} …"),
    }
    let mut last_error = String::new();
    for (i, args) in installs.iter().enumerate() {
        if i > 0 {
            eprintln!("retrying: cargo {}", args.join(" "));
        }
        let install = cx.cargo(args);
        eprintln!("$ {}", describe(&install));
        match cx.run_quiet(install) {
            Ok(()) => {
                last_error.clear();
                break;
            }
            Err(e) => last_error = e,
        }
    }
    if !last_error.is_empty() {
        return Err(format!("could not install {tool} {version}: {last_error}"));
    }
    match cx.tool_version(tool) {
        Some(v) if v == version => {
            eprintln!("✓ {tool} {version}");
            Ok(())
        }
        other => Err(format!("installed {tool} {version}, but `{tool} --version` on PATH reports {other:?}")),
    }
}

fn setup_npm(cx: &Ctx) -> Result {
    npm_install(cx, E2E_DIR)
}

/// `npm ci` in `dir` (relative to the root) unless node_modules is newer than the lock file.
fn npm_install(cx: &Ctx, rel: &str) -> Result {
    if !cx.root.join(rel).join("package-lock.json").is_file() {
        println!("- npm packages: no {rel}/package-lock.json, nothing to install");
        return Ok(());
    }
    npm_ci_if_stale(cx, rel, || println!("installing npm packages in {rel} (npm ci) …"))?;
    println!("✓ npm packages ({rel})");
    Ok(())
}

/// Runs `npm ci` in `rel` when its node_modules is missing or older than its lock file,
/// calling `announce` first; npm's output goes to stderr (a caller's stdout may be data).
/// Returns whether it ran.
pub(crate) fn npm_ci_if_stale(cx: &Ctx, rel: &str, announce: impl FnOnce()) -> Result<bool> {
    let dir = cx.root.join(rel);
    let node_modules = dir.join("node_modules");
    // npm writes node_modules/.package-lock.json on every install.
    let installed = mtime(&node_modules.join(".package-lock.json")).or_else(|| mtime(&node_modules));
    if matches!((installed, mtime(&dir.join("package-lock.json"))), (Some(i), Some(l)) if i >= l) {
        return Ok(false);
    }
    announce();
    flush();
    let mut npm = cx.command("npm");
    npm.args(["ci", "--no-audit", "--no-fund"]).current_dir(&dir).stdout(Stdio::from(std::io::stderr()));
    cx.run_quiet(npm)?;
    Ok(true)
}

fn setup_chromium(cx: &Ctx) -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        println!("✓ chromium ({CHROMIUM})");
        return Ok(());
    }
    println!("installing chromium and chromium-driver (apt-get) …");
    flush();
    cx.run(cx.apt(&["update"])?)?;
    cx.run(cx.apt(&["install", "-y", "chromium", "chromium-driver"])?)?;
    if !Path::new(CHROMIUM).exists() {
        return Err(format!("apt-get installed chromium, but {CHROMIUM} is missing"));
    }
    println!("✓ chromium ({CHROMIUM})");
    Ok(())
}

/// Everything the commands share.
struct Ctx {
    /// The repository root.
    root: PathBuf,
    /// PATH for child processes, with cargo's bin folder (where `cargo install` puts tools).
    path: OsString,
}

impl Ctx {
    fn new() -> Self {
        // `cargo run` (the `cargo xtask` alias) says where xtask's manifest is now; the path
        // compiled in is only a fallback: a binary built in another checkout (a copied
        // `target/`) would otherwise run every step there.
        let manifest_dir =
            env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from);
        let root = manifest_dir.parent().expect("xtask lives one folder below the repository root").to_path_buf();
        let cargo_bin = env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
            .map(|home| home.join("bin"));
        let mut dirs: Vec<PathBuf> = env::var_os("PATH").map(|p| env::split_paths(&p).collect()).unwrap_or_default();
        if let Some(bin) = cargo_bin {
            if !dirs.contains(&bin) {
                dirs.insert(0, bin);
            }
        }
        let path = env::join_paths(dirs).unwrap_or_else(|_| env::var_os("PATH").unwrap_or_default());
        Ctx { root, path }
    }

    /// A command run from the repository root with the extended PATH.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.current_dir(&self.root).env("PATH", &self.path);
        cmd
    }

    /// `cargo +nightly …` through rustup's proxy (Miri needs nightly), without the
    /// variables the stable cargo running xtask passes down.
    fn nightly(&self, args: &[&str]) -> Command {
        let mut cmd = self.command("cargo");
        cmd.env_remove("CARGO").env_remove("RUSTUP_TOOLCHAIN").env_remove("RUSTC").arg("+nightly").args(args);
        cmd
    }

    fn cargo(&self, args: &[&str]) -> Command {
        let mut cmd = self.command(&env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.args(args);
        cmd
    }

    /// Trunk, told the wasm-bindgen version of Cargo.lock so that it uses the installed one.
    fn trunk(&self, args: &[&str]) -> Result<Command> {
        let mut cmd = self.command("trunk");
        // wasm-opt comes from npm's binaryen (tools/web, installed by set-up): Trunk
        // finds it on PATH and checks its version against Trunk.toml's.
        let tools = self.root.join(WEB_TOOLS_DIR).join("node_modules/.bin");
        let mut path = std::ffi::OsString::from(tools);
        path.push(":");
        path.push(&self.path);
        cmd.args(args)
            .env("PATH", path)
            .env("TRUNK_TOOLS_WASM_BINDGEN", self.wasm_bindgen_version()?)
            .env("TRUNK_SKIP_VERSION_CHECK", "true");
        Ok(cmd)
    }

    /// apt-get, non-interactive, through sudo unless we are root.
    fn apt(&self, args: &[&str]) -> Result<Command> {
        let root = self.output(self.command("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
        // `env` sets the variable on the far side of sudo, which drops most of the environment.
        let mut cmd = if root {
            self.command("env")
        } else {
            let mut sudo = self.command("sudo");
            sudo.arg("env");
            sudo
        };
        cmd.args(["DEBIAN_FRONTEND=noninteractive", "apt-get"]).args(args);
        Ok(cmd)
    }

    fn e2e_present(&self) -> bool {
        self.root.join(E2E_DIR).join("package.json").is_file()
    }

    /// Runs a command with inherited output, echoing it first.
    fn run(&self, mut cmd: Command) -> Result {
        println!("$ {}", describe(&cmd));
        flush();
        self.run_quiet_inner(&mut cmd)
    }

    /// Runs a command without echoing it.
    fn run_quiet(&self, mut cmd: Command) -> Result {
        self.run_quiet_inner(&mut cmd)
    }

    fn run_quiet_inner(&self, cmd: &mut Command) -> Result {
        let status = cmd.status().map_err(|e| format!("cannot run `{}`: {e}", describe(cmd)))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("`{}` exited with {status}", describe(cmd)))
        }
    }

    /// The standard output of a command that succeeded, or `None`.
    fn output(&self, cmd: &mut Command) -> Option<String> {
        let out = cmd.stderr(Stdio::null()).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The version that `<tool> --version` reports ("trunk 0.22.1" → "0.22.1").
    fn tool_version(&self, tool: &str) -> Option<String> {
        let out = self.output(self.command(tool).arg("--version"))?;
        out.split_whitespace().nth(1).map(str::to_owned)
    }

    /// The version of the `wasm-bindgen` crate in Cargo.lock.
    fn wasm_bindgen_version(&self) -> Result<String> {
        let path = self.root.join("Cargo.lock");
        let lock = fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let mut lines = lock.lines();
        while let Some(line) = lines.next() {
            if line.trim() == r#"name = "wasm-bindgen""# {
                let version =
                    lines.next().and_then(|l| l.trim().strip_prefix("version = \"")).and_then(|l| l.strip_suffix('"'));
                if let Some(version) = version {
                    return Ok(version.to_owned());
                }
            }
        }
        Err("Cargo.lock has no `wasm-bindgen` package".into())
    }

    /// The `[tools] wasm_bindgen` version of Trunk.toml, if any.
    fn trunk_toml_wasm_bindgen(&self) -> Option<String> {
        let text = fs::read_to_string(self.root.join("Trunk.toml")).ok()?;
        text.lines().find_map(|line| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == "wasm_bindgen").then(|| value.trim().trim_matches('"').to_owned())
        })
    }
}

/// A command as a shell-like line, for echoing.
fn describe(cmd: &Command) -> String {
    let mut line = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

fn mtime(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

fn flush() {
    let _ = std::io::stdout().flush();
}
