// Performance figures of the playground (run by hand, not by `npm test`):
//
//   cargo xtask build-web && (cd tests/e2e && node perf.mjs)
//
// Prints: the gzipped size of the wasm + JS in dist/, the time from navigation to the first
// board paint, and the frame times and main-thread busy share on the rainbow demo (and the
// busiest polling demo) at 1x and 100x, measured in headless Chromium.
import { readdir, readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { cpus } from 'node:os';
import { serveDist, launch, newPage, open, DIST } from './harness.mjs';

const SAMPLE_MS = Number(process.env.SAMPLE_MS || 5000);
const LOADS = Number(process.env.LOADS || 5);

function kib(n) {
  return `${(n / 1024).toFixed(1)} KiB`;
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function sizes() {
  let raw = 0;
  let gz = 0;
  const rows = [];
  for (const name of await readdir(DIST)) {
    if (!/\.(wasm|js)$/.test(name)) continue;
    const body = await readFile(join(DIST, name));
    const z = gzipSync(body, { level: 9 }).length;
    raw += body.length;
    gz += z;
    rows.push(`  ${name}: ${kib(body.length)} raw, ${kib(z)} gzip -9`);
  }
  console.log('Size (dist/):');
  rows.forEach((r) => console.log(r));
  console.log(`  total wasm + JS: ${kib(raw)} raw, ${kib(gz)} gzip -9`);
}

async function firstPaint(browser, url) {
  const marks = [];
  const fcps = [];
  for (let i = 0; i < LOADS; i++) {
    const page = await newPage(browser);
    await open(page, url);
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

const server = await serveDist();
const browser = await launch();
try {
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; Chromium ${browser.version()} headless, --disable-gpu`);
  await sizes();
  await firstPaint(browser, server.url);
  console.log(`Frames (${SAMPLE_MS / 1000} s each, after 1 s of warm-up):`);
  for (const q of [
    '?v=1&demo=rainbow',
    '?v=1&demo=rainbow&speed=100',
    '?v=1&demo=button-interval',
    '?v=1&demo=button-interval&speed=100',
  ]) {
    await frames(browser, server.url, q);
  }
} finally {
  await browser.close();
  await server.close();
}
