//! Runtime attributes (`#[tokio::main(flavor = ..)]`) and runtime flavors
//! of `block_on` receivers.

use super::*;

impl<'a> Walker<'_, 'a> {
    pub(super) fn flavor_of_chain(&self, c: &Chain) -> Option<(Flavor, String)> {
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
}

/// A runtime attribute: (resolved path, flavor, is a test, span).
#[allow(clippy::type_complexity)]
pub(super) fn runtime_attr(
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
