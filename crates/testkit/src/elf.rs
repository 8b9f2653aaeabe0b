//! What an executable needs to run: is it static, is it position-independent,
//! which shared libraries does it load (for images built FROM scratch).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::run::{on_path, stdout_of};

/// The ELF header fields we read, from a 64-bit little-endian file.
struct Header {
    bytes: Vec<u8>,
}

impl Header {
    fn read(path: &Path) -> Result<Header> {
        let bytes =
            std::fs::read(path).map_err(|e| Error::file(path, format!("cannot read: {e}")))?;
        if bytes.get(..6) != Some(b"\x7fELF\x02\x01") {
            return Err(Error::file(path, "is not a 64-bit little-endian ELF file"));
        }
        Ok(Header { bytes })
    }

    /// The little-endian number of `len` bytes at `at`.
    fn field(&self, at: usize, len: usize) -> Option<u64> {
        let bytes = self.bytes.get(at..at.checked_add(len)?)?;
        Some(
            bytes
                .iter()
                .rev()
                .fold(0, |acc, &b| acc << 8 | u64::from(b)),
        )
    }
}

/// Whether the ELF file names a dynamic loader (a PT_INTERP program header):
/// a static executable does not.
pub fn needs_loader(path: &Path) -> Result<bool> {
    let elf = Header::read(path)?;
    let malformed = || Error::file(path, "has malformed ELF headers");
    // e_phoff at 0x20, e_phentsize at 0x36, e_phnum at 0x38; each program
    // header starts with its u32 p_type.
    let phoff = elf.field(0x20, 8).ok_or_else(malformed)? as usize;
    let entsize = elf.field(0x36, 2).ok_or_else(malformed)? as usize;
    let count = elf.field(0x38, 2).ok_or_else(malformed)? as usize;
    const PT_INTERP: u64 = 3;
    Ok((0..count).any(|i| elf.field(phoff + i * entsize, 4) == Some(PT_INTERP)))
}

/// Whether the file is ET_DYN (a PIE or a library) rather than ET_EXEC
/// (fixed addresses): e_type, at offset 16.
pub fn is_position_independent(path: &Path) -> Result<bool> {
    const ET_DYN: u64 = 3;
    let elf = Header::read(path)?;
    Ok(elf.field(16, 2) == Some(ET_DYN))
}

/// The shared libraries and the loader in `ldd`'s output, as absolute paths.
pub fn parse_ldd(text: &str) -> Vec<PathBuf> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or
            // "/lib64/ld-linux-x86-64.so.2 (0x...)"; the vDSO has no file.
            let path = match line.split_once("=>") {
                Some((_, right)) => right.split_whitespace().next()?,
                None => line.split_whitespace().next()?,
            };
            path.starts_with('/').then(|| PathBuf::from(path))
        })
        .collect()
}

/// The libraries and loader a dynamic `binary` loads, by `ldd`; empty for a
/// static one.
pub fn shared_libraries(binary: &Path) -> Result<Vec<PathBuf>> {
    if !needs_loader(binary)? {
        return Ok(Vec::new());
    }
    let ldd = on_path("ldd", "libc-bin")?;
    Ok(parse_ldd(&stdout_of(Command::new(ldd).arg(binary))?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldd_output_gives_libraries_and_loader() {
        let text = "\tlinux-vdso.so.1 (0x00007ffd)\n\
            \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)\n\
            \t/lib64/ld-linux-x86-64.so.2 (0x00007f)\n";
        assert_eq!(
            parse_ldd(text),
            [
                PathBuf::from("/lib/x86_64-linux-gnu/libc.so.6"),
                PathBuf::from("/lib64/ld-linux-x86-64.so.2")
            ]
        );
    }

    #[test]
    fn tells_dynamic_from_static_executables() {
        // /bin/sh is dynamic on Debian; busybox-static is static, if here.
        let sh = which::which("sh").unwrap().canonicalize().unwrap();
        assert!(needs_loader(&sh).unwrap(), "{}", sh.display());
        let libraries = shared_libraries(&sh).unwrap();
        assert!(
            libraries
                .iter()
                .any(|lib| lib.to_string_lossy().contains("libc.so")),
            "{libraries:?}"
        );
        let busybox = Path::new("/bin/busybox");
        if busybox.is_file() && !needs_loader(busybox).unwrap() {
            assert!(shared_libraries(busybox).unwrap().is_empty());
        }
    }

    #[test]
    fn refuses_what_is_not_elf() {
        let err = needs_loader(Path::new(env!("CARGO_MANIFEST_PATH"))).unwrap_err();
        assert!(
            err.to_string().contains("not a 64-bit little-endian ELF"),
            "{err}"
        );
        assert!(needs_loader(Path::new("/no/such/file")).is_err());
    }
}
