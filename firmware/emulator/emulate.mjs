// Runs Baton's RP2040 firmware (a UF2 file) on the rp2040js emulator, headless and on
// emulated time: drives button pins from an input script (the simulator's JSON Lines
// format), and records output pin levels, NeoPixel frames and console lines with emulated
// timestamps, in the simulator's trace format.
//
// Where rp2040js 1.4.1 is looser than the chip, the harness makes it behave as the chip does,
// so that the hazards a real board would hit show here too:
//
// - Flashing: rp2040js starts with erased flash and loads nothing. Here a board's flash starts
//   full of another program's bytes, and a UF2 is written into it as the boot ROM writes a
//   file dropped on its drive (bootsel.mjs): the first block of each group of 16 block numbers
//   erases one sector, its own; pages are programmed by clearing bits. A UF2 that leaves a
//   sector unerased (an old configuration block, say) boots with what is left, as on a board.
//   `emulate({ flash })` keeps the flash across runs, so a test can flash several UF2s in turn.
// - Boot: there is no boot ROM. The harness checks the second-stage bootloader (the first 256
//   bytes of flash, after writing) as the boot ROM does — its CRC-32 — and refuses flash that
//   would not boot; then points VTOR at the vector table (0x10000100, after boot2, which is
//   skipped) and resets the core. The boot ROM's functions are modelled in chip.mjs.
// - PIO runs at its clock divider, one instruction per (1 + delay) PIO cycles (rp2040js runs
//   it on real-time timers, ignoring delays and dividers). The NeoPixel data line is decoded
//   from the pin: bit timing, the 24-bit words as frames, and the low time before each frame
//   (the latch).
// - The UART sends at its baud rate: a 32-byte TX FIFO, one frame (start, 8 data, stop bits)
//   at a time, BUSY/TXFF/TXFE flags, and the PL011's TX interrupt, raised when the FIFO
//   drains through its trigger level (rp2040js sends every byte at once and keeps the TX
//   interrupt raised). A console line is stamped when its first byte starts on the wire.
// - The chip underneath is chip.mjs's strict one: Cortex-M0+ faults (Thumb bit, alignment),
//   clocks derived from the XOSC/PLL/CLOCKS registers (instructions take cycles / clk_sys),
//   the timer counting the watchdog's tick with alarms that fire when the counter *reaches*
//   them, the console's baud rate checked at the receiver, the boot ROM's functions and the
//   flash behind the SSI. Anything the real chip would trip on stops the run with an error.
// - The watchdog resets the chip when it expires (rp2040js only logs it): RAM, the watchdog's
//   scratch registers and its REASON register survive, as on the chip; the firmware boots
//   again from the start. The reset is recorded as a `reset` event.
// - Switches bounce (rp2040js's inputs are clean levels): with `bounce`, each press and release
//   chatters exactly as the simulator's `--bounce-us D --bounce-count K` makes it (inputs.mjs).
// - Time zero is the end of the firmware's "running" line on the UART. A demo that takes the
//   UART's pin (the QT Py's TX pad, D6) has no such line; its time zero is then taken from its
//   first output change, set to the simulator's time for that change (`zeroAt`).
//
//   node emulate.mjs FIRMWARE.uf2 --for-ms N [--inputs FILE.jsonl] [--bounce-us D [--bounce-count K]]
//                    [--over EARLIER.uf2]... [--zero-at PIN:US] [--board pico]
//
// BATON_EMU_LOG=1 prints rp2040js's own log (unimplemented registers, USB transfers) to stderr.

import { readFileSync } from 'node:fs';
import { DataDirection, GPIOPinState, RP2040, SetupRecipient, SetupType, USBCDC, createSetupPacket } from 'rp2040js';
import { anotherProgram, writeUf2 } from './bootsel.mjs';
import { levelChanges, parseInputs } from './inputs.mjs';
import { installChip } from './chip.mjs';

export { parseInputs };

/** The guide's pin names to GPIO numbers, and the console UART, as in crates/baton-rp2040/src/boards/*.rs. */
export const BOARDS = {
  pico: {
    uart: 0,
    flashBytes: 2 << 20, // W25Q16JV
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
    flashBytes: 8 << 20, // GD25Q64C
    pins: {
      A0: 29,
      A1: 28,
      A2: 27,
      A3: 26,
      // (D0–D3 are the same GPIOs as A0–A3.)
      D0: 29,
      D1: 28,
      D2: 27,
      D3: 26,
      D4: 24,
      D5: 25,
      D6: 20,
      D7: 5,
      D8: 6,
      D9: 4,
      D10: 3,
      NEOPIXEL: 12,
      NEOPIXEL_POWER: 11,
    },
  },
};

/** A board's GPIO number for a pin name (`undefined` if it has no such pin). */
export function gpioOf(board, name) {
  return BOARDS[board].pins[name];
}

const VECTOR_TABLE = 0x10000100;
const WATCHDOG_BASE = 0x40058;

/** CRC-32/MPEG-2 (polynomial 0x04C11DB7, not reflected, initial 0xFFFFFFFF, no final xor). */
export function crc32mpeg2(bytes) {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b << 24;
    for (let i = 0; i < 8; i++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}

/**
 * The second-stage bootloader as the boot ROM sees it: the first 256 bytes of flash, whose
 * last 4 bytes must be the CRC-32/MPEG-2 of the first 252 (little-endian). Returns
 * `{ ok, stored, computed, bytes }`.
 */
export function checkBoot2(flash) {
  const bytes = flash.subarray(0, 256);
  const stored = (bytes[252] | (bytes[253] << 8) | (bytes[254] << 16) | (bytes[255] << 24)) >>> 0;
  const computed = crc32mpeg2(bytes.subarray(0, 252));
  return { ok: stored === computed, stored, computed, bytes: Buffer.from(bytes) };
}

/** The first 256 bytes of erased flash after the boot ROM has written a UF2 file into it. */
export function uf2Flash(bytes) {
  const flash = new Uint8Array(2 << 20).fill(0xff);
  writeUf2(flash, bytes);
  return flash.subarray(0, 256);
}

const programs = new Map();
/**
 * A board's flash as it comes: full of another program's bytes (bootsel.mjs's
 * `anotherProgram`), not erased. A copy each time, so that each run starts from the same bytes.
 */
export function usedFlash(board) {
  const size = BOARDS[board].flashBytes;
  if (!programs.has(size)) programs.set(size, anotherProgram(size));
  return programs.get(size).slice();
}

// ---- UART: paced at the baud rate, with the PL011's TX FIFO and TX interrupt.

const UARTDR = 0x0;
const UARTFR = 0x18;
const UARTIFLS = 0x34;
const UARTIMSC = 0x38;
const UARTICR = 0x44;
const TXINTR = 1 << 5;
const FR_BUSY = 1 << 3;
const FR_TXFF = 1 << 5;
const FR_TXFE = 1 << 7;
/** TXIFLSEL: the FIFO level at or below which the TX interrupt is raised. */
const TX_TRIGGER = [4, 8, 16, 24, 28];

/**
 * Paces `uart`: each byte written goes through a 32-byte FIFO and then takes a frame's time
 * on the wire. `onWire(byte, startNs, endNs)` is called as each byte starts on the wire.
 */
function pacedUart(mcu, uart, onWire) {
  const fifo = [];
  let shifting = false;
  let txris = false;
  let ifls = 0b010_010; // reset value: both FIFOs at 1/2
  const alarm = mcu.clock.createAlarm(() => {
    shifting = false;
    next();
  });
  const frameNs = () => {
    const lcr = uart.lineCtrlRegister;
    const bits = 1 + uart.wordLength + (lcr & (1 << 3) ? 2 : 1) + (lcr & (1 << 1) ? 1 : 0);
    return (bits * 16 * uart.baudDivider * 1e9) / mcu.clkPeri;
  };
  const trigger = () => TX_TRIGGER[ifls & 7] ?? 16;
  const depth = () => (uart.fifosEnabled ? 32 : 1);
  function next() {
    if (shifting || !fifo.length) return;
    const level = fifo.length;
    const byte = fifo.shift();
    shifting = true;
    const ns = frameNs();
    onWire(byte, mcu.clock.nanos, mcu.clock.nanos + ns);
    alarm.schedule(ns);
    if (level > trigger() && fifo.length <= trigger()) {
      txris = true;
      uart.checkInterrupts();
    }
  }
  uart.checkInterrupts = function () {
    this.interruptStatus = (this.interruptStatus & ~TXINTR) | (txris ? TXINTR : 0);
    this.rp2040.setInterrupt(this.irq, !!(this.interruptStatus & this.interruptMask));
  };
  Object.defineProperty(uart, 'flags', {
    get() {
      const rx = (this.rxFIFO.full ? 1 << 6 : 0) | (this.rxFIFO.empty ? 1 << 4 : 0);
      const tx = (fifo.length === 0 ? FR_TXFE : 0) | (fifo.length >= depth() ? FR_TXFF : 0);
      return rx | tx | (shifting || fifo.length ? FR_BUSY : 0);
    },
  });
  const read = uart.readUint32.bind(uart);
  uart.readUint32 = (offset) => (offset === UARTIFLS ? ifls : read(offset));
  const write = uart.writeUint32.bind(uart);
  uart.writeUint32 = (offset, value) => {
    switch (offset) {
      case UARTDR:
        if (!(uart.enabled && uart.txEnabled) || fifo.length >= depth()) return; // lost, as on the chip
        fifo.push(value & 0xff);
        if (fifo.length > trigger()) txris = false;
        next();
        uart.checkInterrupts();
        return;
      case UARTIFLS:
        ifls = value & 0x3f;
        return;
      case UARTICR:
        if (uart.rawWriteValue & TXINTR) txris = false;
        write(offset, value);
        return;
      case UARTIMSC:
      default:
        write(offset, value);
    }
  };
  return () => alarm.cancel();
}

// ---- PIO: run at its clock divider; decode WS2812 frames from the pins it drives.

const WAIT_TX_FIFO = 3;
const WAIT_OUT = 5;
const FUNCTION_PIO0 = 6;

/** WS2812 at 800 kHz (WS2812B-V5 datasheet): T0H 220–380 ns, T1H 580–1000 ns, bit 1.25 µs. */
export const WS2812 = { t0h: [220, 380], t1h: [580, 1000], bitNs: 1250, bitTolNs: 150, latchUs: 280 };
/** A low time longer than this ends a frame (a bit's low time is at most ~1 µs). */
const FRAME_GAP_NS = 9000;

/** Decodes one data line's edges into frames; `onFrame(frame)` when a frame starts. */
function ws2812Decoder(onFrame) {
  let level = false;
  let lastRise = null;
  let lastFall = null;
  let frame = null;
  let word = 0;
  let nbits = 0;
  const close = () => {
    if (frame && nbits) frame.partial_bits = nbits;
  };
  return {
    edge(high, ns) {
      if (high === level) return;
      level = high;
      if (high) {
        if (!frame || ns - lastFall > FRAME_GAP_NS) {
          close();
          frame = {
            kind: 'pixels',
            startNs: ns,
            colors: [],
            // Low time before this frame (since the previous frame's last bit).
            latch_us: lastFall === null ? null : (ns - lastFall) / 1000,
            t0h_ns: [Infinity, -Infinity],
            t1h_ns: [Infinity, -Infinity],
            bit_ns: [Infinity, -Infinity],
          };
          word = 0;
          nbits = 0;
          onFrame(frame);
        } else {
          const period = ns - lastRise;
          frame.bit_ns = [Math.min(frame.bit_ns[0], period), Math.max(frame.bit_ns[1], period)];
        }
        lastRise = ns;
      } else {
        lastFall = ns;
        if (lastRise === null || !frame) return;
        const high = ns - lastRise;
        const one = high > (WS2812.t0h[1] + WS2812.t1h[0]) / 2;
        const range = one ? 't1h_ns' : 't0h_ns';
        frame[range] = [Math.min(frame[range][0], high), Math.max(frame[range][1], high)];
        word = (word << 1) | (one ? 1 : 0);
        if (++nbits === 24) {
          // GRB on the wire.
          frame.colors.push([(word >> 8) & 0xff, (word >> 16) & 0xff, word & 0xff]);
          word = 0;
          nbits = 0;
        }
      }
    },
    close,
  };
}

function pioRunner(mcu, onFrame) {
  const decoders = new Map();
  const runners = mcu.pio.map((pio) => {
    for (const m of pio.machines) m.nextNs = 0;
    pio.run = () => {}; // no real-time timers: stepped below
    let lastPins = 0;
    const sample = (ns) => {
      const pins = pio.pinValues & pio.pinDirections;
      const changed = pins ^ lastPins;
      if (!changed) return;
      lastPins = pins;
      for (let gp = 0; gp < 30; gp++) {
        if (!(changed & (1 << gp)) || mcu.gpio[gp].functionSelect !== FUNCTION_PIO0 + pio.index) continue;
        if (!decoders.has(gp)) decoders.set(gp, ws2812Decoder((f) => onFrame(gp, f)));
        decoders.get(gp).edge(!!(pins & (1 << gp)), ns);
      }
    };
    return (untilNs) => {
      if (pio.stopped) return;
      const sysNs = 1e9 / mcu.clkSys; // clk_sys changes at boot (chip.mjs)
      for (const m of pio.machines) {
        if (!m.enabled) {
          m.nextNs = untilNs;
          continue;
        }
        const cycleNs = ((m.clockDivInt || 65536) + m.clockDivFrac / 256) * sysNs;
        while (m.nextNs <= untilNs) {
          const stalled = m.waiting && (m.waitType === WAIT_OUT || m.waitType === WAIT_TX_FIFO) && m.txFIFO.empty;
          if (stalled) {
            // Nothing changes until the CPU writes the FIFO: jump to the last cycle edge.
            m.nextNs += Math.floor((untilNs - m.nextNs) / cycleNs) * cycleNs;
          }
          const before = m.cycles;
          const at = m.nextNs;
          m.step();
          sample(at);
          m.nextNs += Math.max(m.cycles - before, 1) * cycleNs;
        }
      }
      pio.checkChangedPins();
    };
  });
  return {
    run: (untilNs) => runners.forEach((r) => r(untilNs)),
    close: () => decoders.forEach((d) => d.close()),
  };
}

/**
 * Runs the firmware for `forMs` of demo time. Time zero is the end of the firmware's
 * "baton: … running …" line on the wire (the firmware waits for it, then starts its clock
 * and the scheduler: the same moment as the simulator's time zero); inputs are applied
 * relative to it.
 *
 * A demo that takes the console UART's pin (the QT Py's TX pad, D6) has no UART line: the
 * firmware takes its epoch at once. Then `zeroAt: { pin, tUs }` says where time zero is: `tUs`
 * before the first level the output `pin` drives — the simulator's time of its first event on
 * that pin. That first change then matches by construction; every later one is compared.
 * (Why not the USB line: the firmware takes its epoch without waiting for USB, and says its
 * boot lines there when a terminal opens the port — on a desk a second or more after reset,
 * here whenever the emulated host gets to it — so their arrival says nothing about time zero.
 * The first thing the demo does that leaves the chip is the honest mark.)
 *
 * Returns `{ events, boot, stats }`: events like the simulator's trace (`kind` "pin",
 * "print", "pixels", "input" or "reset"; `t_us` from time zero; pins also carry `gpio`),
 * the console lines that start with "baton: " (boot lines, from every boot), and statistics.
 * With `withBoot`, events are recorded from reset and their times count from reset. With
 * `usb`, a USB host opens the firmware's serial port; `usb` in the result is what it read,
 * `usbOpenUs` when it opened the port (DTR), and each line it read is a "usb" event.
 * `onCycles(pc, cycles, us, tNs, core)` is called after each instruction: its address, its
 * cycles, the emulated µs since reset when it started, the ns since time zero (`null` before
 * it) and rp2040js's core (profile.mjs samples with it).
 *
 * The board's flash: `flash` (its bytes from 0x10000000, `BOARDS[board].flashBytes` long) or,
 * without it, another program's bytes (`usedFlash`). `uf2`, if given, is first written into
 * it as the boot ROM writes a file dropped on its drive (bootsel.mjs), changing `flash` — so a
 * caller that keeps `flash` can flash several UF2s in turn and boot what they leave. The
 * result's `flash` is that flash.
 *
 * `inputs` (`{ tUs, pin, pressed }`, as `parseInputs` gives) drive the button pins; with
 * `bounce` (`{ durationUs, count }`, the simulator's `--bounce-us D --bounce-count K`) each
 * press and release chatters as the simulator makes it chatter (inputs.mjs). An "input" event
 * is recorded when a pin's level changes.
 *
 * `fromReset`: time zero is the reset itself — for runs that never start a demo (safe mode,
 * BOOTSEL) or that look at the boot: every event, and `inputs`, count from reset. `lines` in
 * the result is every line the console UART sent, with its time (`null` before time zero).
 * `onStart(mcu, boot)` is called each time the chip starts (boot 0, then once per reset)
 * before it runs an instruction: a test attaches a USB host there (usbhost.mjs) or sets
 * registers that a reset keeps (the watchdog's scratch registers).
 */
export function emulate({ uf2 = null, flash = null, forMs, inputs = [], bounce = null, board = 'pico', onCycles = null, maxBootMs = 2000, withBoot = false, usb = false, zeroAt = null, strict = {}, fromReset = false, onStart = null }) {
  if (!BOARDS[board]) throw new Error(`no pin map for board ${board}`);
  const { pins, uart: uartIndex, flashBytes } = BOARDS[board];
  const byGpio = new Map();
  for (const [name, gp] of Object.entries(pins)) if (!byGpio.has(gp)) byGpio.set(gp, name);

  flash ??= usedFlash(board);
  if (flash.length !== flashBytes) throw new Error(`the ${board}'s flash is ${flashBytes} bytes, not ${flash.length}`);
  if (uf2 && !writeUf2(flash, uf2).complete) {
    throw new Error('the boot ROM did not get every block the UF2 counts: it would wait for the rest and not reboot');
  }
  const boot2 = checkBoot2(flash);
  if (!boot2.ok) {
    throw new Error(
      `boot2 CRC mismatch (stored ${boot2.stored.toString(16)}, computed ${boot2.computed.toString(16)}): the boot ROM would not start this UF2`,
    );
  }

  let t0 = fromReset ? 0 : null; // emulated ns at demo start (`fromReset`: at reset)
  const events = [];
  const boot = [];
  const lines = []; // every console line on the UART, with its time (null before time zero)
  const inputLevels = new Map(); // gpio -> level driven by the script
  for (const gp of byGpio.keys()) inputLevels.set(gp, true); // released (high, active-low)

  let mcu = null;
  let clock = null;
  let teardown = [];
  let pio = null;
  let resetPending = false;
  let line = [];
  let lineStartNs = 0;
  let usbText = '';
  let usbSeen = 0; // how much of usbText is in "usb" events
  let usbOpenNs = null;

  // Event times count from time zero; with `withBoot`, from reset (and boot events are kept).
  const origin = () => (withBoot ? 0 : t0);
  const recording = () => withBoot || t0 !== null;
  const rel = (ns) => Math.round((ns - origin()) / 1000);

  const onWire = (b, startNs, endNs) => {
    if (b === 13) return;
    if (b !== 10) {
      if (!line.length) lineStartNs = startNs;
      line.push(b);
      return;
    }
    const text = Buffer.from(line).toString('utf8');
    line = [];
    lines.push({ t_us: recording() ? rel(lineStartNs) : null, text });
    if (t0 === null) {
      boot.push(text);
      if (!zeroAt && /^baton: .*, running /.test(text)) t0 = endNs;
    } else if (text.startsWith('baton: ')) {
      boot.push(text);
    } else {
      events.push({ t_us: rel(lineStartNs), kind: 'print', text });
    }
  };

  function start(previous) {
    const m = previous ? new RP2040(previous.clock) : new RP2040();
    m.logger = process.env.BATON_EMU_LOG
      ? { debug: (...a) => console.error(...a), info: (...a) => console.error(...a), warn: (...a) => console.error(...a), error: (...a) => console.error(...a) }
      : { debug() {}, info() {}, warn() {}, error() {} };
    m.flash.set(flash);
    if (previous) {
      // A watchdog reset keeps RAM and the watchdog's scratch and reason registers.
      m.sram.set(previous.sram);
      const [was, now] = [previous.peripherals[WATCHDOG_BASE], m.peripherals[WATCHDOG_BASE]];
      now.scratchData.set(was.scratchData);
      now.reason = was.reason;
    }
    // rp2040js 1.4.1 loads the handler's address from the vector table with its Thumb bit
    // set and keeps it in PC: instructions still run from the even address, but PC-relative
    // ones (jump tables: `add pc, rN`; `adr`) compute from the odd value and go astray. The
    // hardware clears bit 0 on exception entry; so does this.
    const entry = m.core.exceptionEntry.bind(m.core);
    m.core.exceptionEntry = (n) => {
      entry(n);
      m.core.PC &= ~1;
    };
    m.core.VTOR = VECTOR_TABLE;
    m.core.reset();
    // The strict chip (chip.mjs): faults, clocks, timer and watchdog tick, boot ROM, flash.
    m.chip = installChip(m, { board, previous: previous?.chip, flash, ...strict });
    const down = [m.chip.down, pacedUart(m, m.uart[uartIndex], m.chip.console(m.uart[uartIndex], onWire))];
    const wd = m.peripherals[WATCHDOG_BASE];
    const stopWatchdog = () => {
      wd.alarm.enable = false;
      wd.timer.enable = false;
    };
    wd.onWatchdogTrigger = () => {
      // Stop it at once (rp2040js would re-arm it for "now" and fire again forever); the
      // main loop resets the chip after this instruction.
      stopWatchdog();
      resetPending = true;
    };
    down.push(stopWatchdog);
    for (const [gp, level] of inputLevels) m.gpio[gp].setInputValue(level);
    for (const [gp, name] of byGpio) {
      m.gpio[gp].addListener((state) => {
        if (t0 === null && zeroAt && gp === pins[zeroAt.pin] && m === mcu && (state === GPIOPinState.Low || state === GPIOPinState.High)) {
          t0 = m.clock.nanos - zeroAt.tUs * 1000; // time zero from this pin (see `zeroAt`)
        }
        if (!recording() || m !== mcu) return;
        if (m.gpio[gp].functionSelect === FUNCTION_PIO0 || m.gpio[gp].functionSelect === FUNCTION_PIO0 + 1) return;
        if (state === GPIOPinState.Low || state === GPIOPinState.High) {
          const value = state === GPIOPinState.High;
          const last = events.findLast((e) => e.kind === 'pin' && e.gpio === gp);
          if (!last || last.value !== value) {
            events.push({ t_us: rel(m.clock.nanos), t_ns: Math.round(m.clock.nanos - origin()), kind: 'pin', pin: name, gpio: gp, value });
          }
        }
      });
    }
    if (usb) {
      // A USB host with a terminal: it enumerates the device, opens the CDC port (DTR) and
      // reads what the firmware writes.
      const cdc = new USBCDC(m.usbCtrl);
      // rp2040js's host sends SET_CONTROL_LINE_STATE to the device; the CDC class (and
      // usbd-serial) takes it at the communication interface, as a host's driver sends it.
      const open = m.clock.createAlarm(() => {
        usbOpenNs = m.clock.nanos;
        m.usbCtrl.sendSetupPacket(
          createSetupPacket({
            dataDirection: DataDirection.HostToDevice,
            type: SetupType.Class,
            recipient: SetupRecipient.Interface,
            bRequest: 0x22,
            wValue: 0b11, // DTR | RTS
            wIndex: 0,
            wLength: 0,
          }),
        );
      });
      cdc.onDeviceConnected = () => open.schedule(1e6);
      down.push(() => open.cancel());
      cdc.onSerialData = (bytes) => {
        if (m !== mcu) return;
        usbText += Buffer.from(bytes).toString('utf8');
        // Each whole line as a "usb" event, stamped when its end arrived.
        for (let nl; (nl = usbText.indexOf('\n', usbSeen)) >= 0; usbSeen = nl + 1) {
          if (recording()) events.push({ t_us: rel(m.clock.nanos), kind: 'usb', text: usbText.slice(usbSeen, nl).replace(/\r$/, '') });
        }
      };
    }
    const runner = pioRunner(m, (gp, frame) => {
      if (!recording()) return;
      frame.t_us = rel(frame.startNs);
      frame.gpio = gp;
      events.push(frame);
    });
    down.push(runner.close);
    if (onStart) onStart(m, previous ? resets : 0);
    return { m, down, runner };
  }

  ({ m: mcu, down: teardown, runner: pio } = start(null));
  clock = mcu.clock;

  const pending = levelChanges(inputs, bounce);
  const endBootNs = maxBootMs * 1e6;
  let instructions = 0;
  let resets = 0;
  let bootsel = false;
  for (;;) {
    if (mcu.chip.halt) {
      // The firmware called the ROM's reset_usb_boot: the chip is in BOOTSEL mode now.
      bootsel = true;
      events.push({ t_us: recording() ? rel(clock.nanos) : null, kind: 'bootsel' });
      break;
    }
    if (resetPending) {
      resetPending = false;
      resets++;
      events.push({ t_us: recording() ? rel(clock.nanos) : null, kind: 'reset', why: 'watchdog' });
      for (const f of teardown) f();
      line = [];
      ({ m: mcu, down: teardown, runner: pio } = start(mcu));
    }
    const core = mcu.core;
    if (t0 === null && clock.nanos > endBootNs) {
      const mark = zeroAt ? `no output change on ${zeroAt.pin} (zeroAt)` : 'no "running" line on the UART';
      throw new Error(`the firmware did not start a demo within ${maxBootMs} ms (${mark}); console: ${boot.join(' | ')}; chip: ${mcu.chip.explain()}`);
    }
    if (t0 !== null) {
      while (pending.length && t0 + pending[0].tUs * 1000 <= clock.nanos) {
        const e = pending.shift();
        const gp = pins[e.pin];
        if (gp === undefined) throw new Error(`the input script names pin ${e.pin}, which ${board} lacks`);
        if (inputLevels.get(gp) === e.level) continue; // no change (as the simulator: no edge, no event)
        inputLevels.set(gp, e.level);
        mcu.gpio[gp].setInputValue(e.level);
        events.push({ t_us: rel(clock.nanos), t_ns: Math.round(clock.nanos - origin()), kind: 'input', pin: e.pin, gpio: gp, value: e.level });
      }
      if (clock.nanos - t0 >= forMs * 1e6) break;
    }
    pio.run(clock.nanos);
    if (core.waiting) {
      // Asleep in WFI: jump to the next alarm (timer, UART, watchdog), input or the end.
      // (rp2040js answers 0 when no alarm is set: then nothing but an input can wake it.)
      let dt = clock.nextAlarm ? clock.nanosToNextAlarm : endBootNs - clock.nanos;
      if (t0 !== null) {
        if (!clock.nextAlarm) dt = Infinity;
        const limits = [t0 + forMs * 1e6 - clock.nanos];
        if (pending.length) limits.push(t0 + pending[0].tUs * 1000 - clock.nanos);
        dt = Math.min(dt, ...limits);
      }
      clock.tick(Math.max(dt, 1));
    } else {
      const before = core.cycles;
      const pc = core.PC;
      core.executeInstruction();
      const cycles = core.cycles - before;
      instructions++;
      if (onCycles) onCycles(pc, cycles, clock.nanos / 1000, t0 === null ? null : clock.nanos - t0, core);
      clock.tick((cycles * 1e9) / mcu.clkSys);
    }
  }
  for (const f of teardown) f();
  for (const e of events) delete e.startNs;
  return {
    events,
    boot,
    lines,
    usb: usbText,
    usbOpenUs: usbOpenNs === null || t0 === null ? null : rel(usbOpenNs),
    flash,
    bootsel,
    stats: { instructions, resets, clkSys: mcu.clkSys, bootUs: Math.round(t0 / 1000), boot2, chip: mcu.chip.stats() },
  };
}

function main(argv) {
  const args = { board: 'pico', forMs: 1000, inputs: [], bounce: null };
  const over = [];
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--for-ms') args.forMs = Number(argv[++i]);
    else if (a === '--inputs') args.inputs = parseInputs(readFileSync(argv[++i], 'utf8'));
    else if (a === '--board') args.board = argv[++i];
    else if (a === '--over') over.push(argv[++i]);
    else if (a === '--zero-at') {
      const [pin, us] = argv[++i].split(':');
      args.zeroAt = { pin, tUs: Number(us) };
    }
    else if (a === '--bounce-us') args.bounce = { count: 3, ...args.bounce, durationUs: Number(argv[++i]) };
    else if (a === '--bounce-count') args.bounce = { ...args.bounce, count: Number(argv[++i]) };
    else rest.push(a);
  }
  if (rest.length !== 1 || (args.bounce && args.bounce.durationUs === undefined)) {
    console.error('usage: node emulate.mjs FIRMWARE.uf2 --for-ms N [--inputs FILE.jsonl] [--bounce-us D [--bounce-count K]] [--over EARLIER.uf2]... [--zero-at PIN:US] [--board pico]');
    process.exit(2);
  }
  // `--over`: UF2s dropped on the board first, in order, as the boot ROM writes them.
  const flash = usedFlash(args.board);
  for (const file of over) {
    const r = writeUf2(flash, readFileSync(file));
    console.error(`${file}: ${r.programmed.length} pages, ${r.erased.length} sectors erased${r.complete ? '' : ' (incomplete: the ROM would wait)'}`);
  }
  const { events, boot, stats } = emulate({ ...args, flash, uf2: readFileSync(rest[0]) });
  for (const b of boot) console.error(b);
  for (const { t_ns, ...e } of events) console.log(JSON.stringify(e));
  console.error(`${stats.instructions} instructions, clk_sys ${stats.clkSys / 1e6} MHz, demo started ${stats.bootUs} µs after reset`);
}

if (import.meta.url === `file://${process.argv[1]}`) main(process.argv.slice(2));
