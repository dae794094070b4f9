//! Turning pasted text into syntax trees, whatever was pasted.
//!
//! Strategies, in order: a whole file; associated items (wrapped in an
//! `impl`); loose statements (wrapped in a synthetic `async fn`, so `.await`
//! parses and the code counts as async context). When none parses, the text
//! is cut into items and statements with the tolerant lexer: every part that
//! parses is kept (broken parts are blanked out in place, which keeps byte
//! offsets intact), and the broken parts are left to the token-level scan.
//!
//! Every tree remembers how its byte offsets map back to the user's text.

mod recover;

use super::lexer::{self, Tok};
use std::ops::Range;

/// Deeper input than this goes to the token scan only: syn's parser and our
/// walker recurse, and the score bounds their depth (see `lexer::nesting_score`).
pub const MAX_NESTING_SCORE: usize = 2_000;

/// The synthetic function that holds loose statements.
pub const WRAPPER_ASYNC: &str = "__rust_async_skill_snippet";
pub const WRAPPER_SYNC: &str = "__rust_async_skill_sync_snippet";
const WRAPPER_IMPL: &str = "__RustAsyncSkillSnippet";

/// What a parsed tree stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    /// Real items.
    File,
    /// Items wrapped in a synthetic `impl`.
    Items,
    /// Statements wrapped in a synthetic fn (async or not).
    Statements { is_async: bool },
}

/// One parsed tree and the mapping of its offsets back to the user's text.
pub struct Unit {
    pub file: syn::File,
    /// Bytes of wrapper text before the user's text in what syn parsed.
    prefix: usize,
    /// Where the parsed slice starts in the user's text.
    base: usize,
    /// Length of the user's slice.
    len: usize,
    /// Where each line of the parsed text starts, and whether it is ASCII:
    /// spans are converted from their line and column (cheap in
    /// proc-macro2) rather than `byte_range()` (a cache insert per call).
    lines: Vec<(usize, bool)>,
    /// The parsed text, for the columns of non-ASCII lines.
    parsed: String,
}

fn line_table(text: &str) -> Vec<(usize, bool)> {
    let mut out = Vec::with_capacity(text.len() / 32 + 1);
    let mut start = 0;
    let mut ascii = true;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push((start, ascii));
            start = i + 1;
            ascii = true;
        } else if b >= 0x80 {
            ascii = false;
        }
    }
    out.push((start, ascii));
    out
}

impl Unit {
    /// Offset in the parsed text of a proc-macro2 line (1-based) and char column.
    fn offset(&self, lc: proc_macro2::LineColumn) -> usize {
        let Some(&(start, ascii)) = lc.line.checked_sub(1).and_then(|l| self.lines.get(l)) else {
            return 0;
        };
        if ascii {
            return (start + lc.column).min(self.parsed.len());
        }
        let line = &self.parsed[start..];
        match line.char_indices().nth(lc.column) {
            Some((i, _)) => start + i,
            None => self.parsed.len(),
        }
    }

    pub fn start_of(&self, span: proc_macro2::Span) -> usize {
        self.map(self.offset(span.start()))
    }

    pub fn end_of(&self, span: proc_macro2::Span) -> usize {
        self.map(self.offset(span.end()))
    }

    /// Maps a byte offset of the parsed text to the user's text.
    pub fn map(&self, parsed: usize) -> usize {
        parsed.saturating_sub(self.prefix).min(self.len) + self.base
    }

    pub fn span_range(&self, span: proc_macro2::Span) -> Range<usize> {
        let s = self.start_of(span);
        s..self.end_of(span).max(s)
    }
}

/// Base context of a region scanned token by token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanCtx {
    Async,
    Sync,
}

pub struct Snippet {
    pub units: Vec<Unit>,
    /// The tolerant lexer's tokens of the whole text (reused by the model).
    pub toks: Vec<Tok>,
    /// Regions that did not parse, for the token-level scan.
    pub scan: Vec<(Range<usize>, ScanCtx)>,
    pub mode: super::types::ParseMode,
    pub errors: Vec<(String, Range<usize>)>,
}

/// Bytes to skip before parsing: a byte-order mark and a `#!` shebang line
/// (but not an inner attribute `#![...]`).
fn skip_prefix(text: &str) -> usize {
    let mut skip = 0;
    if text.starts_with('\u{feff}') {
        skip = 3;
    }
    let rest = &text[skip..];
    if rest.starts_with("#!") && !rest[2..].trim_start().starts_with('[') {
        skip += rest.find('\n').unwrap_or(rest.len());
    }
    skip
}

pub(crate) struct Attempt {
    pub unit: Option<Unit>,
    pub error: Option<(String, Range<usize>)>,
}

/// Parses `slice` (found at `base` in the user's text) with one wrapper.
pub(crate) fn parse_as(slice: &str, base: usize, kind: UnitKind) -> Attempt {
    parse_as_closed(slice, base, kind, "")
}

/// Like `parse_as`, with `closers` (delimiters the user left open) appended
/// after the user's text.
fn parse_as_closed(slice: &str, base: usize, kind: UnitKind, closers: &str) -> Attempt {
    let (prefix, suffix) = match kind {
        UnitKind::File => ("", ""),
        UnitKind::Items => ("impl __RustAsyncSkillSnippet {\n", "\n}"),
        UnitKind::Statements { is_async: true } => {
            ("async fn __rust_async_skill_snippet() {\n", "\n}")
        }
        UnitKind::Statements { is_async: false } => {
            ("fn __rust_async_skill_sync_snippet() {\n", "\n}")
        }
    };
    debug_assert!(
        prefix.is_empty()
            || prefix.contains(WRAPPER_IMPL)
            || prefix.contains(WRAPPER_ASYNC)
            || prefix.contains(WRAPPER_SYNC)
    );
    let skip = if kind == UnitKind::File {
        skip_prefix(slice)
    } else {
        0
    };
    let body = &slice[skip..];
    let owned;
    let text: &str = if prefix.is_empty() && closers.is_empty() {
        body
    } else {
        owned = format!("{prefix}{body}{closers}{suffix}");
        &owned
    };
    let unit_for = |file| Unit {
        file,
        prefix: prefix.len(),
        base: base + skip,
        len: body.len(),
        lines: line_table(text),
        parsed: text.to_string(),
    };
    match syn::parse_str::<syn::File>(text) {
        Ok(file) => Attempt {
            unit: Some(unit_for(file)),
            error: None,
        },
        Err(e) => {
            let r = e.span().byte_range();
            let map = |o: usize| o.saturating_sub(prefix.len()).min(body.len()) + base + skip;
            Attempt {
                unit: None,
                error: Some((e.to_string(), map(r.start)..map(r.end))),
            }
        }
    }
}

/// `...` where code was left out (`Err(...)`, `fn f() { ... }`,
/// `call(a, ...)`) is not Rust, but pasted code is full of it. Each such
/// run of three dots becomes `{ }`: an empty block, valid wherever an
/// expression or a statement is, and of the same length, so every offset
/// still points into the user's text. Dots that follow a value (`1...5`,
/// an old range pattern) are left alone.
fn fill_placeholders(text: &str, toks: &[lexer::Tok]) -> Option<String> {
    // Nearly all code has none: one pass over the bytes instead of the tokens.
    if !text.contains("...") {
        return None;
    }
    let mut out: Option<Vec<u8>> = None;
    let mut i = 0;
    while i + 2 < toks.len() {
        let (a, b, c) = (&toks[i], &toks[i + 1], &toks[i + 2]);
        let dots = a.is_punct(b'.')
            && b.is_punct(b'.')
            && c.is_punct(b'.')
            && a.end == b.start
            && b.end == c.start;
        let after_value = i > 0
            && toks[i - 1].end == a.start
            && matches!(
                toks[i - 1].kind,
                lexer::TokKind::Ident | lexer::TokKind::Literal | lexer::TokKind::Close(_)
            );
        let more = toks
            .get(i + 3)
            .is_some_and(|d| d.start == c.end && (d.is_punct(b'.') || d.is_punct(b'=')));
        if dots && !after_value && !more {
            let bytes = out.get_or_insert_with(|| text.as_bytes().to_vec());
            bytes[a.start as usize..c.end as usize].copy_from_slice(b"{ }");
            i += 3;
        } else {
            i += 1;
        }
    }
    // Only ASCII bytes were replaced by ASCII bytes.
    out.map(|b| String::from_utf8(b).expect("ASCII for ASCII keeps UTF-8"))
}

/// Parses the user's code by the first strategy that works.
pub fn parse(text: &str) -> Snippet {
    use super::types::ParseMode;
    let toks = lexer::lex(text);
    let filled = fill_placeholders(text, &toks);
    let text = filled.as_deref().unwrap_or(text);
    let (_, score) = lexer::nesting_score(text, &toks);
    if score > MAX_NESTING_SCORE {
        let ctx = if looks_like_items(text, &toks) {
            ScanCtx::Sync
        } else {
            ScanCtx::Async
        };
        return Snippet {
            units: Vec::new(),
            toks,
            scan: vec![(0..text.len(), ctx)],
            mode: ParseMode::Tokens,
            errors: vec![(
                format!(
                    "the code nests too deeply to parse safely (nesting score {score}, limit {MAX_NESTING_SCORE}); only token-level checks ran"
                ),
                0..0,
            )],
        };
    }
    if text.trim().is_empty() {
        return Snippet {
            units: Vec::new(),
            toks,
            scan: Vec::new(),
            mode: ParseMode::File,
            errors: Vec::new(),
        };
    }
    let items_first = looks_like_items(text, &toks);
    let order: &[UnitKind] = if items_first {
        &[
            UnitKind::File,
            UnitKind::Items,
            UnitKind::Statements { is_async: true },
        ]
    } else {
        &[
            UnitKind::Statements { is_async: true },
            UnitKind::File,
            UnitKind::Items,
        ]
    };
    let mut errors: Vec<(UnitKind, String, Range<usize>)> = Vec::new();
    for &kind in order {
        let a = parse_as(text, 0, kind);
        if let Some(unit) = a.unit {
            let mode = match kind {
                UnitKind::File => ParseMode::File,
                UnitKind::Items => ParseMode::Items,
                UnitKind::Statements { .. } if is_single_expression(&unit.file) => {
                    ParseMode::Expression
                }
                UnitKind::Statements { .. } => ParseMode::Statements,
            };
            return Snippet {
                units: vec![unit],
                toks,
                scan: Vec::new(),
                mode,
                errors: Vec::new(),
            };
        }
        if let Some((m, r)) = a.error {
            errors.push((kind, m, r));
        }
    }
    // The most telling error: the one that got furthest into the text.
    let best = errors
        .into_iter()
        .max_by_key(|(k, _, r)| (r.start, matches!(k, UnitKind::File) as u8))
        .map(|(_, m, r)| (m, r));
    // A paste cut short: close what is still open and try again.
    if let Some(closers) = lexer::unclosed(&toks) {
        for &kind in order {
            if let Some(unit) = parse_as_closed(text, 0, kind, &closers).unit {
                let mode = match kind {
                    UnitKind::File => ParseMode::File,
                    UnitKind::Items => ParseMode::Items,
                    UnitKind::Statements { .. } => ParseMode::Statements,
                };
                let at = text.trim_end().len();
                return Snippet {
                    units: vec![unit],
                    toks,
                    scan: Vec::new(),
                    mode,
                    errors: vec![(
                        format!(
                            "unclosed delimiter: the code ends inside a block; analysed as if `{}` followed",
                            closers.trim()
                        ),
                        at..at,
                    )],
                };
            }
        }
    }
    let mut snippet = recover::recover(text, &toks, items_first);
    snippet.toks = toks;
    snippet.errors.extend(best);
    snippet.errors.sort_by_key(|(_, r)| r.start);
    snippet.errors.dedup_by(|a, b| a.1 == b.1);
    snippet
}

/// True when the first significant token starts an item (`fn`, `use`,
/// `impl`, an attribute...): then a file parse is tried first.
fn looks_like_items(text: &str, toks: &[Tok]) -> bool {
    let mut i = 0;
    // Skip attributes `#[..]` / `#![..]`.
    while i < toks.len() && toks[i].is_punct(b'#') {
        let mut j = i + 1;
        if j < toks.len() && toks[j].is_punct(b'!') {
            j += 1;
        }
        if j < toks.len() && toks[j].kind == lexer::TokKind::Open(b'[') {
            let mut depth = 0;
            while j < toks.len() {
                match toks[j].kind {
                    lexer::TokKind::Open(_) => depth += 1,
                    lexer::TokKind::Close(_) => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            i = j + 1;
        } else {
            break;
        }
    }
    let Some(t) = toks.get(i) else { return true };
    if t.kind != lexer::TokKind::Ident {
        return false;
    }
    let word = t.text(text);
    let next = toks.get(i + 1).map(|t| t.text(text)).unwrap_or("");
    match word {
        "fn" | "use" | "impl" | "struct" | "enum" | "trait" | "mod" | "pub" | "extern" | "type"
        | "static" | "const" | "union" | "macro_rules" => true,
        "async" => next == "fn" || next == "unsafe",
        "unsafe" => next == "fn" || next == "impl" || next == "trait",
        _ => false,
    }
}

/// A statements wrapper whose body is one expression with no semicolon.
fn is_single_expression(file: &syn::File) -> bool {
    match file.items.first() {
        Some(syn::Item::Fn(f)) => {
            f.block.stmts.len() == 1 && matches!(f.block.stmts[0], syn::Stmt::Expr(_, None))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::types::ParseMode;

    #[test]
    fn strategies() {
        assert_eq!(parse("fn main() {}").mode, ParseMode::File);
        assert_eq!(
            parse("let x = 1;\nfoo().await;").mode,
            ParseMode::Statements
        );
        assert_eq!(parse("foo().await").mode, ParseMode::Expression);
        assert_eq!(parse("").mode, ParseMode::File);
        assert_eq!(
            parse("async fn f() { let x = 1 +; }").mode,
            ParseMode::Tokens
        );
    }

    #[test]
    fn elided_code_placeholders_parse() {
        for code in [
            "async fn f() { let x = ...; }",
            "fn other(&self) { ... }\nasync fn g() { h(a, ...).await; }",
            "loop { tokio::select! { _ = sleep(d) => { return Err(...) } } }",
        ] {
            let s = parse(code);
            assert!(s.errors.is_empty(), "{code}: {:?}", s.errors);
            assert_ne!(s.mode, ParseMode::Tokens, "{code}");
        }
        // A value before the dots: a (deprecated) range, not a placeholder.
        let toks = lexer::lex("match x { 1...5 => {} }");
        assert!(fill_placeholders("match x { 1...5 => {} }", &toks).is_none());
    }

    #[test]
    fn offsets_map_back_through_wrappers() {
        let text = "let a = 1;\nfoo().await;";
        let s = parse(text);
        let u = &s.units[0];
        let syn::Item::Fn(f) = &u.file.items[0] else {
            panic!()
        };
        let syn::Stmt::Expr(syn::Expr::Await(a), _) = &f.block.stmts[1] else {
            panic!()
        };
        let r = u.span_range(a.await_token.span);
        assert_eq!(&text[r], "await");
    }

    #[test]
    fn deep_nesting_is_refused_not_crashed() {
        let deep = "(".repeat(20_000) + &")".repeat(20_000);
        let s = parse(&deep);
        assert_eq!(s.mode, ParseMode::Tokens);
        assert!(s.units.is_empty());
    }
}
