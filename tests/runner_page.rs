//! The Run buttons in headless Chromium, against the real lab runner
//! (crates/lab-runner) serving the built book: a reader presses Run and
//! the real output of the book's own commands arrives in the page, step by
//! step, with exit codes and the final status; a setns-demo run draws its
//! pod with the inodes /proc shows (as root); a listing that needs root
//! says so when the runner is not root; without the runner the button is
//! disabled and says how to start it, in the page's language; and
//! leaving or closing the page during a long run leaves nothing running.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use book_tests::webdriver::{self, Browser};
use book_tests::{build, chromium, root, scratch_dir};
use nsproc::procfs;
use serde_json::{Value, json};
use testkit::shared::SharedTree;

/// The unprivileged user a runner without root runs as.
const NOBODY: u32 = 65534;

/// One Chromium and one runner at a time: the machines have 2 cores.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The runner and the lab binaries its runs call, built side by side (the
/// runner finds them next to itself).
fn runner_binary() -> PathBuf {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        for (package, bin) in [
            ("pause", "pause"),
            ("zombie-reaping", "zombie-reaping"),
            ("setns-demo", "setns-demo"),
        ] {
            testkit::workspace_binary(package, bin).map_err(|err| err.to_string())?;
        }
        testkit::workspace_binary("lab-runner", "lab-runner").map_err(|err| err.to_string())
    });
    match built {
        Ok(path) => path.clone(),
        Err(message) => panic!("cannot build the runner and the lab binaries: {message}"),
    }
}

/// A running `lab-runner` on a free port; stopped with SIGTERM on drop
/// (it removes what its runs made), killed if it does not stop.
struct Runner {
    child: Child,
    port: u16,
    /// What a runner started as another user reads, kept until it stops.
    _shared: Option<SharedTree>,
}

impl Runner {
    fn start(book: &Path, extra: Option<&Path>) -> Runner {
        Runner::spawn(Command::new(runner_binary()), book, root(), extra)
    }

    /// The runner as an ordinary user (`nobody`, when we are root). It gets
    /// copies of the book, its binaries and the labs' transcripts that
    /// `nobody` may read: the checkout may sit in a folder only root enters.
    fn start_not_root(book: &Path) -> Runner {
        if !matches!(testkit::isolation(), Ok(testkit::Isolation::Root)) {
            return Runner::spawn(Command::new(runner_binary()), book, root(), None);
        }
        let shared = SharedTree::new("runner-page").expect("a shared folder");
        let built = runner_binary();
        let bins = built.parent().expect("the runner's folder");
        for bin in ["lab-runner", "pause", "zombie-reaping", "setns-demo"] {
            shared
                .copy(&bins.join(bin), &format!("bin/{bin}"))
                .expect("copy a binary");
        }
        let book = shared.copy(book, "book").expect("copy the book");
        let workspace = shared
            .workspace_transcripts(root())
            .expect("copy the transcripts");
        // As root, std drops the supplementary groups along with the ids.
        let mut command = Command::new(shared.path().join("bin/lab-runner"));
        command.uid(NOBODY).gid(NOBODY);
        let mut runner = Runner::spawn(command, &book, &workspace, None);
        runner._shared = Some(shared);
        runner
    }

    fn spawn(mut command: Command, book: &Path, workspace: &Path, extra: Option<&Path>) -> Runner {
        command
            .arg("--book")
            .arg(book)
            .args(["--port", "0", "--root"])
            .arg(workspace)
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        if let Some(extra) = extra {
            command.arg("--extra-transcripts").arg(extra);
        }
        let mut child = command.spawn().expect("start lab-runner");
        let stdout = child.stdout.take().expect("the runner's stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let port = line
                    .strip_prefix("lab-runner: serving the book at http://127.0.0.1:")
                    .and_then(|rest| rest.trim_end_matches('/').parse::<u16>().ok());
                if let Some(port) = port {
                    let _ = tx.send(port);
                }
            }
        });
        let mut runner = Runner {
            child,
            port: 0,
            _shared: None,
        };
        runner.port = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(port) => port,
            Err(_) => panic!(
                "lab-runner printed no address within 60 s (exited: {:?})",
                runner.child.try_wait()
            ),
        };
        runner
    }

    fn url(&self, page: &str) -> String {
        format!("http://127.0.0.1:{}/{page}", self.port)
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(70);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The built book, or `None` (skip) when mdbook or Chromium is missing.
fn book_and_browser() -> Option<(PathBuf, Browser)> {
    let book = build::built_book("runner-page")?;
    testkit::require("chromedriver and Chromium", webdriver::available())?;
    let browser = Browser::start().unwrap_or_else(|err| panic!("{err}"));
    Some((book, browser))
}

/// The steps of a transcript file: (command, output).
fn transcript(path: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let mut steps: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        match line.strip_prefix("$ ") {
            Some(command) => steps.push((command.trim_end().to_string(), String::new())),
            None => steps.last_mut().expect("starts with $").1.push_str(line),
        }
    }
    steps
}

fn selector(id: &str) -> String {
    format!(".lab-run[data-transcript=\"{id}\"]")
}

/// What the page shows of the run in box `id`.
fn shown(browser: &Browser, id: &str) -> Value {
    browser
        .script(
            "const box = document.querySelector(arguments[0]);
             if (!box) { return null; }
             const text = (node, sel) => [...node.querySelectorAll(sel)].map((n) => n.textContent).join('');
             return {
               runner: box.dataset.runner || null,
               status: box.dataset.status || null,
               statusText: text(box, '.lab-run-status'),
               button: text(box, '.lab-run-start'),
               disabled: box.querySelector('.lab-run-start')?.disabled ?? null,
               note: [...box.querySelectorAll('.lab-run-note')].map((n) => n.innerText),
               children: [...box.children].map((n) => n.className),
               steps: [...box.querySelectorAll('.lab-run-step')].map((li) => ({
                 command: text(li, '.lab-run-command'),
                 exit: li.querySelector('.lab-run-exit')?.dataset.code ?? null,
                 output: text(li, '.lab-run-output'),
                 stdout: text(li, '.lab-run-stdout'),
                 stderr: text(li, '.lab-run-stderr'),
                 expected: text(li, '.lab-run-expected-output'),
               })),
             };",
            vec![json!(selector(id))],
        )
        .unwrap()
}

/// Presses Run on box `id` once the page knows the runner's catalog.
fn press_run(browser: &Browser, id: &str) {
    browser
        .wait_for(&format!("the Run button of {id} to be ready"), |b| {
            Ok(shown(b, id)["runner"] == "ready")
        })
        .unwrap_or_else(|err| panic!("{err}: {}", shown(browser, id)));
    let button = browser
        .find(&format!("{} .lab-run-start", selector(id)))
        .unwrap();
    browser.click(&button).unwrap();
}

/// Waits for the run in box `id` to end; what the page then shows.
fn wait_done(browser: &Browser, id: &str) -> Value {
    browser
        .wait_for(&format!("the run of {id} to end"), |b| {
            let status = shown(b, id)["status"].clone();
            Ok(["ok", "failed", "stopped", "timeout", "lost"]
                .iter()
                .any(|s| status == *s))
        })
        .unwrap_or_else(|err| panic!("{err}: {:#}", shown(browser, id)));
    shown(browser, id)
}

fn sorted_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines.sort();
    lines
}

/// The commands, exit codes and expected outputs the page shows agree with
/// the transcript; every exit code is 0 and the status is ok.
fn assert_steps_of(page: &Value, file: &str) {
    let expected = transcript(file);
    assert_eq!(page["status"], "ok", "{page:#}");
    let steps = page["steps"].as_array().unwrap();
    assert_eq!(steps.len(), expected.len(), "{page:#}");
    for (step, (command, output)) in steps.iter().zip(&expected) {
        assert_eq!(step["command"], format!("$ {command}"), "{page:#}");
        assert_eq!(step["exit"], "0", "{command}: {page:#}");
        assert_eq!(step["expected"], output.as_str(), "{command}");
    }
}

#[test]
fn pressing_run_streams_the_real_output_into_the_page() {
    let _one = one_at_a_time();
    let Some((book, browser)) = book_and_browser() else {
        return;
    };
    let runner = Runner::start(&book, None);
    let id = "pause/signals";
    browser.goto(&runner.url("en/pause-in-rust.html")).unwrap();
    press_run(&browser, id);
    let page = wait_done(&browser, id);
    assert_steps_of(&page, "labs/pause/transcripts/signals.txt");
    assert_eq!(page["statusText"], "Done: every command succeeded");

    // The real output is the checked one (nothing of it varies here),
    // step by step. stdout and stderr come apart, so only the order of
    // their lines may differ; each line is shown whole.
    let steps = page["steps"].as_array().unwrap();
    for (step, (command, output)) in steps
        .iter()
        .zip(transcript("labs/pause/transcripts/signals.txt"))
    {
        let shown = step["output"].as_str().unwrap();
        assert_eq!(
            sorted_lines(shown),
            sorted_lines(&output),
            "{command}: {page:#}"
        );
        assert!(shown.ends_with('\n'), "{command}: {shown:?}");
    }
    assert_eq!(steps[0]["stdout"], "pause.rs 0.1.0\n");
    assert_eq!(steps[0]["stderr"], "");
    let stderr: String = steps
        .iter()
        .map(|s| s["stderr"].as_str().unwrap())
        .collect();
    assert!(
        stderr.contains("Warning: pause should be the first process")
            && stderr.contains("Shutting down, got signal: Terminated"),
        "pause's messages go to stderr: {page:#}"
    );
    assert!(
        steps[4]["stdout"]
            .as_str()
            .unwrap()
            .contains("exit status: 0")
    );

    // The zh twin's button speaks Chinese, and runs the same way.
    browser
        .goto(&runner.url("zh/what-pause-does.html"))
        .unwrap();
    let id = "zombie-reaping/subreaper";
    press_run(&browser, id);
    let page = wait_done(&browser, id);
    assert_eq!(page["button"], "运行");
    assert_steps_of(&page, "labs/zombie-reaping/transcripts/subreaper.txt");
    assert_eq!(page["statusText"], "完成：每条命令都成功了");
    let out = page["steps"][0]["stdout"].as_str().unwrap();
    assert!(
        out.starts_with("PID ")
            && out.contains(" (a subreaper): 100 orphans have parent ")
            && out.ends_with("; it reaped 100 of 100 orphans\n"),
        "{out}"
    );
}

#[test]
fn without_the_runner_the_button_is_disabled_and_says_how_to_start_it() {
    let _one = one_at_a_time();
    let Some((book, browser)) = book_and_browser() else {
        return;
    };
    for (lang, note, run) in [
        (
            "en",
            "To run these commands on your own machine, start cargo xtask serve --labs in the repository and reload this page.",
            "Run",
        ),
        (
            "zh",
            "在仓库根目录运行 cargo xtask serve --labs 后刷新本页，即可在自己的机器上运行这段命令。",
            "运行",
        ),
    ] {
        let page = book.join(lang).join("pause-in-rust.html");
        browser.goto(&chromium::file_url(&page)).unwrap();
        let id = "pause/signals";
        browser
            .wait_for("runner.js to draw the button", |b| {
                Ok(shown(b, id)["runner"] == "off")
            })
            .unwrap();
        let shown = shown(&browser, id);
        assert_eq!(shown["button"], run, "{shown:#}");
        assert_eq!(shown["disabled"], true, "{shown:#}");
        assert_eq!(shown["note"], json!([note]), "{shown:#}");
        // The bar and the note, nothing more: no panel, no status.
        assert_eq!(
            shown["children"],
            json!(["lab-run-bar", "lab-run-note"]),
            "{shown:#}"
        );
        assert_eq!(shown["statusText"], "");
        // Nothing else on the page changes: runner.js adds nothing outside
        // its boxes.
        let outside = browser
            .script(
                "return [...document.querySelectorAll('[class*=\"lab-run\"]')]
                    .filter((n) => !n.closest('.lab-run')).length;",
                vec![],
            )
            .unwrap();
        assert_eq!(outside, 0);
    }
}

#[test]
fn a_listing_that_needs_root_says_so_when_the_runner_is_not_root() {
    let _one = one_at_a_time();
    let Some((book, browser)) = book_and_browser() else {
        return;
    };
    let runner = Runner::start_not_root(&book);
    for (lang, note) in [
        (
            "en",
            "These commands need root: start the runner with sudo -E cargo xtask serve --labs and reload this page.",
        ),
        (
            "zh",
            "这段命令需要 root：请用 sudo -E cargo xtask serve --labs 启动运行器后刷新本页。",
        ),
    ] {
        browser
            .goto(&runner.url(&format!("{lang}/how-it-works.html")))
            .unwrap();
        let id = "setns-demo/pod-by-hand";
        browser
            .wait_for("the page to read the runner's catalog", |b| {
                Ok(shown(b, id)["runner"] == "unavailable")
            })
            .unwrap_or_else(|err| panic!("{err}: {:#}", shown(&browser, id)));
        let shown = shown(&browser, id);
        assert_eq!(shown["disabled"], true, "{shown:#}");
        assert_eq!(shown["note"], json!([note]), "{shown:#}");
        assert_eq!(shown["steps"], json!([]), "{shown:#}");
    }
    // What needs no root still runs.
    browser.goto(&runner.url("en/pause-in-rust.html")).unwrap();
    press_run(&browser, "pause/signals");
    let page = wait_done(&browser, "pause/signals");
    assert_steps_of(&page, "labs/pause/transcripts/signals.txt");
}

/// Processes whose command line is exactly `words` (no argument holds a
/// space in these tests, so the joined command line tells them apart).
fn processes(words: &[&str]) -> Vec<i32> {
    let wanted = words.join(" ");
    procfs::all_pids()
        .unwrap_or_default()
        .into_iter()
        .filter(|&pid| procfs::cmdline(pid).is_ok_and(|line| line == wanted))
        .collect()
}

fn parent_of(pid: i32) -> Option<i32> {
    procfs::stat(pid).ok().map(|stat| stat.ppid)
}

/// Still listed in /proc (a zombie counts: it is not cleaned up yet).
fn alive(pid: i32) -> bool {
    procfs::stat(pid).is_ok()
}

/// Waits (bounded) until `what` holds.
fn eventually(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    nsproc::wait_until(limit, what, || check().then_some(())).unwrap_or_else(|err| panic!("{err}"));
}

/// A labs-like folder with one more runnable transcript, `<lab>/<id>`,
/// for the runner's `--extra-transcripts`, and a copy of a built page whose
/// first Run button is for it instead of `instead_of`.
fn extra_transcript(
    book: &Path,
    lab: &str,
    id: &str,
    needs: &str,
    text: &str,
    page: &str,
    instead_of: &str,
) -> (PathBuf, String) {
    let dir = scratch_dir(&format!("runner-page-{lab}-{id}"));
    let transcripts = dir.join(lab).join("transcripts");
    std::fs::create_dir_all(&transcripts).unwrap();
    std::fs::write(
        transcripts.join("transcripts.toml"),
        format!("[[transcript]]\nid = \"{id}\"\nneeds = [{needs}]\nrunnable = true\n"),
    )
    .unwrap();
    std::fs::write(transcripts.join(format!("{id}.txt")), text).unwrap();
    let html = std::fs::read_to_string(book.join(page)).unwrap();
    let from = format!("data-transcript=\"{instead_of}\"");
    assert!(
        html.contains(&from),
        "{page} has no Run button for {instead_of}"
    );
    let copy = format!("en/runner-test-{id}.html");
    std::fs::write(
        book.join(&copy),
        html.replacen(&from, &format!("data-transcript=\"{lab}/{id}\""), 1),
    )
    .unwrap();
    (dir, copy)
}

/// A number for the `sleep`s of this test process, so their command lines
/// are ours alone.
fn unique_seconds(offset: u32) -> String {
    (800_000 + (std::process::id() % 100_000) * 10 + offset).to_string()
}

#[test]
fn leaving_or_closing_the_page_during_a_long_run_leaves_nothing_running() {
    let _one = one_at_a_time();
    let Some((book, browser)) = book_and_browser() else {
        return;
    };
    let seconds = unique_seconds(1);
    let (extra, page) = extra_transcript(
        &book,
        "page-test",
        "long",
        "",
        &format!("$ echo started\nstarted\n$ sleep {seconds}\n"),
        "en/pause-in-rust.html",
        "pause/signals",
    );
    let runner = Runner::start(&book, Some(&extra));
    let id = "page-test/long";
    let sleep = ["sleep", seconds.as_str()];

    for leave in ["navigate away", "close the window"] {
        browser.goto(&runner.url(&page)).unwrap();
        press_run(&browser, id);
        eventually(
            &format!("the run's sleep {seconds} to start"),
            Duration::from_secs(20),
            || processes(&sleep).len() == 1,
        );
        let pid = processes(&sleep)[0];
        let session = parent_of(pid).expect("the sleep's parent");
        // The page shows the run as it goes (its events may come a moment
        // after the process shows in /proc).
        browser
            .wait_for("the page to show the long step running", |b| {
                let now = shown(b, id);
                Ok(now["status"] == "running"
                    && now["steps"][0]["stdout"] == "started\n"
                    && now["steps"][0]["exit"] == "0"
                    && now["steps"][1]["command"] == format!("$ sleep {seconds}"))
            })
            .unwrap_or_else(|err| panic!("{err}: {:#}", shown(&browser, id)));
        match leave {
            "navigate away" => browser.goto("about:blank").unwrap(),
            _ => browser.close_window().unwrap(),
        }
        eventually(
            &format!("{leave}: the run's processes ({pid}, its shell {session}) to be gone"),
            Duration::from_secs(15),
            || !alive(pid) && !alive(session),
        );
    }
    assert!(processes(&sleep).is_empty());
}

fn inode(pid: i32, kind: &str) -> Option<u64> {
    nsproc::ns_inode(pid, nsproc::NsKind::parse(kind).ok()?).ok()
}

fn interfaces() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir("/sys/class/net")
        .map(|dir| {
            dir.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn a_pod_run_draws_the_pod_with_the_inodes_proc_shows() {
    let _one = one_at_a_time();
    let is_root = match testkit::isolation() {
        Ok(testkit::Isolation::Root) => Ok(()),
        Ok(_) => Err("the setns-demo pods need root (run the tests as root)".to_string()),
        Err(err) => Err(err),
    };
    if testkit::require("root", is_root).is_none() {
        return;
    }
    let Some((book, browser)) = book_and_browser() else {
        return;
    };
    let [member, own, hold] = [2, 3, 4].map(unique_seconds);
    let (extra, page) = extra_transcript(
        &book,
        "setns-demo",
        "pod-kept",
        "\"root\"",
        &format!(
            "$ setns-demo run kept\n(a pod)\n\
             $ setns-demo exec --detach kept -- sleep {member}\n(a member)\n\
             $ setns-demo exec --detach --share net,ipc,uts kept -- sleep {own}\n(a member)\n\
             $ sleep {hold}\n"
        ),
        "en/how-it-works.html",
        "setns-demo/pod-by-hand",
    );
    let before = interfaces();
    let runner = Runner::start(&book, Some(&extra));

    // The book's own pod session runs, and says what the book says.
    browser.goto(&runner.url("en/how-it-works.html")).unwrap();
    let id = "setns-demo/pod-by-hand";
    press_run(&browser, id);
    let shown_run = wait_done(&browser, id);
    assert_steps_of(&shown_run, "labs/setns-demo/transcripts/pod-by-hand.txt");
    let steps = shown_run["steps"].as_array().unwrap();
    let stdout = |i: usize| steps[i]["stdout"].as_str().unwrap().to_string();
    assert!(
        stdout(0).starts_with("pod web running: pause is PID "),
        "{}",
        stdout(0)
    );
    assert!(
        stdout(3).starts_with("HOST-PID  NET        IPC"),
        "{}",
        stdout(3)
    );
    assert_eq!(stdout(5), "web\n");
    assert_eq!(stdout(steps.len() - 1), "pod web removed\n");

    // A pod that stays while its last command runs: the page draws it, and
    // every inode it shows is the one /proc shows.
    let id = "setns-demo/pod-kept";
    browser.goto(&runner.url(&page)).unwrap();
    press_run(&browser, id);
    let members = [["sleep", member.as_str()], ["sleep", own.as_str()]];
    browser
        .wait_for("the pod's diagram and its three processes", |b| {
            let drawn = b.script(
                "const box = document.querySelector(arguments[0]);
                 return box.querySelectorAll('.lab-run-pod-diagram svg').length > 0
                     && box.querySelectorAll('.lab-run-pod-table tr[data-pid]').length === 3;",
                vec![json!(selector(id))],
            )?;
            Ok(drawn == true)
        })
        .unwrap_or_else(|err| panic!("{err}: {:#}", shown(&browser, id)));
    let rows = browser
        .script(
            "return [...document.querySelectorAll(arguments[0] + ' .lab-run-pod-table tr[data-pid]')]
                .map((tr) => ({
                    pid: Number(tr.dataset.pid),
                    cells: [...tr.querySelectorAll('td[data-ns]')].map((td) => ({
                        kind: td.dataset.ns, inode: td.textContent, class: td.className })),
                }));",
            vec![json!(selector(id))],
        )
        .unwrap();
    let rows = rows.as_array().unwrap();
    let pids: Vec<i32> = rows
        .iter()
        .map(|r| r["pid"].as_i64().unwrap() as i32)
        .collect();
    assert_eq!(pids[1], processes(&members[0])[0], "{rows:?}");
    assert_eq!(pids[2], processes(&members[1])[0], "{rows:?}");
    for row in rows {
        let pid = row["pid"].as_i64().unwrap() as i32;
        for cell in row["cells"].as_array().unwrap() {
            let kind = cell["kind"].as_str().unwrap();
            assert_eq!(
                cell["inode"].as_str().unwrap(),
                inode(pid, kind).map(|n| n.to_string()).unwrap_or_default(),
                "pid {pid} {kind}"
            );
        }
    }
    let class = |row: usize, kind: &str| -> String {
        rows[row]["cells"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == kind)
            .map(|c| c["class"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    assert!(class(1, "pid").contains("lab-run-shared"), "{rows:?}");
    assert!(class(2, "pid").contains("lab-run-own"), "{rows:?}");
    assert!(class(2, "net").contains("lab-run-shared"), "{rows:?}");
    assert!(class(1, "mnt").contains("lab-run-own"), "{rows:?}");

    // Leaving the page removes the pod: pause, its members, its veth.
    browser.goto("about:blank").unwrap();
    eventually(
        "the pod's processes to be gone",
        Duration::from_secs(20),
        || pids.iter().all(|pid| !alive(*pid)),
    );
    eventually(
        "the pod's interfaces to be gone",
        Duration::from_secs(10),
        || interfaces() == before,
    );
    drop(runner);
    assert!(processes(&["sleep", hold.as_str()]).is_empty());
}
