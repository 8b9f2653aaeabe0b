//! What the preprocessor writes into pages: the language switch, claim badges
//! and the ledger. CSS classes are styled by theme/claims.css.

use crate::registry::{Claim, Registry, Verdict};

/// The two languages of the book; each has a directory under src/.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// The language of a page from its path under src/ (`zh/x.md`).
    pub fn of_path(path: &str) -> Option<Lang> {
        let (dir, _) = path.split_once('/')?;
        match dir {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// The language's own name, shown on the switch that leads to it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
        }
    }

    /// BCP 47 tag for `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-Hans",
            Lang::En => "en",
        }
    }
}

/// The path of a page's twin: `zh/a/b.md` <-> `en/a/b.md`.
pub fn twin_path(path: &str) -> Option<String> {
    let lang = Lang::of_path(path)?;
    Some(format!(
        "{}{}",
        lang.other().dir(),
        &path[lang.dir().len()..]
    ))
}

pub fn verdict_label(verdict: Verdict, lang: Lang) -> &'static str {
    match (lang, verdict) {
        (Lang::Zh, Verdict::True) => "属实",
        (Lang::Zh, Verdict::Corrected) => "已更正",
        (Lang::Zh, Verdict::Outdated) => "已过时",
        (Lang::Zh, Verdict::Misleading) => "有误导",
        (Lang::En, Verdict::True) => "true",
        (Lang::En, Verdict::Corrected) => "corrected",
        (Lang::En, Verdict::Outdated) => "outdated",
        (Lang::En, Verdict::Misleading) => "misleading",
    }
}

/// How a claim is backed, as shown on badges and in the ledger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    Tested,
    Cited,
    Pending,
}

impl Evidence {
    /// Tested claims show only that; otherwise cited and/or pending.
    pub fn of(claim: &Claim) -> Vec<Evidence> {
        if !claim.tests.is_empty() {
            return vec![Evidence::Tested];
        }
        let mut found = Vec::new();
        if !claim.sources.is_empty() {
            found.push(Evidence::Cited);
        }
        if claim.pending.is_some() {
            found.push(Evidence::Pending);
        }
        found
    }

    pub fn key(self) -> &'static str {
        match self {
            Evidence::Tested => "tested",
            Evidence::Cited => "cited",
            Evidence::Pending => "pending",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Zh, Evidence::Tested) => "已测试",
            (Lang::Zh, Evidence::Cited) => "有出处",
            (Lang::Zh, Evidence::Pending) => "待测试",
            (Lang::En, Evidence::Tested) => "tested",
            (Lang::En, Evidence::Cited) => "cited",
            (Lang::En, Evidence::Pending) => "test pending",
        }
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Keep mdBook's link preprocessor and our own markers from
            // seeing `{{#...}}` in generated text.
            '{' => out.push_str("&#123;"),
            _ => out.push(c),
        }
    }
    out
}

/// The language switch put at the top of a page `path` (`zh/x.md`).
/// A Markdown link, so mdBook turns `.md` into `.html`.
pub fn language_switch(path: &str) -> Option<String> {
    let lang = Lang::of_path(path)?;
    let twin = twin_path(path)?;
    let depth = path.matches('/').count();
    let up = "../".repeat(depth);
    let other = lang.other();
    Some(format!(
        "<nav class=\"lang-switch\" id=\"lang-switch\" lang=\"{}\" aria-label=\"Language\">\n\n\
         [{}]({up}{twin})\n\n</nav>\n\n",
        other.tag(),
        other.own_name(),
    ))
}

/// The inline badge for `{{#claim id}}` on a page of `lang`; it links to the
/// claim's entry in the ledger of the same language (`ledger_href`).
pub fn badge(claim: &Claim, lang: Lang, ledger_href: &str) -> String {
    let verdict = claim.verdict;
    let mut html = format!(
        "<a class=\"claim-badge claim-{}\" href=\"{ledger_href}#claim-{}\" title=\"{}\">\
         <span class=\"claim-verdict\">{}</span>",
        verdict.key(),
        claim.id,
        escape(claim.statement(lang)),
        verdict_label(verdict, lang),
    );
    for evidence in Evidence::of(claim) {
        html.push_str(&format!(
            "<span class=\"claim-evidence claim-evidence-{}\">{}</span>",
            evidence.key(),
            evidence.label(lang)
        ));
    }
    html.push_str("</a>");
    html
}

/// A chapter of the book as the ledger links to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChapterRef {
    /// The page stem (`hands-on`).
    pub stem: String,
    /// Its title in the ledger's language (from SUMMARY.md).
    pub title: String,
}

struct LedgerWords {
    intro: &'static str,
    seed_said: &'static str,
    statement: &'static str,
    tests: &'static str,
    sources: &'static str,
    pending: &'static str,
    other_chapters: &'static str,
    read_chapter: &'static str,
    colon: &'static str,
    open_paren: &'static str,
    close_paren: &'static str,
}

fn words(lang: Lang) -> LedgerWords {
    match lang {
        Lang::Zh => LedgerWords {
            intro: "条论断",
            read_chapter: "→ 阅读本章",
            colon: "：",
            open_paren: "（",
            close_paren: "）",
            seed_said: "原文（种子手册）",
            statement: "本书的表述",
            tests: "测试",
            sources: "出处",
            pending: "待测试",
            other_chapters: "其他",
        },
        Lang::En => LedgerWords {
            intro: "claims",
            read_chapter: "→ Read the chapter",
            colon: ": ",
            open_paren: " (",
            close_paren: ")",
            seed_said: "the seed chapter (in Chinese)",
            statement: "What this book says",
            tests: "Tests",
            sources: "Sources",
            pending: "test pending",
            other_chapters: "Other",
        },
    }
}

/// Options that change how evidence is linked.
#[derive(Clone, Debug, Default)]
pub struct LedgerOptions {
    /// `[preprocessor.claims] repository = "<url>"`: test files link to
    /// `<url>/blob/main/<path>`; without it they are shown as code only.
    pub repository: Option<String>,
}

/// The full ledger in `lang`, grouped by chapter in book order.
pub fn ledger(
    registry: &Registry,
    lang: Lang,
    chapters: &[ChapterRef],
    options: &LedgerOptions,
) -> String {
    let w = words(lang);
    let mut out = String::new();
    let total = registry.claims.len();
    let summary = match lang {
        Lang::Zh => format!("共 {total} {}", w.intro),
        Lang::En => format!("{total} {}", w.intro),
    };
    out.push_str(&format!(
        "<p class=\"claims-summary\">{summary}{}",
        w.colon.trim_end()
    ));
    for verdict in Verdict::ALL {
        let count = registry
            .claims
            .iter()
            .filter(|c| c.verdict == verdict)
            .count();
        out.push_str(&format!(
            " <span class=\"claim-badge claim-{}\"><span class=\"claim-verdict\">{}</span>\
             <span class=\"claim-evidence\">{count}</span></span>",
            verdict.key(),
            verdict_label(verdict, lang)
        ));
    }
    out.push_str("</p>\n\n");

    let known: Vec<&str> = chapters.iter().map(|c| c.stem.as_str()).collect();
    let mut groups: Vec<(Option<&ChapterRef>, Vec<&Claim>)> = chapters
        .iter()
        .map(|chapter| {
            let claims = registry
                .claims
                .iter()
                .filter(|c| c.chapter == chapter.stem)
                .collect();
            (Some(chapter), claims)
        })
        .collect();
    let orphans: Vec<&Claim> = registry
        .claims
        .iter()
        .filter(|c| !known.contains(&c.chapter.as_str()))
        .collect();
    groups.push((None, orphans));

    for (chapter, claims) in groups.into_iter().filter(|(_, claims)| !claims.is_empty()) {
        match chapter {
            // The chapter link is not in the heading: mdBook wraps headings
            // in an anchor, and anchors must not nest.
            Some(chapter) => out.push_str(&format!(
                "## {}\n\n<div class=\"claims-chapter-link\">\n\n[{}]({}.md)\n\n</div>\n\n",
                escape(&chapter.title),
                w.read_chapter,
                chapter.stem
            )),
            None => out.push_str(&format!("## {}\n\n", w.other_chapters)),
        }
        for claim in claims {
            out.push_str(&entry(claim, lang, &w, options));
        }
    }
    out
}

fn entry(claim: &Claim, lang: Lang, w: &LedgerWords, options: &LedgerOptions) -> String {
    let mut html = format!(
        "<div class=\"claim-entry\" id=\"claim-{id}\">\n\
         <p class=\"claim-head\"><a class=\"claim-anchor\" href=\"#claim-{id}\"><code>{id}</code></a> \
         <span class=\"claim-badge claim-{key}\"><span class=\"claim-verdict\">{verdict}</span>",
        id = claim.id,
        key = claim.verdict.key(),
        verdict = verdict_label(claim.verdict, lang),
    );
    for evidence in Evidence::of(claim) {
        html.push_str(&format!(
            "<span class=\"claim-evidence claim-evidence-{}\">{}</span>",
            evidence.key(),
            evidence.label(lang)
        ));
    }
    html.push_str("</span></p>\n");
    if let Some(seed) = &claim.seed {
        html.push_str(&format!(
            "<blockquote class=\"claim-seed\"><p lang=\"zh-Hans\">“{}”</p>\
             <p class=\"claim-seed-by\">— {}</p></blockquote>\n",
            escape(seed),
            w.seed_said
        ));
    }
    html.push_str(&format!(
        "<p class=\"claim-statement\"><strong>{}{}</strong>{}</p>\n<ul class=\"claim-evidence-list\">\n",
        w.statement,
        w.colon,
        escape(claim.statement(lang))
    ));
    let tests: Vec<String> = claim
        .tests
        .iter()
        .map(|test| {
            let code = format!(
                "<code>{}::{}</code>",
                escape(&test.path),
                escape(&test.function)
            );
            match &options.repository {
                Some(url) => format!(
                    "<a href=\"{}/blob/main/{}\">{code}</a>",
                    escape(url.trim_end_matches('/')),
                    escape(&test.path)
                ),
                None => code,
            }
        })
        .collect();
    let sources: Vec<String> = claim.sources.iter().map(|s| source_link(s)).collect();
    html.push_str(&evidence_item("claim-test", w.tests, w.colon, &tests));
    html.push_str(&evidence_item("claim-source", w.sources, w.colon, &sources));
    if let Some(lab) = &claim.pending {
        html.push_str(&format!(
            "<li class=\"claim-pending\">{}{}<code>{}</code>{}</li>\n",
            w.pending,
            w.open_paren,
            escape(lab),
            w.close_paren
        ));
    }
    html.push_str("</ul>\n</div>\n\n");
    html
}

/// One kind of evidence: inline when there is one item, a list otherwise.
fn evidence_item(class: &str, label: &str, colon: &str, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => format!("<li class=\"{class}\">{label}{colon}{one}</li>\n"),
        many => {
            let list: String = many.iter().map(|item| format!("<li>{item}</li>")).collect();
            format!(
                "<li class=\"{class}\">{label}{}<ul>{list}</ul></li>\n",
                colon.trim_end()
            )
        }
    }
}

/// A source entry is "URL (what it shows)" or plain text.
fn source_link(source: &str) -> String {
    let source = source.trim();
    let (url, note) = source
        .split_once(char::is_whitespace)
        .unwrap_or((source, ""));
    if url.starts_with("https://") || url.starts_with("http://") {
        let note = note.trim();
        let text = if note.is_empty() {
            url
        } else {
            note.trim_start_matches('(').trim_end_matches(')')
        };
        format!("<a href=\"{}\">{}</a>", escape(url), escape(text))
    } else {
        escape(source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registry() -> Registry {
        Registry::parse(
            r#"
[[claim]]
id = "pid1-is-pause"
chapter = "hands-on"
seed = "Pause 容器进程 PID 为 1 <b>"
zh = "pause 是 PID 1"
en = "pause is \"PID 1\""
verdict = "true"
tests = ["labs/demo/tests/demo.rs::pid_1_is_pause"]

[[claim]]
id = "default-image"
chapter = "configuration"
zh = "默认镜像"
en = "default image"
verdict = "outdated"
sources = ["https://example.org/x (shows x)"]
pending = "labs/docker-demo"

[[claim]]
id = "ledger-only"
chapter = "nowhere"
zh = "仅账本"
en = "ledger only"
verdict = "misleading"
sources = ["plain text source"]
"#,
            "src/claims.toml",
        )
        .unwrap()
    }

    #[test]
    fn twin_paths_swap_the_language_directory() {
        assert_eq!(twin_path("zh/a.md").as_deref(), Some("en/a.md"));
        assert_eq!(twin_path("en/x/y.md").as_deref(), Some("zh/x/y.md"));
        assert_eq!(twin_path("index.md"), None);
        assert_eq!(twin_path("fr/a.md"), None);
    }

    #[test]
    fn language_switch_links_to_the_twin_in_the_other_language() {
        let zh = language_switch("zh/preface.md").unwrap();
        assert!(zh.contains("id=\"lang-switch\""));
        assert!(zh.contains("[English](../en/preface.md)"), "{zh}");
        let en = language_switch("en/a/b.md").unwrap();
        assert!(en.contains("[中文](../../zh/a/b.md)"), "{en}");
        assert_eq!(language_switch("index.md"), None);
    }

    #[test]
    fn badge_shows_localized_verdict_and_evidence_and_links_to_ledger() {
        let registry = registry();
        let zh = badge(
            registry.get("pid1-is-pause").unwrap(),
            Lang::Zh,
            "claims.html",
        );
        assert!(
            zh.contains("href=\"claims.html#claim-pid1-is-pause\""),
            "{zh}"
        );
        assert!(zh.contains("class=\"claim-badge claim-true\""), "{zh}");
        assert!(zh.contains(">属实<") && zh.contains(">已测试<"), "{zh}");
        let en = badge(
            registry.get("pid1-is-pause").unwrap(),
            Lang::En,
            "claims.html",
        );
        assert!(en.contains(">true<") && en.contains(">tested<"), "{en}");
        assert!(en.contains("title=\"pause is &quot;PID 1&quot;\""), "{en}");
        let both = badge(
            registry.get("default-image").unwrap(),
            Lang::Zh,
            "claims.html",
        );
        assert!(
            both.contains(">已过时<") && both.contains(">有出处<") && both.contains(">待测试<"),
            "{both}"
        );
        let en_pending = badge(
            registry.get("default-image").unwrap(),
            Lang::En,
            "claims.html",
        );
        assert!(en_pending.contains(">outdated<") && en_pending.contains(">test pending<"));
    }

    #[test]
    fn ledger_groups_by_chapter_with_anchors_seed_and_evidence() {
        let registry = registry();
        let chapters = vec![
            ChapterRef {
                stem: "configuration".into(),
                title: "配置沙箱镜像".into(),
            },
            ChapterRef {
                stem: "hands-on".into(),
                title: "实战演示".into(),
            },
        ];
        let zh = ledger(&registry, Lang::Zh, &chapters, &LedgerOptions::default());
        let config_at = zh.find("## 配置沙箱镜像\n").expect(&zh);
        let hands_on_at = zh.find("## 实战演示\n").expect(&zh);
        assert!(zh.contains("[→ 阅读本章](configuration.md)"), "{zh}");
        let other_at = zh.find("## 其他").expect(&zh);
        assert!(config_at < hands_on_at && hands_on_at < other_at);
        assert!(zh.find("id=\"claim-default-image\"").unwrap() > config_at);
        assert!(zh.find("id=\"claim-pid1-is-pause\"").unwrap() > hands_on_at);
        assert!(zh.find("id=\"claim-ledger-only\"").unwrap() > other_at);
        assert!(
            zh.contains("“Pause 容器进程 PID 为 1 &lt;b&gt;”"),
            "seed quoted and escaped"
        );
        assert!(zh.contains("原文（种子手册）"));
        assert!(zh.contains("<code>labs/demo/tests/demo.rs::pid_1_is_pause</code>"));
        assert!(zh.contains("<a href=\"https://example.org/x\">shows x</a>"));
        assert!(zh.contains("待测试（<code>labs/docker-demo</code>）"));
        assert!(zh.contains("出处：plain text source"));
        assert!(zh.contains("测试：<code>labs/demo/tests/demo.rs::pid_1_is_pause</code>"));
        assert!(
            zh.starts_with("<p class=\"claims-summary\">共 3 条论断："),
            "{zh}"
        );

        let en = ledger(&registry, Lang::En, &chapters, &LedgerOptions::default());
        assert!(en.contains("pause is &quot;PID 1&quot;"));
        assert!(en.contains("test pending (<code>labs/docker-demo</code>)"));
        assert!(en.contains("the seed chapter (in Chinese)"));
    }

    #[test]
    fn ledger_links_tests_to_the_repository_when_configured() {
        let options = LedgerOptions {
            repository: Some("https://example.org/pause-book/".into()),
        };
        let en = ledger(&registry(), Lang::En, &[], &options);
        assert!(
            en.contains("<a href=\"https://example.org/pause-book/blob/main/labs/demo/tests/demo.rs\"><code>"),
            "{en}"
        );
    }

    #[test]
    fn several_sources_share_one_label() {
        let registry = Registry::parse(
            "[[claim]]\nid = \"a\"\nchapter = \"c\"\nzh = \"甲\"\nen = \"a\"\nverdict = \"true\"\n\
             sources = [\"https://x.org/1 (one)\", \"https://x.org/2 (two)\"]\n",
            "f",
        )
        .unwrap();
        let en = ledger(&registry, Lang::En, &[], &LedgerOptions::default());
        assert_eq!(en.matches("Sources").count(), 1, "{en}");
        assert!(en.contains(
            "Sources:<ul><li><a href=\"https://x.org/1\">one</a></li><li><a href=\"https://x.org/2\">two</a></li></ul>"
        ));
    }

    #[test]
    fn escape_neutralizes_html_and_markers() {
        assert_eq!(
            escape("<a href='x'>&{{#claim y}}"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&#123;&#123;#claim y}}"
        );
    }
}
