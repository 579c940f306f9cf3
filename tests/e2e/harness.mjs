// Shared set-up of the browser tests: a tiny static server for dist/ on 127.0.0.1 (a free
// port), and Debian's Chromium through playwright-core.
import { createServer } from 'node:http';
import { readdir, readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { deflateRawSync, gzipSync } from 'node:zlib';
import { extname, join, normalize, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { before, after, afterEach } from 'node:test';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..', '..');
export const DIST = join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'artifacts');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/**
 * Serves dist/ on 127.0.0.1 and a free port; resolves to { url, close }. `isolated: false`
 * leaves out the cross-origin isolation headers (a static host that cannot send them).
 */
export async function serveDist({ isolated = true } = {}) {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error(
      `dist/ has no index.html (${DIST}): build the playground first ` +
        '(`cargo xtask build-web`; `cargo xtask test` does it for you)',
    );
  }
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(DIST, path));
      if (!file.startsWith(DIST)) {
        res.writeHead(403).end();
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      const headers = {
        'content-type': TYPES[extname(file)] || 'application/octet-stream',
        'cache-control': 'no-store',
      };
      if (isolated) {
        // As `trunk serve` (Trunk.toml): Python mode shares memory with its worker.
        headers['cross-origin-opener-policy'] = 'same-origin';
        headers['cross-origin-embedder-policy'] = 'require-corp';
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

/**
 * Serves `dir` with Python's own static server (no COOP, no COEP, no Cache-Control) on
 * 127.0.0.1 and a free port; resolves to { url, close }. It runs in a process group of its
 * own, which `close` ends (pyenv's `python3` is a shim that starts the real interpreter).
 */
export async function serveStatic(dir) {
  const child = spawn('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '--directory', dir, '0'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const exited = new Promise((ok) => child.once('exit', ok));
  const port = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`http.server did not start: ${out}`)), 15_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/port (\d+)/);
      if (m) {
        clearTimeout(timer);
        ok(Number(m[1]));
      }
    });
    exited.then((code) => fail(new Error(`http.server exited (${code}): ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      await exited;
    },
  };
}

/**
 * A test file's set-up: serves dist/ and launches Chromium before its tests, and stops both
 * after them. Returns `{ server, browser }`, filled in once they are up.
 */
export function serveAndLaunch() {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await serveDist();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/** Launches headless Chromium with a fresh profile. */
export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM} (cargo xtask setup installs Debian's chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A new page that records console errors and page errors in `page.errors`.
 * Options go to browser.newContext (viewport, colorScheme, …).
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.errors.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`));
  return page;
}

/**
 * Pages of one test file on `env`'s server, each closed after its test, whose browser console
 * must have had no errors: `page(query)` opens a new one at `query`; `track(p)` adds a page
 * made otherwise.
 */
export function checkedPages(env) {
  const pages = [];
  afterEach(async () => {
    const errors = pages.flatMap((p) => p.errors);
    for (const p of pages.splice(0)) await p.context().close();
    assert.deepEqual(errors, [], 'errors in the browser console');
  });
  const track = (p) => {
    pages.push(p);
    return p;
  };
  const page = async (query = '') => {
    const p = track(await newPage(env.browser));
    await open(p, env.server.url, query);
    return p;
  };
  return { page, track };
}

/** Bytes of Python code as a share link's `code` value (src/link.rs: `d1.` + base64url of raw DEFLATE). */
export function linkCode(bytes) {
  return 'd1.' + deflateRawSync(bytes).toString('base64url');
}

/** Opens the playground at `query` and waits until the board is painted. */
export async function open(page, base, query = '') {
  await page.goto(base + query);
  await page.waitForSelector('.board', { timeout: 10_000 });
  // The first animation frame has run once the board paint is marked.
  await page.waitForFunction(() => performance.getEntriesByName('board-painted').length > 0, null, {
    timeout: 10_000,
  });
}

/**
 * Waits until `page` (navigated already) is cross-origin isolated and painted: on a host that
 * sends no COOP/COEP, the first visit reloads once through the service worker (www/sw.js).
 */
export async function untilIsolated(page, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  // The reload may come at any time, so each look is its own evaluation.
  while (!(await page.evaluate(() => crossOriginIsolated).catch(() => false))) {
    if (Date.now() > deadline) throw new Error('the page did not become cross-origin isolated');
    await page.waitForTimeout(50);
  }
  await page.waitForSelector('.board', { timeout });
  await page.waitForFunction(() => performance.getEntriesByName('board-painted').length > 0, null, { timeout });
}

/** The console's lines: [{ t: µs, text }]. */
export function consoleLines(page) {
  return page.$$eval('[data-console] > *', (els) =>
    els.map((el) => ({ t: Number(el.getAttribute('data-t-us')), text: el.querySelector('.text')?.textContent ?? el.textContent })),
  );
}

/** The virtual display time of the page, in µs (from the clock). */
export async function virtualSeconds(page) {
  const text = await page.textContent('.clock .time');
  return parseFloat(text);
}

/**
 * Opens `query` on `page` (fresh) with the worker's messages logged, lets it run past `endMs`
 * of virtual time, and resolves to the run's whole trace as JSON Lines, taken from the
 * worker's messages (a Python program's, or a blocking Rust demo's run in the worker).
 */
export async function workerTrace(page, base, query, endMs) {
  await page.addInitScript(() => {
    window.batonTraceLog = [];
  });
  await open(page, base, query);
  await page.waitForFunction((end) => parseFloat(document.querySelector('.clock .time').textContent) * 1000 > end, endMs, {
    timeout: 60_000,
    polling: 100,
  });
  await page.waitForTimeout(300);
  return page.evaluate(() =>
    window.batonTraceLog
      .filter((m) => m.type === 'trace')
      .flatMap((m) => m.events)
      .map((e) => JSON.stringify(e) + '\n')
      .join(''),
  );
}

// ---- Sizes ---------------------------------------------------------------------------------
// What a visitor downloads, as the budgets count it (issue 10): each file compressed with
// gzip -9 (zlib's), summed. perf.mjs prints these, budgets.test.mjs checks them.

/** A file of dist/ (a path under it): its size raw and gzip -9. */
export async function fileSize(name) {
  const body = await readFile(join(DIST, name));
  return { name, raw: body.length, gz: gzipSync(body, { level: 9 }).length };
}

/** The page's own download: the wasm and JS of dist/ and the snippets its glue imports at start. */
export async function pageFiles() {
  const snippets = (await readdir(join(DIST, 'snippets'), { recursive: true }))
    .filter((name) => name.endsWith('.js'))
    .map((name) => join('snippets', name));
  const names = [...(await readdir(DIST)), ...snippets].filter((name) => /\.(wasm|js)$/.test(name));
  return Promise.all(names.map(fileSize));
}

/**
 * What a page fetches from dist/python/ (the worker's files, loaded on demand) to run `query`
 * after `act(page)`, once the run has sent its first trace: the files, as fileSize gives them,
 * recorded from the requests of the page and of its worker.
 */
export async function pythonFetched(browser, base, query, act) {
  const page = await newPage(browser);
  await page.addInitScript(() => {
    window.batonTraceLog = [];
  });
  const fetched = new Set();
  // The context's requests include the worker's (its imports, its wasm).
  page.context().on('request', (r) => {
    // Not what the service worker fetches for itself (its offline copy, www/sw.js).
    if (r.serviceWorker()) return;
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/python/')) fetched.add(path.slice(1));
  });
  try {
    await open(page, base, query);
    await act(page);
    await page.waitForFunction(() => window.batonTraceLog.some((m) => m.type === 'trace'), null, { timeout: 60_000 });
    return await Promise.all([...fetched].sort().map(fileSize));
  } finally {
    await page.context().close();
  }
}

/** The sum of the files' gzip -9 sizes. */
export const gzTotal = (files) => files.reduce((sum, f) => sum + f.gz, 0);

/** Switches to Python mode and waits for the editor. */
export async function python(p, program) {
  await p.selectOption('select[name="language"]', 'python');
  if (program) await p.selectOption('select[name="demo"]', program);
  await p.waitForSelector('[data-part="editor"] textarea', { timeout: 15_000 });
}

/** Replaces the editor's text by typing (as a paste, so the editor does not re-indent it). */
export async function setCode(p, text) {
  await p.click('[data-part="editor"] textarea');
  await p.keyboard.press('Control+A');
  await p.keyboard.press('Delete');
  await p.keyboard.insertText(text);
}
