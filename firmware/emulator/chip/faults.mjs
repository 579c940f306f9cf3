// Cortex-M0+ faults that rp2040js does not raise (see ../chip.mjs).

import './core.mjs';
import { ChipError, hex } from './error.mjs';

// ---- Cortex-M0+ faults.

const EXC_RETURNS = new Set([0xfffffff1, 0xfffffff9, 0xfffffffd]);
const HANDLER_MODE = 1;

export function faults(mcu, chip) {
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

  // Memory (checked in chip/core.mjs's load and store methods): unaligned accesses fault; with
  // XIP off, so does any access to flash.
  core.strict = {
    unaligned: fault,
    xipOff(a) {
      throw new ChipError(
        'flash',
        `${hex(a)} read through XIP at pc ${hex(pcOf())} while XIP is off (${chip.xipWhy()}): on the chip this reads garbage or hangs`,
      );
    },
  };
  core.xipOff = false;
  return {
    /** XIP on: flash reads are plain; off: each one stops the run. */
    xip(on) {
      core.xipOff = !on;
    },
  };
}
