//! Verification of the machine-applicable fixes over a fixture corpus (the
//! analyser's own fixtures): for every rule, every finding that carries a
//! fix is fixed alone and the result is checked.
//!
//! A fix passes when
//! 1. re-diagnosing the fixed code reports no more findings of its rule
//!    than there were findings of that rule without a fix;
//! 2. no rule reports more findings of severity warning or error than before;
//! 3. the fixed code parses as well as the original (no new parse error);
//! 4. fixing the fixed code changes nothing (idempotence).
//!
//! `cargo test --test it fix_verify::` enforces it; `cargo run --release
//! --example eval_fixes` prints the per-rule table.

use super::suggest_fix;
use crate::analysis::{DiagnoseOptions, Diagnosis, Severity, diagnose, eval, rule_docs};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Default, Debug, Clone)]
pub struct RuleFixScore {
    /// Findings of the rule over the corpus.
    pub findings: usize,
    /// Findings that carry a fix.
    pub with_fix: usize,
    /// Findings whose fix passed every check.
    pub verified: usize,
}

#[derive(Default, Debug)]
pub struct FixReport {
    pub rules: BTreeMap<&'static str, RuleFixScore>,
    /// "file: rule: what went wrong".
    pub failures: Vec<String>,
}

impl FixReport {
    pub fn table(&self) -> String {
        let mut s = format!(
            "{:<32} {:>8} {:>8} {:>8}\n",
            "rule", "findings", "fixable", "verified"
        );
        for (id, r) in &self.rules {
            s.push_str(&format!(
                "{:<32} {:>8} {:>8} {:>8}\n",
                id, r.findings, r.with_fix, r.verified
            ));
        }
        s
    }
}

fn per_rule(d: &Diagnosis, min: Severity) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in d.findings.iter().filter(|f| f.severity >= min) {
        *out.entry(f.rule.clone()).or_default() += 1;
    }
    out
}

/// Checks the fix of `rule` on `code`; returns what went wrong, if anything.
pub fn check_fix(code: &str, opts: &DiagnoseOptions, rule: &str) -> Result<String, String> {
    let before = diagnose(code, opts).map_err(|e| e.to_string())?;
    let one = DiagnoseOptions {
        rules: Some(vec![rule.to_string()]),
        ..opts.clone()
    };
    let out = suggest_fix(code, &one).map_err(|e| e.to_string())?;
    let after = diagnose(&out.fixed_code, opts).map_err(|e| e.to_string())?;
    let unfixable = before
        .findings
        .iter()
        .filter(|f| f.rule == rule && f.fix.is_none())
        .count();
    let left = after.findings.iter().filter(|f| f.rule == rule).count();
    if left > unfixable {
        return Err(format!(
            "{left} finding(s) of the rule remain after the fix (expected at most {unfixable})\n{}",
            out.fixed_code
        ));
    }
    let was = per_rule(&before, Severity::Warning);
    for (r, n) in per_rule(&after, Severity::Warning) {
        let had = was.get(&r).copied().unwrap_or(0);
        if n > had {
            return Err(format!(
                "the fix adds a `{r}` finding ({had} -> {n})\n{}",
                out.fixed_code
            ));
        }
    }
    if after.parse.errors.len() > before.parse.errors.len() {
        return Err(format!(
            "the fixed code has new parse errors: {:?}\n{}",
            after.parse.errors, out.fixed_code
        ));
    }
    let again = suggest_fix(&out.fixed_code, &one).map_err(|e| e.to_string())?;
    if again.fixed_code != out.fixed_code {
        return Err(format!(
            "fixing twice changes the text again:\n{}\n---\n{}",
            out.fixed_code, again.fixed_code
        ));
    }
    Ok(out.fixed_code)
}

/// Verifies every fix over the `.rs` files below `dir`.
pub fn verify(dir: &Path) -> FixReport {
    let mut report = FixReport::default();
    for d in rule_docs() {
        report.rules.insert(d.id, RuleFixScore::default());
    }
    let mut files = Vec::new();
    eval::rs_files(dir, &mut files);
    for path in files {
        let Ok(code) = std::fs::read_to_string(&path) else {
            continue;
        };
        let opts = eval::options(&code);
        let Ok(d) = diagnose(&code, &opts) else {
            continue;
        };
        let name = path
            .strip_prefix(dir)
            .unwrap_or(&path)
            .display()
            .to_string();
        let mut fixed_rules: Vec<&'static str> = Vec::new();
        for f in &d.findings {
            let Some(doc) = rule_docs().iter().find(|r| r.id == f.rule) else {
                continue;
            };
            let score = report.rules.entry(doc.id).or_default();
            score.findings += 1;
            if f.fix.is_some() {
                score.with_fix += 1;
                if !fixed_rules.contains(&doc.id) {
                    fixed_rules.push(doc.id);
                }
            }
        }
        for rule in fixed_rules {
            let n = d
                .findings
                .iter()
                .filter(|f| f.rule == rule && f.fix.is_some())
                .count();
            match check_fix(&code, &opts, rule) {
                Ok(_) => report.rules.get_mut(rule).unwrap().verified += n,
                Err(why) => report.failures.push(format!("{name}: {rule}: {why}")),
            }
        }
        // All rules at once: still idempotent and no worse to parse.
        let all = DiagnoseOptions {
            rules: None,
            ..opts.clone()
        };
        if let Ok(out) = suggest_fix(&code, &all) {
            if let Ok(again) = suggest_fix(&out.fixed_code, &all)
                && again.fixed_code != out.fixed_code
            {
                report.failures.push(format!(
                    "{name}: all rules: fixing twice changes the text again"
                ));
            }
            if let Ok(after) = diagnose(&out.fixed_code, &opts)
                && after.parse.errors.len() > d.parse.errors.len()
            {
                report.failures.push(format!(
                    "{name}: all rules: new parse errors {:?}\n{}",
                    after.parse.errors, out.fixed_code
                ));
            }
        }
    }
    report
}
