//! UF2, the file format an RP2040 in BOOTSEL mode accepts on its `RPI-RP2`
//! drive: 512-byte blocks, each carrying 256 bytes for one flash address.
//!
//! ```text
//! offset  size  field
//!      0     4  magic 0x0A324655 ("UF2\n")
//!      4     4  magic 0x9E5D5157
//!      8     4  flags (0x2000: the family id field is present)
//!     12     4  target address
//!     16     4  payload size (256)
//!     20     4  block number (from 0)
//!     24     4  total number of blocks
//!     28     4  family id (RP2040: 0xE48BFF56)
//!     32   476  data (the payload, then zeros)
//!    508     4  magic 0x0AB16F30
//! ```
//!
//! An [`Image`] is a sparse map of 256-byte flash pages; it is built from
//! an ELF file's loadable segments or read back from a UF2 file, and its
//! configuration sector can be replaced — which is how a prebuilt UF2 is
//! given another demo without rebuilding (the playground does this in the
//! browser).
//!
//! Every UF2 file made here — by `cargo xtask firmware`, `baton-uf2 patch`
//! and the playground's "Download firmware" — comes from [`Image::to_uf2`],
//! which writes each 4 KB sector the image touches whole, so that the
//! RP2040's boot ROM erases every one of them (see [`crate::boot_rom`]).

use crate::config::{CONFIG_ADDR, CONFIG_SIZE};
use crate::elf::{Elf, ElfError};
use alloc::vec::Vec;
use core::fmt;
use litemap::LiteMap;

/// First magic number.
pub const MAGIC_START0: u32 = 0x0A32_4655;
/// Second magic number.
pub const MAGIC_START1: u32 = 0x9E5D_5157;
/// Final magic number.
pub const MAGIC_END: u32 = 0x0AB1_6F30;
/// Flag: the word at offset 28 is a family id.
pub const FLAG_FAMILY_ID_PRESENT: u32 = 0x0000_2000;
/// Flag: not for the main flash (comments, other files); such blocks are skipped.
pub const FLAG_NOT_MAIN_FLASH: u32 = 0x0000_0001;
/// The RP2040's family id.
pub const RP2040_FAMILY_ID: u32 = 0xE48B_FF56;
/// Bytes of payload per block (one flash page).
pub const PAGE_SIZE: usize = 256;
/// Bytes per block.
pub const BLOCK_SIZE: usize = 512;
/// The start of the RP2040's XIP flash window.
pub const FLASH_START: u32 = 0x1000_0000;
/// The end of a 2 MB flash.
pub const FLASH_END: u32 = 0x1020_0000;
/// Bytes per flash sector, the unit the flash erases (to `0xFF`).
pub const SECTOR_SIZE: usize = 4096;
/// Pages (and so UF2 blocks) per sector.
pub const PAGES_PER_SECTOR: usize = SECTOR_SIZE / PAGE_SIZE;
/// A page as erased flash holds it.
const ERASED_PAGE: [u8; PAGE_SIZE] = [0xFF; PAGE_SIZE];

/// A problem building or reading a UF2 image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Uf2Error {
    /// The ELF file could not be read.
    Elf(ElfError),
    /// Bytes would go outside the 2 MB flash.
    OutsideFlash {
        /// The first address.
        addr: u32,
        /// How many bytes.
        len: usize,
    },
    /// The program reaches into the configuration sector.
    OverlapsConfig {
        /// The program's end address.
        end: u32,
    },
    /// The file's length is not a whole number of blocks (or is zero).
    BadLength(usize),
    /// A block's magic numbers are wrong.
    BadMagic {
        /// The block.
        block: usize,
    },
    /// A block carries something other than 256 bytes at a 256-aligned address.
    BadPayload {
        /// The block.
        block: usize,
    },
    /// Block numbers or counts are inconsistent.
    BadNumbering {
        /// The block.
        block: usize,
    },
    /// A block for another chip family.
    WrongFamily {
        /// The block.
        block: usize,
        /// Its family id.
        family: u32,
    },
    /// The configuration block is larger than its sector.
    ConfigTooLarge(usize),
}

impl fmt::Display for Uf2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Uf2Error::Elf(e) => e.fmt(f),
            Uf2Error::OutsideFlash { addr, len } => {
                write!(f, "{len} bytes at {addr:#010x} are outside the flash ({FLASH_START:#010x}..{FLASH_END:#010x})")
            }
            Uf2Error::OverlapsConfig { end } => write!(
                f,
                "the program ends at {end:#010x}, inside the configuration sector at {CONFIG_ADDR:#010x}: it is too big"
            ),
            Uf2Error::BadLength(n) => {
                write!(f, "a UF2 file is a whole number of 512-byte blocks; this one is {n} bytes")
            }
            Uf2Error::BadMagic { block } => write!(f, "UF2 block {block} has wrong magic numbers"),
            Uf2Error::BadPayload { block } => write!(f, "UF2 block {block} is not a 256-byte page at a page address"),
            Uf2Error::BadNumbering { block } => write!(f, "UF2 block {block} is numbered inconsistently"),
            Uf2Error::WrongFamily { block, family } => {
                write!(f, "UF2 block {block} is for family {family:#010x}, not the RP2040 ({RP2040_FAMILY_ID:#010x})")
            }
            Uf2Error::ConfigTooLarge(n) => write!(f, "the configuration block is {n} bytes; at most {CONFIG_SIZE} fit"),
        }
    }
}

impl From<ElfError> for Uf2Error {
    fn from(e: ElfError) -> Self {
        Uf2Error::Elf(e)
    }
}

/// One decoded UF2 block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Flags.
    pub flags: u32,
    /// Where the payload goes.
    pub target_addr: u32,
    /// The payload (usually 256 bytes).
    pub payload: Vec<u8>,
    /// This block's number.
    pub block_no: u32,
    /// How many blocks the file has.
    pub num_blocks: u32,
    /// The family id (or file size, without [`FLAG_FAMILY_ID_PRESENT`]).
    pub family_id: u32,
}

pub(crate) fn word(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Decodes every block of a UF2 file, checking magic numbers, sizes and
/// numbering (blocks numbered 0..n, each saying n).
pub fn parse_blocks(bytes: &[u8]) -> Result<Vec<Block>, Uf2Error> {
    if bytes.is_empty() || bytes.len() % BLOCK_SIZE != 0 {
        return Err(Uf2Error::BadLength(bytes.len()));
    }
    let count = bytes.len() / BLOCK_SIZE;
    let mut out = Vec::with_capacity(count);
    for (i, b) in bytes.chunks_exact(BLOCK_SIZE).enumerate() {
        if word(b, 0) != MAGIC_START0 || word(b, 4) != MAGIC_START1 || word(b, 508) != MAGIC_END {
            return Err(Uf2Error::BadMagic { block: i });
        }
        let size = word(b, 16) as usize;
        if size > 476 {
            return Err(Uf2Error::BadPayload { block: i });
        }
        let block = Block {
            flags: word(b, 8),
            target_addr: word(b, 12),
            payload: b[32..32 + size].to_vec(),
            block_no: word(b, 20),
            num_blocks: word(b, 24),
            family_id: word(b, 28),
        };
        if block.block_no as usize != i || block.num_blocks as usize != count {
            return Err(Uf2Error::BadNumbering { block: i });
        }
        out.push(block);
    }
    Ok(out)
}

/// The contents of flash, one 256-byte page at a time.
///
/// An image stands for whole 4 KB sectors: the sectors its pages are in, where
/// the pages it lacks read as erased (`0xFF`) — which is what its UF2 file
/// writes there. Read back from a UF2 file (or built from an ELF file), an
/// image keeps only the pages that are not erased, plus one erased page at the
/// start of a sector that holds nothing else (as [`Image::clear_config`]
/// leaves it), so that reading back a file gives the image it was made from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Image {
    pages: LiteMap<u32, [u8; PAGE_SIZE]>,
}

impl Image {
    /// An empty image.
    pub fn new() -> Self {
        Image::default()
    }

    /// Writes `data` at `addr`. Bytes of a page that nothing wrote are `fill`.
    pub fn write(&mut self, addr: u32, data: &[u8], fill: u8) -> Result<(), Uf2Error> {
        let end = u64::from(addr) + data.len() as u64;
        if addr < FLASH_START || end > u64::from(FLASH_END) {
            return Err(Uf2Error::OutsideFlash { addr, len: data.len() });
        }
        let mut at = addr;
        let mut rest = data;
        while !rest.is_empty() {
            let page = at & !(PAGE_SIZE as u32 - 1);
            let offset = (at - page) as usize;
            let n = rest.len().min(PAGE_SIZE - offset);
            let p = self.pages.entry(page).or_insert([fill; PAGE_SIZE]);
            p[offset..offset + n].copy_from_slice(&rest[..n]);
            rest = &rest[n..];
            at += n as u32;
        }
        Ok(())
    }

    /// The image of an ELF file's loadable segments, placed by physical
    /// address (so `.data`'s initial values land in flash, after the code).
    /// Segments with no bytes in the file (`.bss`, the stack) are skipped.
    /// Gaps inside a page are zero, as picotool's `elf2uf2` writes them.
    pub fn from_elf(elf: &[u8]) -> Result<Self, Uf2Error> {
        let elf = Elf::parse(elf)?;
        let mut image = Image::new();
        for seg in elf.load_segments()? {
            if !seg.data.is_empty() {
                image.write(seg.paddr, seg.data, 0)?;
            }
        }
        if let Some((&last, _)) = image.pages.last() {
            if last >= CONFIG_ADDR {
                return Err(Uf2Error::OverlapsConfig { end: last + PAGE_SIZE as u32 });
            }
        }
        image.settle();
        Ok(image)
    }

    /// Reads the pages of a UF2 file (blocks for the RP2040 family, or with no
    /// family; blocks flagged "not main flash" are skipped).
    pub fn from_uf2(bytes: &[u8]) -> Result<Self, Uf2Error> {
        let mut image = Image::new();
        for (i, b) in parse_blocks(bytes)?.into_iter().enumerate() {
            if b.flags & FLAG_NOT_MAIN_FLASH != 0 {
                continue;
            }
            if b.flags & FLAG_FAMILY_ID_PRESENT != 0 && b.family_id != RP2040_FAMILY_ID {
                return Err(Uf2Error::WrongFamily { block: i, family: b.family_id });
            }
            if b.payload.len() != PAGE_SIZE || b.target_addr % PAGE_SIZE as u32 != 0 {
                return Err(Uf2Error::BadPayload { block: i });
            }
            image.write(b.target_addr, &b.payload, 0)?;
        }
        image.settle();
        Ok(image)
    }

    /// Drops erased pages, which the sector they are in reads as anyway,
    /// keeping one at the start of a sector that would be left empty (it
    /// still has to be written, to erase it).
    fn settle(&mut self) {
        let before: Vec<u32> = self.sectors().collect();
        self.pages.retain(|_, p| *p != ERASED_PAGE);
        let after: Vec<u32> = self.sectors().collect();
        for s in before {
            if after.binary_search(&s).is_err() {
                self.pages.insert(s, ERASED_PAGE);
            }
        }
    }

    /// The 4 KB sectors the image writes, by address.
    pub fn sectors(&self) -> impl Iterator<Item = u32> + '_ {
        let mut last = None;
        self.pages.keys().filter_map(move |&a| {
            let s = a & !(SECTOR_SIZE as u32 - 1);
            (last.replace(s) != Some(s)).then_some(s)
        })
    }

    /// The pages, by address.
    pub fn pages(&self) -> impl Iterator<Item = (u32, &[u8; PAGE_SIZE])> {
        self.pages.iter().map(|(a, p)| (*a, p))
    }

    /// How many pages the image holds (its UF2 file has
    /// [`Image::block_count`] blocks: whole sectors).
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// How many blocks its UF2 file has: 16 for each sector it writes.
    pub fn block_count(&self) -> usize {
        self.sectors().count() * PAGES_PER_SECTOR
    }

    /// Whether the image is empty.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// Reads `len` bytes at `addr`; bytes of pages the image lacks read as
    /// `0xFF` (erased flash).
    pub fn read(&self, addr: u32, len: usize) -> Vec<u8> {
        (0..len as u32)
            .map(|i| {
                let a = addr + i;
                let page = a & !(PAGE_SIZE as u32 - 1);
                self.pages.get(&page).map_or(0xFF, |p| p[(a - page) as usize])
            })
            .collect()
    }

    /// The end of the program: one past the last page below the configuration sector.
    pub fn program_end(&self) -> Option<u32> {
        self.pages.keys().rev().find(|&&a| a < CONFIG_ADDR).map(|a| a + PAGE_SIZE as u32)
    }

    /// Replaces the configuration sector's pages with `block` (as made by
    /// [`crate::config::encode`]), padded with `0xFF` to whole pages.
    pub fn set_config(&mut self, block: &[u8]) -> Result<(), Uf2Error> {
        if block.len() > CONFIG_SIZE {
            return Err(Uf2Error::ConfigTooLarge(block.len()));
        }
        self.clear_config_pages();
        let padded = block.len().div_ceil(PAGE_SIZE).max(1) * PAGE_SIZE;
        let mut bytes = block.to_vec();
        bytes.resize(padded, 0xFF);
        self.write(CONFIG_ADDR, &bytes, 0xFF)
    }

    /// Makes the configuration sector read as erased: one `0xFF` page at its
    /// start, so that the UF2 file writes the sector (whole, as it writes
    /// every sector it touches) and flashing it wipes a block left by an
    /// earlier file: the firmware runs its built-in default. Without that
    /// page the file would leave the sector alone, old block and all. The
    /// boot ROM does not erase every sector a file writes into, only one per
    /// group of 16 block numbers; [`Image::to_uf2`]'s layout is what makes
    /// that erase this sector.
    pub fn clear_config(&mut self) {
        self.clear_config_pages();
        self.pages.insert(CONFIG_ADDR, ERASED_PAGE);
    }

    fn clear_config_pages(&mut self) {
        let end = CONFIG_ADDR + CONFIG_SIZE as u32;
        self.pages.retain(|&a, _| !(CONFIG_ADDR..end).contains(&a));
    }

    /// The configuration sector's bytes (`0xFF` where the image has no page).
    pub fn config_bytes(&self) -> Vec<u8> {
        self.read(CONFIG_ADDR, CONFIG_SIZE)
    }

    /// The UF2 file, for `family_id`: every sector the image touches, whole —
    /// 16 blocks, the pages the image lacks written as `0xFF` — in address
    /// order, so that block numbers `16k..16k + 16` are exactly one sector.
    ///
    /// That is what the RP2040's boot ROM needs to write the file exactly: it
    /// erases one sector per group of 16 block numbers, the one the group's
    /// first block targets, and programs the rest without erasing (see
    /// [`crate::boot_rom`]). Numbering the pages one after another instead
    /// leaves any sector whose first page shares a group with the sector
    /// before it unerased: the configuration sector, unless the program
    /// happens to end on a sector boundary. picotool pads the same way.
    pub fn to_uf2(&self, family_id: u32) -> Vec<u8> {
        let n = self.block_count();
        let mut out = Vec::with_capacity(n * BLOCK_SIZE);
        for (s, sector) in self.sectors().enumerate() {
            for k in 0..PAGES_PER_SECTOR {
                let addr = sector + (k * PAGE_SIZE) as u32;
                let page = self.pages.get(&addr).unwrap_or(&ERASED_PAGE);
                let number = (s * PAGES_PER_SECTOR + k) as u32;
                let words = [
                    MAGIC_START0,
                    MAGIC_START1,
                    FLAG_FAMILY_ID_PRESENT,
                    addr,
                    PAGE_SIZE as u32,
                    number,
                    n as u32,
                    family_id,
                ];
                let mut b = [0u8; BLOCK_SIZE];
                for (i, w) in words.iter().enumerate() {
                    b[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
                }
                b[32..32 + PAGE_SIZE].copy_from_slice(page);
                b[508..512].copy_from_slice(&MAGIC_END.to_le_bytes());
                out.extend_from_slice(&b);
            }
        }
        out
    }
}

/// Replaces the configuration block inside a UF2 file (for the RP2040).
///
/// ```
/// use baton_uf2::{config, uf2};
/// let mut image = uf2::Image::new();
/// image.write(0x1000_0000, &[1, 2, 3], 0).unwrap();
/// image.clear_config();
/// let file = image.to_uf2(uf2::RP2040_FAMILY_ID);
/// let block = config::encode("blink-two", &[("interval1", "0.5")]).unwrap();
/// let patched = uf2::patch_config(&file, &block).unwrap();
/// let back = uf2::Image::from_uf2(&patched).unwrap();
/// assert_eq!(config::decode(&back.config_bytes()).unwrap().demo(), "blink-two");
/// ```
pub fn patch_config(uf2: &[u8], block: &[u8]) -> Result<Vec<u8>, Uf2Error> {
    let mut image = Image::from_uf2(uf2)?;
    image.set_config(block)?;
    Ok(image.to_uf2(RP2040_FAMILY_ID))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::tests::tiny_elf;
    use crate::{boot_rom, config};

    fn sample_elf() -> Vec<u8> {
        let boot2: Vec<u8> = (0..=255u8).collect();
        let code: Vec<u8> = (0..600u32).map(|i| (i * 7) as u8).collect();
        // .data: runs in RAM, loaded from flash right after the code.
        let data = [0xAA; 10];
        tiny_elf(&[
            (0x1000_0000, 0x1000_0000, &boot2, 256),
            (0x1000_0100, 0x1000_0100, &code, 600),
            (0x1000_0100 + 600, 0x2000_0000, &data, 10),
            // .bss: nothing in the file.
            (0x2000_0010, 0x2000_0010, &[], 100),
        ])
    }

    #[test]
    fn block_layout_and_magic() {
        let image = Image::from_elf(&sample_elf()).unwrap();
        let file = image.to_uf2(RP2040_FAMILY_ID);
        // boot2 (1 page) + 610 bytes from 0x10000100 (3 pages: 0x100, 0x200,
        // 0x300), in one sector: written whole, 16 blocks.
        assert_eq!(image.len(), 4);
        assert_eq!(file.len(), 16 * BLOCK_SIZE);
        for (i, b) in file.chunks(BLOCK_SIZE).enumerate() {
            assert_eq!(&b[0..4], &[0x55, 0x46, 0x32, 0x0A], "\"UF2\\n\"");
            assert_eq!(word(b, 0), 0x0A32_4655);
            assert_eq!(word(b, 4), 0x9E5D_5157);
            assert_eq!(word(b, 8), 0x2000);
            assert_eq!(word(b, 12), 0x1000_0000 + 256 * i as u32);
            assert_eq!(word(b, 16), 256);
            assert_eq!(word(b, 20), i as u32);
            assert_eq!(word(b, 24), 16);
            assert_eq!(word(b, 28), 0xE48B_FF56);
            assert!(b[32 + 256..508].iter().all(|&x| x == 0));
            assert_eq!(word(b, 508), 0x0AB1_6F30);
            // The pages after the image's are erased flash.
            assert_eq!(b[32..32 + 256].iter().all(|&x| x == 0xFF), i >= 4, "page {i}");
        }
        // Payloads by physical address: boot2, then code, then .data's initial values.
        assert_eq!(file[32], 0);
        assert_eq!(file[32 + 255], 255);
        assert_eq!(file[512 + 32 + 1], 7);
        let back = Image::from_uf2(&file).unwrap();
        assert_eq!(back.read(0x1000_0100 + 600, 10), [0xAA; 10]);
        // The rest of the last page is zero; beyond the image is erased.
        assert_eq!(back.read(0x1000_0100 + 610, 2), [0, 0]);
        assert_eq!(back.read(0x1000_0400, 1), [0xFF]);
        assert_eq!(back, image);
    }

    #[test]
    fn round_trip_parse() {
        let mut image = Image::from_elf(&sample_elf()).unwrap();
        image.set_config(&config::encode("blink-one", &[("count", "3")]).unwrap()).unwrap();
        let file = image.to_uf2(RP2040_FAMILY_ID);
        let blocks = parse_blocks(&file).unwrap();
        // Two sectors, whole: the program's and the configuration's, which
        // starts the second group of 16 block numbers.
        assert_eq!(blocks.len(), 32);
        assert_eq!(blocks[16].target_addr, CONFIG_ADDR);
        assert_eq!(blocks[31].target_addr, CONFIG_ADDR + 15 * 256);
        assert!(blocks.iter().all(|b| b.num_blocks == 32 && b.payload.len() == 256));
        let back = Image::from_uf2(&file).unwrap();
        assert_eq!(back, image);
        assert_eq!(back.to_uf2(RP2040_FAMILY_ID), file);
        let cfg = back.config_bytes();
        let c = config::decode(&cfg).unwrap();
        assert_eq!(c.demo(), "blink-one");
    }

    #[test]
    fn patching_replaces_the_whole_sector() {
        let mut image = Image::from_elf(&sample_elf()).unwrap();
        // A long block (two pages), then a short one: no stale second page.
        let long = "x".repeat(400);
        image.set_config(&config::encode("blink-one", &[("k", &long)]).unwrap()).unwrap();
        assert_eq!(image.len(), 4 + 2);
        let file = image.to_uf2(RP2040_FAMILY_ID);
        let patched = patch_config(&file, &config::encode("rainbow", &[]).unwrap()).unwrap();
        let blocks = parse_blocks(&patched).unwrap();
        assert_eq!(blocks.len(), 32);
        assert_eq!(blocks.last().unwrap().block_no, 31);
        // The second page of the long block is erased, not left over.
        assert_eq!(blocks[17].target_addr, CONFIG_ADDR + 256);
        assert!(blocks[17].payload.iter().all(|&x| x == 0xFF));
        let back = Image::from_uf2(&patched).unwrap();
        assert_eq!(config::decode(&back.config_bytes()).unwrap().demo(), "rainbow");
        // The program is untouched.
        assert_eq!(back.read(FLASH_START, 0x400), image.read(FLASH_START, 0x400));
        // Clearing leaves one erased page, which reads as "no block".
        let mut cleared = back.clone();
        cleared.clear_config();
        assert_eq!(cleared.len(), 5);
        assert_eq!(config::decode(&cleared.config_bytes()), Err(config::DecodeError::Erased));
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(parse_blocks(&[0; 100]), Err(Uf2Error::BadLength(100)));
        assert_eq!(parse_blocks(&[]), Err(Uf2Error::BadLength(0)));
        let mut image = Image::new();
        image.write(FLASH_START, &[1], 0).unwrap();
        image.write(FLASH_START + 256, &[2], 0).unwrap();
        let good = image.to_uf2(RP2040_FAMILY_ID);

        let mut bad = good.clone();
        bad[511] ^= 1;
        assert_eq!(parse_blocks(&bad), Err(Uf2Error::BadMagic { block: 0 }));
        let mut bad = good.clone();
        bad[512 + 20] = 5; // block 1 says it is block 5
        assert_eq!(parse_blocks(&bad), Err(Uf2Error::BadNumbering { block: 1 }));
        let mut bad = good.clone();
        bad[24] = 3; // block 0 says there are 3 blocks
        assert_eq!(parse_blocks(&bad), Err(Uf2Error::BadNumbering { block: 0 }));
        let other = image.to_uf2(0x1234_5678);
        assert_eq!(Image::from_uf2(&other), Err(Uf2Error::WrongFamily { block: 0, family: 0x1234_5678 }));
        let mut bad = good.clone();
        bad[12] = 1; // unaligned target
        assert_eq!(Image::from_uf2(&bad), Err(Uf2Error::BadPayload { block: 0 }));

        assert_eq!(image.write(0x2000_0000, &[1], 0), Err(Uf2Error::OutsideFlash { addr: 0x2000_0000, len: 1 }));
        assert!(image.write(FLASH_END - 1, &[1, 2], 0).is_err());
        assert_eq!(image.set_config(&[0; CONFIG_SIZE + 1]), Err(Uf2Error::ConfigTooLarge(CONFIG_SIZE + 1)));
        // A program that runs into the configuration sector.
        let huge = tiny_elf(&[(CONFIG_ADDR - 16, CONFIG_ADDR - 16, &[0; 32], 32)]);
        assert_eq!(Image::from_elf(&huge), Err(Uf2Error::OverlapsConfig { end: CONFIG_ADDR + 256 }));
        // RAM-only load addresses are not flash.
        let ram = tiny_elf(&[(0x2000_0000, 0x2000_0000, &[1], 1)]);
        assert!(matches!(Image::from_elf(&ram), Err(Uf2Error::OutsideFlash { .. })));
    }

    #[test]
    fn erased_pages_read_back_as_the_sector_they_are_in() {
        let mut image = Image::new();
        // Data, an erased page between data, and an erased page alone in its sector.
        image.write(FLASH_START, &[1; 256], 0).unwrap();
        image.write(FLASH_START + 256, &[0xFF; 256], 0).unwrap();
        image.write(FLASH_START + 512, &[2; 256], 0).unwrap();
        image.write(FLASH_START + 0x1000 + 512, &[0xFF; 256], 0).unwrap();
        assert_eq!(image.len(), 4);
        let file = image.to_uf2(RP2040_FAMILY_ID);
        assert_eq!(file.len(), 32 * BLOCK_SIZE);
        let back = Image::from_uf2(&file).unwrap();
        // The same flash, in the same sectors, from fewer pages: the lone
        // erased page kept (moved to its sector's start) so that its sector is still written.
        assert_eq!(back.read(FLASH_START, 0x2000), image.read(FLASH_START, 0x2000));
        assert_eq!(back.sectors().collect::<Vec<_>>(), [FLASH_START, FLASH_START + 0x1000]);
        assert_eq!(
            back.pages().map(|(a, _)| a).collect::<Vec<_>>(),
            [FLASH_START, FLASH_START + 512, FLASH_START + 0x1000]
        );
        assert_eq!(back.to_uf2(RP2040_FAMILY_ID), file);
        assert_eq!(Image::from_uf2(&file).unwrap(), back);
    }

    #[test]
    fn every_file_made_here_follows_the_boot_roms_rule() {
        // Program lengths around a sector boundary, patched and cleared.
        for pages in [1, 15, 16, 17, 31, 32, 497] {
            let mut image = Image::new();
            image.write(FLASH_START, &alloc::vec![0x5A; pages * PAGE_SIZE], 0).unwrap();
            image.clear_config();
            let file = image.to_uf2(RP2040_FAMILY_ID);
            let sectors = pages.div_ceil(16) + 1;
            assert_eq!(boot_rom::check(&file), Ok(boot_rom::Fit { sectors, blocks: 16 * sectors }));
            let patched = patch_config(&file, &config::encode("rainbow", &[]).unwrap()).unwrap();
            assert_eq!(boot_rom::check(&patched), Ok(boot_rom::Fit { sectors, blocks: 16 * sectors }));
        }
        // patch_config lays out again a file made the old way (one block per page).
        let mut old = Image::new();
        old.write(FLASH_START, &[7; 300], 0).unwrap();
        old.clear_config();
        let mut sequential = Vec::new();
        for (i, (addr, page)) in old.pages().enumerate() {
            let mut b = [0u8; BLOCK_SIZE];
            let words = [MAGIC_START0, MAGIC_START1, FLAG_FAMILY_ID_PRESENT, addr, 256, i as u32, 3, RP2040_FAMILY_ID];
            for (k, w) in words.iter().enumerate() {
                b[4 * k..4 * k + 4].copy_from_slice(&w.to_le_bytes());
            }
            b[32..32 + 256].copy_from_slice(page);
            b[508..].copy_from_slice(&MAGIC_END.to_le_bytes());
            sequential.extend_from_slice(&b);
        }
        assert!(boot_rom::check(&sequential).is_err());
        let patched = patch_config(&sequential, &config::encode("rainbow", &[]).unwrap()).unwrap();
        assert_eq!(boot_rom::check(&patched), Ok(boot_rom::Fit { sectors: 2, blocks: 32 }));
    }

    #[test]
    fn pages_split_across_boundaries() {
        let mut image = Image::new();
        image.write(FLASH_START + 250, &[7; 20], 0).unwrap();
        assert_eq!(image.len(), 2);
        assert_eq!(image.read(FLASH_START + 248, 24)[..2], [0, 0]);
        assert_eq!(image.read(FLASH_START + 250, 20), [7; 20]);
    }
}
