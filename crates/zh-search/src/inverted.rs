//! elasticlunr's inverted index, as mdBook serialises it: a trie with one
//! node per character; a node lists the documents holding the word that
//! ends there (`docs`, with the term frequency `tf`) and how many they are
//! (`df`). Adding a word is what elasticlunr.js's `addToken` does.

use serde_json::{Value, json};

/// Adds `word` for document `doc_ref` with term frequency `tf` under `root`.
pub fn add_token(root: &mut Value, word: &str, doc_ref: &str, tf: f64) {
    let mut node = root;
    for c in word.chars() {
        let key = c.to_string();
        if node.get(&key).is_none() {
            node[key.as_str()] = json!({"docs": {}, "df": 0});
        }
        node = &mut node[key.as_str()];
    }
    if node.get("docs").is_none() {
        node["docs"] = json!({});
    }
    if node["docs"].get(doc_ref).is_none() {
        let df = node.get("df").and_then(Value::as_u64).unwrap_or(0);
        node["df"] = json!(df + 1);
    }
    node["docs"][doc_ref] = json!({ "tf": tf });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_share_their_prefix_nodes() {
        let mut root = json!({"docs": {}, "df": 0});
        add_token(&mut root, "僵尸", "3", 1.0);
        add_token(&mut root, "僵尸进程", "3", 2.0);
        add_token(&mut root, "僵尸", "5", 1.0);
        assert_eq!(root["僵"]["尸"]["df"], 2);
        assert_eq!(root["僵"]["尸"]["docs"]["5"]["tf"], 1.0);
        assert_eq!(root["僵"]["尸"]["进"]["程"]["docs"]["3"]["tf"], 2.0);
        assert_eq!(root["僵"]["df"], 0);
    }

    #[test]
    fn adding_twice_does_not_count_the_document_twice() {
        let mut root = json!({"docs": {}, "df": 0});
        add_token(&mut root, "孤儿", "1", 1.0);
        add_token(&mut root, "孤儿", "1", 1.5);
        assert_eq!(root["孤"]["儿"]["df"], 1);
        assert_eq!(root["孤"]["儿"]["docs"]["1"]["tf"], 1.5);
    }
}
