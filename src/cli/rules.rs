//! `rules [ID]`: the analyser's rule catalogue.

use super::RulesArgs;
use crate::analysis::{rule_doc, rule_docs};
use serde_json::json;

pub fn run(args: &RulesArgs) -> u8 {
    match &args.id {
        None => {
            if args.json {
                let v: Vec<_> = rule_docs()
                    .iter()
                    .map(|d| {
                        json!({"id": d.id, "severity": d.severity.as_str(), "concept": d.concept,
                               "fix": d.fix, "title": d.title, "uri": d.uri()})
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            } else {
                println!(
                    "{:<31} {:<8} {:<23} {:<4} title",
                    "id", "severity", "concept", "fix"
                );
                for d in rule_docs() {
                    println!(
                        "{:<31} {:<8} {:<23} {:<4} {}",
                        d.id,
                        d.severity.as_str(),
                        d.concept,
                        if d.fix { "yes" } else { "no" },
                        d.title
                    );
                }
            }
            0
        }
        Some(id) => match rule_doc(id) {
            Some(d) => {
                if args.json {
                    let v = json!({"id": d.id, "severity": d.severity.as_str(), "concept": d.concept,
                        "fix": d.fix, "title": d.title, "uri": d.uri(), "markdown": d.markdown()});
                    println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
                } else {
                    print!("{}", d.markdown());
                }
                0
            }
            None => {
                let ids: Vec<&str> = rule_docs().iter().map(|d| d.id).collect();
                super::fail(format!(
                    "unknown rule `{id}`; the rules are: {}",
                    ids.join(", ")
                ))
            }
        },
    }
}
