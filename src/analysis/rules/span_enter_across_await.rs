//! span-enter-across-await: a tracing span guard alive at an `.await`.

use super::common::{Draft, held_values, line_of};
use super::{RuleDoc, Sink};
use crate::analysis::model::{LiveKind, Model};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "span-enter-across-await",
    severity: Severity::Warning,
    concept: "async-debugging",
    fix: false,
    clippy_twins: &["clippy::await_holding_invalid_type"],
    title: "Tracing span entered across an `.await`",
    what_it_does: "Finds the guard of `span.enter()` or `span.entered()` alive at an `.await` in async code.",
    why_bad: "While the task is suspended the span stays entered on the thread: events of whatever other task runs there next are recorded inside this span, and this task's later events may land outside it. The traces lie. (`entered()`'s guard is also `!Send`, which `non-send-across-await` reports when the future is spawned.)",
    known_problems: "A guard dropped before the `.await` is fine and not reported.",
    example: "async fn handle(req: Request) {\n    let span = tracing::info_span!(\"handle\", id = req.id);\n    let _guard = span.enter();\n    process(req).await;\n}",
    use_instead: "use tracing::Instrument;\n\nasync fn handle(req: Request) {\n    let span = tracing::info_span!(\"handle\", id = req.id);\n    process(req).instrument(span).await;\n}\n// or annotate the fn with #[tracing::instrument]",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for (live, hold) in held_values(m, |l, h| {
        matches!(l.kind, LiveKind::SpanEnter | LiveKind::SpanGuard) && !h.dropped
    }) {
        let msg = format!(
            "the span entered by `{}` stays entered across the `.await` on line {}: while this task is suspended, other tasks' events are recorded in it",
            live.desc,
            line_of(m, hold.await_range.start)
        );
        let help = "instrument the future instead: `fut.instrument(span).await` (or `#[tracing::instrument]` on the fn)";
        out.emit(Draft::new(live.range.clone(), Severity::Warning, msg, help));
    }
}
