// Timing of the firmware itself, measured on the emulator from its cycle count (125 MHz:
// 8 ns a cycle): the cost of a task switch, timer wake-up and GPIO edge to the awaiting
// task. Needs target/firmware/baton-pico-bench.uf2, the firmware built with the `bench`
// feature (src/bench.rs explains the experiments); `cargo xtask test` builds it.
//
// rp2040js counts Cortex-M0+ cycles per instruction (loads/stores, branches, multi-cycle
// instructions) with zero-wait-state memory: flash through XIP behaves as if always cached.
// Real hardware pays for XIP cache misses, so these are lower bounds for cold code.

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulate } from './emulate.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const UF2 = join(ROOT, 'target', 'firmware', 'baton-pico-bench.uf2');
const SWITCHES = 1000; // per task, as src/bench.rs
const NS_PER_CYCLE = 8;

const fmt = (ns) => `${(ns / 1000).toFixed(2)} µs (${Math.round(ns / NS_PER_CYCLE)} cycles)`;

test('bench: task switch, timer wake-up, GPIO edge to awaiting task', { skip: !existsSync(UF2) && `${UF2} is missing` }, () => {
  const presses = [];
  for (let i = 0; i < 10; i++) {
    presses.push({ tUs: 200_000 + i * 10_000, pin: 'D3', pressed: true });
    presses.push({ tUs: 205_000 + i * 10_000, pin: 'D3', pressed: false });
  }
  const { events } = emulate({ uf2: readFileSync(UF2), forMs: 320, inputs: presses });
  const pin = (name) => events.filter((e) => e.kind === 'pin' && e.pin === name);

  // 1. Task switches: D0's pulse covers 2 × SWITCHES turns.
  const d0 = pin('D0');
  const high = d0.find((e) => e.value);
  const low = d0.find((e) => !e.value && e.t_ns > high.t_ns);
  const perSwitch = (low.t_ns - high.t_ns) / (2 * SWITCHES);

  // 2. Timer wake-up: each D2 pulse is a 1 ms sleep.
  const d2 = pin('D2').filter((e, i, all) => i > 0 || e.value);
  const pulses = [];
  for (let i = 0; i + 1 < d2.length; i++) {
    if (d2[i].value && !d2[i + 1].value) pulses.push(d2[i + 1].t_ns - d2[i].t_ns - 1_000_000);
  }
  assert.ok(pulses.length >= 5, `only ${pulses.length} D2 pulses`);
  const wake = pulses.reduce((a, b) => a + b) / pulses.length;

  // 3. Edge to task: each falling edge on D3 toggles D1.
  const falls = events.filter((e) => e.kind === 'input' && e.pin === 'D3' && !e.value);
  const acks = pin('D1').slice(1); // the first is the output being set up
  assert.equal(acks.length, falls.length, 'one D1 toggle per falling edge');
  const lat = falls.map((f, i) => acks[i].t_ns - f.t_ns);
  const avg = lat.reduce((a, b) => a + b) / lat.length;

  console.log(`# task switch (one yield_now turn, 2 tasks): ${fmt(perSwitch)}`);
  console.log(`# timer wake-up (alarm → task running), mean of ${pulses.length}: ${fmt(wake)}`);
  console.log(`# GPIO edge → awaiting task running, mean of ${lat.length}: ${fmt(avg)}; worst ${fmt(Math.max(...lat))}`);
  // Sanity bounds, far above what is expected: a regression by an order of magnitude fails.
  assert.ok(perSwitch < 50_000, `task switch ${fmt(perSwitch)}`);
  assert.ok(wake < 100_000, `wake-up ${fmt(wake)}`);
  assert.ok(avg < 100_000, `edge latency ${fmt(avg)}`);
});
