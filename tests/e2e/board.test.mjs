// "Your board" in the browser (issue 25): the page connects over Web Serial to Baton's real
// firmware, run on the rp2040js emulator in Node and reached through a fake
// `navigator.serial` (board-bridge.mjs): the handshake (board, firmware, demo), the blink's
// pin changes live, a press of the emulated chip's button with the print it causes, garbage
// between frames skipped and counted, the cable pulled; and ports that are not a Baton board
// (a REPL's text), never answer, are open in another tab, or speak an older protocol. Each
// ends in a sentence in the panel and a Connect button again. Part of `npm test` (after
// `cargo xtask build-web`); needs target/firmware/baton-pico.uf2 (built if missing).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serveAndLaunch, newPage, open, virtualSeconds } from './harness.mjs';
import { axe, describeViolations } from './axe.mjs';
import { FakePort, installSerial, picoDemo, status, untilStatus as untilPanelStatus, withEmulatedBoard } from './board-bridge.mjs';

const env = serveAndLaunch();
const DEMO = 'button-interval-await';
let uf2;

before(async () => {
  uf2 = await picoDemo(DEMO);
});

const logLines = (page, kind) => page.$$eval(`[data-link="log"] li[data-kind="${kind}"]`, (els) => els.map((e) => e.textContent));
const untilStatus = (page, pattern, timeout = 5000) => untilPanelStatus(page, pattern, timeout);
const untilLines = (page, kind, n, timeout = 5000) =>
  page.waitForFunction(([k, n]) => document.querySelectorAll(`[data-link="log"] li[data-kind="${k}"]`).length >= n, [kind, n], { timeout });

describe('your board in the page', () => {
  const started = Date.now();
  after(() => console.log(`# board.test.mjs: ${((Date.now() - started) / 1000).toFixed(1)} s`));

  test('connect to the emulated board: handshake, live pins, a press, garbage skipped, the cable pulled', async () => {
    await withEmulatedBoard(env.browser, uf2, async (board, page) => {
      await open(page, env.server.url, `?v=1&demo=${DEMO}`);
      await page.click('[data-link="connect"]');
      await untilStatus(page, /^Connected to Raspberry Pi Pico, running button-interval-await\.$/);
      const facts = await page.$$eval('[data-link="facts"] > *', (els) => els.map((e) => e.textContent));
      const version = /^version = "(.*)"$/m.exec(readFileSync(new URL('../../firmware/Cargo.toml', import.meta.url), 'utf8'))[1];
      assert.deepEqual(facts, ['Board', 'Raspberry Pi Pico', 'Firmware', version, 'Demo', DEMO, 'Parameters', "the guide's"]);

      // Live: the blink (D1, every 0.5 s) arrives as it happens, not all at once.
      await page.click('[data-link="stream"]');
      await untilLines(page, 'pin', 1);
      const first = Date.now();
      await untilLines(page, 'pin', 3);
      const spread = Date.now() - first;
      assert.ok(spread >= 700, `three pin changes 0.5 s apart arrived within ${spread} ms: ${await logLines(page, "pin")}`);
      const pins = await logLines(page, 'pin');
      assert.match(pins[0], /^\d+\.\d{3} s D1 (high|low)$/);
      assert.notEqual(pins[0].split(' ').at(-1), pins[1].split(' ').at(-1), 'the LED did not toggle');

      // A press of the chip's D3 button: the board stamps it, and the demo prints.
      board.press('D3', true);
      await page.waitForTimeout(150);
      board.press('D3', false);
      await untilLines(page, 'press', 2);
      const presses = (await logLines(page, 'press')).map((l) => l.replace(/^[\d.]+ s /, ''));
      assert.deepEqual(presses, ['D3 pressed', 'D3 released']);
      await untilLines(page, 'print', 1);
      assert.match((await logLines(page, 'print'))[0], /print: interval is now 0\.6$/);
      // Its console text (which the board also sends) is not shown a second time.
      await page.waitForTimeout(300);
      assert.deepEqual((await logLines(page, 'console')).filter((l) => l.includes('interval is now')), []);

      // Garbage and a frame cut short between the board's frames: counted, and the stream goes on.
      const before = (await logLines(page, 'pin')).length;
      board.inject([0, 0x31, 0x32, 0x33, 0, 0x09, 0x01, 0x02]);
      await untilLines(page, 'pin', before + 2);
      const note = await page.textContent('[data-link="note"]');
      assert.match(note, /^2 damaged or unreadable frames skipped \(last: /);
      assert.match(await status(page), /^Connected/);

      const violations = await axe(page);
      assert.equal(violations.length, 0, `axe on the connected panel:\n${describeViolations(violations)}`);

      // The cable pulled: a sentence, the Connect button again, and the page's own run goes on.
      board.pull();
      await untilStatus(page, /^The connection to the board was lost \(The device has been lost\.\)\. Was the cable pulled\?/);
      await page.waitForSelector('[data-link="connect"]');
      const t = await virtualSeconds(page);
      await page.waitForTimeout(300);
      assert.ok((await virtualSeconds(page)) > t, "the page's simulation stopped");
      assert.deepEqual(page.errors, []);
    });
  });

  test('ports that are not a Baton board, or cannot be used, each say why; a board in safe mode; Disconnect', async () => {
    const page = await newPage(env.browser);
    const next = [];
    try {
      await installSerial(page, async () => next.shift());
      // The link's files come only with Connect (not the service worker's offline copy).
      const fetched = [];
      page.context().on('request', (r) => {
        const path = new URL(r.url()).pathname;
        if (!r.serviceWorker() && path.startsWith('/link/')) fetched.push(path);
      });
      await open(page, env.server.url, '?v=1&demo=blink-one');
      await page.waitForTimeout(300);
      assert.deepEqual(fetched, [], 'the page fetched the link before Connect');
      const cases = [
        ['text', /^This port is not a Baton board \(it answered: “Adafruit CircuitPython 9\.2\.1 on 2024-11-20; Raspberry Pi Pico with rp2040”\)\./],
        ['silent', /^No answer: the board said nothing within 1\.5 s of Hello\./],
        ['busy', /^The port could not be opened: another tab or program .* \(Failed to open serial port\.\)$/],
        ['old', /^The board's firmware is older than this page: it speaks link protocol version 0, the page version 2\./],
      ];
      for (const [kind, want] of cases) {
        next.push(new FakePort(kind));
        await page.click('[data-link="connect"]');
        await untilStatus(page, want);
        assert.deepEqual([...new Set(fetched)].sort(), ['/link/baton_link_web.js', '/link/baton_link_web_bg.wasm', '/link/board.mjs']);
        await page.waitForSelector('[data-link="connect"]');
        assert.equal(await page.getAttribute('[data-link="status"]', 'class'), 'board-status error', kind);
      }
      // A board in safe mode: connected, with the reason; Disconnect closes the port.
      const safe = new FakePort('safe');
      next.push(safe);
      await page.click('[data-link="connect"]');
      await untilStatus(page, /^Connected — the board is in safe mode: the demo panicked: index out of bounds$/);
      assert.equal(await page.getAttribute('[data-link="status"]', 'class'), 'board-status warn');
      await page.click('[data-link="disconnect"]');
      await untilStatus(page, /^Disconnected\.$/);
      assert.ok(safe.closed, 'the port was not closed');
      await page.waitForSelector('[data-link="connect"]');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  });

  test('without Web Serial, one sentence says why there is no Connect button', async () => {
    const page = await newPage(env.browser);
    try {
      await page.addInitScript(() => Object.defineProperty(navigator, 'serial', { configurable: true, value: undefined }));
      await open(page, env.server.url, '?v=1&demo=blink-one');
      assert.equal(await page.$('[data-link="connect"]'), null);
      assert.match(await page.textContent('.board-link-panel'), /needs Web Serial, which this browser does not have/);
    } finally {
      await page.context().close();
    }
  });
});
