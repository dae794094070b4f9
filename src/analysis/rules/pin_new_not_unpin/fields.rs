//! `Pin::new(&mut self.field)` (and `&mut self.field` polled in `select!`
//! or awaited) where the struct the snippet defines gives the field a type
//! known not to be `Unpin`: tokio's `Sleep`, `Timeout`, `Notified`...
//!
//! Only a field whose type is written as one of those types (through a
//! `use` line or in full) counts. A generic `F: Future`, an `impl Future`,
//! a `Pin<Box<..>>`, a `Box<..>` or a type the snippet does not show stay
//! quiet: whether they are `Unpin` is not known here.

use super::super::Sink;
use super::super::common::Draft;
use super::super::rewrite::StructFields;
use crate::analysis::model::{Model, syntax};
use crate::analysis::types::Severity;
use std::ops::Range;
use syn::spanned::Spanned;
use syn::visit::Visit;

/// Types that are `!Unpin` whatever their parameters (each holds a
/// `PhantomPinned` or a pinned intrusive list entry).
const NOT_UNPIN: &[&str] = &[
    "tokio::time::Sleep",
    "tokio::time::Timeout",
    "tokio::sync::futures::Notified",
    "tokio::sync::futures::OwnedNotified",
    "tokio::task::futures::TaskLocalFuture",
    "tokio_util::sync::WaitForCancellationFuture",
    "tokio_util::sync::WaitForCancellationFutureOwned",
    "std::marker::PhantomPinned",
    "core::marker::PhantomPinned",
];

/// The known `!Unpin` type a field is declared with, by its full path.
fn not_unpin(m: &Model<'_>, ty: &syn::Type) -> Option<String> {
    let mut ty = ty;
    // A snippet alias (`type Delay = tokio::time::Sleep;`) stands for its type.
    for _ in 0..4 {
        let syn::Type::Path(p) = ty else { return None };
        if p.qself.is_some() {
            return None;
        }
        if p.path.segments.len() == 1
            && let Some(def) = m.names.aliases.get(&p.path.segments[0].ident.to_string())
        {
            ty = def;
            continue;
        }
        let r = m.names.resolve_path(&p.path);
        if r.unresolved() {
            return None;
        }
        return NOT_UNPIN.iter().find(|k| r.is(k)).map(|k| k.to_string());
    }
    None
}

/// `&mut self.name` (parentheses allowed): the field's name.
fn self_field_ref(e: &syn::Expr) -> Option<String> {
    let syn::Expr::Reference(r) = syntax::strip(e) else {
        return None;
    };
    r.mutability?;
    self_field(&r.expr)
}

/// `self.name`.
fn self_field(e: &syn::Expr) -> Option<String> {
    let syn::Expr::Field(f) = syntax::strip(e) else {
        return None;
    };
    let syn::Member::Named(name) = &f.member else {
        return None;
    };
    match syntax::strip(&f.base) {
        syn::Expr::Path(p) if p.path.is_ident("self") => Some(name.to_string()),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum How {
    PinNew,
    Select,
    Await,
}

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    // Every shape below writes `&mut self.` (cheap to rule out first).
    if !m.text.contains("&mut self.") {
        return;
    }
    let mut sites: Vec<(Range<usize>, String, How)> = Vec::new();
    for c in &m.calls {
        let Some(p) = c.path() else { continue };
        let n = p.segs.len();
        let is_pin_new = p.last() == "new"
            && n >= 2
            && p.segs[n - 2] == "Pin"
            && (p.unresolved() || p.starts_with("std::pin") || p.starts_with("core::pin"));
        if !is_pin_new {
            continue;
        }
        let Some(syn::Expr::Call(x)) = c.expr.map(syntax::strip) else {
            continue;
        };
        if let Some(field) = x.args.first().and_then(self_field_ref) {
            sites.push((c.range.clone(), field, How::PinNew));
        }
    }
    for s in &m.selects {
        for b in &s.branches {
            let Some(fut) = b.fut else { continue };
            let field =
                self_field_ref(fut).or_else(|| if b.by_mut_ref { self_field(fut) } else { None });
            if let Some(field) = field {
                sites.push((b.fut_range.clone(), field, How::Select));
            }
        }
    }
    sites.extend(awaited_refs(m));
    if sites.is_empty() {
        return;
    }
    let structs = StructFields::collect(m);
    for (range, field, how) in sites {
        let Some(ty) = structs.self_field(range.start, &field) else {
            continue;
        };
        let Some(known) = not_unpin(m, ty) else {
            continue;
        };
        let short = known.rsplit("::").next().unwrap_or(&known).to_string();
        let needs = match how {
            How::PinNew => "`Pin::new` needs",
            How::Select => "polling it as `&mut` in `select!` needs",
            How::Await => "awaiting it through `&mut` needs",
        };
        let msg = format!(
            "the field `self.{field}` is a `{known}`, which is not `Unpin`, and {needs} `Unpin`: error[E0277] \"`PhantomPinned` cannot be unpinned\""
        );
        let help = format!(
            "store it pinned (`{field}: Pin<Box<{short}>>`, made with `Box::pin(..)`) and poll `self.{field}.as_mut()`, or pin-project the field (`pin-project-lite`) and poll `self.project().{field}`"
        );
        out.emit(Draft::new(range, Severity::Error, msg, help));
    }
}

/// `(&mut self.field).await`, read from the syntax trees.
fn awaited_refs(m: &Model<'_>) -> Vec<(Range<usize>, String, How)> {
    struct V<'u> {
        unit: &'u crate::analysis::parse::Unit,
        out: Vec<(Range<usize>, String, How)>,
    }
    impl<'ast> Visit<'ast> for V<'_> {
        fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
            if let Some(field) = self_field_ref(&a.base) {
                self.out
                    .push((self.unit.span_range(a.base.span()), field, How::Await));
            }
            syn::visit::visit_expr_await(self, a);
        }
    }
    let mut out = Vec::new();
    for unit in &m.snippet.units {
        let mut v = V {
            unit,
            out: Vec::new(),
        };
        v.visit_file(&unit.file);
        out.extend(v.out);
    }
    out
}
