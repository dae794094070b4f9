//! blocking-channel: blocking receives, joins and waits in async context.

use super::common::{Draft, root_local, self_field, used_as_result, where_};
use super::{RuleDoc, Sink};
use crate::analysis::model::{Call, Callee, Local, Model, Resolved, Root, apis};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "blocking-channel",
    severity: Severity::Warning,
    concept: "channels",
    fix: false,
    clippy_twins: &[],
    title: "Blocking channel receive, join or wait in async code",
    what_it_does: "Finds `recv()` / `recv_timeout()` / `iter()` on a std `mpsc` or crossbeam receiver, `JoinHandle::join()` of a `std::thread`, `Condvar::wait` (`wait_while`, `wait_timeout`, `wait_timeout_while`) and `std::sync::Barrier::wait` in async context; the receiver may be a local or a `self` field whose struct in the snippet declares its type. `try_recv` is fine.",
    why_bad: "These wait on another thread or task without yielding: the worker thread stops. If the sender is a task on the same runtime, it may never get to run: a deadlock, certain on a current-thread runtime.",
    known_problems: "The receiver must be visibly std/crossbeam: built in the snippet (`mpsc::channel()` without a capacity is std's), typed so, or its result used as a `Result` (`.recv().unwrap()`, `?`, `Ok(..)` patterns) which tokio's `recv().await` never is.",
    example: "async fn collect(rx: std::sync::mpsc::Receiver<Job>) {\n    while let Ok(job) = rx.recv() {\n        job.run().await;\n    }\n}",
    use_instead: "async fn collect(mut rx: tokio::sync::mpsc::Receiver<Job>) {\n    while let Some(job) = rx.recv().await {\n        job.run().await;\n    }\n}",
};

/// A receiver / handle known to block: built by std or crossbeam, or typed so.
fn blocking_type(tys: &[Resolved], what: &str) -> bool {
    tys.iter().any(|t| {
        let s = t.text();
        (s.starts_with("std::sync::mpsc") || s.starts_with("crossbeam")) && what == "recv"
            || s.starts_with("std::thread::JoinHandle") && what == "join"
            || s.starts_with("std::sync::Condvar") && what == "wait"
            || s.starts_with("std::sync::Barrier") && what == "barrier"
    })
}

fn blocking_local(l: &Local, what: &str) -> bool {
    if blocking_type(&l.ty, what) {
        return true;
    }
    let Some(init) = &l.init else { return false };
    let Root::Call { path, nargs } = &init.root else {
        return false;
    };
    match what {
        "recv" => {
            l.tuple_index == Some(1)
                && apis::channel_kind(path, *nargs) == Some(apis::ChannelKind::Blocking)
        }
        "join" => {
            path.last() == "spawn" && (path.starts_with("std::thread") || path.is("thread::spawn"))
                || init.has_method("spawn") && path.segs.iter().any(|s| s == "Builder")
        }
        "wait" => {
            path.starts_with("std::sync::Condvar")
                || (path.unresolved() && path.segs.first().is_some_and(|s| s == "Condvar"))
        }
        "barrier" => {
            path.starts_with("std::sync::Barrier")
                || (path.unresolved()
                    && path.segs.first().is_some_and(|s| s == "Barrier")
                    && !path.segs.is_empty())
        }
        _ => false,
    }
}

fn describe(m: &Model<'_>, c: &Call<'_>, name: &str) -> Option<&'static str> {
    let local =
        root_local(m, c).filter(|_| c.receiver.as_ref().is_some_and(|r| r.links.is_empty()));
    // A `self.field` typed in the snippet (`condvar: Condvar` with std's `use`).
    let field = self_field(m, c).map(|(_, tys)| tys);
    let known = |what: &str| {
        local.is_some_and(|l| blocking_local(l, what))
            || field.as_ref().is_some_and(|t| blocking_type(t, what))
    };
    match (name, c.nargs()) {
        ("recv", 0) | ("recv_timeout", 1) | ("recv_deadline", 1) => {
            (known("recv") || used_as_result(c)).then_some("a blocking channel receive")
        }
        ("iter", 0) => known("recv").then_some("iterating a blocking channel receiver"),
        ("join", 0) => {
            (known("join") || used_as_result(c)).then_some("`JoinHandle::join` of a thread")
        }
        ("wait" | "wait_while" | "wait_timeout", 1 | 2) | ("wait_timeout_while", 3) => {
            (known("wait") || (used_as_result(c) && m.names.mentions("Condvar")))
                .then_some("`Condvar::wait`")
        }
        ("wait", 0) => known("barrier").then_some("`std::sync::Barrier::wait`"),
        _ => None,
    }
}

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        let Some(sev) = out.severity_in(c.ctx) else {
            continue;
        };
        if c.awaited() {
            continue;
        }
        let Callee::Method(name) = &c.callee else {
            continue;
        };
        let Some(what) = describe(m, c, name) else {
            continue;
        };
        let msg = format!(
            "{what} {} blocks the worker thread; if the other side runs on this runtime it may never get to run",
            where_(m, c)
        );
        let help = match name.as_str() {
            "join" => {
                "`.await` a `tokio::task::JoinHandle` instead, or join the thread inside `spawn_blocking`"
            }
            "wait" | "wait_while" | "wait_timeout" | "wait_timeout_while" => {
                "use `tokio::sync::Notify` (or a tokio `Barrier`) and `.await` it"
            }
            _ => {
                "use a tokio channel (`tokio::sync::mpsc`) and `.recv().await`, or `try_recv` if you must poll"
            }
        };
        out.emit(Draft::new(c.range.clone(), sev, msg, help));
    }
    check_for_loops(m, out);
}

/// `for msg in rx { .. }` over a blocking receiver: every turn of the loop
/// is a blocking `recv` (the `IntoIterator` of std's and crossbeam's
/// `Receiver`).
fn check_for_loops(m: &Model<'_>, out: &mut Sink<'_>) {
    use crate::analysis::model::LoopKind;
    for l in m.loops.iter().filter(|l| l.kind == LoopKind::For) {
        let Some(sev) = out.severity_in(l.ctx) else {
            continue;
        };
        let Some(header) = m.text.get(l.range.clone()) else {
            continue;
        };
        let Some(at) = header.find(" in ") else {
            continue;
        };
        let iter = header[at + 4..].trim_start();
        let name = iter.strip_prefix('&').unwrap_or(iter).trim();
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        // The latest local of that name declared before the loop.
        let Some(local) = m
            .locals
            .iter()
            .filter(|x| x.name == name && x.decl.end <= l.range.start)
            .max_by_key(|x| x.decl.start)
        else {
            continue;
        };
        if !blocking_local(local, "recv") {
            continue;
        }
        let start = l.range.end - iter.len();
        let msg = "iterating a blocking channel receiver in async code: every turn of the loop is a blocking `recv` that stalls the worker thread";
        out.emit(Draft::new(
            start..l.range.end,
            sev,
            msg,
            "use a tokio channel and `while let Some(msg) = rx.recv().await`, or drain the std receiver on a blocking thread (`spawn_blocking`)",
        ));
    }
}
