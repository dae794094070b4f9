//! await-outside-async: `.await` in a sync fn or closure (E0728).

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::{BodyKind, Model};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "await-outside-async",
    severity: Severity::Error,
    concept: "async-desugaring",
    fix: false,
    clippy_twins: &[],
    title: "`.await` outside an async fn or block",
    what_it_does: "Finds `.await` (and `select!`/`join!`, which expand to it) in a fn that is not `async`, in a closure that is not `async` (also one passed to `map` inside an async fn), or in a `poll` body.",
    why_bad: "`.await` only exists inside async code, where the compiler can turn the function into a state machine that suspends there: error[E0728] \"`await` is only allowed inside `async` functions and blocks\". Inside a non-async closure of an async fn the closure is its own (sync) function.",
    known_problems: "Code in unknown macros is not reported.",
    example: "fn load() -> String {\n    tokio::fs::read_to_string(\"a.txt\").await.unwrap()\n}\n\nasync fn sizes(paths: Vec<String>) -> Vec<usize> {\n    paths.iter().map(|p| tokio::fs::read(p).await.unwrap().len()).collect()\n}",
    use_instead: "async fn load() -> String {\n    tokio::fs::read_to_string(\"a.txt\").await.unwrap()\n}\n\nasync fn sizes(paths: Vec<String>) -> Vec<usize> {\n    let mut out = Vec::new();\n    for p in &paths {\n        out.push(tokio::fs::read(p).await.unwrap().len());\n    }\n    out\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for b in &m.bad_awaits {
        let (msg, help) = match (&b.kind, &b.fn_name) {
            (BodyKind::Closure(_), _) => (
                "`.await` inside a closure that is not `async`: error[E0728] \"`await` is only allowed inside `async` functions and blocks\"".to_string(),
                "use a `for` loop instead of the closure, or make it `async` and await the futures it returns (`join_all`, `FuturesUnordered`)",
            ),
            (BodyKind::PollFn, _) => (
                "`.await` inside a `poll` fn: error[E0728]; poll inner futures with `.poll(cx)` instead".to_string(),
                "call `Pin::new(&mut inner).poll(cx)` (or `ready!`) instead of awaiting",
            ),
            (_, Some(n)) => (
                format!("`.await` inside `fn {n}`, which is not `async`: error[E0728] \"`await` is only allowed inside `async` functions and blocks\""),
                "make the fn `async` (and await it where it is called), or run the future with a runtime's `block_on` from sync code",
            ),
            (_, None) => (
                "`.await` outside async code: error[E0728] \"`await` is only allowed inside `async` functions and blocks\"".to_string(),
                "move this code into an `async fn` or `async` block",
            ),
        };
        out.emit(Draft::new(b.range.clone(), Severity::Error, msg, help));
    }
}
