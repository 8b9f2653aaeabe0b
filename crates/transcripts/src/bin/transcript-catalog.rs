//! Prints every lab's transcripts as JSON (see `transcripts::catalog`):
//! `cargo run -p transcripts --bin transcript-catalog [WORKSPACE_ROOT]`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let root = std::env::args_os().nth(1).map(PathBuf::from).or_else(|| {
        let here = std::env::current_dir().ok()?;
        transcripts::workspace_root(&here)
    });
    let Some(root) = root else {
        eprintln!(
            "transcript-catalog: no workspace here; run it inside the checkout or pass its root"
        );
        return ExitCode::FAILURE;
    };
    let printed = transcripts::catalog(&root)
        .map_err(|e| e.to_string())
        .and_then(|c| serde_json::to_string_pretty(&c).map_err(|e| e.to_string()));
    match printed {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("transcript-catalog: {e}");
            ExitCode::FAILURE
        }
    }
}
