//! Checking the numbers a user gives: a count of orphans must be at least 1,
//! and an absurd one is capped (with a warning) rather than allowed to fill
//! the machine's process table.

use crate::{Error, Result};

/// The most orphans this lab makes in one go, whatever the machine.
pub const MAX_ORPHANS: usize = 20_000;

/// A count of orphans, after the cap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrphanCount {
    pub value: usize,
    /// Set when the asked-for count was capped: says what and why.
    pub warning: Option<String>,
}

/// The cap on this machine: [`MAX_ORPHANS`], and at most half of
/// `kernel.pid_max`, since orphans that exit together are all alive at once.
pub fn orphan_cap() -> usize {
    let pid_max = std::fs::read_to_string("/proc/sys/kernel/pid_max")
        .ok()
        .and_then(|t| t.trim().parse::<usize>().ok())
        .unwrap_or(32_768);
    MAX_ORPHANS.min(pid_max / 2)
}

/// Parses a count of orphans given as text.
pub fn orphan_count(text: &str) -> Result<OrphanCount> {
    let text = text.trim();
    let cap = orphan_cap();
    let is_number = text
        .strip_prefix('-')
        .unwrap_or(text)
        .chars()
        .all(|c| c.is_ascii_digit())
        && !text.is_empty()
        && text != "-";
    if !is_number {
        return Err(Error::input(format!(
            "{text:?} is not a number of orphans: give a whole number from 1 to {cap}"
        )));
    }
    if text.starts_with('-') {
        return Err(Error::input(format!(
            "{text} orphans is negative: give a whole number from 1 to {cap}"
        )));
    }
    // Too many digits for u64 is absurd too: cap it like any other.
    let asked = text.parse::<u64>().unwrap_or(u64::MAX);
    if asked == 0 {
        return Err(Error::input(format!(
            "0 orphans would show nothing: give a whole number from 1 to {cap}"
        )));
    }
    if asked > cap as u64 {
        return Ok(OrphanCount {
            value: cap,
            warning: Some(format!(
                "capping {text} orphans at {cap} (the lab's limit: at most {MAX_ORPHANS}, \
                 and half of kernel.pid_max)"
            )),
        });
    }
    Ok(OrphanCount {
        value: asked as usize,
        warning: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_counts() {
        assert_eq!(orphan_count("1000").unwrap().value, 1000);
        assert_eq!(orphan_count(" 7 ").unwrap().warning, None);
    }

    #[test]
    fn refuses_zero_negative_and_words() {
        for bad in ["0", "-5", "ten", "", "-", "1e3"] {
            assert!(orphan_count(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn caps_absurd_counts_and_says_so() {
        let cap = orphan_cap();
        for absurd in ["1000000000", "99999999999999999999999"] {
            let count = orphan_count(absurd).unwrap();
            assert_eq!(count.value, cap);
            assert!(count.warning.unwrap().contains(&format!("at {cap}")));
        }
    }
}
