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
//   Cost: the checks hang on rp2040js's own hooks (BXWritePC, blTaken) and on the core class's
//   load and store methods (chip/core.mjs), so nothing is decoded twice per instruction.
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
//   'UB' reset_usb_boot (the run stops: `chip.halt`, and emulate() reports `bootsel`), 'C4'
//   memcpy44 (rp2040-flash copies boot2 to RAM with it), and the flash functions 'IF' 'EX'
//   'RE' 'RP' 'FC' 'CX' (datasheet §2.8.3.1.3), with the register effects of the ROM's source
//   (pico-bootrom-rp2040, program_flash_generic.c). A code the model lacks stops the run when
//   looked up, rather than handing the firmware a null pointer.
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
// the other memcpy/memset, bit ops: the firmware uses none), quad-SPI transfers — a boot2 copy
// run from RAM (rp2040-flash's `use_boot2`) drives the SSI in quad mode; its frames are shifted
// as single-bit ones, the flash answers 0xFF to what it does not know, and XIP comes back when
// boot2 leaves the SSI set up for it — and ROSC frequency variation. Errors throw `ChipError` from inside the instruction or alarm that
// hit them, so emulate() fails with the message.
//
// The parts live in chip/: core.mjs (rp2040js's core class, patched once), faults.mjs,
// clocks.mjs, tick.mjs, qspi.mjs (flash chip, SSI, IO_QSPI), rom.mjs, masked.mjs; this file
// puts them together.

import { ChipError, MHZ } from './chip/error.mjs';
import { PLL_PWR_PD, PLL_PWR_VCOPD, StrictPll, StrictXosc, clockTree } from './chip/clocks.mjs';
import { faults } from './chip/faults.mjs';
import { maskedTime } from './chip/masked.mjs';
import { FLASH_CHIPS, IoQspi, OUTOVER_LOW, OUTOVER_NORMAL, StrictSSI, TMOD_EEPROM, flashChip } from './chip/qspi.mjs';
import { bootRom } from './chip/rom.mjs';
import { tickedTimer } from './chip/tick.mjs';

export { ChipError };
export { FLASH_CHIPS, FLASH_TIMING, uniqueId, uniqueIdHex } from './chip/qspi.mjs';
export { PLL_LOCK_US, ROSC_HZ, XOSC_HZ } from './chip/clocks.mjs';

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
  const masked = maskedTime(mcu);
  chip.noteFlashCall = masked.noteFlashCall;

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
        ...masked.stats(),
        romCalls: { ...chip.romCalls },
        ...chip.flashStats,
      };
    },
    down: () => downs.forEach((f) => f()),
  });
  return chip;
}
