//! `cargo xtask tools` (being written).

#[allow(dead_code)]
pub fn run(_args: &[String]) -> Result<(), String> {
    Err("not yet written".into())
}
