//! Runtime attributes (`#[tokio::main(flavor = ..)]`) and runtime flavors
//! of `block_on` receivers.

use super::*;

impl<'a> Walker<'_, 'a> {
    pub(super) fn flavor_of_chain(&self, c: &Chain) -> Option<RuntimeFlavor> {
        let describe = |flavor: Flavor| RuntimeFlavor {
            flavor,
            why: match flavor {
                Flavor::CurrentThread => {
                    "a runtime built with `Builder::new_current_thread()`".to_string()
                }
                Flavor::MultiThread => "a multi-thread runtime".to_string(),
                Flavor::Local => "a `LocalRuntime`".to_string(),
            },
        };
        if let Some(f) = apis::chain_flavor(c) {
            return Some(describe(f));
        }
        if let Root::Local(id) = &c.root
            && let Some(init) = &self.m.locals[*id].init
            && let Some(f) = apis::chain_flavor(init)
        {
            return Some(describe(f));
        }
        None
    }

    /// The first `#[..::main]` / `#[..::test]` attribute that is not std's `#[test]`.
    pub(super) fn runtime_attr(&self, attrs: &[syn::Attribute]) -> Option<RuntimeAttr> {
        for a in attrs {
            let last = a.path().segments.last()?.ident.to_string();
            if last != "main" && last != "test" {
                continue;
            }
            let p = self.m.names.resolve_path(a.path());
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
            return Some(RuntimeAttr {
                path: p.text(),
                flavor,
                is_test: last == "test",
                range: self.range(a.pound_token.span, end),
            });
        }
        None
    }
}

/// The flavor a tokio runtime attribute gives its fn, and why (other
/// runtimes' attributes say nothing about tokio's flavors).
pub(super) fn attr_flavor(ra: &RuntimeAttr) -> Option<RuntimeFlavor> {
    if !ra.path.starts_with("tokio") && ra.path.contains("::") {
        return None;
    }
    let (flavor, why) = match ra.flavor {
        Some(f) => {
            let text = match f {
                Flavor::CurrentThread => "current_thread",
                Flavor::MultiThread => "multi_thread",
                Flavor::Local => "local",
            };
            (f, format!("`#[{}(flavor = \"{text}\")]`", ra.path))
        }
        None if ra.is_test => (
            Flavor::CurrentThread,
            format!(
                "`#[{}]` (a test runtime is current-thread by default)",
                ra.path
            ),
        ),
        None => (Flavor::MultiThread, format!("`#[{}]`", ra.path)),
    };
    Some(RuntimeFlavor { flavor, why })
}
