//! The built book, served from its folder, with the token put into every
//! HTML page right before `</head>` (and nowhere else).

use std::path::{Component, Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

/// The protocol version the pages read beside the token.
pub const VERSION: &str = "1";

/// `html` with the runner's meta tags before its first `</head>`.
pub fn inject(html: &str, token: &str) -> String {
    let metas = format!(
        "<meta name=\"lab-runner-token\" content=\"{token}\">\n\
         <meta name=\"lab-runner-version\" content=\"{VERSION}\">\n"
    );
    match html.to_ascii_lowercase().find("</head>") {
        Some(at) => format!("{}{metas}{}", &html[..at], &html[at..]),
        None => html.to_string(),
    }
}

/// `%XX` decoded; None when the result is not UTF-8 or holds a NUL.
pub fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).ok()?;
    (!text.contains('\0')).then_some(text)
}

/// The file under `book` that URL path `path` names, if it stays inside.
pub fn resolve(book: &Path, path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let mut file = book.join(relative);
    if file.is_dir() {
        file = file.join("index.html");
    }
    // No link may lead out of the book.
    let real = file.canonicalize().ok()?;
    let root = book.canonicalize().ok()?;
    (real.starts_with(&root) && real.is_file()).then_some(real)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "eot" => "application/vnd.ms-fontobject",
        "txt" | "md" | "toml" | "rs" | "sh" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Answers a GET or HEAD for a file of the book.
pub async fn serve(book: &Path, token: &str, method: &Method, uri: &Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let (status, file) = match resolve(book, uri.path()) {
        Some(file) => (StatusCode::OK, Some(file)),
        None => (StatusCode::NOT_FOUND, resolve(book, "/404.html")),
    };
    let Some(file) = file else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let Ok(bytes) = tokio::fs::read(&file).await else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let kind = content_type(&file);
    let is_html = kind.starts_with("text/html");
    let body = if is_html {
        inject(&String::from_utf8_lossy(&bytes), token).into_bytes()
    } else {
        bytes
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if is_html {
        // The token changes with every start: never cache a page.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("frame-ancestors 'self'"),
        );
    }
    if method == Method::HEAD {
        *response.body_mut() = Body::empty();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_goes_right_before_the_first_head_end() {
        let page = "<html><HEAD><title>t</title></HEAD><body></head></body>";
        let out = inject(page, "abc");
        assert!(
            out.starts_with(
                "<html><HEAD><title>t</title><meta name=\"lab-runner-token\" content=\"abc\">\n"
            ),
            "{out}"
        );
        assert_eq!(out.matches("lab-runner-token").count(), 1);
        assert!(out.contains("<meta name=\"lab-runner-version\" content=\"1\">\n</HEAD>"));
        assert_eq!(inject("<p>no head</p>", "abc"), "<p>no head</p>");
    }

    #[test]
    fn paths_stay_inside_the_book() {
        let book = std::env::temp_dir().join(format!("lab-runner-book-{}", std::process::id()));
        std::fs::create_dir_all(book.join("zh")).unwrap();
        std::fs::write(book.join("index.html"), "i").unwrap();
        std::fs::write(book.join("zh/a b.html"), "a").unwrap();
        let found = |p: &str| resolve(&book, p).map(|f| f.file_name().unwrap().to_owned());
        assert_eq!(found("/"), Some("index.html".into()));
        assert_eq!(found("/zh/a%20b.html"), Some("a b.html".into()));
        for bad in [
            "/../etc/passwd",
            "/zh/../../x",
            "/%2e%2e/x",
            "/a%00",
            "/%zz",
            "/nope",
        ] {
            assert_eq!(found(bad), None, "{bad}");
        }
        std::fs::remove_dir_all(&book).unwrap();
    }
}
