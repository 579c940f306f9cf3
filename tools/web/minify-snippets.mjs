// Minifies the wasm-bindgen snippets of a release build in place (`cargo xtask build-web`
// runs it after Trunk, which minifies the glue but copies snippets as they are), and puts
// their new hashes in index.html's integrity attributes (Trunk preloads them with SRI).
//
//   node tools/web/minify-snippets.mjs dist
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transform } from 'esbuild';

const dist = process.argv[2];
if (!dist) throw new Error('usage: node minify-snippets.mjs <dist>');
const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');
const htmlPath = join(dist, 'index.html');
let html = readFileSync(htmlPath, 'utf8');
for (const entry of readdirSync(join(dist, 'snippets'), { recursive: true })) {
  if (!entry.endsWith('.js')) continue;
  const path = join(dist, 'snippets', entry);
  const source = readFileSync(path);
  const { code } = await transform(source.toString('utf8'), { minify: true, format: 'esm', loader: 'js' });
  const before = sri(source);
  if (!html.includes(before)) throw new Error(`index.html has no integrity ${before} for ${path}`);
  html = html.replaceAll(before, sri(Buffer.from(code)));
  writeFileSync(path, code);
}
writeFileSync(htmlPath, html);
