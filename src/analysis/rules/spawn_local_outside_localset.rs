//! spawn-local-outside-localset: `task::spawn_local` with no `LocalSet` in sight.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::{Callee, Flavor, Model};
use crate::analysis::options::Runtime;
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "spawn-local-outside-localset",
    severity: Severity::Error,
    concept: "local-set",
    fix: true,
    title: "`spawn_local` without a `LocalSet`",
    what_it_does: "Finds `tokio::task::spawn_local` where the snippet sets up no `LocalSet` (`run_until`, `block_on`, `spawn_local` on the set) and no `LocalRuntime` (or `flavor = \"local\"`).",
    why_bad: "tokio panics at runtime: \"`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`\". `#[tokio::main]` alone does not provide one.",
    known_problems: "A `LocalSet` set up by the caller, outside the snippet, is not seen; calls in sync wrapper fns are left to their callers and not reported. `spawn_local` of other crates (`wasm_bindgen_futures`, `async_std`, glib) is not reported.",
    example: "#[tokio::main]\nasync fn main() {\n    let data = Rc::new(42);\n    tokio::task::spawn_local(async move { println!(\"{data}\") }).await.unwrap();\n}",
    use_instead: "#[tokio::main]\nasync fn main() {\n    let local = tokio::task::LocalSet::new();\n    local.run_until(async {\n        let data = Rc::new(42);\n        tokio::task::spawn_local(async move { println!(\"{data}\") }).await.unwrap();\n    }).await;\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    let n = &m.names;
    if n.mentions("LocalSet")
        || n.mentions("LocalRuntime")
        || n.mentions("run_until")
        || n.mentions("build_local")
        || n.mentions("LocalOptions")
    {
        return;
    }
    if m.bodies
        .iter()
        .any(|b| matches!(b.flavor, Some((Flavor::Local, _))))
    {
        return;
    }
    for c in &m.calls {
        let Callee::Path(p) = &c.callee else { continue };
        if p.last() != "spawn_local" {
            continue;
        }
        // A sync wrapper (`fn spawn_local<F>(f: F)`) leaves the LocalSet to its caller.
        if !c.ctx.is_asyncish() {
            continue;
        }
        let tokio = p.starts_with("tokio");
        let bare = p.unresolved() && (p.segs.len() == 1 || p.segs == ["task", "spawn_local"]);
        if !(tokio || bare && m.runtime == Runtime::Tokio) {
            continue;
        }
        let assumption = (!tokio).then(|| {
            "assumed `spawn_local` is `tokio::task::spawn_local` (no `use` line imports it)"
                .to_string()
        });
        let msg = "`spawn_local` with no `LocalSet` or `LocalRuntime` in this code panics: \"`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`\"";
        let help = "run this code inside `tokio::task::LocalSet::new().run_until(async { .. }).await`, or use `tokio::spawn` if the future is `Send`";
        out.emit(Draft::new(c.range.clone(), Severity::Error, msg, help).assume(assumption));
    }
}
