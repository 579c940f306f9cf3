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
  ...readdirSync(join(editorDir, "src")).map((name) => join(editorDir, "src", name)),
];
if (!existsSync(bundle) || sources.some((src) => mtime(src) > mtime(bundle))) {
  assert.ok(existsSync(join(editorDir, "node_modules/esbuild")), "no node_modules: run `npm ci` in crates/baton-py/editor");
  const r = spawnSync("node", ["build.mjs", bundle], { cwd: editorDir, encoding: "utf8" });
  assert.equal(r.status, 0, `node build.mjs failed:\n${r.stderr}`);
}

// A page like the playground's: light and dark by media query, the editor's parent, and a
// control after it (where Escape-then-Tab moves the focus).
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

test("the editor mounts with its class and an accessible name", async (t) => {
  const page = await openEditor(t, "x = 1\n");
  assert.equal(await count(page, "#parent > .cm-editor.baton-editor"), 1);
  assert.equal(await page.getAttribute(".cm-content", "aria-label"), "code.py");
  const other = await openEditor(t, "", { label: "main.py" });
  assert.equal(await other.getAttribute(".cm-content", "aria-label"), "main.py");
});

test("typing changes the text and fires onChange; Ctrl+Z undoes, Ctrl+Shift+Z redoes", async (t) => {
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
});

test("Enter after `def f():` indents by 4 spaces; Tab indents; Escape then Tab leaves", async (t) => {
  const page = await openEditor(t);
  await page.evaluate(() => window.editor.focus());
  await page.keyboard.type("def f():");
  await page.keyboard.press("Enter");
  assert.equal(await text(page), "def f():\n    ");
  await page.keyboard.type("return 1");
  assert.equal(await text(page), "def f():\n    return 1");
  // Tab stays in the editor and indents the line by one more unit.
  await page.keyboard.press("Tab");
  assert.equal(await text(page), "def f():\n        return 1");
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains("cm-content")));
  await page.keyboard.press("Escape");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "after");
  assert.equal(await text(page), "def f():\n        return 1");
});

test("markError marks one line and clears; out-of-range lines are ignored", async (t) => {
  const page = await openEditor(t, "a = 1\nb = 2\nc = 3\n");
  await page.evaluate(() => window.editor.markError(2));
  assert.equal(await count(page, ".cm-error-line"), 1);
  assert.equal(await page.textContent(".cm-error-line"), "b = 2");
  assert.equal(await page.textContent(".cm-error-gutter .cm-error-gutter-line"), "!");
  const background = (sel) => page.$eval(sel, (el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(await background(".cm-error-line"), await background(".cm-line:not(.cm-error-line)"));

  for (const bad of [999, 0, -1, 1.5, Number.NaN, "2"]) {
    await page.evaluate((line) => window.editor.markError(line), bad); // must not throw
  }
  assert.equal(await page.textContent(".cm-error-line"), "b = 2", "ignored, the mark stays");

  await page.evaluate(() => window.editor.markError(null));
  assert.equal(await count(page, ".cm-error-line"), 0);
  assert.equal(await count(page, ".cm-error-gutter-line"), 0);
  await page.evaluate(() => window.editor.markError(999));
  assert.equal(await count(page, ".cm-error-line"), 0);

  // The mark follows edits above it; setText replaces the text and clears it.
  await page.evaluate(() => window.editor.markError(3));
  await page.evaluate(() => window.editor.focus());
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("Enter");
  assert.equal(await page.textContent(".cm-error-line"), "c = 3");
  await page.evaluate(() => window.editor.setText("print(1)\n"));
  assert.equal(await text(page), "print(1)\n");
  assert.equal((await changes(page)).at(-1), "print(1)\n");
  assert.equal(await count(page, ".cm-error-line"), 0);
});

test("line numbers are shown and Python is highlighted", async (t) => {
  const page = await openEditor(t, "import time\n\ndef f(x):\n    return None\n");
  const numbers = await page.$$eval(".cm-lineNumbers .cm-gutterElement", (els) =>
    els.filter((el) => el.offsetHeight > 0).map((el) => el.textContent),
  );
  for (const n of ["1", "2", "3", "4", "5"]) assert.ok(numbers.includes(n), `line number ${n} in ${numbers}`);
  // A keyword is a token span whose colour differs from the plain text's.
  const colours = await page.evaluate(() => {
    const spans = [...document.querySelectorAll(".cm-line span")];
    const keyword = spans.find((s) => s.textContent === "def");
    return {
      keyword: keyword && getComputedStyle(keyword).color,
      keywordClass: keyword?.className,
      plain: getComputedStyle(document.querySelector(".cm-line")).color,
    };
  });
  assert.ok(colours.keywordClass, "`def` has a token class");
  assert.notEqual(colours.keyword, colours.plain);
});

test("axe-core finds no WCAG 2 A/AA violations, light then dark", async (t) => {
  const page = await openEditor(t, "import time\n\ndef blink(pin):\n    # toggle\n    return 'on' if pin else None\n");
  await page.evaluate(() => window.editor.markError(4));
  // The cursor after `blink(` shows the active line and a matched bracket pair too.
  await page.evaluate(() => window.editor.focus());
  await page.keyboard.press("Control+Home");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowRight");
  assert.equal(await count(page, ".cm-matchingBracket"), 2);
  assert.equal(await count(page, ".cm-activeLine"), 1);
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
  // The editor follows a change of the system's scheme while it is open.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForFunction(() => getComputedStyle(document.querySelector(".baton-editor")).backgroundColor !== "rgb(255, 255, 255)");
  assert.equal(await background(), "rgb(20, 26, 35)");
  assert.deepEqual(await axe(), [], "dark theme");
});
