// Makes the README's screenshots (run by hand after `cargo xtask build-web`):
// docs/screenshots/playground.png, the rainbow demo in the dark theme, a few seconds in, with
// the timeline zoomed in to 20 ms; and docs/screenshots/python-mode.png, Python mode running
// the guide's button-interval code.py, in the light theme, after a press of each button.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { serveDist, launch, newPage, open, ROOT } from './harness.mjs';

const out = process.argv[2] || join(ROOT, 'docs', 'screenshots', 'playground.png');
const query = process.argv[3] || '?v=1&demo=rainbow';
const server = await serveDist();
const browser = await launch();
try {
  const page = await newPage(browser, { viewport: { width: 1280, height: 1400 }, colorScheme: 'dark', deviceScaleFactor: 1 });
  await open(page, server.url, query);
  // A short window shows the two tasks taking turns.
  await page.selectOption('#window', '20000');
  await page.waitForTimeout(2500);
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 1280, height: 1400 } });
  if (page.errors.length) throw new Error(page.errors.join('\n'));
  console.log(`wrote ${out}`);
  if (!process.argv[2]) {
    const python = join(ROOT, 'docs', 'screenshots', 'python-mode.png');
    const p = await newPage(browser, { viewport: { width: 1280, height: 1100 }, colorScheme: 'light', deviceScaleFactor: 1 });
    await open(p, server.url, '?v=1&demo=button-interval');
    await p.selectOption('select[name="language"]', 'python');
    await p.waitForSelector('[data-part="editor"] textarea');
    await p.waitForSelector('button[data-part="button"][data-pin="D3"]');
    await p.selectOption('#window', '3000000');
    await p.waitForTimeout(1200);
    await p.click('button[data-part="button"][data-pin="D3"]');
    await p.waitForTimeout(900);
    await p.click('button[data-part="button"][data-pin="D4"]');
    await p.waitForTimeout(1500);
    await p.screenshot({ path: python, clip: { x: 0, y: 0, width: 1280, height: 1100 } });
    if (p.errors.length) throw new Error(p.errors.join('\n'));
    console.log(`wrote ${python}`);
  }
} finally {
  await browser.close();
  await server.close();
}
