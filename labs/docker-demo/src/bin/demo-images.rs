//! `demo-images [--tag TAG] [--remove]`: builds (or removes) the demo's
//! images `pause-book/{pause,nginx,tiny-blog}:TAG` (default tag `demo`,
//! the names `commands/demo.sh` uses). Run by `cargo xtask images`.

use docker_demo::images::{ImageSet, build, remove};

const USAGE: &str = "usage: demo-images [--tag TAG] [--remove]";

fn main() {
    let mut tag = "demo".to_string();
    let mut removing = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tag" => match args.next() {
                Some(value) if !value.is_empty() => tag = value,
                _ => fail(&format!("--tag needs a value\n{USAGE}")),
            },
            "--remove" => removing = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let set = ImageSet::tagged(&tag);
    let result = if removing { remove(&set) } else { build(&set) };
    match result {
        Ok(()) => {
            for name in set.names() {
                println!("{} {name}", if removing { "removed" } else { "built" });
            }
        }
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("demo-images: {message}");
    std::process::exit(1);
}
