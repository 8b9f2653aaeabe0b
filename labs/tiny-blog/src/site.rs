//! The blog's content: a few posts rendered into one HTML page.

/// One post on the front page.
#[derive(Debug, Clone, Copy)]
pub struct Post {
    pub title: &'static str,
    pub date: &'static str,
    pub body: &'static str,
}

/// The blog's name, shown in the page title and heading.
pub const BLOG_TITLE: &str = "tiny-blog: notes from inside a pod";

/// The health path: answers `ok` while the server runs.
pub const HEALTH_PATH: &str = "/healthz";

/// The posts, newest first.
pub const POSTS: &[Post] = &[
    Post {
        title: "Served through nginx, from the pause container's port",
        date: "2026-11-26",
        body: "You reached this page on a port published on the pause container. \
               nginx, which shares pause's network namespace, proxied the request \
               to 127.0.0.1:2368, where this blog listens.",
    },
    Post {
        title: "Three containers, one network namespace",
        date: "2026-11-25",
        body: "pause holds the namespaces; nginx and the blog join them with \
               --net, --ipc and --pid set to container:pause.",
    },
    Post {
        title: "Why not Ghost?",
        date: "2026-11-24",
        body: "Ghost needs Node.js and an image from a registry. This blog is one \
               static binary, so the demo's images can be built offline, FROM scratch.",
    },
];

/// Escapes text for HTML element content and attribute values (quotes
/// too, so one function serves both).
pub fn escape_html(text: &str) -> String {
    html_escape::encode_quoted_attribute(text).into_owned()
}

/// The front page with every post.
pub fn front_page(posts: &[Post]) -> String {
    let title = escape_html(BLOG_TITLE);
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    for post in posts {
        html.push_str(&format!(
            "<article>\n<h2>{}</h2>\n<p><time>{}</time></p>\n<p>{}</p>\n</article>\n",
            escape_html(post.title),
            escape_html(post.date),
            escape_html(post.body)
        ));
    }
    html.push_str("</body>\n</html>\n");
    html
}

/// What the server answers for a path.
#[derive(Debug, PartialEq, Eq)]
pub struct Page {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

/// Routes a request path (query string ignored) to its page.
pub fn route(path: &str) -> Page {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    match path {
        "/" | "/index.html" => Page {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: front_page(POSTS),
        },
        HEALTH_PATH => Page {
            status: 200,
            content_type: "text/plain; charset=utf-8",
            body: "ok\n".to_string(),
        },
        _ => Page {
            status: 404,
            content_type: "text/plain; charset=utf-8",
            body: format!("no page at {path}; try / or {HEALTH_PATH}\n"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_page_lists_every_post() {
        let page = route("/");
        assert_eq!(page.status, 200);
        assert!(page.body.starts_with("<!DOCTYPE html>"));
        assert_eq!(page.body.matches("<article>").count(), POSTS.len());
        assert!(page.body.contains("Why not Ghost?"));
    }

    #[test]
    fn health_answers_ok_and_ignores_queries() {
        assert_eq!(route("/healthz?probe=1").body, "ok\n");
    }

    #[test]
    fn unknown_paths_are_404_and_escaped() {
        let page = route("/<script>");
        assert_eq!(page.status, 404);
        assert!(page.body.contains("/<script>"));
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;"
        );
    }
}
