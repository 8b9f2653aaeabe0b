//! The chapter's commands, kept in `commands/demo.sh` and, for the pod's
//! three `docker run` lines (the part a student writes), `commands/pod.sh`.
//!
//! The book shows parts of that file through mdBook anchors
//! (`# ANCHOR: pause` ... `# ANCHOR_END: pause`) and the tests run exactly
//! those parts with `sh`, after giving the variables of the `vars` part
//! values of their own (unique names, a free port, test image tags).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// Where the script lives.
pub fn path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("commands/demo.sh")
}

/// Where the pod's three `docker run` lines live (parts pause, nginx, blog).
pub fn pod_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("commands/pod.sh")
}

/// The part holding the variables the tests override.
pub const VARS: &str = "vars";

/// The demo script's text, split into anchored parts.
#[derive(Debug, Clone)]
pub struct Script {
    text: String,
}

/// What one part printed.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

impl Script {
    /// Both files, as one script: their anchors are distinct.
    pub fn load() -> Result<Script> {
        let mut text = String::new();
        for path in [path(), pod_path()] {
            let part = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                action: "read",
                path: path.clone(),
                source,
            })?;
            text.push_str(&part);
            text.push('\n');
        }
        Ok(Script { text })
    }

    pub fn from_text(text: &str) -> Script {
        Script {
            text: text.to_string(),
        }
    }

    /// The lines between `ANCHOR: name` and `ANCHOR_END: name`, as the book
    /// shows them (other anchors' marker lines left out, as mdBook does).
    pub fn part(&self, name: &str) -> Result<String> {
        let start = format!("ANCHOR: {name}");
        let end = format!("ANCHOR_END: {name}");
        let mut inside = false;
        let mut found = false;
        let mut lines = Vec::new();
        for line in self.text.lines() {
            if line.trim_end().ends_with(&start) {
                inside = true;
                found = true;
            } else if line.trim_end().ends_with(&end) {
                inside = false;
            } else if inside && !line.contains("ANCHOR") {
                lines.push(line);
            }
        }
        if !found {
            return Err(Error::NoAnchor {
                name: name.into(),
                files: [path(), pod_path()],
            });
        }
        Ok(lines.join("\n") + "\n")
    }

    /// The `NAME=value` lines of the `vars` part, in order.
    pub fn variables(&self) -> Result<Vec<(String, String)>> {
        Ok(self
            .part(VARS)?
            .lines()
            .filter_map(|line| {
                let (name, value) = line.split_once('=')?;
                let ok =
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_');
                ok.then(|| (name.to_string(), value.to_string()))
            })
            .collect())
    }

    /// The `vars` part with some values replaced. Each override must name
    /// a variable the script defines, so a renamed variable fails loudly.
    pub fn vars_with(&self, overrides: &[(&str, String)]) -> Result<String> {
        let mut vars = self.variables()?;
        for (name, value) in overrides {
            let slot =
                vars.iter_mut()
                    .find(|(n, _)| n == name)
                    .ok_or_else(|| Error::UnknownVariable {
                        name: name.to_string(),
                    })?;
            slot.1 = value.clone();
        }
        Ok(vars.iter().map(|(n, v)| format!("{n}={v}\n")).collect())
    }

    /// Runs part `name` with `sh -eu`, after the (overridden) variables.
    pub fn run(&self, name: &str, overrides: &[(&str, String)]) -> Result<Run> {
        let program = format!("{}{}", self.vars_with(overrides)?, self.part(name)?);
        let output = Command::new("sh")
            .args(["-eu", "-c", &program])
            .output()
            .map_err(Error::Shell)?;
        Ok(Run {
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "#!/bin/sh
# ANCHOR: vars
POD=demo
HOST_PORT=8880
# ANCHOR_END: vars
# ANCHOR: all
# ANCHOR: hello
echo \"$POD on $HOST_PORT\"
# ANCHOR_END: hello
echo more
# ANCHOR_END: all
";

    #[test]
    fn parts_leave_out_marker_lines() {
        let script = Script::from_text(TEXT);
        assert_eq!(
            script.part("hello").unwrap(),
            "echo \"$POD on $HOST_PORT\"\n"
        );
        assert_eq!(
            script.part("all").unwrap(),
            "echo \"$POD on $HOST_PORT\"\necho more\n"
        );
        assert!(
            script
                .part("missing")
                .unwrap_err()
                .to_string()
                .contains("has `# ANCHOR: missing`")
        );
    }

    #[test]
    fn variables_are_overridden_by_name_only() {
        let script = Script::from_text(TEXT);
        assert_eq!(
            script.vars_with(&[("HOST_PORT", "1234".into())]).unwrap(),
            "POD=demo\nHOST_PORT=1234\n"
        );
        assert!(script.vars_with(&[("PORT", "1".into())]).is_err());
    }

    #[test]
    fn runs_a_part_with_its_variables() {
        let script = Script::from_text(TEXT);
        let run = script.run("hello", &[("POD", "t1".into())]).unwrap();
        assert!(run.success, "{}", run.stderr);
        assert_eq!(run.stdout, "t1 on 8880\n");
    }

    #[test]
    fn the_real_script_defines_the_variables_tests_override() {
        let script = Script::load().unwrap();
        let names: Vec<_> = script
            .variables()
            .unwrap()
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        for wanted in [
            "POD",
            "HOST_PORT",
            "PAUSE_IMAGE",
            "NGINX_IMAGE",
            "BLOG_IMAGE",
        ] {
            assert!(
                names.iter().any(|n| n == wanted),
                "{wanted} missing: {names:?}"
            );
        }
    }
}
