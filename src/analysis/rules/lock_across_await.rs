//! lock-across-await: a blocking lock guard alive at an `.await`.

use super::common::{Draft, held_values, line_of, via_words};
use super::{RuleDoc, Sink};
use crate::analysis::model::{LiveKind, LockFamily, Model};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "lock-across-await",
    severity: Severity::Warning,
    concept: "async-locks",
    fix: true,
    clippy_twins: &["clippy::await_holding_lock"],
    title: "Blocking mutex guard held across an `.await`",
    what_it_does: "Finds a `std::sync` or `parking_lot` `Mutex`/`RwLock` guard alive at an `.await`, following rustc's rules for temporaries: `let v = m.lock().unwrap().f;` holds nothing; `let v = &m.lock().unwrap().f;`, a guard in a `match` / `if let` / `while let` scrutinee, in a `for` iterator expression, or in the same statement as the `.await` does hold. A guard ended by `drop(g)` or by its block closing before the `.await` does not hold. Async locks (`.lock().await`) never fire, and a std `Mutex` by itself is never a finding. A tokio `watch::Ref` (`rx.borrow()`, `borrow_and_update()`) counts too: it holds the channel's read lock, so the sender blocks while it lives.",
    why_bad: "While the task is suspended at the `.await`, the lock stays held. Any other task (or thread) that locks it blocks its worker thread, and if that task runs on the same worker as the suspended holder, nobody can release it: a deadlock, certain on a current-thread runtime. The guard also makes the future `!Send`, so `tokio::spawn` rejects it.",
    known_problems: "When nothing says which `Mutex` a bare `.lock()` belongs to (no `use` line, no visible type), it is assumed to be a blocking (`parking_lot`-style) lock, and the finding says so. A guard moved into a struct and then awaited is followed only for struct literals in the `let`.",
    example: "async fn bump(state: &std::sync::Mutex<State>, db: &Db) {\n    let mut s = state.lock().unwrap();\n    s.count += 1;\n    db.save(s.count).await;\n}",
    use_instead: "async fn bump(state: &std::sync::Mutex<State>, db: &Db) {\n    let count = {\n        let mut s = state.lock().unwrap();\n        s.count += 1;\n        s.count\n    }; // guard dropped here\n    db.save(count).await;\n}",
};

pub(super) mod to_tokio;

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    let values = held_values(m, |l, h| matches!(l.kind, LiveKind::Guard(_)) && !h.dropped);
    for (live, hold) in values {
        let LiveKind::Guard(fam) = live.kind else {
            continue;
        };
        let kind = match fam {
            LockFamily::Std => "a `std::sync` lock guard",
            LockFamily::ParkingLot => "a `parking_lot` lock guard",
            LockFamily::Unknown => "a blocking lock guard",
            LockFamily::Watch => "a `watch::Ref` (it holds the channel's read lock)",
        };
        let msg = format!(
            "{kind} from `{}` is held across the `.await` on line {} ({}): other tasks that lock it block their thread, and can deadlock",
            live.desc,
            line_of(m, hold.await_range.start),
            via_words(&live.via)
        );
        let help = "drop the guard before the `.await` (end its block, or copy what you need out), or use `tokio::sync::Mutex` and `.lock().await`";
        out.emit(
            Draft::new(live.range.clone(), Severity::Warning, msg, help)
                .assume(live.assumption.clone())
                .with_fix(
                    super::fixkit::scope_fix(m, live, hold, "the guard's scope")
                        .or_else(|| to_tokio::fix(m, fam)),
                ),
        );
    }
}
