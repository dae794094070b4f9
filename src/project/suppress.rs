//! What the code itself silences: suppression comments and the `#[allow]` /
//! `#[expect]` of a rule's twin lint (see `clippy_twins` in the rules' docs).

use super::outline::Outline;
use crate::analysis::directives::{self, Placement};
use crate::analysis::{Finding, rules_twinned_with};
use std::ops::Range;

/// A finding that the code or the configuration silenced, and by what.
#[derive(Clone, Debug)]
pub struct Suppressed {
    pub finding: Finding,
    /// E.g. "`// rust-async-skill: allow(..)` on line 4", "`#[allow(clippy::await_holding_lock)]`", "the baseline".
    pub by: String,
    /// The reason written after `allow(..)`, if any.
    pub reason: String,
}

struct Scope {
    rules: Vec<String>,
    range: Range<usize>,
    /// A line scope catches findings that touch the line; a block scope,
    /// findings that start inside it.
    line: bool,
    by: String,
    reason: String,
}

/// Every suppression scope of a file.
pub struct Scopes(Vec<Scope>);

impl Scopes {
    pub fn of(src: &str) -> Scopes {
        let (toks, found) = directives::scan(src);
        if found.is_empty() && !src.contains("allow") && !src.contains("expect") {
            return Scopes(Vec::new());
        }
        let outline = Outline::new(src, toks);
        let mut scopes = Vec::new();
        for d in found {
            if d.malformed.is_some() {
                continue;
            }
            let line_no = src[..d.range.start].matches('\n').count() + 1;
            let (range, line, by) = match d.placement {
                Placement::EndOfLine => {
                    let start = src[..d.range.start].rfind('\n').map_or(0, |i| i + 1);
                    (
                        start..d.range.end,
                        true,
                        format!("the comment on line {line_no}"),
                    )
                }
                Placement::OwnLine => (
                    outline.statement_after(d.range.end),
                    false,
                    format!("the comment on line {line_no}"),
                ),
                Placement::Inner => {
                    let block = outline.enclosing_block(d.range.start);
                    let what = if block == (0..src.len()) {
                        "the file-level comment".to_string()
                    } else {
                        format!("the `//!` comment on line {line_no}")
                    };
                    (block, false, what)
                }
            };
            scopes.push(Scope {
                rules: d.ids.into_iter().map(|(id, _)| id).collect(),
                range,
                line,
                by,
                reason: d.reason,
            });
        }
        for a in outline.lint_attrs() {
            let rules: Vec<String> = a
                .lints
                .iter()
                .flat_map(|l| rules_twinned_with(l))
                .map(str::to_string)
                .collect();
            if !rules.is_empty() {
                scopes.push(Scope {
                    rules,
                    range: a.scope,
                    line: false,
                    by: format!("`{}`", a.text),
                    reason: String::new(),
                });
            }
        }
        Scopes(scopes)
    }

    /// The scope that silences `f`, if any.
    fn find(&self, f: &Finding) -> Option<&Scope> {
        self.0.iter().find(|s| {
            s.rules.contains(&f.rule)
                && if s.line {
                    f.range.start <= s.range.end && f.range.end >= s.range.start
                } else {
                    s.range.contains(&f.range.start)
                }
        })
    }

    /// Splits `findings` into the ones still reported and the silenced ones.
    pub fn split(&self, findings: Vec<Finding>) -> (Vec<Finding>, Vec<Suppressed>) {
        if self.0.is_empty() {
            return (findings, Vec::new());
        }
        let mut kept = Vec::new();
        let mut gone = Vec::new();
        for f in findings {
            match self.find(&f) {
                Some(s) => gone.push(Suppressed {
                    by: s.by.clone(),
                    reason: s.reason.clone(),
                    finding: f,
                }),
                None => kept.push(f),
            }
        }
        (kept, gone)
    }
}
