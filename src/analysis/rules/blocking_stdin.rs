//! blocking-stdin: reading `std::io::stdin()` in async context.

use super::common::{Draft, where_};
use super::fixkit;
use super::{RuleDoc, Sink};
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::model::{Call, Callee, LocalId, Model, Root};
use crate::analysis::types::Severity;

mod lines_loop;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "blocking-stdin",
    severity: Severity::Warning,
    concept: "blocking",
    fix: true,
    clippy_twins: &[],
    title: "Reading `std::io::stdin()` in async code",
    what_it_does: "Finds `std::io::stdin()` in async context when the snippet reads from it (`read_line`, `lines`, `read_to_string`...).",
    why_bad: "Reading stdin blocks until the user types a line, possibly forever: the worker thread and its tasks stop meanwhile. Note that `tokio::io::stdin` is no miracle either: tokio reads stdin on a blocking thread, and runtime shutdown can hang until the user presses Enter; interactive input belongs on a dedicated thread that sends lines over a channel.",
    known_problems: "A bare `stdin()` with no `use` line is taken for std's when the reads are not awaited. Fixes (may change behaviour: tokio reads stdin on a thread of its own that cannot be cancelled, so shutdown can wait for Enter): `stdin().read_line(&mut s)` (also through `.lock()`) becomes tokio's `read_line` through a one-byte `BufReader`, `read_to_string` / `read_to_end` become tokio's; a `for line in stdin().lock().lines() { .. }` loop (or over a `let input = stdin();` used by nothing else, whose `let` goes) becomes `while let Some(line) = lines.next_line().await.transpose() { .. }` over `BufReader::new(tokio::io::stdin())`, the body unchanged (it gets the same `io::Result<String>`); a `let input = stdin();` local used only by `input.read_line(&mut s)` calls (a read loop) becomes `let mut input = BufReader::new(tokio::io::stdin());`, kept across the reads, and each read `AsyncBufReadExt::read_line(&mut input, &mut s).await`. Other reads through a `stdin` local keep the help.",
    example: "#[tokio::main]\nasync fn main() {\n    let mut line = String::new();\n    std::io::stdin().read_line(&mut line).unwrap();\n    handle(line).await;\n}",
    use_instead: "use tokio::io::{AsyncBufReadExt, BufReader};\n\n#[tokio::main]\nasync fn main() {\n    // tokio reads stdin on a blocking thread: shutdown can wait for Enter.\n    let mut lines = BufReader::new(tokio::io::stdin()).lines();\n    if let Some(line) = lines.next_line().await.unwrap() {\n        handle(line).await;\n    }\n}",
};

const READS: &[&str] = &[
    "read_line",
    "lines",
    "read_to_string",
    "read_to_end",
    "read",
    "read_exact",
    "bytes",
    "split",
];

/// A read that does not await: `x.read_line(..)`, or the trait path form
/// `std::io::Read::read_to_string(&mut stdin().lock(), ..)`.
fn is_sync_read(c: &Call<'_>) -> bool {
    !c.awaited()
        && match &c.callee {
            Callee::Method(n) => READS.contains(&n.as_str()),
            Callee::Path(p) => {
                p.segs.len() >= 2
                    && READS.contains(&p.last())
                    && matches!(p.segs[p.segs.len() - 2].as_str(), "Read" | "BufRead")
            }
            Callee::Other => false,
        }
}

/// `let input = stdin();` (or `stdin().lock()`): the local holding the
/// handle, when this `stdin()` call is its initializer.
fn bound_local(m: &Model<'_>, c: &Call<'_>) -> Option<LocalId> {
    m.locals.iter().position(|l| {
        l.decl.start <= c.range.start
            && c.range.end <= l.decl.end
            && l.init.as_ref().is_some_and(
                |i| matches!(&i.root, Root::Call { path, .. } if path.last() == "stdin"),
            )
    })
}

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    // Blocking reads (not awaited) in async code: the snippet reads stdin synchronously.
    let sync_reads = m
        .calls
        .iter()
        .any(|c| c.ctx.is_asyncish() && is_sync_read(c));
    if !sync_reads {
        return;
    }
    for c in &m.calls {
        let Some(sev) = out.severity_in(c.ctx) else {
            continue;
        };
        let Callee::Path(p) = &c.callee else { continue };
        if p.last() != "stdin" || c.nargs() != 0 {
            continue;
        }
        let assumption = if p.starts_with("std::io") {
            None
        } else if p.unresolved()
            && (p.segs.len() == 1 || p.segs == ["io", "stdin"])
            && !m.names.mentions("tokio")
        {
            Some("assumed `stdin` is `std::io::stdin` (no `use` line imports it)".to_string())
        } else {
            continue;
        };
        let help = "use `tokio::io::stdin()` with `AsyncBufReadExt` (its shutdown can hang until Enter), or read stdin on a dedicated thread and send lines over a channel";
        // The handle kept in a local: the reads through it are what block,
        // so they are reported (where they are), not the `stdin()` call.
        if let Some(id) = bound_local(m, c) {
            let reads: Vec<&Call<'_>> = m
                .calls
                .iter()
                .filter(|r| {
                    matches!(&r.callee, Callee::Method(_))
                        && is_sync_read(r)
                        && r.receiver
                            .as_ref()
                            .is_some_and(|ch| matches!(ch.root, Root::Local(j) if j == id))
                })
                .collect();
            for r in &reads {
                let Some(sev) = out.severity_in(r.ctx) else {
                    continue;
                };
                let msg = format!(
                    "reading `std::io::stdin()` (through `{}`) {} blocks the worker thread until the user types a line",
                    m.locals[id].name,
                    where_(m, r)
                );
                out.emit(
                    Draft::new(r.range.clone(), sev, msg, help)
                        .assume(assumption.clone())
                        .with_fix(
                            lines_loop::fix_local(m, r, id)
                                .or_else(|| lines_loop::fix_read_lines(m, id)),
                        ),
                );
            }
            if !reads.is_empty() {
                continue;
            }
        }
        let msg = format!(
            "reading `std::io::stdin()` {} blocks the worker thread until the user types a line",
            where_(m, c)
        );
        out.emit(
            Draft::new(c.range.clone(), sev, msg, help)
                .assume(assumption)
                .with_fix(fix(m, c).or_else(|| lines_loop::fix_direct(m, c))),
        );
    }
}

/// `stdin().read_line(&mut s)` (also through `.lock()`) -> tokio's
/// `read_line` on `tokio::io::stdin()`, awaited; likewise `read_to_string`
/// and `read_to_end` (`AsyncReadExt`). Trait methods are called by their
/// full path, so no `use` line is needed. For `read_line` the `BufReader`
/// is one byte wide: it is dropped after the call, and a wider one would
/// drop the input it read past the line.
///
/// Reads through a `stdin` local, and `lines()` loops, are left to the help
/// (they need a reader kept across reads).
fn fix(m: &Model<'_>, c: &Call<'_>) -> Option<Fix> {
    if !fixkit::tokio_ok(m) {
        return None;
    }
    let chain = fixkit::chained_calls(m, c);
    let mut it = chain.iter();
    let mut read = *it.next()?;
    if read.method() == Some("lock") && read.nargs() == 0 {
        read = *it.next()?;
    }
    let (tr, reader) = match read.method()? {
        "read_line" => (
            "AsyncBufReadExt",
            "&mut tokio::io::BufReader::with_capacity(1, tokio::io::stdin())",
        ),
        "read_to_string" | "read_to_end" => ("AsyncReadExt", "&mut tokio::io::stdin()"),
        _ => return None,
    };
    let method = read.method()?;
    if read.nargs() != 1 || !fixkit::can_await_at(m, read) {
        return None;
    }
    // Nothing but `?` between the calls (no `?` on `stdin()` itself).
    if m.text.get(c.range.clone())?.contains('?') {
        return None;
    }
    let open = fixkit::open_paren(m, read)?;
    let args = m.text.get(open + 1..read.range.end.checked_sub(1)?)?.trim();
    if args.is_empty() {
        return None;
    }
    let replacement = format!("tokio::io::{tr}::{method}({reader}, {args}).await");
    Some(fixkit::fix(
        FixSafety::MaybeIncorrect,
        format!(
            "read stdin with `tokio::io::stdin()` and `{tr}::{method}(..).await`: the worker thread is free while it waits. Caveat (tokio's documentation): tokio reads stdin with a blocking read on another thread that cannot be cancelled, so runtime shutdown can hang until the user presses Enter; interactive input belongs on a dedicated thread that reads lines and sends them over a channel{}",
            if method == "read_line" {
                ". The line is read through a one-byte `BufReader`, so no input past it is lost (slow for large piped input)"
            } else {
                ""
            }
        ),
        vec![fixkit::edit(c.range.start..read.range.end, replacement)],
    ))
}
