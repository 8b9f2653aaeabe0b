//! Headless Chromium (Debian's `chromium`) on built pages, offline.
//!
//! Flags from the project's machine notes: the /usr/lib binary (the /usr/bin
//! wrapper prints shell noise), no background networking (this machine has no
//! network), a fresh profile per run, a virtual time budget so scripts (mermaid)
//! finish, and always an outer `timeout` (a page can hang Chromium).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where Debian's package puts the real binary.
pub const CHROMIUM: &str = "/usr/lib/chromium/chromium";

/// Ok when Chromium can be run here.
pub fn available() -> Result<(), String> {
    if !Path::new(CHROMIUM).is_file() {
        return Err(format!(
            "{CHROMIUM} not found: install Debian's `chromium` package (cargo xtask test does it as root)"
        ));
    }
    Ok(())
}

/// What Chromium made of a page.
#[derive(Debug)]
pub struct Visit {
    /// The DOM after scripts ran (`--dump-dom`), empty for screenshots.
    pub dom: String,
    /// Console messages (`INFO:CONSOLE` lines): a clean page has none.
    pub console: Vec<String>,
}

/// A fresh profile directory, removed on drop.
struct Profile(PathBuf);

impl Profile {
    fn new() -> Profile {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir = crate::root()
            .join("target")
            .join("chromium-profiles")
            .join(format!("{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a Chromium profile directory");
        Profile(dir)
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(url: &str, mode: &[String]) -> Result<Visit, String> {
    let profile = Profile::new();
    let output = Command::new("timeout")
        .args(["--kill-after=5", "90", CHROMIUM])
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--virtual-time-budget=10000",
            "--enable-logging=stderr",
        ])
        .arg(format!("--user-data-dir={}", profile.0.display()))
        .args(mode)
        .arg(url)
        .output()
        .map_err(|err| format!("cannot run {CHROMIUM} under timeout: {err}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!(
            "Chromium on {url} ended with {} (124: timed out):\n{stderr}",
            output.status
        ));
    }
    Ok(Visit {
        dom: String::from_utf8_lossy(&output.stdout).into_owned(),
        console: stderr
            .lines()
            .filter(|line| line.contains("INFO:CONSOLE"))
            .map(str::to_string)
            .collect(),
    })
}

/// The page's DOM after its scripts ran, and its console messages.
pub fn dump_dom(file: &Path) -> Result<Visit, String> {
    run(&file_url(file), &["--dump-dom".to_string()])
}

/// `dump_dom` of a URL (a page with a query string, say).
pub fn dump_dom_url(url: &str) -> Result<Visit, String> {
    run(url, &["--dump-dom".to_string()])
}

/// Saves a 1280x900 screenshot of the page to `png` (absolute path).
pub fn screenshot(file: &Path, png: &Path) -> Result<Visit, String> {
    run(
        &file_url(file),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,900".to_string(),
        ],
    )
}

pub fn file_url(file: &Path) -> String {
    format!("file://{}", file.display())
}

/// The `<svg ...>` start tags inside `<pre class="mermaid" ...>` elements.
pub fn mermaid_svgs(dom: &str) -> Vec<String> {
    let mut svgs = Vec::new();
    for (at, _) in dom.match_indices("<pre class=\"mermaid\"") {
        let rest = &dom[at..];
        let end = rest.find("</pre>").unwrap_or(rest.len());
        let block = &rest[..end];
        if let Some(svg_at) = block.find("<svg") {
            let tag_end = block[svg_at..]
                .find('>')
                .map_or(block.len(), |e| svg_at + e + 1);
            svgs.push(block[svg_at..tag_end].to_string());
        } else {
            svgs.push(String::new());
        }
    }
    svgs
}

/// The href of the language switch's link (`#lang-switch a`).
pub fn language_switch_href(html: &str) -> Option<String> {
    let at = html.find("id=\"lang-switch\"")?;
    let rest = &html[at..];
    let end = rest.find("</nav>")?;
    crate::links::attribute_values(&rest[..end], "href")
        .into_iter()
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_svgs_in_mermaid_blocks() {
        let dom = r#"<pre class="mermaid" data-processed="true"><svg aria-roledescription="flowchart-v2" id="m0"><g/></svg></pre>
                     <pre class="mermaid">graph TD</pre>"#;
        let svgs = mermaid_svgs(dom);
        assert_eq!(svgs.len(), 2);
        assert!(svgs[0].starts_with("<svg aria-roledescription=\"flowchart-v2\""));
        assert_eq!(svgs[1], "");
    }

    #[test]
    fn finds_the_switch_link() {
        let html = "<nav class=\"lang-switch\" id=\"lang-switch\" lang=\"en\">\n<p><a href=\"../en/x.html\">English</a></p>\n</nav>";
        assert_eq!(language_switch_href(html).as_deref(), Some("../en/x.html"));
        assert_eq!(language_switch_href("<p>none</p>"), None);
    }
}
