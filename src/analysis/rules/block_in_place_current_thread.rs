//! block-in-place-current-thread: `block_in_place` on a current-thread runtime.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::{Callee, Flavor, Model};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "block-in-place-current-thread",
    severity: Severity::Error,
    concept: "blocking",
    fix: true,
    title: "`block_in_place` on a current-thread runtime",
    what_it_does: "Finds `tokio::task::block_in_place` in code that runs on a current-thread runtime: under `#[tokio::main(flavor = \"current_thread\")]`, a plain `#[tokio::test]` (current-thread by default), or in a future run by a `Builder::new_current_thread()` runtime.",
    why_bad: "`block_in_place` works by handing the worker's other tasks to another worker, which a current-thread runtime does not have. It panics: \"can call blocking only when running on the multi-threaded runtime\". Tests are the usual victim: code that works in `main` panics under `#[tokio::test]`.",
    known_problems: "A fn called from a current-thread runtime defined elsewhere is not seen.",
    example: "#[tokio::test]\nasync fn loads_index() {\n    let idx = tokio::task::block_in_place(|| build_index());\n    assert!(idx.len() > 0);\n}",
    use_instead: "#[tokio::test(flavor = \"multi_thread\")]\nasync fn loads_index() {\n    let idx = tokio::task::block_in_place(|| build_index());\n    assert!(idx.len() > 0);\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        let Callee::Path(p) = &c.callee else { continue };
        if p.last() != "block_in_place" || !(p.starts_with("tokio") || p.unresolved()) {
            continue;
        }
        let Some(b) = c.body else { continue };
        let Some((Flavor::CurrentThread, why)) = m.flavor(b) else {
            continue;
        };
        let msg = format!(
            "`block_in_place` under {why} panics: \"can call blocking only when running on the multi-threaded runtime\""
        );
        let help = "use `flavor = \"multi_thread\"` on the runtime attribute, or `tokio::task::spawn_blocking(..).await`";
        out.emit(Draft::new(c.range.clone(), Severity::Error, msg, help));
    }
}
