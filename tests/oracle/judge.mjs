// The judge, for the JavaScript test suites (Python mode headless, crates/baton-py/js/test,
// and in the browser, tests/e2e): runs a program with cpboard.py (CircuitPython's asyncio
// 3.1.1, installed in target/cp-asyncio or $BATON_CP_ASYNCIO by `cargo xtask setup`) and
// compares a candidate trace with exact.py. Node only.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, "../..");
export const CP_ASYNCIO = process.env.BATON_CP_ASYNCIO || join(ROOT, "target/cp-asyncio");
/** The guide's programs, in tests/oracle/examples. */
export const EXAMPLES = join(here, "examples");
/** The presses each guide program is judged with, by program id (in tests/oracle/inputs). */
export const SAMPLE_INPUTS = {
  "button-interval": join(here, "inputs/button-interval.sample.jsonl"),
  "button-interval-two": join(here, "inputs/button-interval.sample.jsonl"),
  "countio-interrupt": join(here, "inputs/countio-interrupt.sample.jsonl"),
  "keypad-transitions": join(here, "inputs/countio-interrupt.sample.jsonl"),
};

const scratch = mkdtempSync(join(tmpdir(), "baton-judge-"));

/** Runs `cmd args` to its end; throws if it could not start. */
export function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 30, ...opts });
  if (r.error) throw r.error;
  return r;
}

/** Fails with set-up's advice when the judge's library is not installed. */
export function assertJudgeInstalled() {
  assert.ok(existsSync(join(CP_ASYNCIO, "asyncio", "core.py")),
    `no CircuitPython asyncio in ${CP_ASYNCIO}: run cargo xtask setup`);
}

/** cpboard.py's trace of `program` (JSON Lines). */
export function judge(program, forMs, pollCostUs, inputs) {
  const args = [join(here, "cpboard.py"), program, "--cp-asyncio", CP_ASYNCIO,
    "--for-ms", String(forMs), "--poll-cost-us", String(pollCostUs)];
  if (inputs) args.push("--inputs", inputs);
  const r = sh("python3", args);
  assert.equal(r.status, 0, `cpboard.py ${program}: ${r.stderr}`);
  return r.stdout;
}

/**
 * exact.py's verdict on two traces up to `endUs`, and then the `pwm` events, which exact.py
 * (as handed over) does not compare: the same lines, character for character (the judge's keys
 * in the judge's order), in the same order. On a difference both traces stay in a scratch folder.
 */
export function assertExact(name, reference, candidate, endUs) {
  const ref = join(scratch, `${name}.judge.jsonl`);
  const cand = join(scratch, `${name}.baton.jsonl`);
  writeFileSync(ref, reference);
  writeFileSync(cand, candidate);
  const r = sh("python3", [join(here, "exact.py"), ref, cand, "--end-us", String(endUs)]);
  assert.equal(r.status, 0, `${name}: ${r.stdout.trim()} (traces: ${ref}, ${cand})`);
  const [a, b] = [reference, candidate].map(pwmLines(endUs));
  const i = a.findIndex((line, k) => line !== b[k]);
  assert.ok(i < 0 && a.length === b.length,
    `${name}: pwm events differ at pwm event ${i < 0 ? a.length : i}: reference ${a[i] ?? "none"} vs candidate ` +
    `${b[i < 0 ? a.length : i] ?? "none"} (traces: ${ref}, ${cand})`);
  return a.length ? `${r.stdout.trim()}, ${a.length} pwm events` : r.stdout.trim();
}

/** A trace's `pwm` lines up to `endUs`, as written. */
const pwmLines = (endUs) => (trace) =>
  trace.split("\n").filter((line) => line.includes('"kind": "pwm"') && JSON.parse(line).t_us <= endUs);
