// Python mode's editor in headless Chromium, from the repository root:
//   node --test crates/baton-py/editor/test/
// Uses the bundle target/baton-py/editor/editor.js (built here by `node build.mjs` when it is
// missing or older than its sources; that needs `npm ci` in crates/baton-py/editor first), and
// the browser tests' playwright-core and axe-core (tests/e2e, `npm ci` there) with Debian's
// /usr/bin/chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "../../../../tests/e2e/node_modules/playwright-core/index.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const editorDir = resolve(here, "..");
const root = resolve(here, "../../../..");
const bundle = join(root, "target/baton-py/editor/editor.js");
const AXE = readFileSync(join(root, "tests/e2e/node_modules/axe-core/axe.min.js"), "utf8");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// Rebuild when stale too, so that a test run never checks an old bundle.
const mtime = (path) => statSync(path).mtimeMs;
const sources = [
  join(editorDir, "build.mjs"),
  join(editorDir, "package-lock.json"),
  ...readdirSync(join(editorDir, "src")).map((name) => join(editorDir, "src", name)),
];
if (!existsSync(bundle) || sources.some((src) => mtime(src) > mtime(bundle))) {
  assert.ok(existsSync(join(editorDir, "node_modules/esbuild")), "no node_modules: run `npm ci` in crates/baton-py/editor");
  const r = spawnSync("node", ["build.mjs", bundle], { cwd: editorDir, encoding: "utf8" });
  assert.equal(r.status, 0, `node build.mjs failed:\n${r.stderr}`);
}

// A page like the playground's: light and dark by media query, the editor's parent, and a
// control after it (where Escape-then-Tab, or Tab after Ctrl-M, moves the focus).
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baton editor test</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; background: #f3f5f8; color: #18202b; }
  @media (prefers-color-scheme: dark) { :root { background: #0b0f15; color: #e6ebf2; } }
  #parent { height: 240px; }
</style></head>
<body><main><h1>Editor</h1><div id="parent" data-part="editor"></div><button id="after">Run</button></main>
<script type="module">
  import { createEditor } from "/editor.js";
  window.createEditor = createEditor;
</script></body></html>`;

let server;
let url;
let browser;

before(async () => {
  const js = readFileSync(bundle);
  server = createServer((req, res) => {
    if (req.url === "/") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    else if (req.url === "/editor.js") res.writeHead(200, { "content-type": "text/javascript" }).end(js);
    else res.writeHead(404).end();
  });
  await new Promise((ok, fail) => server.once("error", fail).listen(0, "127.0.0.1", ok));
  url = `http://127.0.0.1:${server.address().port}/`;
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
});

/** A fresh page with an editor on `doc`; `window.changes` collects onChange's texts. */
async function openEditor(t, doc = "", options = {}) {
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  t.after(() => assert.deepEqual(errors, [], "errors on the page"));
  await page.goto(url);
  await page.waitForFunction(() => window.createEditor);
  await page.evaluate(
    ([doc, options]) => {
      window.changes = [];
      const onChange = (text) => window.changes.push(text);
      window.editor = window.createEditor(document.getElementById("parent"), { doc, onChange, ...options });
    },
    [doc, options],
  );
  return page;
}

const text = (page) => page.evaluate(() => window.editor.getText());
const changes = (page) => page.evaluate(() => window.changes);
const count = (page, selector) => page.locator(selector).count();

const TEXTAREA = "#parent .baton-editor textarea";
const inEditor = (page) => page.evaluate(() => document.activeElement?.matches("#parent .baton-editor textarea") ?? false);
const focused = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
/** The marked lines' texts (a `.pce-line` ends in the newline it shows). */
const markedLines = (page) => page.$$eval(".baton-error-line", (els) => els.map((el) => el.textContent.replace(/\n$/, "")));

test("the editor mounts with its class and an accessible name", async (t) => {
  const page = await openEditor(t, "x = 1\n");
  assert.equal(await count(page, "#parent > .prism-code-editor.baton-editor"), 1);
  assert.equal(await count(page, TEXTAREA), 1);
  assert.equal(await page.getAttribute(TEXTAREA, "aria-label"), "code.py");
  assert.equal(await text(page), "x = 1\n");
  assert.deepEqual(await changes(page), [], "no onChange for the initial text");
  const other = await openEditor(t, "", { label: "main.py" });
  assert.equal(await other.getAttribute(TEXTAREA, "aria-label"), "main.py");
  await other.evaluate(() => window.editor.destroy());
  assert.equal(await count(other, "#parent > *"), 0, "destroy removes the editor");
});

test("typing changes the text and fires onChange; Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo", async (t) => {
  const page = await openEditor(t);
  await page.evaluate(() => window.editor.focus());
  await page.keyboard.type("x = 1");
  assert.equal(await text(page), "x = 1");
  const seen = await changes(page);
  assert.ok(seen.length >= 1, "onChange fired");
  assert.equal(seen.at(-1), "x = 1");
  // Quick typing is one undo step; allow a few in case the machine was slow between keys.
  for (let i = 0; i < 5 && (await text(page)) !== ""; i++) await page.keyboard.press("Control+z");
  assert.equal(await text(page), "");
  assert.equal((await changes(page)).at(-1), "");
  for (let i = 0; i < 5 && (await text(page)) !== "x = 1"; i++) await page.keyboard.press("Control+Shift+z");
  assert.equal(await text(page), "x = 1");
  for (let i = 0; i < 5 && (await text(page)) !== ""; i++) await page.keyboard.press("Control+z");
  assert.equal(await text(page), "");
  for (let i = 0; i < 5 && (await text(page)) !== "x = 1"; i++) await page.keyboard.press("Control+y");
  assert.equal(await text(page), "x = 1");
  assert.equal((await changes(page)).at(-1), "x = 1");
});

test("Enter keeps the indentation and indents after `:`; Tab indents, Shift+Tab dedents; Escape then Tab leaves", async (t) => {
  const page = await openEditor(t);
  await page.evaluate(() => window.editor.focus());
  await page.keyboard.type("def f():");
  await page.keyboard.press("Enter");
  assert.equal(await text(page), "def f():\n    ");
  await page.keyboard.type("return 1");
  assert.equal(await text(page), "def f():\n    return 1");
  // Tab stays in the editor and indents the line by one more unit, wherever the caret is.
  await page.keyboard.press("Tab");
  assert.equal(await text(page), "def f():\n        return 1");
  assert.ok(await inEditor(page), "Tab kept the focus");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await text(page), "def f():\n    return 1");
  assert.ok(await inEditor(page), "Shift+Tab kept the focus");
  await page.keyboard.press("Enter");
  assert.equal(await text(page), "def f():\n    return 1\n", "Enter after `return` dedents");
  await page.keyboard.press("Tab");
  assert.equal(await text(page), "def f():\n    return 1\n    ", "Tab on an empty line");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await text(page), "def f():\n    return 1\n");
  await page.keyboard.press("Tab");
  assert.equal(await text(page), "def f():\n    return 1\n    ");
  await page.keyboard.press("Backspace");
  assert.equal(await text(page), "def f():\n    return 1\n", "Backspace in the indentation deletes one unit");

  await page.keyboard.press("Escape");
  assert.ok(await inEditor(page), "Escape alone keeps the focus");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "after");
  assert.equal(await text(page), "def f():\n    return 1\n");
  // Escape arms only the next key: a later Tab indents again.
  await page.evaluate(() => window.editor.focus());
  await page.keyboard.press("Escape");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Tab");
  assert.ok(await inEditor(page));
  assert.equal(await text(page), "def f():\n        return 1\n");
  await page.keyboard.press("Escape");
  await page.keyboard.press("Shift+Tab");
  assert.ok(!(await inEditor(page)), "Escape then Shift+Tab leaves too (backwards)");
  assert.equal(await text(page), "def f():\n        return 1\n");

  // Ctrl+M turns Tab capture off (Tab moves the focus) and on again.
  await page.evaluate(() => window.editor.focus());
  await page.keyboard.press("Control+m");
  await page.keyboard.press("Tab");
  assert.equal(await focused(page), "after");
  await page.evaluate(() => window.editor.focus());
  await page.keyboard.press("Control+m");
  await page.keyboard.press("Shift+Tab");
  assert.ok(await inEditor(page));
  assert.equal(await text(page), "def f():\n    return 1\n");
});

/**
 * Puts `doc` in the editor with the caret where `|` is in it (at the end without one), then
 * types `keys`: text is typed, "\n" presses Enter. Returns the text after.
 */
async function typeIn(page, doc, keys) {
  const at = doc.includes("|") ? doc.indexOf("|") : doc.length;
  await page.evaluate(
    ([doc, at]) => {
      window.editor.setText(doc);
      window.editor.focus();
      document.querySelector("#parent textarea").setSelectionRange(at, at);
    },
    [doc.replace("|", ""), at],
  );
  for (const [i, part] of keys.split("\n").entries()) {
    if (i) await page.keyboard.press("Enter");
    if (part) await page.keyboard.type(part);
  }
  return text(page);
}

/** For each `[doc, want]`: Enter at `doc`'s caret (see typeIn) gives `want`. */
async function enterGives(page, cases) {
  for (const [doc, want] of cases) {
    assert.equal(await typeIn(page, doc, "\n"), want, JSON.stringify(doc));
  }
}

test("Enter indents after `:` before a comment too, not after a `:` or bracket in a string or a comment", async (t) => {
  const page = await openEditor(t);
  // The next line is indented: `:` or an open bracket is the line's last code.
  await enterGives(page, [
    ["if x:  # why", "if x:  # why\n    "],
    ["    while True:# forever", "    while True:# forever\n        "],
    ['if s == "a:":', 'if s == "a:":\n    '],
    ["d = {  # first", "d = {  # first\n    "],
    ['if x == """a\nb""":', 'if x == """a\nb""":\n    '],
  ]);
  // The indentation is kept: the `:` or bracket is in a string or in the comment.
  await enterGives(page, [
    ['print("a:")', 'print("a:")\n'],
    ["x = 1  # note:", "x = 1  # note:\n"],
    ["    x = 1  # see (below", "    x = 1  # see (below\n    "],
    ["    print('(')", "    print('(')\n    "],
    ['f = lambda: "x"', 'f = lambda: "x"\n'],
    ['    s = "a: b', '    s = "a: b\n    '], // a string not closed yet
    ['def f():\n    """Summary.\n\n    Args:|\n    """\n', 'def f():\n    """Summary.\n\n    Args:\n    \n    """\n'],
  ]);
});

test("typing `else:`, `elif …:`, `except …:`, `finally:` dedents the line one unit; Ctrl+Z undoes the dedent alone", async (t) => {
  const page = await openEditor(t);
  assert.equal(await typeIn(page, "", "if a:\nb()\nelif c:\nd()\nelse:\ne()"), "if a:\n    b()\nelif c:\n    d()\nelse:\n    e()");
  // `finally:` after `raise` (whose Enter dedents already) stays: it already closes the deeper block.
  assert.equal(
    await typeIn(page, "", "def f():\ntry:\ng()\nexcept ValueError as e:\nprint(e)\nexcept:\nraise\nfinally:\nh()"),
    "def f():\n    try:\n        g()\n    except ValueError as e:\n        print(e)\n    except:\n        raise\n    finally:\n        h()",
  );
  assert.equal(await typeIn(page, "for i in x:\n    if i:\n        g()\n    h()\n    ", "else:"), "for i in x:\n    if i:\n        g()\n    h()\nelse:");
  // Not past the block's own line: 2-space code dedents to it.
  assert.equal(await typeIn(page, "def f():\n  if a:\n    b()\n    ", "else:"), "def f():\n  if a:\n    b()\n  else:");

  // Undo takes back the dedent alone (the line as typed, the caret after its `:`); redo redoes it.
  assert.equal(await typeIn(page, "if a:\n    b()\n", "    else:"), "if a:\n    b()\nelse:");
  await page.keyboard.press("Control+z");
  assert.equal(await text(page), "if a:\n    b()\n    else:");
  await page.keyboard.press("Control+Shift+z");
  assert.equal(await text(page), "if a:\n    b()\nelse:");
  await page.keyboard.press("Control+z");
  await page.keyboard.type(" pass");
  assert.equal(await text(page), "if a:\n    b()\n    else: pass", "the caret stayed after the `:`");
  // The typing before it is an undo step of its own too.
  for (let i = 0; i < 5 && (await text(page)) !== "if a:\n    b()\n"; i++) await page.keyboard.press("Control+z");
  assert.equal(await text(page), "if a:\n    b()\n");
});

test("a `:` dedents only a clause alone on its line, at its block's body depth, below a shallower line", async (t) => {
  const page = await openEditor(t);
  for (const [doc, keys, want, why] of [
    ["x = 1\n", "else:", "x = 1\nelse:", "at column 0"],
    ["    x = 1\n    ", "else:", "    x = 1\n    else:", "no shallower line above"],
    ["", "    else:", "    else:", "no line above"],
    ["if a:\n    if b:\n        c()\n    else|", ":", "if a:\n    if b:\n        c()\n    else:", "already closes the deeper block"],
    ["if a:\n    b()\n    else| c()", ":", "if a:\n    b()\n    else: c()", "code after the `:`"],
    ["if a:\n    b()\n    ", "else_count:", "if a:\n    b()\n    else_count:", "not the keyword"],
    ["if a:\n    b()\n    ", "x = c if d else:", "if a:\n    b()\n    x = c if d else:", "not at the line's start"],
    ["if a:\n    b()\n    ", "# else:", "if a:\n    b()\n    # else:", "in a comment"],
    ["if a:\n    b()\n    ", 'print("else:', 'if a:\n    b()\n    print("else:', "in a string"],
    ["if a:\n    b()\n    ", "elif x[1:", "if a:\n    b()\n    elif x[1:", "in brackets"],
  ]) {
    assert.equal(await typeIn(page, doc, keys), want, why);
  }
  // A `:` in a string of the condition does not dedent yet, its last one does.
  assert.equal(await typeIn(page, "if a:\n    b()\n    ", 'elif x == ":'), 'if a:\n    b()\n    elif x == ":');
  await page.keyboard.type('":');
  assert.equal(await text(page), 'if a:\n    b()\nelif x == ":":');
});

test("Enter after `return`, `pass`, `break`, `continue`, `raise` dedents the next line", async (t) => {
  const page = await openEditor(t);
  await enterGives(page, [
    ["def f():\n    return 1", "def f():\n    return 1\n"],
    ["def f():\n    if a:\n        return", "def f():\n    if a:\n        return\n    "],
    ["for i in x:\n    if i:\n        break  # done", "for i in x:\n    if i:\n        break  # done\n    "],
    ["for i in x:\n    continue|\nz()", "for i in x:\n    continue\n\nz()"],
    ["class A:\n    pass", "class A:\n    pass\n"],
    ['def f():\n    raise ValueError("(")', 'def f():\n    raise ValueError("(")\n'],
  ]);
  // Not within the statement, nor after other statements.
  await enterGives(page, [
    ["def f():\n    return (1,", "def f():\n    return (1,\n        "],
    ["def f():\n    return 1 + \\", "def f():\n    return 1 + \\\n    "],
    ["    returned = 1", "    returned = 1\n    "],
    ["    pass_count = 1", "    pass_count = 1\n    "],
    ["    x = 1  # pass", "    x = 1  # pass\n    "],
    ["    return| 1", "    return\n     1"],
    ["pass", "pass\n"],
  ]);
  // One undo step takes the new line back.
  assert.equal(await typeIn(page, "def f():\n    if a:\n        return|\n", "\n"), "def f():\n    if a:\n        return\n    \n");
  await page.keyboard.press("Control+z");
  assert.equal(await text(page), "def f():\n    if a:\n        return\n");
});

test("markError marks one line and clears; out-of-range lines are ignored", async (t) => {
  const page = await openEditor(t, "a = 1\nb = 2\nc = 3\n");
  await page.evaluate(() => window.editor.markError(2));
  assert.deepEqual(await markedLines(page), ["b = 2"]);
  // The line number shows a "!", on the error line only; the line's background is the error's.
  const before = (sel) => page.$eval(sel, (el) => getComputedStyle(el, "::before").content);
  assert.match(await before(".baton-error-line"), /^"!" counter\(line\)$/);
  assert.equal(await before(".pce-line:not(.baton-error-line)"), "counter(line)");
  const after = (sel) => page.$eval(sel, (el) => getComputedStyle(el, "::after").backgroundColor);
  assert.equal(await after(".baton-error-line"), "rgb(253, 236, 236)");
  assert.equal(await page.$eval(".baton-error-line", (el) => getComputedStyle(el, "::before").color), "rgb(179, 22, 29)");

  for (const bad of [999, 0, -1, 1.5, Number.NaN, "2", 5]) {
    await page.evaluate((line) => window.editor.markError(line), bad); // must not throw
  }
  assert.deepEqual(await markedLines(page), ["b = 2"], "ignored, the mark stays");

  await page.evaluate(() => window.editor.markError(null));
  assert.equal(await count(page, ".baton-error-line"), 0);
  await page.evaluate(() => window.editor.markError(999));
  assert.equal(await count(page, ".baton-error-line"), 0);
  await page.evaluate(() => window.editor.markError(4)); // the empty line after the last newline
  assert.deepEqual(await markedLines(page), [""]);

  // The mark follows edits above it (a new line before it, at the end of the line above, or
  // lines joined into it), stays on its line for edits inside it or below it.
  await page.evaluate(() => window.editor.markError(3));
  await page.evaluate(() => window.editor.focus());
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("Enter");
  assert.deepEqual(await markedLines(page), ["c = 3"]);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter"); // at the end of "b = 2"
  assert.equal(await text(page), "\na = 1\nb = 2\n\nc = 3\n");
  assert.deepEqual(await markedLines(page), ["c = 3"]);
  await page.keyboard.type("x"); // on the new line, just above the marked one
  await page.keyboard.press("End");
  await page.keyboard.type("  # here");
  assert.deepEqual(await markedLines(page), ["c = 3"], "edits on the line above keep it");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Home");
  await page.keyboard.press("Backspace"); // joins the marked line onto the one above
  assert.deepEqual(await markedLines(page), ["x  # herec = 3"]);
  // Undo splits the line again; the mark stays at the start of its line (as CodeMirror's did).
  await page.keyboard.press("Control+z");
  assert.equal(await text(page), "\na = 1\nb = 2\nx  # here\nc = 3\n");
  assert.deepEqual(await markedLines(page), ["x  # here"]);

  // setText replaces the text (an undoable edit, onChange told), clears the mark and does not
  // move the focus.
  await page.focus("#after");
  const edited = await text(page);
  await page.evaluate(() => window.editor.setText("print(1)\n"));
  assert.equal(await text(page), "print(1)\n");
  assert.equal((await changes(page)).at(-1), "print(1)\n");
  assert.equal(await count(page, ".baton-error-line"), 0);
  assert.equal(await focused(page), "after", "setText left the focus where it was");
  await page.evaluate(() => window.editor.setText("print(2)\n"));
  await page.evaluate(() => window.editor.focus());
  await page.keyboard.press("Control+z");
  assert.equal(await text(page), "print(1)\n", "each setText is an undo step");
  await page.keyboard.press("Control+z");
  assert.equal(await text(page), edited);
  assert.equal((await changes(page)).at(-1), edited);
});

test("line numbers are shown and Python is highlighted", async (t) => {
  const page = await openEditor(t, "import time\n\ndef f(x):\n    return None\n");
  // prism-code-editor numbers its lines with a CSS counter in each line's ::before.
  assert.equal(await count(page, ".baton-editor.show-line-numbers"), 1);
  const numbers = await page.$$eval(".baton-editor .pce-line", (els) =>
    els.map((el) => {
      const style = getComputedStyle(el, "::before");
      return { content: style.content, increment: style.counterIncrement, width: parseFloat(style.width), colour: style.color };
    }),
  );
  assert.equal(numbers.length, 5);
  for (const n of numbers) {
    assert.equal(n.content, "counter(line)");
    assert.equal(n.increment, "line 1");
    assert.ok(n.width > 10, `a gutter ${n.width}px wide`);
    assert.equal(n.colour, "rgb(88, 98, 115)");
  }
  // A keyword is a token span whose colour differs from the plain text's; so are the others.
  const colours = await page.evaluate(() => {
    const spans = [...document.querySelectorAll(".pce-line span")];
    const colour = (text) => {
      const span = spans.find((s) => s.textContent === text);
      return span && { className: span.className, colour: getComputedStyle(span).color };
    };
    return {
      def: colour("def"),
      f: colour("f"),
      none: colour("None"),
      plain: getComputedStyle(document.querySelector(".pce-line")).color,
    };
  });
  assert.match(colours.def?.className ?? "", /\btoken\b.*\bkeyword\b/, "`def` has a token class");
  assert.equal(colours.plain, "rgb(24, 32, 43)");
  assert.equal(colours.def.colour, "rgb(139, 31, 169)");
  assert.equal(colours.f.colour, "rgb(149, 56, 0)");
  assert.equal(colours.none.colour, "rgb(5, 80, 174)");
});

/**
 * Every text in the editor whose colour has less than 4.5:1 against what it sits on: the code's
 * text nodes (on a matched bracket's, the error line's, the active line's or the editor's
 * background) and the line numbers (on the error line's, the active line's or the gutter's).
 * axe-core cannot tell: prism-code-editor's lines are aria-hidden (the textarea is what is read)
 * and its line numbers are ::before content.
 */
const lowContrast = (page) =>
  page.evaluate(() => {
    const rgb = (colour) => {
      const [r, g, b, a = 1] = colour.match(/[\d.]+/g).map(Number);
      return a === 0 ? null : [r, g, b];
    };
    const luminance = (c) =>
      c.map((v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
    const ratio = (a, b) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    const editor = document.querySelector(".baton-editor");
    const editorBg = rgb(getComputedStyle(editor).backgroundColor);
    const gutterBg = rgb(getComputedStyle(editor, "::before").backgroundColor);
    const failures = [];
    const check = (what, fg, bg) => {
      const r = ratio(rgb(fg), bg);
      if (!(r >= 4.5)) failures.push(`${what}: ${fg} on rgb(${bg}) is ${r.toFixed(2)}:1`);
    };
    for (const line of editor.querySelectorAll(".pce-line")) {
      const after = getComputedStyle(line, "::after");
      const lineBg = (after.content !== "none" && rgb(after.backgroundColor)) || editorBg;
      const before = getComputedStyle(line, "::before");
      check(`line number of ${JSON.stringify(line.textContent)}`, before.color, rgb(before.backgroundColor) || gutterBg);
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let node; (node = walker.nextNode()); ) {
        if (!node.data.trim()) continue;
        let bg = null;
        for (let el = node.parentElement; !bg && el !== line; el = el.parentElement) bg = rgb(getComputedStyle(el).backgroundColor);
        check(JSON.stringify(node.data), getComputedStyle(node.parentElement).color, bg || lineBg);
      }
    }
    return failures;
  });

test("axe-core finds no WCAG 2 A/AA violations, light then dark; every text has 4.5:1", async (t) => {
  const page = await openEditor(
    t,
    "import time\n\ndef blink(pin):\n    # toggle\n    return 'on' if pin else None\n\n@decorator\nclass Led:\n    n = 0x1f + 2.5\n    s = f\"{n!r:>4} {{x}}\" + b'\\x00' + '''doc'''\n    t = (True, False, [len(s)], {1: -1}) ** 2 // 3\n",
  );
  await page.evaluate(() => window.editor.markError(4));
  // The cursor after `blink(` shows the active line and a matched bracket pair too.
  await page.evaluate(() => window.editor.focus());
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowRight");
  // The editor follows the caret on the document's selectionchange, which comes a little later.
  await page
    .waitForFunction(() => document.querySelectorAll(".active-bracket").length === 2, null, { timeout: 2000 })
    .catch(() => {});
  assert.deepEqual(await page.$$eval(".active-bracket", (els) => els.map((el) => el.textContent)), ["(", ")"]);
  assert.equal(await count(page, ".active-line"), 1);
  assert.equal(await page.textContent(".active-line"), "def blink(pin):\n");
  await page.addScriptTag({ content: AXE });
  const axe = () =>
    page.evaluate(() =>
      window.axe
        .run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] }, resultTypes: ["violations"] })
        .then((r) => r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)),
    );
  const background = () => page.$eval(".baton-editor", (el) => getComputedStyle(el).backgroundColor);

  assert.equal(await background(), "rgb(255, 255, 255)");
  assert.deepEqual(await axe(), [], "light theme");
  assert.deepEqual(await lowContrast(page), [], "light theme");
  // The editor follows a change of the system's scheme while it is open.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForFunction(() => getComputedStyle(document.querySelector(".baton-editor")).backgroundColor !== "rgb(255, 255, 255)");
  assert.equal(await background(), "rgb(20, 26, 35)");
  assert.deepEqual(await axe(), [], "dark theme");
  assert.deepEqual(await lowContrast(page), [], "dark theme");
});
