// "Switch demo" and "Update firmware" in the "Your board" panel (issue 25, item 5): with Baton's
// real firmware on the rp2040js emulator as the board (board-bridge.mjs), a SetConfig the board
// refuses (a parameter out of range) shows its reason while the live stream goes on; a good
// one shows the masked µs and the restart, the port drops as the board restarts (said as
// expected, not as a pulled cable), and Connect again finds the new demo. "Update firmware" on
// a fake port is the 1200-baud touch (open at 1200, DTR, close) and says what to do with the
// UF2. Part of `npm test` (after `cargo xtask build-web`); needs target/firmware/baton-pico.uf2.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, newPage, open } from './harness.mjs';
import { axe, describeViolations } from './axe.mjs';
import { FakePort, installSerial, picoDemo, status, untilStatus as untilPanelStatus, withEmulatedBoard } from './board-bridge.mjs';

const env = serveAndLaunch();
const DEMO = 'blink-two';
let uf2;

before(async () => {
  uf2 = await picoDemo(DEMO);
});

const pinLines = (page) => page.$$eval('[data-link="log"] li[data-kind="pin"]', (els) => els.length);
const untilStatus = (page, pattern, timeout = 8000) => untilPanelStatus(page, pattern, timeout);
/** Every text the status line shows from now on (a restart's message may last milliseconds). */
const recordStatuses = (page) =>
  page.evaluate(() => {
    const s = document.querySelector('[data-link="status"]');
    window.statuses = [];
    new MutationObserver(() => window.statuses.push(s.textContent)).observe(s, { childList: true, characterData: true, subtree: true });
  });

describe('your board: switch demo, update firmware', () => {
  const started = Date.now();
  after(() => console.log(`# board-switch.test.mjs: ${((Date.now() - started) / 1000).toFixed(1)} s`));

  test('a refused SetConfig says why and the stream goes on; a good one restarts the board into the new demo', async () => {
    await withEmulatedBoard(env.browser, uf2, async (board, page) => {
      await open(page, env.server.url, `?v=1&demo=${DEMO}`);
      await page.click('[data-link="connect"]');
      await untilStatus(page, /^Connected to Raspberry Pi Pico, running blink-two\.$/);
      // The page's own demos, the board's chosen.
      const options = await page.$$eval('[data-link="switch-demo"] option', (os) => os.map((o) => o.value));
      const pageDemos = await page.$$eval('select[name="demo"] option', (os) => os.map((o) => o.value).filter((v) => v !== 'your-program'));
      assert.deepEqual(options, pageDemos);
      assert.ok(options.includes('blink-one') && options.length > 5, options.join());
      assert.equal(await page.inputValue('[data-link="switch-demo"]'), DEMO);

      const violations = await axe(page);
      assert.equal(violations.length, 0, `axe on the connected panel with Switch demo:\n${describeViolations(violations)}`);

      await page.click('[data-link="stream"]');
      await page.waitForFunction(() => document.querySelectorAll('[data-link="log"] li[data-kind="pin"]').length >= 2, null, { timeout: 8000 });

      // Out of range: the board's reason, the panel connected, the blink still streaming.
      await page.fill('[data-link="switch-params"]', 'interval1=0');
      await page.click('[data-link="switch"]');
      await untilStatus(page, /^The board refused the configuration: .*interval1="0".*\. It keeps running blink-two\.$/);
      assert.equal(await page.getAttribute('[data-link="status"]', 'class'), 'board-status warn');
      const seen = await pinLines(page);
      await page.waitForFunction((n) => document.querySelectorAll('[data-link="log"] li[data-kind="pin"]').length >= n + 2, seen, { timeout: 8000 });
      assert.ok(await page.$('[data-link="disconnect"]'), 'the panel did not stay connected');
      assert.equal(board.restarts, undefined, 'the board restarted after a refused configuration');

      // A good one: the masked µs, the restart, the port dropping as expected.
      await recordStatuses(page);
      await page.selectOption('[data-link="switch-demo"]', 'blink-one');
      assert.equal(await page.inputValue('[data-link="switch-params"]'), '');
      await page.click('[data-link="switch"]');
      await untilStatus(page, /^The board is restarting into blink-one, so its port went away: that is expected\. Connect again/);
      const statuses = await page.evaluate(() => window.statuses);
      const ok = statuses.map((s) => /^Switched to blink-one \(interrupts masked (\d+) µs\); the board restarts…$/.exec(s)).find(Boolean);
      assert.ok(ok, `no Ok message among ${JSON.stringify(statuses)}`);
      const masked = Number(ok[1]);
      assert.ok(masked > 1000 && masked < 200_000, `masked ${masked} µs`);
      console.log(`# Switch demo: the board answered interrupts masked ${masked} µs`);
      assert.ok(!statuses.some((s) => /cable/.test(s)), `the restart was taken for a pulled cable: ${JSON.stringify(statuses)}`);
      assert.equal(board.restarts, 1);

      // Connect again: the new boot's HelloReply names the new demo.
      await page.click('[data-link="connect"]');
      await untilStatus(page, /^Connected to Raspberry Pi Pico, running blink-one\.$/).catch(async (e) => {
        throw new Error(`${e.message}: the status says “${await status(page)}”`);
      });
      assert.equal(await page.inputValue('[data-link="switch-demo"]'), 'blink-one');
      assert.deepEqual(page.errors, []);
    });
  });

  test('Update firmware: the 1200-baud touch, then what to do with the UF2', async () => {
    const page = await newPage(env.browser);
    const port = new FakePort('board');
    try {
      await installSerial(page, async () => port);
      await open(page, env.server.url, '?v=1&demo=blink-one');
      await page.click('[data-link="connect"]');
      await untilStatus(page, /^Connected to Raspberry Pi Pico, running blink-one\.$/);
      assert.deepEqual(port.ops, [['open', 115200], ['signals', { dataTerminalReady: true }]]);
      await page.click('[data-link="update-firmware"]');
      await untilStatus(page, /RPI-RP2.*Download firmware.*copy the UF2 file onto that drive/);
      assert.deepEqual(port.ops.slice(2), [['close'], ['open', 1200], ['signals', { dataTerminalReady: true }], ['close']]);
      await page.waitForSelector('[data-link="connect"]');
      assert.equal(await page.$('[data-link="switcher"]:not([hidden])'), null, 'Switch demo stayed offered');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  });
});
