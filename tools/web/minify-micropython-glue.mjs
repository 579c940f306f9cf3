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
// side effects stay) and this script the two lists. Each text replaced below is checked to be
// there exactly once, so that a new version of the glue is looked at rather than minified
// unexamined.
//
// Measured on the pinned 1.27.0 glue, GNU gzip -9: esbuild --minify 26,450 B; without the
// assertions and the lists 21,231 B; without Node's paths too 20,420 B.
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

// The page's glue runs in a Web Worker, never in Node: the tests that tell Node apart become
// `false`, and terser drops what they guard (Node's file reading and its command line, which
// runs a file or a REPL when the glue is Node's main module).
const node = [
  'ENVIRONMENT_IS_NODE=globalThis.process?.versions?.node&&"renderer"!=globalThis.process?.type',
  '"object"==typeof process&&"object"==typeof process.versions&&"string"==typeof process.versions.node&&process.argv.length>1',
];
for (const test of node) {
  if (source.split(test).length !== 2) {
    throw new Error(`${input}: \`${test}\` is not there exactly once: the glue changed; review this script`);
  }
  source = source.replace(test, test.startsWith('ENVIRONMENT_IS_NODE=') ? 'ENVIRONMENT_IS_NODE=!1' : '!1');
}

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
