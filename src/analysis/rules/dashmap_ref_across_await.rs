//! dashmap-ref-across-await: a `DashMap` reference alive at an `.await`.

use super::common::{Draft, held_values, line_of, via_words};
use super::{RuleDoc, Sink};
use crate::analysis::model::{LiveKind, Model};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "dashmap-ref-across-await",
    severity: Severity::Warning,
    concept: "async-locks",
    fix: false,
    clippy_twins: &["clippy::await_holding_invalid_type"],
    title: "`DashMap` reference held across an `.await`",
    what_it_does: "Finds a `DashMap`/`DashSet` `Ref`, `RefMut`, `Entry` or iterator (from `get`, `get_mut`, `entry`, `iter`) alive at an `.await`, with the same temporary-lifetime rules as `lock-across-await`. The receiver must be visibly a `DashMap` (a type annotation, a struct field type, or `DashMap::new()`).",
    why_bad: "Each of these holds a read or write lock on a shard of the map. While the task is suspended, any other task touching a key of that shard blocks its worker thread; if it is the same worker, or the awaited work needs the shard, the program deadlocks.",
    known_problems: "Maps whose type the snippet does not show are not checked.",
    example: "async fn touch(map: &DashMap<String, Session>, id: &str) {\n    if let Some(mut s) = map.get_mut(id) {\n        s.last_seen = now();\n        store.save(&s).await;\n    }\n}",
    use_instead: "async fn touch(map: &DashMap<String, Session>, id: &str) {\n    let snapshot = map.get_mut(id).map(|mut s| {\n        s.last_seen = now();\n        s.clone()\n    }); // shard lock released here\n    if let Some(s) = snapshot {\n        store.save(&s).await;\n    }\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for (live, hold) in held_values(m, |l, h| l.kind == LiveKind::DashRef && !h.dropped) {
        let msg = format!(
            "a `DashMap` reference from `{}` holds a shard lock across the `.await` on line {} ({}): other tasks touching that shard block, and can deadlock",
            live.desc,
            line_of(m, hold.await_range.start),
            via_words(&live.via)
        );
        let help =
            "clone what you need out of the map (or end the reference's block) before the `.await`";
        out.emit(Draft::new(live.range.clone(), Severity::Warning, msg, help));
    }
}
