// Python mode's runner: a CircuitPython code.py in MicroPython's webassembly
// port, scheduled by Baton on the virtual board (baton-py's PySim).
//
// Environment-neutral (Node for `cargo xtask run-python`; a Web Worker for the
// page later): the caller passes what it has loaded.
//
//   const { trace, error } = await runPython({
//     loadMicroPython,      // from @micropython/micropython-webassembly-pyscript
//     micropythonUrl,       // where micropython.wasm is (a path in Node, a URL in a page)
//     PySim,                // baton-py's wasm-bindgen class, initialised
//     pyFiles,              // { "asyncio.py": text, ... }: crates/baton-py/python
//     source,               // code.py
//     forMs, pollCostUs, inputs,   // inputs: an input script (JSON Lines) or ""
//   });
//
// `trace` is JSON Lines (docs/SIMULATOR.md); `error` is null or the line
// `code.py line N: Type: message`.
//
// One interpreter per run: a Python call that never returns (a task that
// never awaits) blocks the thread. In the page the run is in a Web Worker
// (worker.mjs), which the page stops from outside.

// The PySim methods Python calls, as the `_baton` module.
const BRIDGE = [
  "spawn", "wake_awaiters", "wait_task", "sleep_ms", "kick", "run",
  "event_new", "event_set", "event_clear", "event_is_set", "event_wait",
  "lock_new", "lock_acquire", "lock_release", "lock_holder", "lock_locked",
  "output", "write", "read", "keys_new", "keys_get",
  "counter_new", "counter_count", "counter_set",
  "pixels_new", "pixels_set", "pixels_brightness", "pixels_show",
  "sleep_us", "monotonic", "now_us", "print", "note",
];

/**
 * Sets up one run: the simulation, an interpreter with the `_baton` bridge
 * and the Python files. `hooks.onSpawn(id, name, task)` hears of each new task (Python's id, Baton's),
 * `hooks.onResume(id)` of each turn (the worker's runaway watch) and `hooks.onPrint()` of each
 * line printed. Returns
 * `{ sim, run(source) }`; `run` answers "" or the error line.
 */
export async function createSession({ loadMicroPython, micropythonUrl, PySim, pyFiles, forMs, pollCostUs = 10, inputs = "", hooks = {} }) {
  const sim = new PySim(pollCostUs, forMs * 1000, inputs);
  const mp = await loadMicroPython({
    url: micropythonUrl,
    heapsize: 16 * 1024 * 1024,
    // Python frames and star-arguments live on the pystack (in words): the port's default of 2,048
    // words ran out at `asyncio.gather(*tasks)` with a few hundred tasks.
    pystack: 64 * 1024,
    stdout: (line) => hooks.onStdout?.(line),
    stderr: (line) => hooks.onStdout?.(line),
  });
  const bridge = {};
  for (const name of BRIDGE) bridge[name] = sim[name].bind(sim);
  if (hooks.onSpawn) {
    bridge.spawn = (id, name) => {
      hooks.onSpawn(id, name, sim.spawn(id, name));
    };
  }
  if (hooks.onPrint) {
    bridge.print = (line) => {
      sim.print(line);
      hooks.onPrint();
    };
  }
  mp.registerJsModule("_baton", bridge);
  for (const [name, text] of Object.entries(pyFiles)) mp.FS.writeFile("/" + name, text);
  const runner = mp.pyimport("_runner");
  const step = mp.pyimport("asyncio")._step;
  const onResume = hooks.onResume;
  sim.set_resume(onResume ? (id) => { onResume(id); return step(id); } : (id) => step(id));
  const run = (source) => {
    try {
      return runner.run_program(source) || "";
    } catch (e) {
      return `code.py line 0: internal error: ${e && e.message ? e.message : e}`;
    }
  };
  return { sim, run };
}

/** Runs `source` headless until `forMs`: `{ trace, error }`. */
export async function runPython({ loadMicroPython, micropythonUrl, PySim, pyFiles, source, forMs, pollCostUs = 10, inputs = "" }) {
  const { sim, run } = await createSession({ loadMicroPython, micropythonUrl, PySim, pyFiles, forMs, pollCostUs, inputs });
  const error = run(source) || null;
  const trace = sim.take_trace();
  sim.free();
  return { trace, error };
}
