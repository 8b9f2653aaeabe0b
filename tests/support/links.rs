//! A link checker over built HTML: every local href/src must name a file that
//! exists, and every #fragment an id in that file.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// The values of every `attr` attribute of every start tag in `html`,
/// with character references decoded. html5gum is a WHATWG tokenizer:
/// attribute names are case-insensitive, `data-href` is not `href`, and
/// with its naive state switching, `<script>` and `<style>` text is not
/// markup (enough for mdBook's pages, which need no tree builder).
pub fn attribute_values(html: &str, attr: &str) -> Vec<String> {
    use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
    let mut wanted = false;
    let mut emitter =
        CallbackEmitter::new(move |event: CallbackEvent<'_>, _span: html5gum::Span<()>| {
            match event {
                CallbackEvent::AttributeName { name } => wanted = name == attr.as_bytes(),
                CallbackEvent::AttributeValue { value } if wanted => {
                    return Some(String::from_utf8_lossy(value).into_owned());
                }
                _ => {}
            }
            None
        });
    emitter.naively_switch_states(true);
    // Reading a &str cannot fail: the error type is Infallible.
    html5gum::Tokenizer::new_with_emitter(html, emitter)
        .flatten()
        .collect()
}

/// Decodes %XX escapes (UTF-8).
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn is_external(link: &str) -> bool {
    if link.starts_with("//") {
        return true;
    }
    let scheme_end = link.find(':');
    let first_special = link.find(['/', '?', '#']);
    match (scheme_end, first_special) {
        (Some(colon), Some(special)) => colon < special,
        (Some(_), None) => true,
        _ => false,
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Checks every .html file under `site` (relative paths as given by
/// `pages`); returns one message per broken link, naming page and link.
pub fn broken_links(site: &Path, pages: &[PathBuf]) -> Vec<String> {
    let mut ids_cache: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut ids_of = |file: &Path| -> HashSet<String> {
        ids_cache
            .entry(file.to_path_buf())
            .or_insert_with(|| {
                let html = std::fs::read_to_string(site.join(file)).unwrap_or_default();
                let mut ids: HashSet<String> = attribute_values(&html, "id").into_iter().collect();
                ids.extend(attribute_values(&html, "name"));
                ids
            })
            .clone()
    };
    let mut problems = Vec::new();
    for page in pages {
        let html = match std::fs::read_to_string(site.join(page)) {
            Ok(html) => html,
            Err(err) => {
                problems.push(format!("{}: cannot read: {err}", page.display()));
                continue;
            }
        };
        let mut links = attribute_values(&html, "href");
        links.extend(attribute_values(&html, "src"));
        for link in links {
            if link.is_empty() || is_external(&link) {
                continue;
            }
            let (path_part, fragment) = match link.split_once('#') {
                Some((path, fragment)) => (path, Some(fragment)),
                None => (link.as_str(), None),
            };
            let path_part = path_part.split('?').next().unwrap_or_default();
            let target = if path_part.is_empty() {
                page.clone()
            } else {
                let base = page.parent().unwrap_or(Path::new(""));
                let mut target = normalize(&base.join(percent_decode(path_part)));
                if site.join(&target).is_dir() {
                    target = target.join("index.html");
                }
                target
            };
            if !site.join(&target).is_file() {
                problems.push(format!(
                    "{}: link {link:?} leads to {}, which does not exist",
                    page.display(),
                    target.display()
                ));
                continue;
            }
            if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                let fragment = percent_decode(fragment);
                let is_html = target.extension().is_some_and(|e| e == "html");
                if is_html && !ids_of(&target).contains(&fragment) {
                    problems.push(format!(
                        "{}: link {link:?}: {} has no id {fragment:?}",
                        page.display(),
                        target.display()
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_broken_files_and_anchors_and_accepts_good_ones() {
        let site = crate::scratch_dir("links-unit");
        std::fs::create_dir_all(site.join("zh")).unwrap();
        std::fs::write(
            site.join("zh/a.html"),
            r##"<h1 id="标题">x</h1><a href="b.html#ok">1</a> <a href="b.html#missing">2</a>
               <a href="gone.html">3</a> <a href="#%E6%A0%87%E9%A2%98">4</a> <a href="https://x.org/y">5</a>
               <script src="../js/app.js"></script> <a data-href="nothing.html">6</a>
               <a href="../zh/">7</a> <a href="mailto:a@b">8</a>"##,
        )
        .unwrap();
        std::fs::write(site.join("zh/b.html"), r#"<p id="ok">b</p>"#).unwrap();
        std::fs::write(site.join("zh/index.html"), "").unwrap();
        let problems = broken_links(&site, &[PathBuf::from("zh/a.html")]);
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].contains("has no id \"missing\""),
            "{}",
            problems[0]
        );
        assert!(problems[1].contains("gone.html"), "{}", problems[1]);
        assert!(problems[2].contains("js/app.js"), "{}", problems[2]);
        let _ = std::fs::remove_dir_all(&site);
    }

    #[test]
    fn attributes_are_read_by_an_html_parser() {
        let html = r#"<a class=x href='a.html?x=1&amp;y=2'>1</a><A HREF="b.html">2</A>
            <script>let s = '<a href="in-script.html">';</script>
            <img src=plain.png alt="href=fake.html"><p data-href="no.html" id=bare>"#;
        assert_eq!(attribute_values(html, "href"), ["a.html?x=1&y=2", "b.html"]);
        assert_eq!(attribute_values(html, "src"), ["plain.png"]);
        assert_eq!(attribute_values(html, "id"), ["bare"]);
        assert_eq!(percent_decode("%E6%A0%87%E9%A2%98"), "标题");
    }

    #[test]
    fn external_links_are_recognized() {
        assert!(is_external("https://x"));
        assert!(is_external("mailto:x"));
        assert!(is_external("//cdn/x"));
        assert!(!is_external("a.html#b:c"));
        assert!(!is_external("../x.html"));
    }
}
