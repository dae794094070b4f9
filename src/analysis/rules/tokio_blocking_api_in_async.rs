//! tokio-blocking-api-in-async: tokio's `blocking_*` methods inside async code.

use super::common::{Draft, where_};
use super::{RuleDoc, Sink};
use crate::analysis::model::{Callee, Model};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "tokio-blocking-api-in-async",
    severity: Severity::Error,
    concept: "blocking",
    fix: true,
    clippy_twins: &[],
    title: "tokio `blocking_*` method inside async code",
    what_it_does: "Finds `.blocking_recv()`, `.blocking_send(v)`, `.blocking_lock()`, `.blocking_read()`, `.blocking_write()` (and their `_owned` / `_many` forms) in async context.",
    why_bad: "These methods exist for sync code talking to async code. Called on a runtime thread they panic: \"Cannot block the current thread from within a runtime. This happens because a function attempted to block the current thread while the thread is being used to drive asynchronous tasks.\"",
    known_problems: "None known: the method names are tokio's own. Calls inside `spawn_blocking` or `std::thread::spawn` closures are fine and not reported.",
    example: "async fn forward(mut rx: tokio::sync::mpsc::Receiver<u32>) {\n    while let Some(v) = rx.blocking_recv() {\n        println!(\"{v}\");\n    }\n}",
    use_instead: "async fn forward(mut rx: tokio::sync::mpsc::Receiver<u32>) {\n    while let Some(v) = rx.recv().await {\n        println!(\"{v}\");\n    }\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        let Some(sev) = out.severity_in(c.ctx) else {
            continue;
        };
        let Callee::Method(name) = &c.callee else {
            continue;
        };
        let Some(async_name) = name.strip_prefix("blocking_") else {
            continue;
        };
        if !matches!(
            async_name,
            "recv"
                | "send"
                | "lock"
                | "read"
                | "write"
                | "lock_owned"
                | "read_owned"
                | "write_owned"
                | "recv_many"
        ) {
            continue;
        }
        let msg = format!(
            "`.{name}()` {} panics: \"Cannot block the current thread from within a runtime\"",
            where_(m, c)
        );
        let help = format!("use `.{async_name}(..).await`");
        let fix = super::fixkit::can_await_at(m, c).then(|| {
            super::fixkit::fix(
                crate::analysis::fix::FixSafety::Safe,
                format!("call the async twin: `.{async_name}(..).await`"),
                vec![
                    super::fixkit::edit(c.name_range.clone(), async_name),
                    super::fixkit::insert(c.range.end, ".await"),
                ],
            )
        });
        out.emit(Draft::new(c.range.clone(), sev, msg, help).with_fix(fix));
    }
}
