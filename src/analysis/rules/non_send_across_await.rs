//! non-send-across-await: a `!Send` value alive at an `.await` in a future that must be `Send`.

use super::common::{Draft, held_values, line_of};
use super::{RuleDoc, Sink};
use crate::analysis::model::{LiveKind, Model};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "non-send-across-await",
    severity: Severity::Error,
    concept: "send-bounds",
    fix: true,
    clippy_twins: &[],
    title: "`!Send` value held across an `.await` in a spawned future",
    what_it_does: "Inside a future that must be `Send` (an async block passed to `tokio::spawn` or `JoinSet::spawn`, an async fn such a block spawns or awaits, an `#[async_trait]` method), finds an `Rc`, a `RefCell` borrow, a `ThreadRng` (`rand::thread_rng()`), a std or `parking_lot` lock guard, or a span guard from `Span::entered()` (`EnteredSpan`) alive at an `.await`, including one ended by `drop(g)` before the await: rustc still counts it; and an `Rc` or `ThreadRng` of the enclosing code that a spawned async block captures (used in it, also as an inline format argument: `println!(\"{rc}\")`).",
    why_bad: "The compiler rejects it: \"future cannot be sent between threads safely\" with \"note: future is not `Send` as this value is used across an await\". The error points at the spawn, far from the cause; the `drop(g)` that looks like a fix does not satisfy it.",
    known_problems: "`span.enter()` returns `Entered<'_>`, which is `Send` in tracing 0.1: holding it across `.await` compiles and is reported by `span-enter-across-await` instead. Types are read from constructors and annotations in the snippet (`Rc::new`, `.lock()`, `.borrow()`); values of unknown types are not tracked. Whether a fn is spawned is followed through the snippet's own calls; `check` on a Cargo package follows it across the crate's files too (a future spawned directly, through a local, through `.instrument(..)`, `Box::pin` or tokio's `timeout`, or awaited in a spawned block), never through a generic or a future passed in as a parameter. `spawn` on a local `LocalExecutor` (async-executor, smol) needs no `Send`; other executors' `spawn` methods are taken to need it.",
    example: "tokio::spawn(async move {\n    let mut guard = state.lock().unwrap();\n    guard.hits += 1;\n    drop(guard);\n    notify.send(()).await;\n});",
    use_instead: "tokio::spawn(async move {\n    {\n        let mut guard = state.lock().unwrap();\n        guard.hits += 1;\n    } // the guard's scope ends before the await\n    notify.send(()).await;\n});",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    check_captures(m, out);
    // `span.enter()`'s `Entered<'_>` is `Send` (it only borrows the span): not this rule.
    for (live, hold) in held_values(m, |l, h| {
        l.kind != LiveKind::SpanEnter && m.send_reason(h.body).is_some()
    }) {
        let Some(reason) = m.send_reason(hold.body) else {
            continue;
        };
        let what = match live.kind {
            LiveKind::Rc => "an `Rc`".to_string(),
            LiveKind::ThreadRng => "a `ThreadRng`, which holds an `Rc`".to_string(),
            LiveKind::RefCellRef => format!("a `RefCell` borrow from `{}`", live.desc),
            LiveKind::Guard(_) => format!("a lock guard from `{}`", live.desc),
            LiveKind::SpanGuard => format!("an `EnteredSpan` from `{}`", live.desc),
            LiveKind::SpanEnter | LiveKind::DashRef => continue,
        };
        let subject = match (&live.kind, &live.via) {
            (
                LiveKind::Rc | LiveKind::ThreadRng,
                crate::analysis::model::Via::Binding(n) | crate::analysis::model::Via::Param(n),
            ) => format!("`{n}` ({what})"),
            _ => what,
        };
        let dropped = if hold.dropped {
            " `drop(..)` before the await does not help: rustc still sees it in scope."
        } else {
            ""
        };
        let msg = format!(
            "{subject} is alive at the `.await` on line {} in a future that must be `Send` ({reason}): error \"future cannot be sent between threads safely\".{dropped}",
            line_of(m, hold.await_range.start)
        );
        let help = match live.kind {
            LiveKind::Rc => {
                "use `Arc`, or end the `Rc`'s scope before the `.await`; or run the future with `spawn_local` on a `LocalSet`"
            }
            LiveKind::ThreadRng => {
                "draw the numbers in a block that ends before the `.await`, or use a `Send` generator (`rand::rngs::StdRng` seeded from `ThreadRng`, or `SmallRng`)"
            }
            _ => {
                "put the value in a block that ends before the `.await` (a `drop` call is not enough), or use a `Send` alternative (`tokio::sync::Mutex`, `Arc`)"
            }
        };
        out.emit(
            Draft::new(live.range.clone(), Severity::Error, msg, help)
                .assume(live.assumption.clone())
                .with_fix(
                    super::fixkit::scope_fix(m, live, hold, "the value's scope").or_else(|| {
                        match live.kind {
                            LiveKind::Guard(fam) => super::lock_across_await::to_tokio::fix(m, fam),
                            _ => None,
                        }
                    }),
                ),
        );
    }
}

/// `Rc`s (and `ThreadRng`s) captured by a spawned async block that
/// awaits: the future holds them.
pub(super) fn check_captures(m: &Model<'_>, out: &mut Sink<'_>) {
    let mut seen = std::collections::HashSet::new();
    for crate::analysis::model::Captured {
        site: crate::analysis::model::OuterUse {
            body, name, range, ..
        },
        what,
    } in &m.captures
    {
        let Some(reason) = m.send_reason(*body) else {
            continue;
        };
        let Some(at) = m.awaits.iter().find(|a| a.body == *body).map(|a| &a.range) else {
            continue;
        };
        if !seen.insert((*body, name.clone())) {
            continue;
        }
        let msg = format!(
            "`{name}` is {what} captured by this async block, so the future holds it at the `.await` on line {} and must be `Send` ({reason}): error \"future cannot be sent between threads safely\"",
            line_of(m, at.start)
        );
        let help = "use `Arc` instead of `Rc` for data shared with spawned tasks, or run the future with `spawn_local` on a `LocalSet`";
        out.emit(Draft::new(range.clone(), Severity::Error, msg, help));
    }
}
