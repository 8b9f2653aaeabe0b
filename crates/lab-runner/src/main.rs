//! `lab-runner`: see the crate's README.md.

use clap::Parser;

#[tokio::main]
async fn main() {
    let args = lab_runner::config::Args::parse();
    if let Err(e) = lab_runner::run(args).await.map_err(anyhow::Error::from) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
