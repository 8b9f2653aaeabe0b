//! Other users on the same machine, played by `nobody` (and, as the victim
//! of a rootless attack, a uid of no account) through a user switch: they
//! cannot hold root's lock, plant a state directory or a symbolic link that
//! setns-demo then trusts, or forge a state that makes `rm` signal anything
//! outside the pod.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use common::*;
use setns_demo::process::ProcessId;
use setns_demo::state;

const NOBODY: u32 = 65534;

/// Root, to switch users; None (skip, or fail under strict) otherwise.
fn as_root() -> Option<()> {
    let check = if nix::unistd::geteuid().is_root() {
        Ok(())
    } else {
        Err("not root: switching to another user needs root".to_string())
    };
    testkit::require("root, to play another user", check)
}

/// Copies of setns-demo and pause that any user can run, removed on drop.
struct Bins {
    dir: PathBuf,
}

impl Bins {
    fn new() -> Bins {
        // One directory per test: tests of this process run side by side.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(unique_name(&format!("setns-demo-users{n}")));
        std::fs::create_dir_all(&dir).unwrap();
        let bins = Bins { dir };
        for (from, to) in [
            (PathBuf::from(BIN), "setns-demo"),
            (pause_binary(), "pause"),
        ] {
            // Written so that no other test's fork holds it open (ETXTBSY).
            testkit::exec::copy_executable(&from, &bins.dir.join(to)).unwrap();
        }
        for path in [bins.dir.clone(), bins.cli(), bins.dir.join("pause")] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        bins
    }

    fn cli(&self) -> PathBuf {
        self.dir.join("setns-demo")
    }

    /// `setns-demo ARGS` as `uid`, with a clean environment (no XDG_RUNTIME_DIR).
    fn run_as(&self, uid: u32, args: &[&str]) -> Output {
        Command::new(self.cli())
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin:/usr/sbin:/sbin")
            .env("SETNS_DEMO_PAUSE", self.dir.join("pause"))
            .uid(uid)
            .gid(uid)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

impl Drop for Bins {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `sh -c SCRIPT` as `uid`.
fn shell_as(uid: u32, script: &str) -> Output {
    Command::new("sh")
        .args(["-c", script])
        .uid(uid)
        .gid(uid)
        .current_dir("/")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// A process killed and reaped when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().mode() & 0o777
}

#[test]
fn nobody_cannot_hold_the_lock_against_root() {
    if !can_make_pods() || as_root().is_none() {
        return;
    }
    let port = free_port();
    let pod = Pod::run("locked", &["--publish", &format!("{port}:80")]);
    let root = state::state_root();
    let dir = state::pod_dir(&pod.name).unwrap();
    assert_eq!(mode(&root), 0o700, "{}", root.display());
    assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    assert_eq!(mode(&root.join(".lock")), 0o600, ".lock");
    for file in ["state.json", "forward.log"] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
    let lock = root.join(".lock");
    let tried = shell_as(
        NOBODY,
        &format!("exec flock -x -n {} -c true", lock.display()),
    );
    assert!(
        !tried.status.success(),
        "nobody took root's lock: {tried:?}"
    );
    // And root is not kept waiting.
    let other = Pod::run("after-lock", &[]);
    drop(other);
}

#[test]
fn a_lock_held_too_long_ends_the_wait_naming_its_holder() {
    if !can_make_pods() || as_root().is_none() {
        return;
    }
    let _pod = Pod::run("holder", &[]);
    let lock = state::state_root().join(".lock");
    // This test process holds it, as any stuck command would.
    let file = std::fs::File::options().read(true).open(&lock).unwrap();
    let holder = nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive).unwrap();
    let name = unique_name("waits");
    let out = setns_demo()
        .args(["run", &name])
        .env("SETNS_DEMO_LOCK_TIMEOUT", "0.3")
        .output()
        .unwrap();
    drop(holder);
    let _guard = Pod { name };
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let said = stderr(&out);
    let me = format!("is held by PID {}", std::process::id());
    assert!(said.contains(&me), "{said}");
}

/// A rootless victim whose `/tmp/setns-demo-<uid>` another user made first.
#[test]
fn a_state_directory_planted_by_another_user_is_refused() {
    if !can_make_pods() || as_root().is_none() {
        return;
    }
    let bins = Bins::new();
    let victim = 61000 + std::process::id() % 4000;
    let planted = PathBuf::from(format!("/tmp/setns-demo-{victim}"));
    let _cleanup = RemoveOnDrop(planted.clone());
    let _ = std::fs::remove_dir_all(&planted);

    let made = shell_as(NOBODY, &format!("mkdir -m 0777 {}", planted.display()));
    assert!(made.status.success(), "{made:?}");
    let out = bins.run_as(victim, &["run", "victim"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        stderr(&out).contains("belongs to uid 65534"),
        "{}",
        stderr(&out)
    );
    assert!(!planted.join("victim").exists());

    // A symbolic link to a directory of the attacker's is no better.
    std::fs::remove_dir_all(&planted).unwrap();
    let attackers = PathBuf::from(format!("/tmp/setns-demo-nobody-{victim}"));
    let _cleanup_link_target = RemoveOnDrop(attackers.clone());
    let made = shell_as(
        NOBODY,
        &format!(
            "mkdir -m 0777 {0} && ln -s {0} {1}",
            attackers.display(),
            planted.display()
        ),
    );
    assert!(made.status.success(), "{made:?}");
    let run = bins.run_as(victim, &["run", "victim"]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    assert!(stderr(&run).contains("not a directory"), "{}", stderr(&run));
    assert!(!attackers.join("victim").exists());
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if std::fs::symlink_metadata(&self.0).is_ok_and(|m| m.is_dir()) {
            let _ = std::fs::remove_dir_all(&self.0);
        } else {
            let _ = std::fs::remove_file(&self.0);
        }
    }
}

#[test]
fn a_symbolic_link_in_a_pod_directory_is_never_written_through() {
    if !can_make_pods() || as_root().is_none() {
        return;
    }
    let pod = Pod::run("planted", &[]);
    let dir = state::pod_dir(&pod.name).unwrap();
    let target = std::env::temp_dir().join(unique_name("setns-demo-precious"));
    let _cleanup = RemoveOnDrop(target.clone());
    std::fs::write(&target, "precious\n").unwrap();

    std::os::unix::fs::symlink(&target, dir.join("members.log")).unwrap();
    let out = pod.exec(&["--detach"], &["echo", "written"]);
    assert!(!out.status.success(), "{out:?}");
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));

    std::os::unix::fs::symlink(&target, dir.join("state.json.tmp")).unwrap();
    state::save(&pod.state()).unwrap();
    assert!(
        !std::fs::symlink_metadata(dir.join("state.json"))
            .unwrap()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious\n");
}

/// nobody's processes, named in a forged state as the pod's pause,
/// forwarder and member: `rm` run by root signals none of them.
#[test]
fn a_forged_state_cannot_make_rm_signal_anything_outside_the_pod() {
    if !can_make_pods() || as_root().is_none() {
        return;
    }
    let victims: Vec<Running> = (0..3)
        .map(|_| {
            Running(
                Command::new("sleep")
                    .arg("300")
                    .uid(NOBODY)
                    .gid(NOBODY)
                    .spawn()
                    .unwrap(),
            )
        })
        .collect();
    let ids: Vec<ProcessId> = victims
        .iter()
        .map(|v| ProcessId::of(v.0.id() as i32).unwrap())
        .collect();
    let pod = Pod::run("forged", &[]);
    let real_pause = pod.pause();
    // nobody cannot write the state...
    let dir = state::pod_dir(&pod.name).unwrap();
    let tried = shell_as(NOBODY, &format!("echo {{}} > {}/state.json", dir.display()));
    assert!(!tried.status.success(), "nobody wrote root's state");
    // ...and nobody cannot look into root's pod either: said, non-zero.
    let bins = Bins::new();
    let ps = Command::new(bins.cli())
        .args(["ps", &pod.name])
        .env_clear()
        .env("SETNS_DEMO_STATE_DIR", state::state_root())
        .uid(NOBODY)
        .gid(NOBODY)
        .output()
        .unwrap();
    assert_ne!(ps.status.code(), Some(0), "{ps:?}");
    assert!(stderr(&ps).contains("setns-demo: "), "{ps:?}");

    // Forged as if by someone who could write it.
    let mut forged = pod.state();
    forged.pause = Some(ids[0]);
    forged.forwarder = Some(ids[1]);
    std::fs::write(
        dir.join("state.json"),
        serde_json::to_string(&forged).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("members"),
        format!("{} {}\n", ids[2].pid, ids[2].started),
    )
    .unwrap();

    let rm = run_cli(&["rm", &pod.name]);
    for (what, id) in ["pause", "forwarder", "member"].iter().zip(&ids) {
        assert!(
            id.is_alive(),
            "rm signalled nobody's process named as {what}"
        );
    }
    assert!(stderr(&rm).contains("left alone"), "{rm:?}");
    // The pod's real pause carried its marker: it is gone.
    assert!(
        real_pause.wait_dead(Duration::from_secs(5)),
        "the real pause is left"
    );
    drop(victims);
}
