//! `suggest_fix`: applies the machine-applicable fixes that rules attach to
//! their findings, as byte-range edits on the user's own text.
//!
//! - Text outside the edits is kept byte for byte.
//! - Identical edits (the same `use` line needed by two fixes) apply once.
//! - Overlapping fixes resolve deterministically: the fix whose first edit
//!   starts earlier wins (then the rule id, then the message); the loser is
//!   re-diagnosed and fixed in the next pass over the changed text.
//! - Passes repeat until nothing fixable is left (at most [`MAX_PASSES`]), so
//!   fixing already-fixed code changes nothing.

pub mod verify;

use crate::analysis::{
    DiagnoseOptions, Diagnosis, Edit, Finding, Fix, FixSafety, InputError, LineIndex, Span,
    diagnose,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// Bound on fix passes: each pass applies every non-overlapping fix.
pub const MAX_PASSES: usize = 8;

/// One edit that was applied.
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug, PartialEq)]
pub struct AppliedEdit {
    pub rule: String,
    /// Where it applies: in the code as sent for pass 1, in the code as left
    /// by the previous pass for later passes.
    pub span: Span,
    pub replacement: String,
    /// What the fix does, and whether it may change behaviour.
    pub description: String,
    /// "safe", or "may-change-behaviour" (review it).
    pub safety: String,
    /// 1 for fixes of the code as sent; 2.. for fixes that overlapped an earlier one.
    pub pass: usize,
}

/// The answer of `suggest_fix` (and of `fix --json`).
#[derive(Serialize, Deserialize, JsonSchema, Clone, Debug)]
pub struct FixOutcome {
    pub fixed_code: String,
    pub edits: Vec<AppliedEdit>,
    /// Unified diff from the code as sent to `fixed_code` (empty when unchanged).
    pub diff: String,
    /// Findings of the selected rules with no machine-applicable fix, each with its help.
    pub unfixed: Vec<Finding>,
    /// Findings of `diagnose_snippet` on `fixed_code`.
    pub remaining: Vec<Finding>,
}

fn safety_name(s: FixSafety) -> &'static str {
    match s {
        FixSafety::Safe => "safe",
        FixSafety::MaybeIncorrect => "may-change-behaviour",
    }
}

/// Fixes `code`. `opts.rules` limits which rules are fixed; `remaining` always
/// reports every rule, so nothing the fixes leave behind is hidden.
pub fn suggest_fix(code: &str, opts: &DiagnoseOptions) -> Result<FixOutcome, InputError> {
    suggest_fix_with(code, opts, &diagnose)
}

/// An analysis: [`diagnose`], or one that also applies a project's
/// configuration and suppressions (`crate::project`).
pub type Analyse<'a> = dyn Fn(&str, &DiagnoseOptions) -> Result<Diagnosis, InputError> + 'a;

/// [`suggest_fix`] over the findings of `analyse`: what it does not report
/// (a suppressed finding, a rule the configuration turns off) is not fixed.
pub fn suggest_fix_with(
    code: &str,
    opts: &DiagnoseOptions,
    analyse: &Analyse<'_>,
) -> Result<FixOutcome, InputError> {
    let selected = opts.rules.clone();
    let all_rules = DiagnoseOptions {
        rules: None,
        ..opts.clone()
    };
    // Arguments are checked once, with the caller's rule list.
    diagnose("", opts)?;
    let is_selected = |f: &Finding| selected.as_ref().is_none_or(|ids| ids.contains(&f.rule));

    let mut text = code.to_string();
    let mut edits = Vec::new();
    let mut first: Option<Diagnosis> = None;
    for pass in 1..=MAX_PASSES {
        let diagnosis = analyse(&text, &all_rules)?;
        let fixes: Vec<&Finding> = diagnosis
            .findings
            .iter()
            .filter(|f| is_selected(f) && f.fix.is_some())
            .collect();
        let (next, applied) = apply(&text, &fixes, pass);
        if first.is_none() {
            first = Some(diagnosis.clone());
        }
        if applied.is_empty() || next == text {
            break;
        }
        edits.extend(applied);
        text = next;
    }
    let first_findings = first.map(|d| d.findings).unwrap_or_default();
    let unfixed = first_findings
        .iter()
        .filter(|f| is_selected(f) && f.fix.is_none())
        .cloned()
        .collect();
    let remaining = analyse(&text, &all_rules)?.findings;
    let diff =
        crate::textdiff::unified_labelled("a/snippet.rs", "b/snippet.rs", Some(code), Some(&text));
    Ok(FixOutcome {
        fixed_code: text,
        edits,
        diff,
        unfixed,
        remaining,
    })
}

/// Applies every fix whose edits overlap no edit already taken; returns the
/// new text and the edits applied, in text order.
fn apply(text: &str, findings: &[&Finding], pass: usize) -> (String, Vec<AppliedEdit>) {
    let mut order: Vec<&Finding> = findings.to_vec();
    let start_of = |f: &Finding| {
        f.fix
            .as_ref()
            .and_then(|x| x.edits.iter().map(|e| e.range.start).min())
            .unwrap_or(usize::MAX)
    };
    order.sort_by(|a, b| {
        start_of(a)
            .cmp(&start_of(b))
            .then(a.rule.cmp(&b.rule))
            .then(a.message.cmp(&b.message))
    });

    let mut taken: Vec<(Edit, &Finding, &Fix)> = Vec::new();
    for finding in order {
        let Some(fix) = finding.fix.as_ref() else {
            continue;
        };
        let valid = fix.edits.iter().all(|e| {
            e.range.start <= e.range.end
                && e.range.end <= text.len()
                && text.is_char_boundary(e.range.start)
                && text.is_char_boundary(e.range.end)
        });
        if !valid {
            continue;
        }
        let new_edits: Vec<&Edit> = fix
            .edits
            .iter()
            .filter(|e| !taken.iter().any(|(t, _, _)| t == *e))
            .collect();
        if new_edits
            .iter()
            .any(|e| taken.iter().any(|(t, _, _)| conflicts(&t.range, &e.range)))
        {
            continue; // the next pass sees it again, on the changed text
        }
        for e in new_edits {
            taken.push(((*e).clone(), finding, fix));
        }
    }
    taken.sort_by(|a, b| {
        a.0.range
            .start
            .cmp(&b.0.range.start)
            .then(a.0.range.end.cmp(&b.0.range.end))
    });

    let index = LineIndex::new(text);
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    let mut applied = Vec::new();
    for (edit, finding, fix) in &taken {
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.replacement);
        at = edit.range.end;
        applied.push(AppliedEdit {
            rule: finding.rule.clone(),
            span: index.span(&edit.range),
            replacement: edit.replacement.clone(),
            description: fix.description.clone(),
            safety: safety_name(fix.safety).to_string(),
            pass,
        });
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// Two edits conflict when their ranges overlap, or when both insert at the same point.
fn conflicts(a: &Range<usize>, b: &Range<usize>) -> bool {
    (a.start < b.end && b.start < a.end) || (a.start == b.start && (a.is_empty() || b.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflicts_are_overlaps_and_same_point_insertions() {
        assert!(conflicts(&(0..5), &(4..6)));
        assert!(!conflicts(&(0..5), &(5..6)));
        assert!(conflicts(&(3..3), &(3..3)));
        assert!(conflicts(&(3..3), &(3..5)));
        assert!(!conflicts(&(2..2), &(3..3)));
    }

    #[test]
    fn code_without_findings_is_returned_unchanged() {
        let code = "async fn f() {\n    tokio::task::yield_now().await;\n}\n";
        let out = suggest_fix(code, &DiagnoseOptions::default()).unwrap();
        assert_eq!(out.fixed_code, code);
        assert!(out.edits.is_empty() && out.diff.is_empty());
    }
}
