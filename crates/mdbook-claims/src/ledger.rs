//! The claims ledger `{{#claims-ledger}}` becomes: every claim, grouped by
//! chapter, with the seed's words, the book's statement and the evidence.

use crate::evidence::{verdict_and_evidence, verdict_label};
use crate::html::escape;
use crate::lang::Lang;
use crate::registry::{Claim, Registry, Verdict};

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
            seed_said: "底稿",
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
         <span class=\"claim-badge claim-{key}\">{inside}</span></p>\n",
        id = claim.id,
        key = claim.verdict.key(),
        inside = verdict_and_evidence(claim, lang),
    );
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
        crate::registry::tests::sample()
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
        assert!(zh.contains("底稿"));
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
}
