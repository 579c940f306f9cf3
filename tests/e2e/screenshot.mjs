// Makes the README's screenshot, docs/screenshots/playground.png (run by hand after
// `cargo xtask build-web`): the rainbow demo in the dark theme, a few seconds in, with the
// timeline zoomed in to 20 ms.
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
} finally {
  await browser.close();
  await server.close();
}
