// A cycle profile of the bench build's timing experiments on rp2040js: where the cycles of
// a task switch, a GPIO edge reaching its task and a timer wake-up go, by function.
//
//   node profile.mjs [--elf FILE] [--uf2 FILE] [--top N] [--lines] [--only switch|edge|wake]
//
// Defaults: the ELF cargo builds for the firmware (firmware/target/thumbv6m-none-eabi/
// release/baton-firmware) and target/firmware/baton-pico-bench.uf2, which must be the same
// `bench` build (`cargo xtask test-firmware` writes both; or build with
// `cargo build --release --no-default-features --features pico,bench` in firmware/ and
// `cargo run -p baton-uf2 -- build --elf … --out …`).
//
// It runs the bench twice (emulation is deterministic): once for the experiments' windows
// as bench.test.mjs reads them off the pins (D0's pulse: 2 × 1000 turns; each D3 fall to
// the next D1 toggle; each 1 ms tick boundary to D2's fall), then once counting the cycles
// of every instruction inside a window. Addresses become functions through
// `llvm-addr2line -i` (inlined frames included: with fat LTO most of the scheduler is
// inlined into `main`), and calls are followed with a shadow stack (BL/BLX push, reaching
// the return address pops; interrupt handlers get a stack of their own).
//
// Printed per experiment, in cycles per unit (a turn, an edge, a wake-up):
// - self: the innermost (inlined) function of each instruction;
// - inclusive: every function on the stack, inlined frames included, counted once;
// - with --lines, self by source line of the project's own code (the innermost inlined
//   frame in crates/ or firmware/: a `RefCell::borrow` counts on the line that borrows).
// rp2040js charges no cycles for exception entry and return (the chip takes ~15 each), nor
// flash wait states: see bench.test.mjs.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { emulate } from './emulate.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const args = { elf: join(ROOT, 'firmware/target/thumbv6m-none-eabi/release/baton-firmware'), uf2: join(ROOT, 'target/firmware/baton-pico-bench.uf2'), top: 25, lines: false, only: null };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--elf') args.elf = process.argv[++i];
  else if (a === '--uf2') args.uf2 = process.argv[++i];
  else if (a === '--top') args.top = Number(process.argv[++i]);
  else if (a === '--lines') args.lines = true;
  else if (a === '--only') args.only = process.argv[++i];
  else {
    console.error('usage: node profile.mjs [--elf FILE] [--uf2 FILE] [--top N] [--lines] [--only switch|edge|wake]');
    process.exit(2);
  }
}

// The bench's inputs, as bench.test.mjs drives them.
const inputs = [];
for (let i = 0; i < 10; i++) {
  inputs.push({ tUs: 200_000 + i * 10_000, pin: 'D3', pressed: true });
  inputs.push({ tUs: 205_000 + i * 10_000, pin: 'D3', pressed: false });
}
const FOR_MS = 320;
const uf2 = readFileSync(args.uf2);

// ---- Pass 1: the windows.
const { events } = emulate({ uf2, forMs: FOR_MS, inputs });
const pin = (name) => events.filter((e) => e.kind === 'pin' && e.pin === name);
const experiments = [];
{
  const d0 = pin('D0');
  const high = d0.find((e) => e.value);
  const low = d0.find((e) => !e.value && e.t_ns > high.t_ns);
  experiments.push({ id: 'switch', what: 'task switch (one yield_now turn)', unit: 'turn', units: 2000, windows: [[high.t_ns, low.t_ns]] });
  const falls = events.filter((e) => e.kind === 'input' && e.pin === 'D3' && !e.value);
  const acks = pin('D1').slice(1);
  experiments.push({ id: 'edge', what: 'GPIO edge → awaiting task', unit: 'edge', units: falls.length, windows: falls.map((f, i) => [f.t_ns, acks[i].t_ns]) });
  const wakes = pin('D2').filter((e, i) => i > 0 && !e.value);
  experiments.push({ id: 'wake', what: 'timer wake-up (tick boundary → task)', unit: 'wake-up', units: wakes.length, windows: wakes.map((e) => [Math.floor(e.t_ns / 1e6) * 1e6, e.t_ns]) });
}
const chosen = experiments.filter((x) => !args.only || x.id === args.only);
const windows = chosen.flatMap((x) => x.windows.map(([a, b]) => ({ a, b, x }))).sort((p, q) => p.a - q.a);
for (const x of chosen) x.samples = new Map(); // "pc stack…" -> cycles

// ---- Pass 2: cycles per (pc, call stack) inside the windows.
const flash = new Uint8Array(2 * 1024 * 1024).fill(0xff);
{
  const view = new DataView(uf2.buffer, uf2.byteOffset, uf2.byteLength);
  for (let at = 0; at + 512 <= uf2.length; at += 512) {
    const target = view.getUint32(at + 12, true) - 0x10000000;
    const size = view.getUint32(at + 16, true);
    if (target >= 0 && target + size <= flash.length) flash.set(uf2.subarray(at + 32, at + 32 + size), target);
  }
}
const half = (addr) => flash[addr - 0x10000000] | (flash[addr - 0x10000000 + 1] << 8);
// Function entry points: a BL to anything else is a long branch inside a big function
// (Thumb-1 has no other far jump), not a call.
const symbols = execFileSync('llvm-nm', ['--defined-only', args.elf], { maxBuffer: 1 << 28 }).toString().split('\n');
const starts = new Set(symbols.filter((l) => / [tTW] /.test(l)).map((l) => parseInt(l, 16) & ~1));
{
  // The ELF must be the UF2's build: a board's build has no bench, and a stale one moves code.
  const reset = symbols.find((l) => / T Reset$/.test(l));
  const vector = new DataView(flash.buffer).getUint32(0x104, true) & ~1;
  if (!symbols.some((l) => /bench\b/.test(l)) || !reset || (parseInt(reset, 16) & ~1) !== vector) {
    console.error(`${args.elf} is not the build of ${args.uf2} (the bench build): rebuild both (see the header)`);
    process.exit(1);
  }
}
/** The return address of a call at `pc` (BL to a function, BLX register), or 0. */
function callReturn(pc) {
  if (pc < 0x10000000 || pc >= 0x10000000 + flash.length - 4) return 0;
  const h = half(pc);
  const h2 = half(pc + 2);
  if (h >> 11 === 0b11110 && (h2 & 0xd000) === 0xd000) {
    const s = (h >> 10) & 1;
    const i1 = ((h2 >> 13) & 1) ^ s ^ 1;
    const i2 = ((h2 >> 11) & 1) ^ s ^ 1;
    let off = (s << 24) | (i1 << 23) | (i2 << 22) | ((h & 0x3ff) << 12) | ((h2 & 0x7ff) << 1);
    if (s) off -= 1 << 25;
    return starts.has(pc + 4 + off) ? pc + 4 : 0;
  }
  if ((h & 0xff87) === 0x4780) return pc + 2;
  return 0;
}

let stack = []; // { site, ret }
let handlerBase = null;
let prevIpsr = 0;
let w = 0;
emulate({
  uf2,
  forMs: FOR_MS,
  inputs,
  onCycles(pc0, cycles, _us, tNs, core) {
    let pc = pc0 & ~1;
    const ipsr = core.IPSR;
    if (ipsr !== prevIpsr) {
      if (ipsr !== 0 && handlerBase === null) {
        // An exception was taken before this instruction: it ran at the handler's start.
        handlerBase = stack.length;
        pc = core.readUint32(core.VTOR + 4 * ipsr) & ~1;
      } else if (ipsr === 0 && handlerBase !== null) {
        stack.length = handlerBase;
        handlerBase = null;
      }
      prevIpsr = ipsr;
    }
    for (let i = stack.length - 1; i >= (handlerBase ?? 0); i--) {
      if (stack[i].ret === pc) {
        stack.length = i;
        break;
      }
    }
    if (tNs !== null) {
      while (w < windows.length && windows[w].b <= tNs) w++;
      if (w < windows.length && windows[w].a <= tNs) {
        const from = handlerBase ?? 0;
        let key = handlerBase === null ? String(pc) : `${pc} irq`;
        for (let i = stack.length - 1; i >= from; i--) key += ` ${stack[i].site}`;
        const s = windows[w].x.samples;
        s.set(key, (s.get(key) ?? 0) + cycles);
      }
    }
    const ret = callReturn(pc);
    if (ret) stack.push({ site: pc, ret });
    if (stack.length > 256) stack.splice(0, 128); // lost returns (a function that never returned)
  },
});

// ---- Symbols: each address's inline chain, innermost first.
const addrs = new Set();
for (const x of chosen) for (const key of x.samples.keys()) for (const a of key.split(' ')) if (a !== 'irq') addrs.add(Number(a));
const list = [...addrs];
const out = execFileSync('llvm-addr2line', ['-a', '-f', '-i', '-C', '-e', args.elf], {
  input: list.map((a) => `0x${a.toString(16)}`).join('\n') + '\n',
  maxBuffer: 1 << 28,
}).toString();
const chains = new Map();
{
  let cur = null;
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^0x[0-9a-f]+$/.test(l)) {
      cur = [];
      chains.set(parseInt(l, 16), cur);
    } else if (cur && l) {
      const at = (lines[++i] ?? '').replace(ROOT + '/', '').replace(/^\/rustc\/[0-9a-f]+\//, '').replace(/^.*\/registry\/src\/[^/]+\//, '');
      cur.push({ fn: clean(l), at });
    }
  }
}
function clean(name) {
  return name
    .replace(/^_/, '')
    .replace(/\$LT\$/g, '<')
    .replace(/\$GT\$/g, '>')
    .replace(/\$u20\$/g, ' ')
    .replace(/\$u7b\$/g, '{')
    .replace(/\$u7d\$/g, '}')
    .replace(/\$RF\$/g, '&')
    .replace(/\$BP\$/g, '*')
    .replace(/\$C\$/g, ',')
    .replace(/\.\./g, '::')
    .replace(/::h[0-9a-f]{16}$/, '');
}
const chainOf = (a) => chains.get(a) ?? [{ fn: `0x${a.toString(16)}`, at: '?' }];

for (const x of chosen) {
  const self = new Map();
  const incl = new Map();
  const lines = new Map();
  let total = 0;
  for (const [key, cycles] of x.samples) {
    total += cycles;
    const parts = key.split(' ');
    const pc = Number(parts[0]);
    const inner = chainOf(pc)[0];
    self.set(inner.fn, (self.get(inner.fn) ?? 0) + cycles);
    // By line of the project's own code: the innermost frame in crates/ or firmware/.
    const own = chainOf(pc).find((f) => /^(crates|firmware|src)\//.test(f.at)) ?? inner;
    const line = `${own.at}  ${own.fn}`;
    lines.set(line, (lines.get(line) ?? 0) + cycles);
    const seen = new Set();
    if (parts[1] === 'irq') seen.add('[interrupt handler]');
    for (const a of parts.filter((p) => p !== 'irq').map(Number)) for (const f of chainOf(a)) seen.add(f.fn);
    for (const f of seen) incl.set(f, (incl.get(f) ?? 0) + cycles);
  }
  const per = (c) => (c / x.units).toFixed(0).padStart(7);
  const table = (title, m) => {
    console.log(`  ${title}`);
    for (const [k, c] of [...m].sort((p, q) => q[1] - p[1]).slice(0, args.top)) console.log(`  ${per(c)}  ${k}`);
  };
  console.log(`\n${x.what}: ${(total / x.units).toFixed(0)} cycles a ${x.unit} (${x.units} ${x.unit}s, ${total} cycles)`);
  table('self (innermost inlined function), cycles a ' + x.unit, self);
  table('inclusive (every function on the stack, inlined ones too), cycles a ' + x.unit, incl);
  if (args.lines) table('self by line of own code, cycles a ' + x.unit, lines);
}
