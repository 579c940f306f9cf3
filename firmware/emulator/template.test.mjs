// The template (template/: a user's own firmware crate on baton-rp2040) on both emulated
// boards, against the simulator running the same app code (the template's `trace` example):
// pins and prints in the same order, each within 200 µs, as for the demos.
//
// Needs target/firmware/my-app-pico.uf2 and my-app-qtpy.uf2 (`cargo xtask test-firmware`
// builds them: `cargo build --release --target thumbv6m-none-eabi --features BOARD` in
// template/, then `cargo xtask uf2`).

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOARDS, emulate } from './emulate.mjs';
import { ROOT, assertSameBehaviour } from './fixtures.mjs';

const FOR_MS = 600;
const NAMES = { pico: 'Raspberry Pi Pico', qtpy: 'Adafruit QT Py RP2040' };
const cargo = process.env.CARGO || 'cargo';

function templateUf2(board) {
  const file = join(ROOT, 'target', 'firmware', `my-app-${board}.uf2`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`cargo xtask test-firmware\` first`);
  return readFileSync(file);
}

/** The simulator's trace of the template's app (its own example, run in template/). */
function simulateTemplate(forMs) {
  const out = execFileSync(cargo, ['run', '--quiet', '--example', 'trace', '--', String(forMs)], {
    cwd: join(ROOT, 'template'),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}

for (const board of Object.keys(BOARDS)) {
  test(`${board}: the template's own firmware says what runs, and matches the simulator running its app`, () => {
    const sim = simulateTemplate(FOR_MS);
    assert.ok(sim.some((e) => e.kind === 'print' && e.text === 'done'), 'the app prints done within the run');
    const { events, boot } = emulate({ uf2: templateUf2(board), board, forMs: FOR_MS });
    assert.deepEqual(boot, [`baton: ${NAMES[board]}, running my-app`]);
    const { compared, worst } = assertSameBehaviour(sim, events, FOR_MS, board);
    console.log(`# ${board} template: ${compared} changes compared, worst ${worst} µs`);
  });
}
