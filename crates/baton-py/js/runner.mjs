// Python mode's runner: a CircuitPython code.py in MicroPython's webassembly
// port, scheduled by Baton on the virtual board (baton-py's PySim).
//
// Environment-neutral (Node's worker thread for `cargo xtask run-python`, the page's Web
// Worker): the caller passes what it has loaded. `createSession` sets a run up (the page's
// worker paces it); `runPython` runs it headless:
//
//   const { trace, error } = await runPython({
//     loadMicroPython,      // from @micropython/micropython-webassembly-pyscript
//     micropythonUrl,       // where micropython.wasm is (a path in Node, a URL in a page)
//     PySim,                // baton-py's wasm-bindgen class, initialised
//     pyFiles,              // { "asyncio.py": text, ... }: crates/baton-py/python
//     source,               // code.py
//     forMs, pollCostUs, inputs,   // inputs: an input script (JSON Lines) or ""
//     beat, onSpawn, onTrace,      // optional: for a watcher on another thread (see runPython)
//   });
//
// `trace` is JSON Lines (docs/SIMULATOR.md); `error` is null or the line
// `code.py line N: Type: message`.
//
// One interpreter per run: a Python call that never returns (a task that never awaits) blocks
// the thread. So both callers run it off the thread that watches: the page stops its Web Worker
// (worker.mjs), cli.mjs its worker thread, when the heartbeat stands still for 2 s.

// The PySim methods Python calls, as the `_baton` module.
export const BRIDGE = [
  "spawn", "wake_awaiters", "wait_task", "sleep_until_tick", "kick", "run",
  "event_new", "event_set", "event_clear", "event_is_set", "event_wait",
  "lock_new", "lock_acquire", "lock_release", "lock_holder", "lock_locked",
  "output", "write", "read", "keys_new", "keys_get", "keys_len",
  "counter_new", "counter_count", "counter_set",
  "pixels_new", "pixels_set", "pixels_brightness", "pixels_show",
  "sleep_us", "monotonic", "now_us", "print", "note", "drop_task",
  "pwm", "analog_new", "analog", "encoder_new", "turned",
];

/** A call of the bridge that it refuses (MicroPython's port cannot raise it in Python). */
class BridgeError extends Error {}

/** What a JavaScript exception that reached Python was, in a line (not the source text of the
 * bridge function that a "… is not a constructor" message quotes). */
function escaped(e) {
  const message = String(e && e.message !== undefined ? e.message : e);
  if (/is not a constructor$/.test(message)) return "TypeError: _baton's functions are not constructors";
  return `${(e && e.name) || "Error"}: ${message.split("\n")[0]}`;
}

/**
 * The bridge as Python sees it. A program can reach `_baton` (a board module's attribute), and
 * any JavaScript function it holds leads, through `constructor`, to `Function` and so to the
 * worker's globals. So each function here is a fresh arrow without a prototype chain
 * (Python sees no `constructor`, `call`, `bind`…: an AttributeError), in a frozen object
 * without one, and each call's arguments are checked against what PySim takes (a number, a
 * string or a bool: anything else is a clear error, not a JavaScript object reaching PySim).
 *
 * A refusal never throws into Python. MicroPython's port lets a JavaScript exception unwind
 * through the interpreter's C frames without unwinding the interpreter (its exception
 * handlers, its pystack): a program that called `_baton.output("ZZ")` inside a task left
 * MicroPython in a state whose next answer was garbage ("internal error: Infinity"). So the
 * first refusal is kept in `refusal.error`, the call answers None, and from then on every call
 * is refused without reaching PySim: the run stops at the task's next turn (`createSession`'s
 * resume), or when code.py's top level returns, and says why.
 */
export function sealBridge(bridge, refusal = { error: null }) {
  const sealed = Object.create(null);
  for (const [name, fn] of Object.entries(bridge)) {
    const call = (...args) => {
      if (refusal.error) return null;
      try {
        for (const a of args) {
          const t = typeof a;
          if (!(t === "number" || t === "string" || t === "boolean")) {
            throw new BridgeError(`the board takes numbers, strings and bools, not ${t === "object" && a !== null ? "an object" : t}`);
          }
        }
        return fn(...args);
      } catch (e) {
        const why = e && e.message ? e.message.split("\n")[0] : String(e);
        refusal.error = new BridgeError(`_baton.${name}: ${why}`);
        return null;
      }
    };
    // MicroPython's port calls a JavaScript method as `f.call(this, ...args)`: that alone,
    // without Function.prototype behind it.
    const viaCall = (_this, ...args) => call(...args);
    Object.setPrototypeOf(viaCall, null);
    Object.setPrototypeOf(call, null);
    Object.defineProperty(call, "call", { value: Object.freeze(viaCall) });
    sealed[name] = Object.freeze(call);
  }
  return Object.freeze(sealed);
}

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
  const refusal = { error: null };
  mp.registerJsModule("_baton", sealBridge(bridge, refusal));
  for (const [name, text] of Object.entries(pyFiles)) mp.FS.writeFile("/" + name, text);
  const runner = mp.pyimport("_runner");
  const step = mp.pyimport("asyncio")._step;
  const onResume = hooks.onResume;
  // A refused bridge call (see sealBridge) stops the run at the end of that turn: the
  // resume answers STOP (baton-py's `resume::STOP`) instead of the task's next state.
  const STOP = 3;
  const resume = (id) => {
    let answer;
    try {
      answer = step(id);
    } catch (e) {
      // A JavaScript exception that unwound through the interpreter (an operation on a
      // bridge function that JavaScript refuses, such as `f.new()`): MicroPython is not
      // to be trusted after it, so the run stops here and says what it was.
      refusal.error ??= new Error(escaped(e));
    }
    return refusal.error ? STOP : answer;
  };
  sim.set_resume(onResume ? (id) => { onResume(id); return resume(id); } : resume);
  // The first failure wins: what the interpreter answers after it is not to be trusted.
  const refused = () =>
    refusal.error instanceof BridgeError
      ? `code.py line 0: RuntimeError: ${refusal.error.message} (_baton is the board's inside: a program uses the board's modules)`
      : `code.py line 0: RuntimeError: ${refusal.error.message}`;
  const run = (source) => {
    try {
      const error = runner.run_program(source) || "";
      return refusal.error ? refused() : error;
    } catch (e) {
      refusal.error ??= new Error(escaped(e));
      return refused();
    }
  };
  return { sim, run };
}

/** Virtual time a headless run is granted at once, µs: its pace beats at least this often. */
const HEADLESS_STEP_US = 20_000;

/**
 * Runs `source` headless until `forMs`: `{ trace, error }`, or `{ error }` when `onTrace` takes
 * the trace as it comes: at each turn that has some, at each print, then the rest at the end (so
 * that a task that never awaits has shown all that came before its turn, and what it printed).
 * `beat(current)` is called at every turn and every 20 ms of virtual time (`current`: the Python
 * task resumed, its id + 1; 0 is code.py's top level), as the page's worker beats: a watcher
 * that sees no beat for 2 s knows a task runs without awaiting (cli.mjs). `onSpawn(id, name)`
 * hears of each task.
 */
export async function runPython({
  loadMicroPython, micropythonUrl, PySim, pyFiles, source, forMs, pollCostUs = 10, inputs = "",
  beat = () => {}, onSpawn, onTrace,
}) {
  let sim = null;
  let chunks = "";
  const flush = () => {
    const text = sim.take_trace();
    if (onTrace) onTrace(text);
    else chunks += text;
  };
  // Without a taker the trace is taken once, at the end.
  const maybeFlush = onTrace ? () => sim.has_trace() && flush() : () => {};
  let current = 0;
  const session = await createSession({
    loadMicroPython, micropythonUrl, PySim, pyFiles, forMs, pollCostUs, inputs,
    hooks: {
      onSpawn: onSpawn && ((id, name) => onSpawn(id, name)),
      onResume: (id) => {
        current = id + 1;
        beat(current);
        maybeFlush();
      },
      onPrint: maybeFlush,
    },
  });
  sim = session.sim;
  // Granted freely, a step at a time: the same run as without a pace, with a beat as its
  // clock moves (a blocking program has no turns).
  sim.set_pace((now, want) => {
    beat(current);
    maybeFlush();
    return Math.max(want, now + HEADLESS_STEP_US);
  });
  const error = session.run(source) || null;
  flush();
  sim.free();
  return onTrace ? { error } : { trace: chunks, error };
}
