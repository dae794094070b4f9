//! Outer locals (and `self`) used inside async blocks: by borrow or by move,
//! and `Rc`s captured into a future.

use super::*;

impl<'a> Walker<'_, 'a> {
    pub(super) fn capture_kind(&self, e: &Expr, u: &Use) -> Capture {
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
    pub(super) fn capture_check(&mut self, e: &Expr, how: Capture) {
        let borrow = how != Capture::Neutral;
        let Some(name) = syntax::ident_of(e) else {
            return;
        };
        let (owner, non_send) = if name == "self" {
            // `self` belongs to the nearest fn with a receiver.
            let owner = self.frames.iter().rev().find_map(|f| {
                let i = self.m.bodies[f.body].fn_index?;
                self.m.fns[i].sig.receiver().map(|_| f.body)
            });
            match owner {
                Some(o) => (o, None),
                None => return,
            }
        } else {
            let Some(id) = self.lookup(&name) else { return };
            let l = &self.m.locals[id];
            let non_send = if apis::is_rc(&l.ty) {
                Some("an `Rc`")
            } else if l.is_thread_rng() {
                Some("a `ThreadRng` (it holds an `Rc`)")
            } else {
                None
            };
            (l.body, non_send)
        };
        if non_send.is_none() && !borrow {
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
            if let Some(what) = non_send {
                self.m.captures.push(Captured {
                    site: OuterUse {
                        body: b,
                        name: name.clone(),
                        range: r.clone(),
                        moved: how == Capture::Move,
                    },
                    what,
                });
            }
            if borrow {
                self.m.borrows.push(OuterUse {
                    body: b,
                    name,
                    range: r,
                    moved: how == Capture::Move,
                });
            }
        }
    }
}

impl Walker<'_, '_> {
    /// `println!("{rc}")`: the names a format string captures (inline
    /// arguments, and `width$` in a spec) are uses of those locals, by
    /// reference, like the macro's other arguments.
    pub(super) fn inline_format_args(&mut self, args: &[Expr]) {
        let Some(lit) = args.iter().find_map(|e| match strip(e) {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s),
            _ => None,
        }) else {
            return;
        };
        for name in format_string_names(&lit.value()) {
            let Ok(mut ident) = syn::parse_str::<syn::Ident>(&name) else {
                continue;
            };
            ident.set_span(lit.span());
            let e = Expr::Path(syn::ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: ident.into(),
            });
            self.capture_check(&e, Capture::Borrow);
        }
    }
}

/// The identifiers a format string names: `{name}`, `{name:?}`,
/// `{:>width$}`; not positions (`{0}`), not `{{` escapes.
fn format_string_names(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(after) = rest.strip_prefix('{') {
            rest = after;
            continue;
        }
        let Some(close) = rest.find('}') else { break };
        let (arg, spec) = rest[..close]
            .split_once(':')
            .unwrap_or((&rest[..close], ""));
        let mut push = |n: &str| {
            let n = n.trim();
            if n.starts_with(|c: char| c.is_alphabetic() || c == '_') && !out.iter().any(|o| o == n)
            {
                out.push(n.to_string());
            }
        };
        push(arg);
        for part in spec.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')) {
            if let Some(n) = part.strip_suffix('$') {
                push(n);
            }
        }
        rest = &rest[close + 1..];
    }
    out
}

/// How a use of a variable captures it into an async block.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Capture {
    Borrow,
    Move,
    /// Cannot tell (an operand: by value, but a copy for `Copy` types).
    Neutral,
}

/// Methods that take `self` by value: their receiver is moved.
pub(super) fn consuming(method: &str) -> bool {
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
pub(super) fn formatting_macro(name: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::format_string_names;

    #[test]
    fn format_strings_name_their_inline_arguments() {
        assert_eq!(
            format_string_names("{rc} {{skip}} {0} {} {cfg:?} {:>w$.p$} {rc}"),
            ["rc", "cfg", "w", "p"]
        );
        assert!(format_string_names("{unclosed").is_empty());
    }
}
