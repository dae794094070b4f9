//! refcell-across-await: a `RefCell` borrow alive at an `.await`.

use super::common::{Draft, held_values, line_of, via_words};
use super::{RuleDoc, Sink};
use crate::analysis::model::{LiveKind, Model};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "refcell-across-await",
    severity: Severity::Warning,
    concept: "send-bounds",
    fix: true,
    clippy_twins: &["clippy::await_holding_refcell_ref"],
    title: "`RefCell` borrow held across an `.await`",
    what_it_does: "Finds a `RefCell` `borrow()` / `borrow_mut()` guard (`Ref` / `RefMut`) alive at an `.await`, with the same temporary-lifetime rules as `lock-across-await`.",
    why_bad: "While the task is suspended, other code on the same thread (another task on a `LocalSet`, a callback) can run and borrow the same cell: `borrow_mut` then panics with `BorrowMutError` at runtime. `Ref`/`RefMut` are also `!Send`, so the future cannot be spawned on a multi-thread runtime.",
    known_problems: "A `.borrow()` whose receiver type is unknown is taken for `RefCell::borrow` only when the snippet mentions `RefCell`; `Borrow::borrow` and `watch::Receiver::borrow` are told apart when their types are visible.",
    example: "async fn flush(buf: &RefCell<Vec<u8>>, out: &mut Sink) {\n    let data = buf.borrow();\n    out.write(&data).await;\n}",
    use_instead: "async fn flush(buf: &RefCell<Vec<u8>>, out: &mut Sink) {\n    let data = buf.borrow().clone(); // borrow ends here\n    out.write(&data).await;\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for (live, hold) in held_values(m, |l, h| l.kind == LiveKind::RefCellRef && !h.dropped) {
        let msg = format!(
            "a `RefCell` borrow from `{}` is held across the `.await` on line {} ({}): code that runs meanwhile and borrows it mutably panics",
            live.desc,
            line_of(m, hold.await_range.start),
            via_words(&live.via)
        );
        let help = "end the borrow before the `.await` (a block, or clone the data out)";
        let fix = super::fixkit::scope_fix(m, live, hold, "the borrow's scope");
        out.emit(
            Draft::new(live.range.clone(), Severity::Warning, msg, help)
                .assume(live.assumption.clone())
                .with_fix(fix),
        );
    }
}
