//! `baton-uf2`: firmware files for `cargo xtask firmware` (and people).
//!
//! ```text
//! baton-uf2 check --demo ID [--param KEY=VALUE]...
//! baton-uf2 build --elf FIRMWARE.elf --out OUT.uf2 [--demo ID [--param KEY=VALUE]...]
//! baton-uf2 patch --in IN.uf2 --out OUT.uf2 --demo ID [--param KEY=VALUE]...
//! baton-uf2 block --out CONFIG.bin --demo ID [--param KEY=VALUE]...
//! baton-uf2 info FILE.uf2
//! baton-uf2 size FIRMWARE.elf
//! ```
//!
//! Demo ids and parameters are checked with baton-demos (the same table the
//! simulator and the playground use) before anything is written. Without
//! `--demo`, `build` writes an erased configuration sector: the firmware
//! then runs its board's default demo.

use baton_demos::{DemoId, Params};
use baton_uf2::boot_rom;
use baton_uf2::config::{self, CONFIG_ADDR};
use baton_uf2::elf::Elf;
use baton_uf2::uf2::{self, Image, RP2040_FAMILY_ID};
use std::fs;
use std::path::PathBuf;
use std::process::ExitCode;

type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "usage:
  baton-uf2 check --demo ID [--param KEY=VALUE]...
  baton-uf2 build --elf FIRMWARE.elf --out OUT.uf2 [--demo ID [--param KEY=VALUE]...]
  baton-uf2 patch --in IN.uf2 --out OUT.uf2 --demo ID [--param KEY=VALUE]...
  baton-uf2 block --out CONFIG.bin --demo ID [--param KEY=VALUE]...   (the raw block, for 0x101FF000)
  baton-uf2 info FILE.uf2
  baton-uf2 size FIRMWARE.elf";

#[derive(Default)]
struct Args {
    demo: Option<String>,
    params: Vec<String>,
    elf: Option<PathBuf>,
    input: Option<PathBuf>,
    out: Option<PathBuf>,
    files: Vec<PathBuf>,
}

fn parse_args(args: &[String]) -> Result<Args> {
    let mut a = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--demo" => a.demo = Some(value("--demo")?),
            "--param" => a.params.push(value("--param")?),
            "--elf" => a.elf = Some(value("--elf")?.into()),
            "--in" => a.input = Some(value("--in")?.into()),
            "--out" => a.out = Some(value("--out")?.into()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            s => a.files.push(s.into()),
        }
    }
    Ok(a)
}

/// Checks the demo and parameters; returns the configuration block and a
/// one-line description.
fn validated_block(demo: &str, params: &[String]) -> Result<(Vec<u8>, String)> {
    let id: DemoId = demo.parse().map_err(|e: baton_demos::UnknownDemo| e.to_string())?;
    let mut pairs = Vec::new();
    for p in params {
        let (k, v) = p.split_once('=').ok_or_else(|| format!("--param needs KEY=VALUE, got {p:?}"))?;
        pairs.push((k.trim(), v.trim()));
    }
    let mut values = Params::defaults(id);
    values.set_all(pairs).map_err(|e| e.to_string())?;
    let changed = values.changed();
    let kv: Vec<(&str, &str)> = changed.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let block = config::encode(id.id(), &kv).map_err(|e| e.to_string())?;
    let mut line = id.id().to_string();
    for (k, v) in &kv {
        line.push_str(&format!(" {k}={v}"));
    }
    Ok((block, line))
}

fn read(path: &PathBuf) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn write(path: &PathBuf, bytes: &[u8]) -> Result {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// What the boot ROM makes of a file, as `info` says it.
fn rom_line(file: &[u8]) -> String {
    match boot_rom::check(file) {
        Ok(fit) => format!("boot ROM: writes every sector whole ({} sectors, {} blocks)", fit.sectors, fit.blocks),
        Err(v) => format!("boot ROM: WILL NOT write this file correctly: {v}"),
    }
}

/// Writes a UF2 file this command made, once the boot ROM's rule holds for
/// it: a file that breaks it would flash wrong on a real board (and never in
/// the emulator, which has no boot ROM), so the writer's bug fails here.
fn write_uf2(path: &PathBuf, file: &[u8]) -> Result {
    boot_rom::check(file)
        .map_err(|v| format!("bug: the UF2 file made for {} breaks the boot ROM's rule: {v}", path.display()))?;
    write(path, file)
}

fn run(args: &[String]) -> Result {
    let (cmd, rest) = args.split_first().ok_or_else(|| USAGE.to_string())?;
    let a = parse_args(rest)?;
    match cmd.as_str() {
        "check" => {
            let demo = a.demo.as_deref().ok_or("check needs --demo")?;
            let (_, line) = validated_block(demo, &a.params)?;
            println!("ok: {line}");
        }
        "build" => {
            let elf = a.elf.as_ref().ok_or("build needs --elf")?;
            let out = a.out.as_ref().ok_or("build needs --out")?;
            let mut image = Image::from_elf(&read(elf)?).map_err(|e| e.to_string())?;
            let what = match &a.demo {
                Some(demo) => {
                    let (block, line) = validated_block(demo, &a.params)?;
                    image.set_config(&block).map_err(|e| e.to_string())?;
                    line
                }
                None if a.params.is_empty() => {
                    image.clear_config();
                    "an erased configuration sector (the demos firmware then runs its board's default demo; a firmware of your own has no use for it)".into()
                }
                None => return Err("--param needs --demo".into()),
            };
            let file = image.to_uf2(RP2040_FAMILY_ID);
            write_uf2(out, &file)?;
            println!(
                "wrote {} ({} blocks, {} KiB): {what}",
                out.display(),
                file.len() / uf2::BLOCK_SIZE,
                file.len() / 1024
            );
        }
        "patch" => {
            let input = a.input.as_ref().ok_or("patch needs --in")?;
            let out = a.out.as_ref().ok_or("patch needs --out")?;
            let demo = a.demo.as_deref().ok_or("patch needs --demo")?;
            let (block, line) = validated_block(demo, &a.params)?;
            let file = uf2::patch_config(&read(input)?, &block).map_err(|e| e.to_string())?;
            write_uf2(out, &file)?;
            println!("wrote {}: {line}", out.display());
        }
        "block" => {
            let out = a.out.as_ref().ok_or("block needs --out")?;
            let demo = a.demo.as_deref().ok_or("block needs --demo")?;
            let (block, line) = validated_block(demo, &a.params)?;
            write(out, &block)?;
            println!("wrote {} ({} bytes, for {CONFIG_ADDR:#010x}): {line}", out.display(), block.len());
        }
        "info" => {
            let path = a.files.first().ok_or("info needs a UF2 file")?;
            let bytes = read(path)?;
            // The boot ROM's verdict holds for any file, even one this
            // command cannot read as an image: said first.
            let rom = rom_line(&bytes);
            let image = Image::from_uf2(&bytes).map_err(|e| format!("{e}\n{rom}"))?;
            let end = image.program_end().unwrap_or(uf2::FLASH_START);
            println!(
                "{}: {} blocks, program {:#010x}..{end:#010x} ({} bytes)",
                path.display(),
                bytes.len() / uf2::BLOCK_SIZE,
                uf2::FLASH_START,
                end - uf2::FLASH_START
            );
            let cfg = image.config_bytes();
            match config::decode(&cfg) {
                Ok(c) => {
                    let params: Vec<String> = c.params().map(|(k, v)| format!("{k}={v}")).collect();
                    println!("configuration at {CONFIG_ADDR:#010x}: {} {}", c.demo(), params.join(" "));
                }
                Err(e) => println!("configuration at {CONFIG_ADDR:#010x}: {e}"),
            }
            println!("{rom}");
        }
        "size" => {
            let path = a.files.first().ok_or("size needs an ELF file")?;
            let bytes = read(path)?;
            let elf = Elf::parse(&bytes).map_err(|e| e.to_string())?;
            let in_flash = |a: u32| (uf2::FLASH_START..uf2::FLASH_END).contains(&a);
            let in_ram = |a: u32| (0x2000_0000..0x2004_2000).contains(&a);
            let flash: usize = elf
                .load_segments()
                .map_err(|e| e.to_string())?
                .iter()
                .filter(|s| in_flash(s.paddr))
                .map(|s| s.data.len())
                .sum();
            let sections = elf.sections().map_err(|e| e.to_string())?;
            let ram: u32 = sections.iter().filter(|s| s.is_alloc() && in_ram(s.addr)).map(|s| s.size).sum();
            let parts: Vec<String> = sections
                .iter()
                .filter(|s| s.is_alloc() && s.size > 0)
                .map(|s| format!("{} {}", s.name, s.size))
                .collect();
            println!("flash={flash} ram={ram} ({})", parts.join(", "));
        }
        "help" | "--help" | "-h" => println!("{USAGE}"),
        other => return Err(format!("unknown command {other:?}\n{USAGE}")),
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
