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
    pub fn new(what: &str) -> Result<Context, String> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static COUNT: AtomicU32 = AtomicU32::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("pause-book-{what}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
        Ok(Context(dir))
    }

    /// Copies `from` (following symlinks, like `cp -L`) to `to` inside.
    pub fn copy(&self, from: &Path, to: &str) -> Result<(), String> {
        let dest = self.0.join(to.trim_start_matches('/'));
        if let Some(parent) = dest.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("create {}: {e}", parent.display()))?;
        }
        fs::copy(from, &dest)
            .map(|_| ())
            .map_err(|e| format!("copy {} to {}: {e}", from.display(), dest.display()))
    }

    pub fn mkdir(&self, path: &str) -> Result<(), String> {
        let dir = self.0.join(path.trim_start_matches('/'));
        fs::create_dir_all(&dir).map_err(|e| format!("create {}: {e}", dir.display()))
    }

    fn build(&self, name: &str) -> Result<(), String> {
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

fn static_binary(package: &str, bin: &str) -> Result<PathBuf, String> {
    testkit::workspace_static_binary(package, bin).map_err(|e| e.to_string())
}

/// The shared libraries and the loader in `ldd`'s output, as absolute paths.
pub use testkit::elf::parse_ldd;

/// The files of the nginx image's root, gathered from this machine.
pub fn nginx_context() -> Result<Context, String> {
    let binary = Path::new(NGINX_BINARY);
    if !binary.is_file() {
        return Err(format!(
            "{NGINX_BINARY} is missing: install Debian's nginx (apt-get install nginx-light)"
        ));
    }
    let libraries = testkit::elf::shared_libraries(binary).map_err(String::from)?;
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

pub fn pause_context() -> Result<Context, String> {
    let context = Context::new("pause")?;
    context.copy(&crate_dir().join("images/pause/Dockerfile"), "Dockerfile")?;
    context.copy(&static_binary("pause", "pause")?, "pause")?;
    Ok(context)
}

pub fn blog_context() -> Result<Context, String> {
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
pub fn build(set: &ImageSet) -> Result<(), String> {
    pause_context()?.build(&set.pause)?;
    nginx_context()?.build(&set.nginx)?;
    blog_context()?.build(&set.blog)?;
    Ok(())
}

/// Removes the tags of `set` (the layers go when no tag is left).
pub fn remove(set: &ImageSet) -> Result<(), String> {
    let mut errors = Vec::new();
    for name in set.names() {
        if let Err(e) = docker(["rmi", name]) {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

/// The names (`repo:tag`) of every demo image on the engine.
pub fn list_built() -> Result<Vec<String>, String> {
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
    fn ldd_output_gives_libraries_and_loader() {
        let text = "\tlinux-vdso.so.1 (0x00007ffd)\n\
                    \tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x00007f6c)\n\
                    \tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f6c)\n\
                    \t/lib64/ld-linux-x86-64.so.2 (0x00007f6c)\n";
        assert_eq!(
            parse_ldd(text),
            [
                PathBuf::from("/lib/x86_64-linux-gnu/libz.so.1"),
                PathBuf::from("/lib/x86_64-linux-gnu/libc.so.6"),
                PathBuf::from("/lib64/ld-linux-x86-64.so.2"),
            ]
        );
    }

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
