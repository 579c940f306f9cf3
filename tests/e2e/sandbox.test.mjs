// Code from a link is untrusted (issue 23, item 4): it runs, and reaches nothing but the
// virtual board. Each program here tries one way out — MicroPython's `js` and `jsffi`, the
// board's internals, a JavaScript handle from the bridge and its `constructor` — towards the
// network (fetch, XMLHttpRequest, WebSocket, EventSource, a Worker), the origin's storage
// (Cache Storage, IndexedDB) and the page (postMessage). Each must end in a clear Python error
// on the line that tried; no request may leave for another origin; the origin's storage must
// be as it was.
//   cd tests/e2e && node --no-concurrent-recompilation --test sandbox.test.mjs
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { serveAndLaunch, newPage, open, linkCode } from './harness.mjs';

const env = serveAndLaunch();
const pages = [];

afterEach(async () => {
  for (const p of pages.splice(0)) await p.context().close();
});

/** An address of another origin (TEST-NET-3: nothing answers there; the route blackholes it). */
const OUTSIDE = 'http://203.0.113.7/leak';

/** A JavaScript handle from the bridge, as a program would dig it out of a board module. */
const HANDLE = 'import digitalio\nf = digitalio._baton.spawn\n';

// [what it tries, code.py, the line that tries, what the error says]
const ESCAPES = [
  ['import js', `x = 1\nimport js\njs.fetch("${OUTSIDE}")\n`, 2, /ImportError: no module named 'js'/],
  ['from js import fetch', `from js import fetch\nfetch("${OUTSIDE}")\n`, 1, /ImportError: no module named 'js'/],
  ['import jsffi', `import jsffi\njsffi.to_js([]).constructor.constructor("return fetch")()("${OUTSIDE}")\n`, 1, /ImportError: no module named 'jsffi'/],
  ['__import__("js")', `g = __import__("js")\ng.caches.open("x")\n`, 1, /ImportError: no module named 'js'/],
  ['exec("import js")', `exec("import js; js.indexedDB.open('leak')")\n`, 1, /ImportError: no module named 'js'/],
  ['import _baton', `import _baton\n_baton.print.constructor("return caches")().open("leak")\n`, 1, /ImportError: no module named '_baton'/],
  ['builtins.__import__ restored', `import builtins\ndel builtins.__import__\nimport js\n`, 1, /ImportError: no module named 'builtins'/],
  ['a board internal through sys.modules', `import sys\ndel sys.modules["_vboard"]\nimport _vboard\n`, 3, /ImportError: no module named '_vboard'/],
  ['Function from a bridge handle', `${HANDLE}F = f.constructor\nF("return fetch")()("${OUTSIDE}")\n`, 3, /AttributeError: .*'constructor'/],
  ['Function from the bridge object', `import digitalio\nb = digitalio._baton\nb.constructor.constructor("indexedDB.open('leak')")()\n`, 3, /AttributeError: .*'constructor'/],
  ['call/bind of a bridge handle', `${HANDLE}f.call.constructor("postMessage({type: 'link', href: '?v=1&demo=blink-two'})")()\n`, 3, /AttributeError: .*'constructor'/],
  ['apply of a bridge handle', `${HANDLE}f.apply(None, [1, "x"])\n`, 3, /AttributeError: .*'apply'/],
  // The port cannot raise a JavaScript error in Python, nor let one unwind through it: the
  // refusal is kept and the run ends with it, without the line (runner.mjs, sealBridge).
  ['the bridge with a Python object', `import digitalio\ndigitalio._baton.print([1, 2])\n`, 0, /RuntimeError: _baton\.print: the board takes numbers, strings and bools/],
];

/** The origin's storage: Cache Storage's keys and IndexedDB's database names. */
const storage = (p) =>
  p.evaluate(async () => ({
    caches: (await caches.keys()).sort(),
    idb: (await indexedDB.databases()).map((d) => d.name).sort(),
  }));

for (const [what, source, line, message] of ESCAPES) {
  test(`a link's code cannot get out: ${what}`, async () => {
    const p = await newPage(env.browser);
    pages.push(p);
    const outside = [];
    const origin = new URL(env.server.url).origin;
    p.context().on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) outside.push(r.url());
    });
    await p.context().route((url) => !url.href.startsWith(origin), (route) => route.abort());
    // The origin's storage holds something before the run, as a visitor's would.
    await open(p, env.server.url, '');
    await p.evaluate(async () => {
      await (await caches.open('before')).put('/x', new Response('x'));
      await new Promise((ok, fail) => {
        const r = indexedDB.open('before');
        r.onsuccess = () => { r.result.close(); ok(); };
        r.onerror = () => fail(r.error);
      });
    });
    const storageBefore = await storage(p);
    const code = linkCode(Buffer.from(source));
    await open(p, env.server.url, `?v=1&demo=blink-one&lang=python&code=${code}`);
    const error = p.locator('[data-part="python-error"]');
    // An escape that worked would end without an error: the requests and the storage are
    // looked at all the same, first.
    const text = await error.waitFor({ timeout: 20_000 }).then(() => error.textContent(), () => null);
    // Time for anything that got out to show: with the sandbox broken, a new IndexedDB
    // database showed in indexedDB.databases() after 3 s, not 0.5 s.
    await p.waitForTimeout(3000);
    assert.deepEqual(outside, [], 'requests to other origins');
    assert.deepEqual(await storage(p), storageBefore, "the origin's storage changed");
    // Line 0 (no line of code.py) the page leaves out.
    const where = line ? `line ${line}: ` : '';
    assert.ok(text?.startsWith(where) && !/^line 0/.test(text), `the error is on line ${line}: ${text}`);
    assert.match(text, message);
  });
}
