// Your own Rust program in the playground (`cargo xtask serve --program PATH`,
// xtask/src/program.rs). template/'s `main` is built for the page's worker with
// `cargo xtask program template --out DIR` (what serve and build-web stage as program/) and
// served as program/ beside the built dist/: the picker offers it by its crate's name, its LEDs
// blink at the simulator's times (template/tests/timing.rs) and it prints "done". A new build of
// a copy made by `cargo xtask new-firmware` (a crate outside the repository) that does not compile
// is shown as its compiler errors at the next Reset, without a reload, and the demos still run.
//
// Without a program/ (a page built without --program) there is no entry to pick, and the test
// fails.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { DIST, ROOT, launch, newPage, open, consoleLines } from './harness.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

/** `cargo xtask …` from the repository root; its status. */
function xtask(...args) {
  return spawnSync('cargo', ['xtask', ...args], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] }).status;
}

/**
 * Serves dist/, isolated (as `trunk serve`), with program/ from `env.program` (a folder that
 * `cargo xtask program` wrote), switchable between tests.
 */
async function serve(env) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      const [root, rest] = path.startsWith('/program/') ? [env.program, path.slice('/program/'.length)] : [DIST, path];
      let file = normalize(join(root, rest));
      if (!file.startsWith(root)) throw new Error('outside');
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] || 'text/plain',
        'cache-control': 'no-store',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-embedder-policy': 'require-corp',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/** The pin events of the worker's trace messages (window.batonTraceLog, src/js/python.js). */
const pinEvents = (page, pin) =>
  page.evaluate(
    (pin) =>
      window.batonTraceLog
        .filter((m) => m.type === 'trace')
        .flatMap((m) => m.events)
        .filter((e) => e.kind === 'pin' && e.pin === pin)
        .map((e) => [e.t_us, e.value]),
    pin,
  );

describe('your own Rust program in the playground', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'baton-program-'));
  const env = { program: join(tmp, 'template'), server: null, browser: null };

  before(async () => {
    assert.equal(xtask('program', 'template', '--out', env.program), 0, 'cargo xtask program template failed');
    env.server = await serve(env);
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  test("the template's main runs in the page at the simulator's times", async () => {
    const page = await newPage(env.browser);
    await page.addInitScript(() => {
      window.batonTraceLog = [];
    });
    try {
      await open(page, env.server.url, '?v=1&demo=blink-one');
      const option = page.locator('select[name="demo"] option[value="your-program"]');
      await option.waitFor({ state: 'attached', timeout: 10_000 });
      assert.equal((await option.textContent()).trim(), 'Your program: my-app');
      await page.selectOption('select[name="demo"]', 'your-program');
      assert.match(await page.textContent('#demo-title'), /Your program: my-app/);
      // Its board is what main creates: D0 and D1 as LEDs, nothing of blink-one's.
      await page.waitForSelector('[data-part="led"][data-pin="D1"]', { timeout: 15_000 });
      assert.deepEqual(await page.$$eval('.board [data-part]', (els) => els.map((e) => `${e.dataset.part} ${e.dataset.pin}`)), [
        'led D0',
        'led D1',
      ]);
      // D0 is seen lit on the page on its way.
      await page.waitForSelector('[data-part="led"][data-pin="D0"][data-on="true"]', { timeout: 15_000 });
      await page.waitForFunction(
        () => [...document.querySelectorAll('[data-console] .line')].some((l) => l.textContent.includes('done')),
        null,
        { timeout: 30_000 },
      );
      // As template/tests/timing.rs asserts on the simulator.
      const d0 = await pinEvents(page, 'D0');
      const d1 = await pinEvents(page, 'D1');
      assert.deepEqual(d0.slice(0, 4), [[10, false], [20, true], [50_010, false], [100_010, true]]);
      assert.equal(d0.length, 9);
      assert.deepEqual(d1.slice(0, 3), [[10, false], [400_020, true], [420_010, false]]);
      assert.equal(d1.length, 7);
      const done = (await consoleLines(page)).filter((l) => l.text.includes('done'));
      assert.deepEqual(done.map((l) => l.t), [520_020]);
      // Its source pane is the crate's lib.rs.
      assert.match(await page.textContent('.source-panel'), /src\/lib\.rs[\s\S]*pub async fn main/);
      assert.deepEqual(page.errors, []);
    } finally {
      await page.context().close();
    }
  });

  test('a new build that fails shows its errors at the next Reset, and the demos still run', async () => {
    const page = await newPage(env.browser);
    try {
      await open(page, env.server.url, '?v=1&demo=blink-one');
      await page.locator('select[name="demo"] option[value="your-program"]').waitFor({ state: 'attached' });
      await page.selectOption('select[name="demo"]', 'your-program');
      await page.waitForSelector('[data-part="led"][data-pin="D0"]', { timeout: 15_000 });
      // A crate outside the repository, as `cargo xtask new-firmware` makes one, that does not
      // compile, served in its place (as `serve --program` restages a program that changed).
      const crate = join(tmp, 'broken-app');
      assert.equal(xtask('new-firmware', crate), 0);
      const lib = join(crate, 'src', 'lib.rs');
      writeFileSync(lib, readFileSync(lib, 'utf8') + '\npub fn broken() -> u32 {\n    "not a number"\n}\n');
      const broken = join(tmp, 'broken');
      assert.notEqual(xtask('program', crate, '--out', broken), 0, 'a program that does not compile built');
      env.program = broken;
      // Reset runs the program again: the new build, without a reload of the page.
      await page.click('button[aria-keyshortcuts="r"]');
      const alert = page.locator('.banner.error');
      await alert.waitFor({ timeout: 15_000 });
      const text = await alert.textContent();
      assert.match(text, /could not build broken-app/);
      assert.match(text, /src\/lib\.rs:\d+:\d+: error\[E0308\]: mismatched types/);
      // A demo runs as before.
      await page.selectOption('select[name="demo"]', 'blink-one');
      await page.waitForSelector('[data-part="led"][data-pin="D1"][data-on="true"]', { timeout: 15_000 });
      assert.equal(await page.locator('.banner.error').count(), 0);
    } finally {
      await page.context().close();
    }
  });
});
