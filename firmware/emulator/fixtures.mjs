// What the emulator tests compare against: the prebuilt UF2s and per-demo UF2s patched from
// them (as the playground's "Download firmware" makes them), the simulator's traces for the
// same runs, and the comparison itself. Shared by compare.test.mjs and the other test files.
//
// Needs target/firmware/baton-pico.uf2 and baton-qtpy.uf2 (`cargo xtask firmware --all`).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { after } from 'node:test';
import assert from 'node:assert/strict';
import { gpioOf } from './emulate.mjs';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const TOLERANCE_US = 200;
const work = mkdtempSync(join(tmpdir(), 'baton-emu-'));
after(() => rmSync(work, { recursive: true, force: true }));
const cargo = process.env.CARGO || 'cargo';

export function prebuilt(board) {
  const file = join(ROOT, 'target', 'firmware', `baton-${board}.uf2`);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`cargo xtask firmware --all\` first`);
  }
  return file;
}

/**
 * The board's prebuilt UF2 (or the UF2 `base`) with a configuration block for `demo` and
 * `params`.
 */
export function firmwareFor(board, demo, params, base = prebuilt(board)) {
  const tag = base === prebuilt(board) ? board : basename(base, '.uf2');
  const out = join(work, `${tag}-${demo}-${params.join('-').replace(/[^a-z0-9.-]/gi, '_')}.uf2`);
  const args = ['run', '--quiet', '--package', 'baton-uf2', '--', 'patch', '--in', base, '--out', out];
  args.push('--demo', demo, ...params.flatMap((p) => ['--param', p]));
  execFileSync(cargo, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(out);
}

const simulations = new Map();
/**
 * The simulator's trace (pins, frames, prints and input levels) for the same run (the
 * simulator has no boards); `extra`: more command-line arguments (`--bounce-us`, …).
 */
export function simulate(demo, params, forMs, inputsText, extra = []) {
  const key = JSON.stringify([demo, params, forMs, inputsText, extra]);
  if (simulations.has(key)) return simulations.get(key);
  const args = ['run', '--quiet', '--package', 'baton-sim', '--', demo, '--for-ms', String(forMs)];
  if (process.env.POLL_COST_US) args.push('--poll-cost-us', process.env.POLL_COST_US);
  args.push(...params.flatMap((p) => ['--param', p]));
  if (inputsText) {
    const file = join(work, `${demo}-inputs.jsonl`);
    writeFileSync(file, inputsText);
    args.push('--inputs', file);
  }
  args.push(...extra);
  const out = execFileSync(cargo, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const events = out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  simulations.set(key, events);
  return events;
}

/** A frame's colours as they go out: CircuitPython's brightness scaling (baton-board). */
export function scaled(colors, brightness) {
  const scale = Math.floor(Math.min(Math.max(brightness, 0), 1) * 256);
  return colors.map(([r, g, b]) => (scale >= 256 ? [r, g, b] : [r, g, b].map((v) => (v * scale) >> 8)));
}

/**
 * Per GPIO, per strip and for the console, the sequence of changes with their times. The
 * simulator names pins; the board's pin map gives their GPIOs (on the QT Py, `D1` and `A1`
 * are the same GPIO).
 */
export function streams(events, fromSimulator, board) {
  const m = new Map();
  const add = (key, t, what) => {
    if (!m.has(key)) m.set(key, []);
    m.get(key).push({ t, what });
  };
  for (const e of events) {
    if (e.kind === 'pin') {
      const gp = fromSimulator ? gpioOf(board, e.pin) : e.gpio;
      assert.notEqual(gp, undefined, `the ${board} has no pin ${e.pin}`);
      add(`GPIO ${gp}`, e.t_us, e.value);
    } else if (e.kind === 'print') add('console', e.t_us, e.text);
    else if (e.kind === 'pixels' && fromSimulator) {
      // The simulator stamps a frame when it is done on the wire (its model: 30 µs a pixel
      // and 80 µs); the firmware's capture when its first bit goes out.
      const colors = e.colors.map((h) => [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)));
      add('pixels', e.t_us - (30 * colors.length + 80), JSON.stringify(scaled(colors, e.brightness)));
    } else if (e.kind === 'pixels') add('pixels', e.t_us, JSON.stringify(e.colors));
  }
  return m;
}

/**
 * Checks that the emulated firmware did what the simulator did: for every pin, strip and
 * the console, the same sequence of changes, each within TOLERANCE_US. Near the end of the
 * run a change may fall on either side of it, so the last TOLERANCE_US are not compared.
 */
export function assertSameBehaviour(sim, emu, forMs, board) {
  assert.deepEqual(emu.filter((e) => e.kind === 'reset'), [], 'the watchdog reset the board');
  const a = streams(sim, true, board);
  const b = streams(emu, false, board);
  const end = forMs * 1000 - TOLERANCE_US;
  let compared = 0;
  let worst = 0;
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const s = (a.get(key) || []).filter((e) => e.t < end);
    const f = (b.get(key) || []).filter((e) => e.t < end + TOLERANCE_US);
    const extra = f.slice(s.length).filter((e) => e.t < end - TOLERANCE_US);
    assert.deepEqual(
      f.slice(0, s.length).map((e) => e.what),
      s.map((e) => e.what),
      `${key}: the firmware's sequence differs from the simulator's`,
    );
    assert.deepEqual(extra, [], `${key}: the firmware changed more often than the simulator`);
    for (let i = 0; i < s.length; i++) {
      const d = Math.abs(f[i].t - s[i].t);
      worst = Math.max(worst, d);
      assert.ok(d <= TOLERANCE_US, `${key} change ${i} (${s[i].what}): simulator ${s[i].t} µs, firmware ${f[i].t} µs`);
      compared++;
    }
  }
  assert.ok(compared > 0, 'nothing to compare');
  return { compared, worst };
}

export const press = (pin, tMs) => JSON.stringify({ t_ms: tMs, pin, action: 'press' });
export const release = (pin, tMs) => JSON.stringify({ t_ms: tMs, pin, action: 'release' });
