//! How the RP2040's boot ROM writes a UF2 file to flash — modelled — and the
//! rule a file must follow for that write to be exact.
//!
//! The ROM (B2, `virtual_disk.c` in raspberrypi/pico-bootrom-rp2040) takes the
//! blocks of a file copied to its drive one at a time. It does not erase
//! every 4 KB sector a block writes into: it splits the *block numbers* into
//! groups of 16 (`block_no * 256 / 4096`), and for the first block of a group
//! to arrive it erases one sector, that block's own; the group's other blocks
//! are programmed without an erase. Programming flash only clears bits (the
//! page becomes `old & data`), and real flash holds whatever an earlier
//! program left there, so a page whose sector is not erased first reads
//! back corrupt (pico-sdk#762, pico-bootrom-rp2040#19).
//!
//! A file is written exactly when every sector it touches is given whole, and
//! is erased once, by the first block of a group, before any of its pages is
//! programmed: blocks in address order, numbered so that each aligned group of
//! 16 block numbers is one sector. [`crate::uf2::Image::to_uf2`] writes that
//! layout (as picotool does); [`check`] says whether any file follows it.
//!
//! [`steps`] is the model: what the ROM does with each block of one copy,
//! started from a fresh boot into BOOTSEL. [`write()`] applies those steps to a
//! flash image; [`check`] reads them to find the first block the ROM would not
//! write exactly, and why.

use crate::uf2::{
    word, BLOCK_SIZE, FLAG_FAMILY_ID_PRESENT, FLAG_NOT_MAIN_FLASH, FLASH_END, FLASH_START, MAGIC_END, MAGIC_START0,
    MAGIC_START1, PAGES_PER_SECTOR, PAGE_SIZE, RP2040_FAMILY_ID, SECTOR_SIZE,
};
use alloc::collections::BTreeSet;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

/// The address window the ROM treats as flash (`is_address_flash`: the XIP
/// window up to the start of SRAM). Only its first 2 MB are this board's flash.
const ROM_FLASH: core::ops::RangeInclusive<u32> = 0x1000_0000..=0x2000_0000;
/// What the ROM treats as RAM (`is_address_ram`): SRAM and the XIP cache's SRAM.
const ROM_RAM: [core::ops::RangeInclusive<u32>; 2] = [0x2000_0000..=0x2004_2000, 0x1500_0000..=0x1500_4000];

/// Why the boot ROM passes over a block without writing it to flash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ignored {
    /// Its magic numbers are wrong: not a UF2 block.
    NotUf2,
    /// Flagged "not main flash" (a comment, another file): meant to be passed over.
    NotMainFlash,
    /// No family id: this ROM writes only blocks that name the RP2040.
    NoFamily,
    /// For another chip family: meant to be passed over (a file for several chips).
    OtherFamily(u32),
    /// The payload is not 256 bytes.
    PayloadSize(u32),
    /// The target is neither flash nor RAM, or not page-aligned, or the block
    /// says the file has no blocks: the ROM abandons the transfer.
    BadTarget(u32),
    /// A RAM page: the ROM writes it to RAM (and runs it), never to the flash.
    Ram(u32),
    /// A flash page in a transfer that began with RAM pages, or the reverse:
    /// the ROM abandons the transfer.
    MixedTarget(u32),
    /// The block number is not below the block count: the ROM abandons the transfer.
    BlockNumber {
        /// The block's number.
        block_no: u32,
        /// The number of blocks it says the file has.
        num_blocks: u32,
    },
    /// This block number was written already in this transfer.
    Duplicate(u32),
    /// The transfer had all its blocks: the board was restarting.
    AfterEnd,
}

impl Ignored {
    /// Whether the block is meant for someone else, so passing over it loses
    /// nothing.
    pub fn is_intended(self) -> bool {
        matches!(self, Ignored::NotMainFlash | Ignored::OtherFamily(_))
    }
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ignored::NotUf2 => write!(f, "its magic numbers are wrong"),
            Ignored::NotMainFlash => write!(f, "it is flagged \"not main flash\""),
            Ignored::NoFamily => write!(f, "it has no family id (the ROM wants {RP2040_FAMILY_ID:#010x})"),
            Ignored::OtherFamily(id) => write!(f, "it is for family {id:#010x}"),
            Ignored::PayloadSize(n) => write!(f, "it carries {n} bytes, not 256"),
            Ignored::BadTarget(a) => {
                write!(f, "its target {a:#010x} is not a page of flash or RAM (the ROM abandons the transfer)")
            }
            Ignored::Ram(a) => write!(f, "its target {a:#010x} is RAM, not flash"),
            Ignored::MixedTarget(a) => {
                write!(f, "its target {a:#010x} mixes flash and RAM in one transfer (the ROM abandons it)")
            }
            Ignored::BlockNumber { block_no, num_blocks } => write!(
                f,
                "its number {block_no} is not below the {num_blocks} blocks it announces (the ROM abandons the transfer)"
            ),
            Ignored::Duplicate(n) => write!(f, "block number {n} was written already"),
            Ignored::AfterEnd => write!(f, "the transfer was complete before it: the board restarts"),
        }
    }
}

/// One thing the boot ROM does while a file is copied to it. `block` is the
/// block's position in the file (from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// A transfer begins (at the first block, or at a block announcing another
    /// block count, or after an abandoned one): which block numbers were
    /// written and which groups erased is forgotten.
    Start {
        /// The block.
        block: usize,
        /// The block count it announces.
        num_blocks: u32,
    },
    /// The first block of `group` (block numbers `16 * group ..`) erases the
    /// 4 KB sector it targets, before it is programmed.
    Erase {
        /// The block.
        block: usize,
        /// Its group: its block number / 16.
        group: u32,
        /// The sector erased (4 KB-aligned).
        sector: u32,
    },
    /// The block's 256 bytes are programmed at `addr`: flash becomes `old & data`.
    Program {
        /// The block.
        block: usize,
        /// The page's address.
        addr: u32,
    },
    /// The block is passed over.
    Ignore {
        /// The block.
        block: usize,
        /// Why.
        why: Ignored,
    },
    /// The transfer has all its blocks: the board restarts into the program.
    Restart {
        /// The last block.
        block: usize,
    },
}

/// The ROM's state for one transfer (`struct uf2_info`).
struct Transfer {
    num_blocks: u32,
    ram: bool,
    written: BTreeSet<u32>,
    cleared_groups: BTreeSet<u32>,
}

fn is_ram(addr: u32) -> bool {
    let last = addr.wrapping_add(PAGE_SIZE as u32 - 1);
    ROM_RAM.iter().any(|r| r.contains(&addr) && r.contains(&last))
}

fn is_flash(addr: u32) -> bool {
    ROM_FLASH.contains(&addr) && ROM_FLASH.contains(&addr.wrapping_add(PAGE_SIZE as u32 - 1))
}

/// What the boot ROM does with each block of `uf2`, copied to its drive in
/// file order right after it booted into BOOTSEL (`vd_write_block`,
/// `_update_current_uf2_info` and `_write_uf2_page`). Whole 512-byte blocks
/// only: a trailing partial block is not looked at.
pub fn steps(uf2: &[u8]) -> Vec<Step> {
    let mut out = Vec::new();
    let mut transfer: Option<Transfer> = None;
    let mut done = false;
    for (block, b) in uf2.chunks_exact(BLOCK_SIZE).enumerate() {
        let mut ignore = |why| out.push(Step::Ignore { block, why });
        if done {
            ignore(Ignored::AfterEnd);
            continue;
        }
        if word(b, 0) != MAGIC_START0 || word(b, 4) != MAGIC_START1 || word(b, 508) != MAGIC_END {
            ignore(Ignored::NotUf2);
            continue;
        }
        let (flags, addr, size, block_no, num_blocks, family) =
            (word(b, 8), word(b, 12), word(b, 16), word(b, 20), word(b, 24), word(b, 28));
        if flags & FLAG_NOT_MAIN_FLASH != 0 {
            ignore(Ignored::NotMainFlash);
            continue;
        }
        if flags & FLAG_FAMILY_ID_PRESENT == 0 {
            ignore(Ignored::NoFamily);
            continue;
        }
        if family != RP2040_FAMILY_ID {
            ignore(Ignored::OtherFamily(family));
            continue;
        }
        if size != PAGE_SIZE as u32 {
            ignore(Ignored::PayloadSize(size));
            continue;
        }
        let ram = is_ram(addr);
        let flash = !ram && is_flash(addr);
        if num_blocks == 0 || !(ram || flash) || (flash && addr % PAGE_SIZE as u32 != 0) {
            ignore(Ignored::BadTarget(addr));
            transfer = None;
            continue;
        }
        if transfer.as_ref().map(|t| t.num_blocks) != Some(num_blocks) {
            transfer = Some(Transfer { num_blocks, ram, written: BTreeSet::new(), cleared_groups: BTreeSet::new() });
            out.push(Step::Start { block, num_blocks });
        }
        let Some(t) = transfer.as_mut() else { continue };
        let mut ignore = |why| out.push(Step::Ignore { block, why });
        if ram != t.ram {
            ignore(Ignored::MixedTarget(addr));
            transfer = None;
            continue;
        }
        if block_no >= num_blocks {
            ignore(Ignored::BlockNumber { block_no, num_blocks });
            transfer = None;
            continue;
        }
        if !t.written.insert(block_no) {
            ignore(Ignored::Duplicate(block_no));
            continue;
        }
        if ram {
            ignore(Ignored::Ram(addr));
        } else {
            let group = block_no / PAGES_PER_SECTOR as u32;
            if t.cleared_groups.insert(group) {
                out.push(Step::Erase { block, group, sector: addr & !(SECTOR_SIZE as u32 - 1) });
            }
            out.push(Step::Program { block, addr });
        }
        if t.written.len() == t.num_blocks as usize {
            out.push(Step::Restart { block });
            done = true;
        }
    }
    out
}

/// Copies `uf2` to a board as its boot ROM does: `flash` is the flash's
/// contents from [`FLASH_START`] (2 MB for the boards here) before the copy,
/// and after it. Erasing sets a sector to `0xFF`; programming ANDs the page
/// in. Steps outside `flash` change nothing. Returns the steps taken.
pub fn write(flash: &mut [u8], uf2: &[u8]) -> Vec<Step> {
    let steps = steps(uf2);
    let size = flash.len();
    let range = |addr: u32, len: usize| {
        let at = addr.checked_sub(FLASH_START)? as usize;
        (at + len <= size).then_some(at..at + len)
    };
    for step in &steps {
        match *step {
            Step::Erase { sector, .. } => {
                if let Some(r) = range(sector, SECTOR_SIZE) {
                    flash[r].fill(0xFF);
                }
            }
            Step::Program { block, addr } => {
                if let Some(r) = range(addr, PAGE_SIZE) {
                    let data = &uf2[block * BLOCK_SIZE + 32..][..PAGE_SIZE];
                    for (cell, d) in flash[r].iter_mut().zip(data) {
                        *cell &= d;
                    }
                }
            }
            _ => {}
        }
    }
    steps
}

/// A file the boot ROM writes exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fit {
    /// The 4 KB sectors it writes, each whole.
    pub sectors: usize,
    /// Its blocks.
    pub blocks: usize,
}

/// Why the boot ROM will not write a file exactly: the first block that
/// breaks the rule. Pages that would not land as the file says are reported
/// before sectors the file gives only in part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleViolation {
    /// The file's length is not a whole number of blocks.
    NotWholeBlocks(usize),
    /// The ROM passes over a block meant for the flash.
    Ignored {
        /// The block.
        block: usize,
        /// Why.
        why: Ignored,
    },
    /// A block announces another block count than the blocks before it: the
    /// ROM starts a new transfer, forgetting which groups it erased.
    Restarted {
        /// The block.
        block: usize,
        /// The count it announces.
        num_blocks: u32,
    },
    /// A block targets flash beyond the 2 MB.
    OutsideFlash {
        /// The block.
        block: usize,
        /// Its target.
        addr: u32,
    },
    /// A page is programmed into a sector not erased before it.
    NotErased {
        /// The block.
        block: usize,
        /// Its block number.
        block_no: u32,
        /// Its target.
        addr: u32,
        /// Its group.
        group: u32,
        /// Where that group's erase went.
        group_erased: u32,
        /// The block that erases the sector later (wiping this page), if any.
        later: Option<usize>,
    },
    /// A second erase of a sector wipes a page written into it before.
    Wiped {
        /// The erasing block.
        block: usize,
        /// Its group.
        group: u32,
        /// The sector.
        sector: u32,
        /// The block whose page is lost.
        lost: usize,
    },
    /// A page is programmed twice: it holds the AND of both.
    Rewritten {
        /// The second block.
        block: usize,
        /// The page.
        addr: u32,
        /// The first block.
        first: usize,
    },
    /// A sector is written only in part: the pages the file does not give are
    /// erased (or stale, where the erase went elsewhere), not what it says.
    Partial {
        /// The first block written into the sector.
        block: usize,
        /// The sector.
        sector: u32,
        /// How many of its 16 pages the file gives.
        pages: usize,
    },
    /// Fewer blocks than announced: the ROM waits for the rest and never
    /// restarts the board.
    Incomplete {
        /// Blocks written.
        written: usize,
        /// Blocks announced.
        num_blocks: u32,
    },
    /// No block is written to the flash.
    Nothing,
}

impl RuleViolation {
    /// The first block that breaks the rule, when one does.
    pub fn block(&self) -> Option<usize> {
        match *self {
            RuleViolation::Ignored { block, .. }
            | RuleViolation::Restarted { block, .. }
            | RuleViolation::OutsideFlash { block, .. }
            | RuleViolation::NotErased { block, .. }
            | RuleViolation::Wiped { block, .. }
            | RuleViolation::Rewritten { block, .. }
            | RuleViolation::Partial { block, .. } => Some(block),
            RuleViolation::NotWholeBlocks(_) | RuleViolation::Incomplete { .. } | RuleViolation::Nothing => None,
        }
    }
}

impl fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RuleViolation::NotWholeBlocks(n) => write!(f, "the file is {n} bytes, not a whole number of 512-byte blocks"),
            RuleViolation::Ignored { block, why } => write!(f, "block {block} is passed over: {why}"),
            RuleViolation::Restarted { block, num_blocks } => write!(
                f,
                "block {block} announces {num_blocks} blocks, unlike the blocks before it: the ROM starts the transfer again"
            ),
            RuleViolation::OutsideFlash { block, addr } => {
                write!(f, "block {block} ({addr:#010x}) is beyond the 2 MB flash ({FLASH_START:#010x}..{FLASH_END:#010x})")
            }
            RuleViolation::NotErased { block, block_no, addr, group, group_erased, later } => {
                let sector = addr & !(SECTOR_SIZE as u32 - 1);
                write!(
                    f,
                    "block {block_no} ({addr:#010x}) is in block group {group}, whose erase went to sector \
                     {group_erased:#010x}: sector {sector:#010x} is "
                )?;
                match later {
                    None => write!(f, "never erased")?,
                    Some(k) => write!(f, "erased only later, by block {k}, which wipes the page")?,
                }
                if block_no as usize != block {
                    write!(f, " (block {block_no} is the file's block {block})")?;
                }
                Ok(())
            }
            RuleViolation::Wiped { block, group, sector, lost } => write!(
                f,
                "block {block}, the first of block group {group}, erases sector {sector:#010x} again: \
                 the page block {lost} wrote there is lost"
            ),
            RuleViolation::Rewritten { block, addr, first } => write!(
                f,
                "block {block} programs page {addr:#010x} again (block {first} did): programming only clears bits, \
                 so it holds the AND of both"
            ),
            RuleViolation::Partial { block, sector, pages } => write!(
                f,
                "sector {sector:#010x} is only partly written: {pages} of its {PAGES_PER_SECTOR} pages (from block {block})"
            ),
            RuleViolation::Incomplete { written, num_blocks } => write!(
                f,
                "the ROM writes {written} of the {num_blocks} blocks the file announces, then waits for the rest \
                 and never restarts the board"
            ),
            RuleViolation::Nothing => write!(f, "no block of the file is for the RP2040's flash"),
        }
    }
}

const SECTORS: usize = (FLASH_END - FLASH_START) as usize / SECTOR_SIZE;

/// Whether the boot ROM writes `uf2` exactly: every sector it touches ends up
/// holding what the file says, whatever the flash held before (the file gives
/// the whole sector, the sector is erased before its first page is programmed
/// and not after, no page is programmed twice); no page meant for the flash
/// is passed over; the transfer completes, so the board restarts. Otherwise,
/// the first block that breaks this, and why.
///
/// ```
/// use baton_uf2::{boot_rom, uf2};
/// let mut image = uf2::Image::new();
/// image.write(0x1000_0000, &[1; 300], 0).unwrap();
/// image.clear_config();
/// let fit = boot_rom::check(&image.to_uf2(uf2::RP2040_FAMILY_ID)).unwrap();
/// assert_eq!((fit.sectors, fit.blocks), (2, 32));
/// ```
pub fn check(uf2: &[u8]) -> Result<Fit, RuleViolation> {
    if uf2.len() % BLOCK_SIZE != 0 {
        return Err(RuleViolation::NotWholeBlocks(uf2.len()));
    }
    let steps = steps(uf2);
    // The flash as the steps leave it: which sectors were ever erased, and
    // which block programmed each page since its sector's last erase.
    let mut erased = vec![false; SECTORS];
    let mut page_by: Vec<Option<usize>> = vec![None; SECTORS * PAGES_PER_SECTOR];
    // This transfer's groups and where their erase went.
    let mut group_erase: Vec<(u32, u32)> = Vec::new();
    let mut started = false;
    let mut num_blocks = 0;
    let mut written = 0;
    let mut restarted = false;
    let index = |addr: u32| (addr - FLASH_START) as usize / PAGE_SIZE;
    for (i, step) in steps.iter().enumerate() {
        match *step {
            Step::Start { block, num_blocks: n } => {
                if started {
                    return Err(RuleViolation::Restarted { block, num_blocks: n });
                }
                (started, num_blocks) = (true, n);
                group_erase.clear();
            }
            Step::Ignore { block, why } if !why.is_intended() => return Err(RuleViolation::Ignored { block, why }),
            Step::Ignore { .. } => {}
            Step::Erase { block, group, sector } => {
                if sector >= FLASH_END {
                    return Err(RuleViolation::OutsideFlash { block, addr: sector });
                }
                let first = index(sector);
                if let Some(lost) = page_by[first..first + PAGES_PER_SECTOR].iter().flatten().min() {
                    return Err(RuleViolation::Wiped { block, group, sector, lost: *lost });
                }
                erased[first / PAGES_PER_SECTOR] = true;
                group_erase.push((group, sector));
            }
            Step::Program { block, addr } => {
                if addr >= FLASH_END {
                    return Err(RuleViolation::OutsideFlash { block, addr });
                }
                let page = index(addr);
                if !erased[page / PAGES_PER_SECTOR] {
                    let block_no = word(&uf2[block * BLOCK_SIZE..], 20);
                    let group = block_no / PAGES_PER_SECTOR as u32;
                    let group_erased = group_erase.iter().find(|(g, _)| *g == group).map_or(0, |(_, s)| *s);
                    let sector = addr & !(SECTOR_SIZE as u32 - 1);
                    let later = steps[i..].iter().find_map(|s| match *s {
                        Step::Erase { block, sector: s, .. } if s == sector => Some(block),
                        _ => None,
                    });
                    return Err(RuleViolation::NotErased { block, block_no, addr, group, group_erased, later });
                }
                if let Some(first) = page_by[page] {
                    return Err(RuleViolation::Rewritten { block, addr, first });
                }
                page_by[page] = Some(block);
                written += 1;
            }
            Step::Restart { .. } => restarted = true,
        }
    }
    let mut sectors = 0;
    let mut first_partial: Option<RuleViolation> = None;
    for (s, pages) in page_by.chunks_exact(PAGES_PER_SECTOR).enumerate() {
        let given = pages.iter().flatten().count();
        if given == 0 {
            continue;
        }
        sectors += 1;
        let block = *pages.iter().flatten().min().unwrap_or(&0);
        if given < PAGES_PER_SECTOR && first_partial.is_none_or(|p| p.block() > Some(block)) {
            let sector = FLASH_START + (s * SECTOR_SIZE) as u32;
            first_partial = Some(RuleViolation::Partial { block, sector, pages: given });
        }
    }
    if let Some(p) = first_partial {
        return Err(p);
    }
    if written == 0 {
        return Err(RuleViolation::Nothing);
    }
    if !restarted {
        return Err(RuleViolation::Incomplete { written, num_blocks });
    }
    Ok(Fit { sectors, blocks: uf2.len() / BLOCK_SIZE })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, CONFIG_ADDR, CONFIG_SIZE};
    use crate::uf2::{Image, FLAG_FAMILY_ID_PRESENT};
    use alloc::string::ToString;

    const FLASH_SIZE: usize = (FLASH_END - FLASH_START) as usize;

    /// Marsaglia's xorshift64, fixed seeds: "old bytes" in flash and programs.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn bytes(&mut self, n: usize) -> Vec<u8> {
            (0..n).map(|_| self.next() as u8).collect()
        }
    }

    /// Flash as a board has it after years of use: nothing erased.
    fn used_flash() -> Vec<u8> {
        XorShift(0x9E37_79B9_7F4A_7C15).bytes(FLASH_SIZE)
    }

    /// How the configuration sector is left by an image.
    #[derive(Clone, Copy, Debug)]
    enum Config<'a> {
        /// The image has no page there.
        Absent,
        /// `Image::clear_config`.
        Cleared,
        /// A block for this demo.
        Demo(&'a str),
    }

    /// A program of `pages` pseudo-random pages from the flash's start, with `config`.
    fn image(pages: usize, seed: u64, config: Config) -> Image {
        let mut image = Image::new();
        image.write(FLASH_START, &XorShift(seed).bytes(pages * PAGE_SIZE), 0).unwrap();
        match config {
            Config::Absent => {}
            Config::Cleared => image.clear_config(),
            Config::Demo(demo) => {
                image.set_config(&config::encode(demo, &[("note", &"x".repeat(300))]).unwrap()).unwrap()
            }
        }
        image
    }

    /// One raw block.
    fn block(addr: u32, block_no: u32, num_blocks: u32, family: u32, payload: &[u8; PAGE_SIZE]) -> [u8; BLOCK_SIZE] {
        let mut b = [0u8; BLOCK_SIZE];
        let words = [MAGIC_START0, MAGIC_START1, FLAG_FAMILY_ID_PRESENT, addr, 256, block_no, num_blocks, family];
        for (i, w) in words.iter().enumerate() {
            b[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
        }
        b[32..32 + PAGE_SIZE].copy_from_slice(payload);
        b[508..].copy_from_slice(&MAGIC_END.to_le_bytes());
        b
    }

    /// A file of RP2040 blocks `(addr, block_no)`, announcing `num_blocks`; the
    /// payload of each is its address, repeated.
    fn file(blocks: &[(u32, u32)], num_blocks: u32) -> Vec<u8> {
        let mut out = Vec::new();
        for &(addr, n) in blocks {
            let payload: [u8; PAGE_SIZE] = core::array::from_fn(|i| addr.to_le_bytes()[i % 4]);
            out.extend_from_slice(&block(addr, n, num_blocks, RP2040_FAMILY_ID, &payload));
        }
        out
    }

    /// The layout `Image::to_uf2` wrote before: one block per page, numbered
    /// one after another across the gap to the configuration sector.
    fn old_layout(image: &Image) -> Vec<u8> {
        let n = image.len() as u32;
        let mut out = Vec::new();
        for (i, (addr, page)) in image.pages().enumerate() {
            out.extend_from_slice(&block(addr, i as u32, n, RP2040_FAMILY_ID, page));
        }
        out
    }

    /// Flashes `file` onto `flash`; asserts that every sector `image` writes
    /// reads back as `image` says, that the flash's other sectors keep their
    /// bytes, and that the configuration sector is the file's.
    fn assert_flashes_exactly(flash: &mut [u8], file: &[u8], image: &Image) {
        let before = flash.to_vec();
        write(flash, file);
        let from_file = Image::from_uf2(file).unwrap();
        let sectors: Vec<u32> = image.sectors().collect();
        for (i, sector) in flash.chunks_exact(SECTOR_SIZE).enumerate() {
            let addr = FLASH_START + (i * SECTOR_SIZE) as u32;
            if sectors.contains(&addr) {
                assert!(sector == image.read(addr, SECTOR_SIZE), "sector {addr:#010x} is not the image's");
                assert!(sector == from_file.read(addr, SECTOR_SIZE), "sector {addr:#010x} is not the file's");
            } else {
                assert!(sector == &before[i * SECTOR_SIZE..][..SECTOR_SIZE], "sector {addr:#010x} changed");
            }
        }
        let config = &flash[(CONFIG_ADDR - FLASH_START) as usize..][..CONFIG_SIZE];
        if sectors.contains(&CONFIG_ADDR) {
            assert!(config == from_file.config_bytes(), "the configuration sector is not the file's");
        }
    }

    #[test]
    fn every_program_length_flashes_exactly_over_old_bytes() {
        let used = used_flash();
        for base in [0, 16, 160, 496] {
            for extra in 0..16 {
                let pages = (base + extra).max(1);
                for config in [Config::Absent, Config::Cleared, Config::Demo("blink-two")] {
                    let image = image(pages, pages as u64 + 1, config);
                    let file = image.to_uf2(RP2040_FAMILY_ID);
                    let fit = check(&file).unwrap_or_else(|v| panic!("{pages} pages, {config:?}: {v}"));
                    assert_eq!(fit.sectors, image.sectors().count());
                    assert_eq!(fit.blocks * BLOCK_SIZE, file.len());
                    assert_eq!(fit.sectors * PAGES_PER_SECTOR, fit.blocks);
                    let mut flash = used.clone();
                    assert_flashes_exactly(&mut flash, &file, &image);
                }
            }
        }
    }

    #[test]
    fn one_file_after_another_leaves_the_last_one() {
        let a = image(497, 1, Config::Demo("blink-two"));
        let b = image(300, 2, Config::Demo("rainbow"));
        let cleared = image(496, 3, Config::Cleared);
        let (fa, fb, fc) = (a.to_uf2(RP2040_FAMILY_ID), b.to_uf2(RP2040_FAMILY_ID), cleared.to_uf2(RP2040_FAMILY_ID));
        let demo = |flash: &[u8]| {
            let bytes = &flash[(CONFIG_ADDR - FLASH_START) as usize..][..CONFIG_SIZE];
            config::decode(bytes).map(|c| c.demo().to_string())
        };
        for sequence in [[&fa, &fb], [&fa, &fa], [&fb, &fa], [&fa, &fc], [&fc, &fb]] {
            let mut flash = used_flash();
            for (i, f) in sequence.iter().enumerate() {
                let image = Image::from_uf2(f).unwrap();
                assert_flashes_exactly(&mut flash, f, &image);
                let want = config::decode(&image.config_bytes()).map(|c| c.demo().to_string());
                assert_eq!(demo(&flash), want, "file {i} of the sequence");
            }
        }
        let mut flash = used_flash();
        write(&mut flash, &fa);
        write(&mut flash, &fc);
        assert_eq!(demo(&flash), Err(config::DecodeError::Erased));
    }

    #[test]
    fn the_old_numbering_leaves_the_configuration_sector_unerased() {
        // The QT Py's default UF2: 497 program pages, so the configuration
        // page was block 497, in group 31 with the program's last page.
        let qtpy = image(497, 7, Config::Cleared);
        let old = old_layout(&qtpy);
        let v = check(&old).unwrap_err();
        assert_eq!(
            v,
            RuleViolation::NotErased {
                block: 497,
                block_no: 497,
                addr: CONFIG_ADDR,
                group: 31,
                group_erased: 0x1001_F000,
                later: None
            }
        );
        assert_eq!(
            v.to_string(),
            "block 497 (0x101ff000) is in block group 31, whose erase went to sector 0x1001f000: \
             sector 0x101ff000 is never erased"
        );
        // And so it is, on flash with a block left in it by an earlier file.
        let mut flash = used_flash();
        write(&mut flash, &image(300, 8, Config::Demo("rainbow")).to_uf2(RP2040_FAMILY_ID));
        write(&mut flash, &old);
        let config = &flash[(CONFIG_ADDR - FLASH_START) as usize..][..CONFIG_SIZE];
        assert!(config != [0xFF; CONFIG_SIZE], "the old block survives");
        // Its last program sector is not given whole either; the same image,
        // as written now, flashes exactly.
        let new = qtpy.to_uf2(RP2040_FAMILY_ID);
        assert_eq!(check(&new), Ok(Fit { sectors: 33, blocks: 528 }));
        // Every length the old way: a configuration page not at a group's start is never erased.
        for pages in 1..40 {
            let old = old_layout(&image(pages, 9, Config::Cleared));
            let v = check(&old).unwrap_err();
            if pages % 16 == 0 {
                assert_eq!(v, RuleViolation::Partial { block: pages, sector: CONFIG_ADDR, pages: 1 });
            } else {
                assert!(matches!(v, RuleViolation::NotErased { addr: CONFIG_ADDR, later: None, .. }), "{pages}: {v}");
            }
        }
    }

    #[test]
    fn a_sector_given_in_part_is_reported() {
        let pages: Vec<(u32, u32)> = (0..4).map(|i| (0x101F_0000 + 256 * i, i)).collect();
        let v = check(&file(&pages, 4)).unwrap_err();
        assert_eq!(v, RuleViolation::Partial { block: 0, sector: 0x101F_0000, pages: 4 });
        assert_eq!(v.to_string(), "sector 0x101f0000 is only partly written: 4 of its 16 pages (from block 0)");
        // The same pages with the rest of the sector: whole.
        let whole: Vec<(u32, u32)> = (0..16).map(|i| (0x101F_0000 + 256 * i, i)).collect();
        assert_eq!(check(&file(&whole, 16)), Ok(Fit { sectors: 1, blocks: 16 }));
    }

    /// Two whole sectors, `lo` and `hi`, as `(addr, block_no)`.
    fn two_sectors(lo: u32, hi: u32) -> Vec<(u32, u32)> {
        let mut blocks: Vec<(u32, u32)> = (0..16).map(|i| (lo + 256 * i, i)).collect();
        blocks.extend((0..16).map(|i| (hi + 256 * i, 16 + i)));
        blocks
    }

    #[test]
    fn files_made_elsewhere_are_judged_by_what_the_rom_does() {
        // Sectors in reverse address order, each numbered as one group: fine.
        let reversed = two_sectors(0x1000_1000, 0x1000_0000);
        assert_eq!(check(&file(&reversed, 32)), Ok(Fit { sectors: 2, blocks: 32 }));
        // Blocks for another chip in between (a file for two families), numbered their own way: passed over.
        let mut mixed = file(&reversed[..16], 32);
        mixed.extend_from_slice(&block(0x1000_0000, 0, 1, 0xE48B_FF59, &[0; PAGE_SIZE]));
        mixed.extend_from_slice(&file(&reversed[16..], 32));
        assert_eq!(check(&mixed), Ok(Fit { sectors: 2, blocks: 33 }));
        // The same sector twice: the second group's erase wipes the first's pages.
        let twice = two_sectors(0x1000_0000, 0x1000_0000);
        assert_eq!(
            check(&file(&twice, 32)),
            Err(RuleViolation::Wiped { block: 16, group: 1, sector: 0x1000_0000, lost: 0 })
        );
        // One page twice within a group: programmed twice, the AND of both.
        let mut again = two_sectors(0x1000_0000, 0x1000_1000);
        again[3].0 = again[2].0;
        assert_eq!(check(&file(&again, 32)), Err(RuleViolation::Rewritten { block: 3, addr: 0x1000_0200, first: 2 }));
        // Groups shifted by 8 blocks: group 1's first block erases the sector
        // half written by group 0.
        let shifted: Vec<(u32, u32)> = (0..32).map(|i| (0x1000_0000 + 256 * i, i + 8)).collect();
        assert_eq!(
            check(&file(&shifted, 40)),
            Err(RuleViolation::Wiped { block: 8, group: 1, sector: 0x1000_0000, lost: 0 })
        );
        // A page programmed into the second sector while group 0 erased the
        // first: group 1's erase of the second sector comes after, and wipes it.
        let mut late = two_sectors(0x1000_0000, 0x1000_1000);
        late[1].0 = 0x1000_1100;
        let v = check(&file(&late, 32)).unwrap_err();
        assert_eq!(
            v,
            RuleViolation::NotErased {
                block: 1,
                block_no: 1,
                addr: 0x1000_1100,
                group: 0,
                group_erased: 0x1000_0000,
                later: Some(16)
            }
        );
        assert!(v.to_string().ends_with("sector 0x10001000 is erased only later, by block 16, which wipes the page"));
        // A repeated block number: passed over.
        let mut dup = two_sectors(0x1000_0000, 0x1000_1000);
        dup[5].1 = 4;
        assert_eq!(check(&file(&dup, 32)), Err(RuleViolation::Ignored { block: 5, why: Ignored::Duplicate(4) }));
        // Fewer blocks than announced: the board never restarts.
        let short = two_sectors(0x1000_0000, 0x1000_1000);
        assert_eq!(check(&file(&short, 48)), Err(RuleViolation::Incomplete { written: 32, num_blocks: 48 }));
        // A block announcing another count starts the transfer over.
        let mut f = file(&short, 32);
        f[16 * BLOCK_SIZE + 24] = 33;
        assert_eq!(check(&f), Err(RuleViolation::Restarted { block: 16, num_blocks: 33 }));
        // Beyond the 2 MB flash, and not a whole number of blocks.
        let beyond = two_sectors(0x1000_0000, FLASH_END);
        assert_eq!(check(&file(&beyond, 32)), Err(RuleViolation::OutsideFlash { block: 16, addr: FLASH_END }));
        assert_eq!(check(&f[..100]), Err(RuleViolation::NotWholeBlocks(100)));
        assert_eq!(check(&[]), Err(RuleViolation::Nothing));
    }

    #[test]
    fn the_model_erases_one_sector_per_group_and_programs_by_and() {
        const OLD: u8 = 0b0011_1100;
        const DATA: u8 = 0b0000_1111;
        let mut flash = alloc::vec![OLD; 3 * SECTOR_SIZE];
        // Group 0 spans two sectors: its first block erases only the first.
        let mut f = Vec::new();
        for i in 0..16 {
            f.extend_from_slice(&block(0x1000_0800 + 256 * i, i, 16, RP2040_FAMILY_ID, &[DATA; PAGE_SIZE]));
        }
        let steps = write(&mut flash, &f);
        assert_eq!(steps[0], Step::Start { block: 0, num_blocks: 16 });
        assert_eq!(steps[1], Step::Erase { block: 0, group: 0, sector: 0x1000_0000 });
        assert_eq!(steps[2], Step::Program { block: 0, addr: 0x1000_0800 });
        assert_eq!(steps.last(), Some(&Step::Restart { block: 15 }));
        assert_eq!(steps.iter().filter(|s| matches!(s, Step::Erase { .. })).count(), 1);
        // First sector: erased; the file's upper half programmed in.
        assert!(flash[..0x800].iter().all(|&b| b == 0xFF));
        assert!(flash[0x800..0x1000].iter().all(|&b| b == DATA));
        // Second: programmed over the old bytes, ANDed with them.
        assert!(flash[0x1000..0x1800].iter().all(|&b| b == OLD & DATA));
        assert!(flash[0x1800..0x2000].iter().all(|&b| b == OLD));
        // Third: untouched.
        assert!(flash[0x2000..].iter().all(|&b| b == OLD));
    }
}
