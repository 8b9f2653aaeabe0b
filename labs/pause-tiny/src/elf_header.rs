//! The first 112 bytes of the file: the ELF header (64 bytes) and the one
//! program header (56 bytes), written by hand because the linker writes a
//! flat image (tiny.ld). The program header starts 8 bytes before the ELF
//! header ends: those 8 bytes mean the same to both (see below).

// ANCHOR: elf_header
#[cfg(target_arch = "x86_64")]
const MACHINE: u16 = 62; // EM_X86_64
#[cfg(target_arch = "aarch64")]
const MACHINE: u16 = 183; // EM_AARCH64

core::arch::global_asm!(
    ".pushsection .tiny.elf_header,\"a\",@progbits",
    "tiny_file_start:",
    // e_ident: magic, 64-bit, little-endian, ELF version 1, System V ABI.
    ".byte 0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0",
    ".quad 0",                        // e_ident padding
    ".short 2",                       // e_type: ET_EXEC, nothing to relocate
    ".short {machine}",               // e_machine
    ".long 1",                        // e_version
    ".quad _start",                   // e_entry
    ".quad tiny_program_header - tiny_file_start", // e_phoff: 56
    ".quad 0",                        // e_shoff: no section headers
    ".long 0",                        // e_flags
    ".short 64",                      // e_ehsize
    ".short 56",                      // e_phentsize
    // The ELF header's last 8 bytes (e_phnum, e_shentsize, e_shnum,
    // e_shstrndx) are the program header's first 8 (p_type, p_flags):
    // e_phnum = 1 and e_shentsize = 0 as the kernel wants, e_shnum = 5 and
    // e_shstrndx = 0, which nothing reads when e_shoff is 0.
    "tiny_program_header:",
    ".long 1",                        // p_type: PT_LOAD
    ".long 5",                        // p_flags: read + execute
    ".quad 0",                        // p_offset: the whole file, header too
    ".quad tiny_file_start",          // p_vaddr
    ".quad tiny_file_start",          // p_paddr
    ".quad __tiny_size",              // p_filesz (from tiny.ld)
    ".quad __tiny_size",              // p_memsz: no .bss
    ".quad 0x1000",                   // p_align: one page
    ".popsection",
    machine = const MACHINE,
);
// ANCHOR_END: elf_header
