//! The book is the same whichever does the mermaid step: a book made of
//! this book's own pages (their diagrams, tables, lists, code) plus a few
//! awkward fences is built once with mdbook-mermaid and once with
//! mermaid-fence, and every output file must be byte for byte the same.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Removes the directory on drop, also when an assertion fails.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn tools() -> Result<(PathBuf, PathBuf), String> {
    let mdbook = testkit::run::on_path("mdbook", "cargo install --locked mdbook@0.5.4")
        .map_err(|e| e.to_string())?;
    let mermaid = testkit::run::on_path(
        "mdbook-mermaid",
        "cargo install --locked mdbook-mermaid@0.17.1",
    )
    .map_err(|e| e.to_string())?;
    Ok((mdbook, mermaid))
}

/// This book's pages, without the markers only our other preprocessors know.
fn pages(lang: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../src")
        .join(lang);
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .flat_map(|page| page.lines().map(str::to_owned).collect::<Vec<_>>())
        .filter(|line| !line.contains("{{#"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn build(mdbook: &Path, book: &Path, out: &str, fence_command: Option<&Path>) {
    let mut command = Command::new(mdbook);
    command.current_dir(book).args(["build", "--dest-dir", out]);
    if let Some(fence) = fence_command {
        command.env("MDBOOK_PREPROCESSOR__MERMAID__COMMAND", fence);
    }
    let output = command.output().unwrap();
    assert!(output.status.success(), "{output:?}");
}

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all.extend(files(&path));
        } else {
            all.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    all.sort();
    all
}

#[test]
fn builds_the_same_book_as_mdbook_mermaid() {
    let Some((mdbook, mermaid)) = testkit::require("mdbook and mdbook-mermaid", tools()) else {
        return;
    };
    let book = std::env::temp_dir().join(format!("mermaid-fence-{}", std::process::id()));
    let _cleanup = TempDir(book.clone());
    std::fs::create_dir_all(book.join("src")).unwrap();
    let toml = format!(
        "[book]\ntitle = \"t\"\n[preprocessor.mermaid]\ncommand = {:?}\n",
        mermaid.display().to_string()
    );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    std::fs::write(
        book.join("src/SUMMARY.md"),
        "# Summary\n\n- [en](en.md)\n  - [zh](zh.md)\n",
    )
    .unwrap();
    std::fs::write(book.join("src/en.md"), pages("en")).unwrap();
    let awkward = "\n- in a list:\n\n  ```mermaid\n  graph TD\n  A-->B\n  ```\n\r\n```mermaid\r\nx --> y & \"z\"\r\n```\r\n";
    std::fs::write(book.join("src/zh.md"), pages("zh") + awkward).unwrap();

    build(&mdbook, &book, "with-mdbook-mermaid", None);
    let fence = PathBuf::from(env!("CARGO_BIN_EXE_mermaid-fence"));
    build(&mdbook, &book, "with-mermaid-fence", Some(&fence));

    let theirs = files(&book.join("with-mdbook-mermaid"));
    let ours = files(&book.join("with-mermaid-fence"));
    let page = std::fs::read_to_string(book.join("with-mermaid-fence/zh.html")).unwrap();
    assert!(
        page.matches("<pre class=\"mermaid\">").count() >= 3,
        "the diagrams were not rewritten at all"
    );
    assert_eq!(theirs.len(), ours.len(), "not the same files");
    for ((their_path, their_bytes), (our_path, our_bytes)) in theirs.iter().zip(&ours) {
        assert_eq!(
            their_path.file_name(),
            our_path.file_name(),
            "not the same files"
        );
        assert!(
            their_bytes == our_bytes,
            "{} differs from {}",
            our_path.display(),
            their_path.display()
        );
    }
}
