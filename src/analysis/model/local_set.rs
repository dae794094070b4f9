//! Whether code runs inside a tokio `LocalSet` (or on a `LocalRuntime`),
//! where `task::spawn_local` works, as far as its own fn shows.
//!
//! The crate pass carries the answer across fns (`krate/propagate.rs`);
//! the rule `spawn-local-outside-localset` reads it for one call.

use super::{BodyKind, Call, Callee, ClosureRole, Flavor, Model, Use};
use std::ops::Range;

/// Where a call runs, as to `LocalSet`s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocalCtx {
    /// In a future handed to `LocalSet::run_until`/`block_on`, to
    /// `spawn_local`, or on a `LocalRuntime` (`flavor = "local"`).
    Inside,
    /// On a runtime this fn starts (`#[tokio::main]`, `#[tokio::test]`, a
    /// `Builder` runtime's `block_on`) with no `LocalSet` on the way: why.
    Outside(String),
    /// In the fn's own code: wherever the fn's callers run it.
    Inherit,
    /// Anywhere else: a closure handed to an unknown callee or to a
    /// blocking thread, an async block kept for later, a task of
    /// `tokio::spawn` started outside this fn.
    Unknown,
}

impl Model<'_> {
    /// The ranges of the futures handed to something that runs them in a
    /// `LocalSet`: `.run_until(f)`, `.block_on(&rt, f)` (the `LocalSet`'s,
    /// which takes the runtime too), and `spawn_local(f)` (a local task).
    pub fn local_set_args(&self) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        for c in &self.calls {
            let which = match &c.callee {
                Callee::Method(m) if m == "run_until" && c.nargs() == 1 => 0,
                Callee::Method(m) if m == "block_on" && c.nargs() == 2 => 1,
                Callee::Method(m) if m == "spawn_local" && c.nargs() == 1 => 0,
                Callee::Path(p) if p.last() == "spawn_local" && c.nargs() == 1 => 0,
                _ => continue,
            };
            if let Some(a) = c.args.get(which) {
                out.push(a.range.clone());
            }
        }
        out
    }

    /// Where call `c` runs as to `LocalSet`s; `args` is [`Model::local_set_args`].
    pub fn local_ctx(&self, c: &Call<'_>, args: &[Range<usize>]) -> LocalCtx {
        if c.parent == Use::Arg && args.contains(&c.range) {
            return LocalCtx::Inside;
        }
        let within = |r: &Range<usize>| args.iter().any(|a| a.start <= r.start && r.end <= a.end);
        // Inside a `tokio::spawn`ed block: the task is not in the caller's `LocalSet`.
        let mut spawned = false;
        let mut cur = c.body;
        while let Some(id) = cur {
            let b = &self.bodies[id];
            if b.kind == BodyKind::AsyncBlock && b.detached && b.send.is_some() {
                spawned = true;
                cur = b.parent;
                continue;
            }
            if b.kind.is_async() && b.fn_index.is_none() && within(&b.range) {
                return if spawned {
                    LocalCtx::Unknown
                } else {
                    LocalCtx::Inside
                };
            }
            if let Some(f) = &b.flavor {
                return match f.flavor {
                    Flavor::Local => LocalCtx::Inside,
                    _ => LocalCtx::Outside(f.why.clone()),
                };
            }
            if b.fn_index.is_some() {
                return if spawned {
                    LocalCtx::Unknown
                } else {
                    LocalCtx::Inherit
                };
            }
            match b.kind {
                BodyKind::Closure(ClosureRole::Inline) => {}
                // A closure that may run elsewhere, an async block kept for
                // later or run by an unknown executor.
                _ => return LocalCtx::Unknown,
            }
            cur = b.parent;
        }
        LocalCtx::Unknown
    }

    /// The snippet sets up a `LocalSet` or a `LocalRuntime` somewhere.
    pub fn sets_up_local(&self) -> bool {
        let n = &self.names;
        [
            "LocalSet",
            "LocalRuntime",
            "run_until",
            "build_local",
            "LocalOptions",
        ]
        .iter()
        .any(|w| n.mentions(w))
            || self
                .bodies
                .iter()
                .any(|b| matches!(&b.flavor, Some(f) if f.flavor == Flavor::Local))
    }

    /// `task::spawn_local` of tokio (or written bare, when tokio is the runtime).
    pub fn is_tokio_spawn_local(&self, c: &Call<'_>) -> bool {
        let Callee::Path(p) = &c.callee else {
            return false;
        };
        if p.last() != "spawn_local" {
            return false;
        }
        let bare = p.unresolved() && (p.segs.len() == 1 || p.segs == ["task", "spawn_local"]);
        p.starts_with("tokio") || bare && self.runtime == super::super::options::Runtime::Tokio
    }
}

#[cfg(test)]
mod tests {
    use super::super::{MacroStore, Model};
    use super::LocalCtx;
    use crate::analysis::options::Runtime;

    /// The `LocalCtx` of the call of each `probe_N()` in `src`, in order.
    fn ctxs(src: &str) -> Vec<LocalCtx> {
        let snippet = crate::analysis::parse::parse(src);
        let store = MacroStore::build(&snippet);
        let m = Model::build(src, &snippet, &store, Runtime::Tokio);
        let args = m.local_set_args();
        let mut out: Vec<(String, LocalCtx)> = m
            .calls
            .iter()
            .filter_map(|c| {
                let p = c.path()?;
                p.last()
                    .starts_with("probe_")
                    .then(|| (p.last().to_string(), m.local_ctx(c, &args)))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out.into_iter().map(|x| x.1).collect()
    }

    #[test]
    fn where_calls_run_as_to_local_sets() {
        let src = r#"
#[tokio::main]
async fn main() {
    let local = tokio::task::LocalSet::new();
    local.run_until(async { probe_1().await; }).await;
    local.run_until(probe_2()).await;
    tokio::task::spawn_local(probe_3());
    probe_4().await;
    tokio::spawn(async { probe_5().await; });
    let later = async { probe_6().await; };
    local.run_until(async { tokio::spawn(async { probe_7().await; }); }).await;
    std::thread::spawn(|| probe_8());
    local.block_on(&rt, probe_9());
}
async fn helper() {
    probe_a().await;
    let v: Vec<u8> = (0..3).map(|_| probe_b()).collect();
}
"#;
        let outside = || LocalCtx::Outside("`#[tokio::main]`".to_string());
        assert_eq!(
            ctxs(src),
            [
                LocalCtx::Inside,  // awaited in run_until's block
                LocalCtx::Inside,  // the future run_until runs
                LocalCtx::Inside,  // a local task
                outside(),         // main's own code
                outside(),         // a tokio::spawn task on main's runtime
                LocalCtx::Unknown, // an async block kept for later
                LocalCtx::Unknown, // a tokio::spawn task started inside the set
                LocalCtx::Unknown, // a thread
                LocalCtx::Inside,  // LocalSet::block_on(&rt, f)
                LocalCtx::Inherit, // a helper's own code
                LocalCtx::Inherit, // an inline closure of it
            ]
        );
    }
}
