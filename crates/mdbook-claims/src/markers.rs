//! Finding `{{#claim <id>}}` and `{{#claims-ledger}}` in a page.
//!
//! Markers inside code blocks and inline code spans are left alone so
//! chapters can show the syntax (the code is found by pulldown-cmark, the
//! parser mdBook itself uses); `\{{#claim x}}` outside code is an escape
//! that renders as the literal text `{{#claim x}}`.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

const CLAIM_OPEN: &str = "{{#claim ";
const LEDGER: &str = "{{#claims-ledger}}";
const QUIZ_OPEN: &str = "{{#quiz ";

/// What a marker asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// `{{#claim <id>}}`: a badge.
    Claim(String),
    /// `{{#claims-ledger}}`: the whole ledger.
    Ledger,
    /// `{{#quiz <path>}}`: a quiz file (relative to the page), rendered.
    Quiz(String),
    /// `\{{#...}}`: drop the backslash, keep the rest as text.
    Escape,
}

/// One marker found in a page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Marker {
    pub kind: MarkerKind,
    /// Bytes of the page the marker occupies (for `Escape`: the backslash).
    pub range: Range<usize>,
    /// 1-based line of the marker.
    pub line: usize,
}

/// Where a line of a page stands with respect to fenced code blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// Ordinary Markdown.
    Text,
    /// The opening fence of a code block, with its info string (`mermaid`).
    FenceOpen(String),
    /// A line inside a code block.
    Code,
    /// The closing fence.
    FenceClose,
}

/// One line of a page: its 1-based number, its text (with the newline), its
/// byte offset and its kind. Unclosed fences run to the end of the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line<'a> {
    pub number: usize,
    pub text: &'a str,
    pub offset: usize,
    pub kind: LineKind,
}

/// The code of a page as mdBook's parser (pulldown-cmark) sees it.
struct Code {
    /// Fenced blocks: their byte range and info string.
    fences: Vec<(Range<usize>, String)>,
    /// Every code block and inline code span.
    all: Vec<Range<usize>>,
}

fn code_of(content: &str) -> Code {
    let mut code = Code {
        fences: Vec::new(),
        all: Vec::new(),
    };
    // The extensions mdBook turns on; they change where blocks end.
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    for (event, range) in Parser::new_ext(content, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                if let CodeBlockKind::Fenced(info) = kind {
                    code.fences.push((range.clone(), info.trim().to_string()));
                }
                code.all.push(range);
            }
            Event::Code(_) => code.all.push(range),
            _ => {}
        }
    }
    code
}

/// Splits a page into lines, marking fenced code blocks.
pub fn lines(content: &str) -> Vec<Line<'_>> {
    let fences = code_of(content).fences;
    let mut out = Vec::new();
    let mut offset = 0;
    for (index, text) in content.split_inclusive('\n').enumerate() {
        let line = offset..offset + text.len();
        let fence = fences
            .iter()
            .find(|(block, _)| block.start < line.end && line.start < block.end);
        let kind = match fence {
            None => LineKind::Text,
            Some((block, info)) if block.start >= line.start => LineKind::FenceOpen(info.clone()),
            Some((block, _)) if block.end <= line.end && is_fence(text) => LineKind::FenceClose,
            Some(_) => LineKind::Code,
        };
        out.push(Line {
            number: index + 1,
            text,
            offset,
            kind,
        });
        offset += text.len();
    }
    out
}

/// A closing fence, wherever it sits (list item, block quote).
fn is_fence(line: &str) -> bool {
    let body = line.trim_start_matches([' ', '\t', '>']).trim_end();
    body.len() >= 3 && (body.chars().all(|c| c == '`') || body.chars().all(|c| c == '~'))
}

/// Finds every marker outside code, in page order.
pub fn scan(content: &str) -> Vec<Marker> {
    let code = code_of(content).all;
    let in_code = |at: usize| code.iter().any(|range| range.contains(&at));
    let mut markers = Vec::new();
    let mut offset = 0;
    for (index, line) in content.split_inclusive('\n').enumerate() {
        scan_line(line, offset, index + 1, &mut markers);
        offset += line.len();
    }
    markers.retain(|marker| !in_code(marker.range.start));
    markers
}

fn scan_line(line: &str, offset: usize, line_no: usize, markers: &mut Vec<Marker>) {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if line[i + 1..].starts_with("{{#claim") => {
                let start = offset + i;
                markers.push(Marker {
                    kind: MarkerKind::Escape,
                    range: start..start + 1,
                    line: line_no,
                });
                i += 1 + "{{#claim".len();
            }
            b'{' if line[i..].starts_with(LEDGER) => {
                let start = offset + i;
                markers.push(Marker {
                    kind: MarkerKind::Ledger,
                    range: start..start + LEDGER.len(),
                    line: line_no,
                });
                i += LEDGER.len();
            }
            b'{' if line[i..].starts_with(QUIZ_OPEN) => {
                let body_start = i + QUIZ_OPEN.len();
                let len = line[body_start..]
                    .find("}}")
                    .unwrap_or(line.len() - body_start);
                let end = (body_start + len + 2).min(line.len());
                markers.push(Marker {
                    kind: MarkerKind::Quiz(line[body_start..body_start + len].trim().to_string()),
                    range: offset + i..offset + end,
                    line: line_no,
                });
                i = end;
            }
            b'{' if line[i..].starts_with(CLAIM_OPEN) => {
                let body_start = i + CLAIM_OPEN.len();
                match line[body_start..].find("}}") {
                    Some(len) => {
                        let id = line[body_start..body_start + len].trim().to_string();
                        let end = body_start + len + 2;
                        markers.push(Marker {
                            kind: MarkerKind::Claim(id),
                            range: offset + i..offset + end,
                            line: line_no,
                        });
                        i = end;
                    }
                    None => {
                        // An unterminated marker is reported as an unknown id.
                        markers.push(Marker {
                            kind: MarkerKind::Claim(line[body_start..].trim().to_string()),
                            range: offset + i..offset + line.trim_end().len(),
                            line: line_no,
                        });
                        return;
                    }
                }
            }
            _ => i += 1,
        }
    }
}

/// Replaces every marker by `render(marker)`.
pub fn expand(
    content: &str,
    markers: &[Marker],
    mut render: impl FnMut(&Marker) -> String,
) -> String {
    let mut out = String::with_capacity(content.len());
    let mut last = 0;
    for marker in markers {
        out.push_str(&content[last..marker.range.start]);
        out.push_str(&render(marker));
        last = marker.range.end;
    }
    out.push_str(&content[last..]);
    out
}

/// The ids of the claim markers of a page, in order (for twin checks).
pub fn claim_ids(content: &str) -> Vec<String> {
    scan(content)
        .into_iter()
        .filter_map(|m| match m.kind {
            MarkerKind::Claim(id) => Some(id),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_claims_and_ledger_with_lines() {
        let page = "# T\n\nPause is PID 1 {{#claim pid1-is-pause}}.\n\n{{#claims-ledger}}\n";
        let markers = scan(page);
        assert_eq!(markers.len(), 2);
        assert_eq!(markers[0].kind, MarkerKind::Claim("pid1-is-pause".into()));
        assert_eq!(markers[0].line, 3);
        assert_eq!(&page[markers[0].range.clone()], "{{#claim pid1-is-pause}}");
        assert_eq!(markers[1].kind, MarkerKind::Ledger);
        assert_eq!(markers[1].line, 5);
    }

    #[test]
    fn ignores_fenced_code_and_inline_code() {
        let page = "a `{{#claim in-span}}` b\n\
                    ```markdown\n{{#claim in-fence}}\n```\n\
                    ~~~~\n{{#claim tilde}}\n~~~\n~~~~\n\
                    > ```\n> {{#claim quoted-fence}}\n> ```\n\
                    - item\n    ```text\n    {{#claim list-fence}}\n    ```\n\
                    ``{{#claim double}}`` and {{#claim real}}\n";
        assert_eq!(claim_ids(page), ["real"]);
    }

    #[test]
    fn code_is_found_the_way_mdbook_parses_it() {
        // An indented code block, and a span that runs over a line break.
        let page =
            "text\n\n    {{#claim indented}}\n\nspan `a\n{{#claim wrapped}}` {{#claim real}}\n";
        assert_eq!(claim_ids(page), ["real"]);
        // Three backticks inside a paragraph do not open a block.
        assert_eq!(claim_ids("a ```b``` {{#claim c}}\n"), ["c"]);
    }

    #[test]
    fn escaped_marker_is_kept_as_text() {
        let page = "write \\{{#claim some-id}} in a page\n";
        let markers = scan(page);
        assert_eq!(markers.len(), 1);
        assert_eq!(markers[0].kind, MarkerKind::Escape);
        let out = expand(page, &markers, |_| String::new());
        assert_eq!(out, "write {{#claim some-id}} in a page\n");
    }

    #[test]
    fn expand_replaces_in_order() {
        let page = "x {{#claim a}} y {{#claim b}} z";
        let markers = scan(page);
        let out = expand(page, &markers, |m| match &m.kind {
            MarkerKind::Claim(id) => format!("[{id}]"),
            _ => unreachable!(),
        });
        assert_eq!(out, "x [a] y [b] z");
    }

    #[test]
    fn unterminated_marker_is_reported() {
        let markers = scan("text {{#claim oops\n");
        assert_eq!(markers[0].kind, MarkerKind::Claim("oops".into()));
    }

    #[test]
    fn lines_mark_fences_with_their_info() {
        let kinds: Vec<LineKind> = lines("# T\n```mermaid\ngraph TD\n```\ntext")
            .into_iter()
            .map(|l| l.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                LineKind::Text,
                LineKind::FenceOpen("mermaid".into()),
                LineKind::Code,
                LineKind::FenceClose,
                LineKind::Text
            ]
        );
    }

    #[test]
    fn unclosed_backtick_is_literal() {
        assert_eq!(claim_ids("a ` b {{#claim c}}\n"), ["c"]);
    }
}
