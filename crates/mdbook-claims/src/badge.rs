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
        crate::registry::tests::sample()
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
