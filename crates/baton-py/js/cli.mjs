#!/usr/bin/env -S node --no-concurrent-recompilation
// `cargo xtask run-python` in Node:
//   crates/baton-py/js/cli.mjs --pkg DIR CODE.py --for-ms N [--poll-cost-us C] [--inputs F]
// DIR holds baton-py's wasm-bindgen output (--target web) and MicroPython's port as
// `cargo xtask` stages it there (the modules the page loads). Prints the trace;
// a Python error exits 2 with one line on stderr.
//
// Run it as a program (as xtask and the tests do), not as `node cli.mjs`: the first line
// turns off V8's concurrent recompilation. With it on, Node 20 can deadlock at exit (Node's
// issue 54918): the main thread, draining the platform's tasks, waits for a background
// TurboFan job, which waits for the main thread to collect garbage. The run has printed
// its whole trace by then, and the process never ends. Measured here on busy_poller.py
// (0.3 s), with `--concurrent-recompilation-delay=20` to widen the window: 2 hangs in 20
// runs without the flag, none in 300 with it; unwidened, 1 hang in 800 runs without the
// flag, none in 1,840 with it.
// Compiling on the main thread costs nothing measurable: rainbow.py for 5 s took
// 0.76–0.80 s either way.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { runPython } from "./runner.mjs";

const here = dirname(fileURLToPath(import.meta.url));

function fail(msg) {
  process.stderr.write(`run-python: ${msg}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
let pkg = null, program = null, forMs = null, pollCostUs = 10, inputsPath = null;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const value = () => {
    if (i + 1 >= args.length) fail(`${a} needs a value`);
    return args[++i];
  };
  const number = (s) => {
    if (!/^\d+$/.test(s)) fail(`${a}: not a whole number: ${s}`);
    return Number(s);
  };
  if (a === "--pkg") pkg = value();
  else if (a === "--for-ms") forMs = number(value());
  else if (a === "--poll-cost-us") pollCostUs = number(value());
  else if (a === "--inputs") inputsPath = value();
  else if (a.startsWith("--")) fail(`unknown option ${a}`);
  else if (program === null) program = a;
  else fail(`unexpected argument ${a}`);
}
if (!pkg) fail("--pkg DIR is required");
if (!program) fail("usage: run-python <code.py> --for-ms N [--poll-cost-us C] [--inputs F]");
if (forMs === null) fail("--for-ms N is required");
if (pollCostUs > 1_000_000) fail("--poll-cost-us: at most 1000000");

let source, inputs = "";
try { source = readFileSync(program, "utf8"); } catch (e) { fail(`cannot read ${program}: ${e.message}`); }
if (inputsPath) {
  try { inputs = readFileSync(inputsPath, "utf8"); } catch (e) { fail(`cannot read ${inputsPath}: ${e.message}`); }
}

const bindings = await import(pathToFileURL(join(pkg, "baton_py.js")).href);
bindings.initSync({ module: readFileSync(join(pkg, "baton_py_bg.wasm")) });
const { loadMicroPython } = await import(pathToFileURL(join(pkg, "micropython.mjs")).href);
const pyDir = join(here, "..", "python");
const pyFiles = {};
for (const f of readdirSync(pyDir)) if (f.endsWith(".py")) pyFiles[f] = readFileSync(join(pyDir, f), "utf8");

let result;
try {
  result = await runPython({
    loadMicroPython, micropythonUrl: join(pkg, "micropython.wasm"), PySim: bindings.PySim,
    pyFiles, source, forMs, pollCostUs, inputs,
  });
} catch (e) {
  fail(e && e.message ? e.message : String(e));
}
process.stdout.write(result.trace);
if (result.error) {
  process.stderr.write(result.error.split("\n")[0] + "\n");
  process.exitCode = 2;
}
