//! block-on-in-async: `block_on` / creating a runtime inside async code.

use super::common::{Draft, where_};
use super::{RuleDoc, Sink};
use crate::analysis::model::{Callee, Model, Root};
use crate::analysis::types::Severity;

mod drop_runtime;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "block-on-in-async",
    severity: Severity::Error,
    concept: "runtime-setup",
    fix: true,
    clippy_twins: &[],
    title: "`block_on` or a new runtime inside async code",
    what_it_does: "Finds `futures::executor::block_on`, `Runtime::block_on`, `Handle::block_on` (any `.block_on(..)`), and `Runtime::new()` / `runtime::Builder::...build()` in async context.",
    why_bad: "tokio panics with \"Cannot start a runtime from within a runtime. This happens because a function (like `block_on`) attempted to block the current thread while the thread is being used to drive asynchronous tasks.\" `futures::executor::block_on` does not panic but blocks the worker, and hangs forever when the awaited work needs this same thread. Dropping a runtime created in async code panics too.",
    known_problems: "Inside `spawn_blocking` or `std::thread::spawn` closures these calls are a legitimate bridge and are not reported. A sync helper called from async code is not followed. Fixes: `block_on(f)` / `rt.block_on(f)` becomes `f.await` where `.await` can be written (safe: the same future on the runtime already driving the task). A runtime created in async code (`let rt = Runtime::new().unwrap();`, or a `Builder` chain) whose only uses are `rt.block_on(..)` is removed and each `rt.block_on(f)` becomes `f.await`; `Runtime::new().unwrap().block_on(f)` becomes `f.await` (may change behaviour: the removed runtime's settings no longer apply). A runtime used any other way (`spawn`, `handle`, passed on) keeps the help.",
    example: "async fn handler() -> Data {\n    let rt = tokio::runtime::Runtime::new().unwrap();\n    rt.block_on(fetch_data())\n}",
    use_instead: "async fn handler() -> Data {\n    fetch_data().await\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        let Some(sev) = out.severity_in(c.ctx) else {
            continue;
        };
        let w = where_(m, c);
        let (msg, help) = match &c.callee {
            Callee::Path(p) if p.last() == "block_on" => (
                format!("`{}` {w} blocks the worker thread on a future: it panics under tokio (\"Cannot start a runtime from within a runtime\") or hangs", p.text()),
                "`.await` the future instead".to_string(),
            ),
            Callee::Method(n) if n == "block_on" => (
                format!("`.block_on(..)` {w} panics: \"Cannot start a runtime from within a runtime\""),
                "`.await` the future instead".to_string(),
            ),
            // Creating a runtime is only reported in async code itself: a sync
            // helper that builds one usually hands it to a thread.
            Callee::Path(p) if c.ctx == crate::analysis::model::Ctx::Async && p.last() == "new" && p.segs.len() >= 2 && p.segs[p.segs.len() - 2] == "Runtime" && (p.root() == "tokio" || p.unresolved()) => (
                format!("creating a tokio `Runtime` {w}: blocking on it panics, and so does dropping it here"),
                "use the current runtime: `.await`, `tokio::spawn`, or `tokio::runtime::Handle::current()`".to_string(),
            ),
            Callee::Method(n) if n == "build" && c.ctx == crate::analysis::model::Ctx::Async => {
                let Some(r) = &c.receiver else { continue };
                let Root::Call { path, .. } = &r.root else { continue };
                let builder = path.segs.iter().any(|s| s == "Builder") && matches!(path.last(), "new_current_thread" | "new_multi_thread" | "new_multi_thread_alt");
                if !builder || !(path.root() == "tokio" || path.unresolved() || path.segs.iter().any(|s| s == "runtime")) {
                    continue;
                }
                (
                    format!("building a tokio runtime {w}: blocking on it panics, and so does dropping it here"),
                    "use the current runtime: `.await`, `tokio::spawn`, or `tokio::runtime::Handle::current()`".to_string(),
                )
            }
            _ => continue,
        };
        if consumed_without_drop(m, c) {
            continue;
        }
        let fix = match &c.callee {
            Callee::Path(p) if p.last() == "block_on" => fix(m, c),
            Callee::Method(n) if n == "block_on" => fix(m, c),
            // A runtime created here only to block on: it goes.
            _ => drop_runtime::fix(m, c),
        };
        out.emit(Draft::new(c.range.clone(), sev, msg, help).with_fix(fix));
    }
}

/// `block_on(fut)` / `rt.block_on(fut)` -> `fut.await`, where `.await` can
/// be written: the same future runs to the same output on the runtime
/// already driving this task.
fn fix(m: &Model<'_>, c: &crate::analysis::model::Call<'_>) -> Option<crate::analysis::fix::Fix> {
    use super::fixkit;
    if !fixkit::can_await_at(m, c) {
        return None;
    }
    let arg = match c.expr? {
        syn::Expr::Call(call) if call.args.len() == 1 => &call.args[0],
        syn::Expr::MethodCall(mc) if mc.args.len() == 1 => &mc.args[0],
        _ => return None,
    };
    let range = c.args.first()?.range.clone();
    let arg_text = m.text.get(range)?;
    Some(fixkit::fix(
        crate::analysis::fix::FixSafety::Safe,
        "`.await` the future instead of blocking the worker thread on it",
        vec![fixkit::edit(
            c.range.clone(),
            fixkit::awaited(arg_text, arg),
        )],
    ))
}

/// `let rt = Builder::..().build().unwrap(); rt.shutdown_background();`
/// (or `shutdown_timeout`): a runtime built here but neither blocked on nor
/// dropped in async code, since those consume it without the blocking drop.
fn consumed_without_drop(m: &Model<'_>, c: &crate::analysis::model::Call<'_>) -> bool {
    let creates = matches!(&c.callee, Callee::Method(n) if n == "build")
        || matches!(&c.callee, Callee::Path(p) if p.last() == "new");
    if !creates {
        return false;
    }
    m.calls.iter().any(|s| {
        matches!(s.method(), Some("shutdown_background" | "shutdown_timeout"))
            && s.body == c.body
            && s.receiver.as_ref().is_some_and(|r| match r.root {
                Root::Local(id) => {
                    let l = &m.locals[id];
                    // The local bound by the statement that builds the runtime.
                    l.decl.start <= c.range.start
                        && !m.text[l.decl.start..c.range.start].contains(';')
                        && !m.calls.iter().any(|b| {
                            b.method() == Some("block_on")
                                && matches!(b.receiver.as_ref().map(|r| &r.root), Some(Root::Local(i)) if *i == id)
                        })
                }
                _ => false,
            })
    })
}
