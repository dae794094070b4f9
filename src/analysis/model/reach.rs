//! Sync helpers called from async code.
//!
//! A blocking call in a plain `fn` is harmless until async code calls that
//! fn: then it blocks the runtime just the same. After the walk, the calls
//! of the snippet's own sync fns are followed (to a fixpoint) from async
//! contexts, and the calls inside reached fns get the context "maybe
//! async" (rules report them one severity lower and name the call site).

use super::{BodyId, Callee, Ctx, Model, Root};
use std::collections::HashMap;
use std::ops::Range;

/// The snippet's sync fn a call reaches, by name, when unambiguous.
fn callee_fn(m: &Model<'_>, i: usize) -> Option<String> {
    let c = &m.calls[i];
    let (name, method) = match &c.callee {
        Callee::Path(p) => {
            let ok = (p.how == super::How::Local && p.segs.len() == 1)
                || (p.segs.len() == 2 && p.segs[0] == "Self");
            if !ok {
                return None;
            }
            (p.last().to_string(), p.segs.len() == 2)
        }
        Callee::Method(n) => {
            let r = c.receiver.as_ref()?;
            let own = match &r.root {
                Root::SelfValue => r.links.is_empty(),
                Root::Local(id) => {
                    r.links.is_empty()
                        && m.locals[*id]
                            .ty
                            .first()
                            .is_some_and(|t| t.how == super::How::Local)
                }
                _ => false,
            };
            if !own {
                return None;
            }
            (n.clone(), true)
        }
        Callee::Other => return None,
    };
    let defs = m.names.fns.get(&name)?;
    // Exactly one definition, sync, of the right kind.
    if defs.len() != 1 || defs[0].is_async || (!method && !defs[0].free) {
        return None;
    }
    Some(name)
}

/// Marks the calls inside sync fns reached from async code (in this file,
/// or from other files of the crate: `Model::reached_from_crate`).
pub(super) fn propagate(m: &mut Model<'_>) {
    // fn name -> (its body, first reaching call site).
    let mut fn_body: HashMap<String, BodyId> = HashMap::new();
    for f in &m.fns {
        if !f.is_async && f.name != "main" {
            fn_body.entry(f.name.clone()).or_insert(f.body);
        }
    }
    // Bodies reached from other files: their range stands for the call site.
    let mut reached: HashMap<BodyId, (String, Range<usize>)> = m
        .reached_from_crate
        .iter()
        .map(|(b, (name, _))| (*b, (name.clone(), m.bodies[*b].range.clone())))
        .collect();
    if fn_body.is_empty() && reached.is_empty() {
        return;
    }
    let targets: Vec<(usize, String)> = (0..m.calls.len())
        .filter_map(|i| callee_fn(m, i).map(|n| (i, n)))
        .collect();
    loop {
        let mut changed = false;
        for (i, name) in &targets {
            let Some(&body) = fn_body.get(name) else {
                continue;
            };
            if reached.contains_key(&body) {
                continue;
            }
            let c = &m.calls[*i];
            let from_async = match c.ctx {
                Ctx::Async | Ctx::MaybeAsync => true,
                Ctx::Sync => c
                    .body
                    .and_then(|b| m.enclosing_fn(b))
                    .is_some_and(|f| reached.contains_key(&f.body)),
                Ctx::Exempt(_) => false,
            };
            if from_async {
                reached.insert(body, (name.clone(), c.range.clone()));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    if reached.is_empty() {
        return;
    }
    for i in 0..m.calls.len() {
        if m.calls[i].ctx != Ctx::Sync {
            continue;
        }
        let Some(b) = m.calls[i].body else { continue };
        // Only the fn's own code (not closures handed elsewhere): the
        // body chain up to the fn must stay sync.
        if m.body_ctx(b) != Ctx::Sync {
            continue;
        }
        let Some(fb) = m.enclosing_fn(b).map(|f| f.body) else {
            continue;
        };
        if let Some(via) = reached.get(&fb) {
            m.calls[i].ctx = Ctx::MaybeAsync;
            if !m.reached_from_crate.contains_key(&fb) {
                m.reached_via.insert(fb, via.clone());
            }
        }
    }
}
