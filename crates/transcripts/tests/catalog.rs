//! The real workspace's manifests: every lab's catalog loads, lists every
//! transcript file, and names only claims the registry has.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    transcripts::workspace_root(Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap()
}

#[test]
fn every_lab_transcript_is_in_the_catalog_with_known_claims() {
    let root = workspace();
    let catalog = transcripts::catalog(&root).unwrap_or_else(|e| panic!("{e}"));
    let registry: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join("src/claims.toml")).unwrap()).unwrap();
    let known: Vec<&str> = registry["claim"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    for lab in ["pause", "setns-demo", "zombie-reaping", "docker-demo"] {
        let files = std::fs::read_dir(root.join("labs").join(lab).join("transcripts")).unwrap();
        for file in files.flatten().map(|f| f.path()) {
            if file.extension().is_some_and(|e| e == "txt") {
                let stem = file.file_stem().unwrap().to_string_lossy();
                let id = format!("{lab}/{stem}");
                let entry = catalog.iter().find(|e| e.id == id);
                let entry = entry.unwrap_or_else(|| panic!("{id} is not in the catalog"));
                assert!(!entry.steps.is_empty(), "{id} has no commands");
            }
        }
    }
    for entry in &catalog {
        for claim in &entry.claims {
            assert!(
                known.contains(&claim.as_str()),
                "{}: unknown claim {claim}",
                entry.id
            );
        }
        // Blessing strips checkout paths; none may be left in a transcript.
        let checkout = root.to_string_lossy();
        for step in &entry.steps {
            assert!(
                !step.output.contains(&*checkout),
                "{}: {}",
                entry.id,
                step.output
            );
        }
    }
}

#[test]
fn the_catalog_binary_prints_json() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_transcript-catalog"))
        .arg(workspace())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let signals = json
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == "pause/signals")
        .expect("pause/signals listed");
    assert_eq!(signals["needs"], serde_json::json!([]));
    assert_eq!(signals["steps"][0]["command"], "pause -v");
    assert_eq!(signals["file"], "labs/pause/transcripts/signals.txt");
}

#[test]
fn a_bad_manifest_names_the_file_and_the_fix() {
    let dir = std::env::temp_dir().join(format!("transcripts-bad-{}", std::process::id()));
    let _cleanup = Cleanup(dir.clone());
    std::fs::create_dir_all(dir.join("labs/x/transcripts")).unwrap();
    std::fs::write(
        dir.join("labs/x/transcripts/transcripts.toml"),
        "[[transcript]]\nid = \"a\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("labs/x/transcripts/b.txt"), "$ true\n").unwrap();
    let error = transcripts::catalog(&dir).unwrap_err().to_string();
    assert!(error.contains("b.txt is not listed"), "{error}");
    std::fs::write(
        dir.join("labs/x/transcripts/transcripts.toml"),
        "[[transcript]]\nid = \"b\"\n[[transcript]]\nid = \"a\"\n",
    )
    .unwrap();
    let error = transcripts::catalog(&dir).unwrap_err().to_string();
    assert!(
        error.contains("`a` is listed but") && error.contains("PAUSE_BOOK_BLESS=1"),
        "{error}"
    );
}

struct Cleanup(PathBuf);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
