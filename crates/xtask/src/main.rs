//! `cargo xtask <task>`: the project's task runner.
//!
//! Each task lives in a module of its own with an `Args` struct (its flags,
//! parsed by clap) and a `run(Args)`. Adding a task takes three lines here:
//! `mod`, a variant of [`Task`] (its doc comment is the one-line help) and an
//! arm in [`main`].

mod bench;
mod demo_images;
mod pause_image;
mod serve;
mod test;

use xtask::tools;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "The pause book's tasks: serve the book, run every test, build images, benchmark"
)]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Install the pinned book tools if needed, then serve the book
    Serve(serve::Args),
    /// Run every test of the project (what CI runs)
    Test(test::Args),
    /// Build the pause-rs image: a static pause, FROM scratch
    #[command(alias = "image")]
    PauseImage(pause_image::Args),
    /// Build the Docker demo's images (pause, nginx, tiny-blog), FROM scratch
    #[command(alias = "images")]
    DemoImages(demo_images::Args),
    /// Measure pause's footprint against its peers
    Bench(bench::Args),
    /// The course: list, check, hint, reset, watch, next (crates/course)
    Exercise(course::cli::ExerciseArgs),
    /// Write a student edition: exercises in starter form, no solutions
    StudentEdition(course::cli::EditionArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::Serve(args) => serve::run(args),
        Task::Test(args) => test::run(args),
        Task::PauseImage(args) => pause_image::run(args),
        Task::DemoImages(args) => demo_images::run(args),
        Task::Bench(args) => bench::run(args),
        // The course prints its own verdicts and errors, in the reader's language.
        Task::Exercise(args) => std::process::exit(course::cli::run_exercise(args)),
        Task::StudentEdition(args) => std::process::exit(course::cli::run_edition(args)),
    };
    if let Err(error) = result {
        // `{:#}` prints the whole context chain: "what failed: because ...".
        eprintln!("error: {error:#}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_lists_every_task_on_one_line() {
        let help = Cli::command().render_help().to_string();
        for task in [
            "serve",
            "test",
            "pause-image",
            "demo-images",
            "bench",
            "exercise",
            "student-edition",
        ] {
            let line = help
                .lines()
                .find(|line| line.trim_start().starts_with(&format!("{task} ")))
                .unwrap_or_else(|| panic!("{task} missing from --help:\n{help}"));
            assert!(line.split_whitespace().count() > 2, "{task} has no help");
        }
    }

    #[test]
    fn old_task_names_still_work() {
        let parsed = Cli::try_parse_from(["cargo xtask", "image", "--tag", "x:y"]).unwrap();
        assert!(matches!(parsed.task, Task::PauseImage(_)));
        let parsed = Cli::try_parse_from(["cargo xtask", "images", "--remove"]).unwrap();
        assert!(matches!(parsed.task, Task::DemoImages(_)));
    }

    #[test]
    fn unknown_tasks_and_flags_are_refused() {
        assert!(Cli::try_parse_from(["cargo xtask", "deploy"]).is_err());
        assert!(Cli::try_parse_from(["cargo xtask", "test", "--fast"]).is_err());
    }
}
