//! Just enough of ELF to turn firmware into UF2: the loadable segments (by
//! physical — load — address) and the section sizes for the size report.
//!
//! Only 32-bit little-endian files are read (what `thumbv6m-none-eabi`
//! produces); anything else is a clear error, never a panic.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// `PT_LOAD`: a segment that is loaded into memory.
pub const PT_LOAD: u32 = 1;
/// `SHF_ALLOC`: a section that occupies memory at run time.
pub const SHF_ALLOC: u32 = 0x2;
/// `SHT_NOBITS`: a section with no bytes in the file (`.bss`).
pub const SHT_NOBITS: u32 = 8;

/// A problem with the ELF file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElfError {
    /// Not an ELF file.
    NotElf,
    /// An ELF file, but not 32-bit little-endian.
    Unsupported(&'static str),
    /// A header or segment points outside the file.
    Truncated(&'static str),
}

impl fmt::Display for ElfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ElfError::NotElf => f.write_str("not an ELF file"),
            ElfError::Unsupported(what) => write!(f, "unsupported ELF file: {what}"),
            ElfError::Truncated(what) => write!(f, "truncated ELF file: {what} is outside the file"),
        }
    }
}

/// A loadable segment's bytes and where they go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment<'a> {
    /// The physical (load) address: in flash for code and `.data`'s initial values.
    pub paddr: u32,
    /// The virtual (run) address.
    pub vaddr: u32,
    /// The bytes in the file (`p_filesz` of them).
    pub data: &'a [u8],
    /// The size in memory (`p_memsz`; larger than `data` for `.bss`).
    pub mem_size: u32,
}

/// A section's name, address and size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The name (`.text`, `.bss`, …).
    pub name: String,
    /// `sh_type`.
    pub kind: u32,
    /// `sh_flags`.
    pub flags: u32,
    /// The run address.
    pub addr: u32,
    /// The size in bytes.
    pub size: u32,
}

impl Section {
    /// Whether the section takes memory at run time.
    pub fn is_alloc(&self) -> bool {
        self.flags & SHF_ALLOC != 0
    }
}

/// A parsed ELF32 little-endian file.
#[derive(Debug)]
pub struct Elf<'a> {
    bytes: &'a [u8],
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl<'a> Elf<'a> {
    /// Checks the identification bytes.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ElfError> {
        if bytes.len() < 52 || bytes[0..4] != *b"\x7fELF" {
            return Err(ElfError::NotElf);
        }
        if bytes[4] != 1 {
            return Err(ElfError::Unsupported("not 32-bit"));
        }
        if bytes[5] != 1 {
            return Err(ElfError::Unsupported("not little-endian"));
        }
        Ok(Elf { bytes })
    }

    fn header(&self, at: usize) -> u32 {
        // parse() checked that the 52-byte header is there.
        u32_at(self.bytes, at).unwrap_or(0)
    }

    /// `e_machine` (40 is ARM).
    pub fn machine(&self) -> u16 {
        u16_at(self.bytes, 18).unwrap_or(0)
    }

    /// The entry point.
    pub fn entry(&self) -> u32 {
        self.header(24)
    }

    /// Every `PT_LOAD` segment, in file order, with its file bytes.
    pub fn load_segments(&self) -> Result<Vec<Segment<'a>>, ElfError> {
        let phoff = self.header(28) as usize;
        let phentsize = usize::from(u16_at(self.bytes, 42).unwrap_or(0));
        let phnum = usize::from(u16_at(self.bytes, 44).unwrap_or(0));
        if phnum > 0 && phentsize < 32 {
            return Err(ElfError::Unsupported("program header entries are too small"));
        }
        let mut out = Vec::new();
        for i in 0..phnum {
            let at = phoff + i * phentsize;
            let ph = self.bytes.get(at..at + 32).ok_or(ElfError::Truncated("a program header"))?;
            let field = |n: usize| u32_at(ph, n * 4).unwrap_or(0);
            if field(0) != PT_LOAD {
                continue;
            }
            let (offset, vaddr, paddr, filesz, memsz) = (field(1), field(2), field(3), field(4), field(5));
            let start = offset as usize;
            let data = self
                .bytes
                .get(start..start.checked_add(filesz as usize).ok_or(ElfError::Truncated("a segment"))?)
                .ok_or(ElfError::Truncated("a segment"))?;
            out.push(Segment { paddr, vaddr, data, mem_size: memsz });
        }
        Ok(out)
    }

    /// Every section with its name.
    pub fn sections(&self) -> Result<Vec<Section>, ElfError> {
        let shoff = self.header(32) as usize;
        let shentsize = usize::from(u16_at(self.bytes, 46).unwrap_or(0));
        let shnum = usize::from(u16_at(self.bytes, 48).unwrap_or(0));
        let shstrndx = usize::from(u16_at(self.bytes, 50).unwrap_or(0));
        if shnum == 0 {
            return Ok(Vec::new());
        }
        if shentsize < 40 {
            return Err(ElfError::Unsupported("section header entries are too small"));
        }
        let header = |i: usize| -> Result<&[u8], ElfError> {
            let at = shoff + i * shentsize;
            self.bytes.get(at..at + 40).ok_or(ElfError::Truncated("a section header"))
        };
        let strtab = header(shstrndx)?;
        let str_off = u32_at(strtab, 16).unwrap_or(0) as usize;
        let str_size = u32_at(strtab, 20).unwrap_or(0) as usize;
        let names = self.bytes.get(str_off..str_off + str_size).ok_or(ElfError::Truncated("the section names"))?;
        let mut out = Vec::new();
        for i in 0..shnum {
            let sh = header(i)?;
            let field = |n: usize| u32_at(sh, n * 4).unwrap_or(0);
            let name_at = field(0) as usize;
            let name = names.get(name_at..).unwrap_or(&[]);
            let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
            out.push(Section {
                name: String::from_utf8_lossy(&name[..end]).into_owned(),
                kind: field(1),
                flags: field(2),
                addr: field(3),
                size: field(5),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal ELF32 LE file with the given `(paddr, vaddr, data, memsz)`
    /// segments and no sections.
    pub(crate) fn tiny_elf(segments: &[(u32, u32, &[u8], u32)]) -> Vec<u8> {
        let phoff = 52usize;
        let data_start = phoff + 32 * segments.len();
        let mut out = alloc::vec![0u8; data_start];
        out[0..4].copy_from_slice(b"\x7fELF");
        out[4] = 1; // 32-bit
        out[5] = 1; // little-endian
        out[6] = 1;
        out[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        out[18..20].copy_from_slice(&40u16.to_le_bytes()); // ARM
        out[28..32].copy_from_slice(&(phoff as u32).to_le_bytes());
        out[40..42].copy_from_slice(&52u16.to_le_bytes());
        out[42..44].copy_from_slice(&32u16.to_le_bytes());
        out[44..46].copy_from_slice(&(segments.len() as u16).to_le_bytes());
        for (i, (paddr, vaddr, data, memsz)) in segments.iter().enumerate() {
            let offset = out.len() as u32;
            out.extend_from_slice(data);
            let ph = phoff + 32 * i;
            let fields = [PT_LOAD, offset, *vaddr, *paddr, data.len() as u32, *memsz, 5, 4];
            for (n, f) in fields.iter().enumerate() {
                out[ph + 4 * n..ph + 4 * n + 4].copy_from_slice(&f.to_le_bytes());
            }
        }
        out
    }

    #[test]
    fn reads_segments() {
        let elf = tiny_elf(&[(0x1000_0000, 0x1000_0000, &[1, 2, 3], 3), (0x1000_0100, 0x2000_0000, &[9; 8], 16)]);
        let e = Elf::parse(&elf).unwrap();
        assert_eq!(e.machine(), 40);
        let s = e.load_segments().unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].paddr, 0x1000_0000);
        assert_eq!(s[0].data, &[1, 2, 3]);
        assert_eq!(s[1].vaddr, 0x2000_0000);
        assert_eq!(s[1].mem_size, 16);
        assert!(e.sections().unwrap().is_empty());
    }

    #[test]
    fn rejects_bad_files() {
        assert_eq!(Elf::parse(b"hello").unwrap_err(), ElfError::NotElf);
        let mut elf = tiny_elf(&[]);
        elf[4] = 2;
        assert_eq!(Elf::parse(&elf).unwrap_err(), ElfError::Unsupported("not 32-bit"));
        let mut elf = tiny_elf(&[(0, 0, &[1, 2, 3, 4], 4)]);
        elf.truncate(elf.len() - 2);
        assert_eq!(Elf::parse(&elf).unwrap().load_segments().unwrap_err(), ElfError::Truncated("a segment"));
    }
}
