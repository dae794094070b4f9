//! waker-per-poll-leak: a thread or a stored waker per `poll` call.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::Model;
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "waker-per-poll-leak",
    severity: Severity::Warning,
    concept: "waker-leaks",
    fix: false,
    clippy_twins: &[],
    title: "Thread spawned or waker stored on every `poll`",
    what_it_does: "In a hand-written `poll`, finds a thread spawn, or a cloned waker pushed into a collection, that happens on every call: not guarded by a state change (`if !self.started { self.started = true; .. }`) and with no `will_wake` / `AtomicWaker` de-duplication in the body.",
    why_bad: "A future can be polled many times before it is ready (every spurious wake-up, every `select!` iteration). One thread per poll piles up threads; one stored waker per poll grows the collection without bound and keeps every old task allocation alive.",
    known_problems: "A de-duplication done elsewhere (in a helper, or by the collection's type) is not seen.",
    example: "fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {\n    if Instant::now() >= self.when {\n        return Poll::Ready(());\n    }\n    let waker = cx.waker().clone();\n    let when = self.when;\n    std::thread::spawn(move || {\n        std::thread::sleep(when - Instant::now());\n        waker.wake();\n    });\n    Poll::Pending\n}",
    use_instead: "fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {\n    if Instant::now() >= self.when {\n        return Poll::Ready(());\n    }\n    if let Some(w) = &self.waker {\n        if !w.lock().unwrap().will_wake(cx.waker()) {\n            *w.lock().unwrap() = cx.waker().clone();\n        }\n    } else {\n        let w = Arc::new(Mutex::new(cx.waker().clone()));\n        self.waker = Some(w.clone());\n        let when = self.when;\n        std::thread::spawn(move || {\n            std::thread::sleep(when - Instant::now());\n            w.lock().unwrap().wake_by_ref();\n        });\n    }\n    Poll::Pending\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for p in &m.polls {
        if p.facts.dedup {
            continue;
        }
        for (r, guarded) in &p.facts.spawns {
            if *guarded {
                continue;
            }
            let msg = format!(
                "`{}` spawns a thread on every call: a future is polled many times, so threads pile up",
                p.name
            );
            out.emit(Draft::new(r.clone(), Severity::Warning, msg, "spawn once (remember it in a field), and on later polls only update the stored waker if `!stored.will_wake(cx.waker())`"));
        }
        for (r, guarded) in &p.facts.waker_pushes {
            if *guarded {
                continue;
            }
            let msg = format!(
                "`{}` stores a new waker on every call: the collection grows without bound and keeps old tasks alive",
                p.name
            );
            out.emit(Draft::new(r.clone(), Severity::Warning, msg, "keep one waker slot per waiter and replace it only when `!old.will_wake(cx.waker())`, or use `futures::task::AtomicWaker`"));
        }
    }
}
