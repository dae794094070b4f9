//! future-not-awaited: a future created and dropped.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::{BodyKind, Call, Callee, How, Model, Root, Use, apis};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "future-not-awaited",
    severity: Severity::Warning,
    concept: "async-desugaring",
    fix: true,
    clippy_twins: &["unused_must_use", "clippy::let_underscore_future"],
    title: "Future created and never awaited",
    what_it_does: "Finds an expression statement `f(..);` or `let _ = f(..);` (or a future used as its output: `f(..)?`, `f(..).unwrap()`, `match f(..) { Ok(..) .. }`) where `f` is an `async fn` defined in the snippet or a known future-returning API (`tokio::time::sleep`, `tokio::fs::*`, tokio `mpsc::Sender::send`, ...), and `async { .. };` blocks. Never fires on `tokio::spawn`, `spawn_blocking` or `JoinSet::spawn` results (their task runs anyway), nor on futures bound to a name for a later `join!` / `select!`.",
    why_bad: "Futures are lazy: calling an async fn only builds a state machine, and dropping it runs nothing. The send is never sent, the sleep never sleeps, the file is never written, with no error. rustc warns for the statement form (`unused_must_use`) but not for `let _ =`.",
    known_problems: "A method is matched to the snippet's async fns by name, so it is checked only through `self` or on a value of a type the snippet defines, and only when no sync fn of the snippet has the same name. A bare `sleep(d);` with no `use` line is taken for tokio's when the snippet uses tokio.",
    example: "async fn shutdown(tx: tokio::sync::mpsc::Sender<Msg>) {\n    tx.send(Msg::Stop);\n    cleanup();\n}\n\nasync fn cleanup() { /* ... */ }",
    use_instead: "async fn shutdown(tx: tokio::sync::mpsc::Sender<Msg>) {\n    tx.send(Msg::Stop).await.ok();\n    cleanup().await;\n}\n\nasync fn cleanup() { /* ... */ }",
};

/// Common method names: only matched to snippet async fns through `self`.
const COMMON: &[&str] = &[
    "send", "recv", "read", "write", "flush", "close", "next", "lock", "run", "get", "set",
    "insert", "remove", "push", "pop", "clear", "start", "stop", "new", "call", "connect", "open",
    "load", "save", "update", "handle",
];

fn future_call(m: &Model<'_>, c: &Call<'_>) -> Option<(String, Option<String>)> {
    match &c.callee {
        Callee::Path(p) => {
            let last = p.last();
            if matches!(last, "spawn" | "spawn_blocking" | "spawn_local") {
                return None;
            }
            let local_fn =
                (p.how == How::Local && p.segs.len() == 1 && m.names.async_fn(last, false))
                    || (p.segs.len() == 2 && p.segs[0] == "Self" && m.names.async_fn(last, false));
            if local_fn
                || (p.how == How::Local && p.segs.len() == 1 && returns_future_type(m, last))
            {
                return Some((format!("{last}(..)"), None));
            }
            if apis::returns_future(p) {
                return Some((format!("{}(..)", p.text()), None));
            }
            if p.unresolved()
                && p.segs.len() == 1
                && last == "sleep"
                && m.names.mentions("tokio")
                && !m.names.mentions("thread")
            {
                return Some((
                    "sleep(..)".to_string(),
                    Some(
                        "assumed `sleep` is `tokio::time::sleep` (no `use` line imports it)"
                            .to_string(),
                    ),
                ));
            }
            None
        }
        Callee::Method(name) => {
            let recv = c.receiver.as_ref()?;
            if name == "send" && c.nargs() == 1 && tokio_sender(m, recv) {
                return Some((".send(..)".to_string(), None));
            }
            if name == "send" && c.nargs() == 0 && reqwest_request(m, recv) {
                return Some((".send()".to_string(), None));
            }
            // A method of the snippet: through `self`, or on a value of a
            // type the snippet defines (a same-named sync method elsewhere
            // in a library is too common to match by name alone).
            let own_receiver = match &recv.root {
                Root::SelfValue => recv.links.is_empty(),
                Root::Local(id) => {
                    recv.links.is_empty()
                        && m.locals[*id]
                            .ty
                            .first()
                            .is_some_and(|t| t.how == How::Local)
                }
                _ => false,
            };
            if m.names.async_fn(name, true) && own_receiver && !COMMON.contains(&name.as_str())
                || m.names.async_fn(name, true)
                    && matches!(recv.root, Root::SelfValue)
                    && recv.links.is_empty()
            {
                return Some((format!(".{name}(..)"), None));
            }
            None
        }
        Callee::Other => None,
    }
}

/// A request built on the async `reqwest::Client` (its `send()` is async).
fn reqwest_request(m: &Model<'_>, recv: &crate::analysis::model::Chain) -> bool {
    let builds = recv.methods().any(|x| {
        matches!(
            x,
            "get" | "post" | "put" | "patch" | "delete" | "head" | "request"
        )
    });
    if !builds {
        return false;
    }
    let async_client = |p: &crate::analysis::model::Resolved| {
        p.starts_with("reqwest")
            && !p.starts_with("reqwest::blocking")
            && p.segs.iter().any(|s| s == "Client" || s == "ClientBuilder")
    };
    match &recv.root {
        Root::Call { path, .. } => async_client(path),
        Root::Local(id) => {
            let l = &m.locals[*id];
            l.ty.iter().any(&async_client)
                || l.init.as_ref().is_some_and(
                    |i| matches!(&i.root, Root::Call { path, .. } if async_client(path)),
                )
        }
        _ => recv.last_field().is_some_and(|f| {
            m.names.fields.get(f).is_some_and(|types| {
                !types.is_empty()
                    && types.iter().all(|t| {
                        let mut v = Vec::new();
                        crate::analysis::model::names::type_paths(&m.names, t, &mut v);
                        v.first().is_some_and(&async_client)
                    })
            })
        }),
    }
}

/// A tokio bounded `mpsc::Sender` (its `send` is async).
fn tokio_sender(m: &Model<'_>, recv: &crate::analysis::model::Chain) -> bool {
    let local = match &recv.root {
        Root::Local(id) if recv.links.is_empty() => &m.locals[*id],
        _ => {
            if let Some(f) = recv.last_field()
                && let Some(types) = m.names.fields.get(f)
            {
                // Every struct field of that name must be a tokio bounded `Sender`.
                return !types.is_empty()
                    && types.iter().all(|t| {
                        let mut v = Vec::new();
                        crate::analysis::model::names::type_paths(&m.names, t, &mut v);
                        v.iter()
                            .any(|p| p.starts_with("tokio::sync::mpsc") && p.last() == "Sender")
                    });
            }
            return false;
        }
    };
    if local
        .ty
        .iter()
        .any(|p| p.starts_with("tokio::sync::mpsc") && p.last() == "Sender")
    {
        return true;
    }
    let Some(init) = &local.init else {
        return false;
    };
    match &init.root {
        Root::Call { path, nargs } => {
            local.tuple_index == Some(0) && apis::channel_kind(path, *nargs) == Some(apis::ChannelKind::TokioBounded)
        }
        // `let tx2 = tx.clone();` (but not `let permit = tx.reserve().await?`).
        Root::Local(id) if init.links.iter().all(|l| matches!(l, crate::analysis::model::Link::Method { name, .. } if name == "clone")) => {
            m.locals[*id].tuple_index == Some(0)
                && m.locals[*id].init.as_ref().is_some_and(|i| matches!(&i.root, Root::Call { path, nargs } if apis::channel_kind(path, *nargs) == Some(apis::ChannelKind::TokioBounded)))
        }
        _ => false,
    }
}

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        let dropped = match &c.parent {
            Use::Discard => "is dropped at the end of the statement",
            Use::LetUnderscore => "is dropped at once by `let _ =`",
            // Used as if it were its output: a forgotten `.await` (rustc then
            // says "the `?` operator can only be applied to values that
            // implement `Try`" or "no method named `unwrap` found").
            Use::Try => "has `?` applied to it (a future is not a `Result`)",
            Use::ScrutineeResult => "is matched against `Ok`/`Err` (a future is not a `Result`)",
            Use::Receiver(r)
                if matches!(
                    r.as_str(),
                    "unwrap"
                        | "expect"
                        | "is_ok"
                        | "is_err"
                        | "ok"
                        | "map_err"
                        | "unwrap_or"
                        | "unwrap_or_else"
                        | "unwrap_or_default"
                        | "is_some"
                        | "is_none"
                ) =>
            {
                "has `.unwrap()`-like methods called on it (a future is not a `Result`/`Option`)"
            }
            _ => continue,
        };
        if matches!(c.ctx, crate::analysis::model::Ctx::Exempt(_)) && c.expr.is_none() {
            continue;
        }
        let Some((what, assumption)) = future_call(m, c) else {
            continue;
        };
        let msg = format!(
            "the future returned by `{what}` {dropped} without being awaited: it never runs"
        );
        let help = if c.ctx.is_asyncish() {
            "add `.await` (or keep the future and `.await` / `join!` it later)".to_string()
        } else {
            "futures do nothing until polled: `.await` it in async code, or hand it to `tokio::spawn` / `block_on`".to_string()
        };
        let fix = super::fixkit::can_await_at(m, c).then(|| await_fix(c.range.end, &what));
        out.emit(
            Draft::new(c.range.clone(), Severity::Warning, msg, help)
                .assume(assumption)
                .with_fix(fix),
        );
    }
    for r in &m.discarded_blocks {
        let msg =
            "this `async` block is created and dropped without being awaited: its body never runs";
        // `.await` can be written where the block's enclosing body is async.
        let fix = m
            .bodies
            .iter()
            .find(|b| b.kind == BodyKind::AsyncBlock && b.range == *r)
            .and_then(|b| b.parent)
            .filter(|p| super::fixkit::can_await_in(m, *p))
            .map(|_| await_fix(r.end, "async block"));
        out.emit(
            Draft::new(
                r.clone(),
                Severity::Warning,
                msg,
                "`.await` it, or `tokio::spawn` it to run it concurrently",
            )
            .with_fix(fix),
        );
    }
}

/// Appends `.await` to the future: it now runs, to completion, here.
fn await_fix(end: usize, what: &str) -> crate::analysis::fix::Fix {
    super::fixkit::fix(
        crate::analysis::fix::FixSafety::Safe,
        format!("add `.await`: the future of `{what}` now runs to completion here"),
        vec![super::fixkit::insert(end, ".await")],
    )
}

/// A sync fn of the snippet that returns a future by type
/// (`BoxFuture<..>`, `impl Future<Output = ..>`, `Pin<Box<dyn Future>>`):
/// calling it and dropping the result runs nothing either. Every fn of
/// that name must say so (a name defined twice is ambiguous).
fn returns_future_type(m: &Model<'_>, name: &str) -> bool {
    use syn::visit::Visit;
    struct FutureIdent(bool);
    impl<'ast> Visit<'ast> for FutureIdent {
        fn visit_ident(&mut self, i: &'ast syn::Ident) {
            let s = i.to_string();
            if s == "Future" || s.ends_with("BoxFuture") {
                self.0 = true;
            }
        }
    }
    let mut found = false;
    for f in m.fns.iter().filter(|f| f.name == name && !f.in_impl) {
        let syn::ReturnType::Type(_, ty) = &f.sig.output else {
            return false;
        };
        let mut v = FutureIdent(false);
        v.visit_type(ty);
        if f.is_async || !v.0 {
            return false;
        }
        found = true;
    }
    found
}
