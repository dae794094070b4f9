//! The analyser over the fixture corpus it was tuned on
//! (tests/fixtures/rules/<rule>/{pos,neg}_*.rs), checked exactly, as
//! clippy's UI tests and ruff's snapshots do, rather than against a
//! recall/precision floor that would let a small rule regress unnoticed.
//!
//! - Every fixture `x.rs` has a sibling `x.expected`: the analyser's whole
//!   output for it, one line per finding
//!   (`LINE:COL-LINE:COL severity rule-id: message` and, when the finding
//!   carries a machine-applicable fix, ` [fix: safe|maybe-incorrect]`), or
//!   `no findings`. Any difference fails, and every mismatching file is listed.
//! - The `//~ rule-id` markers of each fixture (see tests/fixtures/README.md)
//!   must equal the (line, rule) pairs of its findings: no false positive
//!   and no false negative. This keeps the snapshots honest: a snapshot
//!   cannot enshrine a miss, since the markers say what is right.
//! - Each rule has at least 3 positive and 3 negative fixture files.
//!
//! After an intended change of the analyser's output, rewrite the snapshots
//! with `UPDATE_SNAPSHOTS=1 cargo test --test it analysis_eval::` and review
//! the diff of the `.expected` files before committing it.
//!
//! Floors (recall, precision) remain only for the held-out corpus
//! (tests/fixtures/holdout, scripts/score_fixtures.py), which is not tuned on.

use rust_async_skill::analysis::{Diagnosis, FixSafety, diagnose, eval, rule_docs};
use std::path::{Path, PathBuf};

fn fixture_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut files = Vec::new();
    eval::rs_files(&dir, &mut files);
    assert!(
        files.len() >= 200,
        "only {} fixture files under {}",
        files.len(),
        dir.display()
    );
    files
}

/// Diagnoses a fixture with the options its `//@` header sets (as the eval does).
fn diagnose_fixture(path: &Path) -> Diagnosis {
    let code = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: cannot read: {e}", path.display()));
    diagnose(&code, &eval::options(&code))
        .unwrap_or_else(|e| panic!("{}: input error {e}", path.display()))
}

/// The snapshot text of a diagnosis.
fn render(d: &Diagnosis) -> String {
    if d.findings.is_empty() {
        return "no findings\n".to_string();
    }
    let mut out = String::new();
    for f in &d.findings {
        let (s, e) = (&f.span.start, &f.span.end);
        out.push_str(&format!(
            "{}:{}-{}:{} {} {}: {}",
            s.line,
            s.column,
            e.line,
            e.column,
            f.severity.as_str(),
            f.rule,
            f.message
        ));
        if let Some(fix) = &f.fix {
            out.push_str(match fix.safety {
                FixSafety::Safe => " [fix: safe]",
                FixSafety::MaybeIncorrect => " [fix: maybe-incorrect]",
            });
        }
        out.push('\n');
    }
    out
}

#[test]
fn every_fixture_matches_its_expected_output() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut mismatches = Vec::new();
    for path in fixture_files() {
        let d = diagnose_fixture(&path);
        let got = render(&d);
        let snap = path.with_extension("expected");
        if update {
            std::fs::write(&snap, &got)
                .unwrap_or_else(|e| panic!("{}: cannot write: {e}", snap.display()));
            continue;
        }
        match std::fs::read_to_string(&snap) {
            Ok(want) if want == got => {}
            Ok(want) => mismatches.push(format!(
                "{}:\n--- expected\n{want}--- got\n{got}",
                snap.display()
            )),
            Err(e) => mismatches.push(format!("{}: missing ({e})", snap.display())),
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} fixture(s) differ from their .expected file (after an intended change: \
         UPDATE_SNAPSHOTS=1 cargo test --test it analysis_eval::, then review the diff):\n\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// No `.expected` file is left over from a removed or renamed fixture.
#[test]
fn every_expected_file_has_its_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut orphans = Vec::new();
    for rule in std::fs::read_dir(&dir).unwrap().flatten() {
        for f in std::fs::read_dir(rule.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let p = f.path();
            if p.extension().is_some_and(|e| e == "expected") && !p.with_extension("rs").is_file() {
                orphans.push(p.display().to_string());
            }
        }
    }
    assert!(orphans.is_empty(), "orphan snapshots: {orphans:?}");
}

#[test]
fn markers_equal_findings_and_each_rule_has_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let report = eval::evaluate(&dir);
    println!("{}", report.table());
    assert_eq!(report.files, fixture_files().len());
    let total = report.total();
    assert!(
        total.fp == 0 && total.fn_ == 0 && report.misses.is_empty(),
        "markers and findings disagree ({} false positive(s), {} false negative(s)):\n{}",
        total.fp,
        total.fn_,
        report.misses.join("\n")
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
        assert!(s.tp >= 3, "{}: only {} marked findings", d.id, s.tp);
    }
}
