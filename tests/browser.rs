//! The built book in headless Chromium: diagrams render, the language switch
//! leads to the twin and back, no page logs to the console. Screenshots of
//! one page per language are kept under target/screenshots/.

use book_tests::build::built_book;
use book_tests::chromium::{self, Visit};
use book_tests::source::{Page, language_pages};
use book_tests::{assert_none, root};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The page shown in the screenshots: the one with the most diagrams.
fn screenshot_page(pages: &[Page]) -> String {
    pages
        .iter()
        .filter(|p| p.path.starts_with("zh/"))
        .max_by_key(|p| (p.mermaid_blocks().len(), p.claim_ids().len()))
        .map(|p| {
            p.path
                .trim_start_matches("zh/")
                .trim_end_matches(".md")
                .to_string()
        })
        .unwrap_or_else(|| "index".to_string())
}

struct Site {
    dir: PathBuf,
    pages: Vec<Page>,
    /// Built page (`zh/x.html`) -> what Chromium made of it.
    visits: BTreeMap<String, Result<Visit, String>>,
}

/// Whether Chromium visits this page. Every page is visited: a page's script
/// depends on its content (Rust blocks, languages, diagrams), so a page left
/// out could log errors unseen. Each visit takes about 2.5 s (mostly
/// Chromium's start and shutdown).
fn visited(_page: &Page) -> bool {
    true
}

/// Visits the chosen pages of both languages (and the landing page) once per
/// test binary, three Chromiums at a time.
fn site() -> Option<&'static Site> {
    static SITE: OnceLock<Option<Site>> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = built_book("browser")?;
        testkit::require("chromium", chromium::available())?;
        let pages = language_pages(&root().join("src"));
        let mut queue: Vec<String> = pages
            .iter()
            .filter(|p| visited(p))
            .map(|p| p.path.replace(".md", ".html"))
            .collect();
        queue.push("index.html".to_string());
        let queue = Mutex::new(queue);
        let visits = Mutex::new(BTreeMap::new());
        std::thread::scope(|scope| {
            for _ in 0..3 {
                scope.spawn(|| {
                    loop {
                        // Not in the `while let` scrutinee: its lock guard
                        // would live through the visit.
                        let next = queue.lock().unwrap().pop();
                        let Some(page) = next else { break };
                        let visit = visit_page(&dir.join(&page));
                        visits.lock().unwrap().insert(page, visit);
                    }
                });
            }
        });
        Some(Site {
            dir,
            pages,
            visits: visits.into_inner().unwrap(),
        })
    })
    .as_ref()
}

/// Whether Chromium finished the page: the whole document is there and every
/// diagram went through mermaid (rendered or marked as an error).
fn complete(visit: &Visit) -> bool {
    let diagrams = visit.dom.matches("<pre class=\"mermaid\"").count();
    visit.dom.contains("</html>")
        && visit.dom.matches("data-processed=\"true\"").count() >= diagrams
}

/// Dumps a page; on a busy machine Chromium may end before the page is done
/// (or time out), so an incomplete visit is retried once, and said so.
fn visit_page(file: &Path) -> Result<Visit, String> {
    let first = chromium::dump_dom(file);
    if first.as_ref().is_ok_and(complete) {
        return first;
    }
    eprintln!("{}: incomplete visit, trying once more", file.display());
    chromium::dump_dom(file)
}

fn visit<'a>(site: &'a Site, page: &str) -> &'a Visit {
    match site.visits.get(page) {
        Some(Ok(visit)) => visit,
        Some(Err(message)) => panic!("{message}"),
        None => panic!("{page} was not visited"),
    }
}

#[test]
fn every_mermaid_block_renders_an_svg_without_error() {
    let Some(site) = site() else { return };
    let mut problems = Vec::new();
    let mut rendered = 0;
    for page in &site.pages {
        let expected = page.mermaid_blocks();
        if expected.is_empty() {
            continue;
        }
        let built = page.path.replace(".md", ".html");
        let svgs = chromium::mermaid_svgs(&visit(site, &built).dom);
        if svgs.len() != expected.len() {
            problems.push(format!(
                "{built}: {} mermaid blocks in {} but {} in the page",
                expected.len(),
                page.source_file(),
                svgs.len()
            ));
        }
        for (svg, block) in svgs.iter().zip(&expected) {
            if svg.is_empty() {
                problems.push(format!(
                    "{}:{}: the diagram did not render (no <svg>)",
                    page.source_file(),
                    block.line
                ));
            } else if svg.contains("aria-roledescription=\"error\"") {
                problems.push(format!(
                    "{}:{}: mermaid reports a syntax error",
                    page.source_file(),
                    block.line
                ));
            } else {
                rendered += 1;
            }
        }
    }
    assert_none("diagrams that did not render", &problems);
    eprintln!("{rendered} diagrams rendered");
}

/// Where `href` on `page` (both relative to the site) leads.
fn resolve(page: &str, href: &str) -> String {
    let base = Path::new(page).parent().unwrap_or(Path::new(""));
    let mut parts: Vec<String> = Vec::new();
    for part in base.join(href.split('#').next().unwrap_or_default()).iter() {
        match part.to_str().unwrap_or_default() {
            ".." => {
                parts.pop();
            }
            "." => {}
            other => parts.push(other.to_string()),
        }
    }
    parts.join("/")
}

/// The page's DOM after Chromium if it was visited, else its built HTML.
fn html_of(site: &Site, page: &str) -> String {
    match site.visits.get(page) {
        Some(_) => visit(site, page).dom.clone(),
        None => std::fs::read_to_string(site.dir.join(page)).unwrap_or_default(),
    }
}

#[test]
fn language_switch_leads_to_the_twin_and_back() {
    let Some(site) = site() else { return };
    let mut problems = Vec::new();
    for page in site.pages.iter().filter(|p| p.path.starts_with("zh/")) {
        let zh = page.path.replace(".md", ".html");
        let en = zh.replacen("zh/", "en/", 1);
        let Some(forth) = chromium::language_switch_href(&html_of(site, &zh)) else {
            problems.push(format!("{zh}: no language switch (#lang-switch a)"));
            continue;
        };
        if resolve(&zh, &forth) != en || !site.dir.join(&en).is_file() {
            problems.push(format!("{zh}: the switch leads to {forth:?}, not to {en}"));
            continue;
        }
        match chromium::language_switch_href(&html_of(site, &en)) {
            Some(back) if resolve(&en, &back) == zh => {}
            other => problems.push(format!(
                "{en}: the switch leads to {other:?}, not back to {zh}"
            )),
        }
    }
    assert_none("language switches", &problems);
    let in_browser = site.visits.keys().filter(|p| p.starts_with("zh/")).count();
    assert!(in_browser > 0, "no zh page was checked in the browser");
}

#[test]
fn pages_declare_their_language() {
    let Some(site) = site() else { return };
    let mut problems = Vec::new();
    for (page, result) in &site.visits {
        let Ok(visit) = result else { continue };
        let expected = match page.split('/').next() {
            Some("en") => "en",
            _ => "zh",
        };
        let html_tag = visit
            .dom
            .find("<html")
            .map(|at| &visit.dom[at..])
            .and_then(|rest| rest.find('>').map(|end| &rest[..end]));
        if !html_tag.is_some_and(|tag| tag.contains(&format!("lang=\"{expected}\""))) {
            problems.push(format!(
                "{page}: {html_tag:?} should say lang=\"{expected}\""
            ));
        }
    }
    assert_none(
        "pages in the wrong language (theme/page-lang.js)",
        &problems,
    );
}

#[test]
fn callouts_on_chinese_pages_have_chinese_titles() {
    let Some(site) = site() else { return };
    let english = ["Note", "Tip", "Important", "Warning", "Caution"];
    // The titles the preface names for the zh boxes (Note is 说明, not 注意).
    let chinese = ["说明", "提示", "重要", "警告", "当心"];
    let mut problems = Vec::new();
    let mut callouts = 0;
    for (page, result) in &site.visits {
        let Ok(visit) = result else { continue };
        for title in visit.dom.split("class=\"blockquote-tag-title\"").skip(1) {
            let label = title
                .split_once("</svg>")
                .and_then(|(_, rest)| rest.split_once("</p>"))
                .map(|(label, _)| label.trim())
                .unwrap_or("");
            if page.starts_with("zh/") {
                callouts += 1;
                if !chinese.contains(&label) {
                    problems.push(format!("{page}: callout titled {label:?}"));
                }
            } else if page.starts_with("en/") && !english.contains(&label) {
                problems.push(format!("{page}: callout titled {label:?}"));
            }
        }
    }
    assert_none(
        "callout titles in the wrong language (theme/page-lang.js)",
        &problems,
    );
    assert!(
        callouts > 0,
        "no callout on a zh page was checked in the browser"
    );
}

#[test]
fn no_page_logs_to_the_console() {
    let Some(site) = site() else { return };
    let problems: Vec<String> = site
        .visits
        .keys()
        .flat_map(|page| {
            visit(site, page)
                .console
                .iter()
                .map(move |line| format!("{page}: {line}"))
        })
        .collect();
    let hint = if problems
        .iter()
        .any(|p| p.contains("Could not find the language"))
    {
        " (a ```lang that mdBook's highlight.js does not know: use one it knows, e.g. text, sh, rust, c, yaml, toml, json, ini)"
    } else {
        ""
    };
    assert_none(
        &format!("console messages (a clean page logs none){hint}"),
        &problems,
    );
}

#[test]
fn screenshots_of_one_page_per_language() {
    let Some(site) = site() else { return };
    let stem = screenshot_page(&site.pages);
    let out_dir = root().join("target").join("screenshots");
    // Start afresh: the chosen page changes as chapters grow diagrams.
    let _ = std::fs::remove_dir_all(&out_dir);
    std::fs::create_dir_all(&out_dir).expect("create target/screenshots");
    for lang in ["zh", "en"] {
        let png = out_dir.join(format!("{lang}-{stem}.png"));
        let _ = std::fs::remove_file(&png);
        chromium::screenshot(&site.dir.join(format!("{lang}/{stem}.html")), &png)
            .unwrap_or_else(|m| panic!("{m}"));
        let bytes = std::fs::read(&png)
            .unwrap_or_else(|err| panic!("no screenshot {}: {err}", png.display()));
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "{} is not a real screenshot ({} bytes)",
            png.display(),
            bytes.len()
        );
        eprintln!("screenshot: {}", png.display());
    }
}
