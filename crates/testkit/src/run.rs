//! Running the programs the tests and tools need: found on PATH (the `which`
//! crate), their failures reported with what they said.

use crate::error::{Error, Result};
use std::path::PathBuf;
use std::process::{Command, Output};

/// Where `program` is on PATH, or which Debian package provides it.
pub fn on_path(program: &str, package: &str) -> Result<PathBuf> {
    which::which(program).map_err(|_| Error::NotInstalled {
        program: program.to_string(),
        fix: format!("install it (Debian: apt-get install {package})"),
    })
}

/// The cargo that runs us (`$CARGO`, set by cargo for build scripts, tests
/// and `cargo run`), else the one on PATH.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// How `command` reads in a message: program and arguments.
pub fn shown(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|word| word.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs `command` to completion; Ok with its output if it succeeded, else
/// an error holding its stderr.
pub fn output_of(command: &mut Command) -> Result<Output> {
    let output = command.output().map_err(|source| Error::Spawn {
        command: shown(command),
        source,
    })?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(Error::Failed {
            command: shown(command),
            status: output.status,
            output: String::from_utf8_lossy(&output.stderr).trim().to_string(),
        })
    }
}

/// The standard output of `command`, as text, if it succeeded.
pub fn stdout_of(command: &mut Command) -> Result<String> {
    output_of(command).map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_programs_and_names_the_package_of_missing_ones() {
        assert!(on_path("sh", "dash").unwrap().is_absolute());
        let missing = on_path("no-such-program-pause-book", "pause-book-tools").unwrap_err();
        let text = missing.to_string();
        assert!(
            text.contains("no-such-program-pause-book")
                && text.contains("apt-get install pause-book-tools"),
            "{text}"
        );
    }

    #[test]
    fn failures_carry_what_the_program_said() {
        let err =
            output_of(Command::new("sh").args(["-c", "echo broken >&2; exit 3"])).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("sh -c") && text.contains("broken") && text.contains('3'),
            "{text}"
        );
        assert_eq!(stdout_of(Command::new("echo").arg("hi")).unwrap(), "hi\n");
        assert!(matches!(
            output_of(&mut Command::new("/no/such/program")),
            Err(Error::Spawn { .. })
        ));
    }
}
