//! futures-select-unfused: `futures::select!` on a future that is not fused or not pinned.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::{FutureKind, Link, Model, Root, SelectKind};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "futures-select-unfused",
    severity: Severity::Error,
    concept: "select",
    fix: true,
    title: "`futures::select!` on an unfused or unpinned future",
    what_it_does: "Finds `futures::select!` (and `select_biased!`) branches whose future is not fused (`.fuse()`, `select_next_some()`, `Fuse::terminated()`), and named futures that are fused but not pinned (`pin_mut!`, `Box::pin`, `.boxed()`).",
    why_bad: "`futures::select!` requires `FusedFuture` (so a completed branch is never polled again) and, for futures passed by name, `Unpin`. Without them the code does not compile: error[E0277] \"the trait bound `..: FusedFuture` is not satisfied\", or \"cannot be unpinned\".",
    known_problems: "`stream.next()` is accepted (the stream is usually fused where it is created). Futures of unknown origin (parameters, fields) are not reported.",
    example: "use futures::{select, FutureExt};\n\nasync fn race() {\n    let a = fetch_a();\n    let b = fetch_b().fuse();\n    select! {\n        x = a => println!(\"a {x}\"),\n        y = b => println!(\"b {y}\"),\n    }\n}",
    use_instead: "use futures::{pin_mut, select, FutureExt};\n\nasync fn race() {\n    let a = fetch_a().fuse();\n    let b = fetch_b().fuse();\n    pin_mut!(a, b);\n    select! {\n        x = a => println!(\"a {x}\"),\n        y = b => println!(\"b {y}\"),\n    }\n}",
};

const FUSED_ENDS: &[&str] = &["fuse", "select_next_some", "next", "boxed_fused"];

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for s in &m.selects {
        if s.kind != SelectKind::Futures {
            continue;
        }
        for b in &s.branches {
            if b.is_else {
                continue;
            }
            let Some(chain) = &b.chain else { continue };
            let problem = match (&chain.root, chain.links.last()) {
                (Root::Local(id), None) => {
                    let l = &m.locals[*id];
                    if l.is_param || l.init.is_none() {
                        continue;
                    }
                    if !l.fused {
                        Some(format!("`{}` is not fused", l.name))
                    } else if !l.pinned
                        && matches!(
                            l.future,
                            Some(FutureKind::AsyncBlock | FutureKind::SnippetAsyncFn(_))
                        )
                    {
                        Some(format!(
                            "`{}` is fused but not pinned (futures passed by name must be `Unpin`)",
                            l.name
                        ))
                    } else {
                        None
                    }
                }
                (_, Some(Link::Method { name, .. })) if FUSED_ENDS.contains(&name.as_str()) => None,
                (Root::Call { path, .. }, None) if path.last() == "terminated" => None,
                (Root::Call { .. } | Root::AsyncBlock, _) | (_, Some(Link::Method { .. })) => {
                    Some(format!("`{}` is not fused", m.snippet_text(&b.fut_range)))
                }
                _ => None,
            };
            let Some(problem) = problem else { continue };
            let msg = format!(
                "in `futures::select!`, {problem}: error[E0277] (`FusedFuture` / `Unpin` not satisfied)"
            );
            let help = "append `.fuse()` (once, outside any loop) and pin named futures with `futures::pin_mut!` or `Box::pin`";
            out.emit(Draft::new(b.fut_range.clone(), Severity::Error, msg, help));
        }
    }
}
