//! The Debian packages and the Rust target the tests need, installed when
//! this user can (root, apt-get), else named with the command that would.

use super::is_root;
use anyhow::Context;
use std::process::{Command, Stdio};

/// The Debian packages the tests need. Extend here.
pub const APT_PACKAGES: &[&str] = &[
    "docker.io",
    "chromium",
    // WebDriver for the book's browser tests.
    "chromium-driver",
    "nginx-light",
    "tini",
    "catatonit",
    "dumb-init",
    "musl-tools",
    "qemu-user-static",
    "iproute2",
    "procps",
    "gcc",
    "libc6-dev",
    // The labs' shell steps: curl in the Docker chapter's commands, ipcmk/ipcs,
    // unshare and nsenter (util-linux) in the setns lab.
    "curl",
    "util-linux",
    // A CJK font, so Chinese pages render (and screenshot) as text, not boxes.
    "fonts-wqy-microhei",
    // The CRI and runtime labs: containerd and its CNI plugins, the CRI API's
    // protobuf compiler, Podman, runc, and a static busybox for rootfs images.
    "containerd",
    "containernetworking-plugins",
    "protobuf-compiler",
    "podman",
    "runc",
    "busybox-static",
];

/// The second architecture pause-tiny's multi-arch test builds for.
pub const CROSS_TARGET: &str = "aarch64-unknown-linux-gnu";

/// Adds the cross target with rustup when it can. Optional by design: where
/// it cannot be had, the multi-arch test says what it did not verify.
pub fn offer_cross_target(target: &str) {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .is_ok_and(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .any(|l| l == target)
        });
    if installed {
        return;
    }
    println!("adding the Rust target {target} (for the multi-arch test; optional)");
    match Command::new("rustup")
        .args(["target", "add", target])
        .status()
    {
        Ok(status) if status.success() => {}
        _ => println!("could not add {target}: the multi-arch test will say what it skipped"),
    }
}

/// Packages of `wanted` that dpkg does not list as installed.
pub fn missing_packages(wanted: &[&str]) -> anyhow::Result<Vec<String>> {
    if which::which("dpkg-query").is_err() {
        anyhow::bail!(
            "this is not a Debian-like system (no dpkg-query), so the tests' packages cannot be \
             checked or installed here; install the equivalents of: {}",
            wanted.join(" ")
        );
    }
    let mut missing = Vec::new();
    for package in wanted {
        let output = Command::new("dpkg-query")
            .args(["-W", "-f=${Status}", package])
            .output()
            .context("cannot run dpkg-query")?;
        if !String::from_utf8_lossy(&output.stdout).contains("install ok installed") {
            missing.push(package.to_string());
        }
    }
    Ok(missing)
}

/// Installs what `wanted` lacks (as root, with apt-get), or says how to.
pub fn ensure_packages(wanted: &[&str]) -> anyhow::Result<()> {
    let missing = missing_packages(wanted)?;
    if missing.is_empty() {
        eprintln!("xtask test: Debian packages: all {} present", wanted.len());
        return Ok(());
    }
    let install = format!("apt-get install -y {}", missing.join(" "));
    anyhow::ensure!(
        is_root(),
        "missing Debian packages: {}; only root can install them: run `sudo apt-get update && \
         sudo {install}`, or run `cargo xtask test` as root",
        missing.join(" ")
    );
    anyhow::ensure!(
        which::which("apt-get").is_ok(),
        "missing Debian packages: {} and no apt-get to install them",
        missing.join(" ")
    );
    eprintln!("xtask test: installing {}", missing.join(" "));
    let install_args = [
        vec!["install", "-y"],
        missing.iter().map(String::as_str).collect(),
    ];
    for args in [vec!["update"], install_args.concat()] {
        let status = Command::new("apt-get")
            .args(&args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .status()
            .context("cannot run apt-get")?;
        anyhow::ensure!(
            status.success(),
            "`apt-get {}` failed ({status}); see apt's messages above (if dpkg is locked, \
             wait for the other apt-get and run again)",
            args.join(" ")
        );
    }
    let still = missing_packages(wanted)?;
    anyhow::ensure!(
        still.is_empty(),
        "still missing after apt-get install: {}",
        still.join(" ")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn package_list_is_unique_and_names_the_essentials() {
        let unique: BTreeSet<_> = APT_PACKAGES.iter().collect();
        assert_eq!(
            unique.len(),
            APT_PACKAGES.len(),
            "a package is listed twice"
        );
        for essential in [
            "docker.io",
            "chromium",
            "chromium-driver",
            "iproute2",
            "containerd",
            "containernetworking-plugins",
            "protobuf-compiler",
            "podman",
            "busybox-static",
            "runc",
        ] {
            assert!(APT_PACKAGES.contains(&essential), "{essential} not listed");
        }
    }

    #[test]
    fn dpkg_tells_installed_from_missing_packages() {
        if which::which("dpkg-query").is_err() {
            eprintln!("SKIPPED: not a Debian-like system");
            return;
        }
        let missing = missing_packages(&["procps", "no-such-package-pause-book"]).unwrap();
        assert_eq!(missing, ["no-such-package-pause-book"]);
    }
}
