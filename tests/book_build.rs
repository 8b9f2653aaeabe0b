//! The book builds with the pinned tools, reproducibly and fast.

use book_tests::build::{build_book, files_under, pinned_tools};
use book_tests::scratch_dir;
use std::time::Duration;

/// The budget for a warm `mdbook build` of both languages on 2 cores.
const WARM_BUILD_BUDGET: Duration = Duration::from_secs(10);

#[test]
fn builds_twice_to_identical_output_within_budget() {
    if testkit::require("mdbook 0.5.4 and mdbook-mermaid 0.17.1", pinned_tools()).is_none() {
        return;
    }
    // The first build also compiles the preprocessor if needed (cold).
    let first = scratch_dir("build-first");
    let cold = build_book(&first).unwrap_or_else(|message| panic!("{message}"));
    let second = scratch_dir("build-second");
    let warm = build_book(&second).unwrap_or_else(|message| panic!("{message}"));
    eprintln!(
        "mdbook build: first {:.2} s, warm {:.2} s (budget {} s)",
        cold.as_secs_f64(),
        warm.as_secs_f64(),
        WARM_BUILD_BUDGET.as_secs()
    );

    let (a, b) = (files_under(&first), files_under(&second));
    assert!(
        a.iter().any(|p| p.ends_with("zh/index.html"))
            && a.iter().any(|p| p.ends_with("en/index.html")),
        "the build has no zh/index.html or en/index.html"
    );
    assert_eq!(a, b, "the two builds wrote different sets of files");
    let differing: Vec<String> = a
        .iter()
        .filter(|rel| std::fs::read(first.join(rel)).ok() != std::fs::read(second.join(rel)).ok())
        .map(|rel| rel.display().to_string())
        .collect();
    assert!(
        differing.is_empty(),
        "files differ between two builds: {differing:?}"
    );
    assert!(
        warm < WARM_BUILD_BUDGET,
        "a warm build took {:.2} s, over the {} s budget",
        warm.as_secs_f64(),
        WARM_BUILD_BUDGET.as_secs()
    );
    for dir in [first, second] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
