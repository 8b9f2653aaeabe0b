//! The one thing the book needs from mdbook-mermaid at build time: each
//! ```` ```mermaid ```` fence becomes `<pre class="mermaid">…</pre>`, which
//! mermaid.min.js (kept in theme/) draws in the browser. Same output as
//! mdbook-mermaid 0.17.1's preprocessor, so the book is the same with either.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;

/// `content` with every mermaid fence replaced by its `<pre>` block.
pub fn rewrite_fences(content: &str) -> String {
    let mut replacements = Vec::new(); // (byte range of the fence, html)
    // Inside a mermaid fence: the source range of its text so far. The
    // source, not the parser's text: in a list item the diagram keeps its
    // indentation, as mdbook-mermaid keeps it.
    let mut inside: Option<Option<std::ops::Range<usize>>> = None;
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    for (event, range) in Parser::new_ext(content, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.as_ref() == "mermaid" =>
            {
                inside = Some(None);
            }
            Event::Text(_) => {
                if let Some(text) = inside.as_mut() {
                    let start = text.as_ref().map_or(range.start, |t| t.start);
                    *text = Some(start..range.end);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(text) = inside.take() {
                    let diagram = text.map_or("", |t| &content[t]);
                    let html = format!(
                        "\n<pre class=\"mermaid\">{}</pre>\n\n",
                        escape(&diagram.replace("\r\n", "\n"))
                    );
                    replacements.push((range, html));
                }
            }
            _ => {}
        }
    }
    let mut out = content.to_string();
    for (range, html) in replacements.into_iter().rev() {
        out.replace_range(range, &html);
    }
    out
}

/// HTML-escapes the characters that would otherwise end or open markup
/// (mermaid reads the text back from the `<pre>`, entities decoded).
fn escape(text: &str) -> String {
    html_escape::encode_double_quoted_attribute(text).into_owned()
}

/// Rewrites the content of every chapter of an mdBook `book` (the JSON the
/// preprocessor protocol carries), at any depth of `sub_items`.
pub fn rewrite_book(book: &mut Value) {
    match book {
        Value::Object(map) => {
            if let Some(Value::String(content)) = map.get_mut("content") {
                *content = rewrite_fences(content);
            }
            map.values_mut().for_each(rewrite_book);
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_book),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mermaid_fence_becomes_a_pre_block_with_its_text_escaped() {
        let page = "# T\n\n```mermaid\nflowchart LR\n  A[\"a & b\"] --> B\n```\n\nafter\n";
        assert_eq!(
            rewrite_fences(page),
            "# T\n\n\n<pre class=\"mermaid\">flowchart LR\n  A[&quot;a &amp; b&quot;] --&gt; B\n</pre>\n\n\n\nafter\n"
        );
    }

    #[test]
    fn other_code_and_inline_mermaid_stay_as_they_are() {
        let page = "```rust\nlet x = 1 < 2;\n```\n\n`mermaid` and ~~~text\nmermaid\n~~~\n";
        assert_eq!(rewrite_fences(page), page);
    }

    #[test]
    fn chapters_are_rewritten_at_every_depth() {
        let mut book = serde_json::json!({"items": [
            {"Chapter": {"content": "```mermaid\nA\n```\n", "sub_items": [
                {"Chapter": {"content": "```mermaid\nB\n```\n", "sub_items": []}}
            ]}},
            "Separator"
        ]});
        rewrite_book(&mut book);
        let text = book.to_string();
        assert!(
            text.contains(r#"<pre class=\"mermaid\">A\n</pre>"#),
            "{text}"
        );
        assert!(
            text.contains(r#"<pre class=\"mermaid\">B\n</pre>"#),
            "{text}"
        );
        assert!(!text.contains("```"), "{text}");
    }
}
