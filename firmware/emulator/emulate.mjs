// Runs Baton's RP2040 firmware (a UF2 file) on the rp2040js emulator, headless and on
// emulated time: drives button pins from an input script (the simulator's JSON Lines
// format), and records output pin levels and console lines (UART0) with emulated
// timestamps, in the simulator's trace format.
//
// There is no boot ROM: the harness copies the UF2's blocks into flash, points VTOR at the
// vector table (0x10000100, after the second-stage bootloader, which is skipped) and resets
// the core, which loads SP and PC from it. The firmware makes no boot-ROM calls (rp2040-hal's
// `disable-intrinsics`: no ROM float routines), so nothing else is needed.
//
//   node emulate.mjs FIRMWARE.uf2 --for-ms N [--inputs FILE.jsonl] [--board pico]

import { readFileSync } from 'node:fs';
import { GPIOPinState, RP2040 } from 'rp2040js';

/** The guide's pin names to GPIO numbers, and the console UART, as in firmware/src/boards/*.rs. */
export const BOARDS = {
  pico: {
    uart: 0,
    pins: {
      ...Object.fromEntries(Array.from({ length: 14 }, (_, i) => [`D${i}`, i])),
      A0: 26,
      A1: 27,
      A2: 28,
      A3: 22,
      LED: 25,
    },
  },
  qtpy: {
    uart: 1,
    pins: {
      A0: 29,
      A1: 28,
      A2: 27,
      A3: 26,
      D4: 24,
      D5: 25,
      D6: 20,
      D7: 5,
      D8: 6,
      D9: 4,
      D10: 3,
      NEOPIXEL_POWER: 11,
    },
  },
};

const FLASH_START = 0x10000000;
const VECTOR_TABLE = 0x10000100;

/** Copies a UF2 file's 256-byte payloads into the emulator's flash. */
export function loadUf2(rp2040, bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at + 512 <= bytes.length; at += 512) {
    if (view.getUint32(at, true) !== 0x0a324655 || view.getUint32(at + 508, true) !== 0x0ab16f30) {
      throw new Error(`block at ${at} is not a UF2 block`);
    }
    const target = view.getUint32(at + 12, true);
    const size = view.getUint32(at + 16, true);
    rp2040.flash.set(bytes.subarray(at + 32, at + 32 + size), target - FLASH_START);
  }
}

/** Parses the simulator's input script: `{"t_ms": 1200, "pin": "D3", "action": "press"}` lines. */
export function parseInputs(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l)
    .map((l) => JSON.parse(l))
    .map((e) => ({ tUs: Math.round(e.t_ms * 1000), pin: e.pin, pressed: e.action === 'press' }))
    .sort((a, b) => a.tUs - b.tUs);
}

/**
 * Runs the firmware for `forMs` of demo time. Time zero is the end of the firmware's
 * "baton: … running …" line, printed just before the scheduler starts (the same moment as
 * the simulator's time zero); inputs are applied relative to it.
 *
 * Returns `{ events, boot, stats }`: events like the simulator's trace (`kind` "pin" or
 * "print", `t_us` from time zero), the boot lines, and cycle statistics.
 */
export function emulate({ uf2, forMs, inputs = [], board = 'pico', onCycles = null, maxBootMs = 2000 }) {
  if (!BOARDS[board]) throw new Error(`no pin map for board ${board}`);
  const { pins, uart } = BOARDS[board];
  const byGpio = new Map(Object.entries(pins).map(([name, gp]) => [gp, name]));
  const mcu = new RP2040();
  mcu.logger = { debug() {}, info() {}, warn() {}, error() {} };
  loadUf2(mcu, uf2);
  // rp2040js 1.4.1 loads the handler's address from the vector table with its Thumb bit
  // set and keeps it in PC: instructions still run from the even address, but PC-relative
  // ones (jump tables: `add pc, rN`; `adr`) compute from the odd value and go astray. The
  // hardware clears bit 0 on exception entry; so does this.
  const entry = mcu.core.exceptionEntry.bind(mcu.core);
  mcu.core.exceptionEntry = (n) => {
    entry(n);
    mcu.core.PC &= ~1;
  };
  mcu.core.VTOR = VECTOR_TABLE;
  mcu.core.reset();
  const clock = mcu.clock;

  // Buttons are released (high, active-low) until the script presses them.
  for (const gp of byGpio.keys()) mcu.gpio[gp].setInputValue(true);

  let t0 = null; // emulated µs at demo start
  const nowUs = () => clock.nanos / 1000;
  const rel = () => Math.round(nowUs() - t0);
  const relNs = () => Math.round(clock.nanos - t0 * 1000);
  const events = [];
  const boot = [];

  let line = [];
  mcu.uart[uart].onByte = (b) => {
    if (b === 13) return;
    if (b !== 10) {
      line.push(b);
      return;
    }
    const text = Buffer.from(line).toString('utf8');
    line = [];
    if (t0 === null) {
      boot.push(text);
      if (/^baton: .*, running /.test(text)) t0 = nowUs();
    } else if (text.startsWith('baton: ')) {
      boot.push(text);
    } else {
      events.push({ t_us: rel(), kind: 'print', text });
    }
  };
  for (const [gp, name] of byGpio) {
    mcu.gpio[gp].addListener((state) => {
      if (t0 === null) return;
      if (state === GPIOPinState.Low || state === GPIOPinState.High) {
        const value = state === GPIOPinState.High;
        const last = events.findLast((e) => e.kind === 'pin' && e.pin === name);
        if (!last || last.value !== value) events.push({ t_us: rel(), t_ns: relNs(), kind: 'pin', pin: name, value });
      }
    });
  }

  // PIO: rp2040js runs it on real-time timers (setTimeout), which never fire inside this
  // synchronous loop. Step it here instead, one PIO step per CPU instruction while it runs:
  // faster than the wire, which is fine — the firmware paces each NeoPixel frame by the
  // hardware timer (30 µs a pixel + 80 µs latch) whatever the PIO does.
  for (const pio of mcu.pio) pio.run = () => {};
  // NeoPixel frames: the words written to PIO0's TX FIFO 0 (GRB in the top 24 bits).
  // A frame ends when the line has been quiet for more than the latch time.
  let frame = null;
  const pio0 = mcu.pio[0];
  const write = pio0.writeUint32.bind(pio0);
  pio0.writeUint32 = (offset, value) => {
    if (offset === 0x10 && t0 !== null) {
      const t = nowUs();
      if (!frame || t - frame.last > 50) {
        frame = { t_us: rel(), kind: 'pixels', colors: [], last: t };
        events.push(frame);
      }
      frame.colors.push([(value >>> 16) & 0xff, (value >>> 24) & 0xff, (value >>> 8) & 0xff]);
      frame.last = t;
    }
    write(offset, value);
  };

  const pending = [...inputs];
  const endBootNs = maxBootMs * 1e6;
  let instructions = 0;
  const core = mcu.core;
  for (;;) {
    if (t0 === null && clock.nanos > endBootNs) {
      throw new Error(`the firmware did not start a demo within ${maxBootMs} ms; console: ${boot.join(' | ')}`);
    }
    if (t0 !== null) {
      while (pending.length && t0 + pending[0].tUs <= nowUs()) {
        const e = pending.shift();
        const gp = pins[e.pin];
        if (gp === undefined) throw new Error(`the input script names pin ${e.pin}, which ${board} lacks`);
        mcu.gpio[gp].setInputValue(!e.pressed);
        events.push({ t_us: rel(), t_ns: relNs(), kind: 'input', pin: e.pin, value: !e.pressed });
      }
      if (nowUs() - t0 >= forMs * 1000) break;
    }
    if (core.waiting) {
      // Asleep in WFI: jump to the next alarm, input or the end.
      // (rp2040js answers 0 when no alarm is set: then nothing but an input can wake it.)
      let dt = clock.nextAlarm ? clock.nanosToNextAlarm : endBootNs - clock.nanos;
      if (t0 !== null) {
        if (!clock.nextAlarm) dt = Infinity;
        const limits = [(t0 + forMs * 1000) * 1000 - clock.nanos];
        if (pending.length) limits.push((t0 + pending[0].tUs) * 1000 - clock.nanos);
        dt = Math.min(dt, ...limits);
      }
      clock.tick(Math.max(dt, 1));
    } else {
      const before = core.cycles;
      const pc = core.PC;
      core.executeInstruction();
      const cycles = core.cycles - before;
      instructions++;
      if (!pio0.stopped) pio0.step();
      if (onCycles) onCycles(pc, cycles, nowUs());
      clock.tick((cycles * 1e9) / mcu.clkSys);
    }
  }
  for (const pio of mcu.pio) pio.stop();
  for (const e of events) delete e.last;
  return { events, boot, stats: { instructions, clkSys: mcu.clkSys, bootUs: Math.round(t0) } };
}

function main(argv) {
  const args = { board: 'pico', forMs: 1000, inputs: [] };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--for-ms') args.forMs = Number(argv[++i]);
    else if (a === '--inputs') args.inputs = parseInputs(readFileSync(argv[++i], 'utf8'));
    else if (a === '--board') args.board = argv[++i];
    else rest.push(a);
  }
  if (rest.length !== 1) {
    console.error('usage: node emulate.mjs FIRMWARE.uf2 --for-ms N [--inputs FILE.jsonl] [--board pico]');
    process.exit(2);
  }
  const { events, boot, stats } = emulate({ ...args, uf2: readFileSync(rest[0]) });
  for (const b of boot) console.error(b);
  for (const { t_ns, ...e } of events) console.log(JSON.stringify(e));
  console.error(`${stats.instructions} instructions, clk_sys ${stats.clkSys / 1e6} MHz, demo started ${stats.bootUs} µs after reset`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
