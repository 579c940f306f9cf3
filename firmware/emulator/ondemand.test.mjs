// Pins taken when the program asks for them, not announced at boot: the demos firmware built
// with `on-demand` (as a program of one's own runs: baton_rp2040::run without expect_pins),
// on the QT Py, whose console UART's pin is D6 and whose NeoPixel has a power switch.
//
// Needs target/firmware/baton-qtpy-on-demand.uf2 (`cargo xtask test-firmware` builds it).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emulate, gpioOf } from './emulate.mjs';
import { ROOT, assertSameBehaviour, firmwareFor, simulate } from './fixtures.mjs';

function onDemand() {
  const file = join(ROOT, 'target', 'firmware', 'baton-qtpy-on-demand.uf2');
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`cargo xtask test-firmware\` first`);
  return file;
}

const pinsOnly = (ev) => ev.filter((e) => e.kind === 'pin');

test('qtpy, pins on demand: the UART says the boot lines on D6, then gives D6 to the demo that asks for it; USB says so; the pins match the simulator', () => {
  const demo = 'blink-two';
  const params = ['led2=D6', 'interval1=0.1', 'count1=6', 'interval2=0.15', 'count2=5'];
  const forMs = 1600;
  const sim = simulate(demo, params, forMs, null);
  // Time zero from the "running" line on the UART, as for a program that leaves D6 alone.
  const { events, boot } = emulate({ uf2: firmwareFor('qtpy', demo, params, onDemand()), board: 'qtpy', forMs, usb: true });
  assert.equal(boot.at(-1), `baton: Adafruit QT Py RP2040, running ${demo} interval1=0.1 count1=6 led2=D6 interval2=0.15 count2=5`);
  const usb = events.filter((e) => e.kind === 'usb').map((e) => e.text);
  assert.ok(usb.some((t) => t.includes("took the console UART's pin (GPIO 20): console on USB only")), JSON.stringify(usb));
  assert.ok(pinsOnly(events).some((e) => e.gpio === gpioOf('qtpy', 'D6')), 'the LED on D6 never changed');
  const { compared, worst } = assertSameBehaviour(pinsOnly(sim), pinsOnly(events), forMs, 'qtpy');
  console.log(`# qtpy on demand, blink-two on D6: ${compared} pin changes, worst ${worst} µs`);
});

test('qtpy, pins on demand: the NeoPixel is powered when the demo asks for it, and its first frame waits 10 ms for the power', () => {
  const params = ['pixel_pin=NEOPIXEL', 'num_pixels=1', 'brightness=0.1'];
  const { events, boot } = emulate({ uf2: firmwareFor('qtpy', 'rainbow', params, onDemand()), board: 'qtpy', forMs: 30 });
  assert.ok(boot.at(-1).startsWith('baton: Adafruit QT Py RP2040, running rainbow'), boot.at(-1));
  // Off until time zero (the pin is still free): made an output and switched on at the demo's
  // first turn, and never switched again.
  const power = events.filter((e) => e.kind === 'pin' && e.pin === 'NEOPIXEL_POWER');
  assert.ok(power.length >= 1 && power.every((e) => e.t_us >= 0 && e.t_us < 200), JSON.stringify(power));
  const on = power.at(-1);
  assert.ok(on.value, JSON.stringify(power));
  const frames = events.filter((e) => e.kind === 'pixels');
  assert.ok(frames.length > 5, `${frames.length} frames`);
  assert.ok(frames[0].t_us - on.t_us >= 10_000, `first frame ${frames[0].t_us - on.t_us} µs after the power went on`);
  assert.deepEqual(frames[0].colors, [[24, 0, 0]]);
  console.log(`# qtpy on demand: NeoPixel power on at ${on.t_us} µs, first frame at ${frames[0].t_us} µs`);
});
