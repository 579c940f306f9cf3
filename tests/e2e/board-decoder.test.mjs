// The page's board-link decoder (dist/link/: baton-link-web's wasm and its glue, as the page
// loads them) on garbage: random bytes, frames with random bodies and good CRCs, frames
// flipped, cut short, or longer than a frame can be. It never throws; every piece it reads is
// a message or a refusal that says why; and a good frame after any of it is read (the reader
// is in step again at the next 0x00). Seeded (BATON_FUZZ_SEED), so a failure can be replayed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST } from './harness.mjs';
import { frame } from '../../firmware/emulator/link.mjs';

const link = await import(join(DIST, 'link', 'baton_link_web.js'));
await link.default({ module_or_path: readFileSync(join(DIST, 'link', 'baton_link_web_bg.wasm')) });

/** xorshift32: the same bytes for the same seed. */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

test('the page-side decoder never throws on garbage, explains every refusal, and stays in step', () => {
  const seed = Number(process.env.BATON_FUZZ_SEED || Date.now() % 1e9);
  const r = rng(seed);
  const bytes = (n, zeros) => Array.from({ length: n }, () => (r(zeros) === 0 ? 0 : 1 + r(255)));
  // A PinChange (variant 1: t_us 1000, D13, high) as docs/LINK.md's second writer frames it.
  const good = frame([1, 0xe8, 0x07, 13, 1]);
  const reader = new link.LinkReader();
  const refusals = new Map();
  let messages = 0;
  const rounds = 6000;
  for (let round = 0; round < rounds; round++) {
    let junk;
    switch (r(6)) {
      case 0: // random bytes, zeros now and then
        junk = bytes(r(300), 8);
        break;
      case 1: // a well-framed random body: the CRC is good, the message maybe not
        junk = [...frame(bytes(1 + r(40), 4))];
        break;
      case 2: { // a good frame with one byte changed
        junk = [...good];
        junk[1 + r(junk.length - 2)] = 1 + r(255);
        break;
      }
      case 3: // a good frame cut short
        junk = [...good].slice(0, 1 + r(good.length - 2));
        break;
      case 4: // longer than any frame (no 0x00 for 1,100 bytes)
        junk = [0, ...bytes(1100, 1e9), 0];
        break;
      default: // a frame of another protocol version
        junk = [...frame(bytes(1 + r(10), 4), r(256))];
    }
    // Fed in random chunks, as a port gives them.
    const all = [...junk, ...good];
    const pieces = [];
    for (let i = 0; i < all.length; ) {
      const n = 1 + r(64);
      pieces.push(...reader.push(Uint8Array.from(all.slice(i, i + n))));
      i += n;
    }
    for (const p of pieces) {
      if (p.message) {
        assert.equal(typeof p.message.type, 'string', `seed ${seed}: ${JSON.stringify(p)}`);
        messages++;
      } else {
        assert.ok(typeof p.error === 'string' && p.error.length > 10, `seed ${seed}: an unexplained refusal ${JSON.stringify(p)}`);
        const kind = p.error.replace(/\d+/g, 'N').replace(/ \(.*$/, '').split(':')[0];
        refusals.set(kind, (refusals.get(kind) || 0) + 1);
      }
    }
    const last = pieces.at(-1)?.message;
    assert.deepEqual(last, { type: 'PinChange', t_us: 1000, pin: 'D13', level: true }, `seed ${seed}, round ${round}: out of step after ${JSON.stringify(junk)}`);
  }
  const kinds = [...refusals.entries()].map(([k, n]) => `${n}× ${k}`);
  console.log(`# seed ${seed}: ${rounds} rounds, ${messages} messages, refusals: ${kinds.join('; ')}`);
  for (const kind of ['not a COBS frame', 'a damaged frame', 'a frame longer than N bytes', 'a frame of link protocol version N; this end speaks version N', 'not a message of this protocol version', 'a frame of N bytes, shorter than its header and CRC', "N bytes after the message's end"]) {
    assert.ok(refusals.has(kind), `seed ${seed}: no "${kind}" refusal among ${kinds.join('; ')}`);
  }
});
