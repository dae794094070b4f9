//! self-wake-busy-poll: waking itself and returning `Pending`: a spin.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::Model;
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "self-wake-busy-poll",
    severity: Severity::Warning,
    concept: "waker-leaks",
    fix: false,
    clippy_twins: &[],
    title: "`poll` wakes itself and returns `Pending`: a busy loop",
    what_it_does: "In a hand-written `poll`, finds `cx.waker().wake_by_ref()` (or `.wake()`) followed by `Poll::Pending` in the same block, with no state change there that would make it a one-time yield.",
    why_bad: "The task asks to be polled again at once, every time it is not ready: it spins at 100% CPU, starving other tasks of the budget without making progress. tokio-console reports it under \"self-wakes\".",
    known_problems: "A deliberate single yield that records it has yielded is not reported, nor a yield after polling inner futures with `cx` (cooperative budgeting, as tokio's `JoinSet` does); a yield whose state change happens elsewhere may be.",
    example: "fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Msg> {\n    match self.rx.try_recv() {\n        Ok(msg) => Poll::Ready(msg),\n        Err(_) => {\n            cx.waker().wake_by_ref();\n            Poll::Pending\n        }\n    }\n}",
    use_instead: "fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Msg> {\n    // Let the channel register the waker and wake us when a message arrives.\n    match self.rx.poll_recv(cx) {\n        Poll::Ready(Some(msg)) => Poll::Ready(msg),\n        Poll::Ready(None) | Poll::Pending => Poll::Pending,\n    }\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for p in &m.polls {
        // A yield after polling inner futures with `cx` is cooperative
        // scheduling (tokio's own `JoinSet`, `StreamExt::all`), not a spin.
        if p.facts.cx_passed {
            continue;
        }
        // A yield primitive (`fn yield_now(cx) -> Poll<Infallible>`: wake,
        // then `Pending`, never `Ready`) is not a `poll` that spins; its
        // callers return its `Pending` once.
        if !p.facts.has_ready && !p.name.starts_with("poll") {
            continue;
        }
        for (r, changed) in &p.facts.self_wakes {
            if *changed {
                continue;
            }
            let msg = format!(
                "`{}` wakes its own task and returns `Poll::Pending`: it is polled again at once, a busy loop that burns CPU",
                p.name
            );
            let help = "register the waker with the event source (or poll an inner future with `cx`) and let it wake the task when ready";
            out.emit(Draft::new(r.clone(), Severity::Warning, msg, help));
        }
    }
}
