//! Prints, per rule, the fixture findings, how many carry a fix and how many
//! of those fixes verify (see src/fix/verify.rs), then every failure.
//! `cargo run --release --example eval_fixes [DIR]`

use rust_async_skill::fix::verify;
use std::path::PathBuf;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules"));
    let report = verify::verify(&dir);
    print!("{}", report.table());
    for f in &report.failures {
        println!("\nFAIL {f}");
    }
}
