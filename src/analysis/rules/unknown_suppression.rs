//! unknown-suppression: a suppression comment that names no rule, so it
//! silences nothing.

use super::common::Draft;
use super::{RuleDoc, Sink, rule_doc, rule_docs};
use crate::analysis::directives;
use crate::analysis::model::Model;
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "unknown-suppression",
    severity: Severity::Info,
    concept: "async-debugging",
    fix: false,
    clippy_twins: &[],
    title: "Suppression comment naming an unknown rule id",
    what_it_does: "Reads the suppression comments (`// rust-async-skill: allow(rule-id, ...) reason`) and reports every id in them that is not a rule of this analyser, with the closest real id, and comments that start like a suppression but do not parse (`deny(..)`, a missing `)`).",
    why_bad: "A typo in a suppression silences nothing: the finding it was meant for keeps coming back (after every edit, with the after-edit hook), or the typo hides that the intended rule id never existed.",
    known_problems: "Only `//` and `//!` line comments are read; a directive in a `/* */` block comment is not recognised and not reported.",
    example: "async fn load(path: &str) -> String {\n    // rust-async-skill: allow(blocking-file) small config file, read once at start-up\n    std::fs::read_to_string(path).unwrap()\n}",
    use_instead: "async fn load(path: &str) -> String {\n    // rust-async-skill: allow(blocking-fs) small config file, read once at start-up\n    std::fs::read_to_string(path).unwrap()\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for d in directives::find(m.text) {
        if let Some(why) = &d.malformed {
            out.emit(Draft::new(
                d.range.clone(),
                Severity::Info,
                format!("this suppression comment does not parse ({why}), so it silences nothing"),
                "write `// rust-async-skill: allow(rule-id, ...) reason`",
            ));
            continue;
        }
        for (id, range) in &d.ids {
            if rule_doc(id).is_some() {
                continue;
            }
            let help = match closest(id) {
                Some(near) => {
                    format!("did you mean `{near}`? (`rust-async-skill rules` lists the ids)")
                }
                None => "`rust-async-skill rules` lists the rule ids".to_string(),
            };
            out.emit(Draft::new(
                range.clone(),
                Severity::Info,
                format!("`{id}` is not a rule id of rust-async-skill, so this suppression silences nothing for it"),
                help,
            ));
        }
    }
}

/// The rule id nearest to `id` by edit distance, when it is near enough to
/// be a typo (at most a third of the id's length).
fn closest(id: &str) -> Option<&'static str> {
    rule_docs()
        .iter()
        .map(|d| (strsim::levenshtein(id, d.id), d.id))
        .filter(|(dist, _)| *dist <= id.len().max(3) / 3)
        .min()
        .map(|(_, near)| near)
}
