//! Suppression comments: `// rust-async-skill: allow(rule-id, rule-id) reason`.
//!
//! Only real `//` comments count: they are found by the lexer, so the same
//! words inside a string literal are not a directive. What a directive
//! silences (a line, the next statement or item, a block, the file) is
//! decided by `crate::project::suppress`; this module only reads them, for
//! that and for the `unknown-suppression` rule.

use super::lexer::{Tok, lex_with_comments};
use std::ops::Range;

/// The marker that starts a directive, after `//` or `//!`.
pub const MARKER: &str = "rust-async-skill:";

/// Where a directive comment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// After code on the same line: silences that line.
    EndOfLine,
    /// Alone on its line: silences the next statement or item.
    OwnLine,
    /// `//!`: silences the enclosing block, or the file at the top level.
    Inner,
}

/// One directive comment.
#[derive(Clone, Debug)]
pub struct Directive {
    /// The comment, `//` included.
    pub range: Range<usize>,
    pub placement: Placement,
    /// The rule ids named, with their byte ranges.
    pub ids: Vec<(String, Range<usize>)>,
    /// What the comment says after `allow(...)`, trimmed.
    pub reason: String,
    /// Why the comment starts like a directive but is not one.
    pub malformed: Option<String>,
}

/// The directive comments of `src`, in text order.
pub fn find(src: &str) -> Vec<Directive> {
    scan(src).1
}

/// The tokens of `src` and its directive comments, in text order.
pub(crate) fn scan(src: &str) -> (Vec<Tok>, Vec<Directive>) {
    let (toks, comments) = lex_with_comments(src);
    let found = comments.into_iter().filter_map(|r| parse(src, r)).collect();
    (toks, found)
}

/// Reads one comment; `None` when it is not a directive at all.
fn parse(src: &str, range: Range<usize>) -> Option<Directive> {
    let text = &src[range.clone()];
    let body = text.strip_prefix("//")?;
    let (inner, body, body_at) = if let Some(b) = body.strip_prefix('!') {
        (true, b, range.start + 3)
    } else if body.starts_with('/') {
        // `///` is an outer doc comment: documentation, not a directive.
        return None;
    } else {
        (false, body, range.start + 2)
    };
    let lead = body.len() - body.trim_start().len();
    let rest = body.trim_start().strip_prefix(MARKER)?;
    let mut at = body_at + lead + MARKER.len();
    let placement = if inner {
        Placement::Inner
    } else {
        let line_start = src[..range.start].rfind('\n').map_or(0, |i| i + 1);
        if src[line_start..range.start].trim().is_empty() {
            Placement::OwnLine
        } else {
            Placement::EndOfLine
        }
    };
    let mut d = Directive {
        range: range.clone(),
        placement,
        ids: Vec::new(),
        reason: String::new(),
        malformed: None,
    };
    let skip = rest.len() - rest.trim_start().len();
    at += skip;
    let Some(after) = rest.trim_start().strip_prefix("allow") else {
        d.malformed = Some("expected `allow(rule-id, ...)` after `rust-async-skill:`".into());
        return Some(d);
    };
    at += "allow".len();
    let skip = after.len() - after.trim_start().len();
    at += skip;
    let Some(list) = after.trim_start().strip_prefix('(') else {
        d.malformed = Some("expected `(` after `allow`".into());
        return Some(d);
    };
    at += 1;
    let Some(close) = list.find(')') else {
        d.malformed = Some("`allow(` is not closed by `)`".into());
        return Some(d);
    };
    let mut offset = at;
    for part in list[..close].split(',') {
        let lead = part.len() - part.trim_start().len();
        let id = part.trim();
        if !id.is_empty() {
            let start = offset + lead;
            d.ids.push((id.to_string(), start..start + id.len()));
        }
        offset += part.len() + 1;
    }
    if d.ids.is_empty() {
        d.malformed = Some("`allow()` names no rule id".into());
    }
    d.reason = list[close + 1..].trim().to_string();
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_ids_reason_and_placement() {
        let src = "//! rust-async-skill: allow(blocking-fs)\nfn f() {\n    // rust-async-skill: allow(blocking-sleep, lock-across-await) on purpose\n    g(); //rust-async-skill:allow( x )\n    let s = \"// rust-async-skill: allow(blocking-net)\";\n}\n/// rust-async-skill: allow(blocking-net)\n";
        let (_, d) = scan(src);
        assert_eq!(d.len(), 3, "{d:?}");
        assert_eq!(d[0].placement, Placement::Inner);
        assert_eq!(d[0].ids[0].0, "blocking-fs");
        assert_eq!(d[1].placement, Placement::OwnLine);
        let ids: Vec<&str> = d[1].ids.iter().map(|(i, _)| i.as_str()).collect();
        assert_eq!(ids, ["blocking-sleep", "lock-across-await"]);
        assert_eq!(&src[d[1].ids[1].1.clone()], "lock-across-await");
        assert_eq!(d[1].reason, "on purpose");
        assert_eq!(d[2].placement, Placement::EndOfLine);
        assert_eq!(&src[d[2].ids[0].1.clone()], "x");
    }

    #[test]
    fn malformed_directives_say_why() {
        for (src, want) in [
            ("// rust-async-skill: deny(x)", "expected `allow"),
            ("// rust-async-skill: allow x", "expected `(`"),
            ("// rust-async-skill: allow(x", "not closed"),
            ("// rust-async-skill: allow( , )", "names no rule id"),
        ] {
            let (_, d) = scan(src);
            assert!(d[0].malformed.as_deref().unwrap().contains(want), "{src}");
        }
    }
}
