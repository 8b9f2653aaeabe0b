//! The lab's images, built `FROM scratch` with no registry: our pause (the
//! sandbox image), a static busybox as the app, and the Docker demo's nginx
//! and blog for Podman's pod. Built with Docker (then saved and imported
//! into containerd) or with Podman under its private storage.

use std::path::{Path, PathBuf};
use std::process::Command;

use docker_demo::images::{Context, blog_context, nginx_context};

use crate::error::{Error, Result};

/// The label on every image we build with Docker, so leftovers can be found.
pub const LABEL: &str = "org.pause-book.real-node";

/// Where Debian's `busybox-static` puts its binary.
pub const BUSYBOX: &str = "/bin/busybox";

/// The pause to put in the image: `$PAUSE_BIN` if set (any static pause),
/// else a static build of the pause lab.
pub fn pause_binary() -> Result<PathBuf> {
    match std::env::var_os("PAUSE_BIN") {
        Some(path) => {
            let path = PathBuf::from(path);
            path.is_file().then_some(path.clone()).ok_or_else(|| {
                Error::missing(
                    format!("PAUSE_BIN={} is not a file", path.display()),
                    "point it at a static pause, or unset it to build the pause lab",
                )
            })
        }
        None => Ok(testkit::workspace_static_binary("pause", "pause")?),
    }
}

fn workspace_file(path: &str) -> PathBuf {
    testkit::workspace_root().join(path)
}

/// The pause image's context: the pause lab's Dockerfile and the binary.
pub fn pause_context() -> Result<Context> {
    let context = Context::new("real-node-pause")?;
    context.copy(&workspace_file("labs/pause/Dockerfile"), "Dockerfile")?;
    context.copy(&pause_binary()?, "pause")?;
    Ok(context)
}

/// The app image's context: busybox alone, started as `/bin/busybox <applet>`.
pub fn busybox_context() -> Result<Context> {
    if !Path::new(BUSYBOX).is_file() {
        return Err(Error::missing(
            format!("{BUSYBOX} is missing"),
            "apt-get install -y busybox-static",
        ));
    }
    let context = Context::new("real-node-busybox")?;
    context.copy(Path::new(BUSYBOX), "busybox")?;
    let dockerfile = "FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT [\"/bin/busybox\"]\n";
    let path = context.0.join("Dockerfile");
    std::fs::write(&path, dockerfile).map_err(Error::io("write", path))?;
    Ok(context)
}

/// The seed's pod's two apps: Debian's nginx and the book's tiny blog.
pub fn nginx_and_blog_contexts() -> Result<(Context, Context)> {
    Ok((nginx_context()?, blog_context()?))
}

/// Runs `program args`, returning stdout or what went wrong.
pub fn run(program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(Error::spawn(
            program,
            format!("is {program} installed and on PATH?"),
        ))?;
    if !out.status.success() {
        return Err(Error::failed(program, args, &out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `docker build` of `context` as `name`, labelled as ours.
pub fn docker_build(context: &Context, name: &str) -> Result<()> {
    let label = format!("{LABEL}=1");
    let dir = context.0.to_string_lossy();
    run(
        "docker",
        &["build", "--quiet", "--label", &label, "--tag", name, &dir],
    )
    .map(|_| ())
}

/// Builds `context` with Docker as `name`, saves it to `tarball` and
/// removes it from Docker again: Docker keeps nothing of ours.
pub fn docker_build_and_save(context: &Context, name: &str, tarball: &Path) -> Result<()> {
    docker_build(context, name)?;
    let saved = run(
        "docker",
        &["save", "--output", &tarball.to_string_lossy(), name],
    );
    let removed = run("docker", &["rmi", "--force", name]);
    saved?;
    removed.map(|_| ())
}

/// Images with our label still in Docker (a leftover check).
pub fn docker_leftovers() -> Vec<String> {
    let filter = format!("label={LABEL}");
    run("docker", &["images", "--quiet", "--filter", &filter])
        .map(|out| out.lines().map(str::to_string).collect())
        .unwrap_or_default()
}
