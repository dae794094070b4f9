//! async-main-without-runtime: `async fn main` with no runtime attribute.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::Model;
use crate::analysis::options::Runtime;
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "async-main-without-runtime",
    severity: Severity::Error,
    concept: "runtime-setup",
    fix: true,
    title: "`async fn main` without a runtime attribute",
    what_it_does: "Finds a top-level `async fn main` with no runtime attribute (`#[tokio::main]`, `#[async_std::main]`, `#[actix_web::main]`, ...).",
    why_bad: "Rust has no built-in executor: error[E0752] \"`main` function is not allowed to be `async`\". Something has to create a runtime and block on the main future.",
    known_problems: "A `main` in a snippet of loose statements is not the crate's `main` and is not reported.",
    example: "async fn main() {\n    serve().await;\n}",
    use_instead: "#[tokio::main]\nasync fn main() {\n    serve().await;\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for f in &m.fns {
        if f.name != "main" || !f.is_async || !f.top_level || f.has_main_attr {
            continue;
        }
        let attr = match m.runtime {
            Runtime::AsyncStd => "#[async_std::main]",
            Runtime::Smol => "#[macro_rules_attribute::apply(smol_macros::main!)]",
            _ => "#[tokio::main]",
        };
        let msg = "`async fn main` has no runtime attribute: error[E0752] \"`main` function is not allowed to be `async`\"";
        out.emit(Draft::new(
            f.sig_range.clone(),
            Severity::Error,
            msg,
            format!("add `{attr}` above `async fn main`"),
        ));
    }
}
