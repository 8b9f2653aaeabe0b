//! The command line: `exercise list|check|hint|reset|watch|next` and
//! `student-edition <dir>`.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};

use crate::course::Course;
use crate::error::Error;
use crate::messages::{self, Lang};
use crate::progress::{Progress, State};

#[derive(Parser)]
#[command(
    name = "course",
    about = "The labs as a course: exercises, their checker, the student edition"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Top,
}

#[derive(Debug, Subcommand)]
enum Top {
    /// Work through the exercises: list, check, hint, reset, watch, next
    Exercise(ExerciseArgs),
    /// Write a copy of the project for a class, exercises in starter form
    StudentEdition(EditionArgs),
}

/// `exercise ...` (also `cargo xtask exercise ...`).
#[derive(Debug, clap::Args)]
pub struct ExerciseArgs {
    /// The language to speak (default: from LC_ALL, LC_MESSAGES, LANG)
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
    #[command(subcommand)]
    action: Action,
}

/// `student-edition <dir>` (also `cargo xtask student-edition <dir>`).
#[derive(Debug, clap::Args)]
pub struct EditionArgs {
    /// A new or empty directory
    dir: PathBuf,
    /// The language to speak (default: from LC_ALL, LC_MESSAGES, LANG)
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Every exercise with its lab, chapter, minutes and state
    List,
    /// Build and run exactly the tests that check an exercise
    Check {
        name: String,
        /// Check this file in place of the exercise's module (in a scratch
        /// copy of the project: the tree is not touched)
        #[arg(long)]
        with: Option<PathBuf>,
        /// Show cargo's and the tests' whole output
        #[arg(long, short)]
        verbose: bool,
    },
    /// A hint, from level 1 (a nudge) to 3 (nearly the answer)
    Hint {
        name: String,
        #[arg(long, default_value_t = 1)]
        level: usize,
    },
    /// Put the starter back (your file is kept as a backup)
    Reset { name: String },
    /// Check again on every save
    Watch,
    /// The first exercise not done yet
    Next,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Zh,
    En,
}

impl From<LangArg> for Lang {
    fn from(arg: LangArg) -> Lang {
        match arg {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

/// Runs the command line `args` (the first is the program's name) from the
/// current directory; returns the exit code (0 done, 1 not done or error).
pub fn main_with<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Top::Exercise(args) => run_exercise(args),
        Top::StudentEdition(args) => run_edition(args),
    }
}

/// Runs `exercise ...` from the current directory; the exit code.
pub fn run_exercise(args: ExerciseArgs) -> i32 {
    let lang = Lang::detect(args.lang.map(Lang::from));
    finish(lang, run_action(&cwd(), args.action, lang))
}

/// Runs `student-edition <dir>` from the current directory; the exit code.
pub fn run_edition(args: EditionArgs) -> i32 {
    let lang = Lang::detect(args.lang.map(Lang::from));
    let result = Course::find(&cwd()).and_then(|c| crate::edition::write(&c, &args.dir, lang));
    finish(lang, result.map(|()| true))
}

fn cwd() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

/// 0 done, 1 not done; an error is one line on stderr, in the student's
/// language, then 1.
fn finish(lang: Lang, result: Result<bool, Error>) -> i32 {
    match result {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(error) => {
            eprintln!("{}{}", lang.pick("错误：", "error: "), error.message(lang));
            1
        }
    }
}

fn run_action(cwd: &Path, action: Action, lang: Lang) -> Result<bool, Error> {
    let course = Course::find(cwd)?;
    match action {
        Action::List => {
            print!("{}", list(&course, lang));
            Ok(true)
        }
        Action::Check {
            name,
            with,
            verbose,
        } => {
            let exercise = course.exercise(&name)?;
            let with = with.map(|p| if p.is_absolute() { p } else { cwd.join(p) });
            crate::check::check(&course, exercise, with.as_deref(), lang, verbose)
        }
        Action::Hint { name, level } => {
            let exercise = course.exercise(&name)?;
            let hints = exercise.hints.get(lang);
            if level == 0 || level > hints.len() {
                return Err(Error::NoSuchLevel {
                    level,
                    levels: hints.len(),
                });
            }
            println!("{}", messages::hint_header(lang, &name, level, hints.len()));
            println!("  {}", hints[level - 1]);
            if level < hints.len() {
                println!("{}", messages::hint_more(lang, &name, level + 1));
            }
            Ok(true)
        }
        Action::Reset { name } => {
            let exercise = course.exercise(&name)?;
            reset(&course, exercise, lang)
        }
        Action::Watch => crate::watch::watch(&course, lang),
        Action::Next => {
            let progress = Progress::load(&course.root);
            match course
                .exercises
                .iter()
                .find(|e| progress.state(e, &course.root) != State::Done)
            {
                Some(e) => println!(
                    "{}",
                    messages::next_is(
                        lang,
                        &e.name,
                        e.title.get(lang),
                        e.minutes,
                        &e.module_display()
                    )
                ),
                None => println!("{}", messages::all_done(lang)),
            }
            Ok(true)
        }
    }
}

/// The table of exercises and the course's progress bar.
pub fn list(course: &Course, lang: Lang) -> String {
    let progress = Progress::load(&course.root);
    let header = messages::list_header(lang);
    let mut rows = vec![header.map(String::from)];
    let mut done = 0;
    for e in &course.exercises {
        let state = progress.state(e, &course.root);
        done += usize::from(state == State::Done);
        rows.push([
            format!("{}  {}", e.name, e.title.get(lang)),
            e.lab.clone(),
            e.chapter.clone(),
            e.minutes.to_string(),
            messages::state(lang, state).to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|c| rows.iter().map(|r| display_width(&r[c])).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        for (c, cell) in row.iter().enumerate() {
            out.push_str(cell);
            if c < 4 {
                out.push_str(&" ".repeat(widths[c] - display_width(cell) + 2));
            }
        }
        out.push('\n');
    }
    let total = course.exercises.len();
    let filled = (done * 30).checked_div(total).unwrap_or(0);
    let bar = format!("[{}{}]", "#".repeat(filled), "-".repeat(30 - filled));
    out.push('\n');
    out.push_str(&messages::progress_line(lang, &bar, done, total));
    out.push('\n');
    out
}

/// Columns for a terminal: CJK characters take two cells.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum()
}

pub fn reset(
    course: &Course,
    exercise: &crate::manifest::Exercise,
    lang: Lang,
) -> Result<bool, Error> {
    if !course.student_edition {
        return Err(Error::ResetInFullTree {
            module: exercise.module_display(),
        });
    }
    let starter = exercise.starter_path();
    let text = std::fs::read(&starter).map_err(|source| Error::StarterMissing {
        path: starter
            .strip_prefix(&course.root)
            .unwrap_or(&starter)
            .to_path_buf(),
        source,
    })?;
    let module = exercise.module_path(&course.root);
    let backup = if module.is_file() {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let backup = module.with_extension(format!("rs.{stamp}.bak"));
        std::fs::copy(&module, &backup).map_err(Error::io(&backup))?;
        Some(
            backup
                .strip_prefix(&course.root)
                .unwrap_or(&backup)
                .display()
                .to_string(),
        )
    } else {
        None
    };
    std::fs::write(&module, text).map_err(Error::io(&module))?;
    println!(
        "{}",
        messages::reset_done(lang, &exercise.module_display(), backup.as_deref())
    );
    Ok(true)
}
