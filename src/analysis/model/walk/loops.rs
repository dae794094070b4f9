//! Loops: their headers, counting loops and literal bounds, nesting.

use super::*;

impl<'a> Walker<'_, 'a> {
    pub(super) fn push_loop(
        &mut self,
        kind: LoopKind,
        header: Range<usize>,
        counting: bool,
        bound: Option<u128>,
    ) {
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
    }

    pub(super) fn pop_loop(&mut self) {
        if let Some(f) = self.frame() {
            f.loops.pop();
        }
    }

    pub(super) fn for_loop(&mut self, x: &'a syn::ExprForLoop) {
        self.push_temp(Via::Iterator);
        self.expr(&x.expr, Use::Other);
        let (counting, bound) = range_info(&x.expr);
        let header = self.range(x.for_token.span, last_span(&x.expr));
        self.push_loop(LoopKind::For, header.clone(), counting, bound);
        self.push_scope();
        self.declare_pat(&x.pat, header);
        self.block_stmts(&x.body);
        self.pop_scope();
        self.pop_loop();
        self.pop_temp();
    }

    pub(super) fn while_loop(&mut self, x: &'a syn::ExprWhile) {
        let header = self.range(x.while_token.span, last_span(&x.cond));
        let counting = matches!(strip(&x.cond), Expr::Binary(b) if matches!(b.op, syn::BinOp::Lt(_) | syn::BinOp::Le(_) | syn::BinOp::Gt(_) | syn::BinOp::Ge(_)));
        self.push_loop(LoopKind::While, header, counting, None);
        self.guarded_block(&x.cond, &x.body);
        self.pop_loop();
    }

    /// Counts a call in every loop around it, for cpu-heavy-in-async: atomic
    /// loads, spin hints, other calls, and hashing or compression work.
    pub(super) fn count_loop_call(&mut self, callee: &Callee, nargs: usize) {
        let Some(f) = self.frames.last() else { return };
        if f.loops.is_empty() {
            return;
        }
        let loops = f.loops.clone();
        let last = match callee {
            Callee::Method(m) => m.as_str(),
            Callee::Path(p) => p.last(),
            Callee::Other => "",
        };
        let is_load = matches!(callee, Callee::Method(m) if m == "load") && nargs == 1;
        let is_spin = matches!(
            last,
            "spin_loop" | "yield_now" | "spin_loop_hint" | "load" | "relaxed"
        );
        // The last name, or any segment of a longer path (`sha2::Sha256::digest`).
        let heavy = apis::heavy_call(last)
            || matches!(callee, Callee::Path(p) if p.segs.len() > 1 && p.segs.iter().any(|s| apis::heavy_part(s)));
        let label = heavy.then(|| match callee {
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
                info.heavy_calls.push(label.clone());
            }
        }
    }
}

/// `for _ in a..b` (also `(a..b).rev()`, `.step_by(n)`): counting, with the literal bound.
pub(super) fn range_info(e: &Expr) -> (bool, Option<u128>) {
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
