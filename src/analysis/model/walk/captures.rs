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
        let (owner, rc) = if name == "self" {
            // `self` belongs to the nearest fn with a receiver.
            let owner = self.frames.iter().rev().find_map(|f| {
                let i = self.m.bodies[f.body].fn_index?;
                self.m.fns[i].sig.receiver().map(|_| f.body)
            });
            match owner {
                Some(o) => (o, false),
                None => return,
            }
        } else {
            let Some(id) = self.lookup(&name) else { return };
            (self.m.locals[id].body, apis::is_rc(&self.m.locals[id].ty))
        };
        if !rc && !borrow {
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
            if rc {
                self.m.captures.push(OuterUse {
                    body: b,
                    name: name.clone(),
                    range: r.clone(),
                    moved: how == Capture::Move,
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
