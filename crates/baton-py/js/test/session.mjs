// What the Node tests that run code.py as the page's worker does need: baton-py's wasm
// bindings (built by `cargo xtask run-python --build-only` when missing), MicroPython's
// loader, and the board's Python files. One place, for page_inputs.test and sandbox.test.
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ROOT as root, sh } from "../../../../tests/oracle/judge.mjs";

const here = dirname(fileURLToPath(import.meta.url));
/** The built package (target/baton-py/pkg, or `BATON_PY_PKG`). */
export const pkg = process.env.BATON_PY_PKG || join(root, "target/baton-py/pkg");
if (!existsSync(join(pkg, "baton_py_bg.wasm"))) {
  const r = sh("cargo", ["xtask", "run-python", "--build-only"], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  assert.equal(r.status, 0, "cargo xtask run-python --build-only failed");
}
/** baton-py's bindings, initialised. */
export const bindings = await import(pathToFileURL(join(pkg, "baton_py.js")).href);
bindings.initSync({ module: readFileSync(join(pkg, "baton_py_bg.wasm")) });
export const { loadMicroPython } = await import(pathToFileURL(join(pkg, "micropython.mjs")).href);
const pyDir = join(here, "..", "..", "python");
/** The board's Python files, by name. */
export const pyFiles = Object.fromEntries(readdirSync(pyDir).filter((f) => f.endsWith(".py"))
  .map((f) => [f, readFileSync(join(pyDir, f), "utf8")]));
