// The flash chip on the QSPI bus, the SSI that drives it (XIP_SSI) and IO_QSPI's chip-select
// override: what firmware reaches after the ROM's flash_exit_xip (see ../chip.mjs).

import { BasePeripheral } from 'rp2040js';

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
export function flashChip(mcu, spec) {
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

export const SSI = { CTRLR0: 0x00, CTRLR1: 0x04, SSIENR: 0x08, SER: 0x10, BAUDR: 0x14, TXFLR: 0x20, RXFLR: 0x24, SR: 0x28, DR0: 0x60, SPI_CTRLR0: 0xf4 };
export const TMOD_TX_RX = 0;
export const TMOD_EEPROM = 3;
const FIFO_DEPTH = 16;
export const IO_QSPI_SS_CTRL = 0x0c;
export const OUTOVER_NORMAL = 0;
export const OUTOVER_LOW = 2;

export class StrictSSI extends BasePeripheral {
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

export class IoQspi extends BasePeripheral {
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

