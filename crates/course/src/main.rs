//! `cargo run -p course -- exercise ...`: the same commands as `cargo xtask`.

fn main() {
    std::process::exit(course::main_with(std::env::args_os()));
}
