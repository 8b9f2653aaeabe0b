//! `demo-images [--tag TAG] [--remove]`: builds (or removes) the demo's
//! images `pause-book/{pause,nginx,tiny-blog}:TAG` (default tag `demo`,
//! the names `commands/demo.sh` uses). Run by `cargo xtask demo-images`.

use clap::Parser;
use docker_demo::images::{ImageSet, build, remove};

/// Builds the demo's three images FROM scratch, offline, or removes them.
#[derive(Debug, Parser)]
#[command(name = "demo-images")]
struct Args {
    /// The tag of the three images
    #[arg(long, default_value = "demo", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    tag: String,
    /// Remove the images of that tag instead of building them
    #[arg(long)]
    remove: bool,
}

fn main() {
    let args = Args::parse();
    let set = ImageSet::tagged(&args.tag);
    let result = if args.remove {
        remove(&set)
    } else {
        build(&set)
    };
    if let Err(error) = result {
        eprintln!("demo-images: {error}");
        std::process::exit(1);
    }
    for name in set.names() {
        println!("{} {name}", if args.remove { "removed" } else { "built" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_their_errors() {
        let args = Args::try_parse_from(["demo-images"]).unwrap();
        assert_eq!((args.tag.as_str(), args.remove), ("demo", false));
        let args = Args::try_parse_from(["demo-images", "--tag", "t1", "--remove"]).unwrap();
        assert_eq!((args.tag.as_str(), args.remove), ("t1", true));
        let empty = Args::try_parse_from(["demo-images", "--tag", ""]).unwrap_err();
        assert!(empty.to_string().contains("--tag"), "{empty}");
        let unknown = Args::try_parse_from(["demo-images", "--bogus"]).unwrap_err();
        assert!(unknown.to_string().contains("--bogus"), "{unknown}");
    }
}
