//! The demo's three images, built `FROM scratch` with no registry:
//!
//! - pause: our static Rust pause, as Kubernetes ships its own;
//! - nginx: Debian's `/usr/sbin/nginx` with the libraries `ldd` names and
//!   the loader, the seed's `nginx.conf`, and the files nginx needs at start;
//! - blog: `tiny-blog` (standing in for Ghost) and the in-pod tools
//!   `pod-ps`, `pod-ns` and `pod-ipc`, all static.

use std::fs;
use std::path::{Path, PathBuf};

use crate::docker::docker;
use crate::error::{Error, Result};

/// The label every image we build carries, so they can be found and removed.
pub const LABEL: &str = "org.pause-book.demo";

/// The repositories of the three images; the tag tells runs apart.
pub const PAUSE_REPO: &str = "pause-book/pause";
pub const NGINX_REPO: &str = "pause-book/nginx";
pub const BLOG_REPO: &str = "pause-book/tiny-blog";

/// Where nginx expects its binary (Debian's package `nginx-light`).
pub const NGINX_BINARY: &str = "/usr/sbin/nginx";

/// The names (`repo:tag`) of one set of demo images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSet {
    pub tag: String,
    pub pause: String,
    pub nginx: String,
    pub blog: String,
}

impl ImageSet {
    pub fn tagged(tag: &str) -> ImageSet {
        ImageSet {
            tag: tag.to_string(),
            pause: format!("{PAUSE_REPO}:{tag}"),
            nginx: format!("{NGINX_REPO}:{tag}"),
            blog: format!("{BLOG_REPO}:{tag}"),
        }
    }

    pub fn names(&self) -> [&str; 3] {
        [&self.pause, &self.nginx, &self.blog]
    }
}

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A build context directory, removed when dropped (public: the real-node
/// lab builds the same images for containerd and Podman).
pub struct Context(pub PathBuf);

impl Context {
    pub fn new(what: &str) -> Result<Context> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("pause-book-{what}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|source| Error::Io {
            action: "create",
            path: dir.clone(),
            source,
        })?;
        Ok(Context(dir))
    }

    /// Copies `from` (following symlinks, like `cp -L`) to `to` inside.
    pub fn copy(&self, from: &Path, to: &str) -> Result<()> {
        let dest = self.0.join(to.trim_start_matches('/'));
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|source| Error::Io {
                action: "create",
                path: parent.to_path_buf(),
                source,
            })?;
        }
        fs::copy(from, &dest)
            .map(|_| ())
            .map_err(|source| Error::Io {
                action: "copy into the image",
                path: from.to_path_buf(),
                source,
            })
    }

    pub fn mkdir(&self, path: &str) -> Result<()> {
        let dir = self.0.join(path.trim_start_matches('/'));
        fs::create_dir_all(&dir).map_err(|source| Error::Io {
            action: "create",
            path: dir,
            source,
        })
    }

    fn build(&self, name: &str) -> Result<()> {
        let label = format!("{LABEL}=1");
        docker([
            "build",
            "--quiet",
            "--label",
            &label,
            "--tag",
            name,
            &self.0.to_string_lossy(),
        ])
        .map(|_| ())
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn static_binary(package: &str, bin: &str) -> Result<PathBuf> {
    Ok(testkit::workspace_static_binary(package, bin)?)
}

/// The files of the nginx image's root, gathered from this machine.
pub fn nginx_context() -> Result<Context> {
    let binary = Path::new(NGINX_BINARY);
    if !binary.is_file() {
        return Err(Error::Missing {
            what: NGINX_BINARY.into(),
            fix: "install Debian's nginx (apt-get install nginx-light)",
        });
    }
    let libraries = testkit::elf::shared_libraries(binary)?;
    let context = Context::new("nginx")?;
    let dir = crate_dir().join("images");
    context.copy(&dir.join("nginx/Dockerfile"), "Dockerfile")?;
    context.copy(binary, "rootfs/usr/sbin/nginx")?;
    for library in libraries {
        context.copy(&library, &format!("rootfs{}", library.display()))?;
    }
    context.copy(&dir.join("nginx/nginx.conf"), "rootfs/etc/nginx/nginx.conf")?;
    // Workers run as nobody:nogroup; nginx looks both up by name at start.
    context.copy(&dir.join("passwd"), "rootfs/etc/passwd")?;
    context.copy(&dir.join("group"), "rootfs/etc/group")?;
    // Temp files go under /var/lib/nginx, the PID file into /run.
    context.mkdir("rootfs/var/lib/nginx")?;
    context.mkdir("rootfs/run")?;
    Ok(context)
}

pub fn pause_context() -> Result<Context> {
    let context = Context::new("pause")?;
    context.copy(&crate_dir().join("images/pause/Dockerfile"), "Dockerfile")?;
    context.copy(&static_binary("pause", "pause")?, "pause")?;
    Ok(context)
}

pub fn blog_context() -> Result<Context> {
    let context = Context::new("blog")?;
    let dir = crate_dir().join("images");
    context.copy(&dir.join("blog/Dockerfile"), "Dockerfile")?;
    for bin in ["tiny-blog", "pod-ps", "pod-ns", "pod-ipc"] {
        context.copy(
            &static_binary("tiny-blog", bin)?,
            &format!("rootfs/usr/local/bin/{bin}"),
        )?;
    }
    context.copy(&dir.join("passwd"), "rootfs/etc/passwd")?;
    context.copy(&dir.join("group"), "rootfs/etc/group")?;
    Ok(context)
}

/// Builds the three images under the names of `set`.
pub fn build(set: &ImageSet) -> Result<()> {
    pause_context()?.build(&set.pause)?;
    nginx_context()?.build(&set.nginx)?;
    blog_context()?.build(&set.blog)?;
    Ok(())
}

/// Removes the tags of `set` (the layers go when no tag is left).
pub fn remove(set: &ImageSet) -> Result<()> {
    let mut errors = Vec::new();
    for name in set.names() {
        if let Err(e) = docker(["rmi", name]) {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Several(errors))
    }
}

/// The names (`repo:tag`) of every demo image on the engine.
pub fn list_built() -> Result<Vec<String>> {
    let filter = format!("label={LABEL}");
    Ok(docker([
        "images",
        "--filter",
        &filter,
        "--format",
        "{{.Repository}}:{{.Tag}}",
    ])?
    .lines()
    .map(str::to_string)
    .filter(|name| !name.ends_with(":<none>"))
    .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names_share_the_tag() {
        let set = ImageSet::tagged("demo");
        assert_eq!(
            set.names(),
            [
                "pause-book/pause:demo",
                "pause-book/nginx:demo",
                "pause-book/tiny-blog:demo"
            ]
        );
    }
}
