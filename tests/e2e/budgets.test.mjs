// The download budgets (issues 10 and 23), on the built dist/ (gzip -9 of each file, summed;
// perf.mjs prints the same figures file by file):
// - the Rust page itself, its wasm and JavaScript, is at most 200 KB;
// - Python mode adds at most 260 KB (issue 23's budget, with pwmio, analogio, rotaryio and
//   the ticks modules), loaded only when it opens: what the page and its worker fetch from
//   dist/python/ to open Python mode on a demo and run its code.py.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, newPage, open, pageFiles, pythonFetched, gzTotal } from './harness.mjs';

const PAGE_BUDGET = 200_000;
const PYTHON_BUDGET = 260_000;

const list = (files) => files.map((f) => `${f.name} ${f.gz} B`).join(', ');

describe('download budgets (gzip -9)', () => {
  const env = serveAndLaunch();

  test(`the Rust page is at most ${PAGE_BUDGET} B`, async () => {
    const files = await pageFiles();
    assert.ok(files.some((f) => f.name.endsWith('.wasm')), 'dist/ has no wasm');
    const total = gzTotal(files);
    assert.ok(total <= PAGE_BUDGET, `the page is ${total} B gzipped: ${list(files)}`);
  });

  test('a Rust demo that runs in the page fetches nothing of Python mode', async () => {
    const page = await newPage(env.browser);
    const fetched = [];
    page.context().on('request', (r) => {
      // The service worker's offline copy (www/sw.js) is not the page's: it keeps the blocking
      // demos' worker, never MicroPython, until Python mode opens.
      if (r.serviceWorker()) return;
      if (new URL(r.url()).pathname.startsWith('/python/')) fetched.push(r.url());
    });
    try {
      await open(page, env.server.url, '?v=1&demo=blink-one');
      // Half a second of blinking: LEDs change, no worker starts.
      await page.waitForTimeout(500);
      assert.deepEqual(fetched, []);
    } finally {
      await page.context().close();
    }
  });

  test(`Python mode fetches at most ${PYTHON_BUDGET} B more`, async () => {
    const files = await pythonFetched(env.browser, env.server.url, '?v=1&demo=blink-one', async (page) => {
      await page.selectOption('select[name="language"]', 'python');
      await page.waitForSelector('[data-part="editor"] textarea');
    });
    for (const part of ['micropython.wasm', 'micropython.mjs', 'baton_py_bg.wasm', 'editor.js']) {
      assert.ok(files.some((f) => f.name === `python/${part}`), `Python mode did not fetch ${part}: ${list(files)}`);
    }
    const total = gzTotal(files);
    assert.ok(total <= PYTHON_BUDGET, `Python mode fetches ${total} B gzipped: ${list(files)}`);
  });
});
