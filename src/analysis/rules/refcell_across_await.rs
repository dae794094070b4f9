//! refcell-across-await: a `RefCell` borrow alive at an `.await`.

use super::common::{Draft, held_values, line_of, via_words};
use super::{RuleDoc, Sink};
use crate::analysis::model::{LiveKind, Model};
use crate::analysis::types::Severity;

mod clone_out;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "refcell-across-await",
    severity: Severity::Warning,
    concept: "send-bounds",
    fix: true,
    clippy_twins: &["clippy::await_holding_refcell_ref"],
    title: "`RefCell` borrow held across an `.await`",
    what_it_does: "Finds a `RefCell` `borrow()` / `borrow_mut()` guard (`Ref` / `RefMut`) alive at an `.await`, with the same temporary-lifetime rules as `lock-across-await`.",
    why_bad: "While the task is suspended, other code on the same thread (another task on a `LocalSet`, a callback) can run and borrow the same cell: `borrow_mut` then panics with `BorrowMutError` at runtime. `Ref`/`RefMut` are also `!Send`, so the future cannot be spawned on a multi-thread runtime.",
    known_problems: "A `.borrow()` whose receiver type is unknown is taken for `RefCell::borrow` only when the snippet mentions `RefCell`; `Borrow::borrow` and `watch::Receiver::borrow` are told apart when their types are visible. Fixes (may change behaviour: code that ran into the held borrow now gets the cell): when nothing bound under the borrow is needed after the `.await` (or only an owned value of the last `let`), the statements from the borrow up to the await go into a block, so it ends at the `}`; when the borrow itself is used after the await, a shared `let data = cell.borrow();` becomes `let data = cell.borrow().clone();` if the cell's type is in the snippet and is made of std `Clone` types, and every later use of `data` is a method call, a field or `&data` (the same through `Ref<T>` and `T`). A `borrow_mut` used after the await keeps the help.",
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
        let fix = super::fixkit::scope_fix(m, live, hold, "the borrow's scope")
            .or_else(|| clone_out::fix(m, live));
        out.emit(
            Draft::new(live.range.clone(), Severity::Warning, msg, help)
                .assume(live.assumption.clone())
                .with_fix(fix),
        );
    }
}
