// The guide's blocking Rust demos as the playground's worker runs them (baton-demo-sim's DemoSim,
// its board paced in small steps as the page paces it), against the judge: cpboard.py
// running the guide's code.py with CircuitPython's asyncio library. From the repository root:
//   node --test crates/baton-py/js/test/
// (needs target/baton-py/pkg: `cargo xtask run-python --build-only`, which this runs when
// it is missing).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { EXAMPLES, ROOT as root, assertExact, assertJudgeInstalled, judge, sh } from "../../../../tests/oracle/judge.mjs";

const pkg = process.env.BATON_PY_PKG || join(root, "target/baton-py/pkg");
if (!existsSync(join(pkg, "baton_demo_sim_bg.wasm"))) {
  const r = sh("cargo", ["xtask", "run-python", "--build-only"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  assert.equal(r.status, 0, "cargo xtask run-python --build-only failed");
}
assertJudgeInstalled();
const { initSync, DemoSim } = await import(pathToFileURL(join(pkg, "baton_demo_sim.js")).href);
initSync({ module: readFileSync(join(pkg, "baton_demo_sim_bg.wasm")) });

/** Runs `demo` with its pace granting `stepUs` at a time; the trace, the turns and the pace's calls. */
function paced(demo, params, cost, stepUs) {
  const sim = new DemoSim(demo, params, cost);
  let calls = 0;
  let trace = "";
  let turns = [];
  sim.set_pace((now, want) => {
    assert.ok(want > now);
    calls++;
    // As the worker does: take the trace while waiting.
    trace += sim.take_trace();
    turns = turns.concat([...sim.take_turns()]);
    return now + stepUs;
  });
  assert.equal(sim.run(), 0, "the program is over");
  trace += sim.take_trace();
  turns = turns.concat([...sim.take_turns()]);
  const names = sim.take_names();
  sim.free();
  return { trace, turns, names, calls };
}

for (const demo of ["blink-blocking", "blink-polling"]) {
  for (const cost of [7, 10, 25]) {
    test(`${demo}, paced in 20 ms steps inside its one poll, equals the judge (${cost} us a poll)`, () => {
      const { trace, turns, names, calls } = paced(demo, "", cost, 20_000);
      assert.ok(calls > 200, `the pace was asked ${calls} times`);
      assertExact(`demo.${demo}.cost${cost}`, judge(join(EXAMPLES, `${demo}.py`), 6000, cost), trace, 6_000_000);
      // One turn, main's: the whole program (it never calls asyncio.run: no poll cost),
      // reported as running while it was under way (state 1), and as done at its end.
      const all = [];
      for (let i = 0; i < turns.length; i += 5) all.push(turns.slice(i, i + 5));
      const closed = all.filter((t) => t[3] !== 1);
      assert.equal(closed.length, 1);
      const [start, end, task] = closed[0];
      assert.equal(start, 0);
      assert.ok(end > 4_000_000, `main's poll ended at ${end} us`);
      const open = all.filter((t) => t[3] === 1);
      assert.ok(open.length > 100 && open.every((t) => t[0] === 0 && t[2] === task && t[1] <= end), "running, as it ran");
      assert.equal(names, `${task} main`);
    });
  }
}

test("a demo's parameters are those of a link, and a bad one is refused with its reason", () => {
  const { trace } = paced("blink-polling", "interval1=0.5&count1=2", 10, 50_000);
  const d1 = trace.split("\n").filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.pin === "D1");
  // Set up off, then 2 blinks (4 changes) about 0.5 s apart.
  assert.equal(d1.length, 5, JSON.stringify(d1));
  assert.ok(d1[1].t_us > 500_000 && d1[1].t_us < 501_000, JSON.stringify(d1[1]));
  // Two pins swapped are taken together, as a link's parameters are.
  const swapped = paced("blink-polling", "led1=D2&led2=D1", 10, 50_000).trace;
  assert.ok(swapped.includes('"pin": "D2"') && swapped.includes('"pin": "D1"'));
  assert.throws(() => new DemoSim("blink-polling", "interval1=0", 10), /interval1|greater|more than|above/i);
  assert.throws(() => new DemoSim("blink-polling", "nonsense", 10), /key=value/);
  assert.throws(() => new DemoSim("no-such-demo", "", 10), /no-such-demo/);
  assert.throws(() => new DemoSim("blink-one", "", 10), /awaits/);
});
