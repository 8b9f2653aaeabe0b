//! Requests the runner must refuse, and the proof that they ran nothing: a
//! test transcript whose only command creates a marker file. The marker is
//! absent after every refused request and present after a proper one (so
//! the check can fail). Also: the token only in HTML, Host and Origin on
//! static files too, no CORS, a taken port.

mod common;

use std::time::Duration;

use common::*;

fn marker_labs(marker: &std::path::Path) -> TempDir {
    let touch = format!("touch {}", marker.display());
    extra_labs("testlab", &[("marker", "", &[(touch.as_str(), "")])])
}

#[test]
fn refused_requests_run_nothing_and_a_proper_one_runs() {
    let scratch = TempDir::new("marker");
    let marker = scratch.path().join("ran");
    let labs = marker_labs(&marker);
    let runner = Runner::start(Options {
        extra: Some(labs.path()),
        ..Options::default()
    });
    let body = r#"{"id": "testlab/marker", "page": "p1"}"#;
    let port = runner.port;
    let origin = format!("Origin: http://127.0.0.1:{port}");
    let cases: Vec<(&str, Vec<String>, &str, u16)> = vec![
        ("no token", vec![runner.host(), origin.clone()], body, 403),
        (
            "a wrong token",
            vec![
                runner.host(),
                "X-Lab-Runner-Token: 00".to_string(),
                origin.clone(),
            ],
            body,
            403,
        ),
        (
            "a token of the right length, but wrong",
            vec![
                runner.host(),
                format!("X-Lab-Runner-Token: {}", "0".repeat(64)),
            ],
            body,
            403,
        ),
        (
            "another Origin",
            vec![
                runner.host(),
                runner.token_header(),
                "Origin: http://evil.example".into(),
            ],
            body,
            403,
        ),
        (
            "another Host (DNS rebinding)",
            vec![format!("Host: evil.example:{port}"), runner.token_header()],
            body,
            403,
        ),
        ("no Host", vec![runner.token_header()], body, 403),
        (
            "an id not on the allowlist",
            vec![runner.host(), runner.token_header(), origin.clone()],
            r#"{"id": "setns-demo/seed-demo", "page": "p1"}"#,
            404,
        ),
        (
            "a command instead of an id",
            vec![runner.host(), runner.token_header(), origin.clone()],
            r#"{"id": "touch /tmp/x", "page": "p1"}"#,
            404,
        ),
        (
            "a bad page id",
            vec![runner.host(), runner.token_header(), origin.clone()],
            r#"{"id": "testlab/marker", "page": "../p"}"#,
            400,
        ),
        (
            "not JSON",
            vec![runner.host(), runner.token_header(), origin.clone()],
            "id=testlab/marker",
            400,
        ),
    ];
    for (what, headers, body, status) in &cases {
        let reply = raw(port, "POST", "/api/runs", headers, body);
        assert_eq!(reply.status, *status, "{what}: {reply:?}");
        assert!(reply.json()["error"].is_string(), "{what}: {reply:?}");
        assert!(
            reply.header("access-control-allow-origin").is_none(),
            "{what}"
        );
    }
    // The token in the query is for EventSource and sendBeacon only.
    let query = format!("/api/runs?token={}", runner.token);
    let reply = raw(port, "POST", &query, &[runner.host()], body);
    assert_eq!(
        reply.status, 403,
        "token in the query of POST /api/runs: {reply:?}"
    );
    // Give anything wrongly started time to touch the marker.
    std::thread::sleep(Duration::from_millis(500));
    assert!(!marker.exists(), "a refused request ran the command");

    let run = runner.run("testlab/marker", "p1");
    let events = runner.events(&run).rest();
    assert_eq!(done_status(&events), "ok", "{events:?}");
    assert!(
        marker.exists(),
        "the proper request did not run the command"
    );
}

#[test]
fn the_token_is_in_html_pages_only_and_every_request_checks_host_and_origin() {
    let runner = Runner::start(Options::default());
    let page = runner.get("/", &[]);
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!(
        "<meta name=\"lab-runner-token\" content=\"{}\">",
        runner.token
    )));
    assert!(
        page.body
            .contains("<meta name=\"lab-runner-version\" content=\"1\">")
    );
    let index = page.body.find("lab-runner-token").unwrap();
    assert!(index < page.body.find("</head>").unwrap());
    assert_eq!(page.header("cache-control").as_deref(), Some("no-store"));

    let script = runner.get("/book.js", &[]);
    assert_eq!(script.status, 200);
    assert!(!script.body.contains(&runner.token), "{script:?}");
    assert!(!script.head.contains(&runner.token));
    let catalog = runner.api("GET", "/api/catalog", "");
    assert_eq!(catalog.status, 200);
    assert!(!catalog.body.contains(&runner.token));

    // Static files answer only to our Host, and to no other Origin.
    let evil_host = raw(
        runner.port,
        "GET",
        "/",
        &[format!("Host: evil.example:{}", runner.port)],
        "",
    );
    assert_eq!(evil_host.status, 403);
    assert!(!evil_host.body.contains(&runner.token));
    let other_port = raw(runner.port, "GET", "/", &["Host: 127.0.0.1:1".into()], "");
    assert_eq!(other_port.status, 403);
    let localhost = raw(
        runner.port,
        "GET",
        "/",
        &[format!("Host: localhost:{}", runner.port)],
        "",
    );
    assert_eq!(localhost.status, 200);
    let evil_origin = runner.get("/", &["Origin: http://evil.example".into()]);
    assert_eq!(evil_origin.status, 403);

    // No CORS: a preflight is refused and nothing says Allow-*.
    let preflight = raw(
        runner.port,
        "OPTIONS",
        "/api/runs",
        &[
            runner.host(),
            format!("Origin: http://127.0.0.1:{}", runner.port),
            "Access-Control-Request-Method: POST".into(),
        ],
        "",
    );
    assert!(matches!(preflight.status, 403 | 405), "{preflight:?}");
    for reply in [&page, &script, &catalog, &preflight, &evil_host] {
        assert!(
            !reply.head.to_ascii_lowercase().contains("access-control-"),
            "{reply:?}"
        );
    }
    // The catalog lists only runnable transcripts, each with its steps.
    let items = catalog.json();
    let ids: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"setns-demo/pod-by-hand"), "{ids:?}");
    assert!(ids.contains(&"pause/signals"), "{ids:?}");
    assert!(
        !ids.contains(&"setns-demo/seed-demo"),
        "not runnable: {ids:?}"
    );
    let first = &items[0];
    assert!(first["steps"][0]["command"].is_string(), "{first}");
    assert!(first["steps"][0]["output"].is_string(), "{first}");
    assert!(first["runnable_here"].is_boolean(), "{first}");
    // Unknown API paths and runs are 404, with the token.
    assert_eq!(runner.api("GET", "/api/nothing", "").status, 404);
    assert_eq!(runner.api("GET", "/api/runs/nope/pod", "").status, 404);
    assert_eq!(runner.api("POST", "/api/runs/nope/stop", "").status, 404);
}

#[test]
fn a_taken_port_is_refused_with_a_clear_message() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let book = TempDir::new("book-taken");
    std::fs::write(book.path().join("index.html"), "<html><head></head></html>").unwrap();
    let out = std::process::Command::new(BIN)
        .arg("--book")
        .arg(book.path())
        .arg("--root")
        .arg(workspace_root())
        .args(["--port", &port.to_string()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "port {port} on 127.0.0.1 is taken (by another runner or mdbook serve?): pass --port M"
        )),
        "{stderr}"
    );
}

#[test]
fn the_help_does_not_show_the_test_flag() {
    let out = std::process::Command::new(BIN)
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--book"), "{help}");
    assert!(!help.contains("extra-transcripts"), "{help}");
}
