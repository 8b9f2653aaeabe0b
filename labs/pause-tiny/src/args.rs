//! Reading `-v` from the argument vector the kernel put on the stack.

/// Whether the NUL-terminated argument at `arg` is `-v` in any case.
///
/// # Safety
/// `arg` must point to a NUL-terminated string (as every `argv[i]` does).
pub unsafe fn is_version_flag(arg: *const u8) -> bool {
    // SAFETY: we read at most up to and including the terminating NUL:
    // each byte is read only if the previous one was not NUL.
    unsafe { *arg == b'-' && (*arg.add(1) | 0x20) == b'v' && *arg.add(2) == 0 }
}

// ANCHOR: wants_version
/// Upstream checks every argument (not the program name), in any case and
/// any position, for `-v`; every other argument is ignored.
///
/// # Safety
/// `argv` must point to `argc` pointers to NUL-terminated strings.
pub unsafe fn wants_version(argc: usize, argv: *const *const u8) -> bool {
    // SAFETY: the caller guarantees argv[0..argc] are valid strings.
    (1..argc).any(|i| unsafe { is_version_flag(*argv.add(i)) })
}
// ANCHOR_END: wants_version

#[cfg(test)]
mod tests {
    use super::*;

    fn wants(args: &[&[u8]]) -> bool {
        let owned: Vec<Vec<u8>> = args.iter().map(|a| [*a, b"\0"].concat()).collect();
        let pointers: Vec<*const u8> = owned.iter().map(|a| a.as_ptr()).collect();
        // SAFETY: every pointer is to a NUL-terminated Vec that outlives the call.
        unsafe { wants_version(pointers.len(), pointers.as_ptr()) }
    }

    #[test]
    fn dash_v_in_any_case_and_position() {
        assert!(wants(&[b"pause", b"-v"]));
        assert!(wants(&[b"pause", b"-V"]));
        assert!(wants(&[b"pause", b"x", b"y", b"-V"]));
    }

    #[test]
    fn other_arguments_are_ignored() {
        assert!(!wants(&[b"pause"]));
        assert!(!wants(&[b"-v"]), "the program name is not an argument");
        assert!(!wants(&[b"pause", b"-vv", b"--v", b"v", b"-", b"-w", b"-"]));
        assert!(!wants(&[b"pause", b"--version"]));
    }
}
