//! The text format: `$ <command>` lines, each followed by the lines the
//! command printed (stdout and stderr merged). A command of several lines
//! goes on in lines that start with `> ` (the shell's continuation prompt)
//! right after its `$ ` line.

use std::path::Path;

use serde::Serialize;

use crate::Error;

/// One command and what it prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The command as the reader types it (continuation lines included).
    pub command: String,
    /// Its output, each line ending in `\n`.
    pub output: String,
}

/// Splits a transcript into steps.
pub fn parse(path: &Path, text: &str) -> Result<Vec<Step>, Error> {
    let mut steps: Vec<Step> = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let more = line.strip_prefix("> ").or((line == ">").then_some(""));
        if let (Some(more), Some(step)) = (more, steps.last_mut())
            && step.output.is_empty()
        {
            step.command.push('\n');
            step.command.push_str(more);
            continue;
        }
        match (line.strip_prefix("$ "), steps.last_mut()) {
            (Some(command), _) => {
                steps.push(Step {
                    command: command.to_string(),
                    output: String::new(),
                });
            }
            (None, Some(step)) => {
                step.output.push_str(line);
                step.output.push('\n');
            }
            (None, None) => {
                return Err(Error::NoCommand {
                    path: path.to_path_buf(),
                    line: number + 1,
                    text: line.to_string(),
                });
            }
        }
    }
    Ok(steps)
}

/// The file text of some steps (the inverse of [`parse`]).
pub fn format(steps: &[Step]) -> String {
    let mut text = String::new();
    for step in steps {
        for (i, line) in step.command.lines().enumerate() {
            text.push_str(if i == 0 { "$ " } else { "> " });
            text.push_str(line);
            text.push('\n');
        }
        text.push_str(&step.output);
        if !step.output.is_empty() && !step.output.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_outputs_and_continuations() {
        let text = "$ echo a \\\n>   b\na b\n$ true\n$ for x in 1; do\n>   echo $x\n> done\n1\n> 2\n$ printf 'x\\n\\ny\\n'\nx\n\ny\n";
        let steps = parse(Path::new("t.txt"), text).unwrap();
        assert_eq!(steps.len(), 4);
        assert_eq!(steps[0].command, "echo a \\\n  b");
        assert_eq!(steps[0].output, "a b\n");
        assert_eq!(steps[1].output, "");
        assert_eq!(steps[2].command, "for x in 1; do\n  echo $x\ndone");
        // Once the output has begun, `> ` is output.
        assert_eq!(steps[2].output, "1\n> 2\n");
        assert_eq!(steps[3].output, "x\n\ny\n");
        assert_eq!(format(&steps), text);
    }

    #[test]
    fn output_before_any_command_is_an_error() {
        let error = parse(Path::new("t.txt"), "hello\n$ true\n").unwrap_err();
        assert!(error.to_string().contains("t.txt:1"), "{error}");
    }
}
