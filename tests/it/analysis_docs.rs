//! docs/rules.md is generated from the rule files' documentation; this test
//! keeps it current (`UPDATE_RULES_DOC=1 cargo test --test it analysis_docs::`).

use rust_async_skill::analysis::{rule_docs, rules_document};
use std::path::Path;

#[test]
fn rules_doc_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let want = rules_document();
    if std::env::var_os("UPDATE_RULES_DOC").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/rules.md is stale: run UPDATE_RULES_DOC=1 cargo test --test it analysis_docs::"
    );
}

#[test]
fn every_rule_doc_is_complete() {
    let mut ids = std::collections::HashSet::new();
    for d in rule_docs() {
        assert!(ids.insert(d.id), "duplicate id {}", d.id);
        assert!(
            d.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}",
            d.id
        );
        for (name, text) in [
            ("title", d.title),
            ("what_it_does", d.what_it_does),
            ("why_bad", d.why_bad),
            ("known_problems", d.known_problems),
            ("example", d.example),
            ("use_instead", d.use_instead),
        ] {
            assert!(text.trim().len() > 10, "{}: {name} is empty", d.id);
        }
        // The rule's file exists, named after its id.
        let file = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/analysis/rules")
            .join(format!("{}.rs", d.id.replace('-', "_")));
        assert!(file.exists(), "{}", file.display());
    }
}
