//! Recovery for code that does not parse as a whole.
//!
//! The text is cut into items and statements (the tolerant lexer finds the
//! boundaries); a part that does not parse on its own is searched for inner
//! blocks that do, and what stays broken is blanked out in place (spaces,
//! newlines kept) so the rest parses with its byte offsets unchanged. The
//! blanked regions go to the token-level scan.

use super::{ScanCtx, Snippet, Unit, UnitKind, parse_as};
use crate::analysis::lexer::{Tok, TokKind, match_delims};
use crate::analysis::types::ParseMode;
use std::ops::Range;

struct Recovery<'a> {
    text: &'a str,
    toks: &'a [Tok],
    delims: Vec<usize>,
    /// The text with broken regions blanked so far.
    work: Vec<u8>,
    blanks: Vec<(Range<usize>, ScanCtx)>,
}

pub(super) fn recover(text: &str, toks: &[Tok], items_first: bool) -> Snippet {
    let mut r = Recovery {
        text,
        toks,
        delims: match_delims(toks),
        work: text.as_bytes().to_vec(),
        blanks: Vec::new(),
    };
    let segs = r.segments(0, toks.len());
    for &(a, b) in &segs {
        let ctx = if r.is_item(a, b) {
            ScanCtx::Sync
        } else {
            ScanCtx::Async
        };
        r.segment(a, b, ctx);
    }
    // Best: the whole text with the broken parts blanked parses as one tree.
    let order: &[UnitKind] = if items_first {
        &[
            UnitKind::File,
            UnitKind::Items,
            UnitKind::Statements { is_async: true },
        ]
    } else {
        &[UnitKind::Statements { is_async: true }, UnitKind::File]
    };
    let mut units = Vec::new();
    let whole = r.work_str(0..text.len()).to_string();
    for &kind in order {
        if let Some(u) = parse_as(&whole, 0, kind).unit {
            units.push(u);
            break;
        }
    }
    if units.is_empty() {
        // Else one tree per top-level part; parts that still fail are scanned.
        for &(a, b) in &segs {
            let range = r.range(a, b);
            let ctx = if r.is_item(a, b) {
                ScanCtx::Sync
            } else {
                ScanCtx::Async
            };
            let kinds: &[UnitKind] = if ctx == ScanCtx::Sync {
                &[UnitKind::File, UnitKind::Statements { is_async: true }]
            } else {
                &[UnitKind::Statements { is_async: true }, UnitKind::File]
            };
            let slice = r.work_str(range.clone()).to_string();
            let mut got: Option<Unit> = None;
            for &k in kinds {
                if let Some(u) = parse_as(&slice, range.start, k).unit {
                    got = Some(u);
                    break;
                }
            }
            match got {
                Some(u) => units.push(u),
                None => r.blank(range, ctx),
            }
        }
    }
    Snippet {
        units,
        toks: Vec::new(),
        scan: normalize(r.blanks),
        mode: ParseMode::Tokens,
        errors: Vec::new(),
    }
}

/// Drops scan regions nested in other ones (the outer scan covers them).
fn normalize(mut v: Vec<(Range<usize>, ScanCtx)>) -> Vec<(Range<usize>, ScanCtx)> {
    v.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<(Range<usize>, ScanCtx)> = Vec::new();
    for (r, c) in v {
        if let Some((last, _)) = out.last()
            && r.start >= last.start
            && r.end <= last.end
        {
            continue;
        }
        out.push((r, c));
    }
    out
}

impl<'a> Recovery<'a> {
    fn range(&self, a: usize, b: usize) -> Range<usize> {
        if a >= b {
            return 0..0;
        }
        self.toks[a].start as usize..self.toks[b - 1].end as usize
    }

    fn work_str(&self, r: Range<usize>) -> &str {
        // Blanking writes ASCII over whole tokens, so boundaries stay valid.
        std::str::from_utf8(&self.work[r]).unwrap_or("")
    }

    fn word(&self, i: usize) -> &str {
        let t = &self.toks[i];
        if t.kind == TokKind::Ident {
            t.text(self.text)
        } else {
            ""
        }
    }

    /// End (exclusive token index) of the group opened at `i`, within `to`.
    fn group_end(&self, i: usize, to: usize) -> usize {
        let c = self.delims[i];
        if c == usize::MAX || c >= to {
            to
        } else {
            c + 1
        }
    }

    /// Cuts tokens `from..to` into items / statements.
    fn segments(&self, from: usize, to: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut start = from;
        let mut i = from;
        while i < to {
            match self.toks[i].kind {
                TokKind::Open(c) => {
                    let end = self.group_end(i, to);
                    // A block ends an item or a block-like statement, unless
                    // the expression goes on (`} else {`, `}.await`...).
                    let closes = (end < to && self.ends_after_brace(end))
                        || (end == to && self.delims[i] != usize::MAX);
                    if c == b'{' && closes {
                        out.push((start, end));
                        start = end;
                    }
                    i = end;
                    continue;
                }
                TokKind::Punct(b';') => {
                    out.push((start, i + 1));
                    start = i + 1;
                }
                _ => {}
            }
            i += 1;
        }
        if start < to {
            out.push((start, to));
        }
        out
    }

    /// After a `}` closing at `end - 1`, does the item or statement end?
    fn ends_after_brace(&self, end: usize) -> bool {
        let Some(next) = self.toks.get(end) else {
            return true;
        };
        match next.kind {
            TokKind::Punct(b'#') => true,
            TokKind::Punct(_) => false,
            TokKind::Ident => !matches!(next.text(self.text), "else" | "as"),
            TokKind::Close(_) => false,
            _ => true,
        }
    }

    /// Top-level words of tokens `a..b` before the first brace group.
    fn header_words(&self, a: usize, b: usize) -> (Vec<&str>, Option<usize>) {
        let mut words = Vec::new();
        let mut i = a;
        while i < b {
            match self.toks[i].kind {
                TokKind::Open(b'{') => return (words, Some(i)),
                TokKind::Open(_) => i = self.group_end(i, b),
                TokKind::Ident => {
                    words.push(self.word(i));
                    i += 1;
                }
                _ => i += 1,
            }
        }
        (words, None)
    }

    fn is_item(&self, a: usize, b: usize) -> bool {
        let (words, _) = self.header_words(a, b);
        matches!(
            words.first().copied(),
            Some(
                "fn" | "use"
                    | "impl"
                    | "struct"
                    | "enum"
                    | "trait"
                    | "mod"
                    | "pub"
                    | "extern"
                    | "type"
                    | "static"
                    | "const"
                    | "union"
                    | "macro_rules"
                    | "unsafe"
            )
        ) || (words.first() == Some(&"async") && words.get(1) == Some(&"fn"))
    }

    fn parses(&self, a: usize, b: usize, item: bool, ctx: ScanCtx) -> bool {
        let r = self.range(a, b);
        let s = self.work_str(r.clone());
        if s.trim().is_empty() {
            return true;
        }
        let kind = if item {
            UnitKind::File
        } else {
            UnitKind::Statements {
                is_async: ctx == ScanCtx::Async,
            }
        };
        parse_as(s, r.start, kind).unit.is_some()
            || (item && parse_as(s, r.start, UnitKind::Items).unit.is_some())
    }

    fn blank(&mut self, r: Range<usize>, ctx: ScanCtx) {
        for b in &mut self.work[r.clone()] {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
        if !r.is_empty() {
            self.blanks.push((r, ctx));
        }
    }

    /// One top-level item or statement.
    fn segment(&mut self, a: usize, b: usize, ctx: ScanCtx) {
        let item = self.is_item(a, b);
        if self.parses(a, b, item, ctx) {
            return;
        }
        let (words, group) = self.header_words(a, b);
        if let Some(g) = group {
            let end = self.group_end(g, b);
            let inner_end = if self.delims[g] != usize::MAX && self.delims[g] < b {
                end - 1
            } else {
                end
            };
            if words.contains(&"fn") {
                let body = if words.contains(&"async") {
                    ScanCtx::Async
                } else {
                    ScanCtx::Sync
                };
                self.block(g + 1, inner_end, body);
            } else if words.iter().any(|w| matches!(*w, "impl" | "trait" | "mod")) {
                for (x, y) in self.segments(g + 1, inner_end) {
                    self.segment(x, y, ScanCtx::Sync);
                }
            } else {
                self.inner_blocks(a, b, ctx);
            }
        } else {
            self.inner_blocks(a, b, ctx);
        }
        if !self.parses(a, b, item, ctx) {
            let r = self.range(a, b);
            self.blank(r, ctx);
        }
    }

    /// The statements of a block body.
    fn block(&mut self, from: usize, to: usize, ctx: ScanCtx) {
        for (a, b) in self.segments(from, to) {
            if self.parses(a, b, false, ctx) {
                continue;
            }
            self.inner_blocks(a, b, ctx);
            if !self.parses(a, b, false, ctx) {
                let r = self.range(a, b);
                self.blank(r, ctx);
            }
        }
    }

    /// Recovers the outermost `{}` groups inside a broken statement
    /// (closure and async-block bodies, `if`/`match` arms...).
    fn inner_blocks(&mut self, a: usize, b: usize, ctx: ScanCtx) {
        let mut i = a;
        while i < b {
            if self.toks[i].kind == TokKind::Open(b'{') {
                let end = self.group_end(i, b);
                let inner_end = if self.delims[i] != usize::MAX && self.delims[i] < b {
                    end - 1
                } else {
                    end
                };
                let prev = if i > a { self.word(i - 1) } else { "" };
                let prev2 = if i > a + 1 { self.word(i - 2) } else { "" };
                let inner = if prev == "async" || (prev == "move" && prev2 == "async") {
                    ScanCtx::Async
                } else {
                    ctx
                };
                self.block(i + 1, inner_end, inner);
                i = end;
            } else {
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::parse::parse;
    use crate::analysis::types::ParseMode;

    #[test]
    fn broken_statement_is_blanked_and_the_rest_parses() {
        let text = "use std::thread;\nasync fn f() {\n    let x = 1 +;\n    thread::sleep(d);\n}\n";
        let s = parse(text);
        assert_eq!(s.mode, ParseMode::Tokens);
        assert_eq!(s.units.len(), 1);
        assert_eq!(s.scan.len(), 1);
        assert!(text[s.scan[0].0.clone()].contains("1 +"));
        assert!(!s.errors.is_empty());
    }

    #[test]
    fn unbalanced_code_still_yields_parts() {
        // Unclosed *and* broken: closing the braces is not enough, so the
        // recovery pass has to carve out what parses.
        let text = "fn ok() {}\nasync fn f() {\n    let x = 1 +;\n    thread::sleep(d);\n";
        let s = parse(text);
        assert_eq!(s.mode, ParseMode::Tokens);
        assert!(!s.units.is_empty() || !s.scan.is_empty());
        assert!(!s.errors.is_empty());
    }

    #[test]
    fn a_paste_cut_short_is_closed_and_parsed() {
        let text = "fn ok() {}\nasync fn f() {\n    thread::sleep(d);\n";
        let s = parse(text);
        assert_eq!(s.units.len(), 1);
        assert!(s.scan.is_empty());
        assert!(
            s.errors
                .iter()
                .any(|(m, _)| m.contains("unclosed delimiter"))
        );
    }
}
