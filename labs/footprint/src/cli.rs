//! The command line: the benchmark itself (no subcommand, as `cargo xtask
//! bench` runs it), two of its parts alone, and the orphan maker the
//! benchmark runs inside an init's PID namespace.

use std::path::PathBuf;

use clap::builder::RangedU64ValueParser;
use clap::{Args, Parser, Subcommand};

/// How light is pause, measured against its peers in one run (as root: PID
/// namespaces, images, a pod's veth). Run through `cargo xtask bench`.
#[derive(Debug, PartialEq, Parser)]
#[command(name = "footprint", args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub bench: BenchArgs,
}

/// The benchmark's flags.
#[derive(Debug, PartialEq, Args)]
pub struct BenchArgs {
    /// Fewer samples: a quick look, not the chapter's figures
    #[arg(long)]
    pub quick: bool,
    /// Also time a fresh clone to the book's first page, installing this
    /// mdbook (several minutes)
    #[arg(long, value_name = "mdbook@VERSION", value_parser = crate_at_version)]
    pub first_read: Option<String>,
    /// Where to write latest.{md,json,zh.svg,en.svg} (and the scratch
    /// directory work/)
    #[arg(long, value_name = "DIR", default_value_os_t = testkit::workspace_root().join("target").join("bench"))]
    pub out: PathBuf,
    /// Also write latest.{md,json,zh.svg,en.svg} here
    #[arg(long, value_name = "DIR")]
    pub copy_to: Option<PathBuf>,
}

#[derive(Debug, PartialEq, Subcommand)]
pub enum Command {
    /// Only a pod's start (setns-demo against util-linux), printed
    PodStart {
        /// Rounds of each pair
        #[arg(default_value_t = 30, value_parser = RangedU64ValueParser::<usize>::new().range(1..))]
        runs: usize,
        /// The setns-demo binary to time [default: the workspace's static
        /// release build, built now]
        setns_demo: Option<PathBuf>,
    },
    /// Only the first read (a fresh clone to the book's first page), printed
    FirstRead {
        /// The mdbook to install, as cargo names it
        #[arg(value_name = "mdbook@VERSION", value_parser = crate_at_version)]
        mdbook: String,
    },
    /// Internal: the orphan maker, run by the benchmark inside an init's PID
    /// namespace (forks N children, hands them over as zombies)
    #[command(hide = true)]
    MakeOrphans {
        /// How many zombies to hand over
        n: usize,
    },
}

/// `mdbook@0.5.4`: a crate and its version, as `cargo install` takes them.
fn crate_at_version(text: &str) -> anyhow::Result<String> {
    match text.split_once('@') {
        Some((name, version)) if !name.is_empty() && !version.is_empty() => Ok(text.to_string()),
        _ => anyhow::bail!("expected CRATE@VERSION, for example mdbook@0.5.4"),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use clap::error::ErrorKind;

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("footprint").chain(args.iter().copied()))
    }

    /// The error's kind and the message clap prints for it.
    fn error(args: &[&str]) -> (ErrorKind, String) {
        let err = parse(args).expect_err("these arguments should be refused");
        (err.kind(), err.to_string())
    }

    #[test]
    fn the_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_arguments_run_the_whole_bench_into_target_bench() {
        let cli = parse(&[]).unwrap();
        assert_eq!(cli.command, None);
        assert_eq!(
            cli.bench,
            BenchArgs {
                quick: false,
                first_read: None,
                out: testkit::workspace_root().join("target/bench"),
                copy_to: None,
            }
        );
    }

    #[test]
    fn takes_the_flags_cargo_xtask_bench_passes() {
        let cli = parse(&[
            "--out",
            "target/bench",
            "--copy-to",
            "labs/pause-tiny/bench",
            "--quick",
            "--first-read",
            "mdbook@0.5.4",
        ])
        .unwrap();
        assert_eq!(cli.command, None);
        assert_eq!(
            cli.bench,
            BenchArgs {
                quick: true,
                first_read: Some("mdbook@0.5.4".into()),
                out: "target/bench".into(),
                copy_to: Some("labs/pause-tiny/bench".into()),
            }
        );
    }

    #[test]
    fn pod_start_takes_optional_runs_then_binary() {
        let command = |args: &[&str]| parse(args).unwrap().command;
        assert_eq!(
            command(&["pod-start"]),
            Some(Command::PodStart {
                runs: 30,
                setns_demo: None
            })
        );
        assert_eq!(
            command(&["pod-start", "5", "/tmp/setns-demo"]),
            Some(Command::PodStart {
                runs: 5,
                setns_demo: Some("/tmp/setns-demo".into())
            })
        );
        assert_eq!(
            command(&["first-read", "mdbook@0.5.4"]),
            Some(Command::FirstRead {
                mdbook: "mdbook@0.5.4".into()
            })
        );
        assert_eq!(
            command(&["make-orphans", "10000"]),
            Some(Command::MakeOrphans { n: 10_000 })
        );
    }

    #[test]
    fn refuses_bad_arguments_saying_which() {
        let (kind, message) = error(&["--bogus"]);
        assert_eq!(kind, ErrorKind::UnknownArgument);
        assert!(
            message.contains("unexpected argument '--bogus'"),
            "{message}"
        );

        let (kind, message) = error(&["--out"]);
        assert_eq!(kind, ErrorKind::InvalidValue);
        assert!(
            message.contains("a value is required for '--out <DIR>'"),
            "{message}"
        );

        let (kind, message) = error(&["pod-start", "many"]);
        assert_eq!(kind, ErrorKind::ValueValidation);
        assert!(
            message.contains("invalid value 'many' for '[RUNS]'"),
            "{message}"
        );

        let (kind, message) = error(&["pod-start", "0"]);
        assert_eq!(kind, ErrorKind::ValueValidation);
        assert!(
            message.contains("invalid value '0' for '[RUNS]'"),
            "{message}"
        );

        let (kind, message) = error(&["first-read", "mdbook"]);
        assert_eq!(kind, ErrorKind::ValueValidation);
        assert!(message.contains("expected CRATE@VERSION"), "{message}");

        let (kind, message) = error(&["--first-read", "@0.5.4"]);
        assert_eq!(kind, ErrorKind::ValueValidation);
        assert!(message.contains("expected CRATE@VERSION"), "{message}");

        let (kind, message) = error(&["make-orphans"]);
        assert_eq!(kind, ErrorKind::MissingRequiredArgument);
        assert!(message.contains("<N>"), "{message}");

        let (kind, message) = error(&["make-orphans", "-3"]);
        assert_eq!(kind, ErrorKind::UnknownArgument);
        assert!(message.contains("unexpected argument '-3'"), "{message}");

        let (kind, message) = error(&["pod-start", "5", "/tmp/demo", "extra"]);
        assert_eq!(kind, ErrorKind::UnknownArgument);
        assert!(message.contains("unexpected argument 'extra'"), "{message}");
    }

    #[test]
    fn bench_flags_do_not_mix_with_a_subcommand() {
        let (kind, message) = error(&["--quick", "pod-start"]);
        assert_eq!(kind, ErrorKind::ArgumentConflict);
        assert!(
            message.contains("the subcommand 'pod-start' cannot be used with '--quick'"),
            "{message}"
        );
    }

    #[test]
    fn help_lists_the_parts_but_not_the_orphan_maker() {
        let help = Cli::command().render_help().to_string();
        for shown in [
            "pod-start",
            "first-read",
            "--quick",
            "--first-read",
            "--out",
            "--copy-to",
        ] {
            assert!(help.contains(shown), "{shown} missing from:\n{help}");
        }
        assert!(!help.contains("make-orphans"), "{help}");
    }
}
