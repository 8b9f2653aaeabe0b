//! Just enough HTTP/1.x: read one request head, answer, close.
//!
//! nginx's `proxy_pass` speaks HTTP/1.0 with `Connection: close` by default,
//! and curl is happy with a closed connection, so one request per connection
//! keeps the server small.

use crate::error::{Error, Result};
use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::site::{Page, route};

/// The longest request head we read before giving up (bytes).
const MAX_HEAD: usize = 16 * 1024;

/// A parsed request line.
#[derive(Debug, PartialEq, Eq)]
pub struct RequestLine {
    pub method: String,
    pub path: String,
}

/// Parses `GET /path HTTP/1.1`.
pub fn parse_request_line(line: &str) -> Result<RequestLine> {
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(method), Some(path), Some(version), None)
            if version.starts_with("HTTP/") && path.starts_with('/') =>
        {
            Ok(RequestLine {
                method: method.to_string(),
                path: path.to_string(),
            })
        }
        _ => Err(Error::BadInput(format!(
            "not an HTTP request line: {line:?}"
        ))),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Unknown",
    }
}

/// The bytes of a full response; `HEAD` gets the headers only.
pub fn response_bytes(page: &Page, head_only: bool) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nServer: tiny-blog\r\nConnection: close\r\n\r\n",
        page.status,
        reason(page.status),
        page.content_type,
        page.body.len()
    )
    .into_bytes();
    if !head_only {
        out.extend_from_slice(page.body.as_bytes());
    }
    out
}

/// Answers the request on one connection.
pub fn handle(stream: TcpStream) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // Skip the headers: the answer does not depend on them.
    let mut read = line.len();
    loop {
        let mut header = String::new();
        let n = reader.read_line(&mut header)?;
        read += n;
        if n == 0 || header == "\r\n" || header == "\n" || read > MAX_HEAD {
            break;
        }
    }
    let text = |status, body: &str| Page {
        status,
        content_type: "text/plain; charset=utf-8",
        body: body.to_string(),
    };
    let (page, head_only) = match parse_request_line(line.trim_end()) {
        Ok(request) if request.method == "GET" => (route(&request.path), false),
        Ok(request) if request.method == "HEAD" => (route(&request.path), true),
        Ok(_) => (text(405, "only GET and HEAD\n"), false),
        Err(err) => (text(400, &format!("{err}\n")), false),
    };
    let mut stream = stream;
    stream.write_all(&response_bytes(&page, head_only))?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines() {
        assert_eq!(
            parse_request_line("GET /healthz HTTP/1.0").unwrap(),
            RequestLine {
                method: "GET".into(),
                path: "/healthz".into()
            }
        );
        assert!(parse_request_line("GET /").is_err());
        assert!(parse_request_line("GET x HTTP/1.1").is_err());
        assert!(parse_request_line("").is_err());
    }

    #[test]
    fn responses_carry_length_and_close() {
        let page = route("/healthz");
        let text = String::from_utf8(response_bytes(&page, false)).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(text.contains("Content-Length: 3\r\n"));
        assert!(text.ends_with("\r\n\r\nok\n"));
        let head = String::from_utf8(response_bytes(&page, true)).unwrap();
        assert!(head.ends_with("\r\n\r\n"));
    }
}
