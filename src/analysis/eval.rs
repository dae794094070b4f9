//! Scoring the analyser against the fixture corpus.
//!
//! A fixture is a `.rs` file whose expected findings are marked in the
//! file itself: a comment `//~ rule-id` (several ids allowed) at the end of
//! the line where the finding's span starts. A first-line comment
//! `//@ runtime: async-std` sets the runtime option. Every finding of every
//! rule is scored against the markers: a finding with a matching marker is
//! a true positive, one without is a false positive, a marker without a
//! finding is a false negative. Used by tests/it/analysis_eval.rs and
//! `cargo run --example eval_rules`.

use super::{DiagnoseOptions, Runtime, diagnose, rule_docs};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

#[derive(Default, Clone, Debug)]
pub struct RuleScore {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    /// Fixture files under `rules/<id>/` with / without a marker of this rule.
    pub positive_files: usize,
    pub negative_files: usize,
}

impl RuleScore {
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[derive(Default, Debug)]
pub struct Report {
    pub rules: BTreeMap<String, RuleScore>,
    /// "file:line: expected/unexpected rule" for every miss.
    pub misses: Vec<String>,
    pub files: usize,
}

impl Report {
    pub fn total(&self) -> RuleScore {
        let mut t = RuleScore::default();
        for s in self.rules.values() {
            t.tp += s.tp;
            t.fp += s.fp;
            t.fn_ += s.fn_;
            t.positive_files += s.positive_files;
            t.negative_files += s.negative_files;
        }
        t
    }

    /// The per-rule table.
    pub fn table(&self) -> String {
        let mut s = format!(
            "{:<30} {:>4} {:>4} {:>4} {:>7} {:>9} {:>4} {:>4}\n",
            "rule", "tp", "fp", "fn", "recall", "precision", "pos", "neg"
        );
        for (id, r) in &self.rules {
            s.push_str(&format!(
                "{:<30} {:>4} {:>4} {:>4} {:>7.3} {:>9.3} {:>4} {:>4}\n",
                id,
                r.tp,
                r.fp,
                r.fn_,
                r.recall(),
                r.precision(),
                r.positive_files,
                r.negative_files
            ));
        }
        let t = self.total();
        s.push_str(&format!(
            "{:<30} {:>4} {:>4} {:>4} {:>7.3} {:>9.3} {:>4} {:>4}\n",
            "TOTAL",
            t.tp,
            t.fp,
            t.fn_,
            t.recall(),
            t.precision(),
            t.positive_files,
            t.negative_files
        ));
        s.push_str(&format!("{} fixture files\n", self.files));
        s
    }
}

/// Markers of a fixture: (1-based line, rule id).
pub fn markers(text: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        if let Some(pos) = line.find("//~") {
            for id in line[pos + 3..].split_whitespace() {
                if id.starts_with("//") {
                    break;
                }
                out.insert((i + 1, id.to_string()));
            }
        }
    }
    out
}

/// Options from a `//@ key: value` header.
pub fn options(text: &str) -> DiagnoseOptions {
    let mut opts = DiagnoseOptions {
        max_code_bytes: usize::MAX,
        ..DiagnoseOptions::default()
    };
    for line in text.lines().take(5) {
        if let Some(rest) = line.trim().strip_prefix("//@ runtime:")
            && let Ok(r) = Runtime::from_str(rest.trim())
        {
            opts.runtime = r;
        }
    }
    opts
}

pub fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Scores every fixture below `dir` (normally tests/fixtures/rules).
pub fn evaluate(dir: &Path) -> Report {
    let mut report = Report::default();
    for d in rule_docs() {
        report.rules.insert(d.id.to_string(), RuleScore::default());
    }
    let mut files = Vec::new();
    rs_files(dir, &mut files);
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        report.files += 1;
        let expected = markers(&text);
        let opts = options(&text);
        let d = match diagnose(&text, &opts) {
            Ok(d) => d,
            Err(e) => {
                report
                    .misses
                    .push(format!("{}: input error {e}", f.display()));
                continue;
            }
        };
        let found: BTreeSet<(usize, String)> = d
            .findings
            .iter()
            .map(|x| (x.span.start.line, x.rule.clone()))
            .collect();
        let name = f.display().to_string();
        // The rule folder this file belongs to.
        let folder = f
            .parent()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().to_string());
        if let Some(folder) = &folder
            && let Some(score) = report.rules.get_mut(folder)
        {
            if expected.iter().any(|(_, r)| r == folder) {
                score.positive_files += 1;
            } else {
                score.negative_files += 1;
            }
        }
        for (line, rule) in &found {
            let score = report.rules.entry(rule.clone()).or_default();
            if expected.contains(&(*line, rule.clone())) {
                score.tp += 1;
            } else {
                score.fp += 1;
                let msg = d
                    .findings
                    .iter()
                    .find(|x| x.span.start.line == *line && &x.rule == rule)
                    .map(|x| x.message.clone())
                    .unwrap_or_default();
                report
                    .misses
                    .push(format!("{name}:{line}: unexpected {rule}: {msg}"));
            }
        }
        for (line, rule) in &expected {
            if !found.contains(&(*line, rule.clone())) {
                report.rules.entry(rule.clone()).or_default().fn_ += 1;
                report.misses.push(format!("{name}:{line}: missed {rule}"));
            }
        }
    }
    report
}
