//! The badge `{{#claim id}}` becomes on a page.

use crate::evidence::verdict_and_evidence;
use crate::html::escape;
use crate::lang::Lang;
use crate::registry::Claim;

/// The inline badge for `{{#claim id}}` on a page of `lang`; it links to the
/// claim's entry in the ledger of the same language (`ledger_href`).
pub fn badge(claim: &Claim, lang: Lang, ledger_href: &str) -> String {
    format!(
        "<a class=\"claim-badge claim-{}\" href=\"{ledger_href}#claim-{}\" title=\"{}\">{}</a>",
        claim.verdict.key(),
        claim.id,
        escape(claim.statement(lang)),
        verdict_and_evidence(claim, lang),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Registry;

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
}
