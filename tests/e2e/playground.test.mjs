// Browser end-to-end tests of the playground: `npm test` (after the playground is built into
// dist/, which `cargo xtask test` does first).
import { test, afterEach, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveAndLaunch, serveDist, newPage, open, consoleLines, workerTrace, linkCode, ARTIFACTS } from './harness.mjs';
import { EXAMPLES, assertExact, judge } from '../oracle/judge.mjs';

const DEMOS = [
  'blink-one',
  'blink-two',
  'blink-blocking',
  'blink-polling',
  'button-interval',
  'button-interval-two',
  'button-interval-await',
  'rainbow',
  'countio-interrupt',
  'keypad-transitions',
];

const env = serveAndLaunch();
const pages = [];
const closedErrors = [];

async function page(options) {
  const p = await newPage(env.browser, options);
  pages.push(p);
  return p;
}

/** Closes a page early (a running page costs CPU), keeping its errors for afterEach. */
async function close(p) {
  pages.splice(pages.indexOf(p), 1);
  closedErrors.push(...p.errors);
  await p.context().close();
}

afterEach(async () => {
  // No test may leave a console error or an uncaught exception behind.
  const errors = closedErrors.splice(0).concat(pages.flatMap((p) => p.errors));
  for (const p of pages.splice(0)) await p.context().close();
  assert.deepEqual(errors, [], 'errors in the browser console');
});

describe('playground', () => {
  test('loads and paints the board within a few seconds', async () => {
    const p = await page();
    const started = Date.now();
    await open(p, env.server.url);
    assert.ok(Date.now() - started < 8000, 'painted in time');
    // The default demo: two LEDs on D1 and D2.
    assert.equal(await p.inputValue('select[name="demo"]'), 'blink-two');
    const leds = await p.$$eval('[data-part="led"]', (els) => els.map((e) => e.dataset.pin));
    assert.deepEqual(leds, ['D1', 'D2']);
    // The picker lists every demo by id, grouped by the guide's sections.
    const options = await p.$$eval('select[name="demo"] option', (els) => els.map((e) => e.value));
    assert.deepEqual(options, DEMOS);
    assert.ok((await p.$$('select[name="demo"] optgroup')).length >= 4);
    // The source of the demo is shown next to the board.
    assert.match(await p.textContent('pre.source'), /create_task\(blink/);
    // It is fetched (dist/sources/) when a demo is first shown, and kept: another demo shows
    // its own file, and going back shows the first one again.
    await p.selectOption('select[name="demo"]', 'rainbow');
    await p.waitForFunction(() => /rainbowio|colorwheel/.test(document.querySelector('pre.source')?.textContent ?? ''));
    assert.match(await p.textContent('.file'), /rainbow\.rs/);
    await p.selectOption('select[name="demo"]', 'blink-two');
    assert.match(await p.textContent('pre.source'), /create_task\(blink/);
  });

  test('a source that cannot be fetched says so, and the board still runs', async () => {
    // Playwright's routes do not see what a service worker fetches: without one here.
    const p = await page({ serviceWorkers: 'block' });
    await p.route('**/sources/blink_one.rs', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await open(p, env.server.url, '?v=1&demo=blink-one');
    const note = p.locator('.source-note[role="alert"]');
    await note.waitFor();
    assert.match(await note.textContent(), /The source could not be loaded: sources\/blink_one\.rs: HTTP 404/);
    await p.waitForFunction(() => document.querySelector('[data-part="led"][data-on="true"]') !== null);
    // The browser logs the 404 that the route above made; that one is expected.
    const expected = /status of 404/;
    assert.equal(p.errors.filter((e) => expected.test(e)).length, 1);
    p.errors.splice(0, p.errors.length, ...p.errors.filter((e) => !expected.test(e)));
  });

  test('blink-one blinks D1 at its rate (0.25 s on, 0.25 s off) at 1x', async () => {
    const p = await page();
    await open(p, env.server.url, '?v=1&demo=blink-one');
    // Sample data-on on every animation frame for 1.5 s of wall time.
    const toggles = await p.evaluate(
      () =>
        new Promise((done) => {
          const led = () => document.querySelector('[data-part="led"][data-pin="D1"]').dataset.on;
          let last = led();
          let count = 0;
          const start = performance.now();
          const tick = () => {
            const now = led();
            if (now !== last) {
              count += 1;
              last = now;
            }
            if (performance.now() - start < 1500) requestAnimationFrame(tick);
            else done(count);
          };
          requestAnimationFrame(tick);
        }),
    );
    // 2 toggles per 0.5 s period: 6 in 1.5 s, with some tolerance for a busy machine.
    assert.ok(toggles >= 4 && toggles <= 8, `D1 toggled ${toggles} times in 1.5 s`);
    assert.match(await p.getAttribute('[data-pin="D1"]', 'data-on'), /^(true|false)$/);
  });

  test('button-interval: a click on D3 prints "interval is now 0.6"', async () => {
    const p = await page();
    await open(p, env.server.url, '?v=1&demo=button-interval');
    const button = p.locator('button[data-part="button"][data-pin="D3"]');
    assert.equal(await button.evaluate((b) => b.tagName), 'BUTTON');
    await button.click();
    await p.waitForFunction(
      () => document.querySelector('[data-console]').textContent.includes('interval is now 0.6'),
      null,
      { timeout: 5000 },
    );
    const lines = await consoleLines(p);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].text, 'interval is now 0.6');
  });

  test('"Download firmware" saves a UF2 with the running demo in its configuration block', async () => {
    const p = await page();
    await open(p, env.server.url, '?v=1&demo=button-interval&interval=0.7');
    const [download] = await Promise.all([
      p.waitForEvent('download', { timeout: 10000 }),
      p.click('button[data-download-board="pico"]'),
    ]);
    assert.equal(download.suggestedFilename(), 'baton-pico-button-interval.uf2');
    const bytes = await readFile(await download.path());
    assert.equal(bytes.length % 512, 0, 'whole 512-byte UF2 blocks');
    assert.equal(bytes.readUInt32LE(0), 0x0a324655, 'UF2 magic');
    assert.equal(bytes.readUInt32LE(28), 0xe48bff56, 'RP2040 family id');
    // The configuration block: the block whose target address is 0x101FF000.
    let config = null;
    for (let off = 0; off < bytes.length; off += 512) {
      if (bytes.readUInt32LE(off + 12) === 0x101ff000) config = bytes.subarray(off + 32, off + 32 + 256);
    }
    assert.ok(config, 'a block at 0x101FF000');
    assert.equal(config.subarray(0, 4).toString('latin1'), 'BATN');
    assert.match(config.toString('latin1'), /button-interval\ninterval=0\.7\n/);
  });

  test('the keyboard holds buttons too (key 2 is D4 on button-interval)', async () => {
    const p = await page();
    await open(p, env.server.url, '?v=1&demo=button-interval');
    assert.match(await p.textContent('[data-part="button"][data-pin="D4"]'), /2/);
    await p.keyboard.press('2');
    await p.waitForFunction(() => document.querySelector('[data-console]').textContent.includes('interval is now 0.4'));
  });

  test('a recorded run replays from its link: same lines at the same virtual times', async () => {
    const p = await page();
    await open(p, env.server.url, '?v=1&demo=button-interval');
    await p.getByRole('button', { name: /^Record/ }).click();
    await p.waitForTimeout(300);
    await p.click('[data-part="button"][data-pin="D4"]');
    await p.waitForTimeout(400);
    await p.click('[data-part="button"][data-pin="D3"]');
    await p.waitForFunction(() => document.querySelectorAll('[data-console] > *').length >= 2, null, { timeout: 5000 });
    await p.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await p.getByRole('button', { name: /Copy link/ }).click();
    const url = await p.textContent('[data-share-url]');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?v=1&demo=button-interval&rec=/);
    // The link is on the clipboard too (the browser allowed it).
    let copied;
    for (let i = 0; i < 20 && copied !== url; i++) {
      copied = await p.evaluate(() => navigator.clipboard.readText());
      if (copied !== url) await p.waitForTimeout(100);
    }
    assert.equal(copied, url);
    const live = await consoleLines(p);
    await close(p);
    assert.deepEqual(
      live.map((l) => l.text),
      ['interval is now 0.4', 'interval is now 0.5'],
    );

    const replay = await page();
    await replay.goto(url);
    await replay.waitForFunction(() => document.querySelectorAll('[data-console] > *').length >= 2, null, {
      timeout: 15_000,
    });
    assert.deepEqual(await consoleLines(replay), live);
    assert.equal(await replay.$('[data-link-error]'), null);
  });

  for (const [query, expected] of [
    ['?v=1&demo=nope', /unknown demo "nope"/],
    ['?v=99', /unsupported link version "99"/],
    ['?v=1&demo=button-interval&interval=-1', /interval.*must be above 0/],
  ]) {
    test(`a malformed link (${query}) shows its error and falls back`, async () => {
      const p = await page();
      await open(p, env.server.url, query);
      const error = p.locator('[data-link-error]');
      assert.ok(await error.isVisible());
      assert.match(await error.textContent(), expected);
      assert.equal(await p.inputValue('select[name="demo"]'), 'blink-two');
      assert.equal(await p.locator('[data-part="led"]').count(), 2);
    });
  }

  test('nothing from a link is injected as HTML', async () => {
    const p = await page();
    await open(p, env.server.url, '?v=1&demo=%3Cimg%20src=x%20onerror=alert(1)%3E');
    assert.match(await p.textContent('[data-link-error]'), /unknown demo "<img src=x onerror=alert\(1\)>"/);
    assert.equal(await p.locator('img').count(), 0);
  });

  test('a bad parameter shows an inline error and the demo keeps running', async () => {
    const p = await page();
    await open(p, env.server.url, '?v=1&demo=blink-two');
    await p.fill('#param-interval1', '-1');
    await p.press('#param-interval1', 'Enter');
    await p.waitForSelector('.field.invalid .error');
    assert.match(await p.textContent('.field.invalid .error'), /must be above 0/);
    const t0 = parseFloat(await p.textContent('.clock .time'));
    await p.waitForTimeout(400);
    assert.ok(parseFloat(await p.textContent('.clock .time')) > t0, 'virtual time still moves');
    // A valid value restarts the demo with it.
    await p.fill('#param-interval1', '0.5');
    await p.press('#param-interval1', 'Enter');
    await p.waitForFunction(() => !document.querySelector('.field.invalid'));
  });

  test('every demo paints; screenshots go to artifacts/screenshots/', async () => {
    const dir = join(ARTIFACTS, 'screenshots');
    await mkdir(dir, { recursive: true });
    for (const demo of DEMOS) {
      const p = await page({ viewport: { width: 1280, height: 900 } });
      await open(p, env.server.url, `?v=1&demo=${demo}`);
      await p.waitForTimeout(800);
      assert.equal(await p.inputValue('select[name="demo"]'), demo);
      const parts = await p.$$eval('[data-part]', (els) => els.map((e) => `${e.dataset.part}:${e.dataset.pin}`));
      assert.ok(parts.length > 0, `${demo}: no parts`);
      if (demo === 'rainbow') {
        const colors = await p.$$eval('[data-part="pixel-ring"] [data-color]', (els) => els.map((e) => e.dataset.color));
        assert.equal(colors.length, 24);
        assert.ok(colors.every((c) => /^[0-9a-f]{6}$/.test(c)), colors.join(' '));
        assert.ok(colors.some((c) => c !== '000000'), 'the ring is lit');
        assert.deepEqual(parts, ['pixel-ring:A0', 'button:A1', 'button:A2', 'button:A3']);
      }
      await p.screenshot({ path: join(dir, `${demo}.png`) });
      await close(p);
    }
  });

  test('fits a phone: no horizontal scrolling at 390 px, buttons work by touch', async () => {
    const p = await page({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    await open(p, env.server.url, '?v=1&demo=button-interval');
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `page is ${overflow}px wider than the screen`);
    await p.tap('[data-part="button"][data-pin="D3"]');
    await p.waitForFunction(() => document.querySelector('[data-console]').textContent.includes('interval is now 0.6'));
    await p.screenshot({ path: join(ARTIFACTS, 'screenshots', 'phone.png'), fullPage: false });
  });

  // The demos that block (one poll is the whole program) run in a worker, across frames: with
  // long intervals that poll lasts minutes, which in the page would freeze it.
  test('blink-polling with long intervals runs across frames: the page stays responsive, main has the CPU', async () => {
    const p = await page();
    await open(p, env.server.url, '?v=1&demo=blink-polling&interval1=60&count1=1000&interval2=60&count2=1000');
    await p.waitForFunction(() => /^\s*[1-9]/.test(document.querySelector('.clock .time').textContent), null, { timeout: 10_000 });
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
      assert.ok(Date.now() - t0 < 500, `a frame took ${Date.now() - t0} ms`);
      await p.waitForTimeout(200);
    }
    assert.match(await p.textContent('.inspector-panel'), /main #\d+\s*running/);
    assert.match(await p.textContent('.clock'), /running at 1×/);
    // Pause stops virtual time there too.
    await p.keyboard.press('p');
    const paused = await p.textContent('.clock .time');
    await p.waitForTimeout(400);
    assert.equal(await p.textContent('.clock .time'), paused);
  });

  test('when main returns the page says the program has ended, in the page and in the worker', async () => {
    // blink-one in the page, blink-blocking in the worker, and blink-one's code.py in Python mode.
    const code = linkCode(readFileSync(join(EXAMPLES, 'blink-one.py')));
    for (const demo of ['blink-one', 'blink-blocking', `blink-one&lang=python&code=${code}`]) {
      const p = await page();
      await open(p, env.server.url, `?v=1&demo=${demo}&speed=100`);
      await p.waitForFunction(() => /the program ended at \d/.test(document.querySelector('.clock').textContent), null, { timeout: 15_000 });
      const lines = await consoleLines(p);
      const end = parseFloat((await p.textContent('.clock')).match(/ended at ([\d.]+)/)[1]) * 1e6;
      assert.equal(Math.round(end), lines.at(-1).t, `${demo}: ends with its last print (${lines.at(-1).text})`);
      await close(p);
    }
  });

  test('a page that cannot run workers runs the blocking demos itself', async () => {
    const plain = await serveDist({ isolated: false });
    try {
      // Without service workers too (which would isolate the page: static-host.test.mjs).
      const p = await page({ serviceWorkers: 'block' });
      await p.addInitScript(() => {
        window.batonTraceLog = [];
      });
      await open(p, plain.url, '?v=1&demo=blink-blocking');
      await p.waitForFunction(() => document.querySelector('[data-part="led"][data-pin="D1"]').dataset.on === 'true');
      assert.equal(await p.evaluate(() => window.batonTraceLog.length), 0, 'no worker');
      assert.match(await p.textContent('.clock'), /inside a blocking poll/);
    } finally {
      await plain.close();
    }
  });

  for (const demo of ['blink-blocking', 'blink-polling']) {
    test(`the page runs ${demo} (in the worker) exactly as the judge`, async () => {
      const p = await page();
      const end = 6000;
      const trace = await workerTrace(p, env.server.url, `?v=1&demo=${demo}&speed=100`, end);
      const reference = judge(join(EXAMPLES, `${demo}.py`), end, 10);
      assert.match(assertExact(`${demo}.page`, reference, trace, end * 1000), /^exact: [1-9]/);
    });
  }
});

