//! pin-new-not-unpin: `Pin::new(&mut fut)` / `&mut fut` on a `!Unpin` future.

use super::common::Draft;
use super::fixkit;
use super::{RuleDoc, Sink};
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::lexer::TokKind;
use crate::analysis::model::{FutureKind, Model, MutRefPoll, PinHow};
use crate::analysis::types::Severity;
use syn::spanned::Spanned;

mod fields;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "pin-new-not-unpin",
    severity: Severity::Error,
    concept: "pin-unpin",
    fix: true,
    clippy_twins: &[],
    title: "`Pin::new` or `&mut` on a future that is not `Unpin`",
    what_it_does: "Finds `Pin::new(&mut x)`, `(&mut x).await` and `&mut x` as a `tokio::select!` branch, where `x` is an `async` block, the future of an `async fn`, or a timer (`sleep(..)`) that was never pinned (`pin!`, `tokio::pin!`, `Box::pin`); and `Pin::new(&mut self.field)` (or `&mut self.field` in `select!` or awaited) where the snippet's struct declares the field with a type known not to be `Unpin`: `tokio::time::Sleep`, `tokio::time::Timeout`, `tokio::sync::futures::Notified` / `OwnedNotified`, tokio's `TaskLocalFuture`, tokio-util's `WaitForCancellationFuture`, `PhantomPinned`.",
    why_bad: "`Pin::new` and polling through `&mut` need `Unpin`, and async blocks, async fn futures and tokio's `Sleep` are not: error[E0277] \"`{async block}` cannot be unpinned\" (or \"`PhantomPinned` cannot be unpinned\" for `Sleep`), with a note suggesting `pin!`.",
    known_problems: "Only futures whose creation is visible in the snippet are checked; a `JoinHandle`, `oneshot::Receiver` or `Pin<Box<..>>` is `Unpin` and fine. A field is checked only when its struct is in the snippet and its type is written as one of the known types: a generic `F: Future`, an `impl Future` or a type the snippet does not show may or may not be `Unpin` and is not reported. Fix: a local future is pinned in place with `std::pin::pin!` (safe: the same future, polled in place); a field gets no automatic fix (its type and every constructor would change): the help says how to store it pinned.",
    example: "let sleep = tokio::time::sleep(Duration::from_secs(1));\nloop {\n    tokio::select! {\n        _ = &mut sleep => break,\n        Some(v) = rx.recv() => println!(\"{v}\"),\n    }\n}",
    use_instead: "let sleep = tokio::time::sleep(Duration::from_secs(1));\ntokio::pin!(sleep);\nloop {\n    tokio::select! {\n        _ = &mut sleep => break,\n        Some(v) = rx.recv() => println!(\"{v}\"),\n    }\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for p in &m.mut_ref_polls {
        if let FutureKind::Api(a) = &p.future
            && crate::analysis::model::apis::unpin_future(a)
        {
            continue;
        }
        let what = match &p.future {
            FutureKind::AsyncBlock => "an `async` block".to_string(),
            FutureKind::SnippetAsyncFn(f) => format!("the future of `async fn {f}`"),
            FutureKind::Api(a) => format!("the future of `{a}`"),
        };
        let subject = match &p.name {
            Some(n) => format!("`{n}` ({what})"),
            None => what,
        };
        let how = match p.how {
            PinHow::PinNew => "`Pin::new` needs",
            PinHow::SelectRef => "polling it as `&mut` in `select!` needs",
            PinHow::AwaitRef => "awaiting it through `&mut` needs",
        };
        let msg = format!(
            "{subject} is not `Unpin`, and {how} `Unpin`: error[E0277] \"cannot be unpinned\""
        );
        let help = match &p.name {
            Some(n) => format!(
                "pin it first: `tokio::pin!({n});` (or `let mut {n} = std::pin::pin!({n});`, or `Box::pin`)"
            ),
            None => "use `std::pin::pin!(..)` or `Box::pin(..)` instead of `Pin::new(&mut ..)`"
                .to_string(),
        };
        let fix = match &p.name {
            Some(n) => fix_named(m, p, n),
            None => fix_inline(m, p),
        };
        out.emit(Draft::new(p.range.clone(), Severity::Error, msg, help).with_fix(fix));
    }
    fields::check(m, out);
}

/// A named future: `let mut x = std::pin::pin!(x);` right after its `let`
/// (the first binding loses its now useless `mut`), and every
/// `Pin::new(&mut x)` becomes `x.as_mut()`. `&mut x` in `select!` and
/// `(&mut x).await` then work as written (`Pin<&mut F>` is `Unpin`).
///
/// Only when the `let` binds just `x`, in a block around the use, and every
/// later use of `x` (up to a new `let` of the name) is `&mut x` or `x.await`:
/// anything that needs the future by value (spawning it, returning it)
/// cannot take a pinned reference.
fn fix_named(m: &Model<'_>, p: &MutRefPoll, name: &str) -> Option<Fix> {
    let text = m.text;
    let blocks = fixkit::blocks(m);
    // The latest `let x` before the use, in a block around it.
    let (block, stmt) = blocks
        .iter()
        .filter(|b| b.range.start <= p.range.start && p.range.end <= b.range.end)
        .flat_map(|b| b.stmts.iter().map(move |s| (b, s)))
        .filter(|(_, s)| {
            s.is_let && s.range.end <= p.range.start && s.binds.iter().any(|n| n == name)
        })
        .max_by_key(|(_, s)| s.range.start)?;
    if stmt.binds.len() != 1 {
        return None;
    }
    // `let x = ..;` or `let mut x = ..;` (no type, so `x`'s type is the future's).
    let decl = fixkit::simple_let(m, stmt.range.start, name)?;
    // Later uses, up to a new binding of the name.
    let toks = &m.snippet.toks;
    let scope = stmt.range.end..block.range.end;
    let mut end = scope.end;
    for u in fixkit::ident_uses(m, name, &scope) {
        let k = fixkit::tok_at(m, u.start)?;
        let before = |d: usize| k.checked_sub(d).and_then(|x| toks.get(x));
        let after = |d: usize| toks.get(k + d);
        if before(1).is_some_and(|t| t.is_ident(text, "let"))
            || (before(1).is_some_and(|t| t.is_ident(text, "mut"))
                && before(2).is_some_and(|t| t.is_ident(text, "let")))
        {
            end = u.start;
            break;
        }
        let by_mut_ref = before(1).is_some_and(|t| t.is_ident(text, "mut"))
            && before(2).is_some_and(|t| t.is_punct(b'&'));
        let awaited = after(1).is_some_and(|t| t.is_punct(b'.'))
            && after(2).is_some_and(|t| t.is_ident(text, "await"));
        if !(by_mut_ref || awaited) {
            return None;
        }
        if by_mut_ref && before(3).is_some_and(|t| t.kind == TokKind::Punct(b'&')) {
            return None; // `&&mut x`
        }
    }
    let mut edits = vec![fixkit::insert_stmt_after(
        text,
        stmt.range.start,
        stmt.range.end,
        &format!("let mut {name} = std::pin::pin!({name});"),
    )];
    if let Some(r) = decl.mut_range {
        edits.push(fixkit::edit(r, ""));
    }
    let mut pin_news: Vec<_> = m
        .mut_ref_polls
        .iter()
        .filter(|q| {
            q.how == PinHow::PinNew
                && q.name.as_deref() == Some(name)
                && scope.start <= q.range.start
                && q.range.end <= end
        })
        .map(|q| q.range.clone())
        .collect();
    pin_news.sort_by_key(|r| r.start);
    pin_news.dedup();
    for r in pin_news {
        edits.push(fixkit::edit(r, format!("{name}.as_mut()")));
    }
    Some(fixkit::fix(
        FixSafety::Safe,
        format!(
            "pin `{name}` on the stack after its `let` (`let mut {name} = std::pin::pin!({name});`) and poll it through the pin{}: the same future, polled in place",
            if p.how == PinHow::PinNew {
                " (`Pin::new(&mut ..)` becomes `.as_mut()`)"
            } else {
                ""
            }
        ),
        edits,
    ))
}

/// `Pin::new(&mut make_future())` -> `std::pin::pin!(make_future())`: the
/// same `Pin<&mut F>`, for a future that is not `Unpin`.
fn fix_inline(m: &Model<'_>, p: &MutRefPoll) -> Option<Fix> {
    if p.how != PinHow::PinNew {
        return None;
    }
    let call = m.calls.iter().find(|c| c.range == p.range)?;
    let syn::Expr::Call(x) = crate::analysis::model::syntax::strip(call.expr?) else {
        return None;
    };
    let syn::Expr::Reference(r) = crate::analysis::model::syntax::strip(x.args.first()?) else {
        return None;
    };
    r.mutability?;
    let unit = m.snippet.units.get(call.unit?)?;
    let inner = unit.span_range(r.expr.span());
    let inner_text = m.text.get(inner)?;
    Some(fixkit::fix(
        FixSafety::Safe,
        "pin the future with `std::pin::pin!(..)` instead of `Pin::new(&mut ..)`: the same `Pin<&mut F>`, without needing `Unpin`",
        vec![fixkit::edit(
            p.range.clone(),
            format!("std::pin::pin!({inner_text})"),
        )],
    ))
}
