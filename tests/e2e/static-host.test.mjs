// The playground on a host that sends no special headers: `python3 -m http.server` over dist/,
// as GitHub Pages or a school's web space would serve it. The service worker (www/sw.js)
// makes the page cross-origin isolated after one reload, so Python mode and the blocking Rust
// demos run in their worker there too; and it keeps the page for offline use. Part of
// `npm test` (after `cargo xtask build-web`).
import { test, describe, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIST, ROOT, launch, newPage, serveStatic, untilIsolated, python, setCode } from './harness.mjs';

const env = { server: null, browser: null };
before(async () => {
  env.server = await serveStatic(DIST);
  env.browser = await launch();
});
after(async () => {
  await env.browser?.close();
  await env.server?.close();
});

const pages = [];
afterEach(async () => {
  const errors = pages.flatMap((p) => p.errors);
  for (const p of pages.splice(0)) await p.context().close();
  assert.deepEqual(errors, [], 'errors in the browser console');
});

/** A first visit (a fresh browser profile) of `query`, once the page is isolated and painted. */
async function visit(query = '', base = env.server.url, options = {}) {
  const p = await newPage(env.browser, options);
  pages.push(p);
  p.navigations = 0;
  p.on('framenavigated', (frame) => {
    if (frame === p.mainFrame()) p.navigations++;
  });
  await p.goto(base + query);
  await untilIsolated(p);
  return p;
}



/** Polls `fn(arg)`, an async function, in the page until it answers true (waitForFunction
 * would take its promise for a truthy answer). */
async function until(p, fn, arg, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (!(await p.evaluate(fn, arg))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${fn}`);
    await p.waitForTimeout(250);
  }
}

/**
 * Takes the network away: Playwright's offline mode, the server stopped, and the browser's
 * HTTP cache emptied (python's server sends no Cache-Control, so the browser would keep its
 * files fresh for a while on its own): what loads then comes from the service worker's cache.
 */
async function offline(p, server) {
  await p.context().setOffline(true);
  await server.close();
  const cdp = await p.context().newCDPSession(p);
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
}

/** The page's caches: { name: [paths] }. */
const cacheList = (p) =>
  p.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
    return out;
  });

const editorText = (p) => p.$eval('[data-part="editor"]', (el) => el.batonEditor.getText());
const clock = (p) => p.textContent('.clock .time');
const status = (p) => p.textContent('.clock');
const consoleHas = (p, text, timeout = 15_000) =>
  p.waitForFunction((t) => document.querySelector('[data-console]')?.textContent.includes(t), text, { timeout });

const BLINK_AND_BUTTON = [
  'import asyncio',
  'import board',
  'import digitalio',
  'import keypad',
  '',
  'async def blink():',
  '    with digitalio.DigitalInOut(board.D1) as led:',
  '        led.switch_to_output()',
  '        while True:',
  '            led.value = not led.value',
  '            await asyncio.sleep(0.2)',
  '',
  'async def watch():',
  '    with keypad.Keys((board.D3,), value_when_pressed=False, pull=True) as keys:',
  '        while True:',
  '            event = keys.events.get()',
  '            if event and event.pressed:',
  '                print("pressed", event.key_number)',
  '            await asyncio.sleep(0.01)',
  '',
  'async def main():',
  '    await asyncio.gather(blink(), watch())',
  '',
  'asyncio.run(main())',
  '',
].join('\n');

describe('on a static host without COOP/COEP (python3 -m http.server)', () => {
  test('the server sends no isolation headers, and the page is isolated after one reload', async () => {
    const res = await fetch(env.server.url);
    assert.equal(res.headers.get('cross-origin-opener-policy'), null);
    assert.equal(res.headers.get('cross-origin-embedder-policy'), null);
    const p = await visit();
    assert.equal(p.navigations, 2, 'the first visit reloads once');
    // A later visit in the same profile is isolated at once.
    await p.goto(env.server.url + '?v=1&demo=blink-two');
    assert.equal(await p.evaluate(() => crossOriginIsolated), true);
    assert.equal(p.navigations, 3);
  });

  test('a hard reload, which bypasses the service worker, is taken and reloaded isolated', async () => {
    const p = await visit();
    const before = p.navigations;
    const cdp = await p.context().newCDPSession(p);
    await cdp.send('Page.reload', { ignoreCache: true });
    // The hard reload (not isolated: the worker did not serve it), then the one through it.
    const deadline = Date.now() + 15_000;
    while (p.navigations < before + 2 && Date.now() < deadline) await p.waitForTimeout(50);
    assert.equal(p.navigations, before + 2);
    await untilIsolated(p);
    await p.waitForTimeout(500);
    assert.equal(p.navigations, before + 2, 'and no more');
  });

  test('a service worker that cannot isolate the page reloads it once, not in a loop', async () => {
    // Its headers renamed: it serves the page, which stays without isolation.
    const dir = mkdtempSync(join(tmpdir(), 'baton-e2e-static-'));
    try {
      cpSync(DIST, dir, { recursive: true });
      const sw = readFileSync(join(dir, 'sw.js'), 'utf8');
      assert.ok(sw.includes('"Cross-Origin-Embedder-Policy"'));
      writeFileSync(join(dir, 'sw.js'), sw.replaceAll('"Cross-Origin-', '"X-Not-Cross-Origin-'));
      const server = await serveStatic(dir);
      try {
        const p = await newPage(env.browser);
        pages.push(p);
        p.navigations = 0;
        p.on('framenavigated', (frame) => {
          if (frame === p.mainFrame()) p.navigations++;
        });
        await p.goto(server.url);
        await p.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
        await p.waitForTimeout(2000);
        assert.equal(p.navigations, 2, 'the first load, then one reload');
        assert.equal(await p.evaluate(() => crossOriginIsolated), false);
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('type a program, run it: it blinks, a press prints, at 1x; pause and step hold', async () => {
    const p = await visit();
    await python(p, 'your-program');
    await setCode(p, BLINK_AND_BUTTON);
    await p.click('[data-part="run"]');
    const led = p.locator('[data-part="led"][data-pin="D1"]');
    await led.waitFor({ timeout: 15_000 });
    await p.waitForFunction(() => document.querySelector('[data-part="led"][data-pin="D1"]').dataset.on === 'true', null, {
      timeout: 10_000,
    });
    // It blinks: the LED is seen off and on again.
    await p.waitForFunction(() => document.querySelector('[data-part="led"][data-pin="D1"]').dataset.on === 'false');
    await p.waitForFunction(() => document.querySelector('[data-part="led"][data-pin="D1"]').dataset.on === 'true');
    await p.click('button[data-part="button"][data-pin="D3"]');
    await consoleHas(p, 'pressed 0');
    // 1x: virtual time keeps to wall time.
    const [v0, w0] = [parseFloat(await clock(p)), Date.now()];
    await p.waitForTimeout(2000);
    const [v1, w1] = [parseFloat(await clock(p)), Date.now()];
    const speed = (v1 - v0) / ((w1 - w0) / 1000);
    assert.ok(speed > 0.8 && speed < 1.1, `1x ran at ${speed.toFixed(2)}x`);
    assert.match(await status(p), /running at 1×/);
    // Pause: the clock stands; Step: it moves, by less than a blink.
    await p.keyboard.press('p');
    await p.waitForFunction(() => /paused/.test(document.querySelector('.clock').textContent));
    const paused = await clock(p);
    await p.waitForTimeout(500);
    assert.equal(await clock(p), paused);
    await p.keyboard.press('n');
    await p.waitForFunction((t) => document.querySelector('.clock .time').textContent !== t, paused, { timeout: 5000 });
    const stepped = parseFloat(await clock(p)) - parseFloat(paused);
    assert.ok(stepped > 0 && stepped <= 0.2, `a step moved ${stepped} s`);
  });

  test('a share link carries the code to a first visit', async () => {
    const p = await visit('?v=1&demo=blink-one');
    await python(p);
    const edited = (await editorText(p)) + '\nprint("mine")\n';
    await setCode(p, edited);
    await p.click('[data-part="run"]');
    await consoleHas(p, 'mine');
    await p.getByRole('button', { name: /Copy link/ }).click();
    const url = await p.textContent('[data-share-url]');
    assert.match(url, /lang=python&code=d1\./);
    const q = await visit(url.slice(url.indexOf('?')));
    await q.waitForSelector('[data-part="editor"] textarea', { timeout: 15_000 });
    assert.equal(await editorText(q), edited);
    await consoleHas(q, 'mine');
  });

  test('an error names its line, and a program that cannot start says so: no clock, no "running"', async () => {
    const p = await visit();
    await python(p, 'your-program');
    await setCode(p, 'import asyncio\n\ndef broken(:\n    pass\n');
    await p.click('[data-part="run"]');
    const error = p.locator('[data-part="python-error"]');
    await error.waitFor({ timeout: 15_000 });
    assert.match(await error.textContent(), /^line 3: SyntaxError/);
    await p.waitForFunction(() => /could not start/.test(document.querySelector('.clock').textContent));
    const at = await clock(p);
    await p.waitForTimeout(700);
    assert.equal(await clock(p), at, 'the clock stands');
    assert.equal(parseFloat(at), 0);
    assert.doesNotMatch(await status(p), /running/);
    // An error after 0.3 s: the status says when, and the clock stays there.
    await setCode(p, 'import asyncio\n\nasync def main():\n    await asyncio.sleep(0.3)\n    print(1 / 0)\n\nasyncio.run(main())\n');
    await p.click('[data-part="run"]');
    await p.waitForFunction(() => /^line 5: ZeroDivisionError/.test(document.querySelector('[data-part="python-error"]')?.textContent ?? ''), null, {
      timeout: 15_000,
    });
    await p.waitForFunction(() => /stopped at 0\.3\d* s/.test(document.querySelector('.clock').textContent));
    // The display reaches the stop (a frame or so), and stays.
    await p.waitForFunction(() => document.querySelector('.clock .time').textContent === '0.300 s');
    const stopped = await clock(p);
    await p.waitForTimeout(700);
    assert.equal(await clock(p), stopped);
    assert.doesNotMatch(await status(p), /running/);
  });

  test('a task that never awaits does not freeze the page: the 2 s stop names it', async () => {
    const p = await visit();
    await python(p, 'your-program');
    await setCode(p, 'import asyncio\n\nasync def spin():\n    while True:\n        pass\n\nasync def main():\n    await asyncio.gather(spin())\n\nasyncio.run(main())\n');
    await p.click('[data-part="run"]');
    const started = Date.now();
    await p.waitForTimeout(500);
    const t0 = Date.now();
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    assert.ok(Date.now() - t0 < 500, `a frame took ${Date.now() - t0} ms`);
    const error = p.locator('[data-part="python-error"]');
    await error.waitFor({ timeout: 10_000 });
    assert.match(await error.textContent(), /task `spin` has run 2 s without awaiting/);
    assert.ok(Date.now() - started < 6000);
    assert.match(await status(p), /stopped at/);
  });

  test('from a folder of the host (a GitHub project site): isolated, and Python mode runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-e2e-static-'));
    symlinkSync(DIST, join(dir, 'baton'));
    const server = await serveStatic(dir);
    try {
      const p = await visit('baton/?v=1&demo=blink-one', server.url);
      assert.equal(await p.evaluate(() => navigator.serviceWorker.controller.scriptURL), `${server.url}baton/sw.js`);
      await python(p);
      await setCode(p, 'print("from a folder")\n');
      await p.click('[data-part="run"]');
      await consoleHas(p, 'from a folder');
    } finally {
      await server.close();
      unlinkSync(join(dir, 'baton'));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the blocking Rust demos run in the worker', async () => {
    const p = await newPage(env.browser);
    pages.push(p);
    await p.addInitScript(() => {
      window.batonTraceLog = [];
    });
    await p.goto(env.server.url + '?v=1&demo=blink-blocking&speed=10');
    await untilIsolated(p);
    await p.waitForFunction(() => window.batonTraceLog.some((m) => m.type === 'trace' && m.events.some((e) => e.kind === 'pin')), null, {
      timeout: 15_000,
    });
    assert.doesNotMatch(await status(p), /inside a blocking poll/);
  });
});

describe('without a service worker (an http page off localhost, or workers blocked)', () => {
  test('Python mode says what it needs, and its status that it could not start', async () => {
    const p = await newPage(env.browser, { serviceWorkers: 'block' });
    pages.push(p);
    await p.goto(env.server.url + '?v=1&demo=blink-one');
    await p.waitForSelector('.board');
    assert.equal(await p.evaluate(() => crossOriginIsolated), false);
    await python(p);
    const error = p.locator('[data-part="python-error"]');
    await error.waitFor({ timeout: 15_000 });
    assert.match(await error.textContent(), /cross-origin isolated page — on https or localhost the page's service worker makes it one/);
    await p.waitForFunction(() => /could not start/.test(document.querySelector('.clock').textContent));
    const at = await clock(p);
    await p.waitForTimeout(700);
    assert.equal(await clock(p), at);
    assert.equal(parseFloat(at), 0);
  });
});

describe('offline', () => {
  test('after one visit the page reloads and runs with the network off: both modes, the guide, Python', async () => {
    // A server of its own, which this test stops.
    const server = await serveStatic(DIST);
    const p = await visit('', server.url);
    try {
      // Python mode, opened once (its files are kept as it fetches them).
      await python(p, 'blink-one');
      await p.waitForSelector('[data-part="led"]', { timeout: 15_000 });
      // Everything of the first visit is kept once the service worker says so.
      await until(
        p,
        async () => {
          const names = await caches.keys();
          if (names.length !== 1) return false;
          const keys = (await (await caches.open(names[0])).keys()).map((r) => new URL(r.url).pathname);
          return ['/index.html', '/python/micropython.wasm', '/python/editor.js', '/python/baton_demo_sim_bg.wasm', '/sources/blink_one.rs'].every(
            (k) => keys.includes(k),
          );
        },
        null,
        30_000,
      );
      // MicroPython is kept because Python mode was opened; the firmware was never asked for.
      const [kept] = Object.values(await cacheList(p));
      assert.ok(!kept.some((k) => k.startsWith('/firmware/')), kept.join(' '));
      await offline(p, server);
      await p.reload();
      await p.waitForSelector('.board', { timeout: 15_000 });
      assert.equal(await p.evaluate(() => crossOriginIsolated), true);
      // Rust mode: a demo in the page, its source, and a blocking one in the worker.
      assert.equal(await p.inputValue('select[name="language"]'), 'rust');
      await p.selectOption('select[name="demo"]', 'blink-one');
      await p.waitForFunction(() => /async fn blink/.test(document.querySelector('pre.source')?.textContent ?? ''), null, { timeout: 10_000 });
      await p.selectOption('select[name="demo"]', 'blink-blocking');
      await p.waitForFunction(() => document.querySelector('[data-part="led"][data-pin="D1"]')?.dataset.on === 'true', null, { timeout: 15_000 });
      assert.doesNotMatch(await status(p), /inside a blocking poll|could not/);
      // Python mode: a guide program and one of ours.
      await python(p, 'button-interval');
      assert.match(await editorText(p), /keypad/);
      await setCode(p, 'import asyncio\n\nasync def main():\n    await asyncio.sleep(0.1)\n    print("offline")\n\nasyncio.run(main())\n');
      await p.click('[data-part="run"]');
      await consoleHas(p, 'offline');
    } finally {
      await server.close();
    }
  });

  test('what another script writes into the cache is never served as the page', async () => {
    // A Python program reaches JavaScript in its worker, which is same-origin: the Cache API
    // is open to it. Written here from the page, as it could be from there.
    const server = await serveStatic(DIST);
    try {
      const p = await visit('', server.url);
      await until(p, async () => {
        const [name] = await caches.keys();
        return !!name && !!(await (await caches.open(name)).match('sources/blink_one.rs'));
      });
      await p.evaluate(async () => {
        const [name] = await caches.keys();
        await (await caches.open(name)).put('sources/blink_one.rs', new Response('// poisoned\n'));
      });
      await offline(p, server);
      // Online files come from the network, so the poisoned copy would only show offline.
      p.errors.length = 0;
      await p.reload();
      await p.waitForSelector('.board', { timeout: 15_000 });
      await p.selectOption('select[name="demo"]', 'blink-one');
      // The copy is not the build's: not served, the source pane says it could not load it.
      const note = p.locator('.source-note[role="alert"]');
      await note.waitFor({ timeout: 10_000 });
      assert.match(await note.textContent(), /could not be loaded/);
      assert.doesNotMatch(await p.textContent('main'), /poisoned/);
      // The failed fetch is the page's only complaint.
      assert.ok(p.errors.every((e) => /Failed to load resource/.test(e)), p.errors.join('\n'));
      p.errors.length = 0;
    } finally {
      await server.close();
    }
  });

  test('a new build replaces the old one: its cache, and what an offline reload shows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-e2e-static-'));
    try {
      cpSync(DIST, dir, { recursive: true });
      const server = await serveStatic(dir);
      try {
        const p = await visit('', server.url);
        // The first visit's copy: the page, its sources and the blocking demos' worker, once
        // the service worker's fill has ended (the count holds for a second): a snapshot taken
        // while it still fills would ask the new build's cache for fewer files than it keeps.
        await until(p, async () => (await caches.keys()).length === 1 && (await (await caches.open((await caches.keys())[0])).keys()).length >= 20);
        let kept = [];
        let first;
        for (let same = 0; same < 4; ) {
          await p.waitForTimeout(250);
          const [[name, files]] = Object.entries(await cacheList(p));
          same = files.length === kept.length ? same + 1 : 0;
          [first, kept] = [name, files];
        }
        // A new build: one source changes, and the service worker is written again for it.
        writeFileSync(join(dir, 'sources', 'blink_one.rs'), '// the new build\nasync fn blink() {}\n');
        execFileSync('node', [join(ROOT, 'tools', 'web', 'service-worker.mjs'), dir]);
        // One reload: the browser finds the new worker, which takes over and deletes the old cache.
        await p.reload();
        await until(
          p,
          async ([old, count]) => {
            const names = await caches.keys();
            return names.length === 1 && names[0] !== old && (await (await caches.open(names[0])).keys()).length === count;
          },
          [first, kept.length],
        );
        await offline(p, server);
        await p.reload();
        await p.waitForSelector('.board', { timeout: 15_000 });
        await p.selectOption('select[name="demo"]', 'blink-one');
        await p.waitForFunction(() => /the new build/.test(document.querySelector('pre.source')?.textContent ?? ''), null, { timeout: 10_000 });
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
