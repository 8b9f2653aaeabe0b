//! The map for newcomers stays true: ARCHITECTURE.md names every crate and
//! lab there is (and no other), its diagram draws exactly the dependencies
//! the manifests declare, CONTRIBUTING.md names only things that exist, and
//! every lab has a README saying how to test it and which chapter it backs.

use book_tests::{assert_none, root};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A workspace member under crates/ or labs/: its folder and its package.
struct Member {
    folder: String,
    package: String,
    /// Names of the workspace packages it depends on, and whether only as a
    /// dev-dependency.
    deps: BTreeMap<String, bool>,
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

fn members() -> Vec<Member> {
    let mut manifests = Vec::new();
    for dir in ["crates", "labs"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap().flatten() {
            let manifest = entry.path().join("Cargo.toml");
            if manifest.is_file() {
                let folder = format!("{dir}/{}", entry.file_name().to_string_lossy());
                manifests.push((folder, manifest));
            }
        }
    }
    manifests.push(("".into(), root().join("Cargo.toml")));
    let parsed: Vec<(String, toml::Table)> = manifests
        .into_iter()
        .map(|(folder, path)| (folder, toml::from_str(&read(&path)).unwrap()))
        .collect();
    let package = |table: &toml::Table| table["package"]["name"].as_str().unwrap().to_string();
    let names: BTreeSet<String> = parsed.iter().map(|(_, t)| package(t)).collect();
    let mut found: Vec<Member> = parsed
        .iter()
        .map(|(folder, table)| {
            let mut deps = BTreeMap::new();
            for (section, dev) in [("dev-dependencies", true), ("dependencies", false)] {
                if let Some(section) = table.get(section).and_then(|s| s.as_table()) {
                    for name in section.keys().filter(|name| names.contains(*name)) {
                        deps.insert(name.clone(), dev);
                    }
                }
            }
            Member {
                folder: folder.clone(),
                package: package(table),
                deps,
            }
        })
        .collect();
    found.sort_by(|a, b| a.folder.cmp(&b.folder));
    found
}

/// Every `crates/<x>` or `labs/<x>` a text names (placeholders like
/// `labs/<lab>` aside).
fn folders_named(text: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for dir in ["crates/", "labs/"] {
        for (at, _) in text.match_indices(dir) {
            let rest = &text[at + dir.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            let preceded_by_path =
                text[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '/');
            if !name.is_empty() && !preceded_by_path {
                named.insert(format!("{dir}{name}"));
            }
        }
    }
    named
}

#[test]
fn architecture_names_every_crate_and_lab_and_no_other() {
    let text = read(&root().join("ARCHITECTURE.md"));
    let members = members();
    let mut problems = Vec::new();
    for member in members.iter().filter(|m| !m.folder.is_empty()) {
        if !text.contains(&format!("`{}`", member.folder)) {
            problems.push(format!("{} is not in ARCHITECTURE.md", member.folder));
        }
        if !text.contains(&format!("`{}`", member.package)) {
            problems.push(format!(
                "package {} ({}) is not in ARCHITECTURE.md",
                member.package, member.folder
            ));
        }
    }
    let existing: BTreeSet<&str> = members.iter().map(|m| m.folder.as_str()).collect();
    for doc in ["ARCHITECTURE.md", "CONTRIBUTING.md"] {
        for folder in folders_named(&read(&root().join(doc))) {
            if !existing.contains(folder.as_str()) && !root().join(&folder).exists() {
                problems.push(format!("{doc} names {folder}, which does not exist"));
            }
        }
    }
    assert_none("ARCHITECTURE.md's crates and labs", &problems);
}

#[test]
fn the_diagram_draws_exactly_the_declared_dependencies() {
    let text = read(&root().join("ARCHITECTURE.md"));
    let diagram = text
        .split("```mermaid")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("ARCHITECTURE.md has a mermaid diagram");
    let mut drawn = BTreeSet::new();
    for line in diagram.lines() {
        for (arrow, dev) in [(" --> ", false), (" -.-> ", true)] {
            if let Some((from, to)) = line.trim().split_once(arrow) {
                drawn.insert((from.trim().to_string(), to.trim().to_string(), dev));
            }
        }
    }
    let declared: BTreeSet<(String, String, bool)> = members()
        .iter()
        .flat_map(|m| {
            m.deps
                .iter()
                .map(|(to, dev)| (m.package.clone(), to.clone(), *dev))
        })
        .collect();
    let show = |(from, to, dev): &(String, String, bool)| {
        format!("{from} {} {to}", if *dev { "-.->" } else { "-->" })
    };
    let mut problems: Vec<String> = declared
        .difference(&drawn)
        .map(|edge| format!("declared in Cargo.toml but not drawn: {}", show(edge)))
        .collect();
    problems.extend(
        drawn
            .difference(&declared)
            .map(|edge| format!("drawn but not declared in Cargo.toml: {}", show(edge))),
    );
    assert!(!drawn.is_empty(), "no arrows found in the diagram");
    assert_none("ARCHITECTURE.md's dependency diagram", &problems);
}

/// The naming rule (CONTRIBUTING.md, "A lab"): a crate's folder is its
/// package's name, so `labs/x` is `cargo test -p x`.
#[test]
fn every_folder_is_named_after_its_package() {
    let problems: Vec<String> = members()
        .iter()
        .filter(|m| !m.folder.is_empty())
        .filter(|m| m.folder.rsplit('/').next() != Some(m.package.as_str()))
        .map(|m| format!("{} holds package {}", m.folder, m.package))
        .collect();
    assert_none("folder and package names", &problems);
}

#[test]
fn every_lab_has_a_readme_that_says_how_to_test_it_and_its_chapter() {
    let summary = read(&root().join("src/SUMMARY.md"));
    // "[Writing pause in Rust](en/pause-in-rust.md)" -> title, stem.
    let chapters: Vec<(String, String)> = summary
        .lines()
        .filter_map(|line| {
            let (title, link) = line.trim().trim_start_matches("- ").split_once("](en/")?;
            Some((
                title.trim_start_matches('[').to_string(),
                link.trim_end_matches(".md)").to_string(),
            ))
        })
        .collect();
    assert!(
        chapters.len() > 5,
        "no English chapters found in SUMMARY.md"
    );
    let mut problems = Vec::new();
    for lab in members().iter().filter(|m| m.folder.starts_with("labs/")) {
        let readme = root().join(&lab.folder).join("README.md");
        let Ok(text) = std::fs::read_to_string(&readme) else {
            problems.push(format!("{}/README.md is missing", lab.folder));
            continue;
        };
        if !text.contains(&format!("cargo test -p {}", lab.package)) {
            problems.push(format!(
                "{}/README.md does not say `cargo test -p {}`",
                lab.folder, lab.package
            ));
        }
        let names_chapter = chapters.iter().any(|(title, stem)| {
            text.contains(&format!("src/en/{stem}.md")) || text.contains(title.as_str())
        });
        if !names_chapter {
            problems.push(format!(
                "{}/README.md names no chapter (src/en/<stem>.md or its English title)",
                lab.folder
            ));
        }
    }
    assert_none("the labs' READMEs", &problems);
}

#[test]
fn folder_names_are_found_in_prose_and_placeholders_are_not() {
    let named = folders_named(
        "see `crates/nsproc` and labs/pause-tiny/README.md, not labs/<lab> or target/labs/x",
    );
    assert_eq!(
        named,
        BTreeSet::from(["crates/nsproc".to_string(), "labs/pause-tiny".to_string()])
    );
}
