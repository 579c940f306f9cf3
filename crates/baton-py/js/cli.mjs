#!/usr/bin/env -S node --no-concurrent-recompilation
// `cargo xtask run-python` in Node:
//   crates/baton-py/js/cli.mjs --pkg DIR CODE.py --for-ms N [--poll-cost-us C] [--inputs F]
// DIR holds baton-py's wasm-bindgen output (--target web) and MicroPython's port as
// `cargo xtask` stages it there (the modules the page loads). Prints the trace;
// a Python error exits 2 with one line on stderr.
//
// The program runs in a worker thread, and this thread watches it as the page watches its Web
// Worker: a task that runs 2 s of wall time without awaiting (no turn, no move of the clock) is
// stopped, with the page's message on stderr and exit 2, after the trace it made until then.
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
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { runPython } from "./runner.mjs";

/** Wall time a task may run without awaiting, ms (the page's `RUNAWAY_MS`, src/remote.rs). */
const RUNAWAY_MS = 2000;

if (isMainThread) command();
else await work(workerData);

/** This thread: the arguments, the worker, the watch and the output. */
function command() {
  const fail = (msg) => {
    process.stderr.write(`run-python: ${msg}\n`);
    process.exit(1);
  };
  const args = process.argv.slice(2);
  let pkg = null, program = null, forMs = null, pollCostUs = 10, inputsPath = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      if (i + 1 >= args.length) fail(`${a} needs a value`);
      return args[++i];
    };
    // The simulator's limits (crates/baton-sim/src/main.rs): a day of virtual time, 1 s a poll.
    const number = (s, max) => {
      if (!/^\d+$/.test(s)) fail(`${a}: not a whole number: ${s}`);
      // Digits past a double's precision still compare as too large: 1e20 > max.
      if (Number(s) > max) fail(`${a}: ${s} is too large (at most ${max})`);
      return Number(s);
    };
    if (a === "--pkg") pkg = value();
    else if (a === "--for-ms") forMs = number(value(), 86_400_000);
    else if (a === "--poll-cost-us") pollCostUs = number(value(), 1_000_000);
    else if (a === "--inputs") inputsPath = value();
    else if (a.startsWith("--")) fail(`unknown option ${a}`);
    else if (program === null) program = a;
    else fail(`unexpected argument ${a}`);
  }
  if (!pkg) fail("--pkg DIR is required");
  if (!program) fail("usage: run-python <code.py> --for-ms N [--poll-cost-us C] [--inputs F]");
  if (forMs === null) fail("--for-ms N is required");

  let source, inputs = "";
  try { source = readFileSync(program, "utf8"); } catch (e) { fail(`cannot read ${program}: ${e.message}`); }
  if (inputsPath) {
    try { inputs = readFileSync(inputsPath, "utf8"); } catch (e) { fail(`cannot read ${inputsPath}: ${e.message}`); }
  }

  // [beats, the Python task resumed last + 1 (0: code.py's top level)], written by the worker.
  const beat = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { pkg, source, forMs, pollCostUs, inputs, beat: beat.buffer },
  });
  const names = new Map();
  let seen = -1, since = Date.now(), over = false;
  const finish = (error, code) => {
    over = true;
    clearInterval(watch);
    if (error) process.stderr.write(error.split("\n")[0] + "\n");
    process.exitCode = code;
  };
  const watch = setInterval(() => {
    const now = Date.now();
    if (Atomics.load(beat, 0) !== seen) {
      seen = Atomics.load(beat, 0);
      since = now;
    } else if (now - since >= RUNAWAY_MS) {
      const current = Atomics.load(beat, 1);
      const who = current === 0 ? "code.py's top level" : names.has(current - 1) ? `task \`${names.get(current - 1)}\`` : "a task";
      // The limit, not the time measured (a busy machine looks late: 2 s or 3 s for one program).
      const secs = RUNAWAY_MS / 1000;
      worker.terminate();
      finish(`${who} has run ${secs} s without awaiting — on a board every other task would be stuck. The program was stopped.`, 2);
    }
  }, 100);
  worker.on("message", (m) => {
    if (over) return;
    if (m.spawn !== undefined) names.set(m.spawn, m.name);
    else if (m.trace !== undefined) process.stdout.write(m.trace);
    else if (m.failed !== undefined) finish(m.failed, 1);
    else finish(m.error, m.error ? 2 : 0);
  });
  worker.on("error", (e) => {
    if (!over) finish(e && e.message ? e.message : String(e), 1);
  });
}

/** The worker: the bindings, MicroPython and the run, reporting to the watching thread. */
async function work({ pkg, source, forMs, pollCostUs, inputs, beat: shared }) {
  const beat = new Int32Array(shared);
  const post = (m) => parentPort.postMessage(m);
  try {
    const bindings = await import(pathToFileURL(join(pkg, "baton_py.js")).href);
    bindings.initSync({ module: readFileSync(join(pkg, "baton_py_bg.wasm")) });
    const { loadMicroPython } = await import(pathToFileURL(join(pkg, "micropython.mjs")).href);
    const pyDir = join(dirname(fileURLToPath(import.meta.url)), "..", "python");
    const pyFiles = {};
    for (const f of readdirSync(pyDir)) if (f.endsWith(".py")) pyFiles[f] = readFileSync(join(pyDir, f), "utf8");
    const { error } = await runPython({
      loadMicroPython, micropythonUrl: join(pkg, "micropython.wasm"), PySim: bindings.PySim,
      pyFiles, source, forMs, pollCostUs, inputs,
      beat: (current) => {
        Atomics.add(beat, 0, 1);
        Atomics.store(beat, 1, current);
      },
      onSpawn: (id, name) => post({ spawn: id, name }),
      onTrace: (trace) => post({ trace }),
    });
    post({ error });
  } catch (e) {
    post({ failed: `run-python: ${e && e.message ? e.message : e}` });
  }
}
