// Makes the README's picture of "Your board in the page" (run by hand after `cargo xtask
// build-web`): docs/screenshots/your-board.png, the page connected to Baton's firmware on the
// emulated Pico (board-bridge.mjs, as board.test.mjs does), watching it live in the page's own
// board view, timeline, task table and console, after a press of D3 and a check against the
// simulator.
import { join } from 'node:path';
import { serveDist, launch, newPage, open, ROOT } from './harness.mjs';
import { EmulatedPort, installSerial, picoFirmware } from './board-bridge.mjs';

const out = process.argv[2] || join(ROOT, 'docs', 'screenshots', 'your-board.png');
picoFirmware();
const { firmwareFor } = await import('../../firmware/emulator/fixtures.mjs');
const board = new EmulatedPort(firmwareFor('pico', 'button-interval-await', []));
const server = await serveDist();
const browser = await launch();
try {
  const page = await newPage(browser, { viewport: { width: 1280, height: 900 }, colorScheme: 'light', deviceScaleFactor: 1 });
  await installSerial(page, async () => (await board.ready, board));
  await open(page, server.url, '?v=1&demo=button-interval-await');
  await page.click('[data-link="connect"]');
  await page.waitForSelector('[data-link="stream"]');
  await page.click('[data-link="stream"]');
  await page.waitForTimeout(1600);
  board.press('D3', true);
  await page.waitForTimeout(120);
  board.press('D3', false);
  await page.waitForTimeout(1500);
  await page.click('[data-link="check"]');
  await page.waitForSelector('[data-link="check-result"]:not([hidden])');
  await page.screenshot({ path: out, fullPage: true });
  if (page.errors.length) throw new Error(page.errors.join('\n'));
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  await server.close();
  await board.stop();
}
