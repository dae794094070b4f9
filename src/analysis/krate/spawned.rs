//! Which futures of a file must be `Send`, as far as the file shows which
//! call built them (read by `summary.rs` for the crate's `Send` walk).
//!
//! A future is handed to a spawner that needs `Send` (the spawners the
//! model knows: `tokio::spawn`, `JoinSet::spawn`, `Handle::spawn`; not
//! `spawn_local`, not `spawn_blocking`) or boxed with `.boxed()`:
//! - straight: `tokio::spawn(worker::run())`;
//! - through wrappers that are `Send` exactly when the future is:
//!   `.instrument(..)`, `.in_current_span()`, `Box::pin(..)`, tokio's
//!   `timeout(d, ..)` and `timeout_at(t, ..)`;
//! - through a local bound by `let` to one of these:
//!   `let f = worker::run(); tokio::spawn(f);`;
//! - as an async block bound to a local, then spawned: the calls that
//!   block awaits must be `Send`.
//!
//! And a local bound to a call and awaited later (`let f = run(); f.await`),
//! or a call awaited through these wrappers (`timeout(d, run()).await`), is
//! that call awaited there. Anything else (a parameter, a destructured
//! or twice-bound local, a field) says nothing: the call is not marked.
//!
//! Lookups go through indexes built once per file, so a file with
//! thousands of spawns costs linear time.

use crate::analysis::model::{BodyId, BodyKind, Chain, Local, Model, Root, Use, apis};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// What `CallSum::spawned` says for a future boxed with `.boxed()`.
pub const BOXED: &str = "`.boxed()`";

/// Wrappers whose future is `Send` exactly when the wrapped one is.
const SEND_WRAPPERS: &[&str] = &["instrument", "in_current_span"];

/// The futures of one file that must be `Send`.
#[derive(Default)]
pub struct Spawned {
    /// Calls whose future is spawned (or boxed): call index -> (the
    /// spawner, the range of the spawn's argument).
    pub calls: HashMap<usize, (String, Range<usize>)>,
    /// Async blocks bound to a local that is then spawned: body -> the spawner.
    blocks: HashMap<BodyId, String>,
    /// Calls bound to a local that is awaited later: call index -> (the
    /// body of the `.await`, its range).
    pub awaited: HashMap<usize, (BodyId, Range<usize>)>,
    /// Async blocks bound to a local that is then spawned (by any
    /// spawner): what they await is not part of the fn's own future.
    own_task: HashSet<BodyId>,
}

impl Spawned {
    /// Body `b` runs in a block bound to a local and spawned as a task of
    /// its own (the model sees such a block as part of its fn's future).
    pub fn in_own_task(&self, m: &Model<'_>, b: BodyId) -> bool {
        let mut cur = Some(b);
        while let Some(id) = cur {
            if self.own_task.contains(&id) {
                return true;
            }
            let Some(body) = m.bodies.get(id) else {
                return false;
            };
            if body.fn_index.is_some() {
                return false;
            }
            cur = body.parent;
        }
        false
    }

    /// `passed to ..` when the future running body `b` is a block of
    /// `blocks` (the model's `send_reason` walk: up to the fn, or to a
    /// block that is a future of its own).
    pub fn block_of(&self, m: &Model<'_>, b: BodyId) -> Option<String> {
        m.same_future(b)
            .find_map(|id| self.blocks.get(&id))
            .map(|what| format!("passed to {what}"))
    }
}

/// The file's calls and async blocks, indexed by where they start.
struct Index<'m, 'a> {
    m: &'m Model<'a>,
    /// Range start -> the calls that start there.
    by_start: HashMap<usize, Vec<usize>>,
    /// (start, call) of the calls a `let` binds, by start.
    binds: Vec<(usize, usize)>,
    /// (start, body) of the async blocks, by start.
    blocks: Vec<(usize, BodyId)>,
}

impl<'m, 'a> Index<'m, 'a> {
    fn new(m: &'m Model<'a>) -> Self {
        let mut by_start: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut binds = Vec::new();
        for (i, c) in m.calls.iter().enumerate() {
            by_start.entry(c.range.start).or_default().push(i);
            if c.parent == Use::Bind {
                binds.push((c.range.start, i));
            }
        }
        binds.sort_unstable();
        let mut blocks: Vec<(usize, BodyId)> = m
            .bodies
            .iter()
            .enumerate()
            .filter(|(_, b)| b.kind == BodyKind::AsyncBlock)
            .map(|(i, b)| (b.range.start, i))
            .collect();
        blocks.sort_unstable();
        Index {
            m,
            by_start,
            binds,
            blocks,
        }
    }

    fn starting_at(&self, start: usize) -> impl Iterator<Item = usize> + '_ {
        self.by_start.get(&start).into_iter().flatten().copied()
    }

    /// The call that is exactly this argument of a call in `body`.
    fn arg_call(&self, r: &Range<usize>, body: Option<BodyId>) -> Option<usize> {
        self.starting_at(r.start).find(|&i| {
            let x = &self.m.calls[i];
            x.parent == Use::Arg && x.range == *r && x.body == body
        })
    }

    /// Items of a by-start list inside `l`'s `let` statement.
    fn in_let<'v>(v: &'v [(usize, usize)], l: &Local) -> &'v [(usize, usize)] {
        let from = v.partition_point(|(s, _)| *s < l.decl.start);
        let to = v.partition_point(|(s, _)| *s < l.decl.end);
        &v[from..to.max(from)]
    }

    /// The call a `let` binds its local to (the outermost call of its
    /// initializer); two (a destructuring, a macro): not sure which.
    fn bound_call(&self, l: &Local) -> Option<usize> {
        let mut found = Self::in_let(&self.binds, l).iter().filter(|(_, i)| {
            let x = &self.m.calls[*i];
            x.body == Some(l.body) && x.range.end <= l.decl.end
        });
        let (_, i) = found.next()?;
        found.next().is_none().then_some(*i)
    }

    /// The async block a `let` binds its local to.
    fn bound_block(&self, l: &Local) -> Option<BodyId> {
        let mut found = Self::in_let(&self.blocks, l).iter().filter(|(_, b)| {
            let x = &self.m.bodies[*b];
            x.parent == Some(l.body) && x.range.end <= l.decl.end
        });
        let (_, b) = found.next()?;
        found.next().is_none().then_some(*b)
    }

    /// Call `t`, or the call a chain of [`SEND_WRAPPERS`], `Box::pin` and
    /// tokio's timeouts wraps.
    fn unwrap(&self, mut t: usize) -> Option<usize> {
        // Each step goes to a call strictly inside the last one.
        for _ in 0..self.m.calls.len() {
            let c = &self.m.calls[t];
            // `timeout(d, f)`: a `Timeout<F>` is `Send` when `F` is.
            if let (Some(p), [_, fut]) = (c.path(), c.args.as_slice())
                && (p.is("tokio::time::timeout") || p.is("tokio::time::timeout_at"))
            {
                t = self.arg_call(&fut.range, c.body)?;
                continue;
            }
            // `Box::pin(f)`: a `Pin<Box<F>>` is `Send` when `F` is.
            if let (Some(p), [arg]) = (c.path(), c.args.as_slice())
                && p.last() == "pin"
                && (p.is("std::boxed::Box::pin")
                    || p.is("alloc::boxed::Box::pin")
                    || p.is("Box::pin"))
            {
                t = self.arg_call(&arg.range, c.body)?;
                continue;
            }
            let Some(name) = c.method().filter(|n| SEND_WRAPPERS.contains(n)) else {
                return Some(t);
            };
            // The receiver: the longest call that starts where this one
            // does, ends before it, and is its receiver.
            t = self
                .starting_at(c.range.start)
                .filter(|&i| {
                    let x = &self.m.calls[i];
                    x.range.end < c.range.end
                        && x.body == c.body
                        && matches!(&x.parent, Use::Receiver(n) if n == name)
                })
                .max_by_key(|&i| self.m.calls[i].range.len())?;
        }
        None
    }

    /// The local a spawn's argument is, when it is exactly a `let`-bound local.
    fn plain_local(&self, a: &crate::analysis::model::ArgInfo) -> Option<&'m Local> {
        let Root::Local(id) = a.chain.root else {
            return None;
        };
        let l = self.m.locals.get(id)?;
        let exact = a.chain.links.is_empty() && self.m.text.get(a.range.clone()) == Some(&l.name);
        (exact && !l.is_param && l.tuple_index.is_none()).then_some(l)
    }
}

/// The futures of the file that must be `Send`, and the calls awaited
/// through a local.
pub fn find(m: &Model<'_>) -> Spawned {
    let ix = Index::new(m);
    let mut out = Spawned::default();
    for (i, c) in m.calls.iter().enumerate() {
        // `work::run().boxed()`: a `BoxFuture`, which is `Send` (as the
        // model reads `async { .. }.boxed()`).
        if matches!(&c.parent, Use::Receiver(n) if n == "boxed")
            && let Some(j) = ix.unwrap(i)
        {
            out.calls.insert(j, (BOXED.to_string(), c.range.clone()));
        }
        if c.args.is_empty() {
            continue;
        }
        let role = apis::arg_role(
            &m.names,
            c.path(),
            c.method(),
            c.receiver.as_ref(),
            false,
            |_| None,
        );
        let role = apis::on_local_executor(role, &m.locals, c.receiver.as_ref());
        let apis::ArgRole::Spawn { what, send, .. } = role else {
            continue;
        };
        if !send {
            // `let job = async { .. }; local.spawn_local(job);`: a task
            // of its own, not part of the fn's future.
            for l in c.args.iter().filter_map(|a| ix.plain_local(a)) {
                if let Some(b) = ix.bound_block(l) {
                    out.own_task.insert(b);
                }
            }
            continue;
        }
        for a in &c.args {
            let top = match ix.plain_local(a) {
                Some(l) => {
                    let block = matches!(
                        &l.init,
                        Some(Chain { root: Root::AsyncBlock, links }) if links.is_empty()
                    );
                    if block && let Some(b) = ix.bound_block(l) {
                        out.blocks.insert(b, what.clone());
                        out.own_task.insert(b);
                        continue;
                    }
                    ix.bound_call(l)
                }
                None => ix.arg_call(&a.range, c.body),
            };
            if let Some(j) = top.and_then(|t| ix.unwrap(t)) {
                out.calls.insert(j, (what.clone(), a.range.clone()));
            }
        }
    }
    // `timeout(d, work::run()).await`: `run`'s future is awaited there.
    for (i, c) in m.calls.iter().enumerate() {
        if c.parent == Use::Await
            && let Some(j) = ix.unwrap(i).filter(|&j| j != i)
            && let Some(b) = c.body
        {
            out.awaited.insert(j, (b, c.range.clone()));
        }
    }
    for a in &m.awaits {
        let Some(l) = a.local.and_then(|id| m.locals.get(id)) else {
            continue;
        };
        if l.is_param || l.tuple_index.is_some() {
            continue;
        }
        if let Some(j) = ix.bound_call(l).and_then(|t| ix.unwrap(t)) {
            out.awaited.insert(j, (a.body, a.range.clone()));
        }
    }
    out
}
