//! The fix for a `for` loop over the lines of std's stdin in async code:
//!
//! ```text
//! for line in stdin().lock().lines() {      let mut stdin_lines = tokio::io::AsyncBufReadExt::lines(
//!     let line = line?;               ->        tokio::io::BufReader::new(tokio::io::stdin()));
//!     ..                                    while let Some(line) = stdin_lines.next_line().await.transpose() {
//! }                                             let line = line?;
//! ```
//!
//! `next_line().await.transpose()` yields `Some(io::Result<String>)` per
//! line and `None` at the end, like std's `Lines` iterator, so the body is
//! kept as written. Also for `stdin().lines()` and for a `let input =
//! stdin();` local used by nothing but the loop (the `let` goes).

use super::super::fixkit;
use super::super::rewrite;
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::model::{Call, LocalId, Model, Root};
use std::ops::Range;
use syn::spanned::Spanned;
use syn::visit::Visit;

/// The `for` loop whose iterator expression is exactly `r`: the range of
/// its header (`for pat in expr`, without the label) and of its pattern.
fn for_loop_over(m: &Model<'_>, r: &Range<usize>) -> Option<(Range<usize>, Range<usize>)> {
    struct V<'u, 'r> {
        unit: &'u crate::analysis::parse::Unit,
        want: &'r Range<usize>,
        found: Option<(Range<usize>, Range<usize>)>,
    }
    impl<'ast> Visit<'ast> for V<'_, '_> {
        fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
            let e = self.unit.span_range(f.expr.span());
            if e == *self.want {
                let start = self.unit.span_range(f.for_token.span).start;
                self.found = Some((start..e.end, self.unit.span_range(f.pat.span())));
            }
            syn::visit::visit_expr_for_loop(self, f);
        }
    }
    m.snippet.units.iter().find_map(|unit| {
        let mut v = V {
            unit,
            want: r,
            found: None,
        };
        v.visit_file(&unit.file);
        v.found
    })
}

/// The edits turning the loop over `lines` (a `.lines()` call) into a loop
/// over tokio's lines of stdin.
fn loop_edits(m: &Model<'_>, lines: &Call<'_>) -> Option<Vec<crate::analysis::fix::Edit>> {
    if !fixkit::tokio_ok(m)
        || lines.method() != Some("lines")
        || lines.nargs() != 0
        || !fixkit::can_await_at(m, lines)
    {
        return None;
    }
    let (header, pat) = for_loop_over(m, &lines.range)?;
    let blocks = fixkit::blocks(m);
    let (block, i) = fixkit::stmt_around(blocks, &header)?;
    let stmt = &block.stmts[i];
    // The loop is a statement of its own (maybe labelled): the reader is
    // bound on the line before it.
    let label_ok = stmt.range.start == header.start
        || rewrite::token_text(m, &(stmt.range.start..header.start)).ends_with(':');
    if !label_ok || stmt.is_let {
        return None;
    }
    let reader = fixkit::fresh_name(m, "stdin_lines");
    let pat_text = m.text.get(pat)?;
    Some(vec![
        fixkit::insert_stmt_before(
            m.text,
            stmt.range.start,
            &format!(
                "let mut {reader} = tokio::io::AsyncBufReadExt::lines(tokio::io::BufReader::new(tokio::io::stdin()));"
            ),
        ),
        fixkit::edit(
            header,
            format!("while let Some({pat_text}) = {reader}.next_line().await.transpose()"),
        ),
    ])
}

fn finish(edits: Vec<crate::analysis::fix::Edit>) -> Fix {
    fixkit::fix(
        FixSafety::MaybeIncorrect,
        "read the lines with tokio (`BufReader::new(tokio::io::stdin())` and `next_line().await`): the loop gets the same `io::Result<String>` per line and the worker thread is free while it waits. May change behaviour: tokio reads stdin with a blocking read on another thread that cannot be cancelled, so runtime shutdown can hang until the user presses Enter; and input the reader buffered past the last line read is not seen by later reads of std's stdin",
        edits,
    )
}

/// The blocking-stdin finding on `stdin()` in `for line in
/// stdin()[.lock()].lines() { .. }`.
pub(super) fn fix_direct(m: &Model<'_>, stdin: &Call<'_>) -> Option<Fix> {
    let chain = fixkit::chained_calls(m, stdin);
    let lines = match chain.as_slice() {
        [l, ..] if l.method() == Some("lines") => *l,
        [k, l, ..] if k.method() == Some("lock") && k.nargs() == 0 => *l,
        _ => return None,
    };
    if m.text
        .get(stdin.range.start..lines.range.end)?
        .contains('?')
    {
        return None;
    }
    loop_edits(m, lines).map(finish)
}

/// The finding on `input.lines()` / `input.lock().lines()` where `let
/// input = stdin();` (or `stdin().lock()`) is used by nothing else: that
/// `let` goes too.
pub(super) fn fix_local(m: &Model<'_>, lines: &Call<'_>, id: LocalId) -> Option<Fix> {
    let r = lines.receiver.as_ref()?;
    let plain = matches!(r.root, Root::Local(j) if j == id)
        && (r.links.is_empty() || r.methods().eq(["lock"]) && r.links.len() == 1);
    if !plain {
        return None;
    }
    let (stmt, uses) = stdin_let(m, id)?;
    // Every later use of the local is the loop's receiver.
    if uses.len() != 1 || uses[0].start != lines.range.start {
        return None;
    }
    let mut edits = loop_edits(m, lines)?;
    edits.push(rewrite::delete_stmt(m.text, &stmt));
    Some(finish(edits))
}

/// `let [mut] input = [std::][io::]stdin()[.lock()];`: the statement's
/// range and the later uses of the local in its block.
fn stdin_let(m: &Model<'_>, id: LocalId) -> Option<(Range<usize>, Vec<Range<usize>>)> {
    let name = &m.locals.get(id)?.name;
    let blocks = fixkit::blocks(m);
    let decl = &m.locals[id].decl;
    let (block, i) = fixkit::stmt_around(blocks, decl)?;
    let stmt = &block.stmts[i];
    let t = rewrite::token_text(m, &stmt.range);
    let init = t
        .strip_prefix(&format!("let{name}="))
        .or_else(|| t.strip_prefix(&format!("letmut{name}=")))?;
    let init = init.strip_suffix(';')?;
    let init = init.strip_suffix(".lock()").unwrap_or(init);
    if !matches!(init, "stdin()" | "io::stdin()" | "std::io::stdin()") {
        return None;
    }
    let scope = stmt.range.end..block.range.end;
    Some((
        stmt.range.clone(),
        rewrite::uses_until_rebound(m, name, &scope),
    ))
}

/// The findings on `input.read_line(&mut s)` (or `input.lock().read_line(..)`)
/// where every use of the `let input = stdin();` local is such a read: the
/// local becomes one tokio `BufReader` over stdin kept across the reads
/// (as std's stdin buffer is), and each read its `read_line(..).await`.
pub(super) fn fix_read_lines(m: &Model<'_>, id: LocalId) -> Option<Fix> {
    if !fixkit::tokio_ok(m) {
        return None;
    }
    let (stmt, uses) = stdin_let(m, id)?;
    let name = &m.locals[id].name;
    let mut edits = vec![fixkit::edit(
        stmt,
        format!("let mut {name} = tokio::io::BufReader::new(tokio::io::stdin());"),
    )];
    for u in uses {
        let read = m.calls.iter().find(|c| {
            c.range.start == u.start
                && c.method() == Some("read_line")
                && c.nargs() == 1
                && c.receiver.as_ref().is_some_and(|r| {
                    matches!(r.root, Root::Local(j) if j == id)
                        && (r.links.is_empty() || r.methods().eq(["lock"]) && r.links.len() == 1)
                })
        })?;
        if !fixkit::can_await_at(m, read) {
            return None;
        }
        let open = fixkit::open_paren(m, read)?;
        let arg = m.text.get(open + 1..read.range.end.checked_sub(1)?)?.trim();
        edits.push(fixkit::edit(
            read.range.clone(),
            format!("tokio::io::AsyncBufReadExt::read_line(&mut {name}, {arg}).await"),
        ));
    }
    Some(fixkit::fix(
        FixSafety::MaybeIncorrect,
        format!(
            "read the lines with tokio: `{name}` becomes `BufReader::new(tokio::io::stdin())`, kept across the reads, and each `read_line` is awaited (the same `io::Result<usize>`, the same text appended); the worker thread is free while it waits. May change behaviour: tokio reads stdin with a blocking read on another thread that cannot be cancelled, so runtime shutdown can hang until the user presses Enter"
        ),
        edits,
    ))
}
