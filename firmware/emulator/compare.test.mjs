// The firmware on the emulator against the simulator: same demo, same button script; the
// same pin transitions and console lines, at times within 2 ms. Plus the firmware's
// handling of bad configuration blocks.
//
// Needs target/firmware/baton-pico.uf2 (`cargo xtask firmware --all`, or the firmware step
// of `cargo xtask test`, which runs this afterwards). Each case gets its own UF2: the prebuilt
// one with its configuration block replaced by `baton-uf2 patch` — what the playground's
// "Download firmware" does in the browser.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulate, parseInputs } from './emulate.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const PREBUILT = join(ROOT, 'target', 'firmware', 'baton-pico.uf2');
const TOLERANCE_US = 2000;
const work = mkdtempSync(join(tmpdir(), 'baton-emu-'));
const cargo = process.env.CARGO || 'cargo';

function prebuilt() {
  if (!existsSync(PREBUILT)) {
    throw new Error(`${PREBUILT} is missing: run \`cargo xtask firmware --all\` first`);
  }
  return PREBUILT;
}

/** The prebuilt UF2 with a configuration block for `demo` and `params`. */
function firmwareFor(demo, params) {
  const out = join(work, `${demo}-${params.join('-').replace(/[^a-z0-9.-]/gi, '_')}.uf2`);
  const args = ['run', '--quiet', '--package', 'baton-uf2', '--', 'patch', '--in', prebuilt(), '--out', out];
  args.push('--demo', demo, ...params.flatMap((p) => ['--param', p]));
  execFileSync(cargo, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  return readFileSync(out);
}

/** The simulator's trace (pins and prints) for the same run. */
function simulate(demo, params, forMs, inputsText) {
  const args = ['run', '--quiet', '--package', 'baton-sim', '--', demo, '--for-ms', String(forMs)];
  args.push(...params.flatMap((p) => ['--param', p]));
  if (inputsText) {
    const file = join(work, `${demo}-inputs.jsonl`);
    writeFileSync(file, inputsText);
    args.push('--inputs', file);
  }
  const out = execFileSync(cargo, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

/** A frame's colours as they go out: CircuitPython's brightness scaling (baton-board). */
function scaled(colors, brightness) {
  const scale = Math.floor(Math.min(Math.max(brightness, 0), 1) * 256);
  return colors.map(([r, g, b]) => (scale >= 256 ? [r, g, b] : [r, g, b].map((v) => (v * scale) >> 8)));
}

/** Per pin, per strip and for the console, the sequence of changes with their times. */
function streams(events, fromSimulator) {
  const m = new Map();
  const add = (key, t, what) => {
    if (!m.has(key)) m.set(key, []);
    m.get(key).push({ t, what });
  };
  for (const e of events) {
    if (e.kind === 'pin') add(`pin ${e.pin}`, e.t_us, e.value);
    else if (e.kind === 'print') add('console', e.t_us, e.text);
    else if (e.kind === 'pixels' && fromSimulator) {
      // The simulator stamps a frame when it is done on the wire; the firmware's capture
      // when its first pixel goes out.
      const colors = e.colors.map((h) => [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)));
      add('pixels', e.t_us - (30 * colors.length + 80), JSON.stringify(scaled(colors, e.brightness)));
    } else if (e.kind === 'pixels') add('pixels', e.t_us, JSON.stringify(e.colors));
  }
  return m;
}

/**
 * Checks that the emulated firmware did what the simulator did: for every pin, strip and
 * the console, the same sequence of changes, each within 2 ms. Near the end of the run a
 * change may fall on either side of it, so the last 2 ms are not compared.
 */
function assertSameBehaviour(sim, emu, forMs) {
  const a = streams(sim, true);
  const b = streams(emu, false);
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

const press = (pin, tMs) => JSON.stringify({ t_ms: tMs, pin, action: 'press' });
const release = (pin, tMs) => JSON.stringify({ t_ms: tMs, pin, action: 'release' });

const CASES = [
  { demo: 'blink-two', params: [], forMs: 5200 },
  { demo: 'blink-one', params: ['count=4'], forMs: 2200 },
  {
    demo: 'button-interval',
    params: [],
    forMs: 3000,
    // (Presses away from the blink's own instants: a press at the very microsecond the LED
    // toggles may be seen before or after the toggle, on hardware as in any model.)
    inputs: [press('D3', 520), release('D3', 620), press('D3', 1230), release('D3', 1330), press('D4', 2050), release('D4', 2150)],
  },
  {
    demo: 'button-interval-await',
    params: [],
    forMs: 2000,
    inputs: [press('D4', 400), release('D4', 500), press('D3', 1100), release('D3', 1200)],
  },
  {
    demo: 'countio-interrupt',
    params: [],
    forMs: 300,
    inputs: [press('D3', 100), release('D3', 150), press('D3', 200), release('D3', 260)],
  },
  {
    demo: 'keypad-transitions',
    params: [],
    forMs: 300,
    inputs: [press('D3', 100), release('D3', 180), press('D3', 230)],
  },
  // The blocking and polling programs spin: keep them short on the emulator.
  { demo: 'blink-blocking', params: ['interval1=0.02', 'count1=3', 'interval2=0.01', 'count2=4'], forMs: 250 },
  { demo: 'blink-polling', params: ['interval1=0.03', 'count1=3', 'interval2=0.02', 'count2=4'], forMs: 250 },
];

for (const c of CASES) {
  test(`${c.demo} ${c.params.join(' ')}: firmware on rp2040js matches the simulator`, () => {
    const inputsText = c.inputs ? c.inputs.join('\n') + '\n' : null;
    const sim = simulate(c.demo, c.params, c.forMs, inputsText);
    const { events, boot } = emulate({
      uf2: firmwareFor(c.demo, c.params),
      forMs: c.forMs,
      inputs: inputsText ? parseInputs(inputsText) : [],
    });
    assert.ok(boot.at(-1).includes(`running ${c.demo}`), `boot line: ${boot.at(-1)}`);
    const { compared, worst } = assertSameBehaviour(sim, events, c.forMs);
    console.log(`# ${c.demo}: ${compared} changes, worst difference ${worst} µs`);
  });
}


test('rainbow: the NeoPixel frames over PIO are the simulator\'s, frame for frame', () => {
  // The rainbow never sleeps (sleep(0) between frames), so it runs as fast as the CPU
  // allows: the simulator charges the wire time and a poll cost, the board also spends
  // time computing the colours (soft floating point on the Cortex-M0+). Frames are
  // compared by content; their period is reported.
  const forMs = 120;
  const sim = simulate('rainbow', [], forMs, null);
  const { events } = emulate({ uf2: firmwareFor('rainbow', []), forMs });
  const a = streams(sim, true).get('pixels');
  const b = streams(events, false).get('pixels');
  const n = b.length - 1; // the last frame may be cut by the end of the run
  assert.ok(n > 50, `only ${n} frames`);
  assert.deepEqual(
    b.slice(0, n).map((e) => e.what),
    a.slice(0, n).map((e) => e.what),
  );
  const period = (s) => (s[n - 1].t - s[0].t) / (n - 1);
  console.log(`# rainbow: ${n} frames of 24 pixels; period ${period(a).toFixed(0)} µs simulated, ${period(b).toFixed(0)} µs on the firmware`);
});

test('the largest configurations fit the 16 KB heap', () => {
  // 256 pixels (the most the rainbow takes) and the demo with the most tasks: an allocation
  // failure would panic, and the panic handler prints "panic: …".
  for (const [demo, params, forMs, check] of [
    ['rainbow', ['num_pixels=256'], 60, (ev) => ev.some((e) => e.kind === 'pixels' && e.colors.length === 256)],
    ['button-interval-two', [], 300, (ev) => ev.some((e) => e.kind === 'pin' && e.pin === 'D2')],
  ]) {
    const { events, boot } = emulate({ uf2: firmwareFor(demo, params), forMs });
    const prints = events.filter((e) => e.kind === 'print').map((e) => e.text);
    assert.deepEqual(prints, [], `${demo}: ${boot.join(' | ')}`);
    assert.ok(check(events), `${demo} did not run`);
  }
});

// ---- Bad configuration blocks: said on the console, and the default demo runs.

/** CRC-32/IEEE, as crates/baton-uf2/src/config.rs. */
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A configuration block, unchecked (so that it can be wrong on purpose). */
function block(text, { version = 1, corrupt = false } = {}) {
  const payload = Buffer.from(text, 'utf8');
  const b = Buffer.alloc(12 + payload.length);
  b.write('BATN', 0, 'latin1');
  b.writeUInt16LE(version, 4);
  b.writeUInt16LE(payload.length, 6);
  b.writeUInt32LE(crc32(payload), 8);
  payload.copy(b, 12);
  if (corrupt) b[12] ^= 0x20;
  return b;
}

/** The prebuilt UF2 (erased configuration sector) with `bytes` written at 0x101FF000. */
function withBlock(bytes) {
  const uf2 = Buffer.from(readFileSync(prebuilt()));
  for (let at = 0; at < uf2.length; at += 512) {
    if (uf2.readUInt32LE(at + 12) === 0x101ff000) {
      const page = Buffer.alloc(256, 0xff);
      bytes.copy(page);
      page.copy(uf2, at + 32);
      return uf2;
    }
  }
  throw new Error('the prebuilt UF2 has no configuration page');
}

const FALLBACKS = [
  { name: 'no block (erased sector)', uf2: () => readFileSync(prebuilt()), says: 'no configuration block' },
  { name: 'corrupt block', uf2: () => withBlock(block('blink-two\n', { corrupt: true })), says: 'is corrupt (CRC' },
  { name: 'newer version', uf2: () => withBlock(block('blink-two\n', { version: 7 })), says: 'version 7 is not supported' },
  { name: 'unknown demo', uf2: () => withBlock(block('blink-three\n')), says: 'unknown demo "blink-three"' },
  { name: 'bad parameter', uf2: () => withBlock(block('blink-two\ninterval1=0\n')), says: 'interval1="0"' },
  { name: 'unknown parameter', uf2: () => withBlock(block('blink-two\ncolour=red\n')), says: 'no parameter "colour"' },
  { name: 'pin the Pico lacks', uf2: () => withBlock(block('blink-one\nled=NEOPIXEL\n')), says: 'has no pin NEOPIXEL' },
];

for (const f of FALLBACKS) {
  test(`${f.name}: reported, and the default demo (blink-one on LED) runs`, () => {
    const { events, boot } = emulate({ uf2: f.uf2(), forMs: 600 });
    assert.ok(boot.at(-1).includes('running blink-one led=LED count=1000'), boot.at(-1));
    assert.ok(boot.some((l) => l.includes(f.says) && l.includes('running the default demo')), boot.join(' | '));
    const led = events.filter((e) => e.kind === 'pin' && e.pin === 'LED').map((e) => e.value);
    assert.deepEqual(led, [false, true, false, true]);
  });
}

test('QT Py RP2040: the default UF2 runs the rainbow on the on-board NeoPixel', () => {
  const uf2 = join(ROOT, 'target', 'firmware', 'baton-qtpy.uf2');
  assert.ok(existsSync(uf2), `${uf2} is missing: run \`cargo xtask firmware --all\` first`);
  const { events, boot } = emulate({ uf2: readFileSync(uf2), board: 'qtpy', forMs: 20 });
  assert.ok(boot.some((l) => l.includes('no configuration block')), boot.join(' | '));
  assert.ok(
    boot.at(-1).includes('Adafruit QT Py RP2040, running rainbow pixel_pin=NEOPIXEL num_pixels=1 brightness=0.1'),
    boot.at(-1),
  );
  // The NeoPixel's power switched on, then one-pixel frames at 0.1 brightness (scale 25).
  // (The pin is driven low for a few cycles as it becomes an output, then high.)
  assert.equal(events.filter((e) => e.kind === 'pin' && e.pin === 'NEOPIXEL_POWER').at(-1)?.value, true);
  const frames = events.filter((e) => e.kind === 'pixels');
  assert.ok(frames.length > 10, `${frames.length} frames`);
  assert.deepEqual(frames[0].colors, [[24, 0, 0]]); // colorwheel(0) = 0xff0000, × 25 >> 8
  assert.ok(frames.every((f) => f.colors.length === 1));
});
