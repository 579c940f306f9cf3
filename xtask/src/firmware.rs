//! `cargo xtask firmware` and `cargo xtask flash`: the RP2040 firmware as UF2 files.
//!
//! ```text
//! cargo xtask firmware [--board pico|qtpy] [--demo ID [--param KEY=VALUE]...] [--out FILE]
//! cargo xtask firmware --all
//! cargo xtask flash    [--board pico|qtpy] [--demo ID [--param KEY=VALUE]...] [--drive PATH] [--port PORT]
//! ```
//!
//! The demo and its parameters are checked first (by `baton-uf2 check`, which asks
//! baton-demos: the same table as the simulator and the playground), so a typo fails in a
//! second, not after a firmware build. Then the firmware is built in release for the board,
//! and `baton-uf2 build` turns its ELF file into `target/firmware/baton-<board>-<demo>.uf2`
//! with the configuration block. Without `--demo` the UF2 is `baton-<board>.uf2` and carries
//! an erased configuration sector: the board runs its default demo. `--all` writes those
//! default UF2s for every board (the playground patches their configuration block).
//!
//! `cargo xtask uf2 ELF [--out FILE]` makes any RP2040 firmware's ELF (a user's own, on
//! crates/baton-rp2040) into a UF2 with no configuration block; `cargo xtask new-firmware PATH`
//! copies template/, a user's firmware crate, to PATH.
//!
//! xtask itself has no dependencies: the UF2 work is done by the `baton-uf2` command of the
//! workspace (crates/baton-uf2), run through `cargo run`.

mod touch;

use super::{describe, flush, Ctx, Result, FIRMWARE_DIR, FIRMWARE_TARGET};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Every board: the name on the command line and the cargo feature of firmware/.
pub const BOARDS: &[Board] = &[
    Board { id: "pico", feature: "pico", name: "Raspberry Pi Pico" },
    Board { id: "qtpy", feature: "qtpy", name: "Adafruit QT Py RP2040" },
];

/// Static RAM the firmware may use (the rest of the 264 KB is stack).
pub const RAM_BUDGET: u64 = 32 * 1024;
/// A hard ceiling on flash, against accidental growth. (There is no flash-size
/// target: the boards carry 2 to 16 MB of flash.)
pub const FLASH_LIMIT: u64 = 256 * 1024;

/// A board the firmware supports.
#[derive(Clone, Copy, Debug)]
pub struct Board {
    /// `--board` value.
    pub id: &'static str,
    /// Cargo feature of firmware/.
    pub feature: &'static str,
    /// Its name.
    pub name: &'static str,
}

fn board(id: &str) -> Result<Board> {
    BOARDS.iter().copied().find(|b| b.id == id).ok_or_else(|| {
        let ids: Vec<&str> = BOARDS.iter().map(|b| b.id).collect();
        format!("unknown board {id:?}; the boards are: {}", ids.join(", "))
    })
}

/// What `firmware` and `flash` were asked for.
#[derive(Debug)]
struct Request {
    board: Board,
    demo: Option<String>,
    params: Vec<String>,
    out: Option<PathBuf>,
    drive: Option<PathBuf>,
    /// A running Baton board's serial port, to put it into BOOTSEL with the 1200-baud touch.
    port: Option<PathBuf>,
    all: bool,
}

fn parse(args: &[&str], flash: bool) -> Result<Request> {
    let mut req =
        Request { board: BOARDS[0], demo: None, params: Vec::new(), out: None, drive: None, port: None, all: false };
    let mut it = args.iter();
    while let Some(&arg) = it.next() {
        let mut value = || it.next().copied().ok_or_else(|| format!("{arg} needs a value"));
        match arg {
            "--board" => req.board = board(value()?)?,
            "--demo" => req.demo = Some(value()?.to_owned()),
            "--param" => {
                let p = value()?;
                if !p.contains('=') {
                    return Err(format!("--param needs KEY=VALUE, got {p:?}"));
                }
                req.params.push(p.to_owned());
            }
            "--out" if !flash => req.out = Some(absolute(value()?)),
            "--drive" if flash => req.drive = Some(absolute(value()?)),
            "--port" if flash => req.port = Some(absolute(value()?)),
            "--all" if !flash => req.all = true,
            other => return Err(format!("unknown argument {other:?} (see `cargo xtask help`)")),
        }
    }
    if req.demo.is_none() && !req.params.is_empty() {
        return Err("--param needs --demo".into());
    }
    if req.all && (req.demo.is_some() || req.out.is_some()) {
        return Err("--all builds the default UF2 of every board; it takes no --demo or --out".into());
    }
    Ok(req)
}

/// A path as given on the command line, made absolute (child commands run from the root).
fn absolute(path: &str) -> PathBuf {
    let p = PathBuf::from(path);
    if p.is_absolute() {
        return p;
    }
    std::env::current_dir().map(|cwd| cwd.join(&p)).unwrap_or(p)
}

/// `cargo xtask firmware …`.
pub fn firmware_cmd(cx: &Ctx, args: &[&str]) -> Result {
    let req = parse(args, false)?;
    if req.all {
        for b in BOARDS {
            let uf2 = build_uf2(cx, *b, None, &[], None)?;
            println!("✓ {} ({})", cx.rel(&uf2), b.name);
        }
        return Ok(());
    }
    let uf2 = build_uf2(cx, req.board, req.demo.as_deref(), &req.params, req.out)?;
    println!("✓ {}", cx.rel(&uf2));
    println!("  copy it to the RPI-RP2 drive (or `cargo xtask flash` with the same arguments)");
    Ok(())
}

/// `cargo xtask flash …`: copies the UF2 to a board in BOOTSEL mode; a Baton board that is
/// running (found on USB, or named with `--port`) is put into BOOTSEL first with the
/// 1200-baud touch, so no button is needed.
pub fn flash_cmd(cx: &Ctx, args: &[&str]) -> Result {
    let req = parse(args, true)?;
    if let Some(d) = &req.drive {
        if !d.is_dir() {
            return Err(format!("{} is not a mounted RPI-RP2 drive", d.display()));
        }
    }
    // Find the board first: no point building for a board that is not there.
    let drive = req.drive.clone().or_else(find_drive);
    let port = match (&drive, &req.port) {
        (Some(_), _) => None,
        (None, Some(p)) => Some(p.clone()),
        (None, None) => {
            let mut ports = touch::find_ports(Path::new("/sys/class/tty"));
            if ports.len() > 1 {
                let list: Vec<String> =
                    ports.iter().map(|p| format!("{} ({}, {})", p.dev.display(), p.product, p.serial)).collect();
                return Err(format!(
                    "{} Baton boards are attached: {}; choose one with --port",
                    ports.len(),
                    list.join(", ")
                ));
            }
            ports.pop().map(|p| {
                println!("found {} on {} (serial number {})", p.product, p.dev.display(), p.serial);
                p.dev
            })
        }
    };
    if drive.is_none() && port.is_none() {
        return Err("no RPI-RP2 drive is mounted (looked in /media/*/RPI-RP2, /run/media/*/RPI-RP2, /media/RPI-RP2, \
             /mnt/RPI-RP2), and no running Baton board is attached. Put the board in BOOTSEL mode: unplug it, \
             hold the BOOTSEL button (QT Py: BOOT), plug it in, release; it appears as a USB drive named RPI-RP2. \
             (QT Py: or hold BOOT and press RST.) Then run this again, or pass --drive PATH (or --port PORT for a \
             board that runs Baton)"
            .to_owned());
    }
    let uf2 = build_uf2(cx, req.board, req.demo.as_deref(), &req.params, None)?;
    let drive = match (drive, port) {
        (Some(d), _) => d,
        (None, Some(port)) => {
            println!("restarting the board on {} into BOOTSEL (the 1200-baud touch) …", port.display());
            flush();
            touch::touch(&port)?;
            wait_for_drive(Duration::from_secs(15)).ok_or_else(|| {
                format!(
                    "the RPI-RP2 drive did not appear within 15 s after the 1200-baud touch on {}: is it a Baton \
                     board, and does this system mount USB drives by itself? (Otherwise mount it and pass --drive \
                     PATH; or use `picotool load -x FILE.uf2 -f`.)",
                    port.display()
                )
            })?
        }
        (None, None) => unreachable!("checked above"),
    };
    let name = uf2.file_name().map(|n| n.to_owned()).unwrap_or_else(|| "baton.uf2".into());
    let dest = drive.join(name);
    println!("copying {} to {} …", cx.rel(&uf2), dest.display());
    flush();
    fs::copy(&uf2, &dest).map_err(|e| format!("copying to {}: {e}", dest.display()))?;
    // The board reboots into the firmware as soon as the last block is written.
    let _ = cx.command("sync").status();
    println!("✓ flashed: the board restarts and runs it (console: USB serial, 115200 8N1 on the UART)");
    Ok(())
}

/// Waits for an `RPI-RP2` drive to be mounted (the desktop mounts it a few seconds after
/// the board restarts into BOOTSEL).
fn wait_for_drive(limit: Duration) -> Option<PathBuf> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(d) = find_drive() {
            return Some(d);
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    None
}

/// Mounted `RPI-RP2` drives, in the usual places.
fn find_drive() -> Option<PathBuf> {
    let mut candidates = vec![PathBuf::from("/media/RPI-RP2"), PathBuf::from("/mnt/RPI-RP2")];
    for base in ["/media", "/run/media"] {
        if let Ok(users) = fs::read_dir(base) {
            candidates.extend(users.filter_map(|e| e.ok()).map(|e| e.path().join("RPI-RP2")));
        }
    }
    candidates.into_iter().find(|d| d.join("INFO_UF2.TXT").is_file())
}

/// `cargo run -p baton-uf2 -- <args>` with its output captured; the error line on failure.
fn baton_uf2(cx: &Ctx, args: &[&str]) -> Result<String> {
    let mut cmd = cx.cargo(&["run", "--quiet", "--package", "baton-uf2", "--"]);
    cmd.args(args);
    let out = cmd.stdin(Stdio::null()).output().map_err(|e| format!("cannot run `{}`: {e}", describe(&cmd)))?;
    if out.status.success() {
        return Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line = stderr.lines().rev().find_map(|l| l.strip_prefix("error: ")).map(str::to_owned);
    Err(line.unwrap_or_else(|| format!("`{}` failed:\n{stderr}", describe(&cmd))))
}

/// The ELF file cargo builds for the firmware.
pub fn elf_path(cx: &Ctx) -> PathBuf {
    cx.root.join(FIRMWARE_DIR).join("target").join(FIRMWARE_TARGET).join("release").join("baton-firmware")
}

/// `cargo build --release` of firmware/ for `board` (inside firmware/, so that its own
/// .cargo/config.toml — target, linker scripts — applies).
pub fn build_elf(cx: &Ctx, board: Board) -> Result<PathBuf> {
    let dir = cx.root.join(FIRMWARE_DIR);
    if !dir.join("Cargo.toml").is_file() {
        return Err(format!("no {FIRMWARE_DIR}/Cargo.toml"));
    }
    let mut cargo = cx.cargo(&["build", "--release", "--no-default-features", "--features", board.feature]);
    cargo.current_dir(&dir);
    cx.run(cargo)?;
    Ok(elf_path(cx))
}

/// Flash and static RAM of the firmware ELF: `(flash, ram, detail)`.
pub fn sizes(cx: &Ctx, elf: &Path) -> Result<(u64, u64, String)> {
    let line = baton_uf2(cx, &["size", &elf.to_string_lossy()])?;
    let field = |name: &str| -> Result<u64> {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
            .ok_or_else(|| format!("`baton-uf2 size` printed no {name}: {line}"))
    };
    let detail = line.split_once('(').map(|(_, d)| d.trim_end_matches(')').to_owned()).unwrap_or_default();
    Ok((field("flash")?, field("ram")?, detail))
}

/// One line about the sizes, checked against the budgets.
pub fn report_sizes(cx: &Ctx, board: Board, elf: &Path) -> Result {
    let (flash, ram, detail) = sizes(cx, elf)?;
    let kib = |n: u64| format!("{:.1} KiB", n as f64 / 1024.0);
    println!(
        "firmware {}: flash {} ({flash} B); static RAM {} ({ram} B, heap included; budget {})",
        board.id,
        kib(flash),
        kib(ram),
        kib(RAM_BUDGET)
    );
    println!("  sections: {detail}");
    if ram > RAM_BUDGET {
        return Err(format!(
            "the {} firmware uses {} of static RAM; the budget is {}",
            board.id,
            kib(ram),
            kib(RAM_BUDGET)
        ));
    }
    if flash > FLASH_LIMIT {
        return Err(format!(
            "the {} firmware is {} of flash; the ceiling is {}",
            board.id,
            kib(flash),
            kib(FLASH_LIMIT)
        ));
    }
    Ok(())
}

/// Validates, builds and converts; returns the UF2's path.
fn build_uf2(cx: &Ctx, board: Board, demo: Option<&str>, params: &[String], out: Option<PathBuf>) -> Result<PathBuf> {
    let mut config: Vec<&str> = Vec::new();
    if let Some(demo) = demo {
        config.extend(["--demo", demo]);
        for p in params {
            config.extend(["--param", p.as_str()]);
        }
        let mut check = vec!["check"];
        check.extend(&config);
        let ok = baton_uf2(cx, &check)?;
        println!("{ok}");
    }
    let elf = build_elf(cx, board)?;
    report_sizes(cx, board, &elf)?;
    let out = out.unwrap_or_else(|| {
        let name = match demo {
            Some(d) => format!("baton-{}-{d}.uf2", board.id),
            None => format!("baton-{}.uf2", board.id),
        };
        cx.root.join("target").join("firmware").join(name)
    });
    let elf_arg = elf.to_string_lossy().into_owned();
    let out_arg = out.to_string_lossy().into_owned();
    let mut build = vec!["build", "--elf", &elf_arg, "--out", &out_arg];
    build.extend(&config);
    println!("{}", baton_uf2(cx, &build)?);
    Ok(out)
}

/// Where the playground's prebuilt UF2s are staged; Trunk copies the folder
/// into `dist/firmware/` (see index.html), and the page's "Download firmware"
/// writes the configuration block into them in the browser.
pub const WEB_FIRMWARE_DIR: &str = "www/firmware";

/// Builds the default UF2 of every board and stages it for the playground.
pub fn stage_for_web(cx: &Ctx) -> Result {
    let dir = cx.root.join(WEB_FIRMWARE_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    for b in BOARDS {
        let uf2 = build_uf2(cx, *b, None, &[], None)?;
        let to = dir.join(format!("baton-{}.uf2", b.id));
        std::fs::copy(&uf2, &to).map_err(|e| format!("copying {} to {}: {e}", uf2.display(), to.display()))?;
    }
    println!("✓ staged the prebuilt firmware for the playground in {WEB_FIRMWARE_DIR}/");
    Ok(())
}

/// The firmware's emulator tests (an npm project), when they exist.
pub const EMULATOR_DIR: &str = "firmware/emulator";

/// The `cargo xtask test` step: both boards build in release (every demo is linked in: the
/// firmware picks one at run time), pass clippy and fmt, stay within budget, and their
/// default UF2s are written to target/firmware/ and read back. The runtime crate's fmt and
/// clippy, the template's checks and firmware; the `bench` and `on-demand` builds; then
/// the emulator tests (firmware/emulator: the firmware on rp2040js against the simulator,
/// and its timing).
pub fn test_step(cx: &Ctx) -> Result<Option<String>> {
    let dir = cx.root.join(FIRMWARE_DIR);
    if !dir.join("Cargo.toml").is_file() {
        return Ok(Some(format!("no {FIRMWARE_DIR}/Cargo.toml yet")));
    }
    let mut fmt = cx.cargo(&["fmt", "--", "--check"]);
    fmt.current_dir(&dir);
    cx.run(fmt)?;
    let features = BOARDS.iter().map(|b| b.feature).chain(["pico,bench", "qtpy,on-demand"]);
    for feature in features {
        let mut clippy =
            cx.cargo(&["clippy", "--release", "--no-default-features", "--features", feature, "--", "-D", "warnings"]);
        clippy.current_dir(&dir);
        cx.run(clippy)?;
    }
    runtime_checks(cx)?;
    template_checks(cx)?;
    // The bench and on-demand builds first, so that the last ELF built is a board's own.
    let bench = Board { id: "pico", feature: "pico,bench", name: "Raspberry Pi Pico (bench)" };
    let elf = build_elf(cx, bench)?;
    let out = cx.root.join("target").join("firmware").join("baton-pico-bench.uf2");
    println!("{}", baton_uf2(cx, &["build", "--elf", &elf.to_string_lossy(), "--out", &out.to_string_lossy()])?);
    // The demos with their pins taken when they ask, not announced at boot (ondemand.test.mjs).
    let on_demand = Board { id: "qtpy", feature: "qtpy,on-demand", name: "Adafruit QT Py RP2040 (pins on demand)" };
    let elf = build_elf(cx, on_demand)?;
    let out = cx.root.join("target").join("firmware").join("baton-qtpy-on-demand.uf2");
    println!("{}", baton_uf2(cx, &["build", "--elf", &elf.to_string_lossy(), "--out", &out.to_string_lossy()])?);
    for b in BOARDS {
        let uf2 = build_uf2(cx, *b, None, &[], None)?;
        let info = baton_uf2(cx, &["info", &uf2.to_string_lossy()])?;
        if !info.contains("no configuration block") {
            return Err(format!("the default UF2 should carry an erased configuration sector:\n{info}"));
        }
        // The boot ROM erases one sector per 16 block numbers: the file must be laid out for that.
        if !info.contains("boot ROM: writes every sector whole") {
            return Err(format!("the boot ROM would not write the default UF2 exactly:\n{info}"));
        }
        println!("{info}");
    }
    let emulator = cx.root.join(EMULATOR_DIR);
    if !emulator.join("package.json").is_file() {
        println!("- emulator tests: no {EMULATOR_DIR}/package.json");
        return Ok(None);
    }
    super::npm_install(cx, EMULATOR_DIR)?;
    // The bench test writes its figures here (emulator cycles at 125 MHz); printed below.
    let figures = cx.root.join("target").join("firmware").join("bench.txt");
    let _ = fs::remove_file(&figures);
    let mut npm = cx.command("npm");
    npm.arg("test").current_dir(&emulator);
    cx.run(npm)?;
    match fs::read_to_string(&figures) {
        Ok(text) => {
            println!("firmware timing (rp2040js, cycles at 125 MHz):");
            for line in text.lines() {
                println!("  {line}");
            }
        }
        Err(_) => println!("- firmware timing: the bench test wrote no {}", cx.rel(&figures)),
    }
    Ok(None)
}

/// The RP2040 runtime crate (not a workspace member: it builds only for thumbv6m).
pub const RUNTIME_DIR: &str = "crates/baton-rp2040";

/// fmt and clippy of the runtime crate, for each board (and the bench's short watchdog). It
/// shares firmware/'s target directory: same target, same flags, so the HAL is built once.
fn runtime_checks(cx: &Ctx) -> Result {
    let dir = cx.root.join(RUNTIME_DIR);
    let target_dir = cx.root.join(FIRMWARE_DIR).join("target");
    let mut fmt = cx.cargo(&["fmt", "--", "--check"]);
    fmt.current_dir(&dir);
    cx.run(fmt)?;
    for feature in BOARDS.iter().map(|b| b.feature).chain(["pico,short-watchdog"]) {
        let mut clippy = cx.cargo(&["clippy", "--release", "--features", feature, "--", "-D", "warnings"]);
        clippy.current_dir(&dir).env("CARGO_TARGET_DIR", &target_dir);
        cx.run(clippy)?;
    }
    Ok(())
}

/// The firmware template: a user's own crate (template/).
pub const TEMPLATE_DIR: &str = "template";
/// The template's firmware binary.
const TEMPLATE_BIN: &str = "firmware";

/// The template as a user runs it: fmt, clippy and its tests on the host (the simulator's
/// test among them), its host example, then its firmware for each board, made into
/// `target/firmware/my-app-<board>.uf2` for the emulator test (template.test.mjs).
fn template_checks(cx: &Ctx) -> Result {
    let dir = cx.root.join(TEMPLATE_DIR);
    let in_dir = |args: &[&str]| {
        let mut cmd = cx.cargo(args);
        cmd.current_dir(&dir);
        cmd
    };
    cx.run(in_dir(&["fmt", "--", "--check"]))?;
    cx.run(in_dir(&["clippy", "--all-targets", "--", "-D", "warnings"]))?;
    cx.run(in_dir(&["test"]))?;
    cx.run(in_dir(&["run", "--example", "host"]))?;
    for b in BOARDS {
        let features = b.feature;
        let release = ["--release", "--target", FIRMWARE_TARGET, "--features", features];
        let mut clippy = vec!["clippy"];
        clippy.extend(release);
        clippy.extend(["--", "-D", "warnings"]);
        cx.run(in_dir(&clippy))?;
        let mut build = vec!["build"];
        build.extend(release);
        cx.run(in_dir(&build))?;
        let elf = dir.join("target").join(FIRMWARE_TARGET).join("release").join(TEMPLATE_BIN);
        println!("the template's firmware:");
        report_sizes(cx, *b, &elf)?;
        let out = cx.root.join("target").join("firmware").join(format!("my-app-{}.uf2", b.id));
        println!("{}", baton_uf2(cx, &["build", "--elf", &elf.to_string_lossy(), "--out", &out.to_string_lossy()])?);
    }
    Ok(())
}

/// `cargo xtask uf2 ELF [--out FILE]`: any RP2040 firmware's ELF as a UF2, by the project's
/// writer, with no configuration block (the default: the ELF's name with `.uf2`).
pub fn uf2_cmd(cx: &Ctx, args: &[&str]) -> Result {
    let (elf, out) = match args {
        [elf] => (absolute(elf), None),
        [elf, "--out", out] | ["--out", out, elf] => (absolute(elf), Some(absolute(out))),
        _ => return Err("usage: cargo xtask uf2 ELF [--out FILE]".into()),
    };
    if !elf.is_file() {
        return Err(format!("{} is not a file (build the firmware first)", elf.display()));
    }
    let out = out.unwrap_or_else(|| elf.with_extension("uf2"));
    println!("{}", baton_uf2(cx, &["size", &elf.to_string_lossy()])?);
    println!("{}", baton_uf2(cx, &["build", "--elf", &elf.to_string_lossy(), "--out", &out.to_string_lossy()])?);
    println!("  copy it to the RPI-RP2 drive (BOOTSEL), or `picotool load -x {}`", out.display());
    Ok(())
}

/// `cargo xtask new-firmware PATH`: a copy of the template at PATH (a new directory), its
/// crate named after the directory and its dependencies pointing at this clone.
pub fn new_firmware_cmd(cx: &Ctx, args: &[&str]) -> Result {
    let [path] = args else { return Err("usage: cargo xtask new-firmware PATH".into()) };
    let dest = absolute(path);
    if dest.exists() {
        return Err(format!("{} already exists", dest.display()));
    }
    let name = dest.file_name().and_then(|n| n.to_str()).ok_or_else(|| format!("{path}: no directory name"))?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(format!("{name:?}: a crate name is letters, digits, - and _"));
    }
    let crates = cx.root.join("crates");
    let crates = crates.to_string_lossy();
    let ident = name.replace('-', "_");
    copy_template(&cx.root.join(TEMPLATE_DIR), &dest, &|text: &str| {
        text.replace("\"../crates/", &format!("\"{crates}/"))
            .replace("name = \"my-app\"", &format!("name = \"{name}\""))
            .replace("my_app::", &format!("{ident}::"))
            .replace("run(\"my-app\"", &format!("run(\"{name}\""))
    })?;
    println!(
        "✓ {} (a copy of {TEMPLATE_DIR}/; its README is the repository's \"Use Baton in your own firmware\")",
        dest.display()
    );
    println!("  cd {path} && cargo test && cargo run --example host");
    println!(
        "  cargo build --release --target {FIRMWARE_TARGET} --features pico && cargo xtask uf2 … (from the clone)"
    );
    Ok(())
}

/// Copies `from` to `to` (no `target/`), passing each text file through `edit`.
fn copy_template(from: &Path, to: &Path, edit: &dyn Fn(&str) -> String) -> Result {
    fs::create_dir_all(to).map_err(|e| format!("creating {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", from.display()))?;
        let (src, name) = (entry.path(), entry.file_name());
        let dst = to.join(&name);
        if src.is_dir() {
            if name != "target" {
                copy_template(&src, &dst, edit)?;
            }
            continue;
        }
        let text = fs::read_to_string(&src).map_err(|e| format!("reading {}: {e}", src.display()))?;
        fs::write(&dst, edit(&text)).map_err(|e| format!("writing {}: {e}", dst.display()))?;
    }
    Ok(())
}

impl Ctx {
    /// `path` relative to the repository root, for messages.
    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arguments() {
        let r = parse(&["--board", "qtpy", "--demo", "blink-two", "--param", "interval1=0.5"], false).unwrap();
        assert_eq!(r.board.id, "qtpy");
        assert_eq!(r.demo.as_deref(), Some("blink-two"));
        assert_eq!(r.params, ["interval1=0.5"]);
        assert!(parse(&["--board", "uno"], false).unwrap_err().contains("pico, qtpy"));
        assert!(parse(&["--param", "a=1"], false).is_err());
        assert!(parse(&["--demo", "x", "--param", "a"], false).is_err());
        assert!(parse(&["--drive", "/x"], false).is_err());
        assert!(parse(&["--port", "/dev/ttyACM0"], false).is_err());
        assert_eq!(parse(&["--port", "/dev/ttyACM0"], true).unwrap().port, Some(PathBuf::from("/dev/ttyACM0")));
        assert!(parse(&["--out", "/x"], true).is_err());
        assert!(parse(&["--all", "--demo", "blink-one"], false).is_err());
        assert!(parse(&["--all"], false).unwrap().all);
        assert_eq!(parse(&[], true).unwrap().board.id, "pico");
    }
}
