//! The shape of a file seen through the lexer: where the statement or item
//! after a point ends, the block around a point, the items (`fn`, `impl`,
//! `mod`, `trait`) that enclose a point, and lint attributes. The lexer
//! never fails and never recurses, so this works on broken and deeply
//! nested code alike, and a `//` or `#[allow]` inside a string is not seen.

use crate::analysis::lexer::{Tok, TokKind, match_delims};
use std::ops::Range;

pub struct Outline<'a> {
    src: &'a str,
    toks: Vec<Tok>,
    partner: Vec<usize>,
}

/// An `#[allow(..)]` / `#[expect(..)]` (or `#![..]`) attribute.
pub struct LintAttr {
    /// The lint paths it names (`clippy::await_holding_lock`).
    pub lints: Vec<String>,
    /// The code it applies to.
    pub scope: Range<usize>,
    /// As written, for reports.
    pub text: String,
}

impl<'a> Outline<'a> {
    pub fn new(src: &'a str, toks: Vec<Tok>) -> Self {
        let partner = match_delims(&toks);
        Outline { src, toks, partner }
    }

    /// Index of the first token starting at or after `offset`.
    fn first_at(&self, offset: usize) -> usize {
        self.toks.partition_point(|t| (t.start as usize) < offset)
    }

    /// The statement or item that starts at the first token after `offset`:
    /// up to its `;`, or the `}` of its last block when nothing continues
    /// the expression after it (`else`, `.`, `?`, `=`, ...). Empty when
    /// the enclosing block closes first.
    pub fn statement_after(&self, offset: usize) -> Range<usize> {
        let first = self.first_at(offset);
        let Some(start) = self.toks.get(first).map(|t| t.start as usize) else {
            return offset..offset;
        };
        let (src, toks) = (self.src, &self.toks);
        let mut end = start;
        let mut arrow = false;
        let mut j = first;
        while let Some(t) = toks.get(j) {
            match t.kind {
                TokKind::Open(b) => {
                    let k = self.partner[j];
                    if k == usize::MAX {
                        return start..src.len();
                    }
                    end = toks[k].end as usize;
                    j = k + 1;
                    if b == b'{' {
                        let goes_on = toks.get(j).is_some_and(|n| {
                            [b'.', b'?', b';', b'=', b'+']
                                .iter()
                                .any(|&c| n.is_punct(c))
                                || n.is_ident(src, "else")
                                || n.is_ident(src, "as")
                        });
                        if !goes_on {
                            return start..end;
                        }
                    }
                }
                TokKind::Close(_) => return start..end,
                TokKind::Punct(b';') => return start..t.end as usize,
                // A match arm ends at its comma.
                TokKind::Punct(b',') if arrow => return start..t.end as usize,
                TokKind::Punct(b'>') => {
                    arrow |= j > 0 && toks[j - 1].is_punct(b'=') && toks[j - 1].end == t.start;
                    end = t.end as usize;
                    j += 1;
                }
                _ => {
                    end = t.end as usize;
                    j += 1;
                }
            }
        }
        start..end
    }

    /// The inside of the innermost `{ }` around `offset`, or the whole file.
    pub fn enclosing_block(&self, offset: usize) -> Range<usize> {
        let mut stack: Vec<usize> = Vec::new();
        for (i, t) in self.toks.iter().enumerate() {
            if t.start as usize >= offset {
                break;
            }
            match t.kind {
                TokKind::Open(b'{') if self.partner[i] != usize::MAX => stack.push(i),
                TokKind::Close(b'}') => {
                    if let Some(&open) = stack.last()
                        && self.partner[open] == i
                    {
                        stack.pop();
                    }
                }
                _ => {}
            }
        }
        match stack.last() {
            Some(&open) => {
                self.toks[open].end as usize..self.toks[self.partner[open]].start as usize
            }
            None => 0..self.src.len(),
        }
    }

    /// The `fn`/`impl`/`mod`/`trait` items whose body holds `offset`,
    /// outermost first, each as `fn name`, `impl Trait for Type`, ...
    pub fn items_at(&self, offset: usize) -> Vec<String> {
        let mut out = Vec::new();
        for (i, t) in self.toks.iter().enumerate() {
            if t.start as usize >= offset {
                break;
            }
            let Some((name, open)) = self.item_header(i) else {
                continue;
            };
            let close = self.partner[open];
            if close != usize::MAX
                && (self.toks[open].start as usize) < offset
                && offset < self.toks[close].end as usize
            {
                out.push(name);
            }
        }
        out
    }

    /// When token `i` starts an item with a body: its name and the index
    /// of the body's `{`.
    fn item_header(&self, i: usize) -> Option<(String, usize)> {
        let (src, toks) = (self.src, &self.toks);
        let t = &toks[i];
        if t.kind != TokKind::Ident {
            return None;
        }
        let kw = t.text(src);
        if !matches!(kw, "fn" | "mod" | "trait" | "impl") {
            return None;
        }
        let named = kw != "impl";
        if named && toks.get(i + 1).is_none_or(|n| n.kind != TokKind::Ident) {
            return None; // `fn(u8) -> u8`, a pointer type
        }
        if !named {
            // An `impl` item, not `-> impl Trait` or `x: impl Trait`.
            let ok = i == 0 || {
                let p = &toks[i - 1];
                matches!(p.kind, TokKind::Close(_) | TokKind::Open(b'{'))
                    || p.is_punct(b';')
                    || p.is_ident(src, "unsafe")
                    || p.is_ident(src, "default")
            };
            if !ok {
                return None;
            }
        }
        // The body: the first `{` before any `;`, skipping ( ) and [ ].
        let mut j = i + 1;
        while let Some(n) = toks.get(j) {
            match n.kind {
                TokKind::Open(b'{') => break,
                TokKind::Open(_) if self.partner[j] != usize::MAX => j = self.partner[j] + 1,
                TokKind::Close(_) | TokKind::Punct(b';') => return None,
                _ => j += 1,
            }
        }
        let open = j;
        toks.get(open)?;
        let name = if named {
            format!("{kw} {}", toks[i + 1].text(src))
        } else {
            let header = &src[t.start as usize..toks[open].start as usize];
            header.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        Some((name, open))
    }

    /// Every `#[allow(..)]`, `#[expect(..)]`, `#![allow(..)]`, `#![expect(..)]`.
    /// An outer attribute applies to the statement or item it starts; an
    /// inner one to its block (the file at the top level).
    pub fn lint_attrs(&self) -> Vec<LintAttr> {
        let (src, toks) = (self.src, &self.toks);
        let mut out = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            if !t.is_punct(b'#') {
                continue;
            }
            let inner = toks.get(i + 1).is_some_and(|n| n.is_punct(b'!'));
            let open = if inner { i + 2 } else { i + 1 };
            if toks.get(open).is_none_or(|n| n.kind != TokKind::Open(b'[')) {
                continue;
            }
            let close = self.partner[open];
            if close == usize::MAX {
                continue;
            }
            let body = &toks[open + 1..close];
            let is_lint = body
                .first()
                .is_some_and(|n| n.is_ident(src, "allow") || n.is_ident(src, "expect"))
                && body.get(1).is_some_and(|n| n.kind == TokKind::Open(b'('));
            if !is_lint {
                continue;
            }
            let lints = lint_paths(src, &body[2..]);
            let scope = if inner {
                self.enclosing_block(t.start as usize)
            } else {
                self.statement_after(t.start as usize)
            };
            let text = src[t.start as usize..toks[close].end as usize]
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            out.push(LintAttr { lints, scope, text });
        }
        out
    }
}

/// `clippy::a, b` -> ["clippy::a", "b"], from the tokens inside `allow(..)`.
fn lint_paths(src: &str, toks: &[Tok]) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for t in toks {
        match t.kind {
            TokKind::Ident => cur.push_str(t.text(src)),
            TokKind::Punct(b':') => cur.push(':'),
            _ => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                if matches!(t.kind, TokKind::Close(b')')) {
                    break;
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::lexer::lex;

    fn outline(src: &str) -> Outline<'_> {
        Outline::new(src, lex(src))
    }

    #[test]
    fn statements_end_where_rust_ends_them() {
        let cases = [
            ("let a = S { x: 1 }; b();", "let a = S { x: 1 };"),
            (
                "if a { b() } else { c() }\nd();",
                "if a { b() } else { c() }",
            ),
            (
                "#[allow(x)]\nasync fn f() -> impl Future<Output = ()> { g().await }\nfn h() {}",
                "#[allow(x)]\nasync fn f() -> impl Future<Output = ()> { g().await }",
            ),
            (
                "let v = async { 1 }.await; x();",
                "let v = async { 1 }.await;",
            ),
            (
                "let S { a } = s else { return }; z();",
                "let S { a } = s else { return };",
            ),
            (
                "tokio::select! { _ = a => {} }\nnext();",
                "tokio::select! { _ = a => {} }",
            ),
            ("Some(x) => f(x),\nNone => g(),", "Some(x) => f(x),"),
            ("tail() }\nfn other() {}", "tail()"),
            (
                "impl<A, B> T for S<A, B> where A: X, B: Y { fn f() {} }\nfn g() {}",
                "impl<A, B> T for S<A, B> where A: X, B: Y { fn f() {} }",
            ),
        ];
        for (src, want) in cases {
            let o = outline(src);
            assert_eq!(&src[o.statement_after(0)], want, "{src}");
        }
        let o = outline("fn f() {\n    a();\n    // c\n}\n");
        assert!(o.statement_after(20).is_empty());
    }

    #[test]
    fn items_and_blocks_around_a_point() {
        let src = "mod m {\n  impl<T> Service for H<T> {\n    fn call(&self, f: impl Fn()) -> impl Future {\n      HERE\n    }\n  }\n  fn other() {}\n}\n";
        let o = outline(src);
        let at = src.find("HERE").unwrap();
        assert_eq!(
            o.items_at(at),
            ["mod m", "impl<T> Service for H<T>", "fn call"]
        );
        assert_eq!(o.items_at(src.find("fn other").unwrap()), ["mod m"]);
        assert_eq!(src[o.enclosing_block(at)].trim(), "HERE");
        assert_eq!(o.enclosing_block(0), 0..src.len());
    }

    #[test]
    fn lint_attributes_and_their_scopes() {
        let src = "#![expect(unused_must_use)]\n#[allow(clippy::await_holding_lock, dead_code)]\nasync fn f() { x().await }\nfn g() { #[allow(clippy::let_underscore_future)] let _ = h(); k(); }\nconst S: &str = \"#[allow(clippy::x)]\";\n";
        let o = outline(src);
        let a = o.lint_attrs();
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].lints, ["unused_must_use"]);
        assert_eq!(a[0].scope, 0..src.len());
        assert_eq!(a[1].lints, ["clippy::await_holding_lock", "dead_code"]);
        assert!(src[a[1].scope.clone()].ends_with("x().await }"));
        assert_eq!(
            &src[a[2].scope.clone()],
            "#[allow(clippy::let_underscore_future)] let _ = h();"
        );
    }
}
