//! A tolerant Rust lexer: never fails, never recurses.
//!
//! It serves three jobs where syn cannot: measuring nesting before syn is
//! trusted with the input (deep input would overflow syn's recursive
//! parser), cutting broken code into items and statements so the parts that
//! parse are still analysed, and the token-level scan of what does not parse.

use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokKind {
    Ident,
    Lifetime,
    Literal,
    Punct(u8),
    Open(u8),
    Close(u8),
}

#[derive(Clone, Copy, Debug)]
pub struct Tok {
    pub kind: TokKind,
    pub start: u32,
    pub end: u32,
}

impl Tok {
    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        &src[self.range()]
    }
    pub fn is_punct(&self, c: u8) -> bool {
        self.kind == TokKind::Punct(c)
    }
    pub fn is_ident(&self, src: &str, s: &str) -> bool {
        self.kind == TokKind::Ident && self.text(src) == s
    }
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Splits `src` into tokens, skipping whitespace and comments.
pub fn lex(src: &str) -> Vec<Tok> {
    lex_inner(src, None)
}

/// [`lex`], plus the byte range of every `//` line comment (without its
/// newline), for readers of comment directives: a `//` inside a string
/// literal is not a comment here.
pub fn lex_with_comments(src: &str) -> (Vec<Tok>, Vec<Range<usize>>) {
    let mut comments = Vec::new();
    let toks = lex_inner(src, Some(&mut comments));
    (toks, comments)
}

fn lex_inner(src: &str, mut comments: Option<&mut Vec<Range<usize>>>) -> Vec<Tok> {
    let bytes = src.as_bytes();
    let mut toks = Vec::with_capacity(src.len() / 4);
    let mut i = 0usize;
    let n = bytes.len();
    while i < n {
        let b = bytes[i];
        // Whitespace.
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        // Comments.
        if b == b'/' && i + 1 < n && bytes[i + 1] == b'/' {
            let start = i;
            while i < n && bytes[i] != b'\n' {
                i += 1;
            }
            if let Some(c) = comments.as_deref_mut() {
                c.push(start..i);
            }
            continue;
        }
        if b == b'/' && i + 1 < n && bytes[i + 1] == b'*' {
            let mut depth = 1;
            i += 2;
            while i < n && depth > 0 {
                if bytes[i] == b'/' && i + 1 < n && bytes[i + 1] == b'*' {
                    depth += 1;
                    i += 2;
                } else if bytes[i] == b'*' && i + 1 < n && bytes[i + 1] == b'/' {
                    depth -= 1;
                    i += 2;
                } else {
                    i += 1;
                }
            }
            continue;
        }
        let start = i;
        // Raw strings / byte strings / C strings: r"..", r#".."#, br"..", cr"..".
        if let Some(end) = raw_string(bytes, i) {
            i = end;
            toks.push(tok(TokKind::Literal, start, i));
            continue;
        }
        // Prefixed plain strings: b"..", c"..".
        if (b == b'b' || b == b'c') && i + 1 < n && bytes[i + 1] == b'"' {
            i = quoted(bytes, i + 1, b'"');
            toks.push(tok(TokKind::Literal, start, i));
            continue;
        }
        if b == b'b' && i + 1 < n && bytes[i + 1] == b'\'' {
            i = quoted(bytes, i + 1, b'\'');
            toks.push(tok(TokKind::Literal, start, i));
            continue;
        }
        if b == b'"' {
            i = quoted(bytes, i, b'"');
            toks.push(tok(TokKind::Literal, start, i));
            continue;
        }
        if b == b'\'' {
            // A char literal ('a', '\n', '\u{..}') or a lifetime ('a, 'static).
            let rest = &src[i + 1..];
            let mut chars = rest.char_indices();
            match chars.next() {
                Some((_, '\\')) => {
                    i = quoted(bytes, i, b'\'');
                    toks.push(tok(TokKind::Literal, start, i));
                }
                Some((_, c)) => {
                    let after = i + 1 + c.len_utf8();
                    if after < n && bytes[after] == b'\'' {
                        i = after + 1;
                        toks.push(tok(TokKind::Literal, start, i));
                    } else if is_ident_start(c) {
                        i = after;
                        while i < n {
                            let c = src[i..].chars().next().unwrap();
                            if is_ident_continue(c) {
                                i += c.len_utf8();
                            } else {
                                break;
                            }
                        }
                        toks.push(tok(TokKind::Lifetime, start, i));
                    } else {
                        i += 1;
                        toks.push(tok(TokKind::Punct(b'\''), start, i));
                    }
                }
                None => {
                    i += 1;
                    toks.push(tok(TokKind::Punct(b'\''), start, i));
                }
            }
            continue;
        }
        if b.is_ascii_digit() {
            i += 1;
            while i < n {
                let c = bytes[i];
                // Digits, suffixes, and a fractional part (`1.5`, not `1..2`).
                let fraction = c == b'.'
                    && i + 1 < n
                    && bytes[i + 1].is_ascii_digit()
                    && !(i > start && bytes[i - 1] == b'.');
                if c.is_ascii_alphanumeric() || c == b'_' || fraction {
                    i += 1;
                } else {
                    break;
                }
            }
            toks.push(tok(TokKind::Literal, start, i));
            continue;
        }
        if b == b'(' || b == b'[' || b == b'{' {
            i += 1;
            toks.push(tok(TokKind::Open(b), start, i));
            continue;
        }
        if b == b')' || b == b']' || b == b'}' {
            i += 1;
            toks.push(tok(TokKind::Close(b), start, i));
            continue;
        }
        if b < 0x80 {
            if b.is_ascii_alphabetic() || b == b'_' {
                i += 1;
                while i < n
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] >= 0x80)
                {
                    if bytes[i] >= 0x80 {
                        let c = src[i..].chars().next().unwrap();
                        if !is_ident_continue(c) {
                            break;
                        }
                        i += c.len_utf8();
                    } else {
                        i += 1;
                    }
                }
                // Raw identifier r#name.
                if i - start == 1
                    && b == b'r'
                    && i + 1 < n
                    && bytes[i] == b'#'
                    && (bytes[i + 1].is_ascii_alphabetic() || bytes[i + 1] == b'_')
                {
                    i += 1;
                    while i < n && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                        i += 1;
                    }
                }
                toks.push(tok(TokKind::Ident, start, i));
            } else {
                i += 1;
                toks.push(tok(TokKind::Punct(b), start, i));
            }
            continue;
        }
        // Non-ASCII: an identifier if alphabetic, else a stray character.
        let c = src[i..].chars().next().unwrap();
        if is_ident_start(c) {
            i += c.len_utf8();
            while i < n {
                let c = src[i..].chars().next().unwrap();
                if is_ident_continue(c) {
                    i += c.len_utf8();
                } else {
                    break;
                }
            }
            toks.push(tok(TokKind::Ident, start, i));
        } else {
            i += c.len_utf8();
            toks.push(tok(TokKind::Punct(b'?'), start, i));
        }
    }
    toks
}

fn tok(kind: TokKind, start: usize, end: usize) -> Tok {
    Tok {
        kind,
        start: start as u32,
        end: end as u32,
    }
}

/// End of a quoted literal starting at `open` (the quote), handling escapes;
/// an unterminated literal runs to the end of the text.
fn quoted(bytes: &[u8], open: usize, q: u8) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            c if c == q => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// `r"..."`, `r#"..."#`, `br#"..."#`, `cr"..."`: returns the end offset.
fn raw_string(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    if j < bytes.len() && (bytes[j] == b'b' || bytes[j] == b'c') {
        j += 1;
    }
    if j >= bytes.len() || bytes[j] != b'r' {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while j < bytes.len() && bytes[j] == b'#' {
        hashes += 1;
        j += 1;
    }
    if j >= bytes.len() || bytes[j] != b'"' {
        return None;
    }
    j += 1;
    while j < bytes.len() {
        if bytes[j] == b'"' {
            let mut k = 0;
            while k < hashes && j + 1 + k < bytes.len() && bytes[j + 1 + k] == b'#' {
                k += 1;
            }
            if k == hashes {
                return Some(j + 1 + hashes);
            }
        }
        j += 1;
    }
    Some(bytes.len())
}

/// How deeply syn would have to recurse to parse these tokens, estimated
/// from above: along every path of nested delimiters, the sum of the
/// lengths of the token runs (between `,` and `;`) that precede each
/// opening delimiter, plus the current run. Long operator chains
/// (`a + a + ...`, `!!!!x`, `else if` chains) and deep brackets both count.
pub fn nesting_score(src: &str, toks: &[Tok]) -> (usize, usize) {
    let mut max_depth = 0usize;
    let mut max_score = 0usize;
    // Score carried into the current group, and the run length inside it.
    let mut stack: Vec<usize> = Vec::new();
    let mut base = 0usize;
    let mut run = 0usize;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokKind::Open(_) => {
                stack.push(base);
                stack.push(run);
                base = base + run + 4;
                run = 0;
                max_depth = max_depth.max(stack.len() / 2);
            }
            TokKind::Close(c) => {
                if stack.len() >= 2 {
                    run = stack.pop().unwrap() + 1;
                    base = stack.pop().unwrap();
                } else {
                    run = 0;
                    base = 0;
                }
                // A block ends an item or a statement unless the expression
                // goes on (`} else {`, `}.await`, `}?`): then the chain nests.
                if c == b'}' {
                    let next = toks.get(i + 1);
                    let goes_on = next.is_some_and(|n| {
                        n.is_punct(b'.') || n.is_punct(b'?') || n.is_ident(src, "else")
                    });
                    if !goes_on {
                        run = 0;
                    }
                }
            }
            TokKind::Punct(b',') | TokKind::Punct(b';') => run = 0,
            _ => run += 1,
        }
        max_score = max_score.max(base + run);
    }
    (max_depth, max_score)
}

/// The opening delimiter a closing one matches.
fn opener_of(close: u8) -> u8 {
    match close {
        b')' => b'(',
        b']' => b'[',
        _ => b'{',
    }
}

/// The closers of delimiters left open at the end, innermost first
/// (`"\n)}"`), when every closer in the text matches an opener; `None`
/// when all is balanced or a closer is unmatched.
pub fn unclosed(toks: &[Tok]) -> Option<String> {
    let mut stack: Vec<u8> = Vec::new();
    for t in toks {
        match t.kind {
            TokKind::Open(c) => stack.push(c),
            TokKind::Close(c) if stack.pop() != Some(opener_of(c)) => {
                return None;
            }
            _ => {}
        }
    }
    if stack.is_empty() {
        return None;
    }
    let mut s = String::from("\n");
    for c in stack.iter().rev() {
        s.push(match c {
            b'(' => ')',
            b'[' => ']',
            _ => '}',
        });
    }
    Some(s)
}

/// For each token, the index of its matching delimiter (or `usize::MAX`).
pub fn match_delims(toks: &[Tok]) -> Vec<usize> {
    let mut m = vec![usize::MAX; toks.len()];
    let mut stack: Vec<usize> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            TokKind::Open(_) => stack.push(i),
            TokKind::Close(c) => {
                let want = opener_of(c);
                // Pop to the nearest matching opener; unmatched closers stay unmatched.
                if let Some(pos) = stack
                    .iter()
                    .rposition(|&j| toks[j].kind == TokKind::Open(want))
                {
                    let j = stack[pos];
                    stack.truncate(pos);
                    m[i] = j;
                    m[j] = i;
                }
            }
            _ => {}
        }
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<String> {
        lex(src).iter().map(|t| t.text(src).to_string()).collect()
    }

    #[test]
    fn lexes_tricky_literals() {
        assert_eq!(kinds("let c = 'a'; fn f<'a>(x: &'a str) {}")[3], "'a'");
        assert_eq!(
            kinds(r##"r#"a "quoted" b"# x"##),
            vec![r##"r#"a "quoted" b"#"##, "x"]
        );
        assert_eq!(kinds("a /* b /* c */ d */ e // f\ng"), vec!["a", "e", "g"]);
        assert_eq!(kinds("1..2"), vec!["1", ".", ".", "2"]);
        assert_eq!(kinds("x.0.1"), vec!["x", ".", "0.1"]);
        assert_eq!(kinds("\"unterminated"), vec!["\"unterminated"]);
    }

    #[test]
    fn nesting_is_measured() {
        let deep = "(".repeat(1000) + &")".repeat(1000);
        assert!(nesting_score(&deep, &lex(&deep)).0 == 1000);
        let chain = "1".to_string() + &" + 1".repeat(5000);
        assert!(nesting_score(&chain, &lex(&chain)).1 > 5000);
        let flat = "f(1, 2, 3); g(4);".repeat(100);
        assert!(nesting_score(&flat, &lex(&flat)).1 < 20);
        let items = "fn f() { a(); }\nstruct S { x: u8 }\n".repeat(5000);
        assert!(nesting_score(&items, &lex(&items)).1 < 20);
        let elses = "if a {} ".to_string() + &"else if a {} ".repeat(5000);
        assert!(nesting_score(&elses, &lex(&elses)).1 > 5000);
    }
}
