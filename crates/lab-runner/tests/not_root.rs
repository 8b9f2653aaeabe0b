//! A runner started without root says so before a root command runs, and
//! runs nothing for it; commands that need no root still run.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use testkit::shared::SharedTree;

/// The unprivileged user the runner is started as (nobody).
const NOBODY: u32 = 65534;

/// The runner, the lab binaries and the labs' transcripts, copied where `nobody` may
/// read them (the checkout may sit in a folder only root can enter).
fn shared_tree() -> Option<(SharedTree, PathBuf, PathBuf)> {
    let tree = SharedTree::new("lab-runner").expect("a shared folder");
    for package in ["pause", "setns-demo"] {
        let built = testkit::workspace_binary(package, package).map_err(|e| e.to_string());
        let bin = testkit::require(&format!("the {package} binary"), built)?;
        tree.copy(&bin, &format!("bin/{package}")).expect("copy");
    }
    tree.copy(Path::new(BIN), "bin/lab-runner").expect("copy");
    let root = tree
        .workspace_transcripts(&workspace_root())
        .expect("copy the transcripts");
    let bins = tree.path().join("bin");
    Some((tree, bins, root))
}

#[test]
fn a_runner_without_root_refuses_root_commands_and_runs_the_others() {
    // Root is needed here only to start the runner as another user.
    let root = if nix::unistd::geteuid().is_root() {
        Ok(())
    } else {
        Err("not root: cannot start the runner as another user".to_string())
    };
    if testkit::require("root", root).is_none() {
        return;
    }
    let Some((_tree, bins, workspace)) = shared_tree() else {
        return;
    };
    let runner = Runner::start(Options {
        bin_dir: Some(&bins),
        root: Some(&workspace),
        program: Some(&bins.join("lab-runner")),
        user: Some(NOBODY),
        ..Options::default()
    });
    let catalog = runner.api("GET", "/api/catalog", "").json();
    let entry = |id: &str| {
        catalog
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("{id} not in {catalog}"))
            .clone()
    };
    let pod = entry("setns-demo/pod-by-hand");
    assert_eq!(pod["runnable_here"], false, "{pod}");
    assert!(
        pod["why_not"].as_str().unwrap_or("").contains("root"),
        "{pod}"
    );

    let refused = runner.start_run("setns-demo/pod-by-hand", "page-nobody");
    assert_eq!(refused.status, 403, "{refused:?}");
    let message = refused.json()["error"].as_str().unwrap_or("").to_string();
    assert!(
        message.contains("needs root") && message.contains("sudo"),
        "{message}"
    );
    assert!(
        children_of(runner.pid()).is_empty(),
        "a refused run started something"
    );

    // The same page may still run what needs no root.
    assert_eq!(entry("pause/signals")["runnable_here"], true);
    let run = runner.run("pause/signals", "page-nobody");
    let events = runner.events(&run).rest();
    assert_eq!(done_status(&events), "ok", "{events:?}");
    assert_eq!(output(&events, "stdout", 0), "pause.rs 0.1.0\n");
}
