//! blocking-stdin: reading `std::io::stdin()` in async context.

use super::common::{Draft, where_};
use super::{RuleDoc, Sink};
use crate::analysis::model::{Callee, Model};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "blocking-stdin",
    severity: Severity::Warning,
    concept: "blocking",
    fix: true,
    title: "Reading `std::io::stdin()` in async code",
    what_it_does: "Finds `std::io::stdin()` in async context when the snippet reads from it (`read_line`, `lines`, `read_to_string`...).",
    why_bad: "Reading stdin blocks until the user types a line, possibly forever: the worker thread and its tasks stop meanwhile. Note that `tokio::io::stdin` is no miracle either: tokio reads stdin on a blocking thread, and runtime shutdown can hang until the user presses Enter; interactive input belongs on a dedicated thread that sends lines over a channel.",
    known_problems: "A bare `stdin()` with no `use` line is taken for std's when the reads are not awaited.",
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

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    // Blocking reads (not awaited) in async code: the snippet reads stdin synchronously.
    let sync_reads = m.calls.iter().any(|c| {
        c.ctx.is_asyncish()
            && !c.awaited()
            && matches!(&c.callee, Callee::Method(n) if READS.contains(&n.as_str()))
    });
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
        let msg = format!(
            "reading `std::io::stdin()` {} blocks the worker thread until the user types a line",
            where_(m, c)
        );
        let help = "use `tokio::io::stdin()` with `AsyncBufReadExt` (its shutdown can hang until Enter), or read stdin on a dedicated thread and send lines over a channel";
        out.emit(Draft::new(c.range.clone(), sev, msg, help).assume(assumption));
    }
}
