//! async-main-without-runtime: `async fn main` with no runtime attribute.

use super::common::Draft;
use super::fixkit;
use super::{RuleDoc, Sink};
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::lexer::TokKind;
use crate::analysis::model::{FnInfo, Model};
use crate::analysis::options::Runtime;
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "async-main-without-runtime",
    severity: Severity::Error,
    concept: "runtime-setup",
    fix: true,
    clippy_twins: &[],
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
        out.emit(
            Draft::new(
                f.sig_range.clone(),
                Severity::Error,
                msg,
                format!("add `{attr}` above `async fn main`"),
            )
            .with_fix(fix(m, f)),
        );
    }
}

/// Adds `#[tokio::main]` (or `#[async_std::main]`) on a line of its own
/// above `main`, after its other attributes and before its visibility.
/// Safe when the snippet already uses that runtime's crate; otherwise the
/// fix picks the runtime and says so. smol has no attribute of its own.
fn fix(m: &Model<'_>, f: &FnInfo<'_>) -> Option<Fix> {
    let (attr, krate, needs) = match m.runtime {
        Runtime::AsyncStd => (
            "#[async_std::main]",
            "async_std",
            "async-std's `attributes` feature",
        ),
        Runtime::Tokio | Runtime::Any if !fixkit::other_runtime(m) => (
            "#[tokio::main]",
            "tokio",
            "tokio's `macros` and `rt-multi-thread` features",
        ),
        // smol has no attribute of its own; another runtime's is not ours to pick.
        _ => return None,
    };
    let at = item_start(m, f.sig_range.start)?;
    let text = m.text;
    let edit = if fixkit::starts_line(text, at) {
        let indent = fixkit::indent_of(text, at);
        fixkit::insert(at, format!("{attr}\n{indent}"))
    } else {
        fixkit::insert(at, format!("{attr} "))
    };
    let (safety, description) = if m.names.uses_crate(krate) {
        (
            FixSafety::Safe,
            format!(
                "add `{attr}`: it builds a runtime and blocks on `main`'s future (needs {needs})"
            ),
        )
    } else {
        (
            FixSafety::MaybeIncorrect,
            format!(
                "add `{attr}`: it builds a runtime and blocks on `main`'s future; the snippet names no runtime, so this picks {krate} (needs {needs}); use your runtime's attribute if it is another"
            ),
        )
    };
    Some(fixkit::fix(safety, description, vec![edit]))
}

/// Where the fn item starts after its attributes: its visibility
/// (`pub`, `pub(crate)`...) or its signature.
fn item_start(m: &Model<'_>, sig_start: usize) -> Option<usize> {
    let toks = &m.snippet.toks;
    let i = fixkit::tok_at(m, sig_start)?;
    if i == 0 {
        return Some(sig_start);
    }
    let prev = &toks[i - 1];
    if prev.is_ident(m.text, "pub") {
        return Some(prev.start as usize);
    }
    if prev.kind == TokKind::Close(b')') {
        // `pub(crate)`, `pub(in a::b)`
        let open = toks[..i - 1]
            .iter()
            .rposition(|t| t.kind == TokKind::Open(b'('))?;
        if open > 0 && toks[open - 1].is_ident(m.text, "pub") {
            return Some(toks[open - 1].start as usize);
        }
    }
    Some(sig_start)
}
