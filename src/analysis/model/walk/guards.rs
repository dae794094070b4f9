//! Guards: lock guards, `RefCell` borrows, span guards and `DashMap` refs,
//! and the type family of the value they are taken from.

use super::*;

/// `match m.lock() { Ok(g) => g, Err(p) => p.into_inner() }`: every arm
/// yields the value its pattern bound (or recovers it, or leaves).
pub(super) fn match_passes_through(m: &syn::ExprMatch) -> bool {
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
pub(super) fn guard_core(e: &Expr) -> Option<(&syn::ExprMethodCall, bool)> {
    let mut cur = e;
    let mut adapted = false;
    loop {
        match cur {
            Expr::MethodCall(mc)
                if apis::GUARD_ADAPTERS.contains(&mc.method.to_string().as_str()) =>
            {
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
            Expr::MethodCall(mc)
                if mc.args.is_empty() && apis::lock_like_method(&mc.method.to_string()) =>
            {
                return Some((mc, adapted));
            }
            // DashMap accessors return guards over a shard lock.
            Expr::MethodCall(mc)
                if mc.args.len() <= 1 && apis::dashmap_guard_method(&mc.method.to_string()) =>
            {
                return Some((mc, adapted));
            }
            _ => return None,
        }
    }
}

impl<'a> Walker<'_, 'a> {
    pub(super) fn field_family(&mut self, field: &str) -> Option<apis::TypeFamily> {
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
    pub(super) fn receiver_family(&mut self, recv: &Expr) -> Option<apis::TypeFamily> {
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
    pub(super) fn guard_info(
        &mut self,
        e: &Expr,
    ) -> Option<(LiveKind, Range<usize>, Option<String>)> {
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
            m if apis::dashmap_guard_method(m) => {
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

    pub(super) fn maybe_guard(&mut self, e: &Expr, u: &Use) {
        match u {
            Use::Receiver(m) if apis::GUARD_ADAPTERS.contains(&m.as_str()) => return,
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
        let id = self.m.lives.len();
        self.m.lives.push(Live {
            kind,
            via,
            range,
            desc,
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
}
