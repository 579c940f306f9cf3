// The RP2040 boot ROM's drag-and-drop writer (BOOTSEL mode's RPI-RP2 drive), so that the
// emulator flashes a UF2 file as a board does, hazards included — not by copying its pages
// into erased flash.
//
// What the B2 boot ROM does with each 512-byte block written to the drive (pico-bootrom,
// bootrom/virtual_disk.c: vd_write_block, _update_current_uf2_info, _write_uf2_page):
//
// - It takes a block only if it is a UF2 block (three magic numbers), says it has a family id
//   and that id is the RP2040's, is not flagged "not main flash", carries 256 bytes, and targets
//   a 256-byte page inside the flash window. Other blocks are ignored (and a block that is not
//   for flash or RAM, or has no block count, also ends the transfer under way).
// - A block whose "number of blocks" differs from the transfer's starts a new transfer: the
//   record of the blocks seen and of the sectors erased starts empty.
// - A block whose number was seen already, or is not below the count, is ignored.
// - Erasing is by block NUMBER, not address: `group = block_no * 256 / 4096`. The first block
//   of a group to arrive erases one 4 KB sector — the one holding *its own* target address;
//   later blocks of that group erase nothing, whatever sector they target (pico-sdk#762).
//   So a file whose blocks are not numbered one sector per aligned group of 16 can leave a
//   sector unerased, and its pages are then programmed over old bytes.
// - Programming a page only clears bits: flash = flash & data (NOR flash).
// - When it has every block of the count it reboots into the new program.
//
// Flash does not start erased: a board holds whatever was flashed before. `anotherProgram`
// gives deterministic bytes standing for that.

/** UF2 block layout (crates/baton-uf2/src/uf2.rs). */
const MAGIC_START0 = 0x0a324655;
const MAGIC_START1 = 0x9e5d5157;
const MAGIC_END = 0x0ab16f30;
const FLAG_NOT_MAIN_FLASH = 0x1;
const FLAG_FAMILY_ID_PRESENT = 0x2000;
export const RP2040_FAMILY_ID = 0xe48bff56;
const BLOCK = 512;
export const PAGE = 256;
export const SECTOR = 4096;
export const FLASH_START = 0x10000000;
/** The XIP window the ROM accepts as flash (16 MB); a chip smaller than that sees its
 * address bits wrap, as a SPI flash ignores the address bits above its size. */
const FLASH_WINDOW = 0x1000000;
/** The configuration sector (crates/baton-uf2/src/config.rs: CONFIG_ADDR, CONFIG_SIZE). */
export const CONFIG_ADDR = 0x101ff000;
export const CONFIG_SIZE = SECTOR;

/**
 * Flash holding "another program": `size` bytes of deterministic pseudo-random data
 * (xorshift32 from `seed`), never all 0xFF nor all 0x00, so that a sector the ROM fails to
 * erase cannot pass for an erased one.
 */
export function anotherProgram(size, seed = 0x2545f491) {
  const flash = new Uint8Array(size);
  const words = new Uint32Array(flash.buffer);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return flash;
}

/** The blocks of a UF2 file as the ROM reads them: `{ index, flags, target, size, blockNo, numBlocks, family, data, isUf2 }`. */
export function* uf2Blocks(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0, index = 0; at + BLOCK <= bytes.length; at += BLOCK, index++) {
    const w = (o) => view.getUint32(at + o, true);
    yield {
      index,
      isUf2: w(0) === MAGIC_START0 && w(4) === MAGIC_START1 && w(508) === MAGIC_END,
      flags: w(8),
      target: w(12),
      size: w(16),
      blockNo: w(20),
      numBlocks: w(24),
      family: w(28),
      data: bytes.subarray(at + 32, at + 32 + PAGE),
    };
  }
}

/** Whether the ROM takes `b` as a main-flash page of an RP2040 UF2 (vd_write_block's test). */
function forThisChip(b) {
  return b.isUf2 && b.flags & FLAG_FAMILY_ID_PRESENT && b.family === RP2040_FAMILY_ID && !(b.flags & FLAG_NOT_MAIN_FLASH) && b.size === PAGE;
}

const inFlashWindow = (a) => a >= FLASH_START && a < FLASH_START + FLASH_WINDOW;

/**
 * Drags a UF2 file onto the RPI-RP2 drive of a board whose flash is `flash` (a Uint8Array,
 * the chip's bytes from 0x10000000), changing it as the boot ROM would. Returns what the ROM
 * did: `{ erased: [sector addresses, in order], programmed: [page addresses], ignored,
 * complete }` (`complete`: it got every block of the count, and so rebooted into the program).
 */
export function writeUf2(flash, bytes) {
  let numBlocks = 0; // 0: no transfer under way
  let seen = new Set();
  let cleared = new Set();
  const erased = [];
  const programmed = [];
  let ignored = 0;
  let complete = false;
  const chipOffset = (addr) => (addr - FLASH_START) % flash.length;
  for (const b of uf2Blocks(bytes)) {
    if (complete) break; // the ROM has rebooted: the rest of the file goes nowhere
    if (!forThisChip(b)) {
      ignored++;
      continue;
    }
    const flashPage = inFlashWindow(b.target) && inFlashWindow(b.target + PAGE - 1);
    if (!b.numBlocks || !flashPage || b.target % PAGE) {
      // Garbage (or a UF2 for RAM, which Baton never makes): the transfer is reset.
      if (!flashPage && b.numBlocks) throw new Error(`UF2 block ${b.index} targets ${b.target.toString(16)}, not flash: RAM UF2s are not modelled`);
      numBlocks = 0;
      ignored++;
      continue;
    }
    if (numBlocks !== b.numBlocks) {
      numBlocks = b.numBlocks;
      seen = new Set();
      cleared = new Set();
    }
    if (b.blockNo >= numBlocks) {
      numBlocks = 0;
      ignored++;
      continue;
    }
    if (seen.has(b.blockNo)) {
      ignored++;
      continue;
    }
    const group = Math.floor((b.blockNo * PAGE) / SECTOR);
    if (!cleared.has(group)) {
      cleared.add(group);
      const sector = b.target & ~(SECTOR - 1);
      const at = chipOffset(sector);
      flash.fill(0xff, at, at + SECTOR);
      erased.push(sector >>> 0);
    }
    const at = chipOffset(b.target);
    for (let i = 0; i < PAGE; i++) flash[at + i] &= b.data[i];
    programmed.push(b.target);
    seen.add(b.blockNo);
    if (seen.size === numBlocks) complete = true;
  }
  return { erased, programmed, ignored, complete };
}

/**
 * What the file says `len` bytes at `addr` should hold: its main-flash pages for the RP2040,
 * last one wins; bytes of pages the file does not give are 0xFF (erased). This is the file's
 * intent, independent of how the ROM writes it.
 */
export function fileBytes(bytes, addr, len) {
  const out = new Uint8Array(len).fill(0xff);
  for (const b of uf2Blocks(bytes)) {
    if (!forThisChip(b) || b.target + PAGE <= addr || b.target >= addr + len) continue;
    for (let i = 0; i < PAGE; i++) {
      const a = b.target + i - addr;
      if (a >= 0 && a < len) out[a] = b.data[i];
    }
  }
  return out;
}
