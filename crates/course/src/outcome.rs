//! Reading what cargo and libtest printed: the compiler's first error, each
//! test's result, and a failed test's panic message.

/// One test's result, from libtest's `test <name> ... <result>` lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestResult {
    pub name: String,
    pub passed: bool,
    /// The panic message, for a failed test.
    pub message: String,
}

/// The results libtest printed, in order.
pub fn test_results(stdout: &str) -> Vec<TestResult> {
    stdout
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("test ")?;
            let (name, result) = rest.rsplit_once(" ... ")?;
            let passed = match result.trim() {
                "ok" => true,
                "FAILED" => false,
                _ => return None, // ignored, bench
            };
            Some(TestResult {
                name: name.to_string(),
                passed,
                message: if passed {
                    String::new()
                } else {
                    panic_message(stdout, name)
                },
            })
        })
        .collect()
}

/// The message of the test `name`'s panic, from its `---- name stdout ----`
/// section (at most a dozen lines).
fn panic_message(stdout: &str, name: &str) -> String {
    let header = format!("---- {name} stdout ----");
    let Some(start) = stdout.find(&header) else {
        return String::new();
    };
    let section = &stdout[start + header.len()..];
    let end = ["\n---- ", "\nfailures:\n", "\n\nfailures:"]
        .iter()
        .filter_map(|m| section.find(m))
        .min()
        .unwrap_or(section.len());
    let section = &section[..end];
    // From the line after "thread '...' panicked at file:line:col:".
    let body = match section.find("panicked at ") {
        Some(at) => section[at..].split_once('\n').map_or("", |(_, rest)| rest),
        None => section,
    };
    body.lines()
        .take_while(|l| !l.starts_with("note: ") && !l.starts_with("stack backtrace"))
        .filter(|l| !l.trim().is_empty())
        .take(12)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The compiler's first error, when cargo could not build: from the first
/// line starting with `error` to the next blank line.
pub fn first_build_error(stderr: &str) -> Option<String> {
    if !stderr.contains("could not compile") {
        return None;
    }
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("error"))?;
    let block: Vec<&str> = lines[start..]
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .copied()
        .collect();
    Some(block.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUT: &str = "\nrunning 2 tests\ntest a::one ... ok\ntest a::two ... FAILED\n\nfailures:\n\n---- a::two stdout ----\n\nthread 'a::two' panicked at labs/x.rs:3:5:\nassertion `left == right` failed: after SIGTERM\n  left: Some(1)\n right: Some(0)\nnote: run with `RUST_BACKTRACE=1`\n\n\nfailures:\n    a::two\n\ntest result: FAILED. 1 passed; 1 failed\n";

    #[test]
    fn reads_results_and_the_panic_message() {
        let results = test_results(OUT);
        assert_eq!(results.len(), 2);
        assert!(results[0].passed && results[0].message.is_empty());
        assert!(!results[1].passed);
        assert_eq!(
            results[1].message,
            "assertion `left == right` failed: after SIGTERM\n  left: Some(1)\n right: Some(0)"
        );
    }

    #[test]
    fn finds_the_first_compiler_error_only_when_the_build_failed() {
        let err = "   Compiling pause v0.1.0\nwarning: unused\n\nerror[E0425]: cannot find value `x`\n --> src/reaper.rs:3:5\n  |\n\nerror: aborting\nerror: could not compile `pause`\n";
        assert_eq!(
            first_build_error(err).unwrap(),
            "error[E0425]: cannot find value `x`\n --> src/reaper.rs:3:5\n  |"
        );
        assert_eq!(
            first_build_error("error: test failed, to rerun pass `--test x`"),
            None
        );
    }
}
