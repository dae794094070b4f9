//! pin-new-not-unpin: `Pin::new(&mut fut)` / `&mut fut` on a `!Unpin` future.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::{FutureKind, Model, PinHow};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "pin-new-not-unpin",
    severity: Severity::Error,
    concept: "pin-unpin",
    fix: true,
    title: "`Pin::new` or `&mut` on a future that is not `Unpin`",
    what_it_does: "Finds `Pin::new(&mut x)`, `(&mut x).await` and `&mut x` as a `tokio::select!` branch, where `x` is an `async` block, the future of an `async fn`, or a timer (`sleep(..)`) that was never pinned (`pin!`, `tokio::pin!`, `Box::pin`).",
    why_bad: "`Pin::new` and polling through `&mut` need `Unpin`, and async blocks, async fn futures and tokio's `Sleep` are not: error[E0277] \"`{async block}` cannot be unpinned\" (or \"`PhantomPinned` cannot be unpinned\" for `Sleep`), with a note suggesting `pin!`.",
    known_problems: "Only futures whose creation is visible in the snippet are checked; a `JoinHandle`, `oneshot::Receiver` or `Pin<Box<..>>` is `Unpin` and fine.",
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
        out.emit(Draft::new(p.range.clone(), Severity::Error, msg, help));
    }
}
