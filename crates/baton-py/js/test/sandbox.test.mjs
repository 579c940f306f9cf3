// Code from a link reaches nothing but the board (issue 23, item 4), headless: each way a
// program could reach JavaScript — MicroPython's `js` and `jsffi`, the board's internals, a
// handle from the `_baton` bridge and what hangs off it — ends in a clear Python error on the
// line that tried; the bridge's functions lead nowhere and take only numbers, strings and
// bools. The page's worker adds a closed scope (worker.mjs): tests/e2e/sandbox.test.mjs.
//   node --no-concurrent-recompilation --test crates/baton-py/js/test/
// (needs target/baton-py/pkg: `cargo xtask run-python --build-only`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { bindings, loadMicroPython, pkg, pyFiles } from "./session.mjs";
import { createSession, sealBridge } from "../runner.mjs";

/** Runs `source` for 100 ms of virtual time: its error line ("" if none) and its prints. */
async function run(source) {
  const { sim, run } = await createSession({
    loadMicroPython, micropythonUrl: join(pkg, "micropython.wasm"), PySim: bindings.PySim, pyFiles, forMs: 100,
  });
  sim.set_pace((now, want) => want);
  const error = run(source);
  const prints = sim.take_trace().split("\n").filter(Boolean).map((l) => JSON.parse(l))
    .filter((e) => e.kind === "print").map((e) => e.text);
  sim.free();
  return { error, prints };
}

/** Where a program digs out a JavaScript function: a board module's `_baton`. */
const HANDLE = "import digitalio\nf = digitalio._baton.spawn\n";

// [what it tries, code.py, its error line]
const ESCAPES = [
  ["import js", "x = 1\nimport js\n", /^code\.py line 2: ImportError: no module named 'js' \(a program reaches only the board\)/],
  ["from js import fetch", "from js import fetch\n", /^code\.py line 1: ImportError: no module named 'js'/],
  ["import jsffi", "import jsffi\n", /^code\.py line 1: ImportError: no module named 'jsffi'/],
  ["__import__", "g = __import__('js')\n", /^code\.py line 1: ImportError: no module named 'js'/],
  ["exec", "exec('import jsffi')\n", /^code\.py line 1: ImportError: no module named 'jsffi'/],
  ["import _baton", "import _baton\n", /^code\.py line 1: ImportError: no module named '_baton'/],
  ["import builtins (to restore __import__)", "import builtins\n", /^code\.py line 1: ImportError: no module named 'builtins'/],
  ["a board internal again", "import sys\ndel sys.modules['_vtime']\nimport _vtime\n", /^code\.py line 3: ImportError: no module named '_vtime'/],
  ["constructor of a bridge function", `${HANDLE}F = f.constructor\n`, /^code\.py line 3: AttributeError: .*'constructor'/],
  ["constructor of the bridge", "import asyncio\nasyncio._baton.constructor\n", /^code\.py line 2: AttributeError: .*'constructor'/],
  ["constructor of a bridge function's call", `${HANDLE}f.call.constructor\n`, /^code\.py line 3: AttributeError: .*'constructor'/],
  ["bind", `${HANDLE}f.bind\n`, /^code\.py line 3: AttributeError: .*'bind'/],
  ["__proto__", `${HANDLE}f.__proto__\n`, /^code\.py line 3: AttributeError: .*'__proto__'/],
  ["new", `${HANDLE}f.new()\n`, /^code\.py line 0: RuntimeError: TypeError: _baton's functions are not constructors$/],
  ["a Python object to the bridge", "import digitalio\ndigitalio._baton.print([1])\n",
    /^code\.py line 0: RuntimeError: _baton\.print: the board takes numbers, strings and bools, not an object \(_baton is the board's inside/],
  // The scheduler's rules hold against a direct call: a sleep outside a task is refused with
  // its reason (it used to reach Baton's panic, "internal error: unreachable").
  ["a sleep outside a task, through the bridge", "import digitalio\ndigitalio._baton.sleep_until_tick(5)\n",
    /^code\.py line 0: .*_baton\.sleep_until_tick: only a task sleeps/],
];

for (const [what, source, expected] of ESCAPES) {
  test(`a program cannot reach JavaScript: ${what}`, async () => {
    const { error } = await run(source);
    assert.match(error, expected);
  });
}

test("the board's own modules still import their internals, after the program's first import", async () => {
  const { error, prints } = await run(
    "import time\nprint('a')\nimport asyncio, board, digitalio, keypad, neopixel\n" +
    "async def main():\n    await asyncio.sleep(0.01)\n    print(time.monotonic())\nasyncio.run(main())\n",
  );
  assert.equal(error, "");
  assert.equal(prints.length, 2);
  assert.equal(prints[0], "a");
  // 10 ms of sleep and the turns' poll costs.
  assert.ok(Number(prints[1]) >= 0.01 && Number(prints[1]) < 0.011, prints[1]);
});

/** code.py whose task, after its first sleep, runs `line`, then prints "still". */
const inTask = (line) =>
  `import asyncio, digitalio\nasync def t():\n    await asyncio.sleep(0.001)\n    ${line}\n    print("still")\n` +
  "async def main():\n    await asyncio.gather(t())\nasyncio.run(main())\n";

// Inside a task, a JavaScript exception would unwind through MicroPython's C frames and leave
// the interpreter answering garbage ("internal error: Infinity"): a refusal is kept instead, and
// the run stops at the end of that turn with it, having done nothing more.
for (const [what, line, expected] of [
  ["a refused bridge call", "digitalio._baton.output('ZZ')", /^code\.py line 0: RuntimeError: _baton\.output: unknown pin "ZZ".* \(_baton is the board's inside/],
  ["a scheduler run from a task", "digitalio._baton.run(0)", /^code\.py line 0: RuntimeError: _baton\.run: /],
  ["an operation JavaScript refuses", "digitalio._baton.spawn.new()", /^code\.py line 0: RuntimeError: TypeError: _baton's functions are not constructors$/],
  ["a store into the bridge", "digitalio._baton.x = 1", /^code\.py line 0: RuntimeError: TypeError: .*not extensible/],
]) {
  test(`inside a task, ${what} stops the run with its reason and nothing after it`, async () => {
    const { error, prints } = await run(inTask(line));
    assert.match(error, expected);
    assert.deepEqual(prints, []);
  });
}

// Every function of the bridge, called by a program with arguments it never gets from the
// board's modules, at the top level and in a task: the run either goes on (the call was
// harmless) or stops with a RuntimeError that names the function; never an internal error.
const HOSTILE = ["", "'ZZ', -1, 1e300", "float('nan'), 2**40"];
test("every bridge function, called with hostile arguments, answers or refuses clearly", async () => {
  const { BRIDGE } = await import("../runner.mjs");
  const failures = [];
  for (const name of BRIDGE) {
    for (const args of HOSTILE) {
      const call = `digitalio._baton.${name}(${args})`;
      for (const source of [`import digitalio\n${call}\nprint("after")\n`, inTask(call)]) {
        const { error } = await run(source);
        const clear = error === "" || /^code\.py line \d+: RuntimeError: _baton\.\w+: \S/.test(error) || /^code\.py line [1-9]\d*: \w+Error: /.test(error);
        if (!clear) failures.push(`${call}${source.includes("async") ? " (in a task)" : ""}: ${JSON.stringify(error)}`);
      }
    }
  }
  assert.deepEqual(failures, []);
});

test("the bridge's functions have no prototype chain and refuse objects", () => {
  let got = null;
  const refusal = { error: null };
  const bridge = sealBridge({ print: (line) => { got = line; } }, refusal);
  assert.equal(Object.getPrototypeOf(bridge), null);
  assert.ok(Object.isFrozen(bridge));
  for (const f of [bridge.print, bridge.print.call]) {
    assert.equal(Object.getPrototypeOf(f), null);
    assert.equal(f.constructor, undefined);
    assert.equal(f.apply, undefined);
    assert.equal(f.bind, undefined);
  }
  bridge.print.call(null, "hi");
  assert.equal(got, "hi");
  // Refused without throwing (see sealBridge): kept, and every later call refused too.
  assert.equal(bridge.print({}), null);
  assert.match(refusal.error.message, /^_baton\.print: the board takes numbers, strings and bools, not an object$/);
  bridge.print("later");
  assert.equal(got, "hi");
});
