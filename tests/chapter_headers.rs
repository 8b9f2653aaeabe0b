//! Every teaching chapter opens with the same box in both languages: what
//! you will learn, what you need, how long it takes, and "run it yourself",
//! the commands from a fresh clone. Those commands live in the lab's
//! `commands/try-it.sh`, which the page includes and which a test here runs
//! exactly as a reader would (from the root of the checkout).

use std::path::Path;
use std::process::Command;

use book_tests::root;

/// Chapter, and the lab whose try-it.sh it includes (None: a reading chapter).
const CHAPTERS: [(&str, Option<&str>); 8] = [
    ("configuration", None),
    ("characteristics", Some("pause-tiny")),
    ("background", None),
    ("how-it-works", Some("setns-demo")),
    ("what-pause-does", Some("zombie-reaping")),
    ("pause-in-rust", Some("pause")),
    ("on-a-node", Some("real-node")),
    ("hands-on", Some("docker-demo")),
];

/// The header's labels in each language.
struct Labels {
    lang: &'static str,
    title: &'static str,
    learn: &'static str,
    need: &'static str,
    time: &'static str,
    run: &'static str,
    nothing_to_run: &'static str,
}

const LABELS: [Labels; 2] = [
    Labels {
        lang: "zh",
        title: "> **本章导读**",
        learn: "> **你将学到**",
        need: "> **你需要**",
        time: "> **用时**",
        run: "**自己动手**",
        nothing_to_run: "本章只需阅读",
    },
    Labels {
        lang: "en",
        title: "> **At a glance**",
        learn: "> **You will learn**",
        need: "> **You need**",
        time: "> **Time**",
        run: "**Run it yourself**",
        nothing_to_run: "nothing to run",
    },
];

/// What a chapter's header says, as the test reads it.
#[derive(Debug, PartialEq)]
struct Header {
    objectives: usize,
    minutes: u32,
    include: Option<String>,
}

fn header(page: &str, labels: &Labels) -> Result<Header, String> {
    let mut lines = page
        .lines()
        .skip_while(|line| !line.starts_with("# "))
        .skip(1);
    let first = lines
        .by_ref()
        .find(|line| !line.trim().is_empty())
        .unwrap_or_default();
    if first.trim() != labels.title {
        return Err(format!(
            "does not open with `{}` after its title (found `{first}`)",
            labels.title
        ));
    }
    let block: Vec<&str> = lines
        .by_ref()
        .take_while(|line| line.starts_with('>'))
        .collect();
    let has = |label: &str| block.iter().any(|line| line.starts_with(label));
    for label in [labels.learn, labels.need, labels.time] {
        if !has(label) {
            return Err(format!("its header has no `{label}`"));
        }
    }
    let objectives = block
        .iter()
        .skip_while(|line| !line.starts_with(labels.learn))
        .skip(1)
        .take_while(|line| line.starts_with("> - "))
        .count();
    let time_line = block
        .iter()
        .find(|line| line.starts_with(labels.time))
        .unwrap();
    let minutes = time_line
        .split(|c: char| !c.is_ascii_digit())
        .find(|part| !part.is_empty())
        .and_then(|digits| digits.parse().ok())
        .ok_or_else(|| format!("`{time_line}` gives no minutes"))?;
    let rest: Vec<&str> = lines.take_while(|line| !line.starts_with("## ")).collect();
    let run_at = rest
        .iter()
        .position(|line| line.starts_with(labels.run))
        .ok_or_else(|| format!("no `{}` right after the header", labels.run))?;
    let include = rest[run_at..]
        .iter()
        .find(|line| line.trim_start().starts_with("{{#include"))
        .map(|line| line.trim().to_string());
    if include.is_none() && !rest[run_at].contains(labels.nothing_to_run) {
        return Err(format!(
            "`{}` neither includes commands nor says `{}`",
            labels.run, labels.nothing_to_run
        ));
    }
    Ok(Header {
        objectives,
        minutes,
        include,
    })
}

#[test]
fn every_teaching_chapter_opens_with_the_same_header_in_both_languages() {
    let mut problems = Vec::new();
    for (chapter, lab) in CHAPTERS {
        let mut seen = Vec::new();
        for labels in &LABELS {
            let file = format!("src/{}/{chapter}.md", labels.lang);
            let page = std::fs::read_to_string(root().join(&file)).unwrap_or_default();
            match header(&page, labels) {
                Ok(found) => {
                    if !(2..=4).contains(&found.objectives) {
                        problems.push(format!("{file}: {} objectives (2 to 4)", found.objectives));
                    }
                    let expected = lab.map(|lab| {
                        format!("{{{{#include ../../labs/{lab}/commands/try-it.sh:try-it}}}}")
                    });
                    if found.include != expected {
                        problems.push(format!(
                            "{file}: runs {:?}, expected {expected:?}",
                            found.include
                        ));
                    }
                    seen.push(found);
                }
                Err(problem) => problems.push(format!("{file}: {problem}")),
            }
        }
        if let [zh, en] = seen.as_slice()
            && zh != en
        {
            problems.push(format!(
                "{chapter}: the zh and en headers differ: {zh:?} vs {en:?}"
            ));
        }
    }
    book_tests::assert_none("chapter headers", &problems);
}

/// Runs a lab's try-it.sh from the root of the checkout, as the page says.
/// `sudo` is a pass-through when the test already runs as root.
fn run_try_it(lab: &str) -> String {
    let script = root().join("labs").join(lab).join("commands/try-it.sh");
    assert!(script.is_file(), "{} is missing", script.display());
    let shim = root().join("target").join("try-it-shim");
    std::fs::create_dir_all(&shim).unwrap();
    let sudo = shim.join("sudo");
    if !Path::new("/usr/bin/sudo").exists() {
        testkit::exec::write_executable(&sudo, b"#!/bin/sh\n# sudo as root: drop its options (-E), run the command.\nwhile [ \"${1#-}\" != \"$1\" ]; do shift; done\nexec \"$@\"\n").unwrap();
    }
    let path = format!(
        "{}:{}",
        shim.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .arg(&script)
        .current_dir(root())
        .env("PATH", path)
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("run bash");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "{} failed ({}):\n{text}",
        script.display(),
        output.status
    );
    text
}

#[test]
fn try_it_pause() {
    let out = run_try_it("pause");
    assert!(out.contains("pause.rs "), "{out}");
    assert!(
        out.contains("Shutting down, got signal: Terminated") && out.contains("exit status: 0"),
        "{out}"
    );
}

#[test]
fn try_it_pause_tiny() {
    let out = run_try_it("pause-tiny");
    assert!(out.contains("target/release/pause-tiny"), "{out}");
}

#[test]
fn try_it_zombies() {
    if testkit::require("user namespaces or root", testkit::isolation().map(drop)).is_none() {
        return;
    }
    let out = run_try_it("zombie-reaping");
    assert!(out.contains("0 zombies left of 100 orphans"), "{out}");
    assert!(out.contains("100 zombies"), "{out}");
}

/// Removes the try-it pod if the script stopped half-way.
struct PodGuard;

impl Drop for PodGuard {
    fn drop(&mut self) {
        let bin = root().join("target/debug/setns-demo");
        let _ = Command::new(bin).args(["rm", "my-pod"]).output();
    }
}

#[test]
fn try_it_setns() {
    let root = match testkit::isolation() {
        Ok(testkit::Isolation::Root) => Ok(()),
        Ok(_) => Err("not root: the chapter's commands use sudo".to_string()),
        Err(why) => Err(why),
    };
    if testkit::require("root", root).is_none() {
        return;
    }
    let _guard = PodGuard;
    let out = run_try_it("setns-demo");
    assert!(out.contains("pod my-pod running"), "{out}");
    assert!(out.contains("pod my-pod removed"), "{out}");
}

/// Removes the demo's containers if the script stopped half-way.
struct DemoGuard;

impl Drop for DemoGuard {
    fn drop(&mut self) {
        for name in ["demo-solo", "demo-blog", "demo-nginx", "demo-pause"] {
            let _ = Command::new("docker").args(["rm", "-f", name]).output();
        }
    }
}

#[test]
fn try_it_docker_demo() {
    if testkit::require(
        "Docker",
        testkit::docker::engine().map_err(|err| err.to_string()),
    )
    .is_none()
    {
        return;
    }
    let _guard = DemoGuard;
    let out = run_try_it("docker-demo");
    assert!(
        out.lines().any(|line| line == "200"),
        "the page did not answer 200:\n{out}"
    );
    assert!(
        out.contains("    1 65535    /pause"),
        "PID 1 of the blog is not /pause:\n{out}"
    );
}

#[test]
fn every_teaching_chapter_has_folded_instructor_notes_in_both_languages() {
    let mut problems = Vec::new();
    for (chapter, _) in CHAPTERS {
        let mut counts = Vec::new();
        for (lang, summary) in [
            ("zh", "<summary>教师提示</summary>"),
            ("en", "<summary>Instructor notes</summary>"),
        ] {
            let file = format!("src/{lang}/{chapter}.md");
            let page = std::fs::read_to_string(root().join(&file)).unwrap_or_default();
            let Some(start) = page.find("<details class=\"instructor-notes\">") else {
                problems.push(format!(
                    "{file}: no <details class=\"instructor-notes\"> block"
                ));
                continue;
            };
            let block = &page[start
                ..page[start..]
                    .find("</details>")
                    .map_or(page.len(), |end| start + end)];
            if !block.contains(summary) {
                problems.push(format!("{file}: the notes are not titled {summary}"));
            }
            counts.push(block.lines().filter(|line| line.starts_with("- ")).count());
        }
        if let [zh, en] = counts.as_slice()
            && (zh != en || *zh == 0)
        {
            problems.push(format!("{chapter}: {zh} notes in zh, {en} in en"));
        }
    }
    book_tests::assert_none("instructor notes", &problems);
}

/// The real-node chapter's commands are the lab's own test suites, which
/// `cargo xtask test` runs anyway (about three minutes on two cores, with a
/// private containerd and Podman each): running them a second time here
/// would prove nothing new. So this checks that every command is one of
/// those, on test targets that exist.
#[test]
fn try_it_real_node_runs_the_labs_own_suites() {
    let script = std::fs::read_to_string(root().join("labs/real-node/commands/try-it.sh")).unwrap();
    let block: Vec<&str> = script
        .lines()
        .skip_while(|line| !line.contains("ANCHOR: try-it"))
        .skip(1)
        .take_while(|line| !line.contains("ANCHOR_END"))
        .collect();
    assert!(!block.is_empty(), "no try-it block");
    for line in block {
        let command = line.trim_start_matches("sudo env PATH=\"$PATH\" ");
        if command == "cargo build -q -p real-node" {
            continue;
        }
        let target = command
            .strip_prefix("cargo test -q -p real-node --test ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("`{line}` is not a build or a test suite of real-node"));
        let file = root().join(format!("labs/real-node/tests/{target}.rs"));
        assert!(
            file.is_file(),
            "`{line}` names a test target that does not exist ({})",
            file.display()
        );
    }
}
