// Performance figures of the playground (run by hand, not by `npm test`):
//
//   cargo xtask build-web && (cd tests/e2e && node perf.mjs)
//
// Prints: the gzipped size of the wasm + JS in dist/ (and of the worker's files, loaded on
// demand, with what Python mode and a blocking demo each fetch of them; ONLY=sizes stops
// there), the time from navigation to the first board paint (ONLY=paint stops there), the frame times and main-thread
// busy share on the rainbow demo (and the busiest polling demo) at 1x and 100x, and for Python
// mode: the time from Run to the program's first event with the interpreter cached, and the
// speed each guide program reaches at poll cost 10, measured in headless Chromium.
//
// HOST=static serves dist/ with `python3 -m http.server` instead (no COOP/COEP: the service
// worker isolates the page, and each fresh context's first visit reloads once); it leaves out
// the sizes, which do not depend on the host.
import { readdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus } from 'node:os';
import {
  serveDist,
  serveStatic,
  untilIsolated,
  launch,
  newPage,
  open as openIsolated,
  linkCode,
  DIST,
  fileSize,
  pageFiles,
  pythonFetched,
  gzTotal,
} from './harness.mjs';
import { EXAMPLES } from '../oracle/judge.mjs';

const SAMPLE_MS = Number(process.env.SAMPLE_MS || 5000);
const STATIC = process.env.HOST === 'static';

/** Opens `query` and waits for the board; on the static host, for the reload that isolates it. */
async function open(page, url, query = '') {
  if (!STATIC) return openIsolated(page, url, query);
  await page.goto(url + query);
  await untilIsolated(page);
}
const LOADS = Number(process.env.LOADS || 5);

function kib(n) {
  return `${(n / 1024).toFixed(1)} KiB`;
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function sizes() {
  const show = (f) => `  ${f.name}: ${kib(f.raw)} raw, ${kib(f.gz)} gzip -9`;
  const page = await pageFiles();
  console.log('Size (dist/):');
  page.forEach((f) => console.log(show(f)));
  const raw = (files) => files.reduce((sum, f) => sum + f.raw, 0);
  console.log(`  total wasm + JS: ${kib(raw(page))} raw, ${kib(gzTotal(page))} gzip -9 (${gzTotal(page)} B)`);
  const python = await Promise.all((await readdir(join(DIST, 'python'))).map((name) => fileSize(join('python', name))));
  console.log('Python mode, loaded when it opens (dist/python/):');
  python.forEach((f) => console.log(show(f)));
  console.log(`  total: ${kib(raw(python))} raw, ${kib(gzTotal(python))} gzip -9 (${gzTotal(python)} B)`);
}

/** What a page fetches from dist/python/ to run `query` — after `act` — with each file's gzip -9
 * size: what a visitor downloads. */
async function loads(browser, url, label, query, act) {
  const files = await pythonFetched(browser, url, query, act);
  const rows = files.map((f) => `${f.name.slice('python/'.length)} ${kib(f.gz)}`);
  console.log(`  ${label}: ${kib(gzTotal(files))} gzip -9 (${gzTotal(files)} B): ${rows.join(', ')}`);
}

/** Python mode: Run → first event, with the interpreter cached (the second Run of a page). */
async function pythonFirstRun(browser, url) {
  const page = await newPage(browser);
  await page.addInitScript(() => {
    window.batonTraceLog = [];
  });
  await open(page, url, '?v=1&demo=blink-one');
  await page.selectOption('select[name="language"]', 'python');
  await page.waitForSelector('[data-part="editor"] textarea');
  await page.waitForSelector('[data-part="led"]');
  const times = [];
  for (let i = 0; i < LOADS; i++) {
    const ms = await page.evaluate(
      () =>
        new Promise((done) => {
          const seen = window.batonTraceLog.length;
          const start = performance.now();
          document.querySelector('[data-part="run"]').click();
          const check = () => {
            // The first trace message of the new run: its first LED change.
            const fresh = window.batonTraceLog.slice(seen).some((m) => m.type === 'trace' && m.events.some((e) => e.kind === 'pin'));
            if (fresh) done(performance.now() - start);
            else setTimeout(check, 2);
          };
          check();
        }),
    );
    times.push(ms);
    await page.waitForTimeout(300);
  }
  times.sort((a, b) => a - b);
  console.log(`Python mode, Run to the program's first LED change (${LOADS} runs, interpreter cached):`);
  console.log(`  median ${quantile(times, 0.5).toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times.at(-1).toFixed(0)})`);
  await page.context().close();
}

/** Python mode: the speed a guide program reaches at poll cost 10 (asked for 100x): virtual
 * time the worker has reported per second of wall time, over SAMPLE_MS after 1 s (or until the
 * program ends: the blink programs do). */
async function pythonSpeed(browser, url, demo, whole = false) {
  const page = await newPage(browser);
  await page.addInitScript(() => {
    const log = [];
    const push = log.push.bind(log);
    log.push = (m) => push({ ...m, wall: performance.now() });
    window.batonTraceLog = log;
  });
  // Opened from a share link, so the page starts in Python mode: opened in Rust mode and
  // switched, a blocking Rust demo's worker would run first and its messages (its `ready`,
  // its `done`) would mix with the Python run's in the log.
  const code = linkCode(readFileSync(join(EXAMPLES, `${demo}.py`)));
  await open(page, url, `?v=1&demo=${demo}&speed=100&lang=python&code=${code}`);
  await page.waitForFunction(() => window.batonTraceLog.some((m) => m.type === 'ready'));
  await page.waitForTimeout(1000 + SAMPLE_MS);
  if (whole) {
    // The whole run, from the program's start to its end (the first second included).
    await page.waitForFunction(() => window.batonTraceLog.some((m) => m.type === 'done'), null, { timeout: 120_000 });
    const [virtualUs, wallMs] = await page.evaluate(() => {
      const ready = window.batonTraceLog.find((m) => m.type === 'ready').wall;
      const done = window.batonTraceLog.find((m) => m.type === 'done').wall;
      const last = window.batonTraceLog.filter((m) => m.type === 'trace').flatMap((m) => m.events).at(-1);
      return [last.t_us, done - ready];
    });
    console.log(`  ${demo}, whole run: ${(virtualUs / 1e6).toFixed(2)} s of virtual time in ${(wallMs / 1000).toFixed(2)} s: ${(virtualUs / 1000 / wallMs).toFixed(2)}x`);
  }
  const r = await page.evaluate((sampleMs) => {
    const ready = window.batonTraceLog.find((m) => m.type === 'ready').wall;
    const points = [];
    for (const m of window.batonTraceLog) {
      if (m.type === 'done') points.push([m.wall, null]);
      if (m.type !== 'trace') continue;
      let v = 0;
      for (let i = 1; i < m.turns.length; i += 5) v = Math.max(v, m.turns[i]);
      if (m.events.length) v = Math.max(v, m.events.at(-1).t_us);
      points.push([m.wall, v]);
    }
    const from = ready + 1000;
    const inWindow = points.filter(([w, v]) => w >= from && w <= from + sampleMs && v !== null);
    const done = points.find(([, v]) => v === null);
    if (inWindow.length < 2) {
      // Over within the first second: from the start to the last event.
      const last = points.filter(([, v]) => v !== null).at(-1);
      return { speed: last ? last[1] / 1000 / (last[0] - ready) : NaN, note: done ? 'ended' : 'no data' };
    }
    const [w0, v0] = inWindow[0];
    const [w1, v1] = inWindow.at(-1);
    return { speed: (v1 - v0) / 1000 / (w1 - w0), note: done ? 'ended during the sample' : '' };
  }, SAMPLE_MS);
  console.log(`  ${demo}: ${r.speed.toFixed(2)}x real time${r.note ? ` (${r.note})` : ''}`);
  if (page.errors.length) console.log('  errors:', page.errors);
  await page.context().close();
}

async function firstPaint(browser, url) {
  const marks = [];
  const fcps = [];
  const walls = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await newPage(browser);
    const start = Date.now();
    await open(page, url);
    walls.push(Date.now() - start);
    const [mark, fcp] = await page.evaluate(() => [
      performance.getEntriesByName('board-painted')[0].startTime,
      performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    ]);
    marks.push(mark);
    fcps.push(fcp);
    if (page.errors.length) console.log('  errors:', page.errors);
    await page.context().close();
  }
  marks.sort((a, b) => a - b);
  fcps.sort((a, b) => a - b);
  console.log(`Navigation to first board paint (${LOADS} loads, fresh context each):`);
  console.log(`  board-painted mark: median ${quantile(marks, 0.5).toFixed(0)} ms (min ${marks[0].toFixed(0)}, max ${marks.at(-1).toFixed(0)})`);
  console.log(`  first-contentful-paint: median ${quantile(fcps, 0.5).toFixed(0)} ms`);
  walls.sort((a, b) => a - b);
  // From the test's side: the reload of a first visit on the static host included.
  console.log(
    `  goto to an isolated, painted board (wall, polled every 50 ms): median ${quantile(walls, 0.5)} ms ` +
      `(min ${walls[0]}, max ${walls.at(-1)})`,
  );
}

async function frames(browser, url, query) {
  const page = await newPage(browser);
  await open(page, url, query);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.waitForTimeout(1000); // warm up
  const metric = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
  };
  const before = await metric();
  const result = await page.evaluate(
    (ms) =>
      new Promise((done) => {
        const deltas = [];
        const long = [];
        const obs = new PerformanceObserver((list) => long.push(...list.getEntries().map((e) => e.duration)));
        try {
          obs.observe({ type: 'longtask', buffered: false });
        } catch {}
        const start = performance.now();
        let last = start;
        const tick = (t) => {
          deltas.push(t - last);
          last = t;
          if (t - start < ms) requestAnimationFrame(tick);
          else {
            obs.disconnect();
            done({ deltas: deltas.slice(1), long, wall: performance.now() - start });
          }
        };
        requestAnimationFrame(tick);
      }),
    SAMPLE_MS,
  );
  const after = await metric();
  const clock = await page.innerText('.clock');
  const busy = (after.TaskDuration - before.TaskDuration) / ((after.Timestamp - before.Timestamp) || result.wall / 1000);
  const script = (after.ScriptDuration - before.ScriptDuration) / ((after.Timestamp - before.Timestamp) || 1);
  const d = result.deltas.slice().sort((a, b) => a - b);
  const mean = d.reduce((a, b) => a + b, 0) / d.length;
  const slow = d.filter((x) => x > 25).length;
  console.log(`${query}`);
  console.log(
    `  frames: ${d.length} in ${(result.wall / 1000).toFixed(1)} s → ${(1000 / mean).toFixed(1)} fps; ` +
      `frame time median ${quantile(d, 0.5).toFixed(1)} ms, p95 ${quantile(d, 0.95).toFixed(1)} ms, ` +
      `max ${d.at(-1).toFixed(1)} ms; ${slow} frames over 25 ms`,
  );
  console.log(
    `  main thread busy ${(busy * 100).toFixed(0)}% (script ${(script * 100).toFixed(0)}%); ` +
      `long tasks (>50 ms): ${result.long.length}`,
  );
  console.log(`  page says: ${clock.replace(/\s+/g, ' ').trim()}`);
  if (page.errors.length) console.log('  errors:', page.errors);
  await page.context().close();
}

/** Python mode: the speed the page shows for a guide program when 1x is asked. */
async function pythonShown(browser, url, demo) {
  const page = await newPage(browser);
  await open(page, url, `?v=1&demo=${demo}`);
  await page.selectOption('select[name="language"]', 'python');
  await page.waitForFunction(() => !document.querySelector('.clock').textContent.includes('loading'));
  await page.waitForTimeout(1000);
  const read = () => page.evaluate(() => [performance.now(), parseFloat(document.querySelector('.clock .time').textContent)]);
  const t0 = await read();
  await page.waitForTimeout(SAMPLE_MS);
  const t1 = await read();
  console.log(`  ${demo}: shown at ${((t1[1] - t0[1]) / ((t1[0] - t0[0]) / 1000)).toFixed(2)}x when 1x is asked`);
  if (page.errors.length) console.log('  errors:', page.errors);
  await page.context().close();
}

const server = STATIC ? await serveStatic(DIST) : await serveDist();
const browser = await launch();
try {
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; Chromium ${browser.version()} headless, --disable-gpu`);
  if (STATIC) console.log(`Host: python3 -m http.server (no COOP/COEP), ${server.url}`);
  else {
    await sizes();
    console.log('Loaded on demand from dist/python/, by what the page runs:');
    await loads(browser, server.url, 'Python mode (blink-one\'s code.py, run)', '?v=1&demo=blink-one', async (page) => {
      await page.selectOption('select[name="language"]', 'python');
      await page.waitForSelector('[data-part="editor"] textarea');
    });
    await loads(browser, server.url, 'a blocking Rust demo (blink-polling)', '?v=1&demo=blink-polling', async () => {});
  }
  if (process.env.ONLY === 'sizes') process.exit(0);
  await firstPaint(browser, server.url);
  if (process.env.ONLY === 'paint') process.exit(0);
  console.log(`Frames (${SAMPLE_MS / 1000} s each, after 1 s of warm-up):`);
  for (const q of [
    '?v=1&demo=rainbow',
    '?v=1&demo=rainbow&speed=100',
    '?v=1&demo=button-interval',
    '?v=1&demo=button-interval&speed=100',
  ]) {
    await frames(browser, server.url, q);
  }
  await pythonFirstRun(browser, server.url);
  console.log(`Python mode, the speed reached at poll cost 10 when 100x is asked (${SAMPLE_MS / 1000} s each):`);
  for (const demo of ['blink-one', 'blink-two', 'blink-blocking', 'blink-polling', 'button-interval', 'button-interval-two', 'rainbow', 'countio-interrupt', 'keypad-transitions']) {
    // blink-polling ends after 5 s of virtual time: also timed from start to end.
    await pythonSpeed(browser, server.url, demo, demo === 'blink-polling');
  }
  console.log('Python mode, shown at 1x:');
  for (const demo of ['button-interval', 'rainbow']) await pythonShown(browser, server.url, demo);
} finally {
  await browser.close();
  await server.close();
}
