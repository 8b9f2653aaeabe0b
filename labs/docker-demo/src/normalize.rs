//! Console output made comparable across runs.
//!
//! PIDs and namespace inodes change from run to run; what the chapter's
//! transcripts must keep is their structure: PID 1 stays `1`, other PIDs
//! become `<pid>`, and each distinct inode gets a stable name in order of
//! appearance (`net:[inode-1]`), so two equal inodes still read equal.

/// Normalises one transcript: trims lines and runs of spaces, names inodes,
/// blanks PIDs other than 1 at the start of a line and the `Date:` header.
pub fn normalize(text: &str) -> String {
    let mut inodes: Vec<String> = Vec::new();
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        let words: Vec<&str> = line.split_whitespace().collect();
        let mut words: Vec<String> = words
            .iter()
            .map(|word| name_inodes(word, &mut inodes))
            .collect();
        if let Some(first) = words.first_mut() {
            let is_pid = first.chars().all(|c| c.is_ascii_digit());
            if is_pid && first != "1" {
                *first = "<pid>".to_string();
            }
        }
        if words.first().is_some_and(|w| w == "Date:") {
            words.truncate(1);
            words.push("<date>".to_string());
        }
        out.push_str(&words.join(" "));
        out.push('\n');
    }
    out
}

/// Replaces `[digits]` in a word by `[inode-N]`, N counting distinct values.
fn name_inodes(word: &str, inodes: &mut Vec<String>) -> String {
    let Some((head, rest)) = word.split_once('[') else {
        return word.to_string();
    };
    let Some((number, tail)) = rest.split_once(']') else {
        return word.to_string();
    };
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
        return word.to_string();
    }
    let index = match inodes.iter().position(|n| n == number) {
        Some(i) => i + 1,
        None => {
            inodes.push(number.to_string());
            inodes.len()
        }
    };
    format!("{head}[inode-{index}]{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pids_other_than_one_are_blanked() {
        let ps =
            "  PID USER     COMMAND\n    1 65535    /pause\n   13 nobody   nginx: worker process\n";
        assert_eq!(
            normalize(ps),
            "PID USER COMMAND\n1 65535 /pause\n<pid> nobody nginx: worker process\n"
        );
    }

    #[test]
    fn equal_inodes_stay_equal_and_different_ones_differ() {
        let text =
            "pause net:[4026532201] pid:[4026532199]\nblog net:[4026532201] pid:[4026531836]\n";
        assert_eq!(
            normalize(text),
            "pause net:[inode-1] pid:[inode-2]\nblog net:[inode-1] pid:[inode-3]\n"
        );
    }

    #[test]
    fn http_dates_and_carriage_returns() {
        assert_eq!(
            normalize("HTTP/1.1 200 OK\r\nDate: Thu, 26 Nov 2026 19:40:00 GMT\r\n"),
            "HTTP/1.1 200 OK\nDate: <date>\n"
        );
    }
}
