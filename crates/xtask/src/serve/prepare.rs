//! What the first page waits for, done side by side under one progress bar:
//! installing the pinned mdbook (when it is missing) and compiling the
//! book's preprocessors. Run one after the other, the two left a core idle
//! through each one's slow tail; together they keep both busy.
//!
//! Each preprocessor is compiled on its own, exactly as mdBook will run it
//! (`cargo run --package X`): compiled together, cargo would unify their
//! dependencies' features, and the first `cargo run` would compile again.

use crate::tools::{self, InstallEvent};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The packages book.toml runs through cargo: `[preprocessor.claims]`,
/// mermaid fences (as `cargo xtask serve` runs them) and `[output.zh-search]`.
pub const PREPROCESSORS: [&str; 3] = ["mdbook-claims", "mermaid-fence", "zh-search"];

/// Which of the two jobs an event comes from.
#[derive(Clone, Copy)]
enum Job {
    Install,
    Preprocessors,
}

/// Cargo's progress of one job: crates built, crates in all, compiling now.
#[derive(Default)]
struct Progress {
    done: u64,
    total: u64,
    building: String,
}

/// Installs mdbook if it is missing while the preprocessors compile.
pub fn prepare(root: &Path) -> anyhow::Result<()> {
    let missing = tools::missing_tools(&[tools::MDBOOK]).pop();
    match &missing {
        Some((tool, found)) => {
            let why = match found {
                Some(version) => format!("{version} is installed"),
                None => "it is not installed".into(),
            };
            println!(
                "Installing mdbook {} ({why}) and compiling the book's preprocessors: \
                 only the first time, about 2 minutes on 2 cores.",
                tool.version
            );
        }
        None => println!("Compiling the book's preprocessors if they changed..."),
    }
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed:>4} [{bar:30}] {pos}/{len} crates, about {eta} left: {wide_msg}",
        )
        .context("the progress bar's template")?
        .progress_chars("=> "),
    );
    bar.enable_steady_tick(Duration::from_millis(250));
    let started = Instant::now();
    let (send, events) = mpsc::channel::<(Job, InstallEvent)>();

    let (installed, compiled) = std::thread::scope(|scope| {
        let install = missing.map(|(tool, _)| {
            let send = send.clone();
            scope.spawn(move || {
                tools::install_tools(&[tool], &mut |event| {
                    let _ = send.send((Job::Install, event));
                })
            })
        });
        let compile = {
            let send = send.clone();
            scope.spawn(move || compile_preprocessors(root, &send))
        };
        drop(send);
        draw(&bar, events);
        let installed = match install {
            Some(thread) => thread
                .join()
                .map(|result| result.map_err(anyhow::Error::from)),
            None => Ok(Ok(())),
        };
        (installed, compile.join())
    });
    bar.finish_and_clear();
    let joined = |what: &str| anyhow::anyhow!("{what} stopped with a panic; run again");
    installed.map_err(|_| joined("the mdbook install"))??;
    compiled.map_err(|_| joined("compiling the preprocessors"))??;
    if started.elapsed() >= Duration::from_secs(2) {
        println!("Ready in {}.", super::labs::took(started));
    }
    Ok(())
}

/// `cargo build --package X` for each preprocessor, one after the other;
/// its progress counts on from the builds before it.
fn compile_preprocessors(
    root: &Path,
    send: &mpsc::Sender<(Job, InstallEvent)>,
) -> anyhow::Result<()> {
    let mut before = 0;
    for package in PREPROCESSORS {
        let mut last_total = 0;
        let mut cargo = testkit::run::cargo();
        cargo
            .current_dir(root)
            .args(["build", "--package", package]);
        let (status, lines) = tools::follow_cargo(&mut cargo, &mut |event| {
            let event = match event {
                InstallEvent::Progress {
                    done,
                    total,
                    building,
                } => {
                    last_total = total;
                    InstallEvent::Progress {
                        done: before + done,
                        total: before + total,
                        building,
                    }
                }
                line => line,
            };
            let _ = send.send((Job::Preprocessors, event));
        })
        .with_context(|| format!("cannot compile the book's preprocessor {package}"))?;
        if !status.success() {
            let errors: Vec<&str> = lines
                .iter()
                .map(String::as_str)
                .skip_while(|line| !line.starts_with("error"))
                .take(30)
                .collect();
            anyhow::bail!(
                "compiling the book's preprocessor {package} failed ({status}):\n{}\n\
                 `cargo build --package {package}` shows it all",
                errors.join("\n")
            );
        }
        before += last_total;
    }
    Ok(())
}

/// Draws both jobs' progress as one bar until both have ended; errors are
/// printed above it at once, the rest of cargo's output is kept for a failure.
fn draw(bar: &ProgressBar, events: mpsc::Receiver<(Job, InstallEvent)>) {
    let mut jobs = [Progress::default(), Progress::default()];
    for (job, event) in events {
        match event {
            InstallEvent::Progress {
                done,
                total,
                building,
            } => {
                jobs[job as usize] = Progress {
                    done,
                    total,
                    building,
                };
                let [install, preprocessors] = &jobs;
                bar.set_length(install.total + preprocessors.total);
                bar.set_position(install.done + preprocessors.done);
                let message: Vec<String> = [("mdbook", install), ("preprocessors", preprocessors)]
                    .into_iter()
                    .filter(|(_, job)| !job.building.is_empty() && job.done < job.total)
                    .map(|(name, job)| format!("{name}: {}", job.building))
                    .collect();
                bar.set_message(message.join(" | "));
            }
            InstallEvent::Line(line) if line.starts_with("error") => bar.println(line),
            InstallEvent::Line(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every package book.toml (or serve, for mermaid) runs through cargo is
    /// compiled ahead, and nothing else: a preprocessor added to book.toml
    /// and not here would compile during the first build, unseen.
    #[test]
    fn the_preprocessors_are_those_the_book_runs() {
        let root = crate::serve::repo_root();
        let book = std::fs::read_to_string(root.join("book.toml")).unwrap();
        let zh_search = std::fs::read_to_string(root.join("crates/zh-search/run.sh")).unwrap();
        let mut run: Vec<&str> = [book.as_str(), super::super::MERMAID_FENCE]
            .iter()
            .flat_map(|text| text.split("--package ").skip(1))
            .filter_map(|rest| rest.split_whitespace().next())
            .map(|name| name.trim_matches('"'))
            .collect();
        assert!(book.contains("crates/zh-search/run.sh"), "book.toml");
        assert!(zh_search.contains("cargo run"), "run.sh");
        run.push("zh-search");
        run.sort_unstable();
        let mut ahead = PREPROCESSORS.to_vec();
        ahead.sort_unstable();
        assert_eq!(run, ahead);
    }
}
