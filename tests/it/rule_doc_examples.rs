//! Each rule's documented `Example` is flagged by that rule, and its `Use
//! instead` is clean (no finding of that rule, nothing else above info):
//! the documentation shows what the analyser really does.
use rust_async_skill::analysis::{DiagnoseOptions, Severity, diagnose, rule_docs};

#[test]
fn every_rule_flags_its_example_and_passes_its_fix() {
    let opts = DiagnoseOptions::default();
    let mut problems = Vec::new();
    for doc in rule_docs() {
        let bad = diagnose(doc.example, &opts).unwrap();
        if !bad.findings.iter().any(|f| f.rule == doc.id) {
            let found: Vec<&str> = bad.findings.iter().map(|f| f.rule.as_str()).collect();
            problems.push(format!(
                "{}: its Example is not flagged (found {found:?})",
                doc.id
            ));
        }
        let good = diagnose(doc.use_instead, &opts).unwrap();
        // `diagnose` reports findings that a `rust-async-skill: allow(id)`
        // comment suppresses (`check` drops them): those are expected.
        let allowed = allowed_ids(doc.use_instead);
        for f in &good.findings {
            if f.rule == doc.id || (f.severity > Severity::Info && !allowed.contains(&f.rule)) {
                problems.push(format!(
                    "{}: its Use instead gets {}[{}] line {}: {}",
                    doc.id,
                    f.severity.as_str(),
                    f.rule,
                    f.span.start.line,
                    f.message
                ));
            }
        }
    }
    assert!(rule_docs().len() >= 29);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Rule ids named by `rust-async-skill: allow(..)` comments.
fn allowed_ids(code: &str) -> Vec<String> {
    code.lines()
        .filter_map(|l| l.split("rust-async-skill: allow(").nth(1))
        .filter_map(|rest| rest.split(')').next())
        .flat_map(|ids| ids.split(',').map(|id| id.trim().to_string()))
        .collect()
}
