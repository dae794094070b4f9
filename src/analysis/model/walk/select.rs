//! Macro invocations whose bodies `../macros.rs` parsed: `select!` (its
//! branches), `join!`, `pin!`, and the statements or expressions of others.

use super::*;

impl<'a> Walker<'_, 'a> {
    pub(super) fn mac(&mut self, mac: &'a syn::Macro, range: Range<usize>) {
        let Some(parsed) = self.store.get(mac) else {
            return;
        };
        match parsed {
            Parsed::Select { branches } => self.select(mac, branches, range),
            Parsed::Join { exprs } => {
                let moved = self.moved_into_futures.len();
                for e in exprs {
                    self.expr(e, Use::MacroFuture);
                }
                self.record_await(range);
                self.end_moved_since(moved);
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
                if fmt == 1 {
                    self.inline_format_args(v);
                }
                self.fmt_macro -= fmt;
                self.macro_depth -= 1;
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
    pub(super) fn select(
        &mut self,
        mac: &'a syn::Macro,
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
        let moved = self.moved_into_futures.len();
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
        self.end_moved_since(moved);
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
        self.m.selects.push(Select {
            kind,
            range,
            in_loop,
            ctx,
            branches: out,
        });
    }
}
