// The page's way in for a potentiometer and a knob, headless: PySim's `schedule` (a recording
// replayed) and `analog_input` / `turn_input` (the slider and the knob, as the worker calls
// them between two paces), each run against the judge given the same readings and turns as an
// input script. From the repository root:
//   node --no-concurrent-recompilation --test crates/baton-py/js/test/
// (needs target/baton-py/pkg: `cargo xtask run-python --build-only`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT as root, assertExact, assertJudgeInstalled, judge } from "../../../../tests/oracle/judge.mjs";
import { bindings, loadMicroPython, pkg, pyFiles } from "./session.mjs";
import { createSession } from "../runner.mjs";

assertJudgeInstalled();
const programs = join(root, "crates/baton-py/tests/programs");
const scratch = mkdtempSync(join(tmpdir(), "baton-py-page-"));

/** Runs `source` for `forMs` as the worker does, paced 20 ms at a time; `onPace(sim, now)` is
 * called at every pace, where the worker takes the page's inputs. The trace. */
async function paced(source, forMs, cost, { script = "", onPace = () => {} } = {}) {
  const { sim, run } = await createSession({
    loadMicroPython, micropythonUrl: join(pkg, "micropython.wasm"), PySim: bindings.PySim, pyFiles,
    forMs, pollCostUs: cost,
  });
  sim.schedule(script);
  let trace = "";
  sim.set_pace((now) => {
    trace += sim.take_trace();
    onPace(sim, now);
    return now + 20_000;
  });
  assert.equal(run(source), "");
  trace += sim.take_trace();
  sim.free();
  return trace;
}

for (const name of ["knob", "pot_blink"]) {
  test(`${name}'s inputs replayed through schedule() (a recording) give the judge's trace`, async () => {
    const script = readFileSync(join(programs, `${name}.inputs.jsonl`), "utf8");
    const ours = await paced(readFileSync(join(programs, `${name}.py`), "utf8"), 2000, 10, { script });
    const expected = readFileSync(join(programs, "expected", `${name}.cost10.jsonl`), "utf8");
    assertExact(`page.${name}`, expected, ours, 2_000_000);
  });
}

test("the page's slider and knob, moved while the program runs, give the judge's trace of the same script", async () => {
  const source = [
    "import asyncio",
    "import analogio",
    "import board",
    "import pwmio",
    "import rotaryio",
    "",
    "async def main():",
    "    pot = analogio.AnalogIn(board.A1)",
    "    knob = rotaryio.IncrementalEncoder(board.D8, board.D9)",
    "    led = pwmio.PWMOut(board.D5)",
    "    seen = None",
    "    while True:",
    "        now = (pot.value, knob.position)",
    "        if now != seen:",
    "            seen = now",
    "            led.duty_cycle = now[0]",
    "            print('pot', now[0], 'knob', now[1])",
    "        await asyncio.sleep_ms(3)",
    "",
    "asyncio.run(main())",
    "",
  ].join("\n");
  const moves = [[100_000, "analog", 30000], [200_000, "turn", 2], [200_000, "turn", -1], [350_000, "analog", 65535],
    [420_000, "turn", 5]];
  const recorded = [];
  let parts = "";
  const ours = await paced(source, 600, 10, {
    onPace: (sim, now) => {
      parts += sim.take_parts() + "\n";
      while (moves.length && moves[0][0] <= now) {
        const [, action, level] = moves.shift();
        const pin = action === "analog" ? "A1" : "D8";
        const t_us = action === "analog" ? sim.analog_input(pin, level, 0) : sim.turn_input(pin, level, 0);
        assert.equal(t_us, now + 1, "a move lands 1 us after the pace that took it");
        recorded.push({ t_ms: t_us / 1000, pin, action, [action === "analog" ? "value" : "steps"]: level });
      }
      assert.throws(() => sim.analog_input("A1", 65536, 0), /an analog reading is a whole number from 0 to 65535/);
      assert.throws(() => sim.analog_input("A1", 1.5, 0), /an analog reading is a whole number from 0 to 65535/);
      assert.throws(() => sim.turn_input("Q9", 1, 0), /unknown pin/);
    },
  });
  assert.equal(moves.length, 0, "every move was taken");
  assert.deepEqual(parts.split("\n").filter(Boolean), ["analog A1", "encoder D8 D9", "pwm D5"]);
  const script = join(scratch, "moves.jsonl");
  writeFileSync(script, recorded.map((e) => JSON.stringify(e)).join("\n") + "\n");
  const program = join(scratch, "moves.py");
  writeFileSync(program, source);
  const expected = judge(program, 600, 10, script);
  assert.ok(expected.includes("pot 65535 knob 6"), expected);
  assertExact("page.moves", expected, ours, 600_000);
});
