// Writes <dist>/sw.js, the playground's service worker (www/sw.js, minified), with BUILD: every
// file of the build with the first 72 bits of its SHA-256 (base64), and the build's version (a
// hash of that list, which names its cache: a new build's worker differs, so browsers install
// it and it replaces the old cache).
// `cargo xtask build-web` runs it last, when dist/ is final; Trunk runs it after each build
// of `cargo xtask serve` (Trunk.toml's hook, on its staging directory).
//
//   node tools/web/service-worker.mjs <dist>
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const dist = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dist) throw new Error('usage: node service-worker.mjs <dist>');
const template = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www', 'sw.js');

const files = {};
for (const entry of readdirSync(dist, { recursive: true }).sort()) {
  const path = entry.split(sep).join('/');
  const full = join(dist, entry);
  if (path === 'sw.js' || path.startsWith('.') || !statSync(full).isFile()) continue;
  files[path] = createHash('sha256').update(readFileSync(full)).digest().subarray(0, 9).toString('base64');
}
const version = createHash('sha256').update(JSON.stringify(files)).digest('hex').slice(0, 16);
const build = { version, files };
const { code } = await transform(readFileSync(template, 'utf8'), { minify: true, loader: 'js', format: 'iife' });
writeFileSync(join(dist, 'sw.js'), `self.BUILD=${JSON.stringify(build)};${code}`);
console.log(`wrote ${relative(process.cwd(), join(dist, 'sw.js'))}: build ${version}, ${Object.keys(files).length} files`);
