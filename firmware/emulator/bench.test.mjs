// Timing of the firmware itself, measured on the emulator from its cycle count (125 MHz:
// 8 ns a cycle): the cost of a task switch, timer wake-up and GPIO edge to the awaiting
// task; an alarm armed for a deadline already reached; and the watchdog. Needs
// target/firmware/baton-pico-bench.uf2, the firmware built with the `bench` feature
// (src/bench.rs explains the experiments); `cargo xtask test-firmware` builds it.
//
// The two headline figures are written to target/firmware/bench.txt, which
// `cargo xtask test-firmware` prints after the tests:
//   task switch: N cycles      (goal ≤ 300)
//   edge to task: X us         (goal ≤ 3)
//
// rp2040js counts Cortex-M0+ cycles per instruction (loads/stores, branches, multi-cycle
// instructions) with zero-wait-state memory: flash through XIP behaves as if always cached.
// Real hardware pays for XIP cache misses, so these are lower bounds for cold code. The run is
// on the strict chip (chip.mjs): clk_sys, the timer's tick and the UART's speed come from the
// firmware's own clock registers.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulate } from './emulate.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const UF2 = join(ROOT, 'target', 'firmware', 'baton-pico-bench.uf2');
const RESULTS = join(ROOT, 'target', 'firmware', 'bench.txt');
const SWITCHES = 1000; // per task, as src/bench.rs
const NS_PER_CYCLE = 8;
const skip = !existsSync(UF2) && `${UF2} is missing`;

const fmt = (ns) => `${(ns / 1000).toFixed(2)} µs (${Math.round(ns / NS_PER_CYCLE)} cycles)`;

test('bench: task switch, timer wake-up, alarm armed for now, GPIO edge to awaiting task', { skip }, () => {
  const presses = [];
  for (let i = 0; i < 10; i++) {
    presses.push({ tUs: 200_000 + i * 10_000, pin: 'D3', pressed: true });
    presses.push({ tUs: 205_000 + i * 10_000, pin: 'D3', pressed: false });
  }
  const { events, stats } = emulate({ uf2: readFileSync(UF2), forMs: 320, inputs: presses });
  // The figures are in cycles at 125 MHz: the clock the strict chip derived from the firmware's
  // PLL and CLOCKS registers (chip.mjs).
  assert.equal(stats.chip.clkSysHz, 1e9 / NS_PER_CYCLE, 'clk_sys');
  assert.deepEqual(events.filter((e) => e.kind === 'reset'), [], 'the watchdog reset the bench');
  const pin = (name) => events.filter((e) => e.kind === 'pin' && e.pin === name);

  // 1. Task switches: D0's pulse covers 2 × SWITCHES turns.
  const d0 = pin('D0');
  const high = d0.find((e) => e.value);
  const low = d0.find((e) => !e.value && e.t_ns > high.t_ns);
  const perSwitch = (low.t_ns - high.t_ns) / (2 * SWITCHES);

  // 2. Timer wake-up: D2 falls when the task wakes from a 1 ms sleep, which ends on a tick
  // boundary (1 ms ticks counted from time zero, which is the firmware's epoch to within a
  // µs): the time past the boundary is the wake-up latency.
  const d2 = pin('D2').filter((e, i) => i > 0 || e.value);
  const pulses = d2.filter((e) => !e.value).map((e) => e.t_ns % 1_000_000);
  assert.ok(pulses.length >= 5, `only ${pulses.length} D2 pulses`);
  const wake = pulses.reduce((a, b) => a + b) / pulses.length;

  // 3. An alarm armed for a deadline the counter has already reached still interrupts.
  // (The harness's timer fires an alarm only when the counter reaches it, as the chip's
  // comparator does; the HAL's `schedule_at` forced the interrupt only for a time strictly
  // in the past, so a deadline equal to "now" was lost until the counter wrapped.)
  const alarm = events.find((e) => e.kind === 'print' && e.text.startsWith('bench: alarm armed'));
  assert.ok(alarm, 'the alarm experiment printed nothing');
  const [, raised, of] = alarm.text.match(/(\d+) of (\d+)/);
  assert.equal(raised, of, alarm.text);

  // 4. Edge to task: each falling edge on D3 toggles D1.
  const falls = events.filter((e) => e.kind === 'input' && e.pin === 'D3' && !e.value);
  const acks = pin('D1').slice(1); // the first is the output being set up
  assert.equal(acks.length, falls.length, 'one D1 toggle per falling edge');
  const lat = falls.map((f, i) => acks[i].t_ns - f.t_ns);
  const avg = lat.reduce((a, b) => a + b) / lat.length;

  console.log(`# task switch (one yield_now turn, 2 tasks): ${fmt(perSwitch)}`);
  console.log(`# timer wake-up (alarm → task running), mean of ${pulses.length}: ${fmt(wake)}`);
  console.log(`# GPIO edge → awaiting task running, mean of ${lat.length}: ${fmt(avg)}; worst ${fmt(Math.max(...lat))}`);
  console.log(`# ${alarm.text}`);
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(
    RESULTS,
    [
      `task switch: ${Math.round(perSwitch / NS_PER_CYCLE)} cycles (${(perSwitch / 1000).toFixed(2)} us at 125 MHz; goal <= 300 cycles)`,
      `edge to task: ${(avg / 1000).toFixed(2)} us (${Math.round(avg / NS_PER_CYCLE)} cycles, worst ${(Math.max(...lat) / 1000).toFixed(2)} us; goal <= 3 us)`,
      `timer wake-up: ${(wake / 1000).toFixed(2)} us (${Math.round(wake / NS_PER_CYCLE)} cycles)`,
    ].join('\n') + '\n',
  );
  // Sanity bounds, far above what is expected: a regression by an order of magnitude fails.
  assert.ok(perSwitch < 50_000, `task switch ${fmt(perSwitch)}`);
  assert.ok(wake < 100_000, `wake-up ${fmt(wake)}`);
  assert.ok(avg < 100_000, `edge latency ${fmt(avg)}`);
});

// The bench's stop pins (D5 hang, D6 panic) and its early panic are the safe-mode tests'
// (safemode.test.mjs): after either, the board restarts once into safe mode.
