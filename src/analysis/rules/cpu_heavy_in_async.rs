//! cpu-heavy-in-async: long CPU work or a busy-wait with no `.await`.

use super::common::{Draft, offload};
use super::{RuleDoc, Sink};
use crate::analysis::model::{Callee, LoopKind, Model, apis};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "cpu-heavy-in-async",
    severity: Severity::Info,
    concept: "cooperative-scheduling",
    fix: false,
    clippy_twins: &[],
    title: "CPU-heavy loop or busy-wait in async code",
    what_it_does: "Finds, in async context, a loop with no `.await` that does obviously heavy work: nested counting loops, a range of 100,000 or more, hashing or compression calls; a busy-wait spinning on an atomic; and password-hashing calls (`bcrypt`, `argon2`, `scrypt`, `pbkdf2`) that are slow by design.",
    why_bad: "A task yields only at `.await`. A long computation holds the worker thread: other tasks, timers and I/O on it wait (rule of thumb: no more than 10-100 µs between awaits). A spin on an atomic can wait forever on a current-thread runtime, since the task that would set the flag cannot run.",
    known_problems: "Loop bounds that are not literals are not evaluated; a short nested loop over a small grid is reported as a hint (this rule is info).",
    example: "async fn checksum(data: &[u8]) -> u64 {\n    let mut h = 0u64;\n    for round in 0..1_000_000 {\n        h = h.wrapping_mul(31).wrapping_add(data[round % data.len()] as u64);\n    }\n    h\n}",
    use_instead: "async fn checksum(data: Vec<u8>) -> u64 {\n    tokio::task::spawn_blocking(move || {\n        let mut h = 0u64;\n        for round in 0..1_000_000 {\n            h = h.wrapping_mul(31).wrapping_add(data[round % data.len()] as u64);\n        }\n        h\n    })\n    .await\n    .unwrap()\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    let mut flagged: Vec<std::ops::Range<usize>> = Vec::new();
    for l in &m.loops {
        if !l.ctx.is_asyncish() || l.has_await {
            continue;
        }
        // Hand-written `poll` bodies loop over bounded work by design.
        if m.bodies
            .get(l.body)
            .is_some_and(|b| b.kind == crate::analysis::model::BodyKind::PollFn)
        {
            continue;
        }
        // An outer loop of a few literal turns (`for i in 1..=3`) does little work.
        let few_turns = literal_turns(m, l).is_some_and(|n| n <= 16);
        let reason = if l.nested_counting && !few_turns {
            "nested loops".to_string()
        } else if l.kind == LoopKind::For && l.range_bound.is_some_and(|b| b >= 100_000) {
            format!("a loop over {} iterations", l.range_bound.unwrap_or(0))
        } else if let Some(name) = l.heavy_calls.first() {
            format!("`{name}` in a loop")
        } else if l.kind != LoopKind::For && l.atomic_loads > 0 && l.other_calls == 0 {
            "a busy-wait on an atomic".to_string()
        } else if let Some(name) = (l.kind != LoopKind::For)
            .then(|| try_poll_spin(m, l))
            .flatten()
        {
            format!("a busy-wait polling `.{name}()`")
        } else {
            continue;
        };
        if flagged
            .iter()
            .any(|r| r.start <= l.range.start && l.range.start < r.end)
        {
            continue;
        }
        let body_end = m
            .bodies
            .get(l.body)
            .map(|b| b.range.end)
            .unwrap_or(l.range.end);
        flagged.push(l.range.start..body_end.max(l.range.end));
        let msg = format!(
            "{reason} with no `.await` in async code: the worker thread is held and other tasks cannot run meanwhile"
        );
        let help = if reason.starts_with("a busy-wait") {
            "wait with `tokio::sync::Notify` (or a channel) instead of spinning; at least `tokio::task::yield_now().await` in the loop".to_string()
        } else {
            format!(
                "move the computation to {} (or rayon), or `tokio::task::yield_now().await` now and then",
                offload(m.runtime)
            )
        };
        out.emit(Draft::new(l.range.clone(), Severity::Info, msg, help));
    }
    for c in &m.calls {
        if !c.ctx.is_asyncish() {
            continue;
        }
        let (path, method) = match &c.callee {
            Callee::Path(p) => (p.text(), None),
            Callee::Method(n) => (String::new(), Some(n.as_str())),
            Callee::Other => continue,
        };
        if !apis::slow_kdf(&path, method) {
            continue;
        }
        let what = method.map(|m| format!(".{m}(..)")).unwrap_or(path);
        let msg = format!(
            "`{what}` is slow by design (password hashing takes tens to hundreds of milliseconds) and runs on the worker thread"
        );
        out.emit(Draft::new(
            c.range.clone(),
            Severity::Info,
            msg,
            format!("run it in {}", offload(m.runtime)),
        ));
    }
}

/// A `loop`/`while` that polls a `try_*` method (`try_wait`, `try_recv`,
/// `try_lock`...) with nothing in between that waits (no sleep, yield or
/// park): it spins until the other side is ready.
fn try_poll_spin(m: &Model<'_>, l: &crate::analysis::model::LoopInfo) -> Option<String> {
    let extent = super::common::loop_extent(m, l)?;
    // A loop that can `break` (or a `while` whose condition is the `try_*`
    // call) drains what is ready and stops at the first "empty": no spin.
    let breaks = m.snippet.toks.iter().any(|t| {
        t.start as usize >= extent.start
            && (t.end as usize) <= extent.end
            && t.is_ident(m.text, "break")
    });
    if breaks {
        return None;
    }
    let inside = |c: &&crate::analysis::model::Call<'_>| {
        c.body == Some(l.body) && c.range.start >= extent.start && c.range.end <= extent.end
    };
    let mut polled = None;
    for c in m.calls.iter().filter(inside) {
        let name = match &c.callee {
            Callee::Method(n) => n.as_str(),
            Callee::Path(p) => p.last(),
            Callee::Other => continue,
        };
        if matches!(
            name,
            "sleep"
                | "yield_now"
                | "park"
                | "park_timeout"
                | "spin_loop"
                | "recv"
                | "wait"
                | "block_on"
                | "read"
                | "read_line"
                | "accept"
        ) {
            return None; // it waits (or blocks, which other rules report)
        }
        if matches!(
            name,
            "try_wait"
                | "try_recv"
                | "try_lock"
                | "try_read"
                | "try_write"
                | "try_acquire"
                | "try_send"
                | "try_next"
        ) && polled.is_none()
        {
            if c.range.start < l.range.end {
                return None; // `while let Ok(x) = rx.try_recv()`: a drain
            }
            polled = Some(name.to_string());
        }
    }
    polled
}

/// `for _ in A..B` / `A..=B` with both ends integer literals: the number of turns.
fn literal_turns(m: &Model<'_>, l: &crate::analysis::model::LoopInfo) -> Option<u128> {
    if l.kind != LoopKind::For {
        return None;
    }
    let header = m.text.get(l.range.clone())?;
    let range = header[header.find(" in ")? + 4..].trim();
    let (a, b) = range.split_once("..")?;
    let (b, inclusive) = match b.strip_prefix('=') {
        Some(b) => (b, 1),
        None => (b, 0),
    };
    let int = |x: &str| x.trim().replace('_', "").parse::<u128>().ok();
    Some((int(b)? + inclusive).saturating_sub(int(a)?))
}
