//! futures-select-unfused: `futures::select!` on a future that is not fused or not pinned.

use super::common::Draft;
use super::fixkit;
use super::{RuleDoc, Sink};
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::lexer::TokKind;
use crate::analysis::model::{
    Branch, Chain, FutureKind, Link, Local, Model, Root, Select, SelectKind,
};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "futures-select-unfused",
    severity: Severity::Error,
    concept: "select",
    fix: true,
    clippy_twins: &[],
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
                    if !l.fused && !fuse_call(l.init.as_ref()) {
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
                (Root::Call { path, .. }, None) if matches!(path.last(), "terminated" | "fuse") => {
                    None
                }
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
            let fix = match (&chain.root, chain.links.last()) {
                (Root::Local(id), None) => fix_named(m, s, &m.locals[*id]),
                _ => fix_inline(m, b),
            };
            out.emit(Draft::new(b.fut_range.clone(), Severity::Error, msg, help).with_fix(fix));
        }
    }
}

/// `futures::FutureExt::fuse(f)`, the form the fixes write when the trait
/// is not imported.
fn fuse_call(init: Option<&Chain>) -> bool {
    init.is_some_and(|c| {
        c.links.is_empty()
            && matches!(&c.root, Root::Call { path, .. } if path.last() == "fuse" && path.segs.iter().any(|s| s == "FutureExt"))
    })
}

/// Is `FutureExt` (and so `.fuse()`) in scope at `at`?
fn future_ext_in_scope(m: &Model<'_>, at: usize) -> bool {
    let r = m.names.resolve_in(&["FutureExt"], || at);
    !r.unresolved() && r.root() == "futures"
}

/// `expr` fused: `expr.fuse()` when `FutureExt` is imported, else
/// `futures::FutureExt::fuse(expr)` (no `use` line needed).
fn fused(m: &Model<'_>, at: usize, text: &str, postfix: bool) -> String {
    if future_ext_in_scope(m, at) {
        if postfix {
            format!("{text}.fuse()")
        } else {
            format!("({text}).fuse()")
        }
    } else {
        format!("futures::FutureExt::fuse({text})")
    }
}

/// A future written in the branch: fused in place. `select!` binds and
/// pins such futures itself, so `FusedFuture` is all it needs.
fn fix_inline(m: &Model<'_>, b: &Branch<'_>) -> Option<Fix> {
    let e = b.fut?;
    if b.by_mut_ref {
        return None;
    }
    let text = m.text.get(b.fut_range.clone())?;
    let postfix = fixkit::postfix_ok(crate::analysis::model::syntax::strip(e));
    Some(fixkit::fix(
        FixSafety::Safe,
        "fuse the branch's future (`.fuse()`), as `futures::select!` requires: the same future, which reports when it has completed",
        vec![fixkit::edit(
            b.fut_range.clone(),
            fused(m, b.fut_range.start, text, postfix),
        )],
    ))
}

/// A future passed by name: its `let` initializer gets `.fuse()`, and
/// `futures::pin_mut!(x);` follows the `let` unless it is pinned already.
/// Only for `let x = ..;` (one name, no type) in a block around the
/// `select!`, when every later use of `x` is a `select!` operand, `&mut x`
/// or `x.await` (the pinned name is a `Pin<&mut ..>`, not the future).
fn fix_named(m: &Model<'_>, s: &Select<'_>, l: &Local) -> Option<Fix> {
    let text = m.text;
    let name = l.name.as_str();
    let blocks = fixkit::blocks(m);
    let (block, i) = fixkit::stmt_around(blocks, &l.decl)?;
    let stmt = &block.stmts[i];
    if !stmt.is_let
        || stmt.binds != [name]
        || !(block.range.start <= s.range.start && s.range.end <= block.range.end)
        || stmt.range.end > s.range.start
    {
        return None;
    }
    let decl = fixkit::simple_let(m, stmt.range.start, name)?;
    let init_start = decl.init_start;
    let semi = stmt.range.end.checked_sub(1)?;
    if text.get(semi..stmt.range.end) != Some(";") {
        return None;
    }
    let init_end = init_start + text.get(init_start..semi)?.trim_end().len();
    let init = l.init.as_ref()?;
    // `pin!(f)` pins a temporary that `.fuse()` would drop at the `;`; a
    // `let .. else` is not a plain initializer.
    if matches!(init.root, Root::Macro(_)) || text[init_start..init_end].contains("else") {
        return None;
    }
    // Later uses of the name.
    let toks = &m.snippet.toks;
    let scope = stmt.range.end..block.range.end;
    let operands: Vec<std::ops::Range<usize>> = m
        .selects
        .iter()
        .flat_map(|s| s.branches.iter().map(|b| b.fut_range.clone()))
        .collect();
    for u in fixkit::ident_uses(m, name, &scope) {
        let k = fixkit::tok_at(m, u.start)?;
        let before = |d: usize| k.checked_sub(d).and_then(|x| toks.get(x));
        let after = |d: usize| toks.get(k + d);
        if before(1).is_some_and(|t| t.is_ident(text, "let") || t.is_ident(text, "mut"))
            && !before(2).is_some_and(|t| t.is_punct(b'&'))
        {
            break; // a new binding of the name
        }
        let operand = operands.contains(&u);
        let by_mut_ref = before(1).is_some_and(|t| t.is_ident(text, "mut"))
            && before(2).is_some_and(|t| t.is_punct(b'&'));
        let awaited = after(1).is_some_and(|t| t.is_punct(b'.'))
            && after(2).is_some_and(|t| t.is_ident(text, "await"));
        // `pin_mut!(x)` and the like, already written.
        let in_pin = {
            let mut d = 1;
            while before(d).is_some_and(|t| t.kind == TokKind::Ident || t.is_punct(b',')) {
                d += 1;
            }
            before(d).is_some_and(|t| t.kind == TokKind::Open(b'('))
                && before(d + 1).is_some_and(|t| t.is_punct(b'!'))
                && before(d + 2)
                    .is_some_and(|t| t.is_ident(text, "pin_mut") || t.is_ident(text, "pin"))
        };
        if !(operand || by_mut_ref || awaited || in_pin) {
            return None;
        }
    }
    let mut edits = Vec::new();
    let mut did = Vec::new();
    if !l.fused && !fuse_call(Some(init)) {
        let postfix = !init.links.is_empty()
            || matches!(
                init.root,
                Root::Call { .. }
                    | Root::Path(_)
                    | Root::Local(_)
                    | Root::AsyncBlock
                    | Root::SelfValue
            );
        let init_text = &text[init_start..init_end];
        edits.push(fixkit::edit(
            init_start..init_end,
            fused(m, init_start, init_text, postfix),
        ));
        did.push("fuse it where it is created (`.fuse()`)");
    }
    if !l.pinned {
        edits.push(fixkit::insert_stmt_after(
            text,
            stmt.range.start,
            stmt.range.end,
            &format!("futures::pin_mut!({name});"),
        ));
        did.push("pin it on the stack after its `let` (`futures::pin_mut!`)");
        // The first binding is only moved into the pin now: no `mut` needed.
        if let Some(r) = decl.mut_range {
            edits.push(fixkit::edit(r, ""));
        }
    }
    if edits.is_empty() {
        return None;
    }
    Some(fixkit::fix(
        FixSafety::Safe,
        format!(
            "`{name}` is passed to `futures::select!` by name: {}, as the macro requires (`FusedFuture + Unpin`); the same future, polled in place",
            did.join(" and ")
        ),
        edits,
    ))
}
