//! The census on the real machine: what a test would leave behind is
//! found, and gone once removed. Needs root (netns, veth, mount, cgroup).

use super::*;

/// Undoes one thing the probe made, on drop, also when an assertion fails.
struct Undo(Vec<&'static str>, Vec<String>);

impl Drop for Undo {
    fn drop(&mut self) {
        let _ = Command::new(self.0[0])
            .args(&self.0[1..])
            .args(&self.1)
            .output();
    }
}

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn root_here() -> Result<(), String> {
    if !crate::test::is_root() {
        return Err("ip netns, veth pairs, mounts and cgroups need root".into());
    }
    if which::which("ip").is_err() || which::which("docker").is_err() {
        return Err("the census runs ip and docker: install iproute2 and docker.io".into());
    }
    testkit::docker::engine()
        .map(drop)
        .map_err(|err| format!("the census asks Docker for its containers: {err}"))
}

#[test]
fn the_census_finds_what_a_test_leaves_and_forgets_it_once_removed() {
    if testkit::require("root, ip and docker", root_here()).is_none() {
        return;
    }
    let root = crate::serve::repo_root();
    let before = census::take(&root).unwrap();
    let id = std::process::id();

    let netns = format!("xtask-probe-{id}");
    run("ip", &["netns", "add", &netns]);
    let undo_netns = Undo(vec!["ip", "netns", "delete"], vec![netns.clone()]);

    // Interface names are at most 15 bytes.
    let veth = format!("xtp{}", id % 1_000_000);
    run(
        "ip",
        &[
            "link",
            "add",
            &veth,
            "type",
            "veth",
            "peer",
            "name",
            &format!("{veth}p"),
        ],
    );
    let undo_veth = Undo(vec!["ip", "link", "delete"], vec![veth.clone()]);

    let state = PathBuf::from(format!("/tmp/setns-demo-xtask-probe-{id}"));
    std::fs::create_dir_all(&state).unwrap();
    let undo_state = Undo(vec!["rm", "-rf"], vec![state.display().to_string()]);
    let node_state = PathBuf::from(format!("/run/real-node-xtask-probe-{id}"));
    std::fs::create_dir_all(&node_state).unwrap();
    let undo_node_state = Undo(vec!["rm", "-rf"], vec![node_state.display().to_string()]);

    let mount_point = root.join(format!("target/xtask-mount-probe-{id}"));
    std::fs::create_dir_all(&mount_point).unwrap();
    let undo_dir = Undo(vec!["rmdir"], vec![mount_point.display().to_string()]);
    run(
        "mount",
        &[
            "-t",
            "tmpfs",
            "xtask-probe",
            &mount_point.display().to_string(),
        ],
    );
    let undo_mount = Undo(vec!["umount"], vec![mount_point.display().to_string()]);

    // cgroup v2 (a unified mount) or v1's pids controller, whichever is here.
    let cgroup_parent = [
        "/sys/fs/cgroup/pids",
        "/sys/fs/cgroup/unified",
        "/sys/fs/cgroup",
    ]
    .into_iter()
    .map(Path::new)
    .find(|dir| dir.join("cgroup.procs").is_file())
    .expect("a cgroup hierarchy under /sys/fs/cgroup");
    let cgroup = cgroup_parent.join(format!("zombie-reaping-xtask-probe-{id}"));
    std::fs::create_dir(&cgroup).unwrap();
    let undo_cgroup = Undo(vec!["rmdir"], vec![cgroup.display().to_string()]);

    let found = Leftovers::between(&before, census::take(&root).unwrap());
    let expect = |kind: Kind, name: &str| {
        assert!(
            found.of(kind).contains(name),
            "{name} not among the new {kind:?}:\n{}",
            found.describe()
        );
    };
    expect(Kind::NetworkNamespace, &netns);
    expect(Kind::Interface, &veth);
    expect(Kind::Interface, &format!("{veth}p"));
    expect(Kind::StateDir, &state.display().to_string());
    expect(Kind::StateDir, &node_state.display().to_string());
    expect(Kind::Mount, &mount_point.display().to_string());
    expect(Kind::Mount, &format!("/run/netns/{netns}"));
    expect(Kind::Cgroup, &cgroup.display().to_string());

    drop((
        undo_cgroup,
        undo_mount,
        undo_dir,
        undo_node_state,
        undo_state,
    ));
    drop((undo_veth, undo_netns));
    let after = Leftovers::between(&before, census::take(&root).unwrap());
    let ours = [
        netns,
        veth,
        state.display().to_string(),
        node_state.display().to_string(),
        cgroup.display().to_string(),
    ];
    let text = after.describe();
    for name in ours {
        assert!(!text.contains(&name), "{name} still listed:\n{text}");
    }
    assert!(
        !text.contains(&mount_point.display().to_string()),
        "mount still listed:\n{text}"
    );
}
