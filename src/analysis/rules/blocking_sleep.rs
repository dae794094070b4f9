//! blocking-sleep: `std::thread::sleep` in async context.

use super::common::{Draft, async_sleep, where_};
use super::fixkit;
use super::{RuleDoc, Sink};
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::model::{Callee, Model, Use, apis};
use crate::analysis::options::Runtime;
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "blocking-sleep",
    severity: Severity::Error,
    concept: "blocking",
    fix: true,
    clippy_twins: &[],
    title: "`std::thread::sleep` in async code",
    what_it_does: "Finds `std::thread::sleep` (also `thread::sleep`, or a bare `sleep` that the snippet's `use` lines resolve to std) inside an async fn, an async block or closure, or a `poll` body. Closures passed to `spawn_blocking`, `block_in_place`, `std::thread::spawn` and rayon are not async context; a closure passed to an unknown function is reported one severity lower.",
    why_bad: "An async task only gives its worker thread back at an `.await`. `std::thread::sleep` parks the whole worker: every other task on it stops, timers fire late, and on a current-thread runtime (or `#[tokio::test]`) the whole program freezes for the duration. Nothing fails, so the bug shows up as latency.",
    known_problems: "A bare `sleep(..)` with no `use` line is assumed to be `std::thread::sleep` unless the snippet uses tokio and the call looks like a discarded future (then `future-not-awaited` reports it). A sync helper that sleeps is not followed into its callers.",
    example: "async fn poll_status(client: &Client) {\n    loop {\n        client.check().await;\n        std::thread::sleep(Duration::from_secs(5));\n    }\n}",
    use_instead: "async fn poll_status(client: &Client) {\n    loop {\n        client.check().await;\n        tokio::time::sleep(Duration::from_secs(5)).await;\n    }\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        let Some(sev) = out.severity_in(c.ctx) else {
            continue;
        };
        let Callee::Path(p) = &c.callee else { continue };
        if c.awaited() {
            continue;
        }
        let assumption = if apis::is_std_sleep(p) {
            None
        } else if p.unresolved()
            && p.segs.len() == 2
            && p.segs[0] == "thread"
            && p.segs[1] == "sleep"
        {
            Some("assumed `thread` is `std::thread` (no `use` line imports it)".to_string())
        } else if p.unresolved()
            && p.segs.len() == 1
            && p.segs[0] == "sleep"
            && bare_sleep_is_std(m, c)
        {
            Some("assumed `sleep` is `std::thread::sleep` (no `use` line imports it)".to_string())
        } else {
            continue;
        };
        let help = format!(
            "use `{}`, or move the blocking work into a blocking thread",
            async_sleep(m.runtime)
        );
        let msg = format!(
            "`std::thread::sleep` blocks the runtime worker thread {}: every task on it stalls",
            where_(m, c)
        );
        out.emit(
            Draft::new(c.range.clone(), sev, msg, help)
                .assume(assumption)
                .with_fix(fix(m, c)),
        );
    }
}

/// `thread::sleep(d)` -> `tokio::time::sleep(d).await` (the runtime's own
/// sleep), where `.await` can be written. The duration expression is kept
/// as written.
fn fix(m: &Model<'_>, c: &crate::analysis::model::Call<'_>) -> Option<Fix> {
    if !fixkit::can_await_at(m, c) {
        return None;
    }
    let path = match m.runtime {
        Runtime::Tokio | Runtime::Any => "tokio::time::sleep",
        Runtime::AsyncStd => "async_std::task::sleep",
        Runtime::Smol => return None, // `Timer::after(d).await` returns an `Instant`, not `()`
    };
    let edits = vec![
        fixkit::edit(fixkit::callee_path_range(m, c)?, path),
        fixkit::insert(c.range.end, ".await"),
    ];
    let description = format!(
        "replace the blocking sleep with `{path}(..).await`, which yields the worker while it waits"
    );
    // tokio's sleep panics on a runtime built without its time driver;
    // async-std's needs none.
    let (safety, description) = if m.runtime == Runtime::AsyncStd || on_tokio_attr_runtime(m, c) {
        (FixSafety::Safe, description)
    } else {
        (
            FixSafety::MaybeIncorrect,
            format!(
                "{description}; this may change behaviour: `tokio::time::sleep` panics unless the runtime has its time driver (`#[tokio::main]` and `#[tokio::test]` enable it, a runtime `Builder` needs `enable_time()` or `enable_all()`)"
            ),
        )
    };
    Some(fixkit::fix(safety, description, edits))
}

/// Whether the call runs inside a fn marked `#[tokio::main]` or
/// `#[tokio::test]` (whose runtime has every driver), looking out through
/// the enclosing closures and async blocks.
fn on_tokio_attr_runtime(m: &Model<'_>, c: &crate::analysis::model::Call<'_>) -> bool {
    let mut cur = c.body;
    while let Some(id) = cur {
        let body = &m.bodies[id];
        if let Some(f) = body.fn_index.and_then(|i| m.fns.get(i)) {
            return f
                .runtime_attr
                .as_ref()
                .is_some_and(|a| a.path == "tokio::main" || a.path == "tokio::test");
        }
        cur = body.parent;
    }
    false
}

/// A bare unresolved `sleep(d)`: std's only when it is not a future in the
/// making (bound, passed on, in a `select!`) and the code is not tokio code
/// discarding a tokio sleep.
fn bare_sleep_is_std(m: &Model<'_>, c: &crate::analysis::model::Call<'_>) -> bool {
    match c.parent {
        Use::Discard => {}
        _ => return false,
    }
    let tokio_time = m.names.mentions("tokio") && !m.names.mentions("thread");
    !tokio_time
}
