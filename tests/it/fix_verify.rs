//! The machine-applicable fixes, verified over the analyser's fixture
//! corpus (see src/fix/verify.rs for the checks): every fix of every
//! finding passes, and every rule documented as fixable fixes findings.

use rust_async_skill::analysis::rule_docs;
use rust_async_skill::fix::verify;
use std::path::Path;

#[test]
fn every_fix_over_the_fixture_corpus_verifies() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let report = verify::verify(&dir);
    println!("{}", report.table());
    assert!(
        report.failures.is_empty(),
        "{} failing fix(es):\n\n{}",
        report.failures.len(),
        report.failures.join("\n\n")
    );
    for d in rule_docs() {
        let r = &report.rules[d.id];
        if d.fix {
            assert!(
                r.verified >= 2,
                "{}: documented as fixable but only {} fixture finding(s) fixed",
                d.id,
                r.verified
            );
        } else {
            assert_eq!(r.with_fix, 0, "{}: has fixes but documents none", d.id);
        }
    }
}
