// Clock sources (ROSC, XOSC, PLL_SYS, PLL_USB) and the clock generators (clk_ref, clk_sys,
// clk_peri, clk_usb) from their registers (see ../chip.mjs).

import { BasePeripheral } from 'rp2040js';
import { ChipError, MHZ, hex } from './error.mjs';

// ---- Clock sources and generators.

/** PLL lock time: an assumption (see the header). */
export const PLL_LOCK_US = 100;
/** The ROSC at reset (datasheet §2.16.2: typical boot frequency). */
export const ROSC_HZ = 6.5 * MHZ;
export const XOSC_HZ = 12 * MHZ;
const VCO_MIN = 750 * MHZ;
const VCO_MAX = 1600 * MHZ;

export const PLL_PWR_PD = 1 << 0;
const PLL_PWR_POSTDIVPD = 1 << 3;
export const PLL_PWR_VCOPD = 1 << 5;

export class StrictXosc extends BasePeripheral {
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

export class StrictPll extends BasePeripheral {
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
export function clockTree(mcu, sources, onChange) {
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

