//! `explain QUERY [--full] [--json]`: explain_concept in the terminal.
use super::{ExplainArgs, fail};
use crate::explain::{Detail, Explainer, render_markdown};
use crate::skill::Skill;

pub fn run(args: &ExplainArgs) -> u8 {
    let explainer = match &args.skill {
        None => Explainer::embedded(),
        Some(path) => match Skill::load(path)
            .map_err(anyhow::Error::from)
            .and_then(|s| Explainer::for_skill(Box::leak(Box::new(s))))
        {
            Ok(e) => Box::leak(Box::new(e)),
            Err(e) => return fail(e),
        },
    };
    let query = args.query.join(" ");
    let detail = if args.full {
        Detail::Full
    } else {
        Detail::Brief
    };
    match explainer.explain(&query, detail, Some(args.max_tokens)) {
        Err(e) => fail(e),
        Ok(answer) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&answer).expect("explanations serialize")
                );
            } else {
                print!("{}", render_markdown(&answer));
            }
            u8::from(answer.not_covered)
        }
    }
}
