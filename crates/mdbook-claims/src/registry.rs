//! The claims registry: src/claims.toml, its schema and its checks.
//!
//! The schema is documented in the header comment of src/claims.toml.

use crate::diagnostic::{Diagnostic, line_of};
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

/// The verdict on a claim (for the seed's claims: how the seed fared).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    True,
    Corrected,
    Outdated,
    Misleading,
}

impl Verdict {
    pub const ALL: [Verdict; 4] = [
        Verdict::True,
        Verdict::Corrected,
        Verdict::Outdated,
        Verdict::Misleading,
    ];

    pub fn parse(word: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.key() == word)
    }

    /// The word used in claims.toml and in CSS class names.
    pub fn key(self) -> &'static str {
        match self {
            Verdict::True => "true",
            Verdict::Corrected => "corrected",
            Verdict::Outdated => "outdated",
            Verdict::Misleading => "misleading",
        }
    }
}

/// One test that backs a claim: `path/from/root.rs::test_fn`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestRef {
    pub path: String,
    pub function: String,
}

impl TestRef {
    pub fn parse(entry: &str) -> Option<TestRef> {
        let (path, function) = entry.rsplit_once("::")?;
        let is_ident = !function.is_empty()
            && function
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !function.starts_with(|c: char| c.is_ascii_digit());
        (is_ident && !path.is_empty()).then(|| TestRef {
            path: path.to_string(),
            function: function.to_string(),
        })
    }
}

/// One claim of the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    pub id: String,
    pub chapter: String,
    pub seed: Option<String>,
    pub zh: String,
    pub en: String,
    pub verdict: Verdict,
    pub tests: Vec<TestRef>,
    pub sources: Vec<String>,
    pub pending: Option<String>,
    /// Line of the claim's `id` in claims.toml, for later diagnostics.
    pub line: usize,
    /// Lines of each `tests` entry.
    test_lines: Vec<usize>,
}

impl Claim {
    pub fn statement(&self, lang: crate::lang::Lang) -> &str {
        match lang {
            crate::lang::Lang::Zh => &self.zh,
            crate::lang::Lang::En => &self.en,
        }
    }
}

/// The whole registry, in file order.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    pub claims: Vec<Claim>,
    by_id: HashMap<String, usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    claim: Vec<RawClaim>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    id: Spanned<String>,
    chapter: Spanned<String>,
    seed: Option<String>,
    zh: String,
    en: String,
    verdict: Spanned<String>,
    #[serde(default)]
    tests: Vec<Spanned<String>>,
    #[serde(default)]
    sources: Vec<String>,
    pending: Option<String>,
}

fn is_kebab_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

impl Registry {
    /// Parses and checks the registry's own consistency. `file` names it in
    /// diagnostics (e.g. "src/claims.toml").
    pub fn parse(text: &str, file: &str) -> Result<Registry, Vec<Diagnostic>> {
        let raw: RawFile = toml::from_str(text).map_err(|err| {
            let start = err.span().map(|span| span.start.min(text.len()));
            let line = start.map_or(0, |at| line_of(text, at));
            let column =
                start.map(|at| text[..at].chars().rev().take_while(|&c| c != '\n').count() + 1);
            let at = column.map_or(String::new(), |column| format!(" (column {column})"));
            let message = format!("malformed claims registry{at}: {}", err.message().trim());
            vec![Diagnostic::new(file, line, message)]
        })?;
        let mut errors = Vec::new();
        let mut registry = Registry::default();
        for raw in raw.claim {
            let line = line_of(text, raw.id.span().start);
            let id = raw.id.get_ref().clone();
            let mut bad = |line: usize, message: String| {
                errors.push(Diagnostic::new(
                    file,
                    line,
                    format!("claim `{id}`: {message}"),
                ));
            };
            if !is_kebab_id(&id) {
                bad(
                    line,
                    "the id must be kebab-case (a-z, 0-9, single dashes)".into(),
                );
            }
            if let Some(&first) = registry.by_id.get(&id) {
                let first_line = registry.claims[first].line;
                bad(
                    line,
                    format!("duplicate id (first defined at line {first_line})"),
                );
            }
            let verdict = Verdict::parse(raw.verdict.get_ref());
            if verdict.is_none() {
                bad(
                    line_of(text, raw.verdict.span().start),
                    format!(
                        "verdict `{}` is not one of true, corrected, outdated, misleading",
                        raw.verdict.get_ref()
                    ),
                );
            }
            let chapter = raw.chapter.get_ref().clone();
            if chapter.is_empty() || chapter.contains(['/', '\\']) || chapter.ends_with(".md") {
                bad(
                    line_of(text, raw.chapter.span().start),
                    format!("chapter `{chapter}` must be a page stem such as `hands-on`"),
                );
            }
            let mut tests = Vec::new();
            let mut test_lines = Vec::new();
            for entry in &raw.tests {
                let entry_line = line_of(text, entry.span().start);
                match TestRef::parse(entry.get_ref()) {
                    Some(test) => {
                        tests.push(test);
                        test_lines.push(entry_line);
                    }
                    None => bad(
                        entry_line,
                        format!(
                            "test `{}` must look like `labs/<lab>/tests/<file>.rs::<test_fn>`",
                            entry.get_ref()
                        ),
                    ),
                }
            }
            if raw.tests.is_empty() && raw.sources.is_empty() && raw.pending.is_none() {
                bad(
                    line,
                    "no evidence: give `tests`, `sources`, or `pending = \"<lab>\"` until its test exists"
                        .into(),
                );
            }
            for (field, value) in [("zh", &raw.zh), ("en", &raw.en)] {
                if value.trim().is_empty() {
                    bad(line, format!("`{field}` is empty"));
                }
            }
            if let Some(verdict) = verdict {
                registry
                    .by_id
                    .entry(id.clone())
                    .or_insert(registry.claims.len());
                registry.claims.push(Claim {
                    id,
                    chapter,
                    seed: raw.seed,
                    zh: raw.zh,
                    en: raw.en,
                    verdict,
                    tests,
                    sources: raw.sources,
                    pending: raw.pending,
                    line,
                    test_lines,
                });
            }
        }
        if errors.is_empty() {
            Ok(registry)
        } else {
            Err(errors)
        }
    }

    pub fn get(&self, id: &str) -> Option<&Claim> {
        self.by_id.get(id).map(|&i| &self.claims[i])
    }

    /// Checks that every `tests` entry names a file that exists (relative to
    /// the book's root) and contains `fn <name>`. `read` returns a file's text.
    pub fn check_tests(
        &self,
        file: &str,
        read: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        for claim in &self.claims {
            for (test, &line) in claim.tests.iter().zip(&claim.test_lines) {
                let message = match read(&test.path) {
                    None => format!("test file `{}` does not exist", test.path),
                    Some(source) if !defines_fn(&source, &test.function) => format!(
                        "`{}` has no `fn {}`: fix the name or use `pending` until the test exists",
                        test.path, test.function
                    ),
                    Some(_) => continue,
                };
                errors.push(Diagnostic::new(
                    file,
                    line,
                    format!("claim `{}`: {message}", claim.id),
                ));
            }
        }
        errors
    }
}

/// Whether `source` contains `fn <name>` followed by a non-identifier character.
pub fn defines_fn(source: &str, name: &str) -> bool {
    let needle = format!("fn {name}");
    source.match_indices(&needle).any(|(at, _)| {
        let before_ok = at == 0 || !source.as_bytes()[at - 1].is_ascii_alphanumeric();
        let after = source[at + needle.len()..].chars().next();
        before_ok && after.is_some_and(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

#[cfg(test)]
#[path = "registry_tests.rs"]
pub(crate) mod tests;
