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
// never awaits) blocks the thread; stopping it needs a worker (issue 10,
// item 7).

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

export async function runPython({ loadMicroPython, micropythonUrl, PySim, pyFiles, source, forMs, pollCostUs = 10, inputs = "" }) {
  const sim = new PySim(pollCostUs, forMs * 1000, inputs);
  const out = [];
  const mp = await loadMicroPython({
    url: micropythonUrl,
    heapsize: 16 * 1024 * 1024,
    stdout: (line) => out.push(line),
    stderr: (line) => out.push(line),
  });
  const bridge = {};
  for (const name of BRIDGE) bridge[name] = sim[name].bind(sim);
  mp.registerJsModule("_baton", bridge);
  for (const [name, text] of Object.entries(pyFiles)) mp.FS.writeFile("/" + name, text);
  const runner = mp.pyimport("_runner");
  const step = mp.pyimport("asyncio")._step;
  sim.set_resume((id) => step(id));
  let error = null;
  try {
    error = runner.run_program(source) || null;
  } catch (e) {
    error = `code.py line 0: internal error: ${e && e.message ? e.message : e}`;
  }
  const trace = sim.take_trace();
  sim.free();
  return { trace, error, output: out };
}
