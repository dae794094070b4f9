//! Facts about hand-written `poll` bodies (fns with a `Context` parameter
//! returning `Poll`): where they return `Poll::Pending` and whether the
//! waker (`cx`) was used on the way, threads spawned and wakers stored per
//! call, and self-wakes followed by `Pending`.

use super::Names;
use super::syntax::{self, strip};
use crate::analysis::parse::Unit;
use std::ops::Range;
use syn::visit::Visit;
use syn::{Expr, Stmt};

#[derive(Clone, Debug)]
pub struct PollPending {
    pub range: Range<usize>,
    /// `cx` was used (passed on, or its waker taken) on the way here.
    pub covered: bool,
    /// In an arm where an inner future polled with `cx` returned `Ready`:
    /// passing `cx` on registered nothing on this path.
    pub after_inner_ready: bool,
}

#[derive(Clone, Debug, Default)]
pub struct PollFacts {
    /// The `Context` parameter's name (`_`-prefixed when unused).
    pub cx: Option<String>,
    pub pendings: Vec<PollPending>,
    /// Thread / task spawns: (range, de-duplicated by a state change around them).
    pub spawns: Vec<(Range<usize>, bool)>,
    /// Wakers pushed into a collection: (range, de-duplicated).
    pub waker_pushes: Vec<(Range<usize>, bool)>,
    /// `will_wake`, `AtomicWaker::register`: wakers are de-duplicated.
    pub dedup: bool,
    /// `wake_by_ref()`/`wake()` on the task's own waker followed by
    /// `Pending` in the same block: (wake range, state changed in that branch).
    pub self_wakes: Vec<(Range<usize>, bool)>,
    /// `cx` is used somewhere in the body (registered, passed on...).
    pub cx_used: bool,
    /// `cx` (or its waker) is passed to some call: an inner future or an
    /// event source will wake the task.
    pub cx_passed: bool,
    /// Some path returns `Poll::Ready` (else the future is pending forever by design).
    pub has_ready: bool,
}

struct A<'u> {
    unit: &'u Unit,
    names: &'u Names,
    cx: String,
    cx_used: bool,
    facts: PollFacts,
    /// State changes (assignments, `store`, `set`) of the enclosing conditional branches.
    branch_changes: Vec<bool>,
    /// Depth of `Poll::Ready(..)` arms of a match on an inner poll with `cx`.
    ready_arms: usize,
}

pub fn analyze(unit: &Unit, names: &Names, block: &syn::Block, cx: Option<&str>) -> PollFacts {
    let cx_name = cx.unwrap_or("_").to_string();
    let cx_used = !cx_name.starts_with('_');
    let mut a = A {
        unit,
        names,
        cx: cx_name.clone(),
        cx_used,
        facts: PollFacts {
            cx: Some(cx_name),
            ..Default::default()
        },
        branch_changes: Vec::new(),
        ready_arms: 0,
    };
    a.block(block, false, true);
    a.scan_calls(block);
    if a.cx_used {
        let mut u = Uses {
            name: &a.cx,
            found: false,
        };
        u.visit_block(block);
        a.facts.cx_used = u.found;
    }
    let mut r = Uses {
        name: "Ready",
        found: false,
    };
    r.visit_block(block);
    // `ready!(..)` and `?` also return early with a value.
    let mut q = Uses {
        name: "ready",
        found: false,
    };
    q.visit_block(block);
    a.facts.has_ready = r.found || q.found;
    a.facts
}

/// Finds uses of an identifier (also inside macro tokens).
struct Uses<'n> {
    name: &'n str,
    found: bool,
}

impl<'ast> Visit<'ast> for Uses<'_> {
    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        if i == self.name {
            self.found = true;
        }
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        if !self.found {
            self.found = tokens_mention(m.tokens.clone(), self.name);
        }
    }
}

fn tokens_mention(ts: proc_macro2::TokenStream, name: &str) -> bool {
    let mut stack = vec![ts];
    while let Some(ts) = stack.pop() {
        for t in ts {
            match t {
                proc_macro2::TokenTree::Ident(i) if i == name => return true,
                proc_macro2::TokenTree::Group(g) => stack.push(g.stream()),
                _ => {}
            }
        }
    }
    false
}

fn is_pending(names: &Names, e: &Expr) -> bool {
    match syntax::path_segs(e) {
        Some(segs) => {
            segs.last().is_some_and(|l| l == "Pending")
                && (segs.len() >= 2 || names.resolve(&segs).segs.iter().any(|s| s == "Poll"))
        }
        None => false,
    }
}

/// An assignment to state (a field or through a deref), or `store`/`set`.
struct Changes {
    found: bool,
}

impl<'ast> Visit<'ast> for Changes {
    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if matches!(
            strip(&a.left),
            Expr::Field(_) | Expr::Unary(_) | Expr::Index(_)
        ) {
            self.found = true;
        }
        syn::visit::visit_expr_assign(self, a);
    }
    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        use syn::BinOp::*;
        if matches!(
            b.op,
            AddAssign(_) | SubAssign(_) | MulAssign(_) | BitOrAssign(_) | BitAndAssign(_)
        ) {
            self.found = true;
        }
        syn::visit::visit_expr_binary(self, b);
    }
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if matches!(
            m.method.to_string().as_str(),
            "store"
                | "set"
                | "swap"
                | "replace"
                | "take"
                | "fetch_add"
                | "fetch_sub"
                | "get_or_insert_with"
                | "get_or_insert"
        ) {
            self.found = true;
        }
        syn::visit::visit_expr_method_call(self, m);
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
}

fn changes_state(b: &syn::Block) -> bool {
    let mut c = Changes { found: false };
    c.visit_block(b);
    c.found
}

impl A<'_> {
    fn uses_cx<T: ?Sized>(&self, node: &T, f: impl Fn(&mut Uses, &T)) -> bool {
        if !self.cx_used {
            return false;
        }
        let mut u = Uses {
            name: &self.cx,
            found: false,
        };
        f(&mut u, node);
        u.found
    }

    fn e_uses(&self, e: &Expr) -> bool {
        self.uses_cx(e, |u, e| u.visit_expr(e))
    }

    fn s_uses(&self, s: &Stmt) -> bool {
        self.uses_cx(s, |u, s| u.visit_stmt(s))
    }

    fn range(&self, e: &Expr) -> Range<usize> {
        let s = self.unit.start_of(syntax::first_span(e));
        let end = self.unit.end_of(syntax::last_span(e)).max(s);
        s..end
    }

    /// Walks a block; `tail`: its value is returned.
    fn block(&mut self, b: &syn::Block, mut cov: bool, tail: bool) {
        let n = b.stmts.len();
        for (i, s) in b.stmts.iter().enumerate() {
            match s {
                Stmt::Expr(e, semi) => self.expr(e, cov, tail && i + 1 == n && semi.is_none()),
                Stmt::Local(l) => {
                    if let Some(init) = &l.init {
                        self.expr(&init.expr, cov, false);
                        if let Some((_, d)) = &init.diverge {
                            self.expr(d, cov, false);
                        }
                    }
                }
                _ => {}
            }
            cov = cov || self.s_uses(s);
        }
        // Self-wake followed by Pending in this block.
        let mut wake: Option<Range<usize>> = None;
        for s in &b.stmts {
            if let Stmt::Expr(e, _) = s {
                if let Some(r) = self.self_wake(e) {
                    wake = Some(r);
                    continue;
                }
                if let Some(w) = &wake {
                    let pending = match strip(e) {
                        Expr::Return(r) => {
                            r.expr.as_deref().is_some_and(|x| is_pending(self.names, x))
                        }
                        other => is_pending(self.names, other),
                    };
                    if pending {
                        let changed = changes_state(b) || self.branch_changes.iter().any(|c| *c);
                        self.facts.self_wakes.push((w.clone(), changed));
                        wake = None;
                    }
                }
            }
        }
    }

    /// `cx.waker().wake_by_ref()`, `cx.waker().clone().wake()`.
    fn self_wake(&self, e: &Expr) -> Option<Range<usize>> {
        if let Expr::MethodCall(mc) = strip(e) {
            let m = mc.method.to_string();
            if (m == "wake_by_ref" || m == "wake") && self.e_uses(&mc.receiver) {
                return Some(self.range(e));
            }
        }
        None
    }

    fn branch(&mut self, b: &syn::Block, cov: bool, tail: bool) {
        self.branch_changes.push(changes_state(b));
        self.block(b, cov, tail);
        self.branch_changes.pop();
    }

    fn expr(&mut self, e: &Expr, cov: bool, tail: bool) {
        match strip(e) {
            Expr::Return(r) => {
                if let Some(x) = &r.expr {
                    self.expr(x, cov, true);
                }
            }
            Expr::If(i) => {
                let c = cov || self.e_uses(&i.cond);
                self.branch(&i.then_branch, c, tail);
                if let Some((_, els)) = &i.else_branch {
                    match strip(els) {
                        Expr::Block(b) => self.branch(&b.block, c, tail),
                        other => self.expr(other, c, tail),
                    }
                }
            }
            Expr::Match(m) => {
                let scrutinee_polls = self.e_uses(&m.expr);
                let mut c = cov || scrutinee_polls;
                // Coverage from the arms' guards alone (not the scrutinee).
                let mut guards = cov;
                for arm in &m.arms {
                    // Guards run in order: a guard that used `cx` covers the later arms too.
                    let g = syntax::arm_guard(arm).is_some_and(|g| self.e_uses(g));
                    c = c || g;
                    guards = guards || g;
                    // `match inner.poll(cx) { Poll::Ready(..) => .. }`: the inner
                    // future completed, so it registered no waker: passing `cx`
                    // to it covers only the arms where it returned `Pending`.
                    let ready_arm = scrutinee_polls && pat_is_ready(&arm.pat);
                    let ca = if ready_arm { guards } else { c };
                    self.ready_arms += ready_arm as usize;
                    match strip(&arm.body) {
                        Expr::Block(b) => self.branch(&b.block, ca, tail),
                        other => {
                            self.branch_changes.push(false);
                            self.expr(other, ca, tail);
                            self.branch_changes.pop();
                        }
                    }
                    self.ready_arms -= ready_arm as usize;
                }
            }
            Expr::Block(b) => self.block(&b.block, cov, tail),
            Expr::Unsafe(b) => self.block(&b.block, cov, tail),
            Expr::Loop(l) => self.block(&l.body, cov, false),
            Expr::While(w) => {
                let c = cov || self.e_uses(&w.cond);
                self.block(&w.body, c, false)
            }
            Expr::ForLoop(f) => {
                let c = cov || self.e_uses(&f.expr);
                self.block(&f.body, c, false)
            }
            other => {
                if tail && is_pending(self.names, other) {
                    let r = self.range(other);
                    self.facts.pendings.push(PollPending {
                        range: r,
                        covered: cov,
                        after_inner_ready: self.ready_arms > 0,
                    });
                }
            }
        }
    }

    /// Spawns, waker pushes and de-duplication anywhere in the body.
    fn scan_calls(&mut self, block: &syn::Block) {
        struct S<'x, 'u> {
            a: &'x mut A<'u>,
            guards: Vec<bool>,
        }
        impl<'ast> Visit<'ast> for S<'_, '_> {
            fn visit_macro(&mut self, m: &'ast syn::Macro) {
                // `ready!(inner.poll(cx))`: `cx` handed on inside a macro.
                if self.a.cx_used && tokens_mention(m.tokens.clone(), &self.a.cx) {
                    self.a.facts.cx_passed = true;
                }
            }
            fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
                self.visit_expr(&i.cond);
                self.guards.push(changes_state(&i.then_branch));
                self.visit_block(&i.then_branch);
                self.guards.pop();
                if let Some((_, e)) = &i.else_branch {
                    if let Expr::Block(b) = strip(e) {
                        self.guards.push(changes_state(&b.block));
                        self.visit_block(&b.block);
                        self.guards.pop();
                    } else {
                        self.visit_expr(e);
                    }
                }
            }
            fn visit_arm(&mut self, arm: &'ast syn::Arm) {
                let changed = match strip(&arm.body) {
                    Expr::Block(b) => changes_state(&b.block),
                    _ => false,
                };
                self.guards.push(changed);
                syn::visit::visit_arm(self, arm);
                self.guards.pop();
            }
            fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
                if self.a.cx_used && c.args.iter().any(|a| self.a.e_uses(a)) {
                    self.a.facts.cx_passed = true;
                }
                if let Some(segs) = syntax::path_segs(&c.func) {
                    let p = self.a.names.resolve(&segs);
                    let thread = p.last() == "spawn"
                        && (p.starts_with("std::thread")
                            || p.is("thread::spawn")
                            || p.starts_with("tokio")
                            || segs.len() == 1);
                    if thread {
                        let r = self.a.range(&Expr::Call(c.clone()));
                        let guarded = self.guards.iter().any(|g| *g);
                        self.a.facts.spawns.push((r, guarded));
                    }
                    if p.last() == "register" {
                        self.a.facts.dedup = true;
                    }
                }
                syn::visit::visit_expr_call(self, c);
            }
            fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
                let name = m.method.to_string();
                if self.a.cx_used && m.args.iter().any(|a| self.a.e_uses(a)) {
                    self.a.facts.cx_passed = true;
                }
                match name.as_str() {
                    "will_wake" | "register" | "register_by_ref" => self.a.facts.dedup = true,
                    "push" | "push_back" | "push_front" | "insert" | "extend" => {
                        let mentions_waker = m.args.iter().any(|a| {
                            let mut u = Uses {
                                name: "waker",
                                found: false,
                            };
                            u.visit_expr(a);
                            u.found || syntax::ident_of(a).is_some_and(|n| n.contains("waker"))
                        });
                        if mentions_waker {
                            let r = self.a.range(&Expr::MethodCall(m.clone()));
                            let guarded = self.guards.iter().any(|g| *g);
                            self.a.facts.waker_pushes.push((r, guarded));
                        }
                    }
                    _ => {}
                }
                syn::visit::visit_expr_method_call(self, m);
            }
        }
        let mut s = S {
            a: self,
            guards: Vec::new(),
        };
        s.visit_block(block);
    }
}

/// `Poll::Ready(..)`, `Ready(..)`, `Poll::Ready(..) | ..` (every alternative).
fn pat_is_ready(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::TupleStruct(t) => t.path.segments.last().is_some_and(|s| s.ident == "Ready"),
        syn::Pat::Path(x) => x.path.segments.last().is_some_and(|s| s.ident == "Ready"),
        syn::Pat::Or(o) => !o.cases.is_empty() && o.cases.iter().all(pat_is_ready),
        syn::Pat::Paren(x) => pat_is_ready(&x.pat),
        syn::Pat::Guard(g) => pat_is_ready(&g.pat),
        _ => false,
    }
}
