// A tiny Thumb (ARMv6-M) assembler for the emulator's tests: enough instructions to write the
// few routines chip.test.mjs runs on the strict chip (ROM calls, rp2040-flash's SSI sequence,
// faulting accesses), with labels and a literal pool. Registers are numbers (r0 = 0 … lr = 14).

const lo = (r) => {
  if (r < 0 || r > 7) throw new Error(`r${r} is not a low register`);
  return r;
};
const COND = { eq: 0, ne: 1, mi: 4, pl: 5 };

export class Thumb {
  /** Code for address `base`. */
  constructor(base) {
    this.base = base;
    this.half = [];
    this.labels = new Map();
    this.fixups = [];
    this.literals = [];
  }
  get here() {
    return this.base + 2 * this.half.length;
  }
  emit(...h) {
    for (const x of h) this.half.push(x & 0xffff);
    return this;
  }
  label(name) {
    this.labels.set(name, this.here);
    return this;
  }
  movs(rd, imm) {
    return this.emit(0x2000 | (lo(rd) << 8) | (imm & 0xff));
  }
  /** mov rd, rm (any registers). */
  mov(rd, rm) {
    return this.emit(0x4600 | ((rd & 8) << 4) | (rm << 3) | (rd & 7));
  }
  adds(rd, imm) {
    return this.emit(0x3000 | (lo(rd) << 8) | (imm & 0xff));
  }
  subs(rd, imm) {
    return this.emit(0x3800 | (lo(rd) << 8) | (imm & 0xff));
  }
  addsReg(rd, rn, rm) {
    return this.emit(0x1800 | (lo(rm) << 6) | (lo(rn) << 3) | lo(rd));
  }
  lsls(rd, rm, imm) {
    return this.emit(((imm & 31) << 6) | (lo(rm) << 3) | lo(rd));
  }
  orrs(rdn, rm) {
    return this.emit(0x4300 | (lo(rm) << 3) | lo(rdn));
  }
  tst(rn, rm) {
    return this.emit(0x4200 | (lo(rm) << 3) | lo(rn));
  }
  cmp(rn, imm) {
    return this.emit(0x2800 | (lo(rn) << 8) | (imm & 0xff));
  }
  ldr(rt, rn, imm = 0) {
    return this.emit(0x6800 | ((imm >> 2) << 6) | (lo(rn) << 3) | lo(rt));
  }
  str(rt, rn, imm = 0) {
    return this.emit(0x6000 | ((imm >> 2) << 6) | (lo(rn) << 3) | lo(rt));
  }
  ldrh(rt, rn, imm = 0) {
    return this.emit(0x8800 | ((imm >> 1) << 6) | (lo(rn) << 3) | lo(rt));
  }
  strh(rt, rn, imm = 0) {
    return this.emit(0x8000 | ((imm >> 1) << 6) | (lo(rn) << 3) | lo(rt));
  }
  ldrb(rt, rn, imm = 0) {
    return this.emit(0x7800 | (imm << 6) | (lo(rn) << 3) | lo(rt));
  }
  strb(rt, rn, imm = 0) {
    return this.emit(0x7000 | (imm << 6) | (lo(rn) << 3) | lo(rt));
  }
  /** ldr rt, =value (from the literal pool). */
  ldrConst(rt, value) {
    this.fixups.push({ at: this.half.length, kind: 'literal', rt: lo(rt), value: value >>> 0 });
    return this.emit(0);
  }
  bx(rm) {
    return this.emit(0x4700 | (rm << 3));
  }
  blx(rm) {
    return this.emit(0x4780 | (rm << 3));
  }
  push(...regs) {
    return this.emit(0xb400 | regs.reduce((m, r) => m | (r === 14 ? 0x100 : 1 << lo(r)), 0));
  }
  pop(...regs) {
    return this.emit(0xbc00 | regs.reduce((m, r) => m | (r === 15 ? 0x100 : 1 << lo(r)), 0));
  }
  cpsid() {
    return this.emit(0xb672);
  }
  cpsie() {
    return this.emit(0xb662);
  }
  /** b<cond> label (cond: 'eq', 'ne', 'mi', 'pl'), or b label. */
  b(label, cond = null) {
    this.fixups.push({ at: this.half.length, kind: cond ? 'bcond' : 'b', cond, label });
    return this.emit(0);
  }
  /** b . — where a test program ends. */
  stop() {
    return this.emit(0xe7fe);
  }
  /** The machine code, literal pool included. */
  bytes() {
    const half = [...this.half];
    if (half.length % 2) half.push(0xbf00); // nop: the pool is word-aligned
    const pool = new Map();
    for (const f of this.fixups.filter((f) => f.kind === 'literal')) {
      if (!pool.has(f.value)) pool.set(f.value, this.base + 2 * half.length + 4 * pool.size);
    }
    for (const f of this.fixups) {
      const pc = this.base + 2 * f.at;
      if (f.kind === 'literal') {
        const off = pool.get(f.value) - ((pc + 4) & ~3);
        half[f.at] = 0x4800 | (f.rt << 8) | (off >> 2);
        continue;
      }
      const target = this.labels.get(f.label);
      if (target === undefined) throw new Error(`no label ${f.label}`);
      const off = (target - (pc + 4)) >> 1;
      half[f.at] = f.kind === 'b' ? 0xe000 | (off & 0x7ff) : 0xd000 | (COND[f.cond] << 8) | (off & 0xff);
    }
    const out = new Uint8Array(2 * half.length + 4 * pool.size);
    const view = new DataView(out.buffer);
    half.forEach((h, i) => view.setUint16(2 * i, h, true));
    [...pool.keys()].forEach((v, i) => view.setUint32(2 * half.length + 4 * i, v, true));
    return out;
  }
}
