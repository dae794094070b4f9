//! pending-without-waker: `Poll::Pending` with no wake-up arranged.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::Model;
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "pending-without-waker",
    severity: Severity::Error,
    concept: "waker-leaks",
    fix: false,
    clippy_twins: &[],
    title: "`poll` returns `Pending` without arranging a wake-up",
    what_it_does: "In a hand-written `poll` (a fn with a `Context` parameter returning `Poll`), finds a return of `Poll::Pending` on a path that neither uses `cx` (registering `cx.waker()`, or passing `cx` on) nor returns the result of polling an inner future or stream with it.",
    why_bad: "Returning `Pending` is a promise that someone will call the waker when progress is possible. Without a registered waker nobody does: the task sleeps forever, with no error. tokio-console shows it as a \"lost waker\".",
    known_problems: "Reported only when the fn never uses `cx` at all and can also return `Ready`: a fn that passes `cx` on in some branch is trusted to manage its wake-ups (a terminal state such as `Fuse`'s returns `Pending` on purpose), and a future that is always `Pending` (`future::pending()`) is pending by design. A waker registered through a helper that does not take `cx` is not seen.",
    example: "impl Future for Flag {\n    type Output = ();\n    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {\n        if self.set.load(Ordering::Acquire) {\n            Poll::Ready(())\n        } else {\n            Poll::Pending\n        }\n    }\n}",
    use_instead: "impl Future for Flag {\n    type Output = ();\n    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {\n        self.waker.register(cx.waker()); // futures::task::AtomicWaker\n        if self.set.load(Ordering::Acquire) {\n            Poll::Ready(())\n        } else {\n            Poll::Pending\n        }\n    }\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for p in &m.polls {
        // Pending forever by design (`future::pending()`), or `cx` handed
        // on somewhere: the author manages wake-ups; only the fn that never
        // touches `cx` yet can complete is reported.
        if !p.facts.has_ready {
            continue;
        }
        for pend in &p.facts.pendings {
            // Where `cx` is used elsewhere, only a `Pending` right after an
            // inner future returned `Ready` is sure to have no waker behind it.
            if pend.covered || (p.facts.cx_used && !pend.after_inner_ready) {
                continue;
            }
            let cx = p.facts.cx.clone().unwrap_or_else(|| "cx".into());
            let unused = if cx.starts_with('_') {
                format!(" (the `Context` parameter `{cx}` is never used)")
            } else {
                String::new()
            };
            let msg = if pend.after_inner_ready {
                format!(
                    "`{}` returns `Poll::Pending` right after the inner future it polled with `cx` returned `Ready`: a future that completes registers no waker, so nothing will wake this task again",
                    p.name
                )
            } else {
                format!(
                    "`{}` returns `Poll::Pending` without registering the waker from `cx` or polling an inner future with it{unused}: nothing will wake this task again",
                    p.name
                )
            };
            let help = "store `cx.waker().clone()` (or `AtomicWaker::register`) where the event source can wake it, or return the result of polling an inner future with `cx`";
            out.emit(Draft::new(pend.range.clone(), Severity::Error, msg, help));
        }
    }
}
