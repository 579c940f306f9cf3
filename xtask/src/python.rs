//! `cargo xtask run-python`: Python mode, headless.
//!
//! ```text
//! cargo xtask run-python <code.py> --for-ms N [--poll-cost-us C] [--inputs F]
//! cargo xtask run-python --build-only     only build (prints the wasm-bindgen output folder)
//! ```
//!
//! Builds what the playground's worker runs on — `crates/baton-py` (Python mode) and
//! `crates/baton-demo-sim` (the blocking Rust demos) for wasm32 and their wasm-bindgen
//! bindings (`--target web`, the same modules a page loads), and
//! MicroPython's webassembly port from npm (`crates/baton-py/js`, `npm ci`) —
//! then runs `crates/baton-py/js/cli.mjs` in Node, which prints the trace
//! (docs/SIMULATOR.md). A Python error exits 2 with one line on stderr:
//! `code.py line N: Type: message`. Build output goes to stderr, so standard
//! output is only the trace.

use crate::{mtime, Ctx, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The worker's two wasm modules (crate names): Python mode's, and the blocking Rust
/// demos'. Each run downloads only its own.
const CRATES: [&str; 2] = ["baton-py", "baton-demo-sim"];
/// Their JavaScript runner, the Python sources and where the bindings go.
const JS_DIR: &str = "crates/baton-py/js";
const PYTHON_DIR: &str = "crates/baton-py/python";
const PKG_DIR: &str = "target/baton-py/pkg";
/// The guide's programs (the judge's examples).
const EXAMPLES_DIR: &str = "tests/oracle/examples";
/// The profile of the page's wasm: small, as it is downloaded.
const PROFILE: &str = "wasm-release";

/// `cargo xtask run-python …`.
pub(crate) fn run_python_cmd(cx: &Ctx, args: &[&str]) -> Result {
    if args.is_empty() || matches!(args, ["-h"] | ["--help"]) {
        eprintln!("usage: cargo xtask run-python <code.py> --for-ms N [--poll-cost-us C] [--inputs F]");
        eprintln!("       cargo xtask run-python --build-only");
        return Err("run-python needs a program".into());
    }
    let pkg = build(cx)?;
    if args == ["--build-only"] {
        println!("{}", pkg.display());
        return Ok(());
    }
    // Run as a program: its first line gives Node the flags it needs (see its header).
    let cli = cx.root.join(JS_DIR).join("cli.mjs");
    let mut node = Command::new(&cli);
    node.env("PATH", &cx.path).arg("--pkg").arg(&pkg).args(args);
    let status = node.status().map_err(|e| format!("cannot run node: {e}"))?;
    match status.code() {
        Some(0) => Ok(()),
        // A Python error (2) or a usage error (1): node has said why on stderr.
        Some(code) => std::process::exit(code),
        None => Err(format!("node was stopped: {status}")),
    }
}

/// wasm-bindgen's web bindings of `wasm` (module `stem`) into `pkg`, unless they are newer
/// than it: names and producers removed, as the page downloads them. Shared with the board
/// link's module (link.rs).
pub(crate) fn bind_if_stale(cx: &Ctx, wasm: &Path, pkg: &Path, stem: &str) -> Result {
    let bound = pkg.join(format!("{stem}_bg.wasm"));
    let stale = match (mtime(wasm), mtime(&bound)) {
        (Some(built), Some(bound)) => built > bound,
        _ => true,
    };
    if stale {
        let mut bindgen = cx.command("wasm-bindgen");
        bindgen
            .args(["--target", "web", "--remove-name-section", "--remove-producers-section", "--out-dir"])
            .arg(pkg)
            .arg(wasm);
        to_stderr(&mut bindgen);
        cx.run_quiet(bindgen)?;
    }
    Ok(())
}

/// Builds the wasm module and its bindings when their sources changed, and installs the
/// wasm32 target, wasm-bindgen and the npm packages when they are missing. Returns the
/// bindings' folder.
pub(crate) fn build(cx: &Ctx) -> Result<PathBuf> {
    crate::install_rust_targets(cx)?;
    // Quiet when it is there: a Python error's one line is all stderr says then.
    if cx.tool_version("wasm-bindgen") != Some(cx.wasm_bindgen_version()?) {
        crate::setup_wasm_bindgen(cx)?;
    }
    crate::npm_ci_if_stale(cx, JS_DIR, || {
        eprintln!("installing MicroPython's webassembly port in {JS_DIR} (npm ci) …")
    })?;
    // wasm-opt, for MicroPython's wasm (stage_micropython).
    crate::npm_ci_if_stale(cx, crate::WEB_TOOLS_DIR, || {
        eprintln!("installing the web build tools in {} (npm ci) …", crate::WEB_TOOLS_DIR)
    })?;
    let mut cargo = cx.cargo(&["build", "--quiet", "--target", "wasm32-unknown-unknown", "--profile", PROFILE]);
    for name in CRATES {
        cargo.args(["-p", name]);
    }
    to_stderr(&mut cargo);
    cx.run_quiet(cargo)?;
    let pkg = cx.root.join(PKG_DIR);
    for stem in CRATES.map(module_stem) {
        let wasm = cx.root.join("target/wasm32-unknown-unknown").join(PROFILE).join(format!("{stem}.wasm"));
        bind_if_stale(cx, &wasm, &pkg, &stem)?;
    }
    stage_micropython(cx, &pkg)?;
    check_python_sources(&cx.root.join(PYTHON_DIR))?;
    Ok(pkg)
}

/// A crate's module name: `baton-py` → `baton_py` (its `.wasm`, and wasm-bindgen's `.js`).
fn module_stem(name: &str) -> String {
    name.replace('-', "_")
}

/// Where npm puts MicroPython's port (`crates/baton-py/js/package.json` pins it).
const MICROPYTHON_DIR: &str = "node_modules/@micropython/micropython-webassembly-pyscript";

/// What is taken out of MicroPython's JavaScript glue, each found exactly once (see
/// [`stage_micropython`]): the assertion on the interpreter's hottest path, and the two that
/// check for the REPL's exports, which the staged wasm no longer has ([`REMOVED_EXPORTS`]).
const GLUE_PATCHES: [&str; 3] = [
    r#"assert(wasmTable.get(funcPtr)==func,"JavaScript-side Wasm function table mirror is out of date!"),"#,
    r#"assert(void 0!==wasmExports.mp_js_repl_init,"missing Wasm export: mp_js_repl_init"),"#,
    r#"assert(void 0!==wasmExports.mp_js_repl_process_char,"missing Wasm export: mp_js_repl_process_char"),"#,
];

/// The exports of MicroPython's wasm that wasm-opt removes, with the code only they reach:
/// the REPL (`mp.replInit`, `mp.replProcessChar`), which Python mode never starts. 4.4 KB
/// gzipped of readline and the REPL's loop.
const REMOVED_EXPORTS: &str = "mp_js_repl_init,mp_js_repl_process_char";

/// Puts MicroPython's port beside baton-py's bindings (`micropython.mjs`, `micropython.wasm`),
/// where headless runs and the page both load it from.
///
/// The wasm is the package's, slimmed by `tools/web/slim-micropython.mjs` (its frozen
/// micropython-lib modules and their interned strings out: a CircuitPython board has none of
/// them) and then through wasm-opt -Oz, as the page's own wasm, less the REPL's exports:
/// 192,139 → 146,301 B gzipped (187,963 with -Oz alone). The headless tests run that same
/// module.
///
/// The npm package is built with emscripten's assertions on. One of them sits on the
/// interpreter's hottest path: every call that C makes through a function pointer while
/// an exception handler is set up (which is most calls the bytecode loop makes) goes
/// through `getWasmTableEntry`, whose assertion reads the function table again
/// (`WebAssembly.Table.get`) to check its JavaScript mirror. Nothing in this build ever
/// changes the table (the glue has no `wasmTable.set` or `grow`, nor `addFunction`), so
/// the mirror cannot go stale and the check can never fail; it alone took 22 % of a
/// polling program's time. The staged glue is the package's, less that assertion and the two
/// for the removed exports; if a new version of the package no longer has them word for
/// word, the build says so rather than ship an unexamined glue.
fn stage_micropython(cx: &Ctx, pkg: &Path) -> Result {
    let from = cx.root.join(JS_DIR).join(MICROPYTHON_DIR);
    let (glue, wasm) = (from.join("micropython.mjs"), from.join("micropython.wasm"));
    let (glue_out, wasm_out) = (pkg.join("micropython.mjs"), pkg.join("micropython.wasm"));
    let slim = cx.root.join(crate::WEB_TOOLS_DIR).join("slim-micropython.mjs");
    // Up to date when newer than every input (the xtask binary holds the patches).
    let fresh = |inputs: &[&Path], to: &Path| {
        let built = std::env::current_exe().ok().and_then(|exe| mtime(&exe));
        mtime(to).is_some_and(|t| inputs.iter().map(|i| mtime(i)).chain([built]).all(|i| i.is_some_and(|i| t >= i)))
    };
    if !fresh(&[&glue], &glue_out) {
        let mut text = std::fs::read_to_string(&glue).map_err(|e| format!("reading {}: {e}", glue.display()))?;
        for patch in GLUE_PATCHES {
            if text.matches(patch).count() != 1 {
                return Err(format!(
                    "{} does not hold `{patch}` exactly once: MicroPython's glue changed; \
                     review xtask/src/python.rs (stage_micropython) against the new version",
                    glue.display()
                ));
            }
            text = text.replacen(patch, "", 1);
        }
        std::fs::write(&glue_out, text).map_err(|e| format!("writing {}: {e}", glue_out.display()))?;
    }
    if !fresh(&[&wasm, &slim], &wasm_out) {
        let slimmed = pkg.join("micropython.slim.wasm");
        let mut node = cx.command("node");
        node.arg(&slim).arg(&wasm).arg(&slimmed);
        to_stderr(&mut node);
        cx.run_quiet(node)?;
        wasm_opt(
            cx,
            &slimmed,
            &wasm_out,
            &["--remove-exports", &format!("--pass-arg=remove-exports@{REMOVED_EXPORTS}")],
        )?;
        std::fs::remove_file(&slimmed).map_err(|e| format!("removing {}: {e}", slimmed.display()))?;
    }
    Ok(())
}

/// `wasm-opt -Oz` (npm's binaryen, in tools/web) from `wasm` into `out`, after the passes in
/// `before`.
pub(crate) fn wasm_opt(cx: &Ctx, wasm: &Path, out: &Path, before: &[&str]) -> Result {
    let opt = cx.root.join(crate::WEB_TOOLS_DIR).join("node_modules/.bin/wasm-opt");
    let mut cmd = cx.command(&opt.to_string_lossy());
    cmd.args(before).arg("-Oz").args(crate::WASM_FEATURES).arg(wasm).arg("-o").arg(out);
    cx.run_quiet(cmd)
}

/// Minifies one ES module with esbuild (npm, in tools/web) from `from` into `to`. Python
/// mode's JavaScript is written (or generated, by wasm-bindgen) to be read; MicroPython's
/// glue has its own minifier (`tools/web/minify-micropython-glue.mjs`). The headless runs
/// load the readable files; the browser tests check the minified ones. esbuild takes
/// milliseconds, so this runs every time (no freshness check that an older, unminified copy
/// could pass).
pub(crate) fn minify(cx: &Ctx, from: &Path, to: &Path) -> Result {
    let esbuild = cx.root.join(crate::WEB_TOOLS_DIR).join("node_modules/.bin/esbuild");
    let mut cmd = cx.command(&esbuild.to_string_lossy());
    cmd.arg(from)
        .arg("--minify")
        .arg("--format=esm")
        .arg("--log-level=warning")
        .arg(format!("--outfile={}", to.display()));
    to_stderr(&mut cmd);
    cx.run_quiet(cmd)
}

fn check_python_sources(dir: &Path) -> Result {
    if dir.join("asyncio.py").is_file() {
        Ok(())
    } else {
        Err(format!("{} has no asyncio.py", dir.display()))
    }
}

/// Sends a build step's standard output to stderr: stdout is the trace's.
pub(crate) fn to_stderr(cmd: &mut Command) {
    cmd.stdout(Stdio::from(std::io::stderr()));
}

/// Where the page's Python mode is staged (gitignored; Trunk copies it into dist/python).
const WEB_DIR: &str = "www/python";

/// Stages the worker's files for the playground in `www/python/`: the worker and its
/// runner, baton-py's and baton-demo-sim's bindings (their wasm through wasm-opt -Oz, as
/// the page's), MicroPython's port, the Python files as one module, and the editor. The
/// page loads them only when Python mode or a blocking demo opens, the worker only those
/// of its program.
pub(crate) fn stage_for_web(cx: &Ctx) -> Result {
    let pkg = build(cx)?;
    let editor = crate::editor::build(cx)?;
    let dir = cx.root.join(WEB_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let js = cx.root.join(JS_DIR);
    for name in ["worker.mjs", "runner.mjs"] {
        minify(cx, &js.join(name), &dir.join(name))?;
    }
    // MicroPython's glue as a release build of it would be, without emscripten's assertions.
    let mut glue = cx.command("node");
    glue.arg(cx.root.join(crate::WEB_TOOLS_DIR).join("minify-micropython-glue.mjs"))
        .arg(pkg.join("micropython.mjs"))
        .arg(dir.join("micropython.mjs"));
    to_stderr(&mut glue);
    cx.run_quiet(glue)?;
    for stem in CRATES.map(module_stem) {
        let name = format!("{stem}.js");
        minify(cx, &pkg.join(&name), &dir.join(&name))?;
        // The wasm, optimized for size like the page's own.
        let (wasm, out) = (pkg.join(format!("{stem}_bg.wasm")), dir.join(format!("{stem}_bg.wasm")));
        if mtime(&out).is_none_or(|o| mtime(&wasm).is_some_and(|w| w > o)) {
            wasm_opt(cx, &wasm, &out, &[])?;
        }
    }
    // Already optimized: MicroPython's wasm (stage_micropython) and the editor (its bundle).
    copy(&pkg.join("micropython.wasm"), &dir.join("micropython.wasm"))?;
    copy(&editor, &dir.join("editor.js"))?;
    // The Python files as one ES module: `export default { "asyncio.py": "…", … }`.
    let mut files = Vec::new();
    let py = cx.root.join(PYTHON_DIR);
    for entry in std::fs::read_dir(&py).map_err(|e| format!("reading {}: {e}", py.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|x| x == "py") {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let text = std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            files.push((name, blank_comments_and_docstrings(&text)));
        }
    }
    files.sort();
    let body: Vec<String> = files.iter().map(|(n, t)| format!("  {}: {}", json_string(n), json_string(t))).collect();
    let module =
        format!("// Generated by cargo xtask from {PYTHON_DIR}.\nexport default {{\n{}\n}};\n", body.join(",\n"));
    std::fs::write(dir.join("pyfiles.js"), module).map_err(|e| format!("writing pyfiles.js: {e}"))?;
    // The guide's programs, which the page's Python mode opens with: one JSON object by demo
    // id (`src/examples.rs` fetches it), not compiled into the page.
    let mut examples = Vec::new();
    let ex = cx.root.join(EXAMPLES_DIR);
    for entry in std::fs::read_dir(&ex).map_err(|e| format!("reading {}: {e}", ex.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if let (Some(id), Some("py")) =
            (path.file_stem().and_then(|s| s.to_str()), path.extension().and_then(|x| x.to_str()))
        {
            let text = std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
            examples.push((id.to_owned(), text));
        }
    }
    examples.sort();
    let body: Vec<String> = examples.iter().map(|(n, t)| format!("{}:{}", json_string(n), json_string(t))).collect();
    std::fs::write(dir.join("examples.json"), format!("{{{}}}", body.join(",")))
        .map_err(|e| format!("writing examples.json: {e}"))?;
    println!("✓ staged Python mode for the playground in {WEB_DIR}/");
    Ok(())
}

/// A Python source as the page ships it: each line that holds only a comment left empty, and
/// each docstring cut to `""` on its first line, its other lines left empty.
///
/// The sources explain themselves in comments and docstrings, which every visitor of Python
/// mode would download: blanking the comment lines takes the module from 8.0 to 6.2 KB
/// gzipped, the docstrings then to 5.5 KB. Emptied, not removed, so that a traceback's line
/// numbers still match the repository's files. A docstring is a string that begins the line
/// after a line ending in `:` (the first statement of a class or a function); `""` stays in
/// its place, so that a body that was only a docstring is still a body. MicroPython keeps no
/// function docstrings, and a class's `__doc__` becomes `""`. A line inside another
/// triple-quoted string is text and stays (the sources' triple quotes stand one or two to a
/// line, which is what the count below relies on); a comment after code stays too, as telling
/// it from a `#` inside a string needs a tokenizer.
fn blank_comments_and_docstrings(text: &str) -> String {
    let mut in_string = false;
    let mut in_docstring = false;
    let mut after_colon = false;
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            let trimmed = line.trim_start();
            let odd_quotes = (line.matches(r#"""""#).count() + line.matches("'''").count()) % 2 == 1;
            if in_docstring {
                in_docstring = !odd_quotes;
                return String::new();
            }
            if !in_string && trimmed.starts_with('#') {
                return String::new();
            }
            if !in_string && after_colon && (trimmed.starts_with(r#"""""#) || trimmed.starts_with("'''")) {
                in_docstring = odd_quotes;
                after_colon = false;
                return format!("{}\"\"", &line[..line.len() - trimmed.len()]);
            }
            if odd_quotes {
                in_string = !in_string;
            }
            if !trimmed.is_empty() {
                after_colon = !in_string && line.trim_end().ends_with(':');
            }
            line.to_owned()
        })
        .collect();
    lines.join("\n")
}

fn copy(from: &Path, to: &Path) -> Result {
    std::fs::copy(from, to).map(|_| ()).map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
}

/// A JSON string literal (also a JavaScript one).
fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::blank_comments_and_docstrings as blank;

    #[test]
    fn blanks_comment_lines_only() {
        let src = "# a module\nimport x\n    # indented\nx = 1  # after code\ns = \"#not a comment\"\n";
        assert_eq!(blank(src), "\nimport x\n\nx = 1  # after code\ns = \"#not a comment\"\n");
    }

    #[test]
    fn cuts_docstrings_and_keeps_other_triple_quoted_strings() {
        let src = concat!(
            "def f():\n",
            "    \"\"\"Doc.\n",
            "    # part of the text\n",
            "    \"\"\"\n",
            "    # a comment\n",
            "    \"\"\"One line.\"\"\"\n",
            "    # another\n",
            "t = '''\n",
            "# text\n",
            "'''\n",
            "class E(Exception):\n",
            "    # before it\n",
            "    \"\"\"Only a docstring.\"\"\"\n",
            "x = (\n",
            "    \"\"\"A value.\"\"\"\n",
            ")\n",
        );
        let out = blank(src);
        let want = concat!(
            "def f():\n",
            "    \"\"\n",
            "\n",
            "\n",
            "\n",
            "    \"\"\"One line.\"\"\"\n",
            "\n",
            "t = '''\n",
            "# text\n",
            "'''\n",
            "class E(Exception):\n",
            "\n",
            "    \"\"\n",
            "x = (\n",
            "    \"\"\"A value.\"\"\"\n",
            ")\n",
        );
        assert_eq!(out, want);
        assert_eq!(out.lines().count(), src.lines().count());
    }
}
