// The RP2040 as strict as the real chip, on top of rp2040js 1.4.1 (which is kinder than the
// chip in the ways listed here). `installChip(mcu, options)` adds all of it to an `RP2040`;
// emulate.mjs calls it for every run, so every emulator test runs on the strict chip.
//
// What is modelled, and why:
//
// - Cortex-M0+ faults. On the M0+ a BX/BLX (register) or a POP into PC to an address with
//   bit 0 clear is a HardFault (there is no ARM state), and so is every unaligned halfword or
//   word load or store (ARMv6-M has no unaligned access). rp2040js ignores the Thumb bit and
//   allows unaligned accesses. EXC_RETURN (0xFFFFFFF1/9/D) in handler mode is legal; any other
//   0xFxxxxxxx there is not. A BKPT or UDF with no debugger attached is a HardFault too (rp2040js
//   carries on). Each stops the run with a `ChipError` naming the kind, the address and PC.
//   Cost: the checks hang on rp2040js's own hooks (BXWritePC, blTaken, the core's memory
//   accessors), so nothing is decoded twice per instruction.
// - Clocks from the registers. ROSC at reset (6.5 MHz: the datasheet's typical boot frequency,
//   §2.16.2; it gives 1.8–12 MHz as the range), the XOSC (12 MHz crystal: STATUS.STABLE only
//   after STARTUP.DELAY × 256 crystal cycles, ×4 with X4), PLL_SYS and PLL_USB (output only
//   when PD, VCOPD and POSTDIVPD are clear, REFDIV 1–63, FBDIV 16–320, POSTDIV1/2 1–7, the
//   reference at least 5 MHz and the VCO within 750–1600 MHz — the datasheet's figures since
//   its 2023 editions; earlier ones said 400 MHz — and CS.LOCK only PLL_LOCK_US after that:
//   the datasheet gives no lock time, so this one is an assumption, long enough that firmware
//   that does not wait for LOCK runs on a clock that is not there). clk_ref, clk_sys, clk_peri
//   and clk_usb follow CLK_x_CTRL (SRC/AUXSRC/ENABLE) and CLK_x_DIV. rp2040js's `clkSys` and
//   `clkPeri` are kept equal to them, so an instruction takes cycles / clk_sys. Switching
//   clk_ref or clk_sys to a source that is not running stops the run (the glitchless mux would
//   wait forever and the core with it).
// - The TIMER counts the watchdog's tick (WATCHDOG TICK: ENABLE and CYCLES of clk_ref; the
//   reset value CYCLES = 0 gives no ticks — the SDK and the HAL always program it before the
//   timer is used), and alarms fire when the count reaches them, as the comparator does: an
//   alarm written for a count already reached (or equal to it) matches only after the 32-bit
//   counter wraps. The watchdog counts the same tick (twice per tick: RP2040-E1).
// - The console UART is checked at the receiver: a byte sent at a baud rate more than 2% from
//   115200, or while clk_peri is stopped, would be garbage at the terminal, and stops the run.
//   USB needs clk_usb at 48 MHz (±0.25%) when the controller is enabled.
// - A boot ROM behaviour model. rp2040js ships no boot ROM (and the real one's code is not ours
//   to ship); its *behaviour* is modelled. The ROM header (magic, version, the 16-bit pointers
//   to the function table, the data table and `rom_table_lookup` at 0x14/0x16/0x18) and a
//   function table are written into the emulator's ROM; each function is a two-instruction stub
//   in ROM, `bkpt #n; bx lr`: rp2040js hands the BKPT to `onBreak`, which does the function's
//   work in JavaScript (arguments in r0–r3, result in r0) and charges its time, and the real
//   `bx lr` returns with the Thumb bit checked as above. Modelled: `rom_table_lookup` itself,
//   'UB' reset_usb_boot (the run stops: `chip.halt`, and emulate() reports `bootsel`), and the
//   flash functions 'IF' 'EX' 'RE' 'RP' 'FC' 'CX' (datasheet §2.8.3.1.3), with the register
//   effects of the ROM's source (pico-bootrom-rp2040, program_flash_generic.c). A code the model
//   lacks stops the run when looked up, rather than handing the firmware a null pointer.
// - The flash and its SSI. The SSI (DW_apb_ssi) is modelled for what firmware drives directly
//   after 'EX': DR0 frames at clk_sys / BAUDR, TX&RX and EEPROM-read modes, the 16-entry FIFOs
//   and SR/TXFLR/RXFLR, CTRLR0/CTRLR1/BAUDR writable only while SSIENR is 0, chip select by the
//   SSI or forced through IO_QSPI's SS OUTOVER (as the ROM and pico-sdk do). The flash chip
//   answers 0x9F (JEDEC ID), 0x4B (unique ID after 4 dummy bytes), 0x03, 0x05, 0x35; the IDs
//   are per board (`uniqueId(board)`, made up: a real board's is programmed at the factory).
//   XIP works only while the SSI is set up for it (SSIENR 1, EEPROM-read mode, NDF 0, chip
//   select not forced): any fetch or load from flash otherwise stops the run (on the chip it
//   reads garbage or hangs). Erase and program take the flash chip's typical times (Winbond
//   W25Q16JV, the Pico's: 45 ms per 4 KB sector, 150 ms per 64 KB block, 0.4 ms per 256-byte
//   page), so firmware that writes flash with the watchdog running must feed it.
// - How long interrupts stay masked (PRIMASK): the longest window, and the longest one with a
//   ROM flash call in it (`stats()`).
//
// Not modelled: the XIP cache (flash reads are free), DMA, the ROM's other functions (float,
// memcpy, bit ops: the firmware uses none), quad-SPI transfers by the firmware, and ROSC
// frequency variation. Errors throw `ChipError` from inside the instruction or alarm that
// hit them, so emulate() fails with the message.

import { BasePeripheral } from 'rp2040js';

/** A check the real chip would fail (a fault, a clock that is not there, garbage on a wire). */
export class ChipError extends Error {
  constructor(kind, message) {
    super(`${kind}: ${message}`);
    this.name = 'ChipError';
    this.kind = kind;
  }
}

const hex = (n, w = 8) => `0x${(n >>> 0).toString(16).padStart(w, '0')}`;
const MHZ = 1e6;

// ---- The per-board flash chip.

/**
 * The flash chip of each board: JEDEC ID, size, and the unique ID its 0x4B command returns.
 * Pico: Winbond W25Q16JV (2 MB, 64-bit ID); QT Py RP2040: GigaDevice GD25Q64C (8 MB, 128-bit
 * ID, of which `rp2040-flash` reads the first 8 bytes). The IDs are made up and fixed.
 */
export const FLASH_CHIPS = {
  pico: { jedec: [0xef, 0x40, 0x15], size: 2 << 20, uid: [0xe6, 0x61, 0x38, 0x97, 0x13, 0x2c, 0x45, 0x2b] },
  qtpy: {
    jedec: [0xc8, 0x40, 0x17],
    size: 8 << 20,
    uid: [0xde, 0x62, 0x4c, 0x1b, 0x0f, 0x33, 0x21, 0x5a, 0x11, 0x80, 0x93, 0x0c, 0x6e, 0x7d, 0x02, 0x44],
  },
};

/** The board's flash unique ID as firmware reads it (8 bytes). */
export function uniqueId(board) {
  return Uint8Array.from(FLASH_CHIPS[board].uid.slice(0, 8));
}

/** The same, as upper-case hex (what a USB serial number made from it reads). */
export function uniqueIdHex(board) {
  return Buffer.from(uniqueId(board)).toString('hex').toUpperCase();
}

/** Typical flash timings (W25Q16JV datasheet, AC characteristics). */
export const FLASH_TIMING = { sectorEraseUs: 45_000, block32EraseUs: 120_000, block64EraseUs: 150_000, pageProgramUs: 400 };

/**
 * The flash chip on the QSPI bus: a transaction is `select()`, one `exchange(mosi)` per byte
 * (returning MISO), `deselect()`. After boot2 it is in continuous-read mode (boot2's 0xEB with
 * mode bits 0xA0), where the first byte of a transaction is an address, not a command; the
 * ROM's flash_exit_xip takes it out of that mode.
 */
function flashChip(mcu, spec) {
  let selected = false;
  let index = 0;
  let cmd = 0;
  let addr = 0;
  const chip = {
    continuous: true,
    select() {
      selected = true;
      index = 0;
    },
    deselect() {
      selected = false;
    },
    get selected() {
      return selected;
    },
    exchange(mosi) {
      if (!selected) return 0xff;
      const i = index++;
      if (i === 0) {
        cmd = chip.continuous ? -1 : mosi;
        addr = 0;
        return 0xff;
      }
      switch (cmd) {
        case 0x9f:
          return i <= 3 ? spec.jedec[i - 1] : 0xff;
        case 0x4b:
          return i >= 5 && i - 5 < spec.uid.length ? spec.uid[i - 5] : 0xff;
        case 0x03:
          if (i <= 3) {
            addr = (addr << 8) | mosi;
            return 0xff;
          }
          return mcu.flash[(addr + i - 4) % spec.size];
        case 0x05:
          return 0x00; // not busy: the ROM's erase and program complete within their call
        case 0x35:
          return 0x02; // QE set, as boot2 leaves it
        default:
          return 0xff;
      }
    },
  };
  return chip;
}

// ---- The SSI (XIP_SSI at 0x18000000) and IO_QSPI's chip-select override.

const SSI = { CTRLR0: 0x00, CTRLR1: 0x04, SSIENR: 0x08, SER: 0x10, BAUDR: 0x14, TXFLR: 0x20, RXFLR: 0x24, SR: 0x28, DR0: 0x60, SPI_CTRLR0: 0xf4 };
const TMOD_TX_RX = 0;
const TMOD_EEPROM = 3;
const FIFO_DEPTH = 16;
const IO_QSPI_SS_CTRL = 0x0c;
const OUTOVER_NORMAL = 0;
const OUTOVER_LOW = 2;

class StrictSSI extends BasePeripheral {
  constructor(mcu, flash, onChange) {
    super(mcu, 'SSI');
    this.flash = flash;
    this.onChange = onChange;
    // As rp2040-boot2 (W25Q080, GD25Q64CS) leaves it: quad-SPI XIP, EEPROM-read mode, 32-bit
    // frames, clk_sys / 4.
    this.ctrlr0 = (2 << 21) | (31 << 16) | (TMOD_EEPROM << 8);
    this.ctrlr1 = 0;
    this.ssienr = 1;
    this.ser = 1;
    this.baudr = 4;
    this.spiCtrlr0 = 0;
    this.other = new Map();
    this.ssOver = OUTOVER_NORMAL; // IO_QSPI GPIO_QSPI_SS_CTRL.OUTOVER
    this.reset();
  }
  reset() {
    this.tx = []; // start times (ns) of frames not yet on the wire
    this.rx = []; // { value, at }
    this.wireFree = 0; // ns when the shifter is idle
    this.eepromPending = false;
    this.autoCs = false; // a transaction selected by the SSI itself (not forced)
  }
  get tmod() {
    return (this.ctrlr0 >>> 8) & 3;
  }
  get frameBytes() {
    return ((((this.ctrlr0 >>> 16) & 31) + 1) / 8) | 0 || 1;
  }
  frameNs() {
    const clk = this.rp2040.clkSys;
    return this.baudr ? (this.frameBytes * 8 * this.baudr * 1e9) / clk : Infinity;
  }
  /** Whether XIP reads work: the SSI set up for them and chip select left to it. */
  get xipReady() {
    return this.ssienr === 1 && this.tmod === TMOD_EEPROM && (this.ctrlr1 & 0xffff) === 0 && this.ssOver === OUTOVER_NORMAL;
  }
  /** Brings the wire up to `now`: the EEPROM-read receive phase, the end of an SSI-selected transaction. */
  settle() {
    const now = this.rp2040.clock.nanos;
    while (this.tx.length && this.tx[0] <= now) this.tx.shift();
    if (this.eepromPending && now >= this.wireFree) {
      this.eepromPending = false;
      const n = (this.ctrlr1 & 0xffff) + 1;
      const ns = this.frameNs();
      for (let i = 0; i < n; i++) {
        const value = this.shift(0);
        if (this.rx.length < FIFO_DEPTH) this.rx.push({ value, at: this.wireFree + (i + 1) * ns });
      }
      this.wireFree += n * ns;
    }
    if (this.autoCs && !this.eepromPending && now > this.wireFree) {
      this.autoCs = false;
      if (this.ssOver === OUTOVER_NORMAL) this.flash.deselect();
    }
  }
  /** One frame on the wire: MOSI out, MISO back (big-endian bytes). */
  shift(value) {
    let miso = 0;
    for (let b = this.frameBytes - 1; b >= 0; b--) miso = (miso << 8) | this.flash.exchange((value >>> (8 * b)) & 0xff);
    return miso >>> 0;
  }
  push(value) {
    const now = this.rp2040.clock.nanos;
    if (!this.ssienr || this.tx.length >= FIFO_DEPTH) return; // disabled: flushed; full: lost
    const start = Math.max(now, this.wireFree);
    if (this.ssOver === OUTOVER_NORMAL && !this.autoCs && this.ser & 1) {
      this.autoCs = true;
      this.flash.select();
    }
    if (start > now) this.tx.push(start);
    const miso = this.shift(value);
    this.wireFree = start + this.frameNs();
    if (this.tmod === TMOD_TX_RX && this.rx.length < FIFO_DEPTH) this.rx.push({ value: miso, at: this.wireFree });
    if (this.tmod === TMOD_EEPROM) this.eepromPending = true;
  }
  readUint32(offset) {
    this.settle();
    const now = this.rp2040.clock.nanos;
    const ready = () => {
      let n = 0;
      while (n < this.rx.length && this.rx[n].at <= now) n++;
      return n;
    };
    switch (offset) {
      case SSI.CTRLR0:
        return this.ctrlr0;
      case SSI.CTRLR1:
        return this.ctrlr1;
      case SSI.SSIENR:
        return this.ssienr;
      case SSI.SER:
        return this.ser;
      case SSI.BAUDR:
        return this.baudr;
      case SSI.SPI_CTRLR0:
        return this.spiCtrlr0;
      case SSI.TXFLR:
        return this.tx.length;
      case SSI.RXFLR:
        return ready();
      case SSI.SR: {
        const busy = now < this.wireFree || this.eepromPending ? 1 : 0;
        const rxn = ready();
        return busy | (this.tx.length < FIFO_DEPTH ? 2 : 0) | (this.tx.length === 0 ? 4 : 0) | (rxn ? 8 : 0) | (rxn >= FIFO_DEPTH ? 16 : 0);
      }
      case SSI.DR0:
        return ready() ? this.rx.shift().value : 0;
      case 0x58:
        return 0x51535049; // IDR
      case 0x5c:
        return 0x3430312a; // SSI_VERSION_ID
      default:
        return this.other.get(offset) ?? 0;
    }
  }
  writeUint32(offset, value) {
    this.settle();
    // CTRLR0, CTRLR1, BAUDR and SPI_CTRLR0 take writes only while the SSI is disabled.
    const locked = this.ssienr === 1;
    switch (offset) {
      case SSI.CTRLR0:
        if (!locked) this.ctrlr0 = value >>> 0;
        break;
      case SSI.CTRLR1:
        if (!locked) this.ctrlr1 = value & 0xffff;
        break;
      case SSI.BAUDR:
        if (!locked) this.baudr = value & 0xfffe;
        break;
      case SSI.SPI_CTRLR0:
        if (!locked) this.spiCtrlr0 = value >>> 0;
        break;
      case SSI.SER:
        this.ser = value & 1;
        break;
      case SSI.SSIENR:
        this.ssienr = value & 1;
        if (!this.ssienr) {
          if (this.autoCs && this.ssOver === OUTOVER_NORMAL) this.flash.deselect();
          this.reset();
        }
        break;
      case SSI.DR0:
        this.push(value);
        return;
      default:
        this.other.set(offset, value >>> 0);
        return;
    }
    this.onChange();
  }
  /** IO_QSPI's SS OUTOVER: forcing chip select low starts a transaction, releasing it ends one. */
  setSsOver(over) {
    this.settle();
    const was = this.ssOver;
    this.ssOver = over;
    if (over === OUTOVER_LOW && was !== OUTOVER_LOW) this.flash.select();
    else if (over !== OUTOVER_LOW && was === OUTOVER_LOW) this.flash.deselect();
    this.autoCs = false;
    this.onChange();
  }
}

class IoQspi extends BasePeripheral {
  constructor(mcu, ssi) {
    super(mcu, 'IO_QSPI');
    this.ssi = ssi;
    this.regs = new Uint32Array(0x40 / 4);
  }
  readUint32(offset) {
    return offset < 0x40 ? this.regs[offset >> 2] : 0;
  }
  writeUint32(offset, value) {
    if (offset >= 0x40) return;
    this.regs[offset >> 2] = value;
    if (offset === IO_QSPI_SS_CTRL) this.ssi.setSsOver((value >>> 8) & 3);
  }
}

// ---- Clock sources and generators.

/** PLL lock time: an assumption (see the header). */
export const PLL_LOCK_US = 100;
/** The ROSC at reset (datasheet §2.16.2: typical boot frequency). */
export const ROSC_HZ = 6.5 * MHZ;
export const XOSC_HZ = 12 * MHZ;
const VCO_MIN = 750 * MHZ;
const VCO_MAX = 1600 * MHZ;

const PLL_PWR_PD = 1 << 0;
const PLL_PWR_POSTDIVPD = 1 << 3;
const PLL_PWR_VCOPD = 1 << 5;

class StrictXosc extends BasePeripheral {
  constructor(mcu, clocks, carried) {
    super(mcu, 'XOSC');
    this.clocks = clocks;
    this.ctrl = carried?.ctrl ?? 0;
    this.startup = carried?.startup ?? 0xc4; // reset value of STARTUP.DELAY
    this.enabled = carried?.enabled ?? false;
    this.since = carried?.enabled ? -Infinity : Infinity; // ns when it was enabled
    this.badWrite = false;
  }
  /** STABLE: enabled for STARTUP.DELAY × 256 crystal cycles (×4 with X4), the delay as it is now. */
  get stable() {
    const cycles = (this.startup & 0x3fff) * 256 * (this.startup & (1 << 20) ? 4 : 1);
    return this.enabled && this.rp2040.clock.nanos - this.since >= (cycles * 1e9) / XOSC_HZ;
  }
  readUint32(offset) {
    switch (offset) {
      case 0x00:
        return this.ctrl;
      case 0x04:
        return ((this.stable ? 1 << 31 : 0) | (this.badWrite ? 1 << 24 : 0) | (this.enabled ? 1 << 12 : 0) | (this.ctrl & 3)) >>> 0;
      case 0x0c:
        return this.startup;
      default:
        return 0;
    }
  }
  writeUint32(offset, value) {
    if (offset === 0x00) {
      this.ctrl = value & 0xffffff;
      // ENABLE: 0xD1E disables; 0xFAB enables, and so does any other value ("an invalid
      // setting will enable the oscillator", and sets BADWRITE) — a write of FREQ_RANGE alone
      // (ENABLE 0), as rp2040-hal's first write, starts it.
      const enable = (value >>> 12) & 0xfff;
      if (enable !== 0xfab && enable !== 0xd1e) this.badWrite = true;
      if (enable === 0xd1e) {
        this.enabled = false;
        this.since = Infinity;
      } else if (!this.enabled) {
        this.enabled = true;
        this.since = this.rp2040.clock.nanos;
      }
      this.clocks.changed(`XOSC_CTRL ${hex(value)}`);
    } else if (offset === 0x04) {
      if (value & (1 << 24)) this.badWrite = false;
    } else if (offset === 0x0c) {
      this.startup = value & 0x103fff;
    }
  }
  /** Hz out of the oscillator (0 until stable). */
  get hz() {
    return this.stable ? XOSC_HZ : 0;
  }
}

class StrictPll extends BasePeripheral {
  constructor(mcu, name, clocks, xosc) {
    super(mcu, name);
    this.clocks = clocks;
    this.xosc = xosc;
    this.cs = 1;
    this.pwr = 0x2d;
    this.fbdiv = 0;
    this.prim = 0x77000;
    this.lockAt = Infinity;
  }
  get refdiv() {
    return this.cs & 0x3f;
  }
  get vcoHz() {
    return (this.xosc.hz / (this.refdiv || 1)) * this.fbdiv;
  }
  /** Why the VCO cannot lock, or null. */
  get vcoProblem() {
    if (this.pwr & (PLL_PWR_PD | PLL_PWR_VCOPD)) return 'powered down';
    if (!this.xosc.hz) return 'no reference (the XOSC is not running)';
    if (this.refdiv < 1) return `REFDIV ${this.refdiv}`;
    if (this.xosc.hz / this.refdiv < 5 * MHZ) return `reference ${this.xosc.hz / this.refdiv / MHZ} MHz < 5 MHz`;
    if (this.fbdiv < 16 || this.fbdiv > 320) return `FBDIV ${this.fbdiv} outside 16–320`;
    const vco = this.vcoHz;
    if (vco < VCO_MIN || vco > VCO_MAX) return `VCO ${vco / MHZ} MHz outside ${VCO_MIN / MHZ}–${VCO_MAX / MHZ} MHz`;
    return null;
  }
  get locked() {
    return this.vcoProblem === null && this.rp2040.clock.nanos >= this.lockAt;
  }
  /** Hz out of the post dividers (0 while it is not running). */
  get hz() {
    if (this.cs & (1 << 8)) return this.xosc.hz / (this.refdiv || 1); // BYPASS
    const pd1 = (this.prim >>> 16) & 7;
    const pd2 = (this.prim >>> 12) & 7;
    if (!this.locked || this.pwr & PLL_PWR_POSTDIVPD || !pd1 || !pd2) return 0;
    return this.vcoHz / (pd1 * pd2);
  }
  readUint32(offset) {
    switch (offset) {
      case 0x0:
        return ((this.locked ? 1 << 31 : 0) | (this.cs & 0x13f)) >>> 0;
      case 0x4:
        return this.pwr;
      case 0x8:
        return this.fbdiv;
      case 0xc:
        return this.prim;
      default:
        return 0;
    }
  }
  writeUint32(offset, value) {
    const before = this.vcoProblem === null ? [this.refdiv, this.fbdiv] : null;
    switch (offset) {
      case 0x0:
        this.cs = value & 0x13f;
        break;
      case 0x4:
        this.pwr = value & 0x2d;
        break;
      case 0x8:
        this.fbdiv = value & 0xfff;
        break;
      case 0xc:
        this.prim = value & 0x77000;
        break;
      default:
        return;
    }
    // The VCO (re)starts locking when it is powered up or its dividers change.
    const now = this.vcoProblem === null ? [this.refdiv, this.fbdiv] : null;
    if (!now) this.lockAt = Infinity;
    else if (!before || before[0] !== now[0] || before[1] !== now[1]) this.lockAt = this.rp2040.clock.nanos + PLL_LOCK_US * 1000;
    this.clocks.changed(`${this.name} ${['CS', 'PWR', 'FBDIV_INT', 'PRIM'][offset >> 2]} ${hex(value)}`);
  }
}

/**
 * clk_ref, clk_sys, clk_peri, clk_usb from rp2040js's CLOCKS registers and the sources above;
 * keeps `mcu.clkSys`/`mcu.clkPeri` (and what rp2040js derives from them) in step.
 */
function clockTree(mcu, sources, onChange) {
  const { clocks } = mcu;
  const src = {
    ref() {
      switch (clocks.refCtrl & 3) {
        case 0:
          return ['ROSC', ROSC_HZ];
        case 1:
          return ((clocks.refCtrl >>> 5) & 3) === 0 ? ['PLL_USB', sources.pllUsb.hz] : ['GPIN', 0];
        case 2:
          return ['XOSC', sources.xosc.hz];
        default:
          return ['(reserved)', 0];
      }
    },
    sys(ref) {
      if (!(clocks.sysCtrl & 1)) return ['clk_ref', ref];
      const aux = (clocks.sysCtrl >>> 5) & 7;
      return [
        ['PLL_SYS', sources.pllSys.hz],
        ['PLL_USB', sources.pllUsb.hz],
        ['ROSC', ROSC_HZ],
        ['XOSC', sources.xosc.hz],
      ][aux] ?? ['GPIN', 0];
    },
  };
  const intDiv = (div, bits) => {
    const int = (div >>> 8) & ((1 << bits) - 1);
    return (int || 1 << bits) + (bits > 2 ? (div & 0xff) / 256 : 0);
  };
  const f = { ref: 0, sys: 0, peri: 0, usb: 0, refSrc: '', sysSrc: '' };
  function compute() {
    const [refSrc, refIn] = src.ref();
    f.refSrc = refSrc;
    f.ref = refIn / intDiv(clocks.refDiv, 2);
    const [sysSrc, sysIn] = src.sys(f.ref);
    f.sysSrc = sysSrc;
    f.sys = sysIn / intDiv(clocks.sysDiv, 24);
    const peri = clocks.periCtrl;
    f.peri =
      peri & (1 << 11) && !(peri & (1 << 10))
        ? [f.sys, sources.pllSys.hz, sources.pllUsb.hz, ROSC_HZ, sources.xosc.hz][(peri >>> 5) & 7] ?? 0
        : 0;
    const usb = clocks.usbCtrl;
    f.usb =
      usb & (1 << 11) && !(usb & (1 << 10))
        ? ([sources.pllUsb.hz, sources.pllSys.hz, ROSC_HZ, sources.xosc.hz][(usb >>> 5) & 7] ?? 0) / intDiv(clocks.usbDiv, 2)
        : 0;
  }
  // rp2040js derives clkSys/clkPeri (systick, PWM, UART baud reports) from these getters.
  Object.defineProperty(clocks, 'sysFreq', { get: () => f.sys, configurable: true });
  Object.defineProperty(clocks, 'periFreq', { get: () => f.peri, configurable: true });
  const write = clocks.writeUint32.bind(clocks);
  clocks.writeUint32 = (offset, value) => {
    write(offset, value);
    changed(`CLOCKS +${hex(offset, 2)} ${hex(value)}`);
  };
  // rp2040js reads CLK_REF_DIV through the wrong mask (0x30); the divider is bits 9:8.
  const read = clocks.readUint32.bind(clocks);
  clocks.readUint32 = (offset) => (offset === 0x34 ? clocks.refDiv & 0x300 : read(offset));
  function changed(why) {
    compute();
    if (!f.ref) throw new ChipError('clock', `clk_ref runs from ${f.refSrc}, which is not running (after ${why}): the core stops`);
    if (!f.sys) throw new ChipError('clock', `clk_sys runs from ${f.sysSrc}, which is not running (after ${why}): the core stops`);
    if (f.sys > 133 * MHZ * 1.0001) throw new ChipError('clock', `clk_sys at ${f.sys / MHZ} MHz, above the RP2040's 133 MHz (after ${why})`);
    mcu.updateClocks();
    onChange(f);
  }
  compute();
  return { f, changed };
}

// ---- The watchdog's tick, the TIMER and the watchdog counter.

const TIMER = { TIMEHR: 0x08, TIMELR: 0x0c, ALARM0: 0x10, ALARM3: 0x1c, TIMERAWH: 0x24, TIMERAWL: 0x28 };
const WATCHDOG_TICK = 0x2c;

function tickedTimer(mcu, tree, carriedTick) {
  const timer = mcu.peripherals[0x40054];
  const wd = mcu.peripherals[0x40058];
  const { clock } = mcu;
  let tick = carriedTick ?? 0x200; // TICK reset: ENABLE, CYCLES 0
  let periodNs = Infinity; // ns per tick; Infinity: no ticks
  let anchorNs = clock.nanos;
  let anchorTicks = 0;
  const ticksAt = (ns) => anchorTicks + (periodNs === Infinity ? 0 : (ns - anchorNs) / periodNs);
  const count = () => Math.floor(ticksAt(clock.nanos) + 1e-9);

  function schedule(alarm) {
    if (!alarm.armed) return;
    if (periodNs === Infinity) {
      alarm.clockAlarm.cancel(); // no ticks: the comparator never matches
      return;
    }
    const now = count();
    const ahead = (alarm.targetMicros - now) >>> 0 || 2 ** 32;
    const atNs = anchorNs + (now + ahead - anchorTicks) * periodNs;
    alarm.clockAlarm.schedule(Math.max(atNs - clock.nanos, 0));
  }
  function retime() {
    const ref = tree.f.ref;
    const cycles = tick & 0x1ff;
    const next = tick & 0x200 && cycles && ref ? (cycles * 1e9) / ref : Infinity;
    if (next === periodNs) return;
    anchorTicks = ticksAt(clock.nanos);
    anchorNs = clock.nanos;
    periodNs = next;
    timer.alarms.forEach(schedule);
    // The watchdog counts down twice per tick (RP2040-E1).
    const running = periodNs !== Infinity;
    wd.tickEnable = running;
    if (running) wd.timer.frequency = 2e9 / periodNs;
    wd.timer.enable = wd.enable && running;
    wd.alarm.enable = wd.enable && running;
  }

  const timerRead = timer.readUint32.bind(timer);
  timer.readUint32 = (offset) => {
    switch (offset) {
      case TIMER.TIMELR: {
        const c = count();
        timer.latchedTimeHigh = Math.floor(c / 2 ** 32);
        return c >>> 0;
      }
      case TIMER.TIMERAWL:
        return count() >>> 0;
      case TIMER.TIMERAWH:
        return Math.floor(count() / 2 ** 32);
      default:
        return timerRead(offset);
    }
  };
  const timerWrite = timer.writeUint32.bind(timer);
  timer.writeUint32 = (offset, value) => {
    if (offset >= TIMER.ALARM0 && offset <= TIMER.ALARM3) {
      const alarm = timer.alarms[(offset - TIMER.ALARM0) / 4];
      alarm.armed = true;
      alarm.targetMicros = value >>> 0;
      schedule(alarm);
      return;
    }
    timerWrite(offset, value);
  };
  const wdRead = wd.readUint32.bind(wd);
  wd.readUint32 = (offset) => (offset === WATCHDOG_TICK ? (tick & 0x3ff) | (periodNs !== Infinity ? 1 << 10 : 0) : wdRead(offset));
  const wdWrite = wd.writeUint32.bind(wd);
  wd.writeUint32 = (offset, value) => {
    if (offset === WATCHDOG_TICK) {
      tick = value & 0x3ff;
      retime();
      return;
    }
    wdWrite(offset, value);
    if (offset === 0x00) {
      // CTRL: rp2040js enables its counter from its own tick flag; keep it on ours.
      wd.timer.enable = wd.enable && periodNs !== Infinity;
      wd.alarm.enable = wd.enable && periodNs !== Infinity;
    }
  };
  wd.tickEnable = false;
  wd.timer.enable = false;
  wd.alarm.enable = false;
  retime();
  return {
    retime,
    get tick() {
      return tick;
    },
    get periodNs() {
      return periodNs;
    },
    down: () => timer.alarms.forEach((a) => a.clockAlarm.cancel()),
  };
}

// ---- Cortex-M0+ faults.

const EXC_RETURNS = new Set([0xfffffff1, 0xfffffff9, 0xfffffffd]);
const HANDLER_MODE = 1;

function faults(mcu, chip) {
  const { core } = mcu;
  const pcOf = () => (core.PC - 2) >>> 0;
  const fault = (what, address) => {
    throw new ChipError('HardFault', `${what} ${hex(address)} at pc ${hex(pcOf())}`);
  };
  const bxWritePC = core.BXWritePC.bind(core);
  core.BXWritePC = (address) => {
    address >>>= 0;
    if (core.currentMode === HANDLER_MODE && address >>> 28 === 0xf) {
      if (!EXC_RETURNS.has(address)) fault('exception return to an invalid EXC_RETURN', address);
    } else if (!(address & 1)) {
      fault('BX/POP to an address with bit 0 clear (no Thumb bit)', address);
    }
    bxWritePC(address);
  };
  core.blTaken = (c, blx) => {
    if (!blx) return;
    // rp2040js has already set LR and PC: find Rm in the BLX just executed.
    const at = (core.LR & ~1) - 2;
    const rm = (mcu.readUint16(at) >> 3) & 0xf;
    if (rm === 14) throw new ChipError('emulator', `BLX LR at pc ${hex(at)}: rp2040js overwrites LR before reading it`);
    const target = core.registers[rm];
    if (!(target & 1)) throw new ChipError('HardFault', `BLX to an address with bit 0 clear (no Thumb bit) ${hex(target)} at pc ${hex(at)}`);
  };
  const entry = core.exceptionEntry.bind(core);
  core.exceptionEntry = (n) => {
    const vector = mcu.readUint32(core.VTOR + 4 * n);
    if (!(vector & 1)) throw new ChipError('HardFault', `vector ${n} (${hex(vector)}) has bit 0 clear`);
    entry(n);
  };
  const reset = mcu.readUint32(core.VTOR + 4);
  if (!(reset & 1)) throw new ChipError('HardFault', `the reset vector (${hex(reset)}) has bit 0 clear`);

  // Memory: unaligned accesses fault; with XIP off, so does any access to flash.
  const m = mcu;
  const inFlash = (a) => a >>> 28 === 1 && a >>> 24 < 0x14;
  const xipOff = (a) => {
    throw new ChipError(
      'flash',
      `${hex(a)} read through XIP at pc ${hex(pcOf())} while XIP is off (${chip.xipWhy()}): on the chip this reads garbage or hangs`,
    );
  };
  const fast = {
    readUint32: (a) => (a & 3 ? fault('unaligned word load from', a) : m.readUint32(a)),
    readUint16: (a) => (a & 1 ? fault('unaligned halfword load from', a) : m.readUint16(a)),
    readUint8: (a) => m.readUint8(a),
  };
  const guarded = {
    readUint32: (a) => (a & 3 ? fault('unaligned word load from', a) : inFlash(a) ? xipOff(a) : m.readUint32(a)),
    readUint16: (a) => (a & 1 ? fault('unaligned halfword load from', a) : inFlash(a) ? xipOff(a) : m.readUint16(a)),
    readUint8: (a) => (inFlash(a) ? xipOff(a) : m.readUint8(a)),
  };
  core.writeUint32 = (a, v) => (a & 3 ? fault('unaligned word store to', a) : m.writeUint32(a, v));
  core.writeUint16 = (a, v) => (a & 1 ? fault('unaligned halfword store to', a) : m.writeUint16(a, v));
  const use = (set) => Object.assign(core, set);
  use(fast);
  return {
    /** XIP on: flash reads are plain; off: each one stops the run. */
    xip(on) {
      use(on ? fast : guarded);
    },
  };
}

// ---- The boot ROM.

const ROM_FUNC_TABLE = 0x100;
const ROM_DATA_TABLE = 0x180;
const ROM_STUBS = 0x200;
/** Cycles charged for a ROM call's own work (estimates from the ROM's source; see each). */
const ROM_CALL_CYCLES = 40;
const code = (s) => s.charCodeAt(0) | (s.charCodeAt(1) << 8);
const name = (c) => String.fromCharCode(c & 0xff, c >> 8);

function bootRom(mcu, chip, flash, ssi, ioQspi) {
  const { core } = mcu;
  const rom = new DataView(mcu.bootrom.buffer);
  const nsToCycles = (ns) => Math.ceil((ns * mcu.clkSys) / 1e9);
  const charge = (ns) => {
    core.cycles += nsToCycles(ns);
  };
  const arg = (i) => core.registers[i] >>> 0;
  const flashFn = (fn) => (...a) => {
    chip.noteFlashCall();
    return fn(...a);
  };
  const spiNs = (bytes) => (bytes * 8 * (ssi.baudr || 6) * 1e9) / mcu.clkSys;
  const requireSerial = (what) => {
    if (!chip.xipExited) throw new ChipError('flash', `${what} called without flash_exit_xip ('EX') first: the SSI is still set up for XIP`);
  };
  const flashRange = (what, addr, count) => {
    if (addr + count > flash.size) throw new ChipError('flash', `${what}(${hex(addr)}, ${count}) runs past the ${flash.size >> 20} MB flash`);
  };
  const functions = [
    // 0: rom_table_lookup(table, code) -> the function's address (Thumb bit set), or 0.
    [
      null,
      () => {
        let at = arg(0);
        const want = arg(1) & 0xffff;
        for (;;) {
          const c = mcu.readUint16(at);
          if (!c) break;
          if (c === want) return mcu.readUint16(at + 2);
          at += 4;
        }
        throw new ChipError('rom', `the firmware looked up ROM function '${name(want)}', which this model lacks (see chip.mjs)`);
      },
    ],
    [
      'UB',
      () => {
        chip.halt = { kind: 'bootsel', tNs: mcu.clock.nanos, gpioActivityMask: arg(0), disableInterfaceMask: arg(1) };
        chip.emit({ kind: 'bootsel', gpio_activity_mask: arg(0), disable_interface_mask: arg(1) });
        return 0;
      },
    ],
    [
      'IF',
      flashFn(() => {
        // connect_internal_flash: IO_QSPI and PADS_QSPI reset, the pins muxed to XIP.
        for (let i = 0; i < 6; i++) ioQspi.writeUint32(8 * i + 4, 0);
        return 0;
      }),
    ],
    [
      'EX',
      flashFn(() => {
        // flash_exit_xip: the SSI in standard SPI, 8-bit frames, TX&RX, BAUDR 6; the flash
        // out of continuous-read mode (two 32-clock sequences, then 0xFF 0xFF); CS released.
        ssi.writeUint32(SSI.SSIENR, 0);
        ssi.writeUint32(SSI.BAUDR, 6);
        ssi.writeUint32(SSI.CTRLR0, (7 << 16) | (TMOD_TX_RX << 8));
        ssi.writeUint32(SSI.SER, 1);
        ssi.writeUint32(SSI.SSIENR, 1);
        flash.chip.continuous = false;
        ioQspi.writeUint32(IO_QSPI_SS_CTRL, 0);
        chip.xipExited = true;
        // Two ~6000-cycle delay loops (2^11 iterations of sub/bne) and 10 bytes on the wire.
        core.cycles += 2 * 2048 * 3;
        charge(spiNs(10));
        return 0;
      }),
    ],
    [
      'RE',
      flashFn(() => {
        const [addr, count, blockSize, blockCmd] = [arg(0), arg(1), arg(2), arg(3) & 0xff];
        requireSerial('flash_range_erase');
        if (addr % 4096 || count % 4096) throw new ChipError('flash', `flash_range_erase(${hex(addr)}, ${count}): address and count must be multiples of 4096`);
        flashRange('flash_range_erase', addr, count);
        const goal = addr + count;
        let at = addr;
        let us = 0;
        while (at < goal) {
          if (!(at & (blockSize - 1)) && goal - at >= blockSize && blockSize > 4096) {
            const t = { 0xd8: FLASH_TIMING.block64EraseUs, 0x52: FLASH_TIMING.block32EraseUs }[blockCmd];
            if (!t) throw new ChipError('flash', `flash_range_erase with block command ${hex(blockCmd, 2)}, which the flash lacks`);
            flash.erase(at, blockSize);
            us += t;
            at += blockSize;
          } else {
            flash.erase(at, 4096);
            us += FLASH_TIMING.sectorEraseUs;
            at += 4096;
          }
        }
        ioQspi.writeUint32(IO_QSPI_SS_CTRL, 3 << 8); // the ROM leaves CS forced high
        charge(us * 1000);
        chip.flashStats.erasedBytes += count;
        return 0;
      }),
    ],
    [
      'RP',
      flashFn(() => {
        const [addr, data, count] = [arg(0), arg(1), arg(2)];
        requireSerial('flash_range_program');
        if (addr % 256) throw new ChipError('flash', `flash_range_program(${hex(addr)}, …, ${count}): the address must be a multiple of 256`);
        if (count % 256) throw new ChipError('flash', `flash_range_program(${hex(addr)}, …, ${count}): the ROM programs whole 256-byte pages and would read past the data`);
        flashRange('flash_range_program', addr, count);
        const bytes = Uint8Array.from({ length: count }, (_, i) => core.readUint8(data + i)); // (a flash source faults: XIP is off)
        flash.program(addr, bytes);
        const pages = count / 256;
        ioQspi.writeUint32(IO_QSPI_SS_CTRL, 3 << 8);
        charge(pages * (FLASH_TIMING.pageProgramUs * 1000 + spiNs(260)));
        chip.flashStats.programmedBytes += count;
        return 0;
      }),
    ],
    [
      'FC',
      flashFn(() => {
        // flash_flush_cache: flush and enable the XIP cache, chip select back to the SSI.
        ioQspi.writeUint32(IO_QSPI_SS_CTRL, 0);
        return 0;
      }),
    ],
    [
      'CX',
      flashFn(() => {
        // flash_enter_cmd_xip: serial 03h reads, 32-bit frames, EEPROM-read mode. (CTRLR1 is
        // not touched: the caller must have left NDF at 0.)
        ssi.writeUint32(SSI.SSIENR, 0);
        ssi.writeUint32(SSI.CTRLR0, (31 << 16) | (TMOD_EEPROM << 8));
        ssi.writeUint32(SSI.SPI_CTRLR0, (0x03 << 24) | (2 << 8) | (6 << 2));
        ssi.writeUint32(SSI.SSIENR, 1);
        chip.xipExited = false;
        return 0;
      }),
    ],
  ];
  // Header: initial SP and reset vector (unused), magic 'Mu' 0x01, version 3 (RP2040-B2),
  // then the 16-bit pointers the HAL's rom_data reads.
  rom.setUint32(0, 0x20042000, true);
  rom.setUint32(4, ROM_STUBS + 1, true);
  rom.setUint8(0x10, 0x4d);
  rom.setUint8(0x11, 0x75);
  rom.setUint8(0x12, 0x01);
  rom.setUint8(0x13, 0x03);
  rom.setUint16(0x14, ROM_FUNC_TABLE, true);
  rom.setUint16(0x16, ROM_DATA_TABLE, true);
  rom.setUint16(0x18, ROM_STUBS + 1, true);
  const handlers = new Map();
  functions.forEach(([c, fn], i) => {
    const at = ROM_STUBS + 4 * i;
    rom.setUint16(at, 0xbe00 | i, true); // bkpt #i
    rom.setUint16(at + 2, 0x4770, true); // bx lr
    handlers.set(at, [c ?? 'rom_table_lookup', fn]);
    if (c) {
      const e = ROM_FUNC_TABLE + 4 * (i - 1);
      rom.setUint16(e, code(c), true);
      rom.setUint16(e + 2, at + 1, true);
    }
  });
  rom.setUint16(ROM_FUNC_TABLE + 4 * (functions.length - 1), 0, true);
  rom.setUint16(ROM_DATA_TABLE, 0, true);

  mcu.onBreak = (imm) => {
    const at = (core.PC - 2) >>> 0;
    const h = handlers.get(at);
    if (!h || (imm & 0xff) !== (at - ROM_STUBS) / 4) {
      throw new ChipError('HardFault', `BKPT/UDF #${imm} at pc ${hex(at)} with no debugger attached`);
    }
    core.breakRewind = 0;
    chip.romCalls[h[0]] = (chip.romCalls[h[0]] ?? 0) + 1;
    core.cycles += ROM_CALL_CYCLES;
    core.registers[0] = h[1]() >>> 0;
  };
}

// ---- All of it.

/** The console's speed, and how far off a UART receiver still reads it. */
export const CONSOLE_BAUD = 115200;
const BAUD_TOLERANCE = 0.02;

/**
 * Makes `mcu` (a fresh, reset RP2040 with its firmware loaded and VTOR set) the strict chip.
 * `previous`: the chip before a watchdog reset (the XOSC and the watchdog's tick generator
 * survive it, as rp2040-hal's PSM WDSEL leaves them). `flash`: the board's flash bytes, kept in
 * step with the ROM's erase and program. `perturb(address, value) -> value`:
 * rewrites the firmware's 32-bit stores (tests use it to prove a check can fail). `onEvent`
 * receives events such as `{ kind: 'bootsel' }`.
 */
export function installChip(mcu, { board = 'pico', previous = null, flash: boardFlash = null, perturb = null, onEvent = () => {} } = {}) {
  const spec = FLASH_CHIPS[board];
  if (!spec) throw new Error(`no flash chip for board ${board}`);
  const chip = {
    halt: null,
    xipExited: false,
    romCalls: {},
    flashStats: { erasedBytes: 0, programmedBytes: 0 },
    emit: (e) => onEvent({ ...e, tNs: mcu.clock.nanos }),
  };
  const downs = [];

  // Flash, SSI, IO_QSPI.
  const fchip = flashChip(mcu, spec);
  let fault = null;
  const ssi = new StrictSSI(mcu, fchip, () => fault?.xip(ssi.xipReady));
  const ioQspi = new IoQspi(mcu, ssi);
  mcu.peripherals[0x18000] = ssi;
  mcu.peripherals[0x40018] = ioQspi;
  chip.xipWhy = () => {
    const why = [];
    if (ssi.ssienr !== 1) why.push('SSI disabled');
    if (ssi.tmod !== TMOD_EEPROM) why.push(`SSI TMOD ${ssi.tmod}, not EEPROM-read`);
    if (ssi.ctrlr1 & 0xffff) why.push(`CTRLR1.NDF ${ssi.ctrlr1 & 0xffff}, not 0`);
    if (ssi.ssOver !== OUTOVER_NORMAL) why.push(`chip select forced ${ssi.ssOver === OUTOVER_LOW ? 'low' : 'high'}`);
    return why.join(', ') || 'no reason';
  };

  // PRIMASK: how long interrupts stay masked.
  const { core, clock } = mcu;
  let pm = core.PM;
  let maskedSince = pm ? clock.nanos : 0;
  let flashInWindow = false;
  const masked = { maxNs: 0, maxAroundFlashNs: 0, flashCallsUnmasked: 0 };
  // (Watched after each instruction: an accessor on the core's PM would turn rp2040js's core
  // into a slow dictionary object.)
  const pmChanged = () => {
    pm = core.PM;
    if (pm) {
      maskedSince = clock.nanos;
      flashInWindow = false;
    } else {
      const ns = clock.nanos - maskedSince;
      masked.maxNs = Math.max(masked.maxNs, ns);
      if (flashInWindow) masked.maxAroundFlashNs = Math.max(masked.maxAroundFlashNs, ns);
    }
  };
  const execute = core.executeInstruction.bind(core);
  core.executeInstruction = () => {
    execute();
    if (core.PM !== pm) pmChanged();
  };
  chip.noteFlashCall = () => {
    if (pm) flashInWindow = true;
    else masked.flashCallsUnmasked++;
  };

  // Clocks.
  const sources = {};
  let timer = null;
  const tree = clockTree(mcu, sources, () => timer?.retime());
  const carried = previous?.carried();
  const xosc = new StrictXosc(mcu, tree, carried?.xosc);
  sources.xosc = xosc;
  sources.pllSys = new StrictPll(mcu, 'PLL_SYS', tree, xosc);
  sources.pllUsb = new StrictPll(mcu, 'PLL_USB', tree, xosc);
  mcu.peripherals[0x40024] = xosc;
  mcu.peripherals[0x40028] = sources.pllSys;
  mcu.peripherals[0x4002c] = sources.pllUsb;
  mcu.pllSys = sources.pllSys;
  mcu.pllUsb = sources.pllUsb;
  tree.changed('reset');
  timer = tickedTimer(mcu, tree, carried?.tick);
  downs.push(timer.down);

  // USB wants 48 MHz.
  const usbWrite = mcu.usbCtrl.writeUint32.bind(mcu.usbCtrl);
  mcu.usbCtrl.writeUint32 = (offset, value) => {
    if (offset === 0x40 && value & 1 && Math.abs(tree.f.usb / (48 * MHZ) - 1) > 0.0025) {
      throw new ChipError('clock', `the USB controller enabled with clk_usb at ${tree.f.usb / MHZ} MHz; USB needs 48 MHz`);
    }
    usbWrite(offset, value);
  };

  fault = faults(mcu, chip);
  // Erase and program reach the emulator's flash and, if given, the board's flash that outlives
  // this RP2040 object (emulate()'s `flash`: kept across watchdog resets and runs).
  const stores = boardFlash ? [mcu.flash, boardFlash] : [mcu.flash];
  const flashOps = {
    chip: fchip,
    size: spec.size,
    erase: (at, n) => stores.forEach((f) => f.fill(0xff, at, at + n)),
    program: (at, bytes) => stores.forEach((f) => bytes.forEach((b, i) => (f[at + i] &= b))),
  };
  bootRom(mcu, chip, flashOps, ssi, ioQspi);

  if (perturb) {
    const write = mcu.writeUint32.bind(mcu);
    mcu.writeUint32 = (address, value) => write(address, perturb(address >>> 0, value >>> 0));
  }

  Object.assign(chip, {
    clocks: tree.f,
    /** What survives a watchdog reset (see `installChip`). */
    carried() {
      return { xosc: { enabled: xosc.stable, ctrl: xosc.ctrl, startup: xosc.startup }, tick: timer.tick };
    },
    /**
     * Wraps the console UART's `onWire(byte, startNs, endNs)`: the terminal reads 115200 8N1,
     * so a byte at another speed (off by more than 2%) stops the run.
     */
    console(uart, onWire) {
      return (byte, startNs, endNs) => {
        if (!tree.f.peri) throw new ChipError('uart', `a byte sent while clk_peri is stopped`);
        const baud = tree.f.peri / (16 * uart.baudDivider);
        if (Math.abs(baud / CONSOLE_BAUD - 1) > BAUD_TOLERANCE) {
          throw new ChipError('uart', `UART at ${Math.round(baud)} baud, the console expects ${CONSOLE_BAUD}`);
        }
        onWire(byte, startNs, endNs);
      };
    },
    /** What is not running that a program may be waiting for (for a run that never got going). */
    explain() {
      const { sys, sysSrc, refSrc } = tree.f;
      const notes = [`clk_sys ${sys / MHZ} MHz from ${sysSrc}${sysSrc === 'clk_ref' ? ` (${refSrc})` : ''}`];
      if (xosc.enabled && !xosc.stable) notes.push('the XOSC is still starting');
      for (const pll of [sources.pllSys, sources.pllUsb]) {
        if (!(pll.pwr & (PLL_PWR_PD | PLL_PWR_VCOPD)) && !pll.locked) notes.push(`${pll.name} is not locked (${pll.vcoProblem ?? 'locking'})`);
      }
      if (timer.periodNs === Infinity) notes.push('the watchdog tick is off: the timer stands still');
      return notes.join('; ');
    },
    stats() {
      return {
        clkRefHz: tree.f.ref,
        clkSysHz: tree.f.sys,
        clkPeriHz: tree.f.peri,
        clkUsbHz: tree.f.usb,
        tickNs: timer.periodNs,
        maxMaskedUs: masked.maxNs / 1000,
        maxMaskedAroundFlashUs: masked.maxAroundFlashNs / 1000,
        flashCallsUnmasked: masked.flashCallsUnmasked,
        romCalls: { ...chip.romCalls },
        ...chip.flashStats,
      };
    },
    down: () => downs.forEach((f) => f()),
  });
  return chip;
}
