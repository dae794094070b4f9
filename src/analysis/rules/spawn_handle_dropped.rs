//! spawn-handle-dropped: `tokio::spawn(..);` with its `JoinHandle` discarded.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::{Callee, Model, Root, Use};
use crate::analysis::options::Runtime;
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "spawn-handle-dropped",
    severity: Severity::Info,
    concept: "task-spawning",
    fix: false,
    clippy_twins: &[],
    title: "Spawned task's `JoinHandle` discarded",
    what_it_does: "Finds `tokio::spawn(..);` (and `task::spawn_local`, `Handle::spawn`) used as a statement, so the `JoinHandle` is dropped at once.",
    why_bad: "Dropping the handle detaches the task: if it panics, the panic is swallowed and nobody learns the work failed; when `main` returns, the runtime drops it mid-work. Fire-and-forget is sometimes meant, but it should be a decision.",
    known_problems: "`let _ = tokio::spawn(..)` is taken as an explicit decision and not reported. Handles kept in a `JoinSet` or `TaskTracker` are fine.",
    example: "async fn on_upload(file: Upload) {\n    tokio::spawn(async move { index(file).await });\n}",
    use_instead: "async fn on_upload(file: Upload, tasks: &mut tokio::task::JoinSet<()>) {\n    tasks.spawn(async move { index(file).await });\n    // later: while let Some(res) = tasks.join_next().await { res.unwrap(); }\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        if c.parent != Use::Discard {
            continue;
        }
        let what = match &c.callee {
            Callee::Path(p) => {
                let last = p.last();
                if last != "spawn" && last != "spawn_local" {
                    continue;
                }
                let tokio = p.starts_with("tokio");
                let bare = p.unresolved()
                    && (p.segs.len() == 1 || p.segs.len() == 2 && p.segs[0] == "task")
                    && m.runtime == Runtime::Tokio;
                if !(tokio || bare) {
                    continue;
                }
                if c.args.first().is_some_and(|a| {
                    matches!(
                        a.chain.root,
                        Root::Closure {
                            is_async: false,
                            returns_async: false
                        }
                    )
                }) {
                    continue; // a thread spawn
                }
                p.text()
            }
            Callee::Method(n) if n == "spawn" => {
                let Some(r) = &c.receiver else { continue };
                let handle = matches!(&r.root, Root::Call { path, .. } if path.segs.iter().any(|s| s == "Handle") && path.last() == "current");
                if !handle {
                    continue;
                }
                "Handle::current().spawn".to_string()
            }
            _ => continue,
        };
        // An executor adapter (`fn execute(&self, fut: F) { tokio::spawn(fut); }`):
        // it hands its caller's future to the runtime, detaching is its contract.
        let spawns_param = c.args.first().is_some_and(|a| {
            matches!(a.chain.root, Root::Local(id) if m.locals[id].is_param && a.chain.links.is_empty())
        }) && c.ctx == crate::analysis::model::Ctx::Sync;
        if spawns_param {
            continue;
        }
        let msg = format!(
            "the `JoinHandle` of `{what}(..)` is dropped: the task is detached, its panic goes unseen, and it is cut off when the runtime shuts down"
        );
        let help = "keep the handle and `.await` it, or spawn into a `JoinSet` / `TaskTracker` and join it on shutdown; write `let _ = ..` if detaching is intended";
        out.emit(Draft::new(c.range.clone(), Severity::Info, msg, help));
    }
}
