//! The server's command line: `tiny-blog [--port N] [--bind ADDR]`.

use crate::error::Error;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The port Ghost listens on, which the seed's nginx.conf proxies to.
pub const DEFAULT_PORT: u16 = 2368;

/// Where the server listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The address to listen on. Loopback by default: in a pod only the
    /// neighbours sharing the network namespace (nginx) can reach it.
    pub bind: IpAddr,
    /// The TCP port; 0 lets the kernel choose (the server prints it).
    pub port: u16,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
        }
    }
}

impl Options {
    /// The socket address to bind.
    pub fn address(&self) -> SocketAddr {
        SocketAddr::new(self.bind, self.port)
    }
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    Serve(Options),
    Help,
}

pub const USAGE: &str = "usage: tiny-blog [--port N] [--bind ADDR]
  --port N     TCP port to listen on (default 2368, Ghost's; 0 = any free port)
  --bind ADDR  address to listen on (default 127.0.0.1: only the pod's own
               network namespace can reach it; 0.0.0.0 for every interface)
";

/// Parses the arguments after the program name. Errors say which argument
/// is wrong and what is expected.
pub fn parse<I, S>(args: I) -> Result<Request, Error>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut options = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let arg = arg.as_ref();
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name, Some(value.to_string())),
            None => (arg, None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next().map(|v| v.as_ref().to_string()))
                .ok_or_else(|| Error::BadInput(format!("{name} needs a value\n{USAGE}")))
        };
        match name {
            "--port" | "-p" => {
                let raw = value(name)?;
                options.port = raw.parse().map_err(|_| {
                    Error::BadInput(format!("--port {raw:?}: expected a number from 0 to 65535"))
                })?;
            }
            "--bind" | "-b" => {
                let raw = value(name)?;
                options.bind = raw.parse().map_err(|_| {
                    Error::BadInput(format!(
                        "--bind {raw:?}: expected an IP address such as 0.0.0.0"
                    ))
                })?;
            }
            "--help" | "-h" => return Ok(Request::Help),
            other => {
                return Err(Error::BadInput(format!(
                    "unknown argument {other:?}\n{USAGE}"
                )));
            }
        }
    }
    Ok(Request::Serve(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> Options {
        match parse(args).unwrap() {
            Request::Serve(options) => options,
            Request::Help => panic!("asked for help"),
        }
    }

    #[test]
    fn defaults_are_ghosts_port_on_loopback() {
        assert_eq!(serve(&[]).address().to_string(), "127.0.0.1:2368");
    }

    #[test]
    fn port_and_bind_in_both_spellings() {
        assert_eq!(
            serve(&["--port", "8080", "--bind", "0.0.0.0"])
                .address()
                .to_string(),
            "0.0.0.0:8080"
        );
        assert_eq!(
            serve(&["--port=0", "--bind=::1"]).address().to_string(),
            "[::1]:0"
        );
    }

    #[test]
    fn bad_input_says_what_is_expected() {
        let err = parse(["--port", "http"]).unwrap_err();
        assert!(err.to_string().contains("expected a number"), "{err}");
        let err = parse(["--bind", "localhost"]).unwrap_err();
        assert!(err.to_string().contains("expected an IP address"), "{err}");
        let err = parse(["--port"]).unwrap_err();
        assert!(err.to_string().contains("needs a value"), "{err}");
        let err = parse(["--verbose"]).unwrap_err();
        assert!(err.to_string().contains("unknown argument"), "{err}");
    }

    #[test]
    fn help() {
        assert_eq!(parse(["--help"]).unwrap(), Request::Help);
    }
}
