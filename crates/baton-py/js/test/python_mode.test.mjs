// Python mode against the judge, exactly:
//   node --test crates/baton-py/js/test/
// (after `cargo xtask run-python --build-only`, which this runs when the
// bindings are missing; the judge's library is target/cp-asyncio or
// $BATON_CP_ASYNCIO, installed by `cargo xtask setup`).
//
// - the guide's 9 programs (tests/oracle/examples) at 7, 10 and 25 us per
//   poll, with the sample inputs for the button demos: run-python's trace
//   equals cpboard.py's, event for event (tests/oracle/exact.py);
// - the asyncio semantics programs (crates/baton-py/tests/programs) and the
//   judge's rule programs (tests/oracle/programs) equal their expected traces,
//   which are cpboard.py's (checked current too);
// - a Python error exits 2 with one line: `code.py line N: Type: message`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { EXAMPLES, ROOT as root, SAMPLE_INPUTS, assertExact, assertJudgeInstalled, judge, sh } from "../../../../tests/oracle/judge.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = process.env.BATON_PY_PKG || join(root, "target/baton-py/pkg");
const cli = join(here, "..", "cli.mjs");
const scratch = mkdtempSync(join(tmpdir(), "baton-py-test-"));
const COSTS = [7, 10, 25];

if (!["baton_py_bg.wasm", "micropython.mjs"].every((f) => existsSync(join(pkg, f)))) {
  const r = sh("cargo", ["xtask", "run-python", "--build-only"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  assert.equal(r.status, 0, "cargo xtask run-python --build-only failed");
}
assertJudgeInstalled();

// A run that has not finished after this long has hung: none takes more than a few seconds
// here. cli.mjs runs without V8's concurrent recompilation, because Node 20 can deadlock at
// exit with it (cli.mjs's header: once in about 800 runs here, after the whole trace was
// written). Should a run hang all the same, it is killed and run once more, loudly, and a
// second hang fails the test. A run that finishes is never retried: its trace is what is
// compared.
const HUNG_MS = 120_000;

function runPython(program, forMs, cost, inputs) {
  const args = ["--pkg", pkg, program, "--for-ms", String(forMs), "--poll-cost-us", String(cost)];
  if (inputs) args.push("--inputs", inputs);
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync(cli, args, { encoding: "utf8", maxBuffer: 1 << 30, timeout: HUNG_MS, killSignal: "SIGKILL" });
    const hung = r.error?.code === "ETIMEDOUT";
    if (!hung && r.error) throw r.error;
    if (!hung) return r;
    assert.ok(attempt < 2, `run-python hung twice (${HUNG_MS / 1000} s without finishing): ${cli} ${args.join(" ")}`);
    console.error(`# run-python hung (${HUNG_MS / 1000} s without finishing), killed and run again: ${cli} ${args.join(" ")}`);
  }
}

const GUIDE_MS = 3000;

for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith(".py")).sort()) {
  const id = basename(file, ".py");
  const inputs = SAMPLE_INPUTS[id];
  for (const cost of COSTS) {
    test(`guide ${id} at ${cost} us per poll equals the judge`, () => {
      const program = join(EXAMPLES, file);
      const ours = runPython(program, GUIDE_MS, cost, inputs);
      assert.equal(ours.status, 0, ours.stderr);
      assertExact(`${id}.cost${cost}`, judge(program, GUIDE_MS, cost, inputs), ours.stdout, GUIDE_MS * 1000);
    });
  }
}

// Programs with expected traces written by cpboard.py (make_expected.sh).
function expectedSuite(label, dir, forMs) {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".py")).sort()) {
    const name = basename(file, ".py");
    const program = join(dir, file);
    const inputsFile = join(dir, `${name}.inputs.jsonl`);
    const inputs = existsSync(inputsFile) ? inputsFile : undefined;
    for (const cost of COSTS) {
      test(`${label} ${name} at ${cost} us per poll equals its expected trace`, () => {
        const expected = readFileSync(join(dir, "expected", `${name}.cost${cost}.jsonl`), "utf8");
        assert.equal(judge(program, forMs, cost, inputs), expected,
          `${name}.cost${cost}.jsonl is not the judge's trace any more: run ${dir}/make_expected.sh`);
        const ours = runPython(program, forMs, cost, inputs);
        assert.equal(ours.status, 0, ours.stderr);
        assertExact(`${label}.${name}.cost${cost}`, expected, ours.stdout, forMs * 1000);
      });
    }
  }
}
expectedSuite("semantics", join(root, "crates/baton-py/tests/programs"), 2000);
expectedSuite("rule", join(root, "tests/oracle/programs"), 1000);

// CircuitPython's EventQueue has more than the judge's board models (get_into, len, truth,
// clear): a program that uses them has the trace of the same program written with get(),
// which the judge runs.
test("keypad's get_into, len, truth and clear behave as get() does on the judge's board", () => {
  const program = (drain) => [
    "import asyncio, board, keypad",
    "",
    "async def main():",
    "    keys = keypad.Keys((board.D3, board.D4), value_when_pressed=False)",
    ...(drain === "rich" ? ["    ev = keypad.Event()"] : []),
    "    for step in range(40):",
    "        await asyncio.sleep(0.01)",
    ...(drain === "rich"
      ? [
        "        if step == 21:",
        "            print('dropped', len(keys.events))",
        "            keys.events.clear()",
        "        print(step, len(keys.events), bool(keys.events))",
        "        while keys.events.get_into(ev):",
        "            print('key', ev.key_number, ev.pressed, ev.released)",
      ]
      : [
        "        if step == 21:",
        "            n = 0",
        "            while keys.events.get():",
        "                n += 1",
        "            print('dropped', n)",
        "        pending = []",
        "        while True:",
        "            e = keys.events.get()",
        "            if e is None:",
        "                break",
        "            pending.append(e)",
        "        print(step, len(pending), len(pending) > 0)",
        "        for e in pending:",
        "            print('key', e.key_number, e.pressed, e.released)",
      ]),
    "",
    "asyncio.run(main())",
    "",
  ].join("\n");
  const rich = join(scratch, "keypad_rich.py");
  const plain = join(scratch, "keypad_plain.py");
  writeFileSync(rich, program("rich"));
  writeFileSync(plain, program("plain"));
  const inputs = join(scratch, "keypad_rich.inputs.jsonl");
  writeFileSync(inputs, [
    [35, "D3", "press"], [75, "D3", "release"], [95, "D4", "press"], [130, "D4", "release"],
    [190, "D3", "press"], [205, "D4", "press"], [260, "D3", "release"], [330, "D4", "release"],
  ].map(([t, pin, action]) => JSON.stringify({ t_ms: t, pin, action })).join("\n") + "\n");
  const ours = runPython(rich, 500, 10, inputs);
  assert.equal(ours.status, 0, ours.stderr);
  assert.ok(ours.stdout.includes("dropped 1"), ours.stdout);
  assertExact("keypad.rich", judge(plain, 500, 10, inputs), ours.stdout, 500 * 1000);
});

test("an exception that ends a task is reported in the trace, and the others go on", () => {
  const ours = runPython(join(root, "crates/baton-py/tests/programs/task_exception.py"), 2000, 10);
  assert.equal(ours.status, 0, ours.stderr);
  const reports = ours.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.kind === "exception");
  assert.equal(reports.length, 1);
  assert.equal(reports[0].t_us, 6020); // at the task's extra turn, as the library reports it
  assert.match(reports[0].text, /^Traceback \(most recent call last\):\n/);
  assert.match(reports[0].text, /File "code.py", line 16, in crash\nValueError: boom$/);
});

test("random numbers are the same on every run (a share link replays exactly)", () => {
  const program = join(scratch, "random.py");
  writeFileSync(program, [
    "import asyncio",
    "import random",
    "",
    "async def main():",
    "    for _ in range(3):",
    "        await asyncio.sleep_ms(random.randint(1, 50))",
    "        print(random.getrandbits(30), random.random())",
    "",
    "asyncio.run(main())",
    "",
  ].join("\n"));
  const [a, b] = [runPython(program, 1000, 10), runPython(program, 1000, 10)];
  assert.equal(a.status, 0, a.stderr);
  assert.equal(a.stdout.split("\n").filter(Boolean).length, 3);
  assert.equal(a.stdout, b.stdout);
});

test("bad command-line numbers exit 1 with the reason, before anything runs", () => {
  const program = join(scratch, "bad-args.py");
  writeFileSync(program, "print('ran')\n");
  for (const [args, reason] of [
    [["--for-ms", "1e3"], "--for-ms: not a whole number: 1e3"],
    [["--for-ms", "99999999999999999999"], "--for-ms: 99999999999999999999 is too large (at most 86400000)"],
    [["--for-ms", "86400001"], "--for-ms: 86400001 is too large (at most 86400000)"],
    [["--for-ms", "10", "--poll-cost-us", "0x10"], "--poll-cost-us: not a whole number: 0x10"],
    [["--for-ms", "10", "--poll-cost-us", "1000001"], "--poll-cost-us: 1000001 is too large (at most 1000000)"],
  ]) {
    const r = spawnSync(cli, ["--pkg", pkg, program, ...args], { encoding: "utf8" });
    assert.equal(r.status, 1, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `run-python: ${reason}\n`);
  }
});

function errorCase(name, source, line, message, { printed = [] } = {}) {
  test(`a Python error exits 2: ${name}`, () => {
    const program = join(scratch, `${name}.py`);
    writeFileSync(program, source);
    const ours = runPython(program, 1000, 10);
    assert.equal(ours.status, 2, ours.stderr);
    assert.equal(ours.stderr, `code.py line ${line}: ${message}\n`);
    const prints = ours.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l))
      .filter((e) => e.kind === "print").map((e) => e.text);
    assert.deepEqual(prints, printed);
  });
}
errorCase("syntax", "import asyncio\n\nasync def main(:\n    pass\n", 3, "SyntaxError: invalid syntax");
errorCase("top level", "print('before')\nx = 1 / 0\n", 2, "ZeroDivisionError: divide by zero", { printed: ["before"] });
errorCase("in main", [
  "import asyncio",
  "",
  "async def helper(n):",
  "    await asyncio.sleep_ms(n)",
  "    raise ValueError('bad value %d' % n)",
  "",
  "async def main():",
  "    print('main starts')",
  "    await helper(3)",
  "",
  "asyncio.run(main())",
  "",
].join("\n"), 5, "ValueError: bad value 3", { printed: ["main starts"] });
// A module the board does not have fails on its import line, and the message lists those it has.
const BOARD_MODULES = "adafruit_ticks, analogio, asyncio, board, countio, digitalio, keypad, neopixel, pwmio, " +
  "rainbowio, rotaryio, supervisor, time";
errorCase("import", "import board\nimport busio\n", 2, `ImportError: no module named 'busio'; the board has ${BOARD_MODULES}`);
errorCase("from-import", "import asyncio\nimport board\nfrom audioio import AudioOut\n", 3,
  `ImportError: no module named 'audioio'; the board has ${BOARD_MODULES}`);
errorCase("import in main", [
  "import asyncio",
  "",
  "async def main():",
  "    print('main starts')",
  "    import displayio",
  "",
  "asyncio.run(main())",
  "",
].join("\n"), 5, `ImportError: no module named 'displayio'; the board has ${BOARD_MODULES}`, { printed: ["main starts"] });
errorCase("a duty cycle out of range", "import board\nimport pwmio\n\npwm = pwmio.PWMOut(board.D5)\npwm.duty_cycle = 70000\n", 5,
  "ValueError: duty_cycle must be 0-65535");
errorCase("a fixed frequency", "import board\nimport pwmio\n\npwm = pwmio.PWMOut(board.D5)\npwm.frequency = 1000\n", 5,
  "AttributeError: PWM frequency not writable when variable_frequency is False");
errorCase("no message", "raise RuntimeError()\n", 1, "RuntimeError");

// The judge's error (its exception's last line, and the program's line it names last), which
// cpboard.py reports by failing with a traceback.
function judgeError(program, forMs, cost) {
  const args = [join(root, "tests/oracle/cpboard.py"), program, "--cp-asyncio", process.env.BATON_CP_ASYNCIO || join(root, "target/cp-asyncio"),
    "--for-ms", String(forMs), "--poll-cost-us", String(cost)];
  const r = sh("python3", args);
  assert.notEqual(r.status, 0, `the judge ran ${program} without an error`);
  // The traceback: from its header to the exception's line, the first that is not indented
  // (Python's warnings about coroutines never awaited may follow it).
  const lines = r.stderr.split("\n");
  const from = lines.lastIndexOf("Traceback (most recent call last):");
  const end = lines.findIndex((l, i) => i > from && !l.startsWith(" "));
  const at = lines.slice(from, end).filter((l) => l.includes(`File "${program}", line `)).pop();
  return { line: Number(at.match(/line (\d+)/)[1]), last: lines[end].replace(/^cp_asyncio\.core\./, "") };
}

// A sleep of 2**28 ms or more: OverflowError at the sleep's line, as the judge's library raises it.
for (const [name, call] of [["sleep", "asyncio.sleep(268435.456)"], ["sleep_ms", "asyncio.sleep_ms(1 << 28)"],
  ["wait_for", "asyncio.wait_for(nap(), 300000)"]]) {
  test(`an uncaught ${name} of 2**28 ms is the judge's OverflowError, on its line`, () => {
    const program = join(scratch, `overflow-${name}.py`);
    writeFileSync(program, [
      "import asyncio",
      "",
      "async def nap():",
      "    await asyncio.sleep(1)",
      "",
      "async def main():",
      "    await asyncio.sleep_ms(3)",
      "    print('slept')",
      `    await ${call}`,
      "",
      "asyncio.run(main())",
      "",
    ].join("\n"));
    const judged = judgeError(program, 1000, 10);
    assert.equal(judged.last, "OverflowError: ticks interval overflow");
    const ours = runPython(program, 1000, 10);
    assert.equal(ours.status, 2, ours.stderr);
    assert.equal(ours.stderr, `code.py line ${judged.line}: ${judged.last}\n`);
  });
}

// An input script with a mistake in an analog or turn line: run-python names it and runs nothing.
for (const [line, reason] of [
  ['{"t_ms": 300, "pin": "A1", "action": "analog", "value": 65536}', "value must be a whole number from 0 to 65535, not 65536"],
  ['{"t_ms": 300, "pin": "A1", "action": "analog", "value": -3}', "value must be a whole number from 0 to 65535, not -3"],
  ['{"t_ms": 900, "pin": "D8", "action": "turn", "steps": 1.5}', "steps must be a whole number from -1000000 to 1000000, not 1.5"],
  ['{"t_ms": 900, "pin": "D8", "action": "turn"}', "missing field steps"],
  ['{"t_ms": 900, "pin": "D8", "action": "spin", "steps": 1}', 'action must be "press", "release", "analog" or "turn", not "spin"'],
]) {
  test(`a bad input line is refused with its reason: ${reason}`, () => {
    const program = join(scratch, "bad-inputs.py");
    writeFileSync(program, "print('ran')\n");
    const inputs = join(scratch, "bad-inputs.jsonl");
    writeFileSync(inputs, `{"t_ms": 1, "pin": "D3", "action": "press"}\n${line}\n`);
    const r = runPython(program, 100, 10, inputs);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, `run-python: inputs: line 2: ${reason}\n`);
  });
}
// The port's frozen micropython-lib modules are taken out (tools/web/slim-micropython.mjs): as
// on a CircuitPython board, they are not there to import.
errorCase("a frozen micropython-lib module", "import datetime\n", 1,
  `ImportError: no module named 'datetime'; the board has ${BOARD_MODULES}`);
// The playground draws every pixel: a strip is 1 to 256 pixels, as in the Rust demos.
errorCase("too many pixels", "import board\nimport neopixel\n\npixels = neopixel.NeoPixel(board.A0, 100000)\n", 4,
  "ValueError: the virtual board has room for 1 to 256 pixels, not 100000");

// A task that never awaits: stopped after 2 s of wall time, as the page stops it, with the
// page's message, after all the trace that came before its turn and what it printed in it.
// What came before is the judge's: the same program, with `return` for the endless loop.
function runawayCase(name, lines, who) {
  test(`a program that never awaits is stopped: ${name}`, () => {
    const base = join(scratch, `runaway-${name.replace(/\W+/g, "-")}`);
    writeFileSync(`${base}.py`, lines.join("\n").replace("SPIN", "while True:\n        pass"));
    writeFileSync(`${base}.ends.py`, lines.join("\n").replace("SPIN", "return"));
    const t0 = Date.now();
    const ours = runPython(`${base}.py`, 1000, 10);
    assert.equal(ours.status, 2, ours.stderr);
    assert.equal(ours.stderr, `${who} has run 2 s without awaiting — on a board every other task would be stuck. The program was stopped.\n`);
    assert.ok(Date.now() - t0 < 30_000, "stopped long after 2 s");
    const events = ours.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l));
    const spunAt = events.findLast((e) => e.kind === "print").t_us;
    assertExact(`runaway ${name}`, judge(`${base}.ends.py`, 1000, 10), ours.stdout, spunAt);
    assert.ok(events.every((e) => e.t_us <= spunAt), "nothing after the turn that spun");
  });
}
runawayCase("a task", [
  "import asyncio",
  "import board",
  "import digitalio",
  "",
  "async def blink(led):",
  "    while True:",
  "        led.value = not led.value",
  "        await asyncio.sleep(0.001)",
  "",
  "async def spin():",
  "    await asyncio.sleep(0.0055)",
  "    print('spinning')",
  "    SPIN",
  "",
  "async def main():",
  "    led = digitalio.DigitalInOut(board.D1)",
  "    led.switch_to_output()",
  "    asyncio.create_task(blink(led))",
  "    await asyncio.create_task(spin())",
  "",
  "asyncio.run(main())",
  "",
], "task `spin`");
runawayCase("the top level", [
  "import board",
  "import digitalio",
  "",
  "def main():",
  "    led = digitalio.DigitalInOut(board.D1)",
  "    led.switch_to_output(True)",
  "    print('before')",
  "    SPIN",
  "",
  "main()",
  "",
], "code.py's top level");

// The slimmed port (tools/web/slim-micropython.mjs) has no frozen modules and an empty pool for
// their interned strings. Names that were among those strings (isoformat, fromordinal, weekday,
// Monday, …) are interned anew, and the C modules (collections, json, re, struct, math) work:
// the trace equals the judge's.
test("names the frozen modules interned, and the C modules, work in the slimmed port", () => {
  const program = join(scratch, "frozen-names.py");
  writeFileSync(program, [
    "import asyncio",
    "import collections",
    "import json",
    "import math",
    "import re",
    "import struct",
    "",
    "Day = collections.namedtuple('Day', ['weekday', 'isoformat'])",
    "",
    "class Calendar:",
    "    def fromordinal(self, n):",
    "        return Day(n % 7, 'Monday' if n % 7 == 0 else 'Tuesday')",
    "",
    "async def main():",
    "    cal = Calendar()",
    "    for n in (7, 8):",
    "        day = getattr(cal, 'fromordinal')(n)",
    "        print(day.weekday, day.isoformat, hasattr(day, 'isoformat'))",
    "        await asyncio.sleep_ms(3)",
    "    print(json.dumps([1, 'timetuple', None]), json.loads('[2, \"utcoffset\"]'))",
    "    print(re.match(r'(\\w+)day', 'Wednesday').group(1), struct.pack('<HB', 258, 3))",
    "    print(math.sqrt(2), '{:>8}|{:<6}|'.format('strftime', 'tzname'))",
    "",
    "asyncio.run(main())",
    "",
  ].join("\n"));
  const ours = runPython(program, 100, 10);
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stdout.split("\n").filter((l) => l.includes('"print"')).length, 5, ours.stdout);
  assertExact("frozen-names", judge(program, 100, 10), ours.stdout, 100_000);
});

test("a long run that keeps the clock moving is not stopped (a blocking program: no turns)", () => {
  const ours = runPython(join(EXAMPLES, "blink-polling.py"), 8000, 10);
  assert.equal(ours.status, 0, ours.stderr);
  assert.ok(ours.stdout.split("\n").filter(Boolean).length > 30);
});

// Random programs (crates/baton-py/tests/random_programs.py: tasks that sleep, wait for events,
// hold locks, cancel one another, gather and time out), each against the judge.
for (let seed = 1; seed <= 24; seed++) {
  const cost = COSTS[seed % COSTS.length];
  test(`random program ${seed} at ${cost} us per poll equals the judge`, () => {
    const program = join(scratch, `random-${seed}.py`);
    const gen = sh("python3", [join(root, "crates/baton-py/tests/random_programs.py"), String(seed)]);
    assert.equal(gen.status, 0, gen.stderr);
    writeFileSync(program, gen.stdout);
    const ours = runPython(program, 300, cost);
    assert.equal(ours.status, 0, ours.stderr);
    assertExact(`random-${seed}.cost${cost}`, judge(program, 300, cost), ours.stdout, 300_000);
  });
}

// Random board programs and their inputs (crates/baton-py/tests/random_board_programs.py:
// LEDs, buttons read through digitalio, keypad and countio, NeoPixels and colorwheel, PWM
// outputs, potentiometers and knobs, ticks, blocking and polling waits), each against the
// judge. These seeds have keypad events, counts and pixels; 20, 70, 77, 84 and 95 PWM changes,
// readings and turns; 400 seeds were equal by hand (see the generator's header).
for (const seed of [1, 3, 17, 50, 65, 127, 198, 390, 20, 70, 77, 84, 95]) {
  const cost = COSTS[seed % COSTS.length];
  test(`random board program ${seed} at ${cost} us per poll equals the judge`, () => {
    const gen = (...args) => {
      const r = sh("python3", [join(root, "crates/baton-py/tests/random_board_programs.py"), String(seed), ...args]);
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const program = join(scratch, `board-${seed}.py`);
    const inputs = join(scratch, `board-${seed}.inputs.jsonl`);
    writeFileSync(program, gen());
    writeFileSync(inputs, gen("--inputs"));
    const ours = runPython(program, 400, cost, inputs);
    assert.equal(ours.status, 0, ours.stderr);
    assertExact(`board-${seed}.cost${cost}`, judge(program, 400, cost, inputs), ours.stdout, 400_000);
  });
}
