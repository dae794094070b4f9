//! Phase 2b: the call graph of a package and its contexts, propagated.
//!
//! Three walks over the resolved calls, breadth first so that each fn
//! keeps the shortest chain from an entry:
//! - async code calling a sync fn reaches it, and the sync fn's own code
//!   reaches the sync fns it calls;
//! - code on a current-thread runtime (the model's flavor: `#[tokio::test]`,
//!   `flavor = "current_thread"`, a `Builder::new_current_thread` runtime)
//!   reaches every fn it calls on that runtime;
//! - an async fn whose future is handed to a `Send` spawner (or awaited in
//!   a future that must be `Send`) must be `Send`, and so must the async
//!   fns its own future awaits.
//!
//! A fn that its own file already knows the fact of gets no seed.

use super::resolve::{Crates, ItemRef};
use super::summary::{CallSum, LocalSite, Site, Target};
use crate::analysis::ViaStep;
use crate::analysis::seeds::{LocalSetSeed, Seeds};
use std::collections::VecDeque;
use std::collections::{HashMap, HashSet};

/// Which fact a chain explains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Reached,
    CurrentThread,
    Send,
    /// Runs with no `LocalSet` (for `spawn_local`).
    NoLocal,
}

/// What the crate tells one file.
#[derive(Default, Debug)]
pub struct FileSeeds {
    pub seeds: Seeds,
    /// (kind, fn key) -> the chain, entry first.
    pub chains: HashMap<(Kind, usize), Vec<ViaStep>>,
}

/// A call of one instance: (instance, index in the file's calls).
type CallRef = (usize, usize);

enum Pred {
    /// Reached straight from an entry call, with the entry's description.
    Entry(CallRef, String),
    Call(ItemRef, CallRef),
}

struct Graph<'c, 's> {
    c: &'c Crates<'s>,
    /// caller -> (callee, call).
    out: HashMap<ItemRef, Vec<(ItemRef, CallRef)>>,
    /// Every resolved call, in a stable order.
    all: Vec<(ItemRef, ItemRef, CallRef)>,
}

/// Seeds for the files `wanted` says yes to; `names[file]` is how a file is shown.
pub fn seeds(
    c: &Crates<'_>,
    names: &[String],
    wanted: impl Fn(usize) -> bool,
) -> HashMap<usize, FileSeeds> {
    let g = graph(c);
    let mut out: HashMap<usize, FileSeeds> = HashMap::new();
    let reached = walk(
        &g,
        |at, call, callee| {
            (call.site == Site::Async && !g.fn_of(callee).is_async).then(|| {
                let (inst, fi) = (at.0, call.caller);
                let f = &g.c.files[g.c.instances[inst].file].fns[fi];
                if f.is_async {
                    format!("`async fn {}`", f.name)
                } else {
                    format!("an async block in `{}`", f.name)
                }
            })
        },
        |call, callee| call.site == Site::SyncOwn && !g.fn_of(callee).is_async,
    );
    emit(&g, &reached, Kind::Reached, names, &wanted, &mut out);
    let flavor = walk(
        &g,
        |_, call, _| {
            let why = call.current_thread.as_ref()?;
            (call.site != Site::Other).then(|| why.clone())
        },
        |call, _| call.same_runtime && call.site != Site::Other,
    );
    emit(&g, &flavor, Kind::CurrentThread, names, &wanted, &mut out);
    let send = walk(
        &g,
        |_, call, callee| {
            if !g.fn_of(callee).is_async {
                return None;
            }
            if let Some(what) = &call.spawned {
                if what == super::spawned::BOXED {
                    return Some(format!(
                        "boxed with {what} (a `BoxFuture`, which is `Send`)"
                    ));
                }
                return Some(format!("spawned with {what}"));
            }
            call.send_here.as_ref().map(|why| {
                if why.starts_with("passed to ") {
                    format!("awaited in an async block {why}")
                } else {
                    format!("awaited in a future that must be `Send` ({why})")
                }
            })
        },
        |call, callee| call.awaited_own && g.fn_of(callee).is_async,
    );
    emit(&g, &send, Kind::Send, names, &wanted, &mut out);
    // Runtimes started with no `LocalSet` reach the fns they call in their
    // own code, and the async fns they await there (a future kept or
    // handed elsewhere may run anywhere).
    let runs_here = |call: &CallSum, callee: ItemRef| call.awaited || !g.fn_of(callee).is_async;
    let no_local = walk(
        &g,
        |_, call, callee| match &call.local {
            LocalSite::Outside(why) if runs_here(call, callee) => Some(why.clone()),
            _ => None,
        },
        |call, callee| call.local == LocalSite::Inherit && runs_here(call, callee),
    );
    emit(&g, &no_local, Kind::NoLocal, names, &wanted, &mut out);
    inside_local_sets(&g, &no_local, &wanted, &mut out);
    out
}

/// A `spawn_local` that its file alone reports (no `LocalSet` in the file),
/// in a fn no entry reaches without a `LocalSet`, is taken to run in the
/// `LocalSet` that another file of the package sets up: the caller the
/// crate pass cannot follow (a future bound to a local and run later, a
/// trait object) is where it is. Precision first: the finding goes.
/// Only files that some target compiles count, both ways: a stray `.rs`
/// file (a fixture, a snippet kept in the repository) is not part of the
/// program and keeps its own answer.
fn inside_local_sets(
    g: &Graph<'_, '_>,
    no_local: &HashMap<ItemRef, Pred>,
    wanted: &impl Fn(usize) -> bool,
    out: &mut HashMap<usize, FileSeeds>,
) {
    let compiled: HashSet<usize> = g.c.instances.iter().map(|i| i.file).collect();
    if !compiled.iter().any(|&f| g.c.files[f].sets_up_local) {
        return;
    }
    // (file, fn) pairs some instance of which runs with no `LocalSet`.
    let outside: HashSet<(usize, usize)> = no_local
        .keys()
        .map(|&(inst, fi)| (g.c.instances[inst].file, fi))
        .collect();
    for (file, s) in g.c.files.iter().enumerate() {
        if s.sets_up_local || !wanted(file) || !compiled.contains(&file) {
            continue;
        }
        for (fi, f) in s.fns.iter().enumerate() {
            let alone_reports = f.is_async || f.local_reached;
            if !f.spawns_local || !alone_reports || f.key == usize::MAX {
                continue;
            }
            if outside.contains(&(file, fi)) {
                continue;
            }
            out.entry(file)
                .or_default()
                .seeds
                .local_set
                .insert(f.key, LocalSetSeed::Inside);
        }
    }
}

impl<'s> Graph<'_, 's> {
    fn fn_of(&self, f: ItemRef) -> &'s super::summary::FnSum {
        &self.c.files[self.c.instances[f.0].file].fns[f.1]
    }
    fn call(&self, r: CallRef) -> &'s CallSum {
        &self.c.files[self.c.instances[r.0].file].calls[r.1]
    }
}

fn graph<'c, 's>(c: &'c Crates<'s>) -> Graph<'c, 's> {
    // Names of the package's fns: a call of any other name has no callee here.
    let mut names: HashSet<&str> = HashSet::new();
    for f in &c.files {
        for x in &f.fns {
            names.insert(x.name.as_str());
        }
    }
    let mut g = Graph {
        c,
        out: HashMap::new(),
        all: Vec::new(),
    };
    for (inst, i) in c.instances.iter().enumerate() {
        let s = &c.files[i.file];
        for (ci, call) in s.calls.iter().enumerate() {
            let last = match &call.target {
                Target::Path(p) => p.last().map(String::as_str).unwrap_or(""),
                Target::Method { name, .. } => name.as_str(),
            };
            if !names.contains(last) {
                continue;
            }
            let caller = (inst, call.caller);
            let Some(callee) = c.callee(caller, &call.target, &call.globs) else {
                continue;
            };
            g.out.entry(caller).or_default().push((callee, (inst, ci)));
            g.all.push((caller, callee, (inst, ci)));
        }
    }
    g
}

/// The longest chain followed (calls from the entry): a fact that takes
/// more steps than this to explain is not worth a finding, and a deep
/// call graph stays cheap.
pub const MAX_CHAIN: usize = 16;

/// Breadth-first from the entries (`entry` says why a call is one) along
/// the calls `follow` accepts, at most [`MAX_CHAIN`] calls deep. Each fn
/// is visited once (cycles end there), with its shortest chain.
fn walk(
    g: &Graph<'_, '_>,
    entry: impl Fn(CallRef, &CallSum, ItemRef) -> Option<String>,
    follow: impl Fn(&CallSum, ItemRef) -> bool,
) -> HashMap<ItemRef, Pred> {
    let mut pred: HashMap<ItemRef, Pred> = HashMap::new();
    let mut queue = VecDeque::new();
    for &(_, callee, call) in &g.all {
        if pred.contains_key(&callee) {
            continue;
        }
        if let Some(why) = entry(call, g.call(call), callee) {
            pred.insert(callee, Pred::Entry(call, why));
            queue.push_back((callee, 1));
        }
    }
    while let Some((f, depth)) = queue.pop_front() {
        if depth >= MAX_CHAIN {
            continue;
        }
        let Some(out) = g.out.get(&f) else { continue };
        for &(callee, call) in out {
            if pred.contains_key(&callee) || !follow(g.call(call), callee) {
                continue;
            }
            pred.insert(callee, Pred::Call(f, call));
            queue.push_back((callee, depth + 1));
        }
    }
    pred
}

fn emit(
    g: &Graph<'_, '_>,
    pred: &HashMap<ItemRef, Pred>,
    kind: Kind,
    names: &[String],
    wanted: &impl Fn(usize) -> bool,
    out: &mut HashMap<usize, FileSeeds>,
) {
    for &node in pred.keys() {
        let file = g.c.instances[node.0].file;
        if !wanted(file) {
            continue;
        }
        let f = g.fn_of(node);
        // Known in the file already, or nothing to show for it.
        let known = match kind {
            Kind::Reached => f.local_reached || !f.blocks_if_reached,
            Kind::CurrentThread => f.local_flavor || !f.calls_block_in_place,
            Kind::Send => f.local_send || !f.holds_non_send,
            // Also when the file alone reports it: the chain says why.
            Kind::NoLocal => !f.spawns_local,
        };
        if known || f.key == usize::MAX {
            continue;
        }
        let steps = chain(g, pred, node, kind, names);
        let text = words(&steps, kind);
        let fs = out.entry(file).or_default();
        let map = match kind {
            Kind::Reached => &mut fs.seeds.reached,
            Kind::CurrentThread => &mut fs.seeds.current_thread,
            Kind::Send => &mut fs.seeds.send,
            Kind::NoLocal => {
                if let std::collections::hash_map::Entry::Vacant(e) =
                    fs.seeds.local_set.entry(f.key)
                {
                    e.insert(LocalSetSeed::Outside(text));
                    fs.chains.insert((kind, f.key), steps);
                }
                continue;
            }
        };
        // A file in two crates: the first chain is kept.
        if map.contains_key(&f.key) {
            continue;
        }
        map.insert(f.key, text);
        fs.chains.insert((kind, f.key), steps);
    }
}

/// The chain to `node`, entry first.
fn chain(
    g: &Graph<'_, '_>,
    pred: &HashMap<ItemRef, Pred>,
    node: ItemRef,
    kind: Kind,
    names: &[String],
) -> Vec<ViaStep> {
    let mut calls: Vec<(ItemRef, CallRef)> = Vec::new();
    let mut cur = node;
    let mut entry = None;
    // A chain is at most as long as the number of fns (each is reached once).
    for _ in 0..=pred.len() {
        match pred.get(&cur) {
            Some(Pred::Entry(call, why)) => {
                calls.push((cur, *call));
                entry = Some((*call, why.clone()));
                break;
            }
            Some(Pred::Call(from, call)) => {
                calls.push((cur, *call));
                cur = *from;
            }
            None => break,
        }
    }
    calls.reverse();
    let mut steps = Vec::new();
    if let Some((call, why)) = entry {
        let c = g.call(call);
        let file = g.c.instances[call.0].file;
        let caller = &g.c.files[file].fns[c.caller];
        let line = match kind {
            // Where the future is spawned or awaited (the call that built
            // it, when that is elsewhere, comes next).
            Kind::Send => c.spawned_at.unwrap_or(c.line),
            _ => caller.line,
        };
        let name = match kind {
            Kind::CurrentThread | Kind::NoLocal => format!("{why} on `{}`", caller.name),
            _ => why,
        };
        steps.push(ViaStep {
            name,
            path: names[file].clone(),
            line,
        });
    }
    for (callee, call) in calls {
        let c = g.call(call);
        let f = g.fn_of(callee);
        let name = match (&c.target, f.owner) {
            (Target::Path(p), _) => format!("`{}`", p.join("::")),
            (Target::Method { .. }, Some(ii)) => {
                let file = g.c.instances[callee.0].file;
                let ty = g.c.files[file].impls[ii].self_ty.last().cloned();
                format!("`{}::{}`", ty.unwrap_or_default(), f.name)
            }
            (Target::Method { name, .. }, None) => format!("`{name}`"),
        };
        steps.push(ViaStep {
            name,
            path: names[g.c.instances[call.0].file].clone(),
            line: c.line,
        });
    }
    steps
}

/// The chain in words, for the finding's message.
fn words(steps: &[ViaStep], kind: Kind) -> String {
    let at = |s: &ViaStep| format!("{} ({}:{})", s.name, s.path, s.line);
    let Some((first, rest)) = steps.split_first() else {
        return String::new();
    };
    let via: Vec<String> = rest.iter().map(at).collect();
    match kind {
        Kind::Reached => format!("reached from {} via {}", at(first), via.join(", ")),
        Kind::CurrentThread => format!("{}, reached via {}", at(first), via.join(", ")),
        Kind::NoLocal => format!("{} via {}", at(first), via.join(", ")),
        Kind::Send => format!("{} via {}", at(first), via.join(", ")),
    }
}
