// Your board in the page's own views, and checked against the simulator (issue 25, items 3
// and 4): Baton's real firmware on the rp2040js emulator (board-bridge.mjs) streams to the
// page, which shows it in its board view, task table and console on the board's clock; a
// press of the chip's button shows there too; "Check against the simulator" replays the
// board's presses (one made before the page watched included: the board logs them from time
// zero) into a simulation of the same demo and finds no difference beyond 200 µs;
// the result copies as text; Reset in the page, or stopping, gives the page its own simulation
// back (and Reset stops the stream). Part of
// `npm test` (after `cargo xtask build-web`); needs target/firmware/baton-pico.uf2.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, open, consoleLines } from './harness.mjs';
import { picoDemo, status, untilStatus, withEmulatedBoard } from './board-bridge.mjs';
import { axe, describeViolations } from './axe.mjs';

const env = serveAndLaunch();
const DEMO = 'button-interval-await';
let uf2;

before(async () => {
  uf2 = await picoDemo(DEMO);
});

const ledOn = (page, pin) => page.getAttribute(`.board [data-part="led"][data-pin="${pin}"]`, 'data-on');

describe('your board in the page, checked against the simulator', () => {
  const started = Date.now();
  after(() => console.log(`# board-check.test.mjs: ${((Date.now() - started) / 1000).toFixed(1)} s`));

  test('the board live in the board view, task table and console; the check finds it equal within 200 µs', async () => {
    await withEmulatedBoard(env.browser, uf2, async (board, page) => {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
      // The page runs another demo: watching the board makes the board's the page's.
      await open(page, env.server.url, '?v=1&demo=blink-one');
      await page.click('[data-link="connect"]');
      await untilStatus(page, /^Connected to Raspberry Pi Pico/, 5000);
      // A press before the page watches (faster: 0.4 s): the board logs it, and sends it first.
      board.press('D4', true);
      await page.waitForTimeout(150);
      board.press('D4', false);
      await page.waitForTimeout(300);
      await page.click('[data-link="stream"]');
      await page.waitForFunction(() => document.querySelector('#demo-title')?.textContent.startsWith('Your board: '), null, { timeout: 5000 });
      assert.equal(await page.textContent('.clock .status'), 'live from your Raspberry Pi Pico');
      assert.equal(await page.inputValue('select[name="demo"]'), DEMO);

      // The blink (D1, every 0.4 s since the press) in the page's own board view, on the board's clock.
      const seen = new Set();
      const until = Date.now() + 4000;
      while (seen.size < 2 && Date.now() < until) {
        seen.add(await ledOn(page, 'D1'));
        await page.waitForTimeout(100);
      }
      assert.deepEqual([...seen].sort(), ['false', 'true'], 'the LED did not blink in the board view');
      // Its tasks, named as the same demo's simulation names them, with their turns.
      const rows = await page.$$eval('table.tasks tbody tr:not(.idle) th code', (els) => els.map((e) => e.textContent));
      assert.ok(rows.length >= 2, `task table: ${rows}`);
      assert.ok(!rows.some((r) => /^task \d+$/.test(r)), `unnamed tasks: ${rows}`);
      // Each as the board's scheduler left it: the demo's blinker sleeps between its turns.
      const states = await page.$$eval('table.tasks tbody tr:not(.idle) .badge', (els) => els.map((e) => e.textContent));
      assert.ok(states.includes('sleeping'), `task states: ${states}`);

      // A press of the chip's D3 button (slower: 0.5 s): the demo prints, in the page's console.
      board.press('D3', true);
      await page.waitForTimeout(150);
      board.press('D3', false);
      await page.waitForFunction(() => [...document.querySelectorAll('[data-console] > *')].some((l) => l.textContent.includes('interval is now 0.5')), null, {
        timeout: 5000,
      });
      const line = (await consoleLines(page)).find((l) => l.text.includes('interval is now 0.5'));
      assert.ok(line.t > 0, `the print's time: ${line.t}`);
      // Pressing the page's button does not reach the board.
      await page.click('.board [data-part="button"][data-pin="D3"]');
      assert.match(await page.textContent('.banner.notice'), /Press your board's buttons on the board\./);

      // Let the board run past the press (the check leaves the stream's last 0.1 s out).
      await page.waitForTimeout(1500);
      await page.click('[data-link="check"]');
      await untilStatus(page, /^Your board does what the simulator does: \d+ events, each within 200 µs\.$/, 10_000);
      const text = await page.textContent('[data-link="check-result"]');
      assert.match(text, /^Baton board check: Raspberry Pi Pico, firmware \d+\.\d+\.\d+\nDemo: button-interval-await \(the guide's parameters\)\n/);
      assert.match(text, /\nResult: the same as the simulator, every event within 200 µs\.\n/);
      const largest = Number(/\nLargest offset: (\d+) µs/.exec(text)[1]);
      assert.ok(largest <= 200, `largest offset ${largest} µs`);
      const [, compared, presses] = /, (\d+) events?, (\d+) press(?:es)? replayed\./.exec(text).map(Number);
      assert.ok(compared >= 4, `only ${compared} events compared:\n${text}`);
      // The two edges before the stream began are replayed too (the board's press log).
      assert.ok(presses >= 4, `${presses} presses replayed:\n${text}`);
      console.log(`# the emulated board against the simulator: ${compared} events, largest offset ${largest} µs\n${text.replace(/^/gm, '# ')}`);
      const violations = await axe(page);
      assert.equal(violations.length, 0, `axe on the page watching the board, with the check:\n${describeViolations(violations)}`);
      await page.click('[data-link="copy-check"]');
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), text);
      assert.match(await status(page), /^The result is on the clipboard/);

      // Reset in the page leaves the board for the page's own run: the stream stops, and the
      // panel says how to watch again.
      const title = () => page.textContent('#demo-title');
      await page.click('button[aria-keyshortcuts="r"]');
      await untilStatus(page, /^The page runs its own simulation now: Watch live to see your board again\.$/, 5000);
      assert.doesNotMatch(await title(), /^Your board: /);
      assert.equal(await page.getAttribute('[data-link="stream"]', 'aria-pressed'), 'false');
      await page.click('[data-link="stream"]');
      await page.waitForFunction(() => document.querySelector('#demo-title')?.textContent.startsWith('Your board: '), null, { timeout: 5000 });

      // Stop watching: the page's own simulation of the same demo, from 0 s.
      await page.click('[data-link="stream"]');
      await page.waitForFunction(() => !document.querySelector('#demo-title')?.textContent.startsWith('Your board: '), null, { timeout: 5000 });
      assert.match(await page.textContent('.banner.notice'), /You stopped watching your board/);
      assert.deepEqual(page.errors, []);
    });
  });
});
