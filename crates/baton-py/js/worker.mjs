// Python mode in the page: a Web Worker that holds the interpreter and the
// simulation, so that a task that never awaits cannot freeze the page (the
// page stops this worker from outside; see src/python/ in the playground).
//
// The program runs synchronously here, exactly as headless (runner.mjs), with
// one difference: virtual time may only move as far as the page allows. Each
// time the simulation is about to pass the horizon granted last, it calls
// `pace`, which sends the trace so far, takes the presses clicked since, and
// waits (Atomics.wait) until the page grants more time. So the page and the
// worker share a small SharedArrayBuffer (the page must be cross-origin
// isolated; `cargo xtask serve` sends the headers):
//
//   bytes   0..24   Float64 [credit_us (page), now_us, want_us (worker)]
//   bytes  64..92   Int32   [seq, stop, heartbeat, current, waiting,
//                            inputs_written, inputs_read]
//   bytes 128..1152 64 input slots of 16 bytes: pin name (ASCII, NUL-padded,
//                   8 bytes), then 1 pressed / 0 released / 2 a potentiometer's
//                   reading / 3 a knob's turn, and at bytes 12..16 the reading
//                   (0-65535) or the detents turned (Int32, little-endian)
//
// The page bumps `seq` and notifies it after any change. `heartbeat` moves at
// every turn and every pace; `want_us` is how far the worker asked to go
// (the page's Step grants exactly that); `current` is the Python task being resumed (its
// id + 1; 0 is code.py's top level); `waiting` is 1 while the worker waits for
// the page. A heartbeat that stands still for 2 s while not waiting is a task
// that runs without awaiting.
//
// The program is `{kind: "python", source}` (a code.py) or `{kind: "demo", demo, params}`:
// one of the guide's Rust demos that block (one poll is the whole program), which would
// hold the page's thread for as long as it runs, on baton-demo-sim's DemoSim. Each kind
// imports only its own modules: a demo loads neither MicroPython nor the Python bridge.
//
// Messages to the page: {type: "ready"} once loaded; {type: "spawn", id, task,
// name} (Python's id, Baton's; a demo's tasks have one id); {type: "trace", events, parts, inputs, turns}
// (the trace's events as objects, `pwm` ones included; new board parts, one a line: `led D1`,
// `button D3`, `pixels A0 24`, `pwm D5`, `analog A1`, `encoder D8 D9`; the inputs as
// scheduled: presses {t_us, pin, pressed}, readings {t_us, pin, action: "analog", value} and
// turns {t_us, pin, action: "turn", steps}; and the turns of the tasks as a Float64Array,
// PySim::take_turns); and at the end {type: "done", t_us} or
// {type: "error", text} (`code.py line N: Type: message`).

export const SEQ = 0, STOP = 1, HEARTBEAT = 2, CURRENT = 3, WAITING = 4, INPUTS_WRITTEN = 5, INPUTS_READ = 6;
export const SLOTS = 64, SLOT_BYTES = 16;
/** The most virtual time granted at once, µs (see `pace`). */
const STEP_US = 20_000;
/** The trace goes to the page at most this often while running, ms of wall time. */
const FLUSH_MS = 15;
/** The shortest press, virtual µs (the playground's MIN_HOLD_US): keypad scans every 20 ms. */
const MIN_HOLD_US = 50_000;

let started = false;

// The runner's own line to the page, kept here before `closeScope` takes `postMessage` away
// from everything else in this worker.
const toPage = self.postMessage.bind(self);

/**
 * What a program must not reach in this worker's globals, were it ever to hold a JavaScript
 * handle (the runner gives it none: see `sealBridge` and `_runner.py`'s import guard): the
 * network, the origin's storage, other workers, the page, and every way to make new
 * JavaScript from a string (which could `import()` from anywhere).
 */
const CLOSED = [
  "fetch", "fetchLater", "XMLHttpRequest", "WebSocket", "WebSocketStream", "WebTransport", "EventSource",
  "Worker", "SharedWorker", "importScripts", "caches", "indexedDB", "cookieStore", "storageBuckets",
  "postMessage", "BroadcastChannel", "eval", "Function", "setTimeout", "setInterval",
];
/** The same on the worker's `navigator`. */
const CLOSED_NAVIGATOR = ["serviceWorker", "storage", "locks", "permissions", "sendBeacon"];

/** Takes `name` off `obj` and its prototypes; throws if it is still there (fail closed). */
function close(obj, name) {
  for (let o = obj; o; o = Object.getPrototypeOf(o)) {
    if (Object.hasOwn(o, name) && !delete o[name]) {
      Object.defineProperty(o, name, { value: undefined });
    }
  }
  if (obj[name] !== undefined) throw new Error(`the sandbox could not close ${name}`);
}

/**
 * Closes the worker's scope once everything the run needs is loaded (the runner keeps
 * `toPage`): the names in CLOSED and CLOSED_NAVIGATOR, and the `constructor` of every kind of
 * function, the other ways to `Function` and its async and generator kin.
 */
function closeScope() {
  for (const name of CLOSED) close(self, name);
  for (const name of CLOSED_NAVIGATOR) close(self.navigator, name);
  const kinds = [function () {}, async function () {}, function* () {}, async function* () {}];
  for (const f of kinds) {
    Object.defineProperty(Object.getPrototypeOf(f), "constructor", { value: undefined });
  }
}

self.onmessage = (e) => {
  if (e.data?.type === "start" && !started) {
    started = true;
    const program = e.data.program ?? {};
    start(e.data).catch((err) => {
      const why = err?.message ?? err;
      post({ type: "error", text: program.kind === "demo" ? `${program.demo}: ${why}` : `code.py line 0: internal error: ${why}` });
    });
  }
};

function post(msg, transfer) {
  toPage(msg, transfer);
}

/** A code.py on MicroPython and PySim: `{ sim, run }`, `run()` answers "" or the error line. */
async function pythonSession(source, pollCostUs, i32, onPrint) {
  const [bindings, { loadMicroPython }, { createSession }, { default: pyFiles }] = await Promise.all([
    import("./baton_py.js"),
    import("./micropython.mjs"),
    import("./runner.mjs"),
    import("./pyfiles.js"),
  ]);
  await bindings.default({ module_or_path: new URL("./baton_py_bg.wasm", import.meta.url) });
  const PySim = bindings.PySim;
  const { sim, run } = await createSession({
    loadMicroPython,
    micropythonUrl: new URL("./micropython.wasm", import.meta.url).href,
    PySim,
    pyFiles,
    forMs: 1e12, // no end: the page stops the run
    pollCostUs,
    hooks: {
      onSpawn: (id, name, task) => post({ type: "spawn", id, task, name }),
      onResume: (id) => {
        i32[HEARTBEAT]++;
        i32[CURRENT] = id + 1;
      },
      onPrint,
    },
  });
  sim.set_task_events(true);
  return { sim, run: () => run(source) };
}

/**
 * A blocking Rust demo on DemoSim (a bad demo or parameter throws, with its reason), or, as
 * demo "your-program", your own crate's `main` from ../program/, which `cargo xtask serve
 * --program` builds (xtask/src/program.rs): its manifest names the build to load (never an old
 * copy from a cache), or holds the errors of a build that failed.
 */
async function demoSession(demo, params, pollCostUs) {
  let [module, query] = ["./baton_demo_sim", ""];
  if (demo === "your-program") {
    const res = await fetch(new URL("../program/program.txt", import.meta.url), { cache: "no-store" });
    const [name, version, ...errors] = res.ok ? (await res.text()).split("\n") : [];
    if (!name) throw new Error("no program here: serve one with cargo xtask serve --program PATH");
    if (errors.join("").trim()) throw new Error(errors.join("\n").trim());
    [module, query] = ["../program/baton_program", "?v=" + version];
  }
  const bindings = await import(`${module}.js${query}`);
  await bindings.default({ module_or_path: new URL(`${module}_bg.wasm${query}`, import.meta.url) });
  const sim = query ? bindings.program(pollCostUs) : new bindings.DemoSim(demo, params, pollCostUs);
  return {
    sim,
    run: () => {
      sim.run();
      return "";
    },
  };
}

async function start({ program, pollCostUs, bounce, inputs, shared }) {
  const f64 = new Float64Array(shared, 0, 3);
  const i32 = new Int32Array(shared, 64, 8);
  const ring = new Uint8Array(shared, 128, SLOTS * SLOT_BYTES);
  const ringView = new DataView(shared, 128, SLOTS * SLOT_BYTES);
  const { sim, run } =
    program.kind === "demo"
      ? await demoSession(program.demo, program.params, pollCostUs)
      : // A program that prints without ever letting time pass (a runaway loop) is
        // stopped by the page; what it printed until then still reaches the console.
        await pythonSession(program.source, pollCostUs, i32, () => {
          if (performance.now() - flushed >= FLUSH_MS) flush();
        });
  // The bounce first: it applies to the replayed presses as they are scheduled.
  if (bounce) sim.set_bounce(bounce.durationUs, bounce.count);
  sim.schedule(inputs);

  const pressedAt = new Map();
  let granted = 0;
  let scheduled = [];
  let flushed = 0;
  const flush = () => {
    flushed = performance.now();
    const text = sim.take_trace().trim();
    // A demo's tasks are named as its turns come in (a Python task when it is created).
    for (const line of sim.take_names?.().split("\n") ?? []) {
      const space = line.indexOf(" ");
      if (space > 0) {
        const task = Number(line.slice(0, space));
        post({ type: "spawn", id: task, task, name: line.slice(space + 1) });
      }
    }
    const parts = sim.take_parts();
    const turns = sim.take_turns();
    if (text || parts || scheduled.length || turns.length) {
      // Parsed here, off the page's thread (and its wasm needs no JSON reader).
      const events = text ? text.split("\n").map((line) => JSON.parse(line)) : [];
      post({ type: "trace", events, parts, inputs: scheduled, turns }, [turns.buffer]);
      scheduled = [];
    }
  };
  const takeInputs = () => {
    let read = i32[INPUTS_READ];
    const written = Atomics.load(i32, INPUTS_WRITTEN);
    let any = false;
    for (; read < written; read++) {
      const at = (read % SLOTS) * SLOT_BYTES;
      let pin = "";
      for (let k = 0; k < 8 && ring[at + k]; k++) pin += String.fromCharCode(ring[at + k]);
      const code = ring[at + 8];
      const pressed = code === 1;
      const level = ringView.getInt32(at + 12, true);
      try {
        if (code === 2) {
          scheduled.push({ t_us: sim.analog_input(pin, level, 0), pin, action: "analog", value: level });
        } else if (code === 3) {
          scheduled.push({ t_us: sim.turn_input(pin, level, 0), pin, action: "turn", steps: level });
        } else {
          // A release comes no sooner than MIN_HOLD_US after its press.
          const notBefore = pressed ? 0 : (pressedAt.get(pin) ?? -MIN_HOLD_US) + MIN_HOLD_US;
          const t_us = sim.input(pin, pressed, notBefore);
          if (pressed) pressedAt.set(pin, t_us);
          scheduled.push({ t_us, pin, pressed });
        }
        any = true;
      } catch {
        // Not a pin of the board, a reading out of range, or a demo (no potentiometer or
        // knob): nothing happens.
      }
    }
    Atomics.store(i32, INPUTS_READ, read);
    return any;
  };
  sim.set_pace((now, want) => {
    f64[1] = now;
    f64[2] = want;
    i32[HEARTBEAT]++;
    for (;;) {
      const seq = Atomics.load(i32, SEQ);
      if (Atomics.load(i32, STOP)) return 0;
      if (takeInputs()) {
        // Look again from 1 µs on, where the first press lands.
        flush();
        granted = now + 1;
        return granted;
      }
      // Never more than STEP_US at once, so that the page sees the time and
      // the events at least every frame or so, even at 100x.
      const credit = Math.min(f64[0], now + STEP_US);
      // All the way, or at least further than last time (a long sleep moves
      // in steps); the same horizon again would only ask again.
      if (credit >= want || credit > granted) {
        if (performance.now() - flushed >= FLUSH_MS) flush();
        granted = credit;
        return credit;
      }
      flush();
      Atomics.store(i32, WAITING, 1);
      Atomics.wait(i32, SEQ, seq, 250);
      Atomics.store(i32, WAITING, 0);
      i32[HEARTBEAT]++;
    }
  });
  closeScope();
  post({ type: "ready" });
  const error = run();
  f64[1] = sim.now_us();
  flush();
  Atomics.store(i32, WAITING, 1);
  post(error ? { type: "error", text: error } : { type: "done", t_us: sim.now_us() });
}
