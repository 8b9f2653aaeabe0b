//! Who may talk to the runner: the per-start token (compared in constant
//! time), and the Host and Origin rules that keep other sites and DNS
//! rebinding out. Pure functions over header values, tested below.

use subtle::ConstantTimeEq;

use crate::Error;

/// The header a page's `fetch` sends the token in.
pub const TOKEN_HEADER: &str = "x-lab-runner-token";

/// A random 256-bit token, made once per start of the runner. Its Debug
/// form does not show it: it must never reach a log line.
#[derive(Clone)]
pub struct Token {
    hex: String,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(..)")
    }
}

impl Token {
    pub fn generate() -> Result<Token, Error> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
        Ok(Token { hex: hex(&bytes) })
    }

    /// The token as the pages carry it: 64 lowercase hex digits.
    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// Whether `given` is the token, in time that does not depend on where
    /// it differs (its length is no secret: it is always 64).
    pub fn matches(&self, given: &str) -> bool {
        let (want, got) = (self.hex.as_bytes(), given.as_bytes());
        want.len() == got.len() && bool::from(want.ct_eq(got))
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh random id of `n` bytes, in hex (run ids, nonces).
pub fn random_hex(n: usize) -> Result<String, Error> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| Error::Random(e.to_string()))?;
    Ok(hex(&bytes))
}

/// Host must be exactly `127.0.0.1:PORT` or `localhost:PORT`: a page of
/// another name that resolves to us (DNS rebinding) sends its own name.
pub fn host_allowed(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else {
        return false;
    };
    let Some((name, given_port)) = host.rsplit_once(':') else {
        return false;
    };
    matches!(name, "127.0.0.1" | "localhost") && given_port == port.to_string()
}

/// Origin, when the browser sends one, must be this very server.
pub fn origin_allowed(origin: Option<&str>, port: u16) -> bool {
    match origin {
        None => true,
        Some(origin) => {
            origin == format!("http://127.0.0.1:{port}")
                || origin == format!("http://localhost:{port}")
        }
    }
}

/// The `token` parameter of a query string, if there is exactly one.
pub fn query_token(query: Option<&str>) -> Option<&str> {
    let mut found = query?
        .split('&')
        .filter_map(|pair| pair.strip_prefix("token="));
    let token = found.next()?;
    found.next().is_none().then_some(token)
}

/// The requests that may carry the token in the query, because the
/// browser API behind them cannot set headers: EventSource (GET events,
/// GET pod) and sendBeacon (POST close).
pub fn query_token_allowed(method: &str, path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    matches!(
        (method, parts.as_slice()),
        ("GET", ["", "api", "runs", _, "events" | "pod"])
            | ("POST", ["", "api", "pages", _, "close"])
    )
}

/// The token a request carries: the header, else (where allowed) the query.
pub fn given_token<'a>(
    header: Option<&'a str>,
    method: &str,
    path: &str,
    query: Option<&'a str>,
) -> Option<&'a str> {
    header.or_else(|| {
        query_token_allowed(method, path)
            .then(|| query_token(query))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_compared_whole() {
        let (a, b) = (Token::generate().unwrap(), Token::generate().unwrap());
        assert_eq!(a.hex().len(), 64);
        assert!(a.hex().chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a.hex(), b.hex());
        assert!(a.matches(a.hex()));
        assert!(!a.matches(b.hex()));
        assert!(!a.matches(&a.hex()[..63]));
        assert!(!a.matches(""));
        assert!(!a.matches(&a.hex().to_uppercase()));
        assert_eq!(format!("{a:?}"), "Token(..)");
    }

    #[test]
    fn only_our_own_host_names_and_port_pass() {
        assert!(host_allowed(Some("127.0.0.1:3000"), 3000));
        assert!(host_allowed(Some("localhost:3000"), 3000));
        for bad in [
            None,
            Some("127.0.0.1"),
            Some("localhost"),
            Some("127.0.0.1:3001"),
            Some("evil.example:3000"),
            Some("localhost.evil.example:3000"),
            Some("[::1]:3000"),
            Some("0.0.0.0:3000"),
            Some("127.0.0.1:3000:3000"),
            Some("LOCALHOST:3000x"),
        ] {
            assert!(!host_allowed(bad, 3000), "{bad:?}");
        }
    }

    #[test]
    fn origins_must_be_this_server_when_sent() {
        assert!(origin_allowed(None, 3000));
        assert!(origin_allowed(Some("http://127.0.0.1:3000"), 3000));
        assert!(origin_allowed(Some("http://localhost:3000"), 3000));
        for bad in [
            "null",
            "http://evil.example",
            "http://127.0.0.1:3001",
            "https://127.0.0.1:3000",
            "http://localhost:3000/",
            "http://127.0.0.1:3000.evil.example",
        ] {
            assert!(!origin_allowed(Some(bad), 3000), "{bad}");
        }
    }

    #[test]
    fn the_query_carries_the_token_only_where_headers_cannot() {
        assert_eq!(query_token(Some("token=abc")), Some("abc"));
        assert_eq!(query_token(Some("x=1&token=abc")), Some("abc"));
        assert_eq!(query_token(Some("token=a&token=b")), None);
        assert_eq!(query_token(Some("tok=abc")), None);
        assert_eq!(query_token(None), None);
        assert!(query_token_allowed("GET", "/api/runs/r1/events"));
        assert!(query_token_allowed("GET", "/api/runs/r1/pod"));
        assert!(query_token_allowed("POST", "/api/pages/p-1/close"));
        assert!(!query_token_allowed("POST", "/api/runs"));
        assert!(!query_token_allowed("GET", "/api/catalog"));
        assert!(!query_token_allowed("POST", "/api/runs/r1/stop"));
        assert!(!query_token_allowed("POST", "/api/runs/r1/events"));
        assert!(!query_token_allowed("GET", "/api/runs/r1/events/x"));
        let q = Some("token=q");
        assert_eq!(given_token(Some("h"), "POST", "/api/runs", q), Some("h"));
        assert_eq!(given_token(None, "POST", "/api/runs", q), None);
        assert_eq!(given_token(None, "GET", "/api/runs/r/events", q), Some("q"));
    }
}
