// Takes out of MicroPython's webassembly port what Python mode never runs and a CircuitPython
// board does not have: the 35 micropython-lib modules frozen into it (datetime, unittest,
// logging, tarfile, asyncio, …) and the 854 interned strings only their bytecode names.
// `cargo xtask` runs it on the pinned npm package's wasm before wasm-opt:
//
//   node tools/web/slim-micropython.mjs <micropython.wasm> <out.wasm>   [--report]
//
// Why it is safe, and why it is a patch of the data and not of the code:
//
// - The frozen modules are bytecode and constant objects in the wasm's data, found only through
//   two tables of `py/frozenmod.c`: `mp_frozen_names` ("asyncio/event.py\0…\0\0") and
//   `mp_frozen_mpy_content` (a pointer per module). An import searches the names until the
//   empty one. So a zero at the first name empties the list: `import datetime` then fails with
//   ImportError, as on a CircuitPython board, and nothing reads the modules' bytes again. They
//   all sit in one block (one C file, `frozen_content.c`), from the names to the first object
//   that the rest of the program refers to; zeroed, wasm-opt's memory packing drops them from
//   the file (the memory still starts zeroed, so every address stays what it was).
// - The frozen modules' strings are interned in a qstr pool of their own, the last of the
//   pools (`mp_qstr_frozen_const_pool`). A pool with `len = 0` holds nothing: a lookup of
//   that text then misses it and interns the text anew, as for any string a program makes.
//   `alloc = 0` makes the first new string allocate a pool on the heap (qstr.c bounds the new
//   size below by MICROPY_ALLOC_QSTR_ENTRIES_INIT), and `is_sorted = 0` keeps the lookup from
//   bisecting an empty pool. The pool's hashes, lengths and string pointers are zeroed, and
//   each string's bytes too where nothing else refers into them (a C string may share a
//   string's tail); so are the bytes of the modules' str and bytes constants (C strings
//   outside the block).
// - The input is the pinned package's file, checked by its SHA-256: the layout below was read
//   from that file (see --report). A new version stops the build rather than being patched
//   unexamined. Python mode's tests run the slimmed module: the guide's programs and random
//   ones against the judge, and `import` of a removed module (crates/baton-py/js/test).
//
// Measured on the pinned 1.27.0 port, after wasm-opt -Oz, GNU gzip -9: 187,963 → 150,675 B
// (58,825 bytes of data zeroed); without the REPL's exports too (xtask's wasm-opt call),
// 146,301 B.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import binaryen from 'binaryen';

/** SHA-256 of `micropython.wasm` in @micropython/micropython-webassembly-pyscript 1.27.0. */
const PINNED_SHA256 = '06338c955b03c5700aa0069015d3e392d76836ef8e2ce25bedbe59b88ccd373c';

/**
 * References from the rest of the program into the removed bytes that are numbers, not
 * pointers (--report lists them): builtin functions' signature words (`n_args_min << 17`:
 * 0x20000 and up, inside the removed block's addresses), masks near 2^17 in the code, the
 * low half of a double in libm's tables, and one base that the deflate decoder's table lookup
 * is folded to (`base + 4 * symbol`, its table lying after the block). Counted, so that a
 * change to this script that finds others is looked at.
 */
const EXPECTED_STRAYS = 52;

const [input, output, ...flags] = process.argv.slice(2);
if (!input || !output) throw new Error('usage: node slim-micropython.mjs <micropython.wasm> <out.wasm> [--report]');
const report = flags.includes('--report');
const bytes = new Uint8Array(readFileSync(input));
const sha = createHash('sha256').update(bytes).digest('hex');
if (sha !== PINNED_SHA256 && !report) {
  throw new Error(
    `${input} is not the pinned MicroPython port (sha256 ${sha}): a new version's data layout has not ` +
      'been examined; run this script with --report on it and review tools/web/slim-micropython.mjs',
  );
}

const { segments, memory, constants } = readModule(bytes);
const u32 = (addr) => (memory[addr] | (memory[addr + 1] << 8) | (memory[addr + 2] << 16) | (memory[addr + 3] << 24)) >>> 0;
const dataStart = Math.min(...segments.map((s) => s.offset));
const dataEnd = memory.length;
const isData = (v) => v >= dataStart && v < dataEnd;
/** Every aligned word of the data, as `[address, value]`, for the pointer scans. */
const words = [];
for (let a = dataStart; a + 4 <= dataEnd; a += 4) words.push([a, u32(a)]);

// The qstr pools: a chain from the ROM pool (prev = NULL) through each pool whose `prev` is
// the one before and whose `total_prev_len` counts the strings before it. The frozen pool is
// the last. Layout (py/qstr.h): prev, total_prev_len:31 | is_sorted:1, alloc, len, hashes,
// lengths, qstrs[len].
const pools = [];
for (let at = findPool(0, 0); at !== null; ) {
  pools.push(at);
  at = findPool(at, u32(at + 4 * 1) % 2 ** 31 + u32(at + 4 * 3));
}
if (pools.length < 2) throw new Error('no chain of qstr pools found');
const frozenPool = pools.at(-1);
const pool = {
  totalPrevLen: u32(frozenPool + 4) % 2 ** 31,
  len: u32(frozenPool + 12),
  hashes: u32(frozenPool + 16),
  lengths: u32(frozenPool + 20),
  qstrs: frozenPool + 24,
};
// The hashes come first, 1 or 2 bytes each (MICROPY_QSTR_BYTES_IN_HASH), then the lengths.
const hashBytes = Math.floor((pool.lengths - pool.hashes) / pool.len);
if (!constants.has(frozenPool) || !(hashBytes === 1 || hashBytes === 2)) {
  throw new Error(`the last qstr pool (at ${frozenPool}) is not the frozen modules' pool`);
}

// mp_frozen_names: the one constant of the code at which the data holds "name.py\0…\0\0".
const namesAt = only(
  [...constants].filter((c) => isData(c) && frozenNames(c) !== null),
  'the frozen modules\u2019 name list',
);
const names = frozenNames(namesAt);
// mp_frozen_mpy_content: the one constant at which the data holds a pointer per name, each to
// an mp_frozen_module_t (qstr_table, obj_table, proto_fun: 12 bytes, proto_fun set).
const contentAt = only(
  [...constants].filter(
    (c) => c % 4 === 0 && c + 4 * names.length <= dataEnd &&
      names.every((_, i) => isData(u32(c + 4 * i)) && isData(u32(u32(c + 4 * i) + 8))),
  ),
  'the frozen modules\u2019 content table',
);
const modules = names.map((_, i) => u32(contentAt + 4 * i));
const lastStart = Math.max(...modules.flatMap((m) => [u32(m), u32(m + 4), u32(m + 8)]));

// The block ends at the first address past the last module's start that the rest of the
// program refers to: from the code, or from a word of data outside the block. (A number that
// only looks like such an address ends the block early: that keeps bytes, it never loses any.)
let blockEnd = dataEnd;
for (;;) {
  const refs = [...constants].filter((c) => c > lastStart && c < dataEnd);
  for (const [a, v] of words) if ((a < namesAt || a >= blockEnd) && v > lastStart && v < dataEnd) refs.push(v);
  const end = Math.min(...refs);
  if (end === blockEnd) break;
  blockEnd = end;
}

/** What is zeroed: [from, to) ranges of memory addresses. */
const dead = [
  [pool.hashes, pool.hashes + hashBytes * pool.len],
  [pool.lengths, pool.lengths + pool.len],
  [pool.qstrs, pool.qstrs + 4 * pool.len],
  [namesAt, blockEnd],
];
const isDead = (a) => dead.some(([lo, hi]) => a >= lo && a < hi);

// What the rest of the program refers to: every constant of the code, and every word of the
// data outside the removed ranges that holds an address.
const live = new Set(constants);
for (const [a, v] of words) if (isData(v) && !isDead(a)) live.add(v);
const liveSorted = [...live].filter(isData).sort((x, y) => x - y);

// The text of the pool's strings, and of the modules' str and bytes constants (objects in the
// block: type, hash, length, and a pointer to a C string outside it). Each one's bytes go,
// from the start of the NUL-ended run it lies in (a longer string may end with it) to its
// NUL, unless something live points into that run.
let stringBytes = 0;
const zeroText = (at, length) => {
  const end = at + length;
  if (memory[end] !== 0) throw new Error(`the string at ${at} does not end where its length says`);
  let start = at;
  while (start > dataStart && memory[start - 1] !== 0) start--;
  if (firstAtLeast(liveSorted, start) <= end || isDead(start)) return;
  dead.push([start, end]);
  stringBytes += end - start;
};
for (let k = 0; k < pool.len; k++) {
  const at = u32(pool.qstrs + 4 * k);
  const length = memory[pool.lengths + k];
  if (qstrHash(at, length) !== poolHash(k)) throw new Error(`frozen qstr ${k}'s hash is not MicroPython's`);
  zeroText(at, length);
}
// A constant is told by its hash: MicroPython's (djb2 to 16 bits, as the pool's, checked just
// above) of the text it points to. Its first word is its type, str's or bytes'.
const strConstants = [];
for (let a = namesAt; a + 16 <= blockEnd; a += 4) {
  const [hash, length, text] = [u32(a + 4), u32(a + 8), u32(a + 12)];
  if (length > 0 && length < 1 << 16 && isData(text) && (text < namesAt || text >= blockEnd) &&
      text + length < dataEnd && memory[text + length] === 0 && hash === qstrHash(text, length)) {
    strConstants.push({ type: u32(a), text, length });
  }
}
const types = new Set(strConstants.map((c) => c.type));
if (types.size > 2) throw new Error(`str and bytes constants of ${types.size} types in the frozen block`);
for (const { text, length } of strConstants) zeroText(text, length);

// Strays: what refers into the zeroed bytes from outside them, apart from the two tables and
// the pool's own pointers to its hashes and lengths (set to NULL below).
const poolPointers = [frozenPool + 16, frozenPool + 20];
const strays = [];
for (const c of constants) if (c !== namesAt && c !== contentAt && isDead(c)) strays.push(`code: ${c} (0x${c.toString(16)})`);
for (const [a, v] of words) {
  if (!isDead(a) && isDead(v) && !poolPointers.includes(a)) strays.push(`data at ${a}: ${v} (0x${v.toString(16)})`);
}
if (report) {
  console.log(`sha256 ${sha}`);
  console.log(`qstr pools at ${pools.join(', ')}; the frozen one holds ${pool.len} strings (${hashBytes}-byte hashes)`);
  console.log(`frozen modules: ${names.length} (${names.join(', ')})`);
  console.log(`names at ${namesAt}, content table at ${contentAt}, block [${namesAt}, ${blockEnd})`);
  console.log(`strings zeroed: ${stringBytes} B`);
  console.log(`strays (${strays.length}):\n  ${strays.join('\n  ')}`);
  process.exit(0);
}
if (strays.length !== EXPECTED_STRAYS) {
  throw new Error(`${strays.length} references into the removed bytes, ${EXPECTED_STRAYS} expected: run with --report`);
}

// The patch: an empty frozen pool, then the zeros, written back into the data segments.
const put32 = (addr, v) => {
  for (let i = 0; i < 4; i++) memory[addr + i] = (v >>> (8 * i)) & 0xff;
};
put32(frozenPool + 4, pool.totalPrevLen); // is_sorted = 0
put32(frozenPool + 8, 0); // alloc
put32(frozenPool + 12, 0); // len
for (const a of poolPointers) put32(a, 0);
let zeroed = 0;
for (const [lo, hi] of dead) {
  memory.fill(0, lo, hi);
  zeroed += hi - lo;
}
for (const s of segments) bytes.set(memory.subarray(s.offset, s.offset + s.length), s.at);
writeFileSync(output, bytes);
console.error(
  `slimmed MicroPython: ${names.length} frozen modules and ${pool.len} frozen qstrs out, ${zeroed} bytes of data zeroed`,
);

/** MicroPython's qstr hash (py/qstr.c: djb2, masked to the pool's hash width, never 0). */
function qstrHash(at, length) {
  let hash = 5381;
  for (let i = 0; i < length; i++) hash = ((hash * 33) ^ memory[at + i]) >>> 0;
  hash &= 2 ** (8 * hashBytes) - 1;
  return hash === 0 ? 1 : hash;
}

/** The frozen pool's hash of its k-th string, as stored (1 or 2 bytes, little-endian). */
function poolHash(k) {
  const at = pool.hashes + hashBytes * k;
  return hashBytes === 2 ? memory[at] | (memory[at + 1] << 8) : memory[at];
}

/** The pool header at an aligned address whose prev and total_prev_len are these, or null. */
function findPool(prev, totalPrevLen) {
  const found = [];
  for (let at = dataStart; at + 24 <= dataEnd; at += 4) {
    if (u32(at) !== prev || u32(at + 4) % 2 ** 31 !== totalPrevLen) continue;
    const [alloc, len, hashes, lengths] = [u32(at + 8), u32(at + 12), u32(at + 16), u32(at + 20)];
    if (len === 0 || alloc > len || !isData(hashes) || !isData(lengths) || at + 24 + 4 * len > dataEnd) continue;
    let ok = true;
    for (let k = 0; k < len && ok; k++) {
      const s = u32(at + 24 + 4 * k);
      ok = isData(s) && memory[s + memory[lengths + k]] === 0;
    }
    if (ok) found.push(at);
  }
  if (found.length > 1) throw new Error(`${found.length} qstr pools follow the one at ${prev}`);
  return found.length ? found[0] : null;
}

/** The names ("x.py\0…\0\0") at an address, or null. */
function frozenNames(at) {
  const list = [];
  for (let p = at; p < dataEnd; ) {
    let end = p;
    while (end < dataEnd && memory[end] !== 0) end++;
    if (end === p) return list.length ? list : null;
    const name = Buffer.from(memory.subarray(p, end)).toString('latin1');
    if (!/^[\w/]+\.py$/.test(name)) return null;
    list.push(name);
    p = end + 1;
  }
  return null;
}

function only(list, what) {
  if (list.length !== 1) throw new Error(`${list.length} candidates for ${what}`);
  return list[0];
}

/** The first element of a sorted array that is at least `x` (Infinity if none). */
function firstAtLeast(sorted, x) {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo] : Infinity;
}

/**
 * The data segments (each one's memory offset, and where its bytes are in the file), the
 * memory image they make, and every i32 constant and load/store offset of the code (from
 * binaryen's text of it: the addresses the code uses).
 */
function readModule(bytes) {
  const leb = (p) => {
    let [value, shift] = [0, 0];
    for (;;) {
      const b = bytes[p++];
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (b < 0x80) return [value, p];
    }
  };
  const segments = [];
  for (let p = 8; p < bytes.length; ) {
    const id = bytes[p];
    const [size, body] = leb(p + 1);
    if (id === 11) {
      let [count, q] = leb(body);
      for (; count > 0; count--) {
        // Only active segments of memory 0 at an `i32.const` offset (emscripten's).
        if (bytes[q] !== 0 || bytes[q + 1] !== 0x41) throw new Error('a data segment of another kind');
        let offset = 0;
        let shift = 0;
        let r = q + 2;
        for (;;) {
          const b = bytes[r++];
          offset |= (b & 0x7f) << shift;
          shift += 7;
          if (b < 0x80) {
            if (shift < 32 && b & 0x40) offset |= -1 << shift;
            break;
          }
        }
        if (bytes[r] !== 0x0b) throw new Error('a data segment offset that is not one constant');
        const [length, at] = leb(r + 1);
        segments.push({ offset, at, length });
        q = at + length;
      }
    }
    p = body + size;
  }
  const memory = new Uint8Array(Math.max(...segments.map((s) => s.offset + s.length)));
  for (const s of segments) memory.set(bytes.subarray(s.at, s.at + s.length), s.offset);
  const module = binaryen.readBinary(bytes);
  const text = module.emitText();
  module.dispose();
  const constants = new Set();
  for (const line of text.split('\n')) {
    if (line.startsWith(' (data ')) continue;
    for (const m of line.matchAll(/(?:i32\.const |offset=)(-?\d+)/g)) constants.add(Number(m[1]) >>> 0);
  }
  return { segments, memory, constants };
}
