// Minifies MicroPython's JavaScript glue for the page, as an emscripten release build would
// have made it. `cargo xtask build-web` runs it on the staged glue (headless runs keep the
// readable one):
//
//   node tools/web/minify-micropython-glue.mjs <micropython.mjs> <out.mjs>
//
// The npm package is built with emscripten's ASSERTIONS: `assert(…)` calls with their messages,
// a stack-cookie check at each call out of the runtime, and getters that abort when a program
// reads one of ~300 runtime symbols the build did not export (two lists of their names). None
// of them changes what a correct program does; together they are a fifth of the glue. terser
// (npm) drops the calls (`pure_funcs`: a call whose result is unused goes, its arguments'
// side effects stay) and this script the two lists, each checked to be there exactly once, so
// that a new version of the glue is looked at rather than minified unexamined.
//
// Measured on the pinned 1.27.0 glue, GNU gzip -9: esbuild --minify 26,506 B, this 21,0xx B.
import { readFileSync, writeFileSync } from 'node:fs';
import { minify } from 'terser';

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: node minify-micropython-glue.mjs <micropython.mjs> <out.mjs>');
let source = readFileSync(input, 'utf8');

// `["name", …].forEach(function(sym){unexportedRuntimeSymbol(sym)})` and
// `[…].forEach(unexportedRuntimeSymbol)`: the getters for symbols the build does not export.
const lists = /\[(?:"[\w$]+",?)+\]\.forEach\((?:function\(sym\)\{unexportedRuntimeSymbol\(sym\)\}|unexportedRuntimeSymbol)\);?/g;
const found = source.match(lists) ?? [];
if (found.length !== 2) {
  throw new Error(`${input}: ${found.length} lists of unexported runtime symbols, 2 expected: the glue changed; review this script`);
}
source = source.replace(lists, '');

const { code } = await minify(source, {
  module: true,
  ecma: 2020,
  compress: {
    passes: 2,
    // Checks only: an assertion, the stack cookie, the "set after use" and "unexported" guards.
    pure_funcs: ['assert', 'checkStackCookie', 'consumedModuleProp', 'unexportedRuntimeSymbol'],
  },
  mangle: true,
});
writeFileSync(output, code);
