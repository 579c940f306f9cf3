// The boot ROM's behaviour: its header, function table and stubs, and the functions modelled
// (see ../chip.mjs).

import { ChipError, hex } from './error.mjs';
import { FLASH_TIMING, IO_QSPI_SS_CTRL, SSI, TMOD_EEPROM, TMOD_TX_RX } from './qspi.mjs';

// ---- The boot ROM.

const ROM_FUNC_TABLE = 0x100;
const ROM_DATA_TABLE = 0x180;
const ROM_STUBS = 0x200;
/** Cycles charged for a ROM call's own work (estimates from the ROM's source; see each). */
const ROM_CALL_CYCLES = 40;
const code = (s) => s.charCodeAt(0) | (s.charCodeAt(1) << 8);
const name = (c) => String.fromCharCode(c & 0xff, c >> 8);

export function bootRom(mcu, chip, flash, ssi, ioQspi) {
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
      'C4',
      () => {
        // memcpy44(dest, src, n): words, both pointers word-aligned, n a multiple of 4
        // (rp2040-flash copies boot2 out of flash with it, while XIP is still on).
        const [dest, src, n] = [arg(0), arg(1), arg(2)];
        if (dest % 4 || src % 4 || n % 4) throw new ChipError('rom', `memcpy44(${hex(dest)}, ${hex(src)}, ${n}): pointers and length must be multiples of 4`);
        for (let i = 0; i < n; i += 4) core.writeUint32(dest + i, core.readUint32(src + i));
        // The ROM's loop: a load and a store a word, unrolled.
        core.cycles += (n / 4) * 4;
        return dest;
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

