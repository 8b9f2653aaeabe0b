//! Real clicks and keys in headless Chromium, through chromedriver
//! (Debian's `chromium-driver`) over the W3C WebDriver protocol.
//!
//! `chromium --dump-dom` (see [`crate::chromium`]) only loads a page; the
//! quizzes and the in-page runner need a reader who clicks, types and
//! reloads. A handful of WebDriver calls does it; the HTTP is ureq's.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::chromium::CHROMIUM;

/// Where Debian's package puts chromedriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Ok when chromedriver and Chromium can be run here.
pub fn available() -> Result<(), String> {
    crate::chromium::available()?;
    if !Path::new(CHROMEDRIVER).is_file() {
        return Err(format!(
            "{CHROMEDRIVER} not found: install Debian's `chromium-driver` package \
             (cargo xtask test does it as root)"
        ));
    }
    Ok(())
}

/// WebDriver's key codes for [`Browser::press`].
pub mod keys {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const SPACE: &str = "\u{E00D}";
}

/// A headless Chromium session; chromedriver, the browser and the profile
/// directory go away on drop, also when a test fails.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    profile: PathBuf,
    agent: ureq::Agent,
}

/// An element of the page, by its WebDriver reference.
#[derive(Clone, Debug)]
pub struct Element(String);

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a session.
    pub fn start() -> Result<Browser, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|err| format!("no free loopback port for chromedriver: {err}"))?
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|err| format!("cannot start {CHROMEDRIVER}: {err}"))?;
        let profile = crate::root()
            .join("target")
            .join("chromium-profiles")
            .join(format!("webdriver-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .build()
            .new_agent();
        let mut browser = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            profile,
            agent,
        };
        browser.wait_ready()?;
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,900",
                    format!("--user-data-dir={}", browser.profile.display()),
                ],
            },
        }}});
        let answer = browser.call("POST", "/session", Some(capabilities))?;
        browser.session = answer["sessionId"]
            .as_str()
            .ok_or_else(|| format!("chromedriver gave no session id: {answer}"))?
            .to_string();
        Ok(browser)
    }

    fn wait_ready(&self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(status) = self.call("GET", "/status", None)
                && status["ready"].as_bool() == Some(true)
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("chromedriver did not answer /status within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// One WebDriver command; its `value`, or the driver's error.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self
                .agent
                .post(&url)
                .send_json(body.unwrap_or_else(|| json!({}))),
        };
        let mut response = response.map_err(|err| format!("{method} {path}: {err}"))?;
        let status = response.status();
        let answer: Value = response
            .body_mut()
            .read_json()
            .map_err(|err| format!("{method} {path}: unreadable answer: {err}"))?;
        if status.is_success() {
            Ok(answer["value"].clone())
        } else {
            Err(format!("{method} {path}: {status}: {}", answer["value"]))
        }
    }

    fn session_call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        self.call(method, &format!("/session/{}{path}", self.session), body)
    }

    /// Opens `url` and waits for the page to load.
    pub fn goto(&self, url: &str) -> Result<(), String> {
        self.session_call("POST", "/url", Some(json!({ "url": url })))
            .map(drop)
    }

    /// Closes the browser's window (the page gets `pagehide`, as when a
    /// reader closes the tab); the session stays until drop.
    pub fn close_window(&self) -> Result<(), String> {
        self.session_call("DELETE", "/window", None).map(drop)
    }

    /// Reloads the page.
    pub fn reload(&self) -> Result<(), String> {
        self.session_call("POST", "/refresh", None).map(drop)
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns
    /// its result.
    pub fn script(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.session_call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// Every element matching the CSS `selector`.
    pub fn find_all(&self, selector: &str) -> Result<Vec<Element>, String> {
        let found = self.session_call(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": selector })),
        )?;
        Ok(found
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|item| item[ELEMENT_KEY].as_str().map(|id| Element(id.to_string())))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The one element matching `selector`, or an error naming it.
    pub fn find(&self, selector: &str) -> Result<Element, String> {
        self.find_all(selector)?
            .into_iter()
            .next()
            .ok_or_else(|| format!("no element matches `{selector}`"))
    }

    /// A real click (the driver scrolls the element into view first).
    pub fn click(&self, element: &Element) -> Result<(), String> {
        self.session_call("POST", &format!("/element/{}/click", element.0), None)
            .map(drop)
    }

    /// Types `text` into `element`.
    pub fn type_into(&self, element: &Element, text: &str) -> Result<(), String> {
        self.session_call(
            "POST",
            &format!("/element/{}/value", element.0),
            Some(json!({ "text": text })),
        )
        .map(drop)
    }

    /// Presses and releases `key` (see [`keys`]) where the focus is.
    pub fn press(&self, key: &str) -> Result<(), String> {
        let actions = json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
            {"type": "keyDown", "value": key}, {"type": "keyUp", "value": key},
        ]}]});
        self.session_call("POST", "/actions", Some(actions))
            .map(drop)
    }

    /// The rendered text of `element`.
    pub fn text(&self, element: &Element) -> Result<String, String> {
        self.session_call("GET", &format!("/element/{}/text", element.0), None)
            .map(|value| value.as_str().unwrap_or_default().to_string())
    }

    /// An attribute or property of `element` (e.g. `class`, `hidden`).
    pub fn attribute(&self, element: &Element, name: &str) -> Result<Option<String>, String> {
        let value = self.session_call(
            "GET",
            &format!("/element/{}/attribute/{name}", element.0),
            None,
        )?;
        Ok(value.as_str().map(str::to_string))
    }

    /// Waits until `check` holds, polling the page (scripts run async).
    pub fn wait_for(
        &self,
        what: &str,
        mut check: impl FnMut(&Browser) -> Result<bool, String>,
    ) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if check(self)? {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("timed out after 20 s waiting for {what}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Element {
    /// The reference as a script argument.
    pub fn as_arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.0 })
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.call("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}
