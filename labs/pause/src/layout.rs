//! Where glibc's start-up writes land, page by page: two kilobytes of
//! padding that save two pages of private memory (8 kB of RssAnon) in the
//! static glibc build. Nothing in pause reads or writes it.
//!
//! An idle static pause owns the pages that start-up wrote: RELRO, `.data`,
//! `.bss`, heap, stack (`/proc/PID/smaps`). In `.bss`, glibc writes two
//! blocks: one near its start (the TLS slot table and the `atexit` list,
//! about 1.5 kB) and one near its end (`environ`, `__curbrk`, the `_dl_*`
//! variables and the CPU-feature table, about 2.2 kB). In the C pause the
//! first block falls on the last page of `.data`, written anyway, and the
//! second on one page of its own: one `.bss` page in all.
//!
//! std puts 2,432 bytes of initialised data in front of glibc's (a 2,368-byte
//! cache of the backtrace printer behind std's panic message, and stdout's
//! 64-byte handle), which stable Rust cannot leave out. That shifts glibc's
//! data and `.bss` by 2,432 bytes: the first block moves past the end of the
//! last `.data` page onto a page of its own, and the second straddles a page
//! boundary. Three `.bss` pages instead of one.
//!
//! These 2,048 bytes, placed in `.data` in front of glibc's as std's are,
//! make the shift 4,480 bytes: one page further on, glibc's objects then sit
//! within 160 bytes of the offsets they have in their pages in the C pause,
//! so every page glibc writes is again shared with another written page.
//! The padding's own page is never written, so it costs no memory. Measured
//! with sizes from 1,232 to 2,600 bytes, those from about 1,700 to 2,400
//! give the C pause's figure; 2,048 sits in the middle of that window. A
//! change of toolchain or glibc that moves the blocks by more than a few
//! hundred bytes shows up in `cargo xtask bench` (pause's RssAnon row).
//!
//! Only the glibc build needs it; musl writes far less at start-up.

/// The padding: in `.data`, not `.bss` (only data placed in front of
/// glibc's data shifts glibc's data and `.bss` together).
#[cfg(target_env = "gnu")]
#[used]
#[unsafe(link_section = ".data.pause_page_alignment")]
static PAGE_ALIGNMENT: [u8; 2048] = [0; 2048];
