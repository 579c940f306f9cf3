// The strict chip (chip.mjs) on its own: small Thumb programs (thumb.mjs) that call the boot
// ROM model as rp2040-hal's rom_data and the rp2040-flash crate do, and that break the rules
// the M0+ enforces — each checked to pass on the strict chip and, where the check is the
// point, to fault there but not on plain rp2040js. Then the real firmware with one register
// write perturbed by the harness, to show that the clock model's checks can fail it.
//
// The firmware tests need target/firmware/baton-pico.uf2 (`cargo xtask firmware --all`).

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RP2040 } from 'rp2040js';
import { ChipError, FLASH_CHIPS, FLASH_TIMING, installChip, uniqueId, uniqueIdHex } from './chip.mjs';
import { crc32mpeg2, emulate } from './emulate.mjs';
import { Thumb } from './thumb.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const RAM = 0x20000000;
const FLASH = 0x10000000;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const rom = (s) => s.charCodeAt(0) | (s.charCodeAt(1) << 8);
const PC = 15;

/** An RP2040 running `code` (assembled for `at`, in RAM or flash) from reset; strict unless told. */
function machine(code, { at = RAM, board = 'pico', strict = true, data = [], vectors = [] } = {}) {
  const mcu = new RP2040();
  mcu.logger = quiet;
  const flash = new DataView(mcu.flash.buffer);
  flash.setUint32(0x100, 0x20040000, true); // vector table: initial SP, reset vector
  flash.setUint32(0x104, at | 1, true);
  for (const [n, handler] of vectors) flash.setUint32(0x100 + 4 * n, handler | 1, true);
  // As emulate.mjs: the hardware clears the handler address's Thumb bit on exception entry.
  const entry = mcu.core.exceptionEntry.bind(mcu.core);
  mcu.core.exceptionEntry = (n) => {
    entry(n);
    mcu.core.PC &= ~1;
  };
  if (at >= RAM) mcu.sram.set(code, at - RAM);
  else mcu.flash.set(code, at - FLASH);
  for (const [addr, bytes] of data) mcu.sram.set(bytes, addr - RAM);
  mcu.core.VTOR = FLASH + 0x100;
  mcu.core.reset();
  const chip = strict ? installChip(mcu, { board }) : null;
  return { mcu, chip };
}

/** Runs until `b .`, a halt (BOOTSEL) or `max` instructions; 'stopped' or 'halt'. */
function run({ mcu, chip }, max = 2e6) {
  const { core, clock } = mcu;
  for (let i = 0; i < max; i++) {
    if (chip?.halt) return 'halt';
    if (core.waiting) {
      if (!clock.nextAlarm) throw new Error('asleep in WFI with nothing to wake it');
      clock.tick(clock.nanosToNextAlarm);
      continue;
    }
    const pc = core.PC;
    const before = core.cycles;
    core.executeInstruction();
    clock.tick(((core.cycles - before) * 1e9) / mcu.clkSys);
    if (core.PC === pc) return 'stopped';
  }
  throw new Error(`still running after ${max} instructions (pc ${core.PC.toString(16)})`);
}

/** r4 = the ROM function `code`, looked up as rp2040-hal's rom_data does (r0–r3 clobbered). */
function lookup(a, code) {
  return a.movs(3, 0x14).ldrh(0, 3, 0).ldrh(2, 3, 4).ldrConst(1, rom(code)).blx(2).mov(4, 0);
}

/** Calls the ROM function `code` with `args` in r0–r3. */
function call(a, code, ...args) {
  lookup(a, code);
  args.forEach((v, i) => a.ldrConst(i, v));
  return a.blx(4);
}

const bytesAt = (mcu, addr, n) => Array.from(mcu.sram.subarray(addr - RAM, addr - RAM + n));

test('boot ROM: rom_table_lookup finds reset_usb_boot by its code (a Thumb address in ROM), and calling it stops the chip in BOOTSEL', () => {
  const a = new Thumb(RAM);
  lookup(a, 'UB').ldrConst(3, RAM + 0x1000).str(4, 3, 0);
  a.movs(0, 0x20).movs(1, 0).blx(4).stop();
  const m = machine(a.bytes());
  assert.equal(run(m), 'halt');
  assert.equal(m.chip.halt.kind, 'bootsel');
  assert.equal(m.chip.halt.gpioActivityMask, 0x20);
  const [fn] = new Uint32Array(m.mcu.sram.buffer, 0x1000, 1);
  assert.ok(fn & 1 && fn < 0x4000, `reset_usb_boot at ${fn.toString(16)}: a ROM address with the Thumb bit`);
  assert.deepEqual(m.chip.romCalls, { rom_table_lookup: 1, UB: 1 });
});

test('boot ROM: looking up a function the model lacks stops the run, naming it', () => {
  const a = new Thumb(RAM);
  lookup(a, 'ZZ').stop();
  assert.throws(() => run(machine(a.bytes())), (e) => e instanceof ChipError && /ROM function 'ZZ'/.test(e.message));
});

/**
 * A UF2 of boot2 (only its CRC matters: the harness skips it), a vector table, `code` at
 * 0x10000200 and `more` ([offset, bytes]) elsewhere in the image.
 */
function uf2Of(code, more = []) {
  const image = new Uint8Array(0x1000);
  const view = new DataView(image.buffer);
  view.setUint32(252, crc32mpeg2(image.subarray(0, 252)), true);
  view.setUint32(0x100, 0x20040000, true);
  view.setUint32(0x104, (FLASH + 0x200) | 1, true);
  image.set(code, 0x200);
  for (const [at, bytes] of more) image.set(bytes, at);
  const blocks = image.length / 256;
  const uf2 = new Uint8Array(512 * blocks);
  const u = new DataView(uf2.buffer);
  for (let i = 0; i < blocks; i++) {
    const at = 512 * i;
    [0x0a324655, 0x9e5d5157, 0x2000, FLASH + 256 * i, 256, i, blocks, 0xe48bff56].forEach((w, k) => u.setUint32(at + 4 * k, w, true));
    uf2.set(image.subarray(256 * i, 256 * i + 256), at + 32);
    u.setUint32(at + 508, 0x0ab16f30, true);
  }
  return uf2;
}

test('boot ROM: emulate() stops a firmware that calls reset_usb_boot and reports BOOTSEL', () => {
  const a = new Thumb(FLASH + 0x200);
  call(a, 'UB', 0, 0).stop();
  const result = emulate({ uf2: uf2Of(a.bytes()), board: 'pico', forMs: 10, withBoot: true });
  assert.equal(result.bootsel, true);
  const events = result.events.filter((e) => e.kind === 'bootsel');
  assert.equal(events.length, 1);
  assert.ok(events[0].t_us >= 0 && events[0].t_us < 1000, JSON.stringify(events));
});

// rp2040-flash 0.6's flash_unique_id/flash_jedec_id (src/lib.rs, read_flash_inner), run from
// RAM as the crate links it (.data.ram_func): ROM IF and EX, the SSI driven directly in
// EEPROM-read mode (TMOD 3, CTRLR1 = dummy + data - 1), then CX. Afterwards the program reads a
// word through XIP (the vector table's first word), which works only if XIP is back.
const PTRS = RAM + 0x1000;
const CMD = RAM + 0x1100;
const CMD_BYTES = RAM + 0x1200;
const OUT = RAM + 0x1300;
const XIP_WORD = RAM + 0x1400;

function readFlashCommand({ at = RAM, resetCtrlr1 = true } = {}) {
  const a = new Thumb(at);
  ['IF', 'EX', 'RE', 'RP', 'FC', 'CX'].forEach((c, i) => {
    lookup(a, c).ldrConst(3, PTRS).str(4, 3, 4 * i);
  });
  a.cpsid().ldrConst(7, CMD); // r7 = &cmd
  a.ldrConst(5, PTRS);
  a.ldr(4, 5, 0).blx(4); // connect_internal_flash()
  a.ldr(4, 5, 4).blx(4); // flash_exit_xip()
  a.movs(4, 0x18).lsls(4, 4, 24); // SSI
  a.movs(0, 0).str(0, 4, 8); // SSIENR = 0
  a.movs(0, 3).lsls(0, 0, 8).ldr(1, 4, 0).orrs(1, 0).str(1, 4, 0); // CTRLR0 |= TMOD 3
  a.ldr(0, 7, 8).ldr(1, 7, 16).addsReg(0, 0, 1).subs(0, 1).str(0, 4, 4); // CTRLR1
  a.movs(0, 1).str(0, 4, 8); // SSIENR = 1
  a.mov(2, 4).adds(2, 0x60).ldr(0, 7, 0).ldr(1, 7, 4);
  a.label('cmd').ldrb(3, 0).strb(3, 2).adds(0, 1).subs(1, 1).b('cmd', 'ne');
  a.ldr(1, 7, 8).cmp(1, 0).b('data', 'eq');
  a.label('dummy').ldr(3, 4, 0x28).movs(2, 8).tst(3, 2).b('dummy', 'eq');
  a.mov(2, 4).adds(2, 0x60).ldrb(3, 2).subs(1, 1).b('dummy', 'ne');
  a.label('data').ldr(0, 7, 12).ldr(1, 7, 16);
  a.label('rx').ldr(3, 4, 0x28).movs(2, 8).tst(3, 2).b('rx', 'eq');
  a.mov(2, 4).adds(2, 0x60).ldrb(3, 2).strb(3, 0).adds(0, 1).subs(1, 1).b('rx', 'ne');
  a.movs(0, 0).str(0, 4, 8); // SSIENR = 0
  if (resetCtrlr1) a.str(0, 4, 4); // CTRLR1 = 0 ("everything goes wrong unless we do it here")
  a.ldr(4, 5, 20).blx(4); // flash_enter_cmd_xip()
  a.cpsie();
  a.ldrConst(3, FLASH + 0x100).ldr(0, 3, 0).ldrConst(3, XIP_WORD).str(0, 3, 0);
  return a.stop().bytes();
}

function commandData(cmd, dummy, len) {
  const w = new Uint8Array(20);
  new Uint32Array(w.buffer).set([CMD_BYTES, 1, dummy, OUT, len]);
  return [
    [CMD, w],
    [CMD_BYTES, Uint8Array.of(cmd)],
  ];
}

for (const board of ['pico', 'qtpy']) {
  test(`SSI: rp2040-flash's flash_unique_id reads the ${board}'s 8-byte ID (0x4B, 4 dummy bytes), and XIP works afterwards`, () => {
    const m = machine(readFlashCommand(), { board, data: commandData(0x4b, 4, 8) });
    assert.equal(run(m), 'stopped');
    assert.deepEqual(bytesAt(m.mcu, OUT, 8), Array.from(uniqueId(board)));
    assert.match(uniqueIdHex(board), /^[0-9A-F]{16}$/);
    assert.equal(new DataView(m.mcu.sram.buffer).getUint32(XIP_WORD - RAM, true), 0x20040000);
    for (const c of ['IF', 'EX', 'CX']) assert.equal(m.chip.romCalls[c], 1, c);
    // Interrupts were masked around it, and the model measured for how long.
    const { maxMaskedAroundFlashUs } = m.chip.stats();
    assert.ok(maxMaskedAroundFlashUs > 0 && maxMaskedAroundFlashUs < 10_000, `${maxMaskedAroundFlashUs} µs`);
  });

  test(`SSI: flash_jedec_id (0x9F) reads the ${board}'s flash chip`, () => {
    const m = machine(readFlashCommand(), { board, data: commandData(0x9f, 0, 3) });
    assert.equal(run(m), 'stopped');
    assert.deepEqual(bytesAt(m.mcu, OUT, 3), FLASH_CHIPS[board].jedec);
  });
}

test("SSI: pico-sdk's way (flash_do_cmd: TX&RX frames, chip select forced low through IO_QSPI) reads the same unique ID", () => {
  const a = new Thumb(RAM);
  a.cpsid();
  call(a, 'IF');
  call(a, 'EX');
  a.ldrConst(4, 0x18000000).ldrConst(5, 0x4001800c); // SSI, IO_QSPI GPIO_QSPI_SS_CTRL
  a.ldrConst(0, 2 << 8).str(0, 5); // OUTOVER: chip select low
  a.movs(0, 0x4b).str(0, 4, 0x60); // DR0: the command…
  a.movs(1, 12).movs(0, 0).label('tx').str(0, 4, 0x60).subs(1, 1).b('tx', 'ne'); // …and 12 more frames
  a.ldrConst(6, OUT).movs(1, 13);
  a.label('rx').ldr(3, 4, 0x24).cmp(3, 0).b('rx', 'eq'); // RXFLR
  a.ldr(3, 4, 0x60).strb(3, 6).adds(6, 1).subs(1, 1).b('rx', 'ne');
  a.ldrConst(0, 3 << 8).str(0, 5); // chip select high
  call(a, 'FC'); // (chip select back to the SSI)
  call(a, 'CX');
  a.cpsie();
  a.ldrConst(3, FLASH + 0x100).ldr(0, 3, 0).ldrConst(3, XIP_WORD).str(0, 3, 0);
  const m = machine(a.stop().bytes(), { board: 'qtpy' });
  assert.equal(run(m), 'stopped');
  assert.deepEqual(bytesAt(m.mcu, OUT + 5, 8), Array.from(uniqueId('qtpy')));
  assert.equal(new DataView(m.mcu.sram.buffer).getUint32(XIP_WORD - RAM, true), 0x20040000);
});

test('SSI: the same sequence run from flash stops at the first fetch after flash_exit_xip', () => {
  const at = FLASH + 0x1000;
  const m = machine(readFlashCommand({ at }), { at, data: commandData(0x4b, 4, 8) });
  assert.throws(() => run(m), (e) => e instanceof ChipError && /read through XIP .* while XIP is off \(SSI TMOD 0/.test(e.message));
});

test('SSI: without CTRLR1 back at 0 (as rp2040-flash warns), XIP is broken after flash_enter_cmd_xip', () => {
  const m = machine(readFlashCommand({ resetCtrlr1: false }), { data: commandData(0x4b, 4, 8) });
  assert.throws(() => run(m), (e) => e instanceof ChipError && /CTRLR1\.NDF 11/.test(e.message));
});

/** Erases the sector at `addr` and programs `page` at its start, as rp2040-flash does (IF EX RE RP FC CX), interrupts masked. */
function eraseAndProgram(addr, page, { count = 4096 } = {}) {
  const a = new Thumb(RAM);
  a.cpsid();
  call(a, 'IF');
  call(a, 'EX');
  call(a, 'RE', addr, count, 1 << 31, 0);
  call(a, 'RP', addr, RAM + 0x2000, page.length);
  call(a, 'FC');
  call(a, 'CX');
  a.cpsie().stop();
  return machine(a.bytes(), { data: [[RAM + 0x2000, page]] });
}

test('flash: erase sets the sector to 0xFF, program ANDs the page in, each taking the flash chip its typical time', () => {
  const addr = 0x1ff000;
  const page = Uint8Array.from({ length: 256 }, (_, i) => (i * 7) & 0xff);
  const m = eraseAndProgram(addr, page);
  m.mcu.flash.fill(0x5a, addr, addr + 4096); // what was there
  const t0 = m.mcu.clock.nanos;
  assert.equal(run(m), 'stopped');
  assert.deepEqual(Array.from(m.mcu.flash.subarray(addr, addr + 256)), Array.from(page));
  assert.ok(m.mcu.flash.subarray(addr + 256, addr + 4096).every((b) => b === 0xff), 'the rest of the sector is erased');
  const us = (m.mcu.clock.nanos - t0) / 1000;
  const expected = FLASH_TIMING.sectorEraseUs + FLASH_TIMING.pageProgramUs;
  assert.ok(us >= expected && us < expected + 5000, `${us} µs`);
  const stats = m.chip.stats();
  assert.ok(stats.maxMaskedAroundFlashUs >= expected, JSON.stringify(stats));
  assert.equal(stats.erasedBytes, 4096);
  assert.equal(stats.programmedBytes, 256);
});

test('flash: programming a page again without erasing ANDs the new bytes into the old (NOR flash only clears bits)', () => {
  const addr = 0x1fe000;
  const a = new Thumb(RAM);
  a.cpsid();
  for (const c of ['IF', 'EX']) call(a, c);
  call(a, 'RP', addr, RAM + 0x2000, 256);
  for (const c of ['FC', 'CX']) call(a, c);
  a.cpsie().stop();
  const page = Uint8Array.from({ length: 256 }, (_, i) => i);
  const m = machine(a.bytes(), { data: [[RAM + 0x2000, page]] });
  m.mcu.flash.fill(0xf0, addr, addr + 256);
  assert.equal(run(m), 'stopped');
  assert.deepEqual(Array.from(m.mcu.flash.subarray(addr, addr + 256)), Array.from(page, (b) => b & 0xf0));
});

test("flash: what the ROM erases and programs stays in emulate()'s flash, for the next run", () => {
  // In flash: copy the RAM part (code and the page to program) to RAM and jump there; in RAM:
  // erase a sector, program the page, back to XIP, then reset_usb_boot to end the run.
  const addr = 0x1f0000;
  const ram = new Thumb(RAM);
  ram.cpsid();
  for (const c of ['IF', 'EX']) call(ram, c);
  call(ram, 'RE', addr, 4096, 1 << 31, 0);
  call(ram, 'RP', addr, RAM + 0x400, 256);
  for (const c of ['FC', 'CX']) call(ram, c);
  ram.cpsie();
  call(ram, 'UB', 0, 0).stop();
  const page = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
  const blob = new Uint8Array(0x500);
  blob.set(ram.bytes());
  blob.set(page, 0x400);
  const boot = new Thumb(FLASH + 0x200);
  boot.ldrConst(0, FLASH + 0x800).ldrConst(1, RAM).ldrConst(2, blob.length);
  boot.label('copy').ldr(3, 0).str(3, 1).adds(0, 4).adds(1, 4).subs(2, 4).b('copy', 'ne');
  boot.ldrConst(3, RAM | 1).bx(3);
  const result = emulate({ uf2: uf2Of(boot.bytes(), [[0x800, blob]]), board: 'pico', forMs: 10, withBoot: true });
  assert.equal(result.bootsel, true);
  assert.deepEqual(Array.from(result.flash.subarray(addr, addr + 256)), Array.from(page));
  assert.ok(result.flash.subarray(addr + 256, addr + 4096).every((b) => b === 0xff));
  assert.ok(result.stats.chip.maxMaskedAroundFlashUs >= FLASH_TIMING.sectorEraseUs, JSON.stringify(result.stats.chip));
});

test('flash: an erase not on a 4096-byte boundary, or a program of part of a page, stops the run', () => {
  assert.throws(() => run(eraseAndProgram(0x1ff100, new Uint8Array(256))), /multiples of 4096/);
  assert.throws(() => run(eraseAndProgram(0x1ff000, new Uint8Array(100))), /whole 256-byte pages/);
});

// ---- Faults: the program that breaks the rule faults on the strict chip and runs on rp2040js.

const TARGET = RAM + 0x800; // a `b .` to jump to
const faulting = {
  'unaligned word load': (a) => a.ldrConst(0, RAM + 0x1001).ldr(1, 0, 0),
  'unaligned halfword load': (a) => a.ldrConst(0, RAM + 0x1001).ldrh(1, 0, 0),
  'unaligned word store': (a) => a.ldrConst(0, RAM + 0x1002).str(1, 0, 0),
  'unaligned halfword store': (a) => a.ldrConst(0, RAM + 0x1001).strh(1, 0, 0),
  'BX to an address with bit 0 clear': (a) => a.ldrConst(3, TARGET).bx(3),
  'BLX to an address with bit 0 clear': (a) => a.ldrConst(3, TARGET).blx(3),
  'POP into PC of an address with bit 0 clear': (a) => a.ldrConst(0, TARGET).push(0).pop(PC),
};
for (const [what, body] of Object.entries(faulting)) {
  test(`fault: ${what} is a HardFault on the strict chip (rp2040js alone runs on)`, () => {
    const program = () => {
      const a = new Thumb(RAM);
      body(a);
      return a.stop().bytes();
    };
    const target = [[TARGET, Uint8Array.of(0xfe, 0xe7)]];
    assert.equal(run(machine(program(), { strict: false, data: target })), 'stopped');
    assert.throws(
      () => run(machine(program(), { data: target })),
      (e) => e instanceof ChipError && e.kind === 'HardFault' && /at pc 0x2000/.test(e.message),
    );
  });
}

test('fault: the same jumps with the Thumb bit set, and aligned accesses, run on the strict chip', () => {
  const a = new Thumb(RAM);
  a.ldrConst(0, RAM + 0x1000).ldr(1, 0, 0).ldrh(1, 0, 2).str(1, 0, 4).strh(1, 0, 6);
  a.ldrConst(3, (TARGET + 4) | 1).blx(3); // a routine that returns with `bx lr`
  a.ldrConst(0, TARGET | 1).push(0).pop(PC); // to the `b .`
  a.stop();
  const m = machine(a.bytes(), { data: [[TARGET, Uint8Array.of(0xfe, 0xe7, 0, 0, 0x70, 0x47)]] });
  assert.equal(run(m), 'stopped');
  assert.equal(m.mcu.core.PC, TARGET);
});

test('PRIMASK: a masked stretch counts the time awake, not the time asleep in WFI until the timer alarm wakes the core', () => {
  const a = new Thumb(RAM);
  a.ldrConst(0, 0x4005802c).ldrConst(1, 0x200 | 6).str(1, 0); // watchdog tick: clk_ref (ROSC 6.5 MHz) / 6
  a.ldrConst(0, 0x40054038).movs(1, 1).str(1, 0); // TIMER INTE: alarm 0
  a.ldrConst(0, 0xe000e100).movs(1, 1).str(1, 0); // NVIC: IRQ 0 (TIMER_IRQ_0)
  a.cpsid();
  a.ldrConst(0, 0x40054028).ldr(1, 0).adds(1, 200).ldrConst(0, 0x40054010).str(1, 0); // ALARM0 = now + 200
  a.emit(0xbf30); // wfi
  a.cpsie().stop(); // the handler runs here
  const handler = new Thumb(RAM + 0x800);
  handler.ldrConst(0, 0x40054034).movs(1, 1).str(1, 0); // clear the alarm's interrupt
  handler.ldrConst(0, RAM + 0x1000).str(1, 0).bx(14); // a mark; return (EXC_RETURN in LR)
  const m = machine(a.bytes(), { data: [[RAM + 0x800, handler.bytes()]], vectors: [[16, RAM + 0x800]] });
  const t0 = m.mcu.clock.nanos;
  assert.equal(run(m), 'stopped');
  assert.equal(bytesAt(m.mcu, RAM + 0x1000, 1)[0], 1, 'the alarm interrupt ran');
  const tickUs = 6 / 6.5;
  const elapsedUs = (m.mcu.clock.nanos - t0) / 1000;
  assert.ok(elapsedUs > 200 * tickUs && elapsedUs < 200 * tickUs + 30, `${elapsedUs} µs`);
  const { maxMaskedUs } = m.chip.stats();
  assert.ok(maxMaskedUs > 0 && maxMaskedUs < 15, `masked ${maxMaskedUs} µs`);
});

test('TIMER: an alarm written for the count it already has matches only after the 32-bit wrap, as the comparator does', () => {
  const a = new Thumb(RAM);
  a.ldrConst(0, 0x4005802c).ldrConst(1, 0x200 | 0x1ff).str(1, 0); // a slow tick (~79 µs), so that…
  a.ldrConst(0, 0x40054028).ldr(1, 0).ldrConst(0, 0x40054010).str(1, 0); // …ALARM0 = TIMERAWL, still
  a.ldrConst(2, 20000).label('spin').subs(2, 1).b('spin', 'ne'); // ~20000 × 3 cycles
  a.ldrConst(0, 0x40054034).ldr(1, 0).ldrConst(0, RAM + 0x1000).str(1, 0); // INTR
  a.stop();
  const m = machine(a.bytes());
  assert.equal(run(m), 'stopped');
  assert.equal(bytesAt(m.mcu, RAM + 0x1000, 1)[0], 0, 'the alarm fired within ~9 ms');
  assert.equal(m.mcu.readUint32(0x40054020), 1, 'ARMED');
});

// ---- The real firmware on the strict clocks, and with a register write perturbed.

const PICO = join(ROOT, 'target', 'firmware', 'baton-pico.uf2');
const skip = !existsSync(PICO) && `${PICO} is missing`;
const PLL_SYS_FBDIV = 0x40028008;
const WATCHDOG_TICK = 0x4005802c;

test('clocks: the firmware brings up 12 MHz clk_ref, 125 MHz clk_sys and clk_peri, 48 MHz clk_usb and a 1 µs tick', { skip }, () => {
  const { stats, events } = emulate({ uf2: readFileSync(PICO), forMs: 600 });
  assert.deepEqual(
    [stats.chip.clkRefHz, stats.chip.clkSysHz, stats.chip.clkPeriHz, stats.chip.clkUsbHz, stats.chip.tickNs],
    [12e6, 125e6, 125e6, 48e6, 1000],
  );
  assert.equal(stats.clkSys, 125e6);
  // blink-one: the LED toggles every 250 ms of the firmware's time, which is emulated time.
  const led = events.filter((e) => e.kind === 'pin' && e.pin === 'LED').map((e) => e.t_us);
  assert.ok(Math.abs(led.at(-1) - led.at(-2) - 250_000) < 50, JSON.stringify(led));
});

test('fault: every BX to a register the firmware runs (its divider tail calls, `ldr r3, =sym; bx r3`, among them) carries the Thumb bit', { skip }, () => {
  const sites = new Map(); // pc of a BX Rm (Rm not LR) -> times run
  let divider = 0;
  emulate({
    uf2: readFileSync(PICO),
    forMs: 300,
    onCycles: (pc, cycles, us, t, core) => {
      const op = core.rp2040.readUint16(pc);
      if ((op & 0xff87) !== 0x4700 || op === 0x4770) return;
      sites.set(pc, (sites.get(pc) ?? 0) + 1);
      if (op === 0x4718 && core.rp2040.readUint16(pc - 2) === 0x4b00) divider++; // ldr r3, [pc, #0]; bx r3
    },
  });
  // Each of these went through the strict chip's Thumb-bit check (a clear bit 0 would have thrown).
  assert.ok(divider > 0, `the divider's tail call ran ${divider} times`);
  assert.ok(sites.size >= 1, JSON.stringify([...sites]));
});

test('clocks: PLL_SYS at FBDIV 100 instead of 125 (clk_sys 100 MHz) puts the console UART at the wrong speed, and the run fails', { skip }, () => {
  const perturb = (address, value) => (address === PLL_SYS_FBDIV && value === 125 ? 100 : value);
  assert.throws(
    () => emulate({ uf2: readFileSync(PICO), forMs: 100, strict: { perturb } }),
    (e) => e instanceof ChipError && /^uart: UART at 92166 baud, the console expects 115200$/.test(e.message),
  );
});

test("clocks: PLL_SYS at FBDIV 140 (a 1680 MHz VCO, above the datasheet's 1600) never locks: the firmware waits for ever, and the harness says why", { skip }, () => {
  const perturb = (address, value) => (address === PLL_SYS_FBDIV && value === 125 ? 140 : value);
  assert.throws(
    () => emulate({ uf2: readFileSync(PICO), forMs: 100, maxBootMs: 150, strict: { perturb } }),
    /did not start a demo within 150 ms.*chip: clk_sys 6.5 MHz from clk_ref \(ROSC\); PLL_SYS is not locked \(VCO 1680 MHz outside 750–1600 MHz\)/,
  );
});

test('clocks: the watchdog tick at CYCLES 10 instead of 12 runs the timer 20% fast: the LED blinks every 208 ms, not 250', { skip }, () => {
  const perturb = (address, value) => (address === WATCHDOG_TICK && (value & 0x1ff) === 12 ? (value & ~0x1ff) | 10 : value);
  const { stats, events } = emulate({ uf2: readFileSync(PICO), forMs: 600, strict: { perturb } });
  assert.ok(Math.abs(stats.chip.tickNs - 1e9 / 1.2e6) < 1e-6, `tick ${stats.chip.tickNs} ns`);
  const led = events.filter((e) => e.kind === 'pin' && e.pin === 'LED').map((e) => e.t_us);
  const period = led.at(-1) - led.at(-2);
  assert.ok(Math.abs(period - 208_333) < 50, `the LED toggled after ${period} µs`);
});
