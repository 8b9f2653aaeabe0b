//! `cargo xtask demo-images` (formerly `images`): the Docker demo's three
//! images, built offline.
//!
//! The work is done by the `demo-images` binary of `labs/docker-demo`
//! (std only, so this is quick to build; testcontainers is only a
//! dev-dependency of that crate): pause from our static Rust pause, Debian's
//! nginx with the seed's nginx.conf, and tiny-blog with the in-pod tools,
//! each `FROM scratch`, tagged `pause-book/{pause,nginx,tiny-blog}:demo`,
//! the names the chapter's commands (labs/docker-demo/commands/demo.sh) use.

use anyhow::Context;

use crate::serve::repo_root;

/// `cargo xtask demo-images`' flags.
#[derive(Debug, clap::Args)]
#[command(
    long_about = "Builds pause-book/pause, pause-book/nginx and pause-book/tiny-blog \
(tag: demo) FROM scratch, with no registry."
)]
pub struct Args {
    /// Tag the three images TAG instead of demo
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
    /// Delete the three image tags instead of building them
    #[arg(long)]
    remove: bool,
}

/// The arguments `demo-images` takes for these flags.
fn forwarded(args: &Args) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(tag) = &args.tag {
        out.extend(["--tag".to_string(), tag.clone()]);
    }
    if args.remove {
        out.push("--remove".into());
    }
    out
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let status = testkit::run::cargo()
        .current_dir(repo_root())
        .args(["run", "--quiet", "--package", "docker-demo"])
        .args(["--bin", "demo-images", "--"])
        .args(forwarded(&args))
        .status()
        .context("cannot run cargo")?;
    anyhow::ensure!(status.success(), "demo-images failed ({status})");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_reach_the_image_builder() {
        let args = Args {
            tag: Some("t1".into()),
            remove: true,
        };
        assert_eq!(forwarded(&args), ["--tag", "t1", "--remove"]);
        let none = Args {
            tag: None,
            remove: false,
        };
        assert!(forwarded(&none).is_empty());
    }
}
