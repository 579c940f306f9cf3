// rp2040js's Cortex-M0+ core class, patched once for the strict chip's per-instruction checks.
//
// Why the prototype: the checks run on every instruction (each fetch is a halfword load), and
// V8 keeps prototype methods fast, where a closure put on each core instance adds a call, and an
// accessor put on an instance's existing data property (PRIMASK's `PM`) turns the core into a
// slow dictionary object (measured: ~35% of the emulator's speed). rp2040js exports no
// CortexM0Core, so its prototype is reached through a throwaway RP2040.
//
// A core that no strict chip has taken (`core.strict` unset) behaves exactly as rp2040js's.

import { RP2040 } from 'rp2040js';

const proto = Object.getPrototypeOf(new RP2040().core);
const inFlash = (a) => a >>> 28 === 1 && a >>> 24 < 0x14;

/** `core.strict`: `{ unaligned(address, what), xipOff(address) }` or undefined; `core.xipOff`: XIP is off. */
Object.assign(proto, {
  readUint32(a) {
    const s = this.strict;
    if (s !== undefined) {
      if (a & 3) s.unaligned(a, 'unaligned word load from');
      if (this.xipOff && inFlash(a)) s.xipOff(a);
    }
    return this.rp2040.readUint32(a);
  },
  readUint16(a) {
    const s = this.strict;
    if (s !== undefined) {
      if (a & 1) s.unaligned(a, 'unaligned halfword load from');
      if (this.xipOff && inFlash(a)) s.xipOff(a);
    }
    return this.rp2040.readUint16(a);
  },
  readUint8(a) {
    if (this.xipOff && inFlash(a)) this.strict.xipOff(a);
    return this.rp2040.readUint8(a);
  },
  writeUint32(a, v) {
    if (a & 3 && this.strict !== undefined) this.strict.unaligned(a, 'unaligned word store to');
    this.rp2040.writeUint32(a, v);
  },
  writeUint16(a, v) {
    if (a & 1 && this.strict !== undefined) this.strict.unaligned(a, 'unaligned halfword store to');
    this.rp2040.writeUint16(a, v);
  },
});

// PRIMASK: rp2040js writes `this.PM` (CPSID/CPSIE, MSR); with an accessor here, the core's
// constructor already stores it through the accessor, and `core.onPrimask(masked)` hears each
// change.
Object.defineProperty(proto, 'PM', {
  configurable: true,
  get() {
    return this.primask;
  },
  set(v) {
    v = !!v;
    if (v === this.primask) return;
    this.primask = v;
    if (this.onPrimask !== undefined) this.onPrimask(v);
  },
});

// WFI: rp2040js sets `this.waiting` when the core sleeps and clears it when an interrupt wakes
// it; `core.onWaiting(asleep)` hears each change.
Object.defineProperty(proto, 'waiting', {
  configurable: true,
  get() {
    return this.asleep;
  },
  set(v) {
    if (v === this.asleep) return;
    this.asleep = v;
    if (this.onWaiting !== undefined) this.onWaiting(v);
  },
});
