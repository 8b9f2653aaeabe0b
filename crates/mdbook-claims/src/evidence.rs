//! How a claim is judged and backed, in the words of each language.

use crate::lang::Lang;
use crate::registry::{Claim, Verdict};

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

/// The inside of a claim's badge: its verdict, then how it is backed. The
/// badges on pages and the entries of the ledger show the same thing.
pub fn verdict_and_evidence(claim: &Claim, lang: Lang) -> String {
    let mut html = format!(
        "<span class=\"claim-verdict\">{}</span>",
        verdict_label(claim.verdict, lang)
    );
    for evidence in Evidence::of(claim) {
        html.push_str(&format!(
            "<span class=\"claim-evidence claim-evidence-{}\">{}</span>",
            evidence.key(),
            evidence.label(lang)
        ));
    }
    html
}
