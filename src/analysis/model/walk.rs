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
use hashbrown::{HashMap, HashSet};
use proc_macro2::Span;
use syn::{Expr, Stmt};

/// Recursion bound for the walk (the parser's nesting check keeps real
/// input far below it; this only protects against surprises).
const MAX_DEPTH: usize = 3_000;

/// Methods that pass a lock result through to the guard.
const ADAPTERS: &[&str] = &[
    "unwrap",
    "expect",
    "unwrap_or_else",
    "map_err",
    "unwrap_or_default",
    "ok",
];

struct Scope {
    locals: Vec<(String, LocalId)>,
    lives: Vec<LiveId>,
}

struct TempScope {
    via: Via,
    lives: Vec<LiveId>,
}

struct Frame {
    body: BodyId,
    kind: BodyKind,
    ctx: Ctx,
    scopes: Vec<Scope>,
    temps: Vec<TempScope>,
    /// Loops of this body, innermost last (indices into `Model::loops`).
    loops: Vec<usize>,
    /// Closures and async blocks see the locals of the frame below.
    captures: bool,
}

/// futures-util constructors whose futures implement `FusedFuture` and
/// `Unpin` (futures-util 0.3: `Ready`, `Pending`, `Lazy`, `AlwaysReady`).
const FUSED_FUTURES_CTORS: &[&str] = &["ready", "ok", "err", "pending", "lazy", "always_ready"];

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
        impl_types: Vec::new(),
        field_cache: HashMap::new(),
    };
    for item in &unit.file.items {
        w.item(item, true);
    }
}

/// After all units: which async fns run inside a future that must be `Send`.
pub(super) fn propagate_send(m: &mut Model<'_>) {
    let mut required: HashMap<(String, bool), String> = HashMap::new();
    for (name, method, what) in &m.spawn_targets {
        required
            .entry((name.clone(), *method))
            .or_insert_with(|| what.clone());
    }
    loop {
        let mut changed = false;
        for i in 0..m.bodies.len() {
            if m.bodies[i].kind != BodyKind::AsyncFn || m.bodies[i].send.is_some() {
                continue;
            }
            let Some(name) = m.bodies[i].name.clone() else {
                continue;
            };
            let is_method = m.bodies[i]
                .fn_index
                .and_then(|f| m.fns.get(f))
                .is_some_and(|f| f.sig.receiver().is_some());
            if let Some(why) = required.get(&(name.clone(), is_method)) {
                m.bodies[i].send = Some(why.clone());
                changed = true;
            }
        }
        let calls = m.async_calls.clone();
        for (body, name, method) in calls {
            if required.contains_key(&(name.clone(), method)) {
                continue;
            }
            if let Some(why) = m.send_reason(body) {
                let why = format!("`{name}` is awaited in a future that must be `Send` ({why})");
                required.insert((name, method), why);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

fn is_lockish(name: &str) -> bool {
    matches!(
        name,
        "lock"
            | "read"
            | "write"
            | "borrow"
            | "borrow_mut"
            | "enter"
            | "entered"
            | "try_lock"
            | "try_read"
            | "try_write"
            | "try_borrow"
            | "try_borrow_mut"
            | "borrow_and_update"
    )
}

/// `match m.lock() { Ok(g) => g, Err(p) => p.into_inner() }`: every arm
/// yields the value its pattern bound (or recovers it, or leaves).
fn match_passes_through(m: &syn::ExprMatch) -> bool {
    !m.arms.is_empty()
        && m.arms.iter().all(|arm| {
            let mut names = Vec::new();
            syntax::pat_names(&arm.pat, &mut names);
            let bound =
                |e: &Expr| syntax::ident_of(e).is_some_and(|n| names.iter().any(|(b, _)| *b == n));
            match strip(&arm.body) {
                body if bound(body) => true,
                Expr::MethodCall(mc) => mc.method == "into_inner" && bound(&mc.receiver),
                body => syntax::exits(body),
            }
        })
}

/// The lock-like method call at the core of a guard expression
/// (`m.lock().unwrap()` -> `m.lock()`), and whether adapters wrap it.
fn guard_core(e: &Expr) -> Option<(&syn::ExprMethodCall, bool)> {
    let mut cur = e;
    let mut adapted = false;
    loop {
        match cur {
            Expr::MethodCall(mc) if ADAPTERS.contains(&mc.method.to_string().as_str()) => {
                adapted = true;
                cur = &mc.receiver;
            }
            Expr::Try(t) => {
                adapted = true;
                cur = &t.expr;
            }
            Expr::Paren(p) => cur = &p.expr,
            Expr::Group(g) => cur = &g.expr,
            Expr::Match(m) if match_passes_through(m) => {
                adapted = true;
                cur = &m.expr;
            }
            Expr::MethodCall(mc) if mc.args.is_empty() && is_lockish(&mc.method.to_string()) => {
                return Some((mc, adapted));
            }
            // DashMap accessors return guards over a shard lock.
            Expr::MethodCall(mc)
                if mc.args.len() <= 1
                    && matches!(
                        mc.method.to_string().as_str(),
                        "get"
                            | "get_mut"
                            | "entry"
                            | "iter"
                            | "iter_mut"
                            | "try_get"
                            | "try_get_mut"
                    ) =>
            {
                return Some((mc, adapted));
            }
            _ => return None,
        }
    }
}

fn is_rc(paths: &[Resolved]) -> bool {
    paths.first().is_some_and(|p| {
        p.last() == "Rc" && (p.starts_with("std::rc") || p.unresolved() || p.starts_with("alloc"))
    })
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

    // ---- frames and scopes -----------------------------------------------

    fn frame(&mut self) -> Option<&mut Frame> {
        self.frames.last_mut()
    }

    fn cur_body(&self) -> Option<BodyId> {
        self.frames.last().map(|f| f.body)
    }

    fn cur_ctx(&self) -> Ctx {
        self.frames.last().map(|f| f.ctx).unwrap_or(Ctx::Sync)
    }

    fn push_frame(
        &mut self,
        kind: BodyKind,
        captures: bool,
        range: Range<usize>,
        name: Option<String>,
    ) -> BodyId {
        let parent = self.cur_body();
        let id = self.m.bodies.len();
        self.m.bodies.push(Body {
            kind,
            parent,
            name,
            send: None,
            flavor: None,
            fn_index: None,
            range,
            detached: false,
        });
        let ctx = self.m.body_ctx(id);
        self.frames.push(Frame {
            body: id,
            kind,
            ctx,
            scopes: vec![Scope {
                locals: Vec::new(),
                lives: Vec::new(),
            }],
            temps: Vec::new(),
            loops: Vec::new(),
            captures,
        });
        id
    }

    fn pop_frame(&mut self) {
        self.frames.pop();
    }

    fn push_scope(&mut self) {
        if let Some(f) = self.frame() {
            f.scopes.push(Scope {
                locals: Vec::new(),
                lives: Vec::new(),
            });
        }
    }

    fn pop_scope(&mut self) {
        if let Some(f) = self.frame() {
            f.scopes.pop();
        }
    }

    fn push_temp(&mut self, via: Via) {
        if let Some(f) = self.frame() {
            f.temps.push(TempScope {
                via,
                lives: Vec::new(),
            });
        }
    }

    fn pop_temp(&mut self) {
        if let Some(f) = self.frame() {
            f.temps.pop();
        }
    }

    fn lookup(&self, name: &str) -> Option<LocalId> {
        self.lookup_where(|n| n == name)
    }

    /// The local a single-identifier expression names (`g`).
    fn local_of(&self, e: &Expr) -> Option<LocalId> {
        let ident = syntax::single_ident(e)?;
        self.lookup_where(|n| ident == n)
    }

    fn lookup_where(&self, is: impl Fn(&str) -> bool) -> Option<LocalId> {
        for f in self.frames.iter().rev() {
            for s in f.scopes.iter().rev() {
                if let Some((_, id)) = s.locals.iter().rev().find(|(n, _)| is(n)) {
                    return Some(*id);
                }
            }
            if !f.captures {
                break;
            }
        }
        None
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

    /// What kind of future an expression makes, if it makes one.
    fn future_kind(&self, e: &Expr) -> Option<FutureKind> {
        match strip(e) {
            Expr::Async(_) => Some(FutureKind::AsyncBlock),
            Expr::Call(c) => {
                let segs = syntax::path_segs(&c.func)?;
                let p = self.resolve_at(&segs, &c.func);
                if p.last() == "pin" && segs.len() >= 2 && segs[segs.len() - 2] == "Box" {
                    return c.args.first().and_then(|a| self.future_kind(a));
                }
                if p.how == How::Local && segs.len() == 1 && self.m.names.async_fn(p.last(), false)
                {
                    return Some(FutureKind::SnippetAsyncFn(p.last().to_string()));
                }
                if segs.first().is_some_and(|s| s == "Self")
                    && self.m.names.async_fn(p.last(), false)
                {
                    return Some(FutureKind::SnippetAsyncFn(p.last().to_string()));
                }
                if apis::returns_future(&p) || apis::timer_kind(&p).is_some() {
                    return Some(FutureKind::Api(p.text()));
                }
                None
            }
            Expr::MethodCall(mc) => {
                let name = mc.method.to_string();
                match name.as_str() {
                    "fuse" | "boxed" | "boxed_local" => self.future_kind(&mc.receiver),
                    _ if self.m.names.async_fn(&name, true) => {
                        Some(FutureKind::SnippetAsyncFn(name))
                    }
                    _ => None,
                }
            }
            Expr::Macro(m) if syntax::macro_name(&m.mac) == "pin" => match self.store.get(&m.mac) {
                Some(Parsed::Pin { exprs, .. }) => exprs.first().and_then(|e| self.future_kind(e)),
                Some(Parsed::Exprs(v)) => v.first().and_then(|e| self.future_kind(e)),
                _ => None,
            },
            _ => None,
        }
    }

    fn is_pinned_expr(&self, e: &Expr) -> bool {
        let c = self.chain(e);
        let root_pinned = match &c.root {
            Root::Call { path, .. } => {
                path.last() == "pin" && path.segs.iter().any(|s| s == "Box" || s == "pin")
            }
            Root::Macro(m) => m == "pin",
            _ => false,
        };
        root_pinned || c.methods().any(|m| m == "boxed" || m == "boxed_local")
    }

    /// Fused at creation: `.fuse()`, `Fuse::terminated()`, a pinned fused
    /// future, a fused local, or one of futures' fused leaf futures.
    fn is_fused_expr(&self, e: &Expr) -> bool {
        let c = self.chain(e);
        if c.has_method("fuse") {
            return true;
        }
        match strip(e) {
            // A local: fused when its value was (`let f = g.fuse(); let f = Box::pin(f);`).
            Expr::Path(_) => self.local_of(e).is_some_and(|id| self.m.locals[id].fused),
            Expr::Call(call) => {
                let segs = syntax::path_segs(&call.func).unwrap_or_default();
                match segs.last().map(|s| s.as_str()) {
                    Some("terminated") => true,
                    Some("pin") => call.args.first().is_some_and(|a| self.is_fused_expr(a)),
                    // futures' own leaf futures are `FusedFuture` (and `Unpin`);
                    // std's `ready`/`pending` are not.
                    Some(f) if FUSED_FUTURES_CTORS.contains(&f) => {
                        let path = self.resolve_at(&segs, &call.func);
                        path.starts_with("futures::future")
                            || path.starts_with("futures_util::future")
                    }
                    _ => false,
                }
            }
            Expr::Macro(m) if syntax::macro_name(&m.mac) == "pin" => match self.store.get(&m.mac) {
                Some(Parsed::Pin { exprs, .. }) | Some(Parsed::Exprs(exprs)) => {
                    exprs.first().is_some_and(|a| self.is_fused_expr(a))
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// Types suggested by a constructor (`Arc::new(Mutex::new(0))` -> Arc, Mutex).
    fn ctor_types(&self, e: &Expr) -> Vec<Resolved> {
        let mut out = Vec::new();
        let mut cur = e;
        for _ in 0..8 {
            match strip(cur) {
                Expr::Call(c) => {
                    let Some(segs) = syntax::path_segs(&c.func) else {
                        break;
                    };
                    if segs.len() < 2 {
                        break;
                    }
                    let ty = self.resolve_at(&segs[..segs.len() - 1], &c.func);
                    let wrapper = matches!(ty.last(), "Arc" | "Rc" | "Box");
                    let is_clone = segs.last().is_some_and(|s| s == "clone");
                    out.push(ty);
                    if is_clone {
                        if let Some(id) = c.args.first().and_then(|a| self.local_of(strip_ref(a).0))
                        {
                            out.pop();
                            out.extend(self.m.locals[id].ty.iter().cloned());
                        }
                        break;
                    }
                    match (wrapper, c.args.first()) {
                        (true, Some(a)) => cur = a,
                        _ => break,
                    }
                }
                Expr::MethodCall(mc)
                    if matches!(mc.method.to_string().as_str(), "clone" | "into") =>
                {
                    if let Some(id) = self.local_of(&mc.receiver) {
                        out.extend(self.m.locals[id].ty.iter().cloned());
                    }
                    break;
                }
                Expr::Path(_) => {
                    if let Some(id) = self.local_of(cur) {
                        out.extend(self.m.locals[id].ty.iter().cloned());
                    }
                    break;
                }
                _ => break,
            }
        }
        out
    }

    fn field_family(&mut self, field: &str) -> Option<apis::TypeFamily> {
        if let Some(f) = self.field_cache.get(field) {
            return *f;
        }
        let fam = match self.m.names.fields.get(field) {
            Some(types) => {
                let fams: Vec<Option<apis::TypeFamily>> = types
                    .iter()
                    .map(|t| {
                        let mut v = Vec::new();
                        names::type_paths(&self.m.names, t, &mut v);
                        apis::type_family(&v)
                    })
                    .collect();
                if fams.windows(2).all(|w| w[0] == w[1]) {
                    fams.first().copied().flatten()
                } else {
                    None
                }
            }
            None => None,
        };
        self.field_cache.insert(field.to_string(), fam);
        fam
    }

    /// What type family the receiver of a lock-like call has, when known.
    fn receiver_family(&mut self, recv: &Expr) -> Option<apis::TypeFamily> {
        let c = self.chain(recv);
        // Ignore methods that keep the type (`self.inner.clone().lock()`).
        let only_transparent = c
            .methods()
            .all(|m| matches!(m, "clone" | "as_ref" | "deref" | "borrow" | "get_ref"));
        if !only_transparent {
            if let Root::Call { path, .. } = &c.root
                && matches!(path.last(), "stdout" | "stderr" | "stdin")
            {
                return Some(apis::TypeFamily::Other);
            }
            return None;
        }
        if let Some(field) = c.last_field() {
            let field = field.to_string();
            return self.field_family(&field);
        }
        match &c.root {
            Root::Local(id) => {
                let l = &self.m.locals[*id];
                if let Some(f) = apis::type_family(&l.ty) {
                    return Some(f);
                }
                if l.init
                    .as_ref()
                    .and_then(|i| i.root_path())
                    .is_some_and(|p| matches!(p.last(), "stdin" | "stdout" | "stderr"))
                {
                    return Some(apis::TypeFamily::Other);
                }
                if l.init.as_ref().is_some_and(|i| {
                    i.root_path().is_some_and(|p| p.text().contains("watch"))
                        || matches!(&i.root, Root::Macro(m) if m.ends_with("span"))
                }) {
                    let init = l.init.as_ref().unwrap();
                    if matches!(&init.root, Root::Macro(_)) {
                        return Some(apis::TypeFamily::Span);
                    }
                    return Some(apis::TypeFamily::WatchReceiver);
                }
                if l.tuple_index.is_some()
                    && let Some(p) = l.init.as_ref().and_then(|i| i.root_path())
                    && p.text().contains("watch")
                {
                    return Some(apis::TypeFamily::WatchReceiver);
                }
                // `let rx2 = rx.clone();` / `let rx2 = tx.subscribe();` of a watch channel.
                if let Some(init) = &l.init
                    && let Root::Local(src) = init.root
                    && src < *id
                    && init.links.len() == 1
                {
                    let src_l = &self.m.locals[src];
                    let watch_src = src_l.tuple_index.is_some()
                        && src_l
                            .init
                            .as_ref()
                            .and_then(|i| i.root_path())
                            .is_some_and(|p| p.text().contains("watch"));
                    let same = init.has_method("clone") && src_l.tuple_index == Some(1);
                    let sub = init.has_method("subscribe") && src_l.tuple_index == Some(0);
                    if watch_src && (same || sub) {
                        return Some(apis::TypeFamily::WatchReceiver);
                    }
                }
                None
            }
            Root::Call { path, .. } => {
                if matches!(path.last(), "stdout" | "stderr" | "stdin") {
                    return Some(apis::TypeFamily::Other);
                }
                if path.last() == "current" && path.segs.iter().any(|s| s == "Span") {
                    return Some(apis::TypeFamily::Span);
                }
                None
            }
            Root::Macro(m) if m.ends_with("span") => Some(apis::TypeFamily::Span),
            _ => None,
        }
    }

    /// Is `e` (as used by its parent) a value that holds a lock, a
    /// `RefCell` borrow or a span guard?
    fn guard_info(&mut self, e: &Expr) -> Option<(LiveKind, Range<usize>, Option<String>)> {
        let (mc, adapted) = guard_core(e)?;
        let name = mc.method.to_string();
        let fam = self.receiver_family(&mc.receiver);
        let desc_range = self.range(first_span(&mc.receiver), mc.paren_token.span.close());
        use apis::TypeFamily as T;
        match name.as_str() {
            "lock" | "read" | "write" => {
                let kind = match fam {
                    Some(T::StdLock) => LockFamily::Std,
                    Some(T::ParkingLotLock) => LockFamily::ParkingLot,
                    Some(T::UnknownLock) | None => {
                        let names = &self.m.names;
                        let imports_std = names.imports().any(|p| {
                            p.len() >= 3
                                && p[0] == "std"
                                && p[1] == "sync"
                                && matches!(p[2].as_str(), "Mutex" | "RwLock")
                        }) || names.mentions("std")
                            && (names.mentions("Mutex") || names.mentions("RwLock"))
                            && !names.mentions("tokio");
                        let imports_async = names.imports().any(|p| {
                            p.len() >= 3
                                && matches!(
                                    p[0].as_str(),
                                    "tokio"
                                        | "futures"
                                        | "async_std"
                                        | "async_lock"
                                        | "futures_util"
                                )
                                && matches!(p.last().map(|s| s.as_str()), Some("Mutex" | "RwLock"))
                        });
                        if adapted {
                            LockFamily::Std
                        } else if names.uses_crate("parking_lot") {
                            LockFamily::ParkingLot
                        } else if imports_async && !imports_std {
                            return None;
                        } else if imports_std {
                            LockFamily::Std
                        } else {
                            if name != "lock" {
                                // A bare `.read()` / `.write()` with nothing saying it is a lock.
                                return None;
                            }
                            let what = self.m.snippet_text(&desc_range);
                            return Some((
                                LiveKind::Guard(LockFamily::Unknown),
                                desc_range,
                                Some(format!(
                                    "assumed `{what}` returns a blocking guard (a `parking_lot`-style Mutex): no `use` line or type says which Mutex this is"
                                )),
                            ));
                        }
                    }
                    _ => return None,
                };
                Some((LiveKind::Guard(kind), desc_range, None))
            }
            "get" | "get_mut" | "entry" | "iter" | "iter_mut" | "try_get" | "try_get_mut" => {
                (fam == Some(T::DashMap)).then_some((LiveKind::DashRef, desc_range, None))
            }
            // `try_*`: only a lock known to block (a tokio guard may be held).
            "try_lock" | "try_read" | "try_write" => match fam {
                Some(T::StdLock) => Some((LiveKind::Guard(LockFamily::Std), desc_range, None)),
                Some(T::ParkingLotLock) => {
                    Some((LiveKind::Guard(LockFamily::ParkingLot), desc_range, None))
                }
                _ => None,
            },
            "borrow" | "borrow_mut" | "try_borrow" | "try_borrow_mut" | "borrow_and_update" => {
                match fam {
                    Some(T::RefCell) if name != "borrow_and_update" => {
                        Some((LiveKind::RefCellRef, desc_range, None))
                    }
                    Some(T::WatchReceiver)
                        if matches!(name.as_str(), "borrow" | "borrow_and_update") =>
                    {
                        Some((LiveKind::Guard(LockFamily::Watch), desc_range, None))
                    }
                    None if self.m.names.mentions("RefCell") => {
                        Some((LiveKind::RefCellRef, desc_range, None))
                    }
                    // `x.borrow_mut()` with nothing saying what `x` is: almost
                    // always a `RefCell` (`BorrowMut` is rarely called by name).
                    None if name == "borrow_mut" => {
                        let what = self.m.snippet_text(&desc_range);
                        Some((
                            LiveKind::RefCellRef,
                            desc_range,
                            Some(format!(
                                "assumed `{what}` borrows a `RefCell` (no type or `use` line says what it is)"
                            )),
                        ))
                    }
                    _ => None,
                }
            }
            "enter" | "entered" => {
                let spanish = matches!(fam, Some(T::Span))
                    || syntax::ident_of(&mc.receiver).is_some_and(|n| n.contains("span"))
                    || self
                        .chain(&mc.receiver)
                        .last_field()
                        .is_some_and(|f| f.contains("span"));
                let kind = if name == "entered" {
                    LiveKind::SpanGuard
                } else {
                    LiveKind::SpanEnter
                };
                spanish.then_some((kind, desc_range, None))
            }
            _ => None,
        }
    }

    fn maybe_guard(&mut self, e: &Expr, u: &Use) {
        match u {
            Use::Receiver(m) if ADAPTERS.contains(&m.as_str()) => return,
            Use::Try | Use::Await | Use::Discard | Use::LetUnderscore | Use::MacroFuture => return,
            _ => {}
        }
        let Some(frame) = self.frames.last() else {
            return;
        };
        if !frame.kind.is_async() {
            return;
        }
        let Some((kind, mut range, assumption)) = self.guard_info(e) else {
            return;
        };
        let name = self.let_names.first().cloned().unwrap_or_default();
        let desc = self.m.snippet_text(&range);
        if matches!(u, Use::Bind | Use::Extend)
            && let Some(r) = &self.let_range
        {
            range = r.clone();
        }
        let (via, bound) = match u {
            Use::Bind => (Via::Binding(name), true),
            Use::Extend => (Via::Extended(name), true),
            _ => (
                self.frames
                    .last()
                    .and_then(|f| f.temps.last())
                    .map(|t| t.via.clone())
                    .unwrap_or(Via::Temporary),
                false,
            ),
        };
        let body = self.cur_body().unwrap_or(0);
        let id = self.m.lives.len();
        self.m.lives.push(Live {
            kind,
            via,
            range,
            desc,
            body,
            assumption,
        });
        let f = self.frames.last_mut().unwrap();
        if bound || f.temps.is_empty() {
            if let Some(s) = f.scopes.last_mut() {
                s.lives.push(id);
            }
        } else if let Some(t) = f.temps.last_mut() {
            t.lives.push(id);
        }
    }

    fn record_await(&mut self, at: Range<usize>) {
        let Some(f) = self.frames.last() else { return };
        if !f.kind.is_async() {
            // E0728 unless an unknown macro's statements are being read.
            if self.macro_depth == 0 {
                let fn_name = self.m.bodies[f.body].name.clone();
                self.m.bad_awaits.push((at, f.kind, fn_name));
            }
            return;
        }
        let body = f.body;
        self.m.awaits.push((body, at.clone()));
        let mut seen = Vec::new();
        for s in &f.scopes {
            seen.extend(s.lives.iter().copied());
        }
        for t in &f.temps {
            seen.extend(t.lives.iter().copied());
        }
        let loops = f.loops.clone();
        for live in seen {
            let dropped = self.dropped.contains(&live);
            self.m.holds.push(Hold {
                live,
                await_range: at.clone(),
                dropped,
                body,
            });
        }
        for l in loops {
            self.m.loops[l].has_await = true;
        }
    }

    /// `drop(g)` or a move of `g` into a call: the value named `g` ends.
    fn end_binding(&mut self, name: &str) {
        let Some(f) = self.frames.last() else { return };
        for s in f.scopes.iter().rev() {
            for &l in s.lives.iter().rev() {
                if matches!(&self.m.lives[l].via, Via::Binding(n) | Via::Extended(n) | Via::Param(n) if n == name)
                {
                    self.dropped.insert(l);
                    return;
                }
            }
        }
    }

    // ---- declarations ------------------------------------------------------

    fn declare(
        &mut self,
        name: String,
        decl: Range<usize>,
        ty: Option<&syn::Type>,
        init: Option<&Expr>,
        tuple_index: Option<usize>,
        is_param: bool,
    ) -> LocalId {
        let mut ty_paths = Vec::new();
        if let Some(t) = ty {
            names::type_paths(&self.m.names, t, &mut ty_paths);
        } else if let Some(e) = init
            && tuple_index.is_none()
        {
            ty_paths = self.ctor_types(e);
        }
        let init_chain = init.map(|e| self.chain(e));
        let future = if tuple_index.is_none() {
            init.and_then(|e| self.future_kind(e))
        } else {
            None
        };
        let pinned = init.is_some_and(|e| self.is_pinned_expr(e));
        let fused = init.is_some_and(|e| self.is_fused_expr(e));
        let body = self.cur_body().unwrap_or(0);
        let id = self.m.locals.len();
        let rc = is_rc(&ty_paths);
        self.m.locals.push(Local {
            name: name.clone(),
            decl: decl.clone(),
            ty: ty_paths,
            init: init_chain,
            tuple_index,
            future,
            pinned,
            fused,
            is_param,
            body,
        });
        let async_frame = self.frames.last().is_some_and(|f| f.kind.is_async());
        if rc && async_frame {
            let lid = self.m.lives.len();
            let via = if is_param {
                Via::Param(name.clone())
            } else {
                Via::Binding(name.clone())
            };
            self.m.lives.push(Live {
                kind: LiveKind::Rc,
                via,
                range: decl.clone(),
                desc: format!("`{name}` (an `Rc`)"),
                body,
                assumption: None,
            });
            if let Some(s) = self.frames.last_mut().and_then(|f| f.scopes.last_mut()) {
                s.lives.push(lid);
            }
        }
        if let Some(s) = self.frames.last_mut().and_then(|f| f.scopes.last_mut()) {
            s.locals.push((name, id));
        }
        id
    }

    fn declare_pat(&mut self, pat: &syn::Pat, decl: Range<usize>) {
        let mut names = Vec::new();
        syntax::pat_names(pat, &mut names);
        let ty = syntax::pat_type(pat);
        for (n, idx) in names {
            self.declare(
                n,
                decl.clone(),
                if idx.is_none() { ty } else { None },
                None,
                idx,
                false,
            );
        }
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
            let runtime_attr =
                runtime_attr(&self.m.names, attrs).map(|(path, flavor, is_test, span)| {
                    RuntimeAttr {
                        path,
                        flavor,
                        is_test,
                        range: self.range(span.0, span.1),
                    }
                });
            let has_main_attr = attrs.iter().any(|a| {
                a.path().segments.last().is_some_and(|s| s.ident == "main")
                    || matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().contains("main"))
            });
            if let Some(ra) = &runtime_attr
                && (ra.path.starts_with("tokio") || !ra.path.contains("::"))
            {
                let flavor = match ra.flavor {
                    Some(f) => {
                        let text = match f {
                            Flavor::CurrentThread => "current_thread",
                            Flavor::MultiThread => "multi_thread",
                            Flavor::Local => "local",
                        };
                        Some((f, format!("`#[{}(flavor = \"{text}\")]`", ra.path)))
                    }
                    None if ra.is_test => Some((
                        Flavor::CurrentThread,
                        format!(
                            "`#[{}]` (a test runtime is current-thread by default)",
                            ra.path
                        ),
                    )),
                    None => Some((Flavor::MultiThread, format!("`#[{}]`", ra.path))),
                };
                self.m.bodies[body].flavor = flavor;
            }
            if async_trait == Some(true) && sig.asyncness.is_some() {
                self.m.bodies[body].send =
                    Some("an `#[async_trait]` method (its future is boxed as `Send`)".to_string());
            }
            let idx = self.m.fns.len();
            self.m.fns.push(FnInfo {
                name: name.clone(),
                is_async: sig.asyncness.is_some(),
                sig,
                attrs,
                top_level: top_level && !in_impl,
                in_impl,
                unit: self.unit_idx,
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
                range: sig_range.clone(),
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
                self.mac(
                    &m.mac,
                    r,
                    if m.semi_token.is_some() {
                        Use::Discard
                    } else {
                        Use::Other
                    },
                );
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
                self.expr(&x.base, Use::Await);
                let r = self.range(x.await_token.span, x.await_token.span);
                self.mut_ref_await(&x.base, r.clone());
                self.record_await(r);
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
                let li = self.push_loop(LoopKind::Loop, header, false, None);
                self.block(&x.body);
                self.pop_loop(li);
            }
            Expr::Macro(x) => {
                let r = self.expr_range(e);
                self.mac(&x.mac, r, u);
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

    /// The enclosing fn returns a `Send` future (`BoxFuture`, `Pin<Box<dyn Future + Send>>`).
    fn fn_returns_send(&self) -> bool {
        use quote::ToTokens;
        for f in self.frames.iter().rev() {
            if let Some(i) = self.m.bodies[f.body].fn_index {
                let mut out = self.m.fns[i].sig.output.to_token_stream().to_string();
                // `-> Self::Future` with `type Future = Pin<Box<dyn Future<..> + Send>>;`
                if let Some(assoc) = out.split("Self :: ").nth(1) {
                    let name = assoc
                        .split(|c: char| !c.is_alphanumeric() && c != '_')
                        .next()
                        .unwrap_or("");
                    if let Some((_, t)) = self.impl_types.iter().find(|(n, _)| n == name) {
                        out = t.clone();
                    }
                }
                return out.contains("Send")
                    || (out.contains("BoxFuture") && !out.contains("LocalBoxFuture"));
            }
        }
        false
    }

    /// `get(handler)` / `.route("/", post(handler))`: axum requires a
    /// handler's future to be `Send`.
    fn axum_handlers(
        &mut self,
        name: &str,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
    ) {
        if !matches!(
            name,
            "get"
                | "post"
                | "put"
                | "delete"
                | "patch"
                | "head"
                | "options"
                | "any"
                | "on"
                | "trace"
        ) {
            return;
        }
        if !(self.m.names.mentions("axum") || self.m.names.mentions("Router")) {
            return;
        }
        for a in args {
            if let Some(h) = syntax::ident_of(a)
                && self.m.names.async_fn(&h, false)
            {
                self.m.spawn_targets.push((
                    h.clone(),
                    false,
                    format!("`{h}` is an axum handler, and axum requires its future to be `Send`"),
                ));
            }
        }
    }

    fn capture_kind(&self, e: &Expr, u: &Use) -> Capture {
        match u {
            Use::Receiver(m) if m == "send" => {
                // tokio mpsc `send(&self)` borrows; oneshot `send(self)` moves.
                let id = self.local_of(e);
                let tokio_mpsc = id.is_some_and(|id| {
                    let l = &self.m.locals[id];
                    l.ty.iter().any(|t| t.starts_with("tokio::sync::mpsc"))
                        || l.init.as_ref().is_some_and(|i| {
                            matches!(&i.root, Root::Call { path, nargs }
                                if matches!(apis::channel_kind(path, *nargs), Some(apis::ChannelKind::TokioBounded)))
                        })
                });
                if tokio_mpsc {
                    Capture::Borrow
                } else {
                    Capture::Neutral
                }
            }
            Use::Receiver(m) if consuming(m) => Capture::Move,
            Use::Receiver(_) | Use::Extend => Capture::Borrow,
            Use::Arg
            | Use::Bind
            | Use::Await
            | Use::Try
            | Use::MacroFuture
            | Use::LetUnderscore => Capture::Move,
            Use::Other if self.fmt_macro > 0 => Capture::Borrow,
            _ => Capture::Neutral,
        }
    }

    /// A use of an outer `Rc` local inside an async block: the block
    /// captures it, so its future holds the `Rc` for its whole life.
    fn capture_check(&mut self, e: &Expr, how: Capture) {
        let borrow = how != Capture::Neutral;
        let Some(name) = syntax::ident_of(e) else {
            return;
        };
        let (owner, rc) = if name == "self" {
            // `self` belongs to the nearest fn with a receiver.
            let owner = self.frames.iter().rev().find_map(|f| {
                let i = self.m.bodies[f.body].fn_index?;
                self.m.fns[i].sig.receiver().map(|_| f.body)
            });
            match owner {
                Some(o) => (o, false),
                None => return,
            }
        } else {
            let Some(id) = self.lookup(&name) else { return };
            (self.m.locals[id].body, is_rc(&self.m.locals[id].ty))
        };
        if !rc && !borrow {
            return;
        }
        // The innermost async block between the use and the local's body.
        let mut block = None;
        for f in self.frames.iter().rev() {
            if f.body == owner {
                break;
            }
            if f.kind == BodyKind::AsyncBlock {
                block = Some(f.body);
                break;
            }
        }
        if let Some(b) = block {
            let r = self.expr_range(e);
            if rc {
                self.m.captures.push((b, name.clone(), r.clone()));
            }
            if borrow {
                self.m.borrows.push((b, name, r, how == Capture::Move));
            }
        }
    }

    fn if_expr(&mut self, x: &'a syn::ExprIf) {
        if has_let(&x.cond) {
            // `if let` (and let chains): scrutinee temporaries live through
            // the then-block; edition 2024 drops them before `else`.
            self.push_temp(Via::Scrutinee);
            self.push_scope();
            self.cond(&x.cond);
            self.block(&x.then_branch);
            self.pop_scope();
            self.pop_temp();
        } else {
            self.push_temp(Via::Temporary);
            self.expr(&x.cond, Use::Other);
            self.pop_temp();
            self.block(&x.then_branch);
        }
        if let Some((_, els)) = &x.else_branch {
            self.expr(els, Use::Other);
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

    fn push_loop(
        &mut self,
        kind: LoopKind,
        header: Range<usize>,
        counting: bool,
        bound: Option<u128>,
    ) -> usize {
        let body = self.cur_body().unwrap_or(0);
        let ctx = self.cur_ctx();
        let idx = self.m.loops.len();
        // A loop inside a loop, one of them counting: `for _ in 0..n { for x in &v {..} }`.
        if let Some(f) = self.frames.last() {
            for &l in &f.loops {
                if counting || self.m.loops[l].counting {
                    self.m.loops[l].nested_counting = true;
                }
            }
        }
        self.m.loops.push(LoopInfo {
            kind,
            range: header,
            body,
            ctx,
            has_await: false,
            counting,
            nested_counting: false,
            range_bound: bound,
            heavy_calls: Vec::new(),
            atomic_loads: 0,
            other_calls: 0,
        });
        if let Some(f) = self.frame() {
            f.loops.push(idx);
        }
        idx
    }

    fn pop_loop(&mut self, _idx: usize) {
        if let Some(f) = self.frame() {
            f.loops.pop();
        }
    }

    fn for_loop(&mut self, x: &'a syn::ExprForLoop) {
        self.push_temp(Via::Iterator);
        self.expr(&x.expr, Use::Other);
        let (counting, bound) = range_info(&x.expr);
        let header = self.range(x.for_token.span, last_span(&x.expr));
        let li = self.push_loop(LoopKind::For, header.clone(), counting, bound);
        self.push_scope();
        self.declare_pat(&x.pat, header);
        self.block_stmts(&x.body);
        self.pop_scope();
        self.pop_loop(li);
        self.pop_temp();
    }

    fn while_loop(&mut self, x: &'a syn::ExprWhile) {
        let header = self.range(x.while_token.span, last_span(&x.cond));
        let counting = matches!(strip(&x.cond), Expr::Binary(b) if matches!(b.op, syn::BinOp::Lt(_) | syn::BinOp::Le(_) | syn::BinOp::Gt(_) | syn::BinOp::Ge(_)));
        let li = self.push_loop(LoopKind::While, header, counting, None);
        if has_let(&x.cond) {
            self.push_temp(Via::Scrutinee);
            self.push_scope();
            self.cond(&x.cond);
            self.block(&x.body);
            self.pop_scope();
            self.pop_temp();
        } else {
            self.push_temp(Via::Temporary);
            self.expr(&x.cond, Use::Other);
            self.pop_temp();
            self.block(&x.body);
        }
        self.pop_loop(li);
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
                    self.m
                        .spawned_blocks
                        .push((id, b.capture.is_some(), kw, what.clone()));
                }
                if *send {
                    self.m.bodies[id].send = Some(format!("passed to {what}"));
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
            _ => self.expr(a, Use::Arg),
        }
        if let ArgRole::Spawn {
            what, send: true, ..
        } = role
        {
            // `tokio::spawn(handle(conn))`: `handle`'s future must be Send.
            match strip(a) {
                Expr::Call(c) => {
                    if let Some(segs) = syntax::path_segs(&c.func) {
                        let last = segs.last().cloned().unwrap_or_default();
                        if self.m.names.async_fn(&last, false) {
                            self.m.spawn_targets.push((
                                last.clone(),
                                false,
                                format!("`{last}` is spawned with {what}"),
                            ));
                        }
                    }
                }
                Expr::MethodCall(mc) => {
                    let n = mc.method.to_string();
                    if self.m.names.async_fn(&n, true) {
                        self.m.spawn_targets.push((
                            n.clone(),
                            true,
                            format!("`{n}` is spawned with {what}"),
                        ));
                    }
                }
                _ => {}
            }
        }
    }

    fn flavor_of_chain(&self, c: &Chain) -> Option<(Flavor, String)> {
        let describe = |f: Flavor| match f {
            Flavor::CurrentThread => {
                "a runtime built with `Builder::new_current_thread()`".to_string()
            }
            Flavor::MultiThread => "a multi-thread runtime".to_string(),
            Flavor::Local => "a `LocalRuntime`".to_string(),
        };
        if let Some(f) = apis::chain_flavor(c, &self.m.names) {
            return Some((f, describe(f)));
        }
        if let Root::Local(id) = &c.root
            && let Some(init) = &self.m.locals[*id].init
            && let Some(f) = apis::chain_flavor(init, &self.m.names)
        {
            return Some((f, describe(f)));
        }
        None
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
            let is_drop = p.last() == "drop"
                && (p.segs.len() == 1
                    || p.starts_with("std::mem")
                    || p.starts_with("core::mem")
                    || p.is("mem::drop"));
            for a in &x.args {
                if let Some(n) = syntax::ident_of(a) {
                    self.end_binding(&n);
                }
            }
            let _ = is_drop;
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
                    self.m.async_calls.push((b, last, false));
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
            self.arg(a, &role);
        }
        for a in &x.args {
            if let Some(n) = syntax::ident_of(a) {
                self.end_binding(&n);
            }
        }
        if self.m.names.async_fn(&name, true)
            && let Some(b) = self.cur_body()
        {
            self.m.async_calls.push((b, name.clone(), true));
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
            .map(|a| {
                let (inner, by_ref, by_mut_ref) = strip_ref(a);
                ArgInfo {
                    chain: self.chain(inner),
                    by_ref,
                    by_mut_ref,
                    range: self.expr_range(a),
                }
            })
            .collect();
        let (body, ctx, in_loop, loops) = match self.frames.last() {
            Some(f) => (Some(f.body), f.ctx, !f.loops.is_empty(), f.loops.clone()),
            None => (None, Ctx::Sync, false, Vec::new()),
        };
        // Loop accounting for cpu-heavy-in-async.
        if !loops.is_empty() {
            let last = match &callee {
                Callee::Method(m) => m.as_str(),
                Callee::Path(p) => p.last(),
                Callee::Other => "",
            };
            let is_load = matches!(&callee, Callee::Method(m) if m == "load") && args.len() == 1;
            let is_spin = matches!(
                last,
                "spin_loop" | "yield_now" | "spin_loop_hint" | "load" | "relaxed"
            );
            // The last name, or any segment of a longer path (`sha2::Sha256::digest`).
            let heavy = apis::heavy_call(last)
                || matches!(&callee, Callee::Path(p) if p.segs.len() > 1 && p.segs.iter().any(|s| apis::heavy_part(s)));
            let label = heavy.then(|| match &callee {
                Callee::Method(m) => m.clone(),
                Callee::Path(p) => p.text(),
                Callee::Other => String::new(),
            });
            for l in loops {
                let info = &mut self.m.loops[l];
                if is_load {
                    info.atomic_loads += 1;
                } else if !is_spin {
                    info.other_calls += 1;
                }
                if let Some(label) = &label {
                    info.heavy_calls.push((label.clone(), range.clone()));
                }
            }
        }
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
            in_loop,
        });
    }

    /// `&mut x` (or an inline future) polled where it must be `Unpin`.
    fn mut_ref_target(&mut self, a: &Expr, range: Range<usize>, how: PinHow) {
        let (inner, _, by_mut) = strip_ref(a);
        if !by_mut {
            return;
        }
        let ctx = self.cur_ctx();
        if let Some(n) = syntax::ident_of(inner) {
            if let Some(id) = self.lookup(&n) {
                let l = &self.m.locals[id];
                if let (Some(fk), false) = (l.future.clone(), l.pinned) {
                    self.m.mut_ref_polls.push(MutRefPoll {
                        range,
                        how,
                        future: fk,
                        name: Some(n),
                        ctx,
                    });
                }
            }
            return;
        }
        if let Some(fk) = self.future_kind(inner)
            && !self.is_pinned_expr(inner)
        {
            self.m.mut_ref_polls.push(MutRefPoll {
                range,
                how,
                future: fk,
                name: None,
                ctx,
            });
        }
    }

    fn mut_ref_await(&mut self, base: &Expr, _await: Range<usize>) {
        if let Expr::Reference(_) = strip(base) {
            let r = self.expr_range(base);
            self.mut_ref_target(base, r, PinHow::AwaitRef);
        }
    }

    // ---- macros ----------------------------------------------------------------

    fn mac(&mut self, mac: &'a syn::Macro, range: Range<usize>, u: Use) {
        let Some(parsed) = self.store.get(mac) else {
            return;
        };
        match parsed {
            Parsed::Select { biased, branches } => self.select(mac, *biased, branches, range),
            Parsed::Join { exprs } => {
                for e in exprs {
                    self.expr(e, Use::MacroFuture);
                }
                self.record_await(range);
            }
            Parsed::Pin { exprs, stmts } => {
                for s in stmts {
                    self.stmt(s);
                    if let Stmt::Local(l) = s {
                        let mut ns = Vec::new();
                        syntax::pat_names(&l.pat, &mut ns);
                        for (n, _) in ns {
                            self.mark_pinned(&n);
                        }
                    }
                }
                for e in exprs {
                    if let Some(n) = syntax::ident_of(e) {
                        self.mark_pinned(&n);
                    } else {
                        self.expr(e, Use::Other);
                    }
                }
            }
            Parsed::Exprs(v) => {
                let fmt = formatting_macro(&syntax::macro_name(mac)) as usize;
                self.macro_depth += 1;
                self.fmt_macro += fmt;
                for e in v {
                    self.expr(e, Use::Other);
                }
                self.fmt_macro -= fmt;
                self.macro_depth -= 1;
                let _ = u;
            }
            Parsed::Stmts(stmts) => {
                self.push_scope();
                self.macro_stmts += 1;
                self.macro_depth += 1;
                for s in stmts {
                    self.stmt(s);
                }
                self.macro_stmts -= 1;
                self.macro_depth -= 1;
                self.pop_scope();
            }
            Parsed::Items(items) => {
                for i in items {
                    self.item(i, false);
                }
            }
            Parsed::Opaque => {}
        }
    }

    /// `tokio::pin!(x)`: a new, pinned binding of `x`.
    fn mark_pinned(&mut self, name: &str) {
        let Some(id) = self.lookup(name) else { return };
        let mut l = self.m.locals[id].clone();
        l.pinned = true;
        let nid = self.m.locals.len();
        self.m.locals.push(l);
        if let Some(s) = self.frames.last_mut().and_then(|f| f.scopes.last_mut()) {
            s.locals.push((name.to_string(), nid));
        }
    }

    fn select(
        &mut self,
        mac: &'a syn::Macro,
        biased: bool,
        branches: &'a [RawBranch],
        range: Range<usize>,
    ) {
        let p = self.m.names.resolve_path(&mac.path);
        let name = syntax::macro_name(mac);
        let kind = if p.root() == "futures" || p.root() == "futures_util" || name == "select_biased"
        {
            SelectKind::Futures
        } else if p.root() == "tokio" {
            SelectKind::Tokio
        } else if self.m.names.uses_crate("futures") && !self.m.names.mentions("tokio") {
            SelectKind::Futures
        } else {
            SelectKind::Tokio
        };
        let in_loop = self.frames.last().is_some_and(|f| !f.loops.is_empty());
        let mut out = Vec::new();
        for b in branches {
            let mut branch = Branch {
                fut: b.fut.as_ref(),
                chain: None,
                by_mut_ref: false,
                fut_range: range.clone(),
                continues: !syntax::exits(&b.handler),
                is_else: b.is_else,
            };
            if let Some(f) = &b.fut {
                self.expr(f, Use::MacroFuture);
                let (inner, _, by_mut) = strip_ref(f);
                branch.chain = Some(self.chain(inner));
                branch.by_mut_ref = by_mut;
                branch.fut_range = self.expr_range(f);
                if kind == SelectKind::Tokio && by_mut {
                    self.mut_ref_target(f, branch.fut_range.clone(), PinHow::SelectRef);
                }
            }
            if let Some(c) = &b.cond {
                self.push_temp(Via::Temporary);
                self.expr(c, Use::Other);
                self.pop_temp();
            }
            out.push(branch);
        }
        self.record_await(range.clone());
        for b in branches {
            self.push_scope();
            if let Some(p) = &b.pat {
                let r = self.expr_range(&b.handler);
                self.declare_pat(p, r);
            }
            self.push_temp(Via::Temporary);
            self.expr(&b.handler, Use::Other);
            self.pop_temp();
            self.pop_scope();
        }
        let ctx = self.cur_ctx();
        let body = self.cur_body();
        self.m.selects.push(Select {
            kind,
            range,
            biased,
            in_loop,
            body,
            ctx,
            branches: out,
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

/// How a use of a variable captures it into an async block.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Capture {
    Borrow,
    Move,
    /// Cannot tell (an operand: by value, but a copy for `Copy` types).
    Neutral,
}

/// Methods that take `self` by value: their receiver is moved.
fn consuming(method: &str) -> bool {
    method.starts_with("into_")
        || matches!(
            method,
            "unwrap"
                | "unwrap_or"
                | "unwrap_or_else"
                | "unwrap_or_default"
                | "expect"
                | "join"
                | "wait_with_output"
                | "finish"
        )
}

/// Formatting macros take their arguments by reference.
fn formatting_macro(name: &str) -> bool {
    matches!(
        name,
        "println"
            | "print"
            | "eprintln"
            | "eprint"
            | "format"
            | "write"
            | "writeln"
            | "info"
            | "debug"
            | "warn"
            | "error"
            | "trace"
            | "assert"
            | "assert_eq"
            | "assert_ne"
            | "debug_assert"
            | "debug_assert_eq"
            | "panic"
            | "format_args"
    )
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

/// `for _ in a..b` (also `(a..b).rev()`, `.step_by(n)`): counting, with the literal bound.
fn range_info(e: &Expr) -> (bool, Option<u128>) {
    let mut cur = strip(e);
    loop {
        match cur {
            Expr::MethodCall(mc)
                if matches!(
                    mc.method.to_string().as_str(),
                    "rev" | "step_by" | "into_iter"
                ) =>
            {
                cur = strip(&mc.receiver)
            }
            Expr::Range(r) => {
                let b = r.end.as_deref().and_then(syntax::int_lit);
                let s = r.start.as_deref().and_then(syntax::int_lit);
                return (true, b.or(s));
            }
            _ => return (false, None),
        }
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

/// `#[async_trait]` -> Some(true); `#[async_trait(?Send)]` -> Some(false).
fn async_trait_attr(attrs: &[syn::Attribute]) -> Option<bool> {
    attrs.iter().find_map(|a| {
        if a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "async_trait")
        {
            let not_send =
                matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().contains("Send"));
            Some(!not_send)
        } else {
            None
        }
    })
}

/// A runtime attribute: (resolved path, flavor, is a test, span).
#[allow(clippy::type_complexity)]
fn runtime_attr(
    names: &Names,
    attrs: &[syn::Attribute],
) -> Option<(String, Option<Flavor>, bool, (Span, Span))> {
    for a in attrs {
        let last = a.path().segments.last()?.ident.to_string();
        if last != "main" && last != "test" {
            continue;
        }
        let p = names.resolve_path(a.path());
        if last == "test" && p.segs.len() == 1 && p.unresolved() {
            // The std `#[test]` attribute.
            continue;
        }
        let flavor = match &a.meta {
            syn::Meta::List(l) => {
                let t = l.tokens.to_string();
                if t.contains("\"current_thread\"") {
                    Some(Flavor::CurrentThread)
                } else if t.contains("\"multi_thread\"") {
                    Some(Flavor::MultiThread)
                } else if t.contains("\"local\"") {
                    Some(Flavor::Local)
                } else {
                    None
                }
            }
            _ => None,
        };
        let end = match &a.meta {
            syn::Meta::List(l) => match &l.delimiter {
                syn::MacroDelimiter::Paren(p) => p.span.close(),
                syn::MacroDelimiter::Brace(b) => b.span.close(),
                syn::MacroDelimiter::Bracket(b) => b.span.close(),
            },
            _ => a.bracket_token.span.close(),
        };
        return Some((p.text(), flavor, last == "test", (a.pound_token.span, end)));
    }
    None
}
