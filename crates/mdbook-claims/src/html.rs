//! The one HTML escaper of the preprocessor.

/// Escapes text for HTML content and quoted attribute values (the
/// `html-escape` crate), and `{` as well: mdBook's link preprocessor and our
/// own markers must not see `{{#...}}` in generated text.
pub fn escape(text: &str) -> String {
    html_escape::encode_quoted_attribute(text).replace('{', "&#123;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralizes_html_and_markers() {
        assert_eq!(
            escape("<a href=\"x\">&{{#claim y}}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#123;&#123;#claim y}}"
        );
    }
}
