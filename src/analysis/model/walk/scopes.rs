//! Frames, binding scopes and temporary scopes, and what is alive at each
//! `.await`: the walker's bookkeeping of rustc's drop order.

use super::*;

pub(super) struct Scope {
    pub(super) locals: Vec<(String, LocalId)>,
    pub(super) lives: Vec<LiveId>,
}

pub(super) struct TempScope {
    pub(super) via: Via,
    pub(super) lives: Vec<LiveId>,
}

pub(super) struct Frame {
    pub(super) body: BodyId,
    pub(super) kind: BodyKind,
    pub(super) ctx: Ctx,
    pub(super) scopes: Vec<Scope>,
    pub(super) temps: Vec<TempScope>,
    /// Loops of this body, innermost last (indices into `Model::loops`).
    pub(super) loops: Vec<usize>,
    /// Closures and async blocks see the locals of the frame below.
    pub(super) captures: bool,
}

impl<'a> Walker<'_, 'a> {
    pub(super) fn frame(&mut self) -> Option<&mut Frame> {
        self.frames.last_mut()
    }

    pub(super) fn cur_body(&self) -> Option<BodyId> {
        self.frames.last().map(|f| f.body)
    }

    pub(super) fn cur_ctx(&self) -> Ctx {
        self.frames.last().map(|f| f.ctx).unwrap_or(Ctx::Sync)
    }

    pub(super) fn push_frame(
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

    pub(super) fn pop_frame(&mut self) {
        self.frames.pop();
    }

    pub(super) fn push_scope(&mut self) {
        if let Some(f) = self.frame() {
            f.scopes.push(Scope {
                locals: Vec::new(),
                lives: Vec::new(),
            });
        }
    }

    pub(super) fn pop_scope(&mut self) {
        if let Some(f) = self.frame() {
            f.scopes.pop();
        }
    }

    pub(super) fn push_temp(&mut self, via: Via) {
        if let Some(f) = self.frame() {
            f.temps.push(TempScope {
                via,
                lives: Vec::new(),
            });
        }
    }

    pub(super) fn pop_temp(&mut self) {
        if let Some(f) = self.frame() {
            f.temps.pop();
        }
    }

    pub(super) fn lookup(&self, name: &str) -> Option<LocalId> {
        self.lookup_where(|n| n == name)
    }

    /// The local a single-identifier expression names (`g`).
    pub(super) fn local_of(&self, e: &Expr) -> Option<LocalId> {
        let ident = syntax::single_ident(e)?;
        self.lookup_where(|n| ident == n)
    }

    pub(super) fn lookup_where(&self, is: impl Fn(&str) -> bool) -> Option<LocalId> {
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
    pub(super) fn record_await(&mut self, at: Range<usize>) {
        let Some(f) = self.frames.last() else { return };
        if !f.kind.is_async() {
            // E0728 unless an unknown macro's statements are being read.
            if self.macro_depth == 0 {
                let fn_name = self.m.bodies[f.body].name.clone();
                self.m.bad_awaits.push(BadAwait {
                    range: at,
                    kind: f.kind,
                    fn_name,
                });
            }
            return;
        }
        let body = f.body;
        self.m.awaits.push(AwaitPoint {
            body,
            range: at.clone(),
            local: None,
        });
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

    /// Arguments passed by value (`drop(g)`, `consume(g)`, `tx.send(g)`) are
    /// moved into the call: the values they name are no longer held once it
    /// returns, or, for a call whose future is awaited (`consume(g).await`,
    /// a `join!` or `select!` future), once that await ends. `&g` only
    /// borrows and ends nothing. (A callee that stores the value keeps it
    /// alive elsewhere, which the model does not follow.)
    pub(super) fn move_args(
        &mut self,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
        u: &Use,
    ) {
        for a in args {
            if let Some(n) = syntax::ident_of(a) {
                if matches!(u, Use::Await | Use::MacroFuture) {
                    self.moved_into_futures.push(n);
                } else {
                    self.end_binding(&n);
                }
            }
        }
    }

    /// Ends the values moved into futures since `mark`, whose await is over.
    pub(super) fn end_moved_since(&mut self, mark: usize) {
        let moved: Vec<String> = self.moved_into_futures.drain(mark..).collect();
        for n in moved {
            self.end_binding(&n);
        }
    }

    /// The value held by the binding `name` ends (it was moved). A binding
    /// that extends a temporary (`let x = &m.lock().unwrap().f`) is a
    /// reference: moving it leaves the temporary alive.
    fn end_binding(&mut self, name: &str) {
        let Some(f) = self.frames.last() else { return };
        for s in f.scopes.iter().rev() {
            for &l in s.lives.iter().rev() {
                if matches!(&self.m.lives[l].via, Via::Binding(n) | Via::Param(n) if n == name) {
                    self.dropped.insert(l);
                    return;
                }
            }
        }
    }

    // ---- declarations ------------------------------------------------------

    pub(super) fn declare(
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
        let made_by = if ty.is_some() {
            Some(MadeBy::Annotated)
        } else if tuple_index.is_none() {
            init.and_then(|e| self.made_by(e))
        } else {
            None
        };
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
        let rc = apis::is_rc(&ty_paths);
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
            made_by,
        });
        let rng = self.m.locals[id].is_thread_rng();
        let async_frame = self.frames.last().is_some_and(|f| f.kind.is_async());
        if (rc || rng) && async_frame {
            let lid = self.m.lives.len();
            let via = if is_param {
                Via::Param(name.clone())
            } else {
                Via::Binding(name.clone())
            };
            let (kind, desc) = if rc {
                (LiveKind::Rc, format!("`{name}` (an `Rc`)"))
            } else {
                (
                    LiveKind::ThreadRng,
                    format!("`{name}` (a `ThreadRng`, which holds an `Rc`)"),
                )
            };
            self.m.lives.push(Live {
                kind,
                via,
                range: decl.clone(),
                desc,
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

    pub(super) fn declare_pat(&mut self, pat: &syn::Pat, decl: Range<usize>) {
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
}
