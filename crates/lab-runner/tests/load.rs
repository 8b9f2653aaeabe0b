//! 200 concurrent requests over loopback: catalog reads, refused requests
//! and a burst of run requests, of which at most 4 (the cap) are admitted
//! and the rest refused with 429 (or 409 for a page that has one). After
//! it the runner still answers, and has leaked no process and no file
//! descriptor.

mod common;

use std::sync::{Arc, Barrier};
use std::time::Duration;

use common::*;

#[test]
fn two_hundred_concurrent_requests_are_bounded_and_leak_nothing() {
    let labs = extra_labs(
        "testlab",
        &[("hold", "", &[("echo $$", ""), ("sleep 1000", "")])],
    );
    let runner = Arc::new(Runner::start(Options {
        extra: Some(labs.path()),
        ..Options::default()
    }));
    assert_eq!(runner.api("GET", "/api/catalog", "").status, 200);
    let fds_before = runner.fds();
    assert!(runner.children().is_empty());

    let total = 200;
    let barrier = Arc::new(Barrier::new(total));
    let threads: Vec<_> = (0..total)
        .map(|i| {
            let (runner, barrier) = (runner.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                match i % 10 {
                    0..=4 => ("catalog", runner.api("GET", "/api/catalog", "")),
                    5 => (
                        "no token",
                        raw(runner.port, "POST", "/api/runs", &[runner.host()], "{}"),
                    ),
                    6 => (
                        "evil host",
                        raw(
                            runner.port,
                            "GET",
                            "/api/catalog",
                            &[
                                format!("Host: evil.example:{}", runner.port),
                                runner.token_header(),
                            ],
                            "",
                        ),
                    ),
                    7 => ("page", runner.get("/", &[])),
                    // 40 run requests: 30 pages of their own, 10 on one page.
                    _ => {
                        let page = if i % 20 == 8 {
                            "page-shared".to_string()
                        } else {
                            format!("page-{i}")
                        };
                        ("run", runner.start_run("testlab/hold", &page))
                    }
                }
            })
        })
        .collect();
    let replies: Vec<(&str, Reply)> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let mut admitted = Vec::new();
    for (what, reply) in &replies {
        match *what {
            "catalog" | "page" => assert_eq!(reply.status, 200, "{what}: {reply:?}"),
            "no token" | "evil host" => assert_eq!(reply.status, 403, "{what}: {reply:?}"),
            _ => match reply.status {
                201 => admitted.push(reply.json()["run"].as_str().unwrap().to_string()),
                429 | 409 => {}
                other => panic!("a run request got {other}: {reply:?}"),
            },
        }
    }
    assert_eq!(admitted.len(), 4, "the cap admits exactly 4 runs");
    let refused = |status| {
        replies
            .iter()
            .filter(|(w, r)| *w == "run" && r.status == status)
            .count()
    };
    // 40 run requests; at most 9 met a busy page, the rest the cap.
    assert_eq!(refused(429) + refused(409), 36);
    assert!(
        refused(429) >= 27 && refused(409) <= 9,
        "{} 429, {} 409",
        refused(429),
        refused(409)
    );

    // The admitted runs work, and end when stopped.
    let mut sessions = Vec::new();
    for run in &admitted {
        let mut events = runner.events(run);
        let seen = events.until("exit");
        sessions.push(output(&seen, "stdout", 0).trim().parse::<i32>().unwrap());
        let stop = runner.api("POST", &format!("/api/runs/{run}/stop"), "");
        assert_eq!(stop.status, 200);
        assert_eq!(done_status(&events.rest()), "stopped");
    }
    for session in sessions {
        assert!(
            in_session(session).is_empty(),
            "session {session} left processes"
        );
    }
    // Still answering, and a new run is admitted again.
    assert_eq!(runner.api("GET", "/api/catalog", "").status, 200);
    let again = runner.run("testlab/hold", "page-after");
    runner.api("POST", &format!("/api/runs/{again}/stop"), "");
    assert_eq!(done_status(&runner.events(&again).rest()), "stopped");
    wait_until(Duration::from_secs(10), "no child of the runner", || {
        runner.children().is_empty().then_some(())
    });
    let fds_after = wait_until(
        Duration::from_secs(10),
        "the runner's fds to settle",
        || {
            let fds = runner.fds();
            (fds <= fds_before).then_some(fds)
        },
    );
    assert!(
        fds_after <= fds_before,
        "{fds_before} fds before, {fds_after} after"
    );
}
