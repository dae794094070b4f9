//! spawn-local-outside-localset: `task::spawn_local` with no `LocalSet` in sight.

use super::common::Draft;
use super::fixkit;
use super::{RuleDoc, Sink};
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::model::{BodyKind, Call, ClosureRole, Ctx, LocalCtx, Model, Use};
use crate::analysis::seeds::LocalSetSeed;
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "spawn-local-outside-localset",
    severity: Severity::Error,
    concept: "local-set",
    fix: true,
    clippy_twins: &[],
    title: "`spawn_local` without a `LocalSet`",
    what_it_does: "Finds `tokio::task::spawn_local` where the snippet sets up no `LocalSet` (`run_until`, `block_on`, `spawn_local` on the set) and no `LocalRuntime` (or `flavor = \"local\"`).",
    why_bad: "tokio panics at runtime: \"`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`\". `#[tokio::main]` alone does not provide one.",
    known_problems: "On a snippet or a file alone, a `LocalSet` set up by the caller is not seen, and calls in sync wrapper fns are left to their callers and not reported. In `check` on a Cargo package, the crate's calls are followed: a fn reached from `#[tokio::main]`, `#[tokio::test]` or a `Builder` runtime with no `LocalSet` on the way is reported with the chain (sync wrappers too); a fn not reached so, in a package that sets up a `LocalSet` or `LocalRuntime` somewhere, is not reported (the calls the pass cannot follow, such as a future bound to a local and run later, are taken to run in it). `spawn_local` of other crates (`wasm_bindgen_futures`, `async_std`, glib) is not reported.",
    example: "#[tokio::main]\nasync fn main() {\n    let data = Rc::new(42);\n    tokio::task::spawn_local(async move { println!(\"{data}\") }).await.unwrap();\n}",
    use_instead: "#[tokio::main]\nasync fn main() {\n    let local = tokio::task::LocalSet::new();\n    local.run_until(async {\n        let data = Rc::new(42);\n        tokio::task::spawn_local(async move { println!(\"{data}\") }).await.unwrap();\n    }).await;\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    let sets_up_local = m.sets_up_local();
    // What the crate pass knows of the fns of this file (empty alone).
    let from_crate = &m.local_set_from_crate;
    if sets_up_local && from_crate.is_empty() {
        return;
    }
    let args = if from_crate.is_empty() {
        Vec::new()
    } else {
        m.local_set_args()
    };
    for c in &m.calls {
        if !m.is_tokio_spawn_local(c) {
            continue;
        }
        // The crate's answer holds for the fn's own code only (not in a
        // closure or block run elsewhere).
        let seed = c
            .body
            .and_then(|b| m.enclosing_fn(b))
            .and_then(|f| from_crate.get(&f.body))
            .filter(|_| m.local_ctx(c, &args) == LocalCtx::Inherit);
        match seed {
            Some(LocalSetSeed::Inside) => continue,
            Some(LocalSetSeed::Outside(chain)) => {
                let msg = format!(
                    "`spawn_local` here runs with no `LocalSet` or `LocalRuntime`: this fn is reached from {chain}, with none on the way; it panics: \"`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`\""
                );
                let help = "run the entry's body inside `tokio::task::LocalSet::new().run_until(async { .. }).await`, or use `tokio::spawn` if the future is `Send`";
                out.emit(Draft::new(c.range.clone(), Severity::Error, msg, help));
            }
            None => {
                // A sync wrapper (`fn spawn_local<F>(f: F)`) leaves the LocalSet to its caller.
                if sets_up_local || !c.ctx.is_asyncish() {
                    continue;
                }
                let tokio = c.path().is_some_and(|p| p.starts_with("tokio"));
                let assumption = (!tokio).then(|| {
                    "assumed `spawn_local` is `tokio::task::spawn_local` (no `use` line imports it)"
                        .to_string()
                });
                let msg = "`spawn_local` with no `LocalSet` or `LocalRuntime` in this code panics: \"`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`\"";
                let help = "run this code inside `tokio::task::LocalSet::new().run_until(async { .. }).await`, or use `tokio::spawn` if the future is `Send`";
                out.emit(
                    Draft::new(c.range.clone(), Severity::Error, msg, help)
                        .assume(assumption)
                        .with_fix(fix(m, c)),
                );
            }
        }
    }
}

/// Wraps the body of the async fn around the call in
/// `tokio::task::LocalSet::new().run_until(async move { .. }).await`, whose
/// value is the body's value. Only when the call runs directly in that fn
/// (not in a nested async block or a closure that may run elsewhere) and
/// the fn's future need not be `Send` (a `LocalSet` future is not), and
/// when the task's `JoinHandle` is kept (awaited, bound and used, stored).
fn fix(m: &Model<'_>, c: &Call<'_>) -> Option<Fix> {
    if c.ctx != Ctx::Async || !fixkit::tokio_ok(m) {
        return None;
    }
    let mut cur = c.body;
    let fn_body = loop {
        let id = cur?;
        let b = &m.bodies[id];
        match b.kind {
            BodyKind::AsyncFn => break id,
            BodyKind::Closure(ClosureRole::Inline) => cur = b.parent,
            _ => return None,
        }
    };
    // A detached task would be dropped, unrun, when `run_until` returns at
    // the end of the body: only fix when the `JoinHandle` is kept.
    match c.parent {
        Use::Discard | Use::LetUnderscore => return None,
        Use::Bind => {
            let blocks = fixkit::blocks(m);
            let (b, i) = fixkit::stmt_around(blocks, &c.range)?;
            let st = &b.stmts[i];
            let after = st.range.end..m.bodies[fn_body].range.end;
            if !st.is_let
                || !st
                    .binds
                    .iter()
                    .any(|n| !fixkit::ident_uses(m, n, &after).is_empty())
            {
                return None;
            }
        }
        _ => {}
    }
    let f = m.fns.get(m.bodies[fn_body].fn_index?)?;
    if f.name.starts_with("__rust_async_skill")
        || m.send_reason(fn_body).is_some()
        || m.send_targets.iter().any(|t| t.name == f.name)
    {
        return None;
    }
    let text = m.text;
    let r = m.bodies[fn_body].range.clone();
    if r.len() < 2
        || text.get(r.start..r.start + 1) != Some("{")
        || text.get(r.end - 1..r.end) != Some("}")
    {
        return None;
    }
    let (open, close) = (r.start, r.end - 1);
    if text[open + 1..close].trim_start().starts_with("#!") {
        return None; // an inner attribute stays at the top of the fn body
    }
    let head = "tokio::task::LocalSet::new().run_until(async move {";
    let first_line_end = text[open + 1..].find('\n').map(|i| open + 1 + i);
    let multiline = first_line_end
        .is_some_and(|e| e < close && text[open + 1..e].trim().is_empty())
        && fixkit::starts_line(text, close);
    let edits = if multiline {
        let inner = format!("{}    ", fixkit::indent_of(text, open));
        let close_line = fixkit::line_start(text, close);
        let mut edits = vec![fixkit::insert(open + 1, format!("\n{inner}{head}"))];
        edits.extend(fixkit::indent_lines(m, open + 1, close_line, "    "));
        edits.push(fixkit::insert(close_line, format!("{inner}}}).await\n")));
        edits
    } else {
        vec![
            fixkit::insert(open + 1, format!(" {head}")),
            fixkit::insert(close, "}).await "),
        ]
    };
    Some(fixkit::fix(
        FixSafety::MaybeIncorrect,
        format!(
            "run the body of `async fn {}` inside `tokio::task::LocalSet::new().run_until(async move {{ .. }}).await`, so `spawn_local` has a `LocalSet`; this may change behaviour: local tasks only run while `run_until` runs (those still pending when the body ends are dropped), and the fn's future is no longer `Send`",
            f.name
        ),
        edits,
    ))
}
