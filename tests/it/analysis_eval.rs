//! Per-rule recall and precision of the analyser over tests/fixtures/rules.
//! Fails below recall 0.90 or precision 0.95 overall, or when a rule has
//! fewer than 3 positive or 3 negative fixture files.

use rust_async_skill::analysis::{eval, rule_docs};
use std::path::Path;

#[test]
fn fixture_corpus_meets_the_floors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let report = eval::evaluate(&dir);
    println!("{}", report.table());
    for m in &report.misses {
        println!("miss: {m}");
    }
    let total = report.total();
    assert!(
        total.recall() >= 0.90,
        "recall {:.3} < 0.90",
        total.recall()
    );
    assert!(
        total.precision() >= 0.95,
        "precision {:.3} < 0.95",
        total.precision()
    );
    for d in rule_docs() {
        let s = &report.rules[d.id];
        assert!(
            s.positive_files >= 3,
            "{}: only {} positive fixture files",
            d.id,
            s.positive_files
        );
        assert!(
            s.negative_files >= 3,
            "{}: only {} negative fixture files",
            d.id,
            s.negative_files
        );
    }
}
