//! Prints the analyser's per-rule recall and precision over the fixture
//! corpus (tests/fixtures/rules), and every miss.
//!
//! cargo run --release --example eval_rules

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let report = rust_async_skill::analysis::eval::evaluate(&dir);
    print!("{}", report.table());
    if !report.misses.is_empty() {
        println!("\nmisses:");
        for m in &report.misses {
            println!("  {m}");
        }
    }
}
