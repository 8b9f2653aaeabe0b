//! `cargo xtask <task>`: the project's task runner.
//!
//! Each task lives in a module of its own; this file only dispatches.

mod bench;
mod image;
mod images;
mod serve;
mod test;
mod tools;

const USAGE: &str = "\
usage: cargo xtask <task> [options]

tasks:
  serve [--port N] [--open]   install the pinned book tools if needed, then serve the book
  test                        run every test of the project (what CI runs)
  image                       build the pause-rs image (static binary, FROM scratch)
  images                      build the Docker demo's images
  bench [--quick]             measure pause's footprint against its peers
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((task, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        std::process::exit(2);
    };
    let result = match task.as_str() {
        "serve" => serve::run(rest),
        "test" => test::run(rest),
        "image" => image::run(rest),
        "images" => images::run(rest),
        "bench" => bench::run(rest),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown task {other:?}\n{USAGE}")),
    };
    if let Err(message) = result {
        eprintln!("xtask {task}: {message}");
        std::process::exit(1);
    }
}
