// Safe mode: after a panic or a watchdog restart the board does not run the demo again; it
// stays up, says why on both consoles (at boot, every 5 s, and to every terminal that opens
// the port) and shows it on the board, until it is reset or reflashed — on both boards, and
// for a panic that comes before the console is up.
//
// The Pico cases use the bench build (src/bench.rs), whose stop pins make a task hang (D5)
// or panic (D6), and which panics at the start of `main` when the watchdog's scratch
// register 2 asks it to. The QT Py case restarts the real firmware as its watchdog would
// (scratch 0 marked, REASON set), which is what a hang leaves behind.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulate } from './emulate.mjs';
import { ROOT, firmwareFor } from './fixtures.mjs';
import { Terminal } from './usbhost.mjs';

const BENCH = join(ROOT, 'target', 'firmware', 'baton-pico-bench.uf2');
const skip = !existsSync(BENCH) && `${BENCH} is missing (cargo xtask test-firmware builds it)`;
/** The bench build's watchdog timeout (src/watchdog.rs). */
const WATCHDOG_MS = 100;
/** How long the panic handler leaves the consoles before it restarts the board (src/watchdog.rs). */
const PANIC_RESTART_MS = 200;
/** src/bench.rs's request for a panic before the console is up. */
const PANIC_EARLY = 0x70614e31;
/** src/watchdog.rs's mark in scratch 0: Baton armed the watchdog. */
const ARMED = 0x4241544e;

/** The LED's safe-mode pattern in ms (src/safe_mode.rs): on, off, on, off. */
const FLASHES = [100, 200, 100, 1600];

/** Runs `uf2` from reset; `inputs` in µs from reset. */
function run({ uf2, board = 'pico', forMs, inputs = [], onStart = () => {} }) {
  return emulate({ uf2, board, forMs, inputs, fromReset: true, onStart });
}

/** The safe-mode lines: the two boot lines once, the reminder every 5 s. */
function assertSafeMode(lines, why, board = 'Raspberry Pi Pico') {
  const said = lines.filter((l) => l.text.includes('safe mode'));
  const entered = said.find((l) => l.text.startsWith(`baton: ${board} is in safe mode: `));
  assert.ok(entered, lines.map((l) => l.text).join(' | '));
  assert.ok(entered.text.includes(why), entered.text);
  const reminders = said.filter((l) => l.text.startsWith('baton: safe mode: '));
  assert.ok(reminders.length >= 2, `${reminders.length} reminders`);
  assert.ok(reminders.every((l) => l.text.includes(why) && l.text.endsWith('(reset or reflash the board to leave it)')));
  const gaps = reminders.slice(1).map((l, i) => (l.t_us - reminders[i].t_us) / 1000);
  assert.ok(gaps.every((g) => Math.abs(g - 5000) < 5), `reminders ${gaps} ms apart`);
  // The demo is named but not run.
  assert.ok(lines.some((l) => / safe mode \(not running /.test(l.text)), lines.map((l) => l.text).join(' | '));
  return { entered, reminders };
}

/** The on-board LED's pattern after `fromUs`: the durations between its changes, ms. */
function ledPattern(events, fromUs) {
  // (From its first rise: before it, the pin is set up as an output, low.)
  const all = events.filter((e) => e.kind === 'pin' && e.pin === 'LED' && e.t_us >= fromUs);
  const led = all.slice(all.findIndex((e) => e.value));
  return led.slice(1).map((e, i) => Math.round((e.t_us - led[i].t_us) / 1000));
}

test('safe mode after a panic: one restart, not a loop; the reason on the console every few seconds; the LED flashes', { skip }, () => {
  const { events, lines, stats } = run({ uf2: readFileSync(BENCH), forMs: 14_000, inputs: [{ tUs: 300_000, pin: 'D6', pressed: true }] });
  const panic = lines.find((l) => l.text.startsWith('panic: '));
  assert.ok(panic && panic.text.includes('bench: a deliberate panic'), lines.map((l) => l.text).join(' | '));
  const resets = events.filter((e) => e.kind === 'reset');
  assert.equal(resets.length, 1, 'one restart, then safe mode');
  const after = resets[0].t_us - 300_000;
  assert.ok(after >= PANIC_RESTART_MS * 1000 && after < PANIC_RESTART_MS * 1000 + 5000, `restart ${after} µs after the panic`);
  const { entered } = assertSafeMode(lines, 'the watchdog restarted it after a panic: panicked at');
  assert.ok(entered.text.includes('bench: a deliberate panic'), entered.text);
  // The LED: two short flashes every two seconds, from safe mode's first turn on.
  const pattern = ledPattern(events, resets[0].t_us);
  assert.ok(pattern.length >= 16, `${pattern.length} LED changes`);
  pattern.slice(0, 16).forEach((ms, i) => assert.ok(Math.abs(ms - FLASHES[i % 4]) <= 1, `LED pattern ${pattern}`));
  console.log(`# safe mode after a panic: restart ${(after / 1000).toFixed(1)} ms after it; ${stats.resets} reset`);
});

test('safe mode after a hang: the watchdog restarts the board once; safe mode says so', { skip }, () => {
  const { events, lines } = run({ uf2: readFileSync(BENCH), forMs: 13_000, inputs: [{ tUs: 300_000, pin: 'D5', pressed: true }] });
  assert.ok(lines.some((l) => l.text === 'bench: hanging'), 'the hang did not start');
  const resets = events.filter((e) => e.kind === 'reset');
  assert.equal(resets.length, 1);
  const after = resets[0].t_us - 300_000;
  assert.ok(after >= WATCHDOG_MS * 1000 && after < WATCHDOG_MS * 1000 + 1000, `reset ${after} µs after the hang`);
  assertSafeMode(lines, `the watchdog restarted it: no task gave control back for ${WATCHDOG_MS} ms`);
});

test('safe mode after a panic before the console is up: the board restarts by itself and says the panic', { skip }, () => {
  const { events, lines } = run({
    uf2: readFileSync(BENCH),
    forMs: 13_000,
    onStart(mcu, boot) {
      if (boot === 0) mcu.peripherals[0x40058].scratchData[2] = PANIC_EARLY;
    },
  });
  assert.equal(events.filter((e) => e.kind === 'reset').length, 1);
  // Nothing was said before the restart: the console was not up.
  const first = events.find((e) => e.kind === 'reset').t_us;
  assert.deepEqual(lines.filter((l) => l.t_us < first), []);
  assertSafeMode(lines, 'bench: a deliberate panic before the console is up');
});

test('safe mode on the QT Py: the on-board NeoPixel glows dim red, and a terminal that opens the port gets the reason first', () => {
  const uf2 = firmwareFor('qtpy', 'rainbow', ['pixel_pin=NEOPIXEL', 'num_pixels=1']);
  let terminal = null;
  const { events, lines } = run({
    uf2,
    board: 'qtpy',
    forMs: 13_000,
    onStart(mcu, boot) {
      if (boot > 0) return;
      // What a watchdog restart leaves behind: Baton's mark in scratch 0, REASON's TIMER bit.
      const wd = mcu.peripherals[0x40058];
      wd.scratchData[0] = ARMED;
      wd.reason = 1;
      terminal = new Terminal(mcu);
      terminal.at(8000, () => terminal.open());
    },
  });
  assertSafeMode(lines, 'no task gave control back for 1000 ms', 'Adafruit QT Py RP2040');
  const frames = events.filter((e) => e.kind === 'pixels');
  assert.ok(frames.length >= 1, 'no NeoPixel frame');
  assert.deepEqual(frames[0].colors, [[16, 0, 0]]);
  assert.ok(frames.every((f) => f.gpio === 12));
  // The demo (a rainbow on the same pixel) never ran: no other colour.
  assert.ok(frames.every((f) => JSON.stringify(f.colors) === '[[16,0,0]]'));
  const greeting = terminal.sessions[0].text.split('\r\n');
  assert.ok(greeting[0].startsWith('baton: Adafruit QT Py RP2040 is in safe mode: the watchdog restarted it: no task'), greeting[0]);
  assert.equal(terminal.leaked, '');
});
