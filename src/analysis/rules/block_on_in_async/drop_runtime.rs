//! The fix for a runtime created in async code only to block on:
//! `let rt = Runtime::new().unwrap(); .. rt.block_on(f) ..` loses the `let`
//! and every `rt.block_on(f)` becomes `f.await`;
//! `Runtime::new().unwrap().block_on(f)` becomes `f.await`.

use super::super::fixkit;
use super::super::rewrite;
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::model::{Call, Model, Root};

/// `.unwrap()` / `.expect(..)` (and `?`) right after the creating call:
/// the last of them, or the creating call itself.
fn created_end<'c, 'a>(chain: &[&'c Call<'a>], c: &'c Call<'a>) -> (&'c Call<'a>, usize) {
    let mut last = c;
    let mut n = 0;
    for o in chain {
        if matches!(o.method(), Some("unwrap" | "expect")) {
            last = o;
            n += 1;
        } else {
            break;
        }
    }
    (last, n)
}

/// The fix for the finding on the runtime's creation `c` (`Runtime::new()`
/// or a `Builder::..().build()`), when all the runtime does is `block_on`.
pub(super) fn fix(m: &Model<'_>, c: &Call<'_>) -> Option<Fix> {
    let chain = fixkit::chained_calls(m, c);
    let (last, n) = created_end(&chain, c);
    // `Runtime::new().unwrap().block_on(f)`: the same edit as the fix of the
    // `block_on` finding (identical edits apply once).
    if let Some(b) = chain.get(n)
        && b.method() == Some("block_on")
    {
        return super::fix(m, b);
    }
    if chain.len() > n {
        return None; // the runtime is used some other way
    }
    // `let rt = <creation>;` as a statement of its own.
    let blocks = fixkit::blocks(m);
    let (block, i) = fixkit::stmt_around(blocks, &c.range)?;
    let stmt = &block.stmts[i];
    if !stmt.is_let || stmt.binds.len() != 1 {
        return None;
    }
    let name = &stmt.binds[0];
    let decl = fixkit::simple_let(m, stmt.range.start, name)?;
    if decl.init_start != c.range.start {
        return None;
    }
    // Only `?`s may follow the creation up to the `;`.
    let tail = rewrite::token_text(m, &(last.range.end..stmt.range.end));
    if tail.trim_start_matches('?') != ";" {
        return None;
    }
    let id = m.locals.iter().position(|l| {
        l.name == *name && stmt.range.start <= l.decl.start && l.decl.end <= stmt.range.end
    })?;
    let scope = stmt.range.end..block.range.end;
    let mut edits = vec![rewrite::delete_stmt(m.text, &stmt.range)];
    for u in rewrite::uses_until_rebound(m, name, &scope) {
        // Every use is `rt.block_on(f)` where `.await` can be written.
        let b = m.calls.iter().find(|b| {
            b.range.start == u.start
                && b.method() == Some("block_on")
                && b.receiver.as_ref().is_some_and(|r| {
                    matches!(r.root, Root::Local(j) if j == id) && r.links.is_empty()
                })
        })?;
        let f = super::fix(m, b)?;
        edits.extend(f.edits);
    }
    Some(fixkit::fix(
        FixSafety::MaybeIncorrect,
        format!(
            "remove the runtime `{name}` created here and `.await` what it blocked on (`{name}.block_on(f)` becomes `f.await`): the futures run on the runtime already driving this task, and nothing is left to panic when it is dropped. May change behaviour: the removed runtime's settings (worker threads, enabled drivers) no longer apply, and async code driven by an executor other than tokio loses the runtime its tokio futures need"
        ),
        edits,
    ))
}
