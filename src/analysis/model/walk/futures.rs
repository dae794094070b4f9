//! Which expressions make futures, which are pinned or fused, the types a
//! constructor suggests, and `&mut fut` polled where it must be `Unpin`.

use super::*;

impl<'a> Walker<'_, 'a> {
    /// What kind of future an expression makes, if it makes one.
    pub(super) fn future_kind(&self, e: &Expr) -> Option<FutureKind> {
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

    pub(super) fn is_pinned_expr(&self, e: &Expr) -> bool {
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
    pub(super) fn is_fused_expr(&self, e: &Expr) -> bool {
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
                    Some(f) if apis::FUSED_FUTURES_CTORS.contains(&f) => {
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

    /// The constructor or struct literal that makes a `let`'s value, through
    /// `?`, `.unwrap()`, `.expect(..)` and the `Arc`/`Rc`/`Box` wrappers
    /// (whose methods the value has by auto-deref).
    pub(super) fn made_by(&self, e: &Expr) -> Option<MadeBy> {
        let mut cur = e;
        for _ in 0..8 {
            match strip(cur) {
                Expr::Try(t) => cur = &t.expr,
                Expr::MethodCall(mc)
                    if matches!(mc.method.to_string().as_str(), "unwrap" | "expect") =>
                {
                    cur = &mc.receiver
                }
                Expr::Call(c) => {
                    let segs = syntax::path_segs(&c.func)?;
                    let p = self.resolve_at(&segs, &c.func);
                    let n = p.segs.len();
                    let wrapper = n >= 2
                        && matches!(p.segs[n - 2].as_str(), "Arc" | "Rc" | "Box")
                        && p.last() == "new"
                        && (n == 2 || matches!(p.root(), "std" | "alloc"))
                        && c.args.len() == 1;
                    if !wrapper {
                        return Some(MadeBy::Call(p));
                    }
                    cur = c.args.first()?;
                }
                Expr::Struct(st) if st.qself.is_none() => {
                    let segs = syntax::path_idents(&st.path);
                    let at = self.unit.start_of(syntax::first_span(cur));
                    return Some(MadeBy::Struct(self.m.names.resolve_in(&segs, || at)));
                }
                _ => return None,
            }
        }
        None
    }

    /// Types suggested by a constructor (`Arc::new(Mutex::new(0))` -> Arc, Mutex).
    pub(super) fn ctor_types(&self, e: &Expr) -> Vec<Resolved> {
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
    /// `&mut x` (or an inline future) polled where it must be `Unpin`.
    pub(super) fn mut_ref_target(&mut self, a: &Expr, range: Range<usize>, how: PinHow) {
        let (inner, _, by_mut) = strip_ref(a);
        if !by_mut {
            return;
        }
        if let Some(n) = syntax::ident_of(inner) {
            if let Some(id) = self.lookup(&n) {
                let l = &self.m.locals[id];
                if let (Some(fk), false) = (l.future.clone(), l.pinned) {
                    self.m.mut_ref_polls.push(MutRefPoll {
                        range,
                        how,
                        future: fk,
                        name: Some(n),
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
            });
        }
    }

    pub(super) fn mut_ref_await(&mut self, base: &Expr) {
        if let Expr::Reference(_) = strip(base) {
            let r = self.expr_range(base);
            self.mut_ref_target(base, r, PinHow::AwaitRef);
        }
    }
    /// `tokio::pin!(x)`: a new, pinned binding of `x`.
    pub(super) fn mark_pinned(&mut self, name: &str) {
        let Some(id) = self.lookup(name) else { return };
        let mut l = self.m.locals[id].clone();
        l.pinned = true;
        let nid = self.m.locals.len();
        self.m.locals.push(l);
        if let Some(s) = self.frames.last_mut().and_then(|f| f.scopes.last_mut()) {
            s.locals.push((name.to_string(), nid));
        }
    }
}
