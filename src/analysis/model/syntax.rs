//! Small syntax helpers: where an expression starts and ends (without
//! turning it into tokens, which costs as much as the expression is big),
//! the names a pattern binds, whether a block always leaves its loop.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Expr, Pat};

fn path_first(p: &syn::Path) -> Span {
    match (&p.leading_colon, p.segments.first()) {
        (Some(c), _) => c.spans[0],
        (None, Some(s)) => s.ident.span(),
        _ => p.span(),
    }
}

fn path_last(p: &syn::Path) -> Span {
    match p.segments.last() {
        Some(s) => match &s.arguments {
            syn::PathArguments::AngleBracketed(a) => a.gt_token.span,
            _ => s.ident.span(),
        },
        None => p.span(),
    }
}

fn label_or(label: &Option<syn::Label>, tok: Span) -> Span {
    match label {
        Some(l) => l.name.apostrophe,
        None => tok,
    }
}

/// The first token of an expression.
pub fn first_span(mut e: &Expr) -> Span {
    loop {
        e = match e {
            Expr::Array(x) => return x.bracket_token.span.open(),
            Expr::Assign(x) => &x.left,
            Expr::Async(x) => return x.async_token.span,
            Expr::Await(x) => &x.base,
            Expr::Binary(x) => &x.left,
            Expr::Block(x) => {
                return match (&x.label, x.block.brace_token.span.open()) {
                    (Some(l), _) => l.name.apostrophe,
                    (None, s) => s,
                };
            }
            Expr::Break(x) => return x.break_token.span,
            Expr::Call(x) => &x.func,
            Expr::Cast(x) => &x.expr,
            Expr::Closure(x) => {
                return if let Some(l) = &x.lifetimes {
                    l.for_token.span
                } else if let Some(c) = &x.constness {
                    c.span
                } else if let Some(a) = &x.asyncness {
                    a.span
                } else if let Some(c) = &x.capture {
                    c.span
                } else {
                    x.inputs_begin.span
                };
            }
            Expr::Const(x) => return x.const_token.span,
            Expr::Continue(x) => return x.continue_token.span,
            Expr::Field(x) => &x.base,
            Expr::ForLoop(x) => return label_or(&x.label, x.for_token.span),
            Expr::Group(x) => &x.expr,
            Expr::If(x) => return x.if_token.span,
            Expr::Index(x) => &x.expr,
            Expr::Infer(x) => return x.underscore_token.span,
            Expr::Let(x) => return x.let_token.span,
            Expr::Lit(x) => return x.lit.span(),
            Expr::Loop(x) => return label_or(&x.label, x.loop_token.span),
            Expr::Macro(x) => return path_first(&x.mac.path),
            Expr::Match(x) => return x.match_token.span,
            Expr::MethodCall(x) => &x.receiver,
            Expr::Paren(x) => return x.paren_token.span.open(),
            Expr::Path(x) => {
                return match &x.qself {
                    Some(q) => q.lt_token.span,
                    None => path_first(&x.path),
                };
            }
            Expr::Range(x) => match &x.start {
                Some(s) => s,
                None => {
                    return match &x.limits {
                        syn::RangeLimits::HalfOpen(t) => t.spans[0],
                        syn::RangeLimits::Closed(t) => t.spans[0],
                    };
                }
            },
            Expr::RawAddr(x) => return x.and_token.span,
            Expr::Reference(x) => return x.and_token.span,
            Expr::Repeat(x) => return x.bracket_token.span.open(),
            Expr::Return(x) => return x.return_token.span,
            Expr::Struct(x) => {
                return match &x.qself {
                    Some(q) => q.lt_token.span,
                    None => path_first(&x.path),
                };
            }
            Expr::Try(x) => &x.expr,
            Expr::TryBlock(x) => return x.try_token.span,
            Expr::Tuple(x) => return x.paren_token.span.open(),
            Expr::Unary(x) => {
                return match &x.op {
                    syn::UnOp::Deref(t) => t.span,
                    syn::UnOp::Not(t) => t.span,
                    syn::UnOp::Neg(t) => t.span,
                    _ => x.span(),
                };
            }
            Expr::Unsafe(x) => return x.unsafe_token.span,
            Expr::While(x) => return label_or(&x.label, x.while_token.span),
            Expr::Yield(x) => return x.yield_token.span,
            other => return other.span(),
        };
    }
}

/// The last token of an expression.
pub fn last_span(mut e: &Expr) -> Span {
    loop {
        e = match e {
            Expr::Array(x) => return x.bracket_token.span.close(),
            Expr::Assign(x) => &x.right,
            Expr::Async(x) => return x.block.brace_token.span.close(),
            Expr::Await(x) => return x.await_token.span,
            Expr::Binary(x) => &x.right,
            Expr::Block(x) => return x.block.brace_token.span.close(),
            Expr::Break(x) => match &x.expr {
                Some(e) => e,
                None => {
                    return x
                        .label
                        .as_ref()
                        .map(|l| l.ident.span())
                        .unwrap_or(x.break_token.span);
                }
            },
            Expr::Call(x) => return x.paren_token.span.close(),
            Expr::Cast(x) => return x.ty.span(),
            Expr::Closure(x) => &x.body,
            Expr::Const(x) => return x.block.brace_token.span.close(),
            Expr::Continue(x) => {
                return x
                    .label
                    .as_ref()
                    .map(|l| l.ident.span())
                    .unwrap_or(x.continue_token.span);
            }
            Expr::Field(x) => {
                return match &x.member {
                    syn::Member::Named(i) => i.span(),
                    syn::Member::Unnamed(i) => i.span,
                };
            }
            Expr::ForLoop(x) => return x.body.brace_token.span.close(),
            Expr::Group(x) => &x.expr,
            Expr::If(x) => match &x.else_branch {
                Some((_, e)) => e,
                None => return x.then_branch.brace_token.span.close(),
            },
            Expr::Index(x) => return x.bracket_token.span.close(),
            Expr::Infer(x) => return x.underscore_token.span,
            Expr::Let(x) => &x.expr,
            Expr::Lit(x) => return x.lit.span(),
            Expr::Loop(x) => return x.body.brace_token.span.close(),
            Expr::Macro(x) => {
                return match &x.mac.delimiter {
                    syn::MacroDelimiter::Paren(p) => p.span.close(),
                    syn::MacroDelimiter::Brace(b) => b.span.close(),
                    syn::MacroDelimiter::Bracket(b) => b.span.close(),
                };
            }
            Expr::Match(x) => return x.brace_token.span.close(),
            Expr::MethodCall(x) => return x.paren_token.span.close(),
            Expr::Paren(x) => return x.paren_token.span.close(),
            Expr::Path(x) => return path_last(&x.path),
            Expr::Range(x) => match &x.end {
                Some(e) => e,
                None => {
                    return match &x.limits {
                        syn::RangeLimits::HalfOpen(t) => t.spans[1],
                        syn::RangeLimits::Closed(t) => t.spans[2],
                    };
                }
            },
            Expr::RawAddr(x) => &x.expr,
            Expr::Reference(x) => &x.expr,
            Expr::Repeat(x) => return x.bracket_token.span.close(),
            Expr::Return(x) => match &x.expr {
                Some(e) => e,
                None => return x.return_token.span,
            },
            Expr::Struct(x) => return x.brace_token.span.close(),
            Expr::Try(x) => return x.question_token.span,
            Expr::TryBlock(x) => return x.block.brace_token.span.close(),
            Expr::Tuple(x) => return x.paren_token.span.close(),
            Expr::Unary(x) => &x.expr,
            Expr::Unsafe(x) => return x.block.brace_token.span.close(),
            Expr::While(x) => return x.body.brace_token.span.close(),
            Expr::Yield(x) => match &x.expr {
                Some(e) => e,
                None => return x.yield_token.span,
            },
            other => return other.span(),
        };
    }
}

/// Removes parentheses and invisible groups.
pub fn strip(mut e: &Expr) -> &Expr {
    loop {
        e = match e {
            Expr::Paren(p) => &p.expr,
            Expr::Group(g) => &g.expr,
            _ => return e,
        }
    }
}

/// The path segments of an expression that is a plain path (`a::b::c`).
pub fn path_segs(e: &Expr) -> Option<Vec<String>> {
    match strip(e) {
        Expr::Path(p) if p.qself.is_none() => Some(path_idents(&p.path)),
        _ => None,
    }
}

/// The identifiers of a path's segments (`tokio::spawn` -> `["tokio", "spawn"]`).
pub fn path_idents(p: &syn::Path) -> Vec<String> {
    p.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// A single identifier (`g`), as used for a local, without copying it.
pub fn single_ident(e: &Expr) -> Option<&syn::Ident> {
    match strip(e) {
        Expr::Path(p)
            if p.qself.is_none()
                && p.path.segments.len() == 1
                && p.path.leading_colon.is_none()
                && matches!(p.path.segments[0].arguments, syn::PathArguments::None) =>
        {
            Some(&p.path.segments[0].ident)
        }
        _ => None,
    }
}

/// A single identifier (`g`), as used for a local.
pub fn ident_of(e: &Expr) -> Option<String> {
    single_ident(e).map(|i| i.to_string())
}

/// The last segment of a macro path (`tokio::select` -> `select`).
pub fn macro_name(m: &syn::Macro) -> String {
    m.path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// Names bound by a pattern, with the position in a top-level tuple.
pub fn pat_names(p: &Pat, out: &mut Vec<(String, Option<usize>)>) {
    match p {
        Pat::Tuple(t) => {
            for (i, e) in t.elems.iter().enumerate() {
                let mut inner = Vec::new();
                pat_names_rec(e, &mut inner, 0);
                out.extend(inner.into_iter().map(|n| (n, Some(i))));
            }
        }
        Pat::Type(t) => pat_names(&t.pat, out),
        _ => {
            let mut inner = Vec::new();
            pat_names_rec(p, &mut inner, 0);
            out.extend(inner.into_iter().map(|n| (n, None)));
        }
    }
}

fn pat_names_rec(p: &Pat, out: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    match p {
        Pat::Ident(i) => {
            out.push(i.ident.to_string());
            if let Some((_, sub)) = &i.subpat {
                pat_names_rec(sub, out, depth + 1);
            }
        }
        Pat::Tuple(t) => t
            .elems
            .iter()
            .for_each(|e| pat_names_rec(e, out, depth + 1)),
        Pat::TupleStruct(t) => t
            .elems
            .iter()
            .for_each(|e| pat_names_rec(e, out, depth + 1)),
        Pat::Struct(s) => s
            .fields
            .iter()
            .for_each(|f| pat_names_rec(&f.pat, out, depth + 1)),
        Pat::Reference(r) => pat_names_rec(&r.pat, out, depth + 1),
        Pat::Type(t) => pat_names_rec(&t.pat, out, depth + 1),
        Pat::Slice(s) => s
            .elems
            .iter()
            .for_each(|e| pat_names_rec(e, out, depth + 1)),
        Pat::Or(o) => {
            if let Some(c) = o.cases.first() {
                pat_names_rec(c, out, depth + 1)
            }
        }
        Pat::Paren(p) => pat_names_rec(&p.pat, out, depth + 1),
        Pat::Guard(g) => pat_names_rec(&g.pat, out, depth + 1),
        _ => {}
    }
}

/// The guard of a match arm (`Some(x) if x > 0 => ..`): syn keeps it
/// inside the arm's pattern.
pub fn arm_guard(arm: &syn::Arm) -> Option<&syn::Expr> {
    match &arm.pat {
        Pat::Guard(g) => Some(&g.guard),
        _ => None,
    }
}

/// The declared type of a `let` pattern (`let x: T = ..`).
pub fn pat_type(p: &Pat) -> Option<&syn::Type> {
    match p {
        Pat::Type(t) => Some(&t.ty),
        _ => None,
    }
}

/// True when a pattern is `_` (the value is dropped at once).
pub fn pat_is_wild(p: &Pat) -> bool {
    match p {
        Pat::Wild(_) => true,
        Pat::Type(t) => pat_is_wild(&t.pat),
        _ => false,
    }
}

/// True when evaluating `e` always leaves the enclosing loop or fn
/// (`break`, `return`, a panic, `process::exit`).
pub fn exits(e: &Expr) -> bool {
    exits_rec(e, 0)
}

fn exits_rec(e: &Expr, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    match strip(e) {
        Expr::Break(_) | Expr::Return(_) => true,
        Expr::Macro(m) => matches!(
            macro_name(&m.mac).as_str(),
            "panic" | "unreachable" | "todo" | "unimplemented"
        ),
        Expr::Call(c) => path_segs(&c.func).is_some_and(|s| s.last().is_some_and(|l| l == "exit")),
        Expr::Block(b) => block_exits(&b.block, depth),
        Expr::Unsafe(b) => block_exits(&b.block, depth),
        Expr::If(i) => match &i.else_branch {
            Some((_, els)) => block_exits(&i.then_branch, depth) && exits_rec(els, depth + 1),
            None => false,
        },
        Expr::Match(m) => {
            !m.arms.is_empty() && m.arms.iter().all(|a| exits_rec(&a.body, depth + 1))
        }
        _ => false,
    }
}

fn block_exits(b: &syn::Block, depth: usize) -> bool {
    b.stmts.iter().any(|s| match s {
        syn::Stmt::Expr(e, _) => exits_rec(e, depth + 1),
        syn::Stmt::Macro(m) => matches!(
            macro_name(&m.mac).as_str(),
            "panic" | "unreachable" | "todo" | "unimplemented"
        ),
        _ => false,
    })
}

/// A literal integer (`100_000`, `1_000_000u64`).
pub fn int_lit(e: &Expr) -> Option<u128> {
    match strip(e) {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(i),
            ..
        }) => i.base10_parse::<u128>().ok(),
        _ => None,
    }
}
