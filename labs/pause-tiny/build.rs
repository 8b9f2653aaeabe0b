//! Link arguments for the no-libc binary: no C start files, no libc, a static
//! non-PIE executable with one load segment and no build id. They apply to
//! release builds only, where the workspace profile sets `panic = "abort"`;
//! `cfg(tiny_link)` tells src/main.rs that it is such a build.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(tiny_link)");
    println!("cargo::rerun-if-changed=build.rs");
    let release = std::env::var("PROFILE").is_ok_and(|p| p == "release");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    if !(release && linux) {
        return;
    }
    println!("cargo::rustc-cfg=tiny_link");
    // ANCHOR: link_args
    // The same options for a C compiler driver (the default linker) or for
    // ld.lld itself (`rust-lld`, which cross builds use: no aarch64 gcc needed).
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tiny.ld");
    println!("cargo::rerun-if-changed=tiny.ld");
    let bare_lld = std::env::var("RUSTC_LINKER").is_ok_and(|l| l.ends_with("lld"));
    if bare_lld {
        for arg in ["-static", "--no-pie", "--gc-sections", "--no-eh-frame-hdr"] {
            println!("cargo::rustc-link-arg-bins={arg}");
        }
        println!("cargo::rustc-link-arg-bins=-T{script}");
        println!("cargo::rustc-link-arg-bins=--oformat=binary");
        return;
    }
    for arg in ["-nostartfiles", "-nostdlib", "-static", "-no-pie"] {
        println!("cargo::rustc-link-arg-bins={arg}");
    }
    for arg in ["--gc-sections", "--no-eh-frame-hdr", "--oformat=binary"] {
        println!("cargo::rustc-link-arg-bins=-Wl,{arg}");
    }
    println!("cargo::rustc-link-arg-bins=-Wl,-T,{script}");
    // ANCHOR_END: link_args
}
