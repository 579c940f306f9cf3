// Bundles the editor (src/editor.mjs and prism-code-editor from node_modules, its CSS included
// as text) into one minified ES module, offline:
//   node build.mjs [OUT]      (default ../../../target/baton-py/editor/editor.js)
// Prints the output's size, raw and gzipped, to stderr (stdout stays free for callers).
import { build } from "esbuild";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const here = dirname(fileURLToPath(import.meta.url));
const out = resolve(process.argv[2] ?? join(here, "../../../target/baton-py/editor/editor.js"));

mkdirSync(dirname(out), { recursive: true });
await build({
  entryPoints: [join(here, "src/editor.mjs")],
  outfile: out,
  bundle: true,
  format: "esm",
  target: "es2020",
  minify: true,
  // prism-code-editor's layout.css, imported as a string that the editor puts in a <style>.
  loader: { ".css": "text" },
  sourcemap: false,
  logLevel: "warning",
});

const bytes = readFileSync(out);
const size = (n) => `${(n / 1024).toFixed(1)} KiB (${n} bytes)`;
console.error(`built ${relative(process.cwd(), out)}: ${size(bytes.length)}, gzipped ${size(gzipSync(bytes, { level: 9 }).length)}`);
