//! Named redactions: what varies from run to run becomes a placeholder,
//! without hiding what a claim depends on.
//!
//! Values that identify something (namespace inodes, host PIDs, addresses)
//! are *named*, not blanked: within one transcript the first distinct value
//! becomes `ns-A`, the next different one `ns-B`, and so on. Two equal
//! inodes stay equal after redaction and two different ones stay different,
//! so a transcript that shows a shared namespace fails when it is not shared.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// The named redactions a manifest's `redact = [...]` may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Redaction {
    /// Namespace inodes: numbers from 4026531840 (the kernel's first
    /// dynamic proc inode, 0xF0000000) to 2^32-1 become `ns-A`, `ns-B`, ...
    Inode,
    /// Host PIDs: a number of three or more digits after `PID `, `pid ` or
    /// `parent `, or in a column headed `HOST-PID`, becomes `PID-A`, ...
    /// PIDs inside a pod (1, 2, ...) are kept: they are what the book shows.
    HostPid,
    /// Paths into the checkout: `<checkout>/target/.../pause` becomes
    /// `/path/to/pause`, any other `<checkout>/x` `/path/to/pause-book/x`.
    /// Applied when blessing too, so no transcript names a checkout.
    Checkout,
    /// Non-loopback IPv4 addresses become `IP-A`, `IP-B`, ...
    Ipv4,
    /// MAC addresses become `MAC-A`, `MAC-B`, ...
    Mac,
}

/// Where the transcripts run: what the `checkout` redaction removes.
#[derive(Debug, Clone)]
pub struct Context {
    /// The workspace root.
    pub checkout: PathBuf,
    /// A target directory outside the checkout (`CARGO_TARGET_DIR`), if any.
    pub target_dir: Option<PathBuf>,
}

impl Context {
    pub fn new(checkout: &Path) -> Context {
        let target_dir = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .filter(|dir| dir.is_absolute() && !dir.starts_with(checkout));
        Context {
            checkout: checkout.to_path_buf(),
            target_dir,
        }
    }
}

/// Applies redactions to the outputs of one transcript, naming each
/// distinct value once for the whole transcript.
#[derive(Debug)]
pub struct Redactor<'a> {
    context: &'a Context,
    names: HashMap<&'static str, Vec<String>>,
}

static NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\d{10}\b").unwrap());
static PID_AFTER_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:PID|pid|parent) (\d{3,})\b").unwrap());
static IPV4: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b").unwrap());
static MAC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}\b").unwrap());

const FIRST_DYNAMIC_INODE: u64 = 0xF000_0000;

impl<'a> Redactor<'a> {
    pub fn new(context: &'a Context) -> Redactor<'a> {
        Redactor {
            context,
            names: HashMap::new(),
        }
    }

    /// `value`'s name among the values of `kind` seen so far.
    fn name(&mut self, kind: &'static str, value: &str) -> String {
        let seen = self.names.entry(kind).or_default();
        let index = match seen.iter().position(|v| v == value) {
            Some(index) => index,
            None => {
                seen.push(value.to_string());
                seen.len() - 1
            }
        };
        format!("{kind}-{}", letters(index))
    }

    pub fn apply(&mut self, redaction: Redaction, text: &str) -> String {
        match redaction {
            Redaction::Inode => self.inodes(text),
            Redaction::HostPid => self.host_pids(text),
            Redaction::Checkout => checkout(self.context, text),
            Redaction::Ipv4 => self.named_matches(&IPV4, "IP", text, |ip| {
                ip.parse::<std::net::Ipv4Addr>()
                    .is_ok_and(|ip| !ip.is_loopback() && !ip.is_unspecified())
            }),
            Redaction::Mac => self.named_matches(&MAC, "MAC", text, |_| true),
        }
    }

    fn inodes(&mut self, text: &str) -> String {
        let is_inode = |n: &str| {
            n.parse::<u64>()
                .is_ok_and(|n| (FIRST_DYNAMIC_INODE..=u64::from(u32::MAX)).contains(&n))
        };
        self.named_matches(&NUMBER, "ns", text, is_inode)
    }

    /// Names every match of `pattern` that `keep` accepts.
    fn named_matches(
        &mut self,
        pattern: &Regex,
        kind: &'static str,
        text: &str,
        keep: impl Fn(&str) -> bool,
    ) -> String {
        let spans = pattern
            .find_iter(text)
            .filter(|m| keep(m.as_str()))
            .map(|m| m.range())
            .collect();
        self.rename(text, spans, kind)
    }

    fn host_pids(&mut self, text: &str) -> String {
        let mut spans: Vec<std::ops::Range<usize>> = PID_AFTER_WORD
            .captures_iter(text)
            .filter_map(|c| c.get(1).map(|m| m.range()))
            .collect();
        let mut column: Option<std::ops::Range<usize>> = None;
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            if let Some(at) = line.find("HOST-PID") {
                column = Some(at..at + "HOST-PID".len());
            } else if line.trim().is_empty() {
                column = None;
            } else if let Some(column) = &column {
                spans.extend(digit_runs(line).into_iter().filter_map(|run| {
                    let overlaps = run.start < column.end && column.start < run.end;
                    overlaps.then(|| line_start + run.start..line_start + run.end)
                }));
            }
            line_start += line.len();
        }
        spans.sort_by_key(|span| span.start);
        spans.dedup();
        self.rename(text, spans, "PID")
    }

    /// Replaces the sorted, disjoint `spans` of `text` by their names. In a
    /// table row (a line with a run of two spaces) a name is padded to the
    /// value's width so the columns stay aligned.
    fn rename(
        &mut self,
        text: &str,
        spans: Vec<std::ops::Range<usize>>,
        kind: &'static str,
    ) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for span in spans {
            let name = self.name(kind, &text[span.clone()]);
            let line_end = text[span.end..]
                .find('\n')
                .map_or(text.len(), |i| span.end + i);
            let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            let in_table = text[line_start..line_end].contains("  ");
            // A PID column is right-aligned (`{:>8}`): its cell is the spaces
            // before the number and the number, whose split depends on how
            // many digits the PID has. The name is right-aligned in that
            // cell, so a 4-digit and a 5-digit PID give the same line.
            let spaces_before = text[at.max(line_start)..span.start]
                .bytes()
                .rev()
                .take_while(|&b| b == b' ')
                .count();
            let cell = spaces_before + span.len();
            // Keep one space between columns, unless the cell starts the line.
            let separator = usize::from(span.start - spaces_before > line_start);
            if kind == "PID" && in_table && spaces_before > 0 && cell >= name.len() + separator {
                out.push_str(&text[at..span.start - spaces_before]);
                out.extend(std::iter::repeat_n(' ', cell - name.len()));
                out.push_str(&name);
                at = span.end;
                continue;
            }
            out.push_str(&text[at..span.start]);
            out.push_str(&name);
            if in_table && text[span.end..].starts_with(' ') {
                out.extend(std::iter::repeat_n(
                    ' ',
                    span.len().saturating_sub(name.len()),
                ));
            }
            at = span.end;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// `A`, `B`, ... `Z`, `AA`, `AB`, ...
fn letters(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

fn digit_runs(line: &str) -> Vec<std::ops::Range<usize>> {
    static DIGITS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\d+\b").unwrap());
    DIGITS.find_iter(line).map(|m| m.range()).collect()
}

/// Paths into the checkout (or an outside target dir) made readable.
pub fn checkout(context: &Context, text: &str) -> String {
    let mut text = text.to_string();
    let roots = [
        context.target_dir.clone(),
        Some(context.checkout.join("target")),
    ];
    for target in roots.into_iter().flatten() {
        let prefix = regex::escape(&target.to_string_lossy());
        let built = Regex::new(&format!(r"{prefix}/(?:[^\s'\x22]*/)?([^/\s'\x22]+)")).unwrap();
        text = built.replace_all(&text, "/path/to/$1").into_owned();
    }
    text.replace(&*context.checkout.to_string_lossy(), "/path/to/pause-book")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn redact(redactions: &[Redaction], text: &str) -> String {
        let context = Context {
            checkout: PathBuf::from("/work/main"),
            target_dir: None,
        };
        let mut redactor = Redactor::new(&context);
        redactions
            .iter()
            .fold(text.to_string(), |text, r| redactor.apply(*r, &text))
    }

    #[test]
    fn equal_inodes_stay_equal_and_different_ones_stay_different() {
        let shared = "pause net:[4026532201]\nblog  net:[4026532201]\n";
        let apart = "pause net:[4026532201]\nblog  net:[4026532999]\n";
        assert_eq!(
            redact(&[Redaction::Inode], shared),
            "pause net:[ns-A]\nblog  net:[ns-A]\n"
        );
        assert_eq!(
            redact(&[Redaction::Inode], apart),
            "pause net:[ns-A]\nblog  net:[ns-B]\n"
        );
        // So a transcript that shows a shared namespace fails when the run
        // shows two: the redacted texts differ.
        assert_ne!(
            redact(&[Redaction::Inode], shared),
            redact(&[Redaction::Inode], apart)
        );
        // The same values in another run get the same names.
        let other_run = "pause net:[4026532777]\nblog  net:[4026532777]\n";
        assert_eq!(
            redact(&[Redaction::Inode], other_run),
            redact(&[Redaction::Inode], shared)
        );
    }

    #[test]
    fn inode_names_keep_table_columns_and_spare_other_numbers() {
        let table =
            "   PID  NET        COMMAND\n  4711  4026532183 pause\n     1  4026532183 sleep 1000\n";
        assert_eq!(
            redact(&[Redaction::Inode], table),
            "   PID  NET        COMMAND\n  4711  ns-A       pause\n     1  ns-A       sleep 1000\n"
        );
        // 10 digits but below the namespace inode range: not an inode.
        assert_eq!(
            redact(&[Redaction::Inode], "1000000000 ns"),
            "1000000000 ns"
        );
    }

    #[test]
    fn host_pids_are_named_and_pod_pids_kept() {
        let text = "pause is PID 32554 on the host, PID 1 in the pod\n\
                    member running: host PID 32566, PID 2 in its PID namespace\n\
                    HOST-PID  NET\n   32554  x\n   32566  y\n\n  PID\n 4242\n";
        assert_eq!(
            redact(&[Redaction::HostPid], text),
            "pause is PID PID-A on the host, PID 1 in the pod\n\
             member running: host PID PID-B, PID 2 in its PID namespace\n\
             HOST-PID  NET\n   PID-A  x\n   PID-B  y\n\n  PID\n 4242\n"
        );
        // A right-aligned PID column reads the same whatever the PIDs' widths.
        let four = "HOST-PID  NET\n    8402  x\n    PID HOST-PID  PID-NS\n      1     8402  pod\n";
        let five = "HOST-PID  NET\n   28402  x\n    PID HOST-PID  PID-NS\n      1    28402  pod\n";
        let six = "HOST-PID  NET\n  128402  x\n    PID HOST-PID  PID-NS\n      1   128402  pod\n";
        let want = "HOST-PID  NET\n   PID-A  x\n    PID HOST-PID  PID-NS\n      1    PID-A  pod\n";
        for text in [four, five, six] {
            assert_eq!(redact(&[Redaction::HostPid], text), want, "{text}");
        }
        // A subreaper that is the orphans' parent stays visibly the same.
        assert_eq!(
            redact(
                &[Redaction::HostPid],
                "PID 13381 (a subreaper): parent 13381"
            ),
            "PID PID-A (a subreaper): parent PID-A"
        );
        assert_ne!(
            redact(&[Redaction::HostPid], "PID 13381: parent 13382"),
            "PID PID-A: parent PID-A"
        );
    }

    #[test]
    fn checkout_paths_become_paths_a_reader_understands() {
        let text = "1 /work/main/target/lab-bins/debug/pause\nnginx -c /work/main/labs/setns-demo/nginx.conf\n";
        assert_eq!(
            redact(&[Redaction::Checkout], text),
            "1 /path/to/pause\nnginx -c /path/to/pause-book/labs/setns-demo/nginx.conf\n"
        );
    }

    #[test]
    fn addresses_are_named_loopback_kept() {
        let text = "eth0 10.213.0.2/30 02:42:0a:d5:00:02 (host 10.213.0.1/30) 127.0.0.1:8880\n";
        assert_eq!(
            redact(&[Redaction::Ipv4, Redaction::Mac], text),
            "eth0 IP-A/30 MAC-A (host IP-B/30) 127.0.0.1:8880\n"
        );
    }

    #[test]
    fn names_go_past_z() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(27), "AB");
    }
}
