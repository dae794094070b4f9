//! The one walk over the syntax trees that records the model's facts.
//!
//! It keeps, per body (fn, closure, async block), a stack of binding scopes
//! and of temporary scopes, so that at each `.await` it knows which guards,
//! `RefCell` borrows, `Rc`s and span guards are alive, following rustc's
//! temporary-lifetime rules: a statement's temporaries die at its `;`; a
//! `match` / `if let` / `while let` scrutinee's live through the arms; a
//! `for` iterator expression's live through the loop; `let x = &temp.f`
//! extends the temporary to `x`'s scope; an `if` / `while` condition is its
//! own scope.

use super::apis::{self, ArgRole};
use super::macros::{MacroStore, Parsed, RawBranch};
use super::syntax::{self, first_span, last_span, strip};
use super::*;
use crate::analysis::parse::{Unit, WRAPPER_ASYNC, WRAPPER_SYNC};
use proc_macro2::Span;
use std::collections::{HashMap, HashSet};
use syn::{Expr, Stmt};

mod captures;
mod futures;
mod guards;
mod loops;
mod runtime;
mod scopes;
mod select;
mod send;

use captures::{Capture, formatting_macro};
use runtime::attr_flavor;
use scopes::Frame;
use send::async_trait_attr;
pub(super) use send::propagate_send;

/// Recursion bound for the walk (the parser's nesting check keeps real
/// input far below it; this only protects against surprises).
const MAX_DEPTH: usize = 3_000;

struct Walker<'m, 'a> {
    m: &'m mut Model<'a>,
    store: &'a MacroStore,
    unit: &'a Unit,
    unit_idx: usize,
    frames: Vec<Frame>,
    dropped: HashSet<LiveId>,
    /// Names bound by the `let` whose initializer is being walked, and its range.
    let_names: Vec<String>,
    let_range: Option<Range<usize>>,
    depth: usize,
    /// Inside the statements of an unknown macro: the macro may not run
    /// them as written, so a discarded value there proves nothing.
    macro_stmts: usize,
    /// Inside the body of any macro other than `select!`/`join!`/`pin!`
    /// (`stream! { .. .await .. }` is async inside): no E0728 there.
    macro_depth: usize,
    /// Inside the arguments of a formatting macro (`println!`...).
    fmt_macro: usize,
    /// Bindings passed by value to a call whose future is being awaited
    /// (`consume(guard).await`): the future holds them until the await ends.
    moved_into_futures: Vec<String>,
    /// Associated types of the `impl` being walked (`type Future = ..`), as text.
    impl_types: Vec<(String, String)>,
    field_cache: HashMap<String, Option<apis::TypeFamily>>,
}

pub(super) fn walk_unit<'a>(
    m: &mut Model<'a>,
    store: &'a MacroStore,
    unit_idx: usize,
    unit: &'a Unit,
) {
    let mut w = Walker {
        m,
        store,
        unit,
        unit_idx,
        frames: Vec::new(),
        dropped: HashSet::new(),
        let_names: Vec::new(),
        let_range: None,
        depth: 0,
        macro_stmts: 0,
        macro_depth: 0,
        fmt_macro: 0,
        moved_into_futures: Vec::new(),
        impl_types: Vec::new(),
        field_cache: HashMap::new(),
    };
    for item in &unit.file.items {
        w.item(item, true);
    }
}

fn strip_ref(e: &Expr) -> (&Expr, bool, bool) {
    match strip(e) {
        Expr::Reference(r) => (strip(&r.expr), true, r.mutability.is_some()),
        other => (other, false, false),
    }
}

impl<'m, 'a> Walker<'m, 'a> {
    // ---- positions -------------------------------------------------------

    fn range(&self, a: Span, b: Span) -> Range<usize> {
        let s = self.unit.start_of(a);
        let e = self.unit.end_of(b).max(s);
        s..e
    }

    fn expr_range(&self, e: &Expr) -> Range<usize> {
        self.range(first_span(e), last_span(e))
    }

    /// Resolves a path written in `e` (block and module `use` lines count
    /// only inside their block or module).
    fn resolve_at<S: AsRef<str>>(&self, segs: &[S], e: &Expr) -> Resolved {
        self.m
            .names
            .resolve_in(segs, || self.unit.start_of(first_span(e)))
    }

    // ---- chains ------------------------------------------------------------

    fn chain(&self, e: &Expr) -> Chain {
        let mut links = Vec::new();
        let mut cur = e;
        let root = loop {
            match cur {
                Expr::MethodCall(mc) => {
                    links.push(Link::Method {
                        name: mc.method.to_string(),
                        nargs: mc.args.len(),
                    });
                    cur = &mc.receiver;
                }
                Expr::Field(f) => {
                    let name = match &f.member {
                        syn::Member::Named(i) => i.to_string(),
                        syn::Member::Unnamed(i) => i.index.to_string(),
                    };
                    links.push(Link::Field(name));
                    cur = &f.base;
                }
                Expr::Await(a) => {
                    links.push(Link::Await);
                    cur = &a.base;
                }
                Expr::Try(t) => {
                    links.push(Link::Try);
                    cur = &t.expr;
                }
                Expr::Index(i) => {
                    links.push(Link::Index);
                    cur = &i.expr;
                }
                Expr::Paren(p) => cur = &p.expr,
                Expr::Group(g) => cur = &g.expr,
                Expr::Reference(r) => cur = &r.expr,
                Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => cur = &u.expr,
                Expr::Call(c) => {
                    break match syntax::path_segs(&c.func) {
                        Some(segs) => Root::Call {
                            path: self.resolve_at(&segs, &c.func),
                            nargs: c.args.len(),
                        },
                        None => Root::Other,
                    };
                }
                Expr::Path(p) => {
                    if let Some(id) = syntax::ident_of(cur) {
                        if id == "self" {
                            break Root::SelfValue;
                        }
                        if let Some(l) = self.lookup(&id) {
                            break Root::Local(l);
                        }
                    }
                    let segs = syntax::path_idents(&p.path);
                    break Root::Path(self.resolve_at(&segs, cur));
                }
                Expr::Async(_) => break Root::AsyncBlock,
                Expr::Closure(c) => {
                    break Root::Closure {
                        is_async: c.asyncness.is_some(),
                        returns_async: matches!(strip(&c.body), Expr::Async(_)),
                    };
                }
                Expr::Macro(m) => break Root::Macro(syntax::macro_name(&m.mac)),
                _ => break Root::Other,
            }
        };
        links.reverse();
        Chain { root, links }
    }

    // ---- items -------------------------------------------------------------

    fn item(&mut self, item: &'a syn::Item, top_level: bool) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        match item {
            syn::Item::Fn(f) => self.fn_item(&f.sig, &f.attrs, &f.block, top_level, false, None),
            syn::Item::Impl(i) => {
                let at = async_trait_attr(&i.attrs);
                use quote::ToTokens;
                let saved = std::mem::replace(
                    &mut self.impl_types,
                    i.items
                        .iter()
                        .filter_map(|ii| match ii {
                            syn::ImplItem::Type(t) => {
                                Some((t.ident.to_string(), t.ty.to_token_stream().to_string()))
                            }
                            _ => None,
                        })
                        .collect(),
                );
                for ii in &i.items {
                    match ii {
                        syn::ImplItem::Fn(f) => {
                            self.fn_item(&f.sig, &f.attrs, &f.block, false, true, at)
                        }
                        syn::ImplItem::Const(c) => self.const_expr(&c.expr),
                        syn::ImplItem::Macro(m) => self.macro_items(&m.mac),
                        _ => {}
                    }
                }
                self.impl_types = saved;
            }
            syn::Item::Trait(t) => {
                let at = async_trait_attr(&t.attrs);
                for ti in &t.items {
                    if let syn::TraitItem::Fn(f) = ti
                        && let Some(b) = &f.default
                    {
                        self.fn_item(&f.sig, &f.attrs, b, false, true, at);
                    }
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    for i in items {
                        self.item(i, false);
                    }
                }
            }
            syn::Item::Const(c) => self.const_expr(&c.expr),
            syn::Item::Static(s) => self.const_expr(&s.expr),
            syn::Item::Macro(m) => self.macro_items(&m.mac),
            _ => {}
        }
        self.depth -= 1;
    }

    fn const_expr(&mut self, e: &'a Expr) {
        let r = self.expr_range(e);
        self.push_frame(BodyKind::Const, false, r, None);
        self.expr(e, Use::Other);
        self.pop_frame();
    }

    fn macro_items(&mut self, mac: &'a syn::Macro) {
        match self.store.get(mac) {
            Some(Parsed::Items(items)) => {
                for i in items {
                    self.item(i, false);
                }
            }
            Some(Parsed::Stmts(stmts)) => {
                let r = self.range(first_span_of_mac(mac), mac_close(mac));
                self.push_frame(BodyKind::Const, false, r, None);
                for s in stmts {
                    self.stmt(s);
                }
                self.pop_frame();
            }
            _ => {}
        }
    }

    fn fn_item(
        &mut self,
        sig: &'a syn::Signature,
        attrs: &'a [syn::Attribute],
        block: &'a syn::Block,
        top_level: bool,
        in_impl: bool,
        async_trait: Option<bool>,
    ) {
        let name = sig.ident.to_string();
        let wrapper = name == WRAPPER_ASYNC || name == WRAPPER_SYNC;
        let cx = context_param(sig);
        let returns_poll = match &sig.output {
            syn::ReturnType::Type(_, t) => {
                let mut v = Vec::new();
                names::type_paths(&self.m.names, t, &mut v);
                v.first().is_some_and(|p| p.last() == "Poll")
            }
            _ => false,
        };
        let kind = if sig.asyncness.is_some() {
            BodyKind::AsyncFn
        } else if cx.is_some() && returns_poll {
            BodyKind::PollFn
        } else {
            BodyKind::SyncFn
        };
        let start = sig
            .constness
            .map(|t| t.span)
            .or(sig.asyncness.map(|t| t.span))
            .or(match sig.safety {
                syn::Safety::Unsafe(t) => Some(t.span),
                syn::Safety::Safe(t) => Some(t.span),
                syn::Safety::Default => None,
            })
            .unwrap_or(sig.fn_token.span);
        let sig_end = match &sig.output {
            syn::ReturnType::Type(_, t) => syn::spanned::Spanned::span(&**t),
            syn::ReturnType::Default => sig.paren_token.span.close(),
        };
        let sig_range = self.range(start, sig_end);
        let body_range = self.range(
            block.brace_token.span.open(),
            block.brace_token.span.close(),
        );
        // A fn item does not see its parent's locals; a new walk state.
        let saved_frames = std::mem::take(&mut self.frames);
        let body = self.push_frame(
            kind,
            false,
            body_range.clone(),
            (!wrapper).then(|| name.clone()),
        );
        // Nested fn items are sync (or async) on their own: fix the parent link for context only.
        self.m.bodies[body].parent = None;
        let ctx = self.m.body_ctx(body);
        if let Some(f) = self.frames.last_mut() {
            f.ctx = ctx;
        }
        if !wrapper {
            let runtime_attr = self.runtime_attr(attrs);
            let has_main_attr = attrs.iter().any(|a| {
                a.path().segments.last().is_some_and(|s| s.ident == "main")
                    || matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().contains("main"))
            });
            if let Some(ra) = &runtime_attr {
                self.m.bodies[body].flavor = attr_flavor(ra);
            }
            if async_trait == Some(true) && sig.asyncness.is_some() {
                self.m.bodies[body].send = Some(SendReason::AsyncTrait);
            }
            let idx = self.m.fns.len();
            self.m.fns.push(FnInfo {
                name: name.clone(),
                is_async: sig.asyncness.is_some(),
                sig,
                top_level: top_level && !in_impl,
                in_impl,
                sig_range: sig_range.clone(),
                body,
                runtime_attr,
                has_main_attr,
            });
            self.m.bodies[body].fn_index = Some(idx);
        }
        for input in &sig.inputs {
            if let syn::FnArg::Typed(pt) = input {
                let mut ns = Vec::new();
                syntax::pat_names(&pt.pat, &mut ns);
                let r = self.range(
                    first_span_pat(&pt.pat),
                    syn::spanned::Spanned::span(&*pt.ty),
                );
                for (n, idx) in ns {
                    self.declare(
                        n,
                        r.clone(),
                        if idx.is_none() { Some(&*pt.ty) } else { None },
                        None,
                        idx,
                        true,
                    );
                }
            }
        }
        if kind == BodyKind::PollFn {
            let facts = poll::analyze(self.unit, &self.m.names, block, cx.as_deref());
            self.m.polls.push(PollFn {
                name: name.clone(),
                facts,
            });
        }
        self.block_stmts(block);
        self.pop_frame();
        self.frames = saved_frames;
    }

    // ---- statements ----------------------------------------------------------

    fn block(&mut self, b: &'a syn::Block) {
        self.push_scope();
        self.block_stmts(b);
        self.pop_scope();
    }

    fn block_stmts(&mut self, b: &'a syn::Block) {
        for s in &b.stmts {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &'a Stmt) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        match s {
            Stmt::Local(l) => self.local(l),
            Stmt::Item(i) => self.item(i, false),
            Stmt::Expr(e, semi) => {
                self.push_temp(Via::Temporary);
                let discard = semi.is_some() && self.macro_stmts == 0;
                let u = if discard { Use::Discard } else { Use::Other };
                if discard && matches!(strip(e), Expr::Async(_)) {
                    let r = self.expr_range(e);
                    self.m.discarded_blocks.push(r);
                }
                self.expr(e, u);
                self.pop_temp();
            }
            Stmt::Macro(m) => {
                self.push_temp(Via::Temporary);
                let r = self.range(first_span_of_mac(&m.mac), mac_close(&m.mac));
                self.mac(&m.mac, r);
                self.pop_temp();
            }
        }
        self.depth -= 1;
    }

    fn local(&mut self, l: &'a syn::Local) {
        let mut names = Vec::new();
        syntax::pat_names(&l.pat, &mut names);
        let wild = syntax::pat_is_wild(&l.pat);
        let end = l.semi_token.span;
        let let_range = self.range(l.let_token.span, end);
        self.push_temp(Via::Temporary);
        let saved = std::mem::replace(
            &mut self.let_names,
            names.iter().map(|n| n.0.clone()).collect(),
        );
        let saved_range = self.let_range.replace(let_range.clone());
        if let Some(init) = &l.init {
            let u = if !wild {
                Use::Bind
            } else if self.macro_stmts == 0 {
                Use::LetUnderscore
            } else {
                Use::Other
            };
            if wild && self.macro_stmts == 0 && matches!(strip(&init.expr), Expr::Async(_)) {
                self.m.discarded_blocks.push(let_range.clone());
            }
            self.expr(&init.expr, u);
            if let Some((_, div)) = &init.diverge {
                self.expr(div, Use::Other);
            }
        }
        self.let_range = saved_range;
        self.let_names = saved;
        self.pop_temp();
        let ty = syntax::pat_type(&l.pat);
        let init = l.init.as_ref().map(|i| &*i.expr);
        for (n, idx) in names {
            self.declare(
                n,
                let_range.clone(),
                if idx.is_none() { ty } else { None },
                init,
                idx,
                false,
            );
        }
    }

    // ---- expressions -----------------------------------------------------------

    fn expr(&mut self, e: &'a Expr, u: Use) {
        if self.depth > MAX_DEPTH {
            return;
        }
        self.depth += 1;
        self.maybe_guard(e, &u);
        let bind_through = |u: &Use| match u {
            Use::Bind => Use::Bind,
            Use::Extend => Use::Extend,
            _ => Use::Other,
        };
        match e {
            Expr::Array(x) => {
                let inner = bind_through(&u);
                for el in &x.elems {
                    self.expr(el, inner.clone());
                }
            }
            Expr::Assign(x) => {
                self.expr(&x.right, Use::Other);
                self.expr(&x.left, Use::Other);
            }
            Expr::Async(x) => self.async_block(x, None),
            Expr::Await(x) => {
                let moved = self.moved_into_futures.len();
                self.expr(&x.base, Use::Await);
                let r = self.range(x.await_token.span, x.await_token.span);
                self.mut_ref_await(&x.base);
                let n = self.m.awaits.len();
                self.record_await(r);
                let local = self.local_of(&x.base);
                if let Some(a) = self.m.awaits.get_mut(n) {
                    a.local = local;
                }
                self.end_moved_since(moved);
            }
            Expr::Binary(x) => {
                self.expr(&x.left, Use::Other);
                self.expr(&x.right, Use::Other);
            }
            Expr::Block(x) => {
                self.push_scope();
                self.block_stmts(&x.block);
                self.pop_scope();
            }
            Expr::Break(x) => {
                if let Some(v) = &x.expr {
                    self.expr(v, Use::Other);
                }
            }
            Expr::Call(x) => self.call(e, x, u),
            Expr::Cast(x) => self.expr(&x.expr, Use::Other),
            Expr::Closure(x) => self.closure(x, &ArgRole::Unknown),
            Expr::Const(x) => self.block(&x.block),
            Expr::Field(x) if matches!(&*x.base, Expr::Path(_)) => {
                self.capture_check(&x.base, Capture::Borrow)
            }
            Expr::Field(x) => {
                let inner = if u == Use::Extend {
                    Use::Extend
                } else {
                    Use::Other
                };
                self.expr(&x.base, inner);
            }
            Expr::ForLoop(x) => self.for_loop(x),
            Expr::Group(x) => self.expr(&x.expr, u),
            Expr::If(x) => self.if_expr(x),
            Expr::Index(x) => {
                let inner = if u == Use::Extend {
                    Use::Extend
                } else {
                    Use::Other
                };
                self.expr(&x.expr, inner);
                self.expr(&x.index, Use::Other);
            }
            Expr::Let(x) => self.expr(&x.expr, Use::Scrutinee),
            Expr::Loop(x) => {
                let header = self.range(x.loop_token.span, x.loop_token.span);
                self.push_loop(LoopKind::Loop, header, false, None);
                self.block(&x.body);
                self.pop_loop();
            }
            Expr::Macro(x) => {
                let r = self.expr_range(e);
                self.mac(&x.mac, r);
            }
            Expr::Match(x) => self.match_expr(x),
            Expr::MethodCall(x) => self.method_call(e, x, u),
            Expr::Paren(x) => self.expr(&x.expr, u),
            Expr::Range(x) => {
                if let Some(s) = &x.start {
                    self.expr(s, Use::Other);
                }
                if let Some(s) = &x.end {
                    self.expr(s, Use::Other);
                }
            }
            Expr::RawAddr(x) => self.expr(&x.expr, Use::Other),
            Expr::Reference(x)
                if matches!(&*x.expr, Expr::Path(_)) && !matches!(u, Use::Bind | Use::Extend) =>
            {
                self.capture_check(&x.expr, Capture::Borrow)
            }
            Expr::Reference(x) => {
                let inner = if matches!(u, Use::Bind | Use::Extend) {
                    Use::Extend
                } else {
                    Use::Other
                };
                self.expr(&x.expr, inner);
            }
            Expr::Repeat(x) => {
                self.expr(&x.expr, Use::Other);
                self.expr(&x.len, Use::Other);
            }
            Expr::Return(x) => {
                if let Some(v) = &x.expr {
                    self.expr(v, Use::Other);
                }
            }
            Expr::Struct(x) => {
                let inner = bind_through(&u);
                for f in &x.fields {
                    self.expr(&f.expr, inner.clone());
                }
                if let Some(r) = &x.rest {
                    self.expr(r, Use::Other);
                }
            }
            Expr::Try(x) => self.expr(&x.expr, Use::Try),
            Expr::TryBlock(x) => self.block(&x.block),
            Expr::Tuple(x) => {
                let inner = bind_through(&u);
                for el in &x.elems {
                    self.expr(el, inner.clone());
                }
            }
            Expr::Unary(x) => {
                let inner = if u == Use::Extend && matches!(x.op, syn::UnOp::Deref(_)) {
                    Use::Extend
                } else {
                    Use::Other
                };
                self.expr(&x.expr, inner);
            }
            Expr::Unsafe(x) => self.block(&x.block),
            Expr::While(x) => self.while_loop(x),
            Expr::Yield(x) => {
                if let Some(v) = &x.expr {
                    self.expr(v, Use::Other);
                }
            }
            Expr::Path(_) => {
                let how = self.capture_kind(e, &u);
                self.capture_check(e, how)
            }
            _ => {}
        }
        self.depth -= 1;
    }

    fn if_expr(&mut self, x: &'a syn::ExprIf) {
        self.guarded_block(&x.cond, &x.then_branch);
        if let Some((_, els)) = &x.else_branch {
            self.expr(els, Use::Other);
        }
    }

    /// A block run when `cond` holds (`if` and `while`). With a `let`
    /// (and let chains), the scrutinee's temporaries and bindings live
    /// through the block (edition 2024 drops them before `else`); a plain
    /// condition's temporaries end before it.
    pub(super) fn guarded_block(&mut self, cond: &'a Expr, body: &'a syn::Block) {
        if has_let(cond) {
            self.push_temp(Via::Scrutinee);
            self.push_scope();
            self.cond(cond);
            self.block(body);
            self.pop_scope();
            self.pop_temp();
        } else {
            self.push_temp(Via::Temporary);
            self.expr(cond, Use::Other);
            self.pop_temp();
            self.block(body);
        }
    }

    fn cond(&mut self, c: &'a Expr) {
        match c {
            Expr::Let(l) => {
                let u = if result_pat(&l.pat) {
                    Use::ScrutineeResult
                } else {
                    Use::Scrutinee
                };
                self.expr(&l.expr, u);
                let r = self.range(l.let_token.span, last_span(&l.expr));
                self.declare_pat(&l.pat, r);
            }
            Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                self.cond(&b.left);
                self.cond(&b.right);
            }
            Expr::Paren(p) => self.cond(&p.expr),
            other => self.expr(other, Use::Other),
        }
    }

    fn match_expr(&mut self, x: &'a syn::ExprMatch) {
        self.push_temp(Via::Scrutinee);
        let u = if x.arms.iter().any(|a| result_pat(&a.pat)) {
            Use::ScrutineeResult
        } else {
            Use::Scrutinee
        };
        self.expr(&x.expr, u);
        for arm in &x.arms {
            self.push_scope();
            let r = self.expr_range(&arm.body);
            self.declare_pat(&arm.pat, r);
            if let Some(g) = syntax::arm_guard(arm) {
                self.push_temp(Via::Temporary);
                self.expr(g, Use::Other);
                self.pop_temp();
            }
            self.push_temp(Via::Temporary);
            self.expr(&arm.body, Use::Other);
            self.pop_temp();
            self.pop_scope();
        }
        self.pop_temp();
    }

    fn closure(&mut self, c: &'a syn::ExprClosure, role: &ArgRole) {
        let kind = if c.asyncness.is_some() {
            BodyKind::AsyncClosure
        } else {
            BodyKind::Closure(match role {
                ArgRole::Exempt(w) => ClosureRole::Exempt(w),
                ArgRole::Inline => ClosureRole::Inline,
                _ => ClosureRole::Maybe,
            })
        };
        let r = self.range(closure_start(c), last_span(&c.body));
        self.push_frame(kind, true, r, None);
        for input in &c.inputs {
            let pr = self.range(first_span_pat(input), first_span_pat(input));
            self.declare_pat(input, pr);
        }
        self.push_temp(Via::Temporary);
        self.expr(&c.body, Use::Other);
        self.pop_temp();
        self.pop_frame();
    }

    fn async_block(&mut self, b: &'a syn::ExprAsync, role: Option<&ArgRole>) {
        let r = self.range(b.async_token.span, b.block.brace_token.span.close());
        let id = self.push_frame(BodyKind::AsyncBlock, true, r, None);
        match role {
            Some(ArgRole::Spawn { what, send, task }) => {
                self.m.bodies[id].detached = true;
                let kw_end = b.capture.map(|m| m.span).unwrap_or(b.async_token.span);
                let kw = self.range(b.async_token.span, kw_end);
                if *task {
                    self.m.spawned_blocks.push(SpawnedBlock {
                        body: id,
                        is_move: b.capture.is_some(),
                        keyword: kw,
                        spawner: what.clone(),
                    });
                }
                if *send {
                    self.m.bodies[id].send = Some(SendReason::PassedTo(what.clone()));
                }
            }
            Some(ArgRole::BlockOn { flavor }) => {
                self.m.bodies[id].detached = true;
                self.m.bodies[id].flavor = flavor.clone();
            }
            _ => {}
        }
        self.block(&b.block);
        self.pop_frame();
    }

    /// An argument of a call: closures and async blocks get the callee's role.
    fn arg(&mut self, a: &'a Expr, role: &ArgRole) {
        match strip(a) {
            Expr::Closure(c) => self.closure(c, role),
            Expr::Async(b) => self.async_block(b, Some(role)),
            // `spawn_blocking({ let b = b.clone(); move || b.wait() })`: the
            // closure (or async block) the block ends with is the argument.
            Expr::Block(x)
                if x.label.is_none()
                    && matches!(x.block.stmts.last(), Some(Stmt::Expr(t, None))
                        if matches!(strip(t), Expr::Closure(_) | Expr::Async(_))) =>
            {
                self.push_scope();
                if let Some((Stmt::Expr(t, None), init)) = x.block.stmts.split_last() {
                    for s in init {
                        self.stmt(s);
                    }
                    self.push_temp(Via::Temporary);
                    self.arg(t, role);
                    self.pop_temp();
                }
                self.pop_scope();
            }
            _ => {
                if let ArgRole::BlockOn { flavor: Some(f) } = role
                    && matches!(strip(a), Expr::Call(_) | Expr::MethodCall(_))
                {
                    let r = self.expr_range(strip(a));
                    self.m.block_on_calls.push((r, f.clone()));
                }
                self.expr(a, Use::Arg)
            }
        }
        if let ArgRole::Spawn {
            what, send: true, ..
        } = role
        {
            self.spawned_call(a, what);
        }
    }

    fn call(&mut self, e: &'a Expr, x: &'a syn::ExprCall, u: Use) {
        let segs = syntax::path_segs(&x.func);
        let path = segs.as_ref().map(|s| self.resolve_at(s, &x.func));
        if path.is_none() {
            self.expr(&x.func, Use::Other);
        }
        let boxed_send = path.as_ref().is_some_and(|p| {
            p.last() == "pin"
                && segs
                    .as_ref()
                    .is_some_and(|s| s.len() >= 2 && s[s.len() - 2] == "Box")
        }) && self.fn_returns_send();
        for a in &x.args {
            let closure_arg = matches!(strip(a), Expr::Closure(c) if c.asyncness.is_none());
            let mut role =
                apis::arg_role(&self.m.names, path.as_ref(), None, None, closure_arg, |c| {
                    self.flavor_of_chain(c)
                });
            if boxed_send && matches!(strip(a), Expr::Async(_)) {
                role = ArgRole::Spawn {
                    task: false,
                    what: "`Box::pin` returned as a `Send` future".to_string(),
                    send: true,
                };
            }
            self.arg(a, &role);
        }
        if let Some(p) = &path {
            self.axum_handlers(p.last(), &x.args);
            self.move_args(&x.args, &u);
            // Pin::new(&mut fut)
            if p.last() == "new"
                && segs
                    .as_ref()
                    .is_some_and(|s| s.len() >= 2 && s[s.len() - 2] == "Pin")
                && let Some(a) = x.args.first()
            {
                let r = self.expr_range(e);
                self.mut_ref_target(a, r, PinHow::PinNew);
            }
            if p.how == How::Local
                || segs
                    .as_ref()
                    .is_some_and(|s| s.first().is_some_and(|f| f == "Self"))
            {
                let last = p.last().to_string();
                if self.m.names.async_fn(&last, false)
                    && let Some(b) = self.cur_body()
                {
                    self.m.async_calls.push(AsyncCall {
                        body: b,
                        name: last,
                        is_method: false,
                    });
                }
            }
        }
        let callee = match path {
            Some(p) => Callee::Path(p),
            None => Callee::Other,
        };
        let name_span = match strip(&x.func) {
            Expr::Path(p) => p
                .path
                .segments
                .last()
                .map(|s| s.ident.span())
                .unwrap_or(x.paren_token.span.open()),
            other => last_span(other),
        };
        self.push_call(
            e,
            callee,
            None,
            &x.args,
            u,
            name_span,
            x.paren_token.span.close(),
        );
    }

    fn method_call(&mut self, e: &'a Expr, x: &'a syn::ExprMethodCall, u: Use) {
        let name = x.method.to_string();
        match strip(&x.receiver) {
            // `async { .. }.boxed()`: a `BoxFuture`, which is `Send`.
            Expr::Async(b) if name == "boxed" => self.async_block(
                b,
                Some(&ArgRole::Spawn {
                    task: false,
                    what: "`.boxed()` (a `BoxFuture`, which is `Send`)".to_string(),
                    send: true,
                }),
            ),
            _ => self.expr(&x.receiver, Use::Receiver(name.clone())),
        }
        self.axum_handlers(&name, &x.args);
        let recv = self.chain(&x.receiver);
        for a in &x.args {
            let closure_arg = matches!(strip(a), Expr::Closure(c) if c.asyncness.is_none());
            let role = apis::arg_role(
                &self.m.names,
                None,
                Some(&name),
                Some(&recv),
                closure_arg,
                |c| self.flavor_of_chain(c),
            );
            let role = apis::on_local_executor(role, &self.m.locals, Some(&recv));
            self.arg(a, &role);
        }
        self.move_args(&x.args, &u);
        if self.m.names.async_fn(&name, true)
            && let Some(b) = self.cur_body()
        {
            self.m.async_calls.push(AsyncCall {
                body: b,
                name: name.clone(),
                is_method: true,
            });
        }
        self.push_call(
            e,
            Callee::Method(name),
            Some(recv),
            &x.args,
            u,
            x.method.span(),
            x.paren_token.span.close(),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn push_call(
        &mut self,
        e: &'a Expr,
        callee: Callee,
        receiver: Option<Chain>,
        args: &'a syn::punctuated::Punctuated<Expr, syn::Token![,]>,
        u: Use,
        name_span: Span,
        close: Span,
    ) {
        let range = self.range(first_span(e), close);
        let name_range = self.range(name_span, name_span);
        let args: Vec<ArgInfo> = args
            .iter()
            .map(|a| ArgInfo {
                chain: self.chain(strip_ref(a).0),
                range: self.expr_range(a),
            })
            .collect();
        let (body, ctx) = match self.frames.last() {
            Some(f) => (Some(f.body), f.ctx),
            None => (None, Ctx::Sync),
        };
        self.count_loop_call(&callee, args.len());
        self.m.calls.push(Call {
            expr: Some(e),
            unit: Some(self.unit_idx),
            body,
            ctx,
            range,
            name_range,
            callee,
            receiver,
            args,
            parent: u,
        });
    }
}

/// `Ok(..)` / `Err(..)` patterns: the scrutinee is a `Result`.
fn result_pat(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::TupleStruct(t) => t
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Ok" || s.ident == "Err"),
        syn::Pat::Or(o) => o.cases.iter().any(result_pat),
        syn::Pat::Guard(g) => result_pat(&g.pat),
        _ => false,
    }
}

fn has_let(e: &Expr) -> bool {
    match e {
        Expr::Let(_) => true,
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            has_let(&b.left) || has_let(&b.right)
        }
        Expr::Paren(p) => has_let(&p.expr),
        _ => false,
    }
}

fn closure_start(x: &syn::ExprClosure) -> Span {
    if let Some(l) = &x.lifetimes {
        l.for_token.span
    } else if let Some(c) = &x.constness {
        c.span
    } else if let Some(a) = &x.asyncness {
        a.span
    } else if let Some(c) = &x.capture {
        c.span
    } else {
        x.inputs_begin.span
    }
}

fn first_span_pat(p: &syn::Pat) -> Span {
    syn::spanned::Spanned::span(p)
}

fn first_span_of_mac(m: &syn::Macro) -> Span {
    match (&m.path.leading_colon, m.path.segments.first()) {
        (Some(c), _) => c.spans[0],
        (None, Some(s)) => s.ident.span(),
        _ => m.bang_token.span,
    }
}

fn mac_close(m: &syn::Macro) -> Span {
    match &m.delimiter {
        syn::MacroDelimiter::Paren(p) => p.span.close(),
        syn::MacroDelimiter::Brace(b) => b.span.close(),
        syn::MacroDelimiter::Bracket(b) => b.span.close(),
    }
}

/// The name of a `Context` parameter (`cx: &mut Context<'_>`); `_` when unnamed.
fn context_param(sig: &syn::Signature) -> Option<String> {
    for input in &sig.inputs {
        if let syn::FnArg::Typed(pt) = input {
            let mut t = &*pt.ty;
            if let syn::Type::Reference(r) = t {
                t = &r.elem;
            }
            if let syn::Type::Path(p) = t
                && p.path.segments.last().is_some_and(|s| s.ident == "Context")
            {
                return Some(match &*pt.pat {
                    syn::Pat::Ident(i) => i.ident.to_string(),
                    _ => "_".to_string(),
                });
            }
        }
    }
    None
}
