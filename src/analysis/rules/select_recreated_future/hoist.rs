//! The fix of select-recreated-future: the timer is created once, before
//! the loop, and the branch polls it in place.
//!
//! - `interval(d).tick()` -> `let mut interval = interval(d);` before the
//!   loop, branch `interval.tick()`.
//! - `sleep(d)` / `sleep_until(t)` -> `let timer = sleep(d); tokio::pin!(timer);`
//!   before the loop, branch `&mut timer`. A branch after which the loop
//!   goes on resets the timer when it fires (a completed `Sleep` stays
//!   ready: without the reset the branch would fire on every iteration).
//!
//! Only when the timer's arguments use nothing bound inside the loop, and
//! the loop is a statement of its own. `timeout(d, fut)` is not hoisted:
//! the future it wraps is usually built from the loop's state.

use super::super::fixkit;
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::lexer::{Tok, TokKind};
use crate::analysis::model::{Branch, Model, Select};
use std::ops::Range;

/// The innermost loop around the select: (where a statement can be
/// inserted before it, the loop's extent).
fn enclosing_loop(m: &Model<'_>, s: &Select<'_>) -> Option<(usize, Range<usize>)> {
    let mut best: Option<(usize, Range<usize>)> = None;
    for l in &m.loops {
        if l.range.start >= s.range.start {
            continue;
        }
        let Some(extent) = super::super::common::loop_extent(m, l) else {
            continue;
        };
        if extent.end < s.range.end {
            continue;
        }
        if best.as_ref().is_none_or(|(_, e)| extent.start > e.start) {
            best = Some((l.range.start, extent));
        }
    }
    let (start, extent) = best?;
    // A labelled loop: insert before the label. Anything else before the
    // loop on its line (`let x = loop {`): the loop is not a statement.
    let line = fixkit::line_start(m.text, start);
    let before = m.text[line..start].trim();
    let stmt_start = if before.is_empty() {
        start
    } else if before.starts_with('\'') && before.ends_with(':') && !before.contains(' ') {
        line + (m.text[line..].len() - m.text[line..].trim_start().len())
    } else {
        return None;
    };
    Some((stmt_start, extent))
}

/// Do the tokens of `r` use a variable bound inside `extent` (the loop)?
/// A variable is a lowercase identifier that is not a path segment, a
/// method or a field; it must be a local declared before the loop.
fn uses_loop_locals(m: &Model<'_>, r: &Range<usize>, loop_start: usize) -> bool {
    let toks: Vec<&Tok> = m
        .snippet
        .toks
        .iter()
        .filter(|t| t.start as usize >= r.start && t.end as usize <= r.end)
        .collect();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokKind::Ident {
            continue;
        }
        let name = t.text(m.text);
        if !name.starts_with(|c: char| c.is_lowercase() || c == '_') {
            continue;
        }
        let prev = i.checked_sub(1).map(|j| toks[j]);
        let next = toks.get(i + 1);
        let segment_or_member = prev.is_some_and(|p| p.is_punct(b'.') || p.is_punct(b':'))
            || next.is_some_and(|n| n.is_punct(b':') || n.kind == TokKind::Open(b'('));
        if segment_or_member || matches!(name, "self" | "true" | "false") {
            continue;
        }
        let before_loop = m
            .locals
            .iter()
            .any(|l| l.name == name && l.decl.end <= loop_start);
        if !before_loop {
            return true;
        }
    }
    false
}

/// The handler expression after the branch's `=>`.
fn handler(m: &Model<'_>, b: &Branch<'_>) -> Option<(Range<usize>, bool)> {
    let toks = &m.snippet.toks;
    let delims = crate::analysis::lexer::match_delims(toks);
    let mut i = toks
        .iter()
        .position(|t| t.start as usize >= b.fut_range.end)?;
    // `=>`
    while i + 1 < toks.len() && !(toks[i].is_punct(b'=') && toks[i + 1].is_punct(b'>')) {
        if matches!(toks[i].kind, TokKind::Open(_)) {
            i = delims[i];
            if i == usize::MAX {
                return None;
            }
        }
        i += 1;
    }
    let start = i + 2;
    let first = toks.get(start)?;
    if first.kind == TokKind::Open(b'{') && delims[start] != usize::MAX {
        let close = &toks[delims[start]];
        // A block followed by `.` or `?` is the start of a longer expression.
        let after = toks.get(delims[start] + 1);
        if !after.is_some_and(|t| t.is_punct(b'.') || t.is_punct(b'?')) {
            return Some((first.start as usize..close.end as usize, true));
        }
    }
    let mut j = start;
    let mut end = first.end as usize;
    while let Some(t) = toks.get(j) {
        match t.kind {
            TokKind::Punct(b',') | TokKind::Close(_) => break,
            TokKind::Open(_) => {
                let k = delims[j];
                if k == usize::MAX {
                    return None;
                }
                end = toks[k].end as usize;
                j = k + 1;
                continue;
            }
            _ => end = t.end as usize,
        }
        j += 1;
    }
    Some((first.start as usize..end, false))
}

/// `interval(d).tick()` in a loop's select.
pub(super) fn interval(m: &Model<'_>, s: &Select<'_>, b: &Branch<'_>) -> Option<Fix> {
    let fut = m.text.get(b.fut_range.clone())?;
    let ctor = fut.trim_end().strip_suffix(".tick()")?.trim_end();
    let (stmt_start, extent) = enclosing_loop(m, s)?;
    if uses_loop_locals(m, &b.fut_range, extent.start) {
        return None;
    }
    let name = fixkit::fresh_name(m, "ticker");
    let line = format!("let mut {name} = {ctor};");
    Some(fixkit::fix(
        FixSafety::MaybeIncorrect,
        format!(
            "create the interval once before the loop and select on `{name}.tick()`: it now ticks once per period (its first tick still completes at once)"
        ),
        vec![
            fixkit::insert_stmt_before(m.text, stmt_start, &line),
            fixkit::edit(b.fut_range.clone(), format!("{name}.tick()")),
        ],
    ))
}

/// `sleep(d)` / `sleep_until(t)` in a loop's select.
pub(super) fn timer(m: &Model<'_>, s: &Select<'_>, b: &Branch<'_>, what: &str) -> Option<Fix> {
    let call = match crate::analysis::model::syntax::strip(b.fut?) {
        syn::Expr::Call(c) if c.args.len() == 1 => c,
        _ => return None,
    };
    let deadline_of = match what {
        "sleep" => |arg: &str| format!("tokio::time::Instant::now() + {arg}"),
        "sleep_until" => |arg: &str| arg.to_string(),
        _ => return None,
    };
    let fut = m.text.get(b.fut_range.clone())?;
    let arg_text = {
        let open = fut.find('(')?;
        let close = fut.rfind(')')?;
        fut.get(open + 1..close)?.trim()
    };
    if arg_text.is_empty() || call.args.len() != 1 {
        return None;
    }
    let (stmt_start, extent) = enclosing_loop(m, s)?;
    if uses_loop_locals(m, &b.fut_range, extent.start) {
        return None;
    }
    let name = fixkit::fresh_name(m, "timer");
    let indent = if fixkit::starts_line(m.text, stmt_start) {
        format!("\n{}", fixkit::indent_of(m.text, stmt_start))
    } else {
        " ".to_string()
    };
    let lines = format!("let {name} = {fut};{indent}tokio::pin!({name});");
    let mut edits = vec![
        fixkit::insert_stmt_before(m.text, stmt_start, &lines),
        fixkit::edit(b.fut_range.clone(), format!("&mut {name}")),
    ];
    let description = if b.continues {
        // Re-arm the timer when it fires, or it stays ready and wins every turn.
        let (h, is_block) = handler(m, b)?;
        let reset = format!("{name}.as_mut().reset({});", deadline_of(arg_text));
        if is_block {
            edits.push(fixkit::insert(h.start + 1, format!(" {reset}")));
        } else {
            edits.push(fixkit::insert(h.start, format!("{{ {reset} ")));
            edits.push(fixkit::insert(h.end, " }"));
        }
        format!(
            "create the timer once before the loop, pin it, select on `&mut {name}` and reset it when it fires: it now fires on schedule even while other branches keep winning (behaviour changes: it no longer waits for a quiet period)"
        )
    } else {
        format!(
            "create the timer once before the loop, pin it, and select on `&mut {name}`: it becomes an overall deadline instead of an idle timeout (behaviour changes: it fires even while other branches keep winning)"
        )
    };
    Some(fixkit::fix(FixSafety::MaybeIncorrect, description, edits))
}
