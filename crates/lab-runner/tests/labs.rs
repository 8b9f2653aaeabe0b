//! The labs' own runnable transcripts, run by the runner with the lab
//! binaries as the replay tests build them, and the pod view checked
//! against /proc: the inodes it draws are the ones /proc/PID/ns/* show,
//! for pause and for each member, and only the run's own pods are shown.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::*;
use serde_json::Value;

/// The folder of the workspace's lab binaries, built like the labs' tests
/// build them; None (skipped, or failing under PAUSE_BOOK_STRICT) if not.
fn lab_bins(packages: &[&str]) -> Option<PathBuf> {
    let mut dir = None;
    for package in packages {
        let built = testkit::workspace_binary(package, package).map_err(|e| e.to_string());
        dir = Some(testkit::require(&format!("the {package} binary"), built)?);
    }
    dir.and_then(|bin: PathBuf| bin.parent().map(PathBuf::from))
}

fn is_root() -> bool {
    let check = if nix::unistd::geteuid().is_root() {
        Ok(())
    } else {
        Err("not root: a pod with a veth pair needs root".to_string())
    };
    testkit::require("root", check).is_some()
}

#[test]
fn pause_signals_runs_with_stdout_and_stderr_apart() {
    let Some(bins) = lab_bins(&["pause"]) else {
        return;
    };
    let runner = Runner::start(Options {
        bin_dir: Some(&bins),
        ..Options::default()
    });
    let catalog = runner.api("GET", "/api/catalog", "").json();
    let entry = catalog
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "pause/signals")
        .unwrap();
    assert_eq!(entry["runnable_here"], true, "{entry}");
    let run = runner.run("pause/signals", "page-pause");
    let events = runner.events(&run).rest();
    assert_eq!(done_status(&events), "ok", "{events:?}");
    assert_eq!(output(&events, "stdout", 0), "pause.rs 0.1.0\n");
    assert!(
        output(&events, "stderr", 2).contains("Warning: pause should be the first process"),
        "{events:?}"
    );
    assert_eq!(output(&events, "stdout", 2), "");
    assert!(output(&events, "stdout", 3).contains("SigCgt:\t0000000000014002"));
    let last = format!(
        "{}{}",
        output(&events, "stdout", 4),
        output(&events, "stderr", 4)
    );
    assert!(last.contains("exit status: 0"), "{last}");
}

/// A pod that stays up until the run is stopped (a labs-like folder named
/// after setns-demo, so it gets setns-demo's environment).
const HOLD_POD: &[(&str, &str)] = &[
    ("setns-demo run web", ""),
    ("setns-demo exec --detach web -- sleep 1000", ""),
    (
        "setns-demo exec --detach --share net,ipc,uts web -- sleep 2000",
        "",
    ),
    ("echo $SETNS_DEMO_STATE_DIR; echo $SETNS_DEMO_SUBNET", ""),
    ("sleep 1000", ""),
];

fn inode(pid: i64, kind: &str) -> u64 {
    nsproc::ns_inode(pid as i32, nsproc::NsKind::parse(kind).unwrap()).unwrap()
}

/// The number after `before` in `text`.
fn number_after(text: &str, before: &str) -> i64 {
    let rest = text
        .split(before)
        .nth(1)
        .unwrap_or_else(|| panic!("{before:?} in {text:?}"));
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap()
}

/// The word after `before` in `text`.
fn word_after(text: &str, before: &str) -> String {
    let rest = text
        .split(before)
        .nth(1)
        .unwrap_or_else(|| panic!("{before:?} in {text:?}"));
    rest.split_whitespace().next().unwrap().to_string()
}

/// The host ends of veth pairs in the runner's range (10.217.0.0/16) that
/// `ip -br link` shows.
fn runner_veths() -> Vec<String> {
    let out = std::process::Command::new("ip")
        .args(["-br", "link"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| name.starts_with("sd0ad9"))
        .map(|name| name.split('@').next().unwrap().to_string())
        .collect()
}

/// Waits until none of `veths` is left.
fn assert_veths_gone(veths: &[&str]) {
    wait_until(Duration::from_secs(10), "the pods' veths to go", || {
        let left = runner_veths();
        (!veths.iter().any(|v| left.iter().any(|l| l == v))).then_some(())
    });
}

struct PodRun {
    run: String,
    events: Events,
    pause: i64,
    members: [i64; 2],
    state_dir: PathBuf,
    /// The host end of the pod's veth pair.
    veth: String,
}

fn start_pod(runner: &Runner, page: &str) -> PodRun {
    let run = runner.run("setns-demo/hold-pod", page);
    let mut events = runner.events(&run);
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|e: &Event| e.name == "exit" && e.data["index"] == 3)
    {
        let event = events.next().expect("the run goes on");
        assert!(event.name != "done", "the run ended: {seen:?}");
        seen.push(event);
    }
    let exits: Vec<&Value> = seen
        .iter()
        .filter(|e| e.name == "exit")
        .map(|e| &e.data["code"])
        .collect();
    assert!(exits.iter().all(|c| **c == 0), "{seen:?}");
    let state = output(&seen, "stdout", 3);
    let mut lines = state.lines();
    let state_dir = PathBuf::from(lines.next().unwrap());
    assert!(lines.next().unwrap().starts_with("10.217."), "{state}");
    PodRun {
        run,
        events,
        pause: number_after(&output(&seen, "stdout", 0), "pause is PID "),
        veth: word_after(&output(&seen, "stdout", 0), "host side "),
        members: [
            number_after(&output(&seen, "stdout", 1), "host PID "),
            number_after(&output(&seen, "stdout", 2), "host PID "),
        ],
        state_dir,
    }
}

#[test]
fn the_pod_view_shows_the_inodes_proc_shows_and_only_the_run_s_own_pods() {
    if !is_root() {
        return;
    }
    let Some(bins) = lab_bins(&["setns-demo", "pause"]) else {
        return;
    };
    let labs = extra_labs("setns-demo", &[("hold-pod", "\"root\"", HOLD_POD)]);
    let runner = Runner::start(Options {
        bin_dir: Some(&bins),
        extra: Some(labs.path()),
        ..Options::default()
    });
    // Two runs, each with a pod named web, in their own state and subnet.
    let mut runs = [
        start_pod(&runner, "page-pod-1"),
        start_pod(&runner, "page-pod-2"),
    ];
    for pod in &runs {
        assert!(pod.veth.starts_with("sd0ad9"), "{}", pod.veth);
        assert!(
            runner_veths().contains(&pod.veth),
            "{} {:?}",
            pod.veth,
            runner_veths()
        );
    }
    assert_ne!(runs[0].veth, runs[1].veth);
    for pod in &runs {
        let reply = runner.get(
            &format!("/api/runs/{}/pod?token={}", pod.run, runner.token),
            &[],
        );
        assert_eq!(reply.status, 200, "{reply:?}");
        let view = reply.json();
        let pods = view["pods"].as_array().unwrap();
        assert_eq!(pods.len(), 1, "{view}");
        assert_eq!(pods[0]["name"], "web");
        let processes = pods[0]["processes"].as_array().unwrap();
        let pids: Vec<i64> = processes
            .iter()
            .map(|p| p["pid"].as_i64().unwrap())
            .collect();
        assert_eq!(pids, [pod.pause, pod.members[0], pod.members[1]], "{view}");
        assert_eq!(processes[0]["command"], "pause");
        for process in processes {
            let pid = process["pid"].as_i64().unwrap();
            for kind in ["net", "ipc", "uts", "pid", "mnt", "cgroup"] {
                assert_eq!(
                    process["ns"][kind].as_u64(),
                    Some(inode(pid, kind)),
                    "{pid} {kind}"
                );
            }
        }
        // The member that shares net, ipc and uts only has its own pid.
        assert_eq!(inode(pod.members[0], "pid"), inode(pod.pause, "pid"));
        assert_ne!(inode(pod.members[1], "pid"), inode(pod.pause, "pid"));
        let mermaid = view["mermaid"].as_str().unwrap();
        for kind in ["net", "ipc", "uts", "pid"] {
            assert!(
                mermaid.contains(&format!("{kind}<br/>{}", inode(pod.pause, kind))),
                "{mermaid}"
            );
        }
        assert!(
            mermaid.contains(&format!("PID {}<br/>own: mnt\"]", pod.members[0])),
            "{mermaid}"
        );
        assert!(
            mermaid.contains(&format!("PID {}<br/>own: pid, mnt\"]", pod.members[1])),
            "{mermaid}"
        );
        assert!(mermaid.contains("pod0_2 -->|shares| pod0_net"), "{mermaid}");
        assert!(
            !mermaid.contains("pod0_2 -->|shares| pod0_pid"),
            "{mermaid}"
        );
    }
    // Closing the pages removes both pods.
    for (i, pod) in runs.iter_mut().enumerate() {
        let close = runner.api("POST", &format!("/api/pages/page-pod-{}/close", i + 1), "");
        assert_eq!(close.status, 200);
        assert_eq!(done_status(&pod.events.rest()), "stopped");
        for pid in [pod.pause, pod.members[0], pod.members[1]] {
            assert!(!alive(pid as i32), "PID {pid} of the pod survived");
        }
        assert!(!pod.state_dir.exists(), "{}", pod.state_dir.display());
        let view = runner
            .api("GET", &format!("/api/runs/{}/pod", pod.run), "")
            .json();
        assert_eq!(view["pods"], Value::Array(vec![]));
    }
    assert_veths_gone(&[&runs[0].veth, &runs[1].veth]);
}

#[test]
fn the_book_s_pod_by_hand_runs_and_leaves_nothing() {
    if !is_root() {
        return;
    }
    let Some(bins) = lab_bins(&["setns-demo", "pause"]) else {
        return;
    };
    let runner = Runner::start(Options {
        bin_dir: Some(&bins),
        ..Options::default()
    });
    let run = runner.run("setns-demo/pod-by-hand", "page-by-hand");
    let events = runner.events(&run).rest();
    assert_eq!(done_status(&events), "ok", "{events:?}");
    let steps = events.iter().filter(|e| e.name == "step").count();
    let exits = events
        .iter()
        .filter(|e| e.name == "exit" && e.data["code"] == 0)
        .count();
    assert_eq!((steps, exits), (8, 8), "{events:?}");
    assert!(
        output(&events, "stdout", 7).contains("pod web removed"),
        "{events:?}"
    );
    assert_veths_gone(&[&word_after(&output(&events, "stdout", 0), "host side ")]);
}

/// When `setns-demo rm` fails, the runner still kills the pod's processes
/// (and so its namespaces and veth pair go): a `setns-demo` that refuses
/// `rm` stands in for a broken one.
#[test]
fn the_pods_go_even_when_setns_demo_rm_fails() {
    if !is_root() {
        return;
    }
    let Some(real) = lab_bins(&["setns-demo", "pause"]) else {
        return;
    };
    let bins = TempDir::new("bins");
    std::os::unix::fs::symlink(real.join("pause"), bins.path().join("pause")).unwrap();
    let script = format!(
        "#!/bin/bash\nif [ \"$1\" = rm ]; then echo 'rm refused (test)' >&2; exit 1; fi\nexec {} \"$@\"\n",
        real.join("setns-demo").display()
    );
    testkit::exec::write_executable(&bins.path().join("setns-demo"), script.as_bytes()).unwrap();
    let labs = extra_labs("setns-demo", &[("hold-pod", "\"root\"", HOLD_POD)]);
    let runner = Runner::start(Options {
        bin_dir: Some(bins.path()),
        extra: Some(labs.path()),
        ..Options::default()
    });
    let mut pod = start_pod(&runner, "page-rm-fails");
    let stop = runner.api("POST", &format!("/api/runs/{}/stop", pod.run), "");
    assert_eq!(stop.status, 200);
    assert_eq!(done_status(&pod.events.rest()), "stopped");
    for pid in [pod.pause, pod.members[0], pod.members[1]] {
        assert!(!alive(pid as i32), "PID {pid} of the pod survived");
    }
    assert!(!pod.state_dir.exists());
    assert_veths_gone(&[&pod.veth]);
}
