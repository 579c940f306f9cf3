// Flashing as a board is flashed: UF2 files dropped one after another on the boot ROM's drive
// (bootsel.mjs models how the ROM erases and programs), onto flash that was never erased,
// then a boot. After each sequence, on both boards: the demo that runs is the one the last
// UF2 names (its boot line, and its first pin changes or frames against the simulator's), and
// the configuration sector holds exactly what the last file gives it — so that a block left
// by an earlier UF2 can never outlive a later one.
//
// First, the ROM model itself, on small hand-made files.

import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOARDS, emulate, usedFlash } from './emulate.mjs';
import { CONFIG_ADDR, CONFIG_SIZE, FLASH_START, RP2040_FAMILY_ID, fileBytes, writeUf2 } from './bootsel.mjs';
import { ROOT, assertSameBehaviour, firmwareFor, prebuilt, simulate, streams } from './fixtures.mjs';

/** A UF2 file of `pages` ([address, fill byte, options]) numbered in the order given. */
function uf2Of(pages, { numBlocks = pages.length } = {}) {
  const out = Buffer.alloc(512 * pages.length);
  pages.forEach(([addr, fill, { flags = 0x2000, family = RP2040_FAMILY_ID, blockNo = null } = {}], i) => {
    const at = 512 * i;
    for (const [k, w] of [0x0a324655, 0x9e5d5157, flags, addr, 256, blockNo ?? i, numBlocks, family].entries()) out.writeUInt32LE(w, at + 4 * k);
    out.fill(fill, at + 32, at + 32 + 256);
    out.writeUInt32LE(0x0ab16f30, at + 508);
  });
  return out;
}

const at = (flash, addr) => flash[addr - FLASH_START];

test('boot ROM model: the first block of each group of 16 block numbers erases its own sector; pages only clear bits', () => {
  const flash = new Uint8Array(1 << 20).fill(0x5a);
  // Block 0 → sector 0x10000000 (erased); block 1 → 0x10001000, same group: not erased, so its
  // page is 0x5a & 0x0f; block 16 → 0x10002000, a new group: erased.
  const file = uf2Of([
    [0x10000000, 0x33],
    [0x10001000, 0x0f],
    ...Array.from({ length: 14 }, (_, i) => [0x10000100 + 256 * i, 0xff]),
    [0x10002000, 0x0f],
  ]);
  const r = writeUf2(flash, file);
  assert.deepEqual(r.erased, [0x10000000, 0x10002000]);
  assert.ok(r.complete);
  assert.equal(at(flash, 0x10000000), 0x33);
  assert.equal(at(flash, 0x10001000), 0x5a & 0x0f, 'a sector whose group was erased already keeps its old bits');
  assert.equal(at(flash, 0x10001100), 0x5a, 'the rest of that sector is untouched');
  assert.equal(at(flash, 0x10002000), 0x0f);
  assert.equal(at(flash, 0x10002100), 0xff, 'the rest of an erased sector reads erased');
  assert.equal(at(flash, 0x10003000), 0x5a);
});

test('boot ROM model: blocks not for the RP2040\'s main flash, and duplicates, are ignored', () => {
  const flash = new Uint8Array(1 << 20).fill(0x5a);
  const file = uf2Of(
    [
      [0x10000000, 0x11, { flags: 0x2001 }], // not main flash
      [0x10001000, 0x22, { family: 0x12345678 }], // another chip
      [0x10002000, 0x33, { flags: 0 }], // no family id: the ROM wants one
      [0x10003000, 0x44],
      [0x10004000, 0x55, { blockNo: 3 }], // block 3 again
      [0x10005000, 0x66, { blockNo: 4 }],
    ],
    { numBlocks: 5 },
  );
  const r = writeUf2(flash, file);
  assert.equal(r.ignored, 4);
  for (const a of [0x10000000, 0x10001000, 0x10002000, 0x10004000]) assert.equal(at(flash, a), 0x5a, a.toString(16));
  assert.equal(at(flash, 0x10003000), 0x44);
  assert.equal(at(flash, 0x10005000), 0x5a & 0x66, 'block 4 is in block 3\'s group: its sector is not erased');
  assert.ok(!r.complete, 'blocks 0–2 never came: the ROM waits');
});

/** The board's name and default demo, as the README documents them. */
const DEFAULT = {
  pico: { name: 'Raspberry Pi Pico', demo: 'blink-one', params: ['led=LED', 'count=1000'], forMs: 600 },
  qtpy: { name: 'Adafruit QT Py RP2040', demo: 'rainbow', params: ['pixel_pin=NEOPIXEL', 'num_pixels=1', 'brightness=0.1'], forMs: 30 },
};
const OTHER = { demo: 'blink-two', params: ['interval1=0.1'], forMs: 600 };

/** An unrelated program: a repeated pattern, neither erased (0xFF) nor zero. */
function patternFlash(board) {
  const flash = new Uint8Array(BOARDS[board].flashBytes);
  const pattern = [0x5a, 0xa5, 0x3c, 0xc3, 0x42, 0x41, 0x54, 0x4e];
  for (let i = 0; i < flash.length; i++) flash[i] = pattern[i % pattern.length];
  return flash;
}

/**
 * Flashes `files` in turn onto `flash`, boots, and checks that the last file's demo runs and
 * its configuration sector is the file's (`last`: the file expected to be in flash, if not the
 * last of `files`). Returns what the ROM and the boot said.
 */
function flashAndBoot(board, flash, files, runs, last = files.at(-1)) {
  const reports = files.map((f) => writeUf2(flash, f));
  assert.ok(reports.every((r) => r.complete), 'the ROM did not take every block');
  const want = fileBytes(last, CONFIG_ADDR, CONFIG_SIZE);
  const got = flash.subarray(CONFIG_ADDR - FLASH_START, CONFIG_ADDR - FLASH_START + CONFIG_SIZE);
  const differ = want.reduce((n, b, i) => n + (b !== got[i]), 0);
  const sectorOk = differ === 0;
  const { demo, params, forMs } = runs;
  const { events, boot } = emulate({ flash, board, forMs });
  const line = `baton: ${DEFAULT[board].name}, running ${[demo, ...params].join(' ')}`;
  const erasedConfig = reports.at(-1)?.erased.includes(CONFIG_ADDR);
  assert.ok(
    sectorOk,
    `the configuration sector differs from the file's in ${differ} of ${CONFIG_SIZE} bytes (the ROM ` +
      `${erasedConfig ? 'erased' : 'did NOT erase'} it; the last file has ${last.length / 512} blocks); boot: ${boot.join(' | ')}`,
  );
  assert.equal(boot.at(-1), line, boot.join(' | '));
  // The demo's pin changes as the simulator's (times within the tolerance); its first NeoPixel
  // frames by content (the rainbow's frame rate on the chip is its own: compare.test.mjs).
  const sim = simulate(demo, params, forMs, null);
  const pins = (ev) => ev.filter((e) => e.kind === 'pin');
  if (pins(sim).length) assertSameBehaviour(pins(sim), pins(events), forMs, board);
  const frames = (ev, fromSim) => (streams(ev, fromSim, board).get('pixels') ?? []).slice(0, 10).map((e) => e.what);
  assert.deepEqual(frames(events, false), frames(sim, true), 'the first NeoPixel frames');
  assert.ok(pins(sim).length || frames(sim, true).length === 10, 'nothing to compare');
  return { reports, boot };
}

for (const board of Object.keys(BOARDS)) {
  const def = () => readFileSync(prebuilt(board));
  const other = () => firmwareFor(board, OTHER.demo, OTHER.params);
  const d = DEFAULT[board];

  test(`${board}: the default UF2, then another demo's: the other demo runs`, () => {
    flashAndBoot(board, usedFlash(board), [def(), other()], OTHER);
  });

  test(`${board}: another demo's UF2, then the default: the default demo runs, and says the sector is erased`, () => {
    const { boot } = flashAndBoot(board, usedFlash(board), [other(), def()], d);
    assert.ok(boot.some((l) => l.includes('no configuration block (the flash sector is erased)')), boot.join(' | '));
  });

  test(`${board}: the same UF2 twice (another demo's; the default's): its demo runs`, () => {
    flashAndBoot(board, usedFlash(board), [other(), other()], OTHER);
    flashAndBoot(board, usedFlash(board), [def(), def()], d);
  });

  test(`${board}: a UF2 for another chip family changes nothing; a truncated one is not booted`, () => {
    const flash = usedFlash(board);
    writeUf2(flash, other());
    const before = flash.slice();
    const foreign = Buffer.from(other());
    for (let at = 0; at < foreign.length; at += 512) foreign.writeUInt32LE(0xada52840, at + 28); // nRF52840's family id
    const r = writeUf2(flash, foreign);
    assert.equal(r.programmed.length, 0);
    assert.ok(flash.every((b, i) => b === before[i]), 'the flash changed');
    flashAndBoot(board, flash, [], OTHER, other());
    // A download cut short: the ROM waits for the missing block and never reboots.
    const cut = def().subarray(0, def().length - 512);
    assert.throws(() => emulate({ flash: usedFlash(board), uf2: cut, board, forMs: 1 }), /did not get every block/);
  });

  test(`${board}: the default UF2 onto flash holding an unrelated program: the default demo runs, and says the sector is erased`, () => {
    const { boot } = flashAndBoot(board, patternFlash(board), [def()], d);
    assert.ok(boot.some((l) => l.includes('no configuration block (the flash sector is erased)')), boot.join(' | '));
  });
}

test('the playground\'s "Download firmware": the UF2 the page gives, flashed over its default UF2, runs its demo (both boards)', async (t) => {
  // The page patches its own prebuilt UF2s (dist/firmware/) in the browser with
  // baton_uf2::uf2::patch_config; this takes the bytes it hands the person, through Chromium
  // (the browser tests' harness, tests/e2e), and flashes them as a board would.
  const dist = join(ROOT, 'dist');
  if (!existsSync(join(dist, 'index.html'))) return t.skip('no dist/: `cargo xtask build-web` builds the page (`cargo xtask test` does, before this step)');
  if (!existsSync(join(ROOT, 'tests', 'e2e', 'node_modules', 'playwright-core'))) {
    return t.skip('no playwright-core in tests/e2e (`cargo xtask setup` installs it)');
  }
  const harness = await import('../../tests/e2e/harness.mjs');
  const server = await harness.serveDist();
  const browser = await harness.launch();
  try {
    const page = await harness.newPage(browser);
    await harness.open(page, server.url, '?v=1&demo=blink-two&interval1=0.1');
    for (const board of Object.keys(BOARDS)) {
      const [download] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.click(`button[data-download-board="${board}"]`)]);
      assert.equal(download.suggestedFilename(), `baton-${board}-blink-two.uf2`);
      const bytes = await readFile(await download.path());
      const pageDefault = readFileSync(join(dist, 'firmware', `baton-${board}.uf2`));
      flashAndBoot(board, usedFlash(board), [pageDefault, bytes], OTHER);
      // And back: the page's default UF2 over the downloaded one.
      flashAndBoot(board, usedFlash(board), [bytes, pageDefault], DEFAULT[board]);
    }
    assert.deepEqual(page.errors, [], 'errors in the browser console');
  } finally {
    await browser.close();
    await server.close();
  }
});
