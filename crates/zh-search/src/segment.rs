//! Chinese word segmentation with jieba, in search mode: a long word is
//! indexed with its shorter dictionary words too (僵尸进程: 僵尸, 进程,
//! 僵尸进程), so a query for either finds it.

use jieba_rs::Jieba;
use std::collections::BTreeMap;

/// Whether `c` is a CJK ideograph (the characters the page's script
/// segments; punctuation such as ，。 is not one).
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// jieba with its default dictionary, plus the book's own terms.
pub struct Segmenter {
    jieba: Jieba,
}

impl Default for Segmenter {
    fn default() -> Self {
        Segmenter::with_terms(&[])
    }
}

impl Segmenter {
    /// jieba that also knows `terms` as words (jieba's dictionary lacks
    /// some of the book's, such as 命名空间 and 沙箱镜像).
    pub fn with_terms(terms: &[String]) -> Self {
        let mut jieba = Jieba::new();
        for term in terms {
            jieba.add_word(term, None, None);
        }
        Segmenter { jieba }
    }

    /// The Chinese words of `text` (only words made of CJK ideographs: the
    /// rest is indexed by mdBook already), each with its count.
    pub fn word_counts(&self, text: &str) -> BTreeMap<String, u64> {
        let mut counts = BTreeMap::new();
        for word in self.words(text) {
            *counts.entry(word).or_default() += 1;
        }
        counts
    }

    /// The Chinese words of `text`, in order, search mode.
    pub fn words(&self, text: &str) -> Vec<String> {
        self.jieba
            .cut_for_search(text, true)
            .into_iter()
            .filter(|word| !word.is_empty() && word.chars().all(is_cjk))
            .map(str::to_string)
            .collect()
    }
}

/// The Chinese terms of the glossary page: the first cell of each table
/// row, split at 、, without a parenthesised alternative (钉住（固定）gives
/// 钉住 and 固定); only terms made of CJK ideographs.
pub fn glossary_terms(markdown: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for line in markdown.lines() {
        let Some(cell) = line
            .strip_prefix('|')
            .and_then(|rest| rest.split('|').next())
        else {
            continue;
        };
        for term in cell.split(['、', '（', '）']) {
            let term = term.trim();
            if term.chars().count() >= 2 && term.chars().all(is_cjk) {
                terms.push(term.to_string());
            }
        }
    }
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_becomes_words_and_their_parts() {
        let terms = ["命名空间".to_string()];
        let words = Segmenter::with_terms(&terms).words("pause 回收僵尸进程，并持有命名空间。");
        for expected in ["回收", "僵尸", "进程", "命名", "空间", "命名空间"] {
            assert!(
                words.iter().any(|w| w == expected),
                "{expected} not in {words:?}"
            );
        }
        assert!(
            !words
                .iter()
                .any(|w| w.contains("pause") || w.contains('，'))
        );
    }

    #[test]
    fn glossary_rows_give_their_chinese_terms() {
        let page = "| 中文 | English |\n|---|---|\n| 沙箱镜像 | sandbox image |\n\
                    | 钉住（固定） | pin |\n| 1 号进程、init 进程 | PID 1 |\n| Pod | Pod |\n";
        assert_eq!(glossary_terms(page), ["中文", "沙箱镜像", "钉住", "固定"]);
    }

    #[test]
    fn punctuation_is_not_cjk() {
        assert!(is_cjk('僵'));
        assert!(!is_cjk('，') && !is_cjk('a') && !is_cjk('。'));
    }
}
