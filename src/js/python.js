// The worker's edge, in JavaScript (workers, shared memory and dynamic imports are
// easiest here): start a run's worker (Python mode, or a Rust demo that blocks) and talk to
// it through shared memory, and load Python mode's editor. Everything comes from python/ beside the page, staged by `cargo xtask`,
// and is fetched only when Python mode opens. The layout of the shared memory is
// documented in crates/baton-py/js/worker.mjs.

const SEQ = 0, STOP = 1, HEARTBEAT = 2, CURRENT = 3, WAITING = 4, INPUTS_WRITTEN = 5, INPUTS_READ = 6;
const SLOTS = 64, SLOT_BYTES = 16;

const here = (file) => new URL(`python/${file}`, document.baseURI).href;

// A run in a worker: `kind` "python" (`text` is the code.py) or "demo" (`text` is the id of
// one of the guide's blocking Rust demos, `params` its changed parameters, `k=v&…`).
export class WorkerRun {
  // Throws (with a message for the page) when the page is not cross-origin isolated: the
  // service worker (www/sw.js) isolates it after one reload, where there is one (https or
  // localhost).
  constructor(kind, text, params, pollCostUs, bounceUs, bounceCount, inputs, onMessage) {
    if (!crossOriginIsolated) {
      throw new Error(
        "Python mode needs a cross-origin isolated page — on https or localhost the page's service " +
          "worker makes it one (it reloads once); elsewhere the server must send " +
          "Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp",
      );
    }
    this.shared = new SharedArrayBuffer(128 + SLOTS * SLOT_BYTES);
    this.f64 = new Float64Array(this.shared, 0, 3);
    this.i32 = new Int32Array(this.shared, 64, 8);
    this.ring = new Uint8Array(this.shared, 128, SLOTS * SLOT_BYTES);
    this.worker = new Worker(here("worker.mjs"), { type: "module", name: kind === "demo" ? text : "code.py" });
    this.worker.onmessage = (e) => {
      // When it stopped: the worker wrote its time before it said. Anything else the page
      // checks and refuses (src/remote/wire.rs).
      if (e.data?.type === "error") e.data.t_us = this.f64[1];
      // The browser tests compare the whole trace with the judge's: they set this list.
      globalThis.batonTraceLog?.push(e.data);
      onMessage(e.data);
    };
    // A message that could not even be read (not cloneable here) is refused as well.
    this.worker.onmessageerror = () => onMessage({ type: "unreadable" });
    const why = (e) => e.message || "worker error";
    this.worker.onerror = (e) =>
      onMessage({
        type: "error",
        text: kind === "demo" ? `the worker could not run ${text}: ${why(e)}` : `code.py line 0: Python mode could not start: ${why(e)}`,
      });
    const bounce = bounceCount > 0 ? { durationUs: bounceUs, count: bounceCount } : null;
    const program = kind === "demo" ? { kind, demo: text, params } : { kind: "python", source: text };
    this.worker.postMessage({ type: "start", program, pollCostUs, bounce, inputs, shared: this.shared });
  }

  bump() {
    Atomics.add(this.i32, SEQ, 1);
    Atomics.notify(this.i32, SEQ);
  }

  // Lets virtual time run up to creditUs.
  grant(creditUs) {
    if (creditUs > this.f64[0]) {
      this.f64[0] = creditUs;
      this.bump();
    }
  }

  // Queues an input (`code` 1 pressed, 0 released, 2 a reading, 3 a turn, with its `value`);
  // false when the queue is full (64 unread inputs).
  input(pin, code, value) {
    const written = this.i32[INPUTS_WRITTEN];
    if (written - Atomics.load(this.i32, INPUTS_READ) >= SLOTS) return false;
    const at = (written % SLOTS) * SLOT_BYTES;
    this.ring.fill(0, at, at + SLOT_BYTES);
    for (let k = 0; k < Math.min(8, pin.length); k++) this.ring[at + k] = pin.charCodeAt(k) & 0x7f;
    this.ring[at + 8] = code;
    new DataView(this.shared, 128).setInt32(at + 12, value, true);
    Atomics.store(this.i32, INPUTS_WRITTEN, written + 1);
    this.bump();
    return true;
  }

  nowUs() { return this.f64[1]; }
  wantUs() { return this.f64[2]; }
  heartbeat() { return Atomics.load(this.i32, HEARTBEAT); }
  waiting() { return Atomics.load(this.i32, WAITING) === 1; }
  current() { return Atomics.load(this.i32, CURRENT); }

  stop() {
    Atomics.store(this.i32, STOP, 1);
    this.bump();
    this.worker.terminate();
  }
}

// Loads the editor (prism-code-editor, bundled) and mounts it in `parent`.
export async function mountEditor(parent, doc, onChange) {
  const { createEditor } = await import(here("editor.js"));
  const editor = createEditor(parent, { doc, onChange, label: "code.py" });
  // For the browser tests (and the curious): the host element's `batonEditor.getText()`.
  parent.batonEditor = editor;
  return editor;
}
