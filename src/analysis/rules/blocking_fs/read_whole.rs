//! The fix for a whole file read through a std `File` in async code:
//!
//! ```text
//! let mut file = File::open(path)?;          let text = tokio::fs::read_to_string(path).await?;
//! let mut text = String::new();       ->
//! file.read_to_string(&mut text)?;
//! ```
//!
//! (and `read_to_end` into a new `Vec` -> `tokio::fs::read`; also
//! `File::open(path)?.read_to_string(&mut text)?;`). Only for consecutive
//! statements in one block (nothing runs between the open and the read),
//! an empty new buffer, the same error handling on the open and the read
//! (`?`, `.unwrap()` or the same `.expect(..)`), the read's count unused
//! and the `File` used for nothing else.

use super::super::fixkit;
use super::super::rewrite;
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::model::{Call, Model};
use std::ops::Range;

/// Methods of `String` / `Vec<u8>` that only read: a buffer used only
/// through them (or by value, or by `&`) after the read needs no `mut`.
const READ_ONLY: &[&str] = &[
    "len",
    "is_empty",
    "lines",
    "trim",
    "trim_end",
    "trim_start",
    "as_str",
    "as_bytes",
    "as_slice",
    "split",
    "split_whitespace",
    "chars",
    "bytes",
    "iter",
    "clone",
    "to_string",
    "to_owned",
    "to_vec",
    "contains",
    "starts_with",
    "ends_with",
    "parse",
    "find",
    "get",
    "first",
    "last",
    "into_bytes",
    "into_iter",
    "replace",
    "to_lowercase",
    "to_uppercase",
    "split_once",
    "trim_matches",
    "char_indices",
    "windows",
    "chunks",
    "is_ascii",
];

/// After the call ending at `end`: `.unwrap()` / `.expect(..)` chained on it
/// and any `?`s. Returns where that error handling ends.
fn handled_end(m: &Model<'_>, chain: &[&Call<'_>], k: usize, end: usize) -> (usize, usize) {
    let mut end = end;
    let mut k = k;
    if let Some(o) = chain.get(k)
        && matches!(o.method(), Some("unwrap" | "expect"))
    {
        end = o.range.end;
        k += 1;
    }
    let toks = &m.snippet.toks;
    let mut i = toks.partition_point(|t| (t.start as usize) < end);
    while toks.get(i).is_some_and(|t| t.is_punct(b'?')) {
        end = toks[i].end as usize;
        i += 1;
    }
    (end, k)
}

/// `let mut NAME = String::new();` (or a new empty `Vec`): the name, and
/// whether it is a `String`.
fn new_buffer(m: &Model<'_>, r: &Range<usize>) -> Option<(String, bool)> {
    let t = rewrite::token_text(m, r);
    let rest = t.strip_prefix("letmut")?;
    let (name, init) = rest.split_once('=')?;
    let is_string = match init {
        "String::new();" | "std::string::String::new();" => true,
        "Vec::new();" | "vec![];" | "Vec::<u8>::new();" => false,
        _ => return None,
    };
    Some((name.to_string(), is_string))
}

/// Does the buffer still need `mut` after the read? Unless every later use
/// only reads it.
fn needs_mut(m: &Model<'_>, name: &str, scope: &Range<usize>) -> bool {
    let toks = &m.snippet.toks;
    let text = m.text;
    rewrite::uses_until_rebound(m, name, scope).iter().any(|u| {
        let Some(k) = fixkit::tok_at(m, u.start) else {
            return true;
        };
        let before = |d: usize| k.checked_sub(d).and_then(|x| toks.get(x));
        let after = |d: usize| toks.get(k + d);
        if before(1).is_some_and(|t| t.is_punct(b'.')) {
            return false; // a field or method of that name, not the binding
        }
        if before(1).is_some_and(|t| t.is_ident(text, "mut")) {
            return true;
        }
        match after(1) {
            Some(t) if t.is_punct(b'.') => {
                !after(2).is_some_and(|n| READ_ONLY.iter().any(|r| n.is_ident(text, r)))
            }
            Some(t) => {
                let s = t.text(text);
                !matches!(s, ")" | "," | ";" | "}" | "?")
            }
            None => false,
        }
    })
}

pub(super) fn fix(m: &Model<'_>, c: &Call<'_>) -> Option<Fix> {
    if !fixkit::tokio_ok(m) || !fixkit::can_await_at(m, c) || c.nargs() != 1 {
        return None;
    }
    let path_range = c.args.first()?.range.clone();
    let chain = fixkit::chained_calls(m, c);
    let (open_end, k) = handled_end(m, &chain, 0, c.range.end);
    let handler = rewrite::token_text(m, &(c.range.end..open_end));
    let handler_text = m.text.get(c.range.end..open_end)?.to_string();
    let blocks = fixkit::blocks(m);
    let (block, i) = fixkit::stmt_around(blocks, &c.range)?;
    let stmt = &block.stmts[i];
    let (buf_i, read_i, file) = if let Some(read) = chain.get(k) {
        // `File::open(p)?.read_to_string(&mut s)?;`
        let (read_end, _) = handled_end(m, &chain, k + 1, read.range.end);
        if stmt.is_let
            || stmt.range.start != c.range.start
            || rewrite::token_text(m, &(read_end..stmt.range.end)) != ";"
            || rewrite::token_text(m, &(read.range.end..read_end)) != handler
        {
            return None;
        }
        (i.checked_sub(1)?, i, None)
    } else {
        // `let mut f = File::open(p)?;` then the read on `f`.
        if !stmt.is_let || stmt.binds.len() != 1 {
            return None;
        }
        let decl = fixkit::simple_let(m, stmt.range.start, &stmt.binds[0])?;
        if decl.init_start != c.range.start
            || rewrite::token_text(m, &(open_end..stmt.range.end)) != ";"
        {
            return None;
        }
        let buf_first = i
            .checked_sub(1)
            .and_then(|b| new_buffer(m, &block.stmts[b].range))
            .is_some();
        if buf_first {
            (i - 1, i + 1, Some(stmt.binds[0].clone()))
        } else {
            (i + 1, i + 2, Some(stmt.binds[0].clone()))
        }
    };
    let (name, is_string) = new_buffer(m, &block.stmts.get(buf_i)?.range)?;
    let read_stmt = block.stmts.get(read_i)?;
    let method = if is_string {
        "read_to_string"
    } else {
        "read_to_end"
    };
    let read_text = rewrite::token_text(m, &read_stmt.range);
    match &file {
        Some(f) => {
            if *f == name || read_text != format!("{f}.{method}(&mut{name}){handler};") {
                return None;
            }
            // The `File` is used for nothing else.
            let after = read_stmt.range.end..block.range.end;
            if !rewrite::uses_until_rebound(m, f, &after).is_empty() {
                return None;
            }
        }
        None => {
            let open_text = rewrite::token_text(m, &c.range);
            if read_text != format!("{open_text}{handler}.{method}(&mut{name}){handler};") {
                return None;
            }
        }
    }
    // The path is evaluated where the buffer may already be bound.
    if fixkit::idents_in(m, &path_range).contains(name.as_str()) {
        return None;
    }
    let path_text = m.text.get(path_range)?;
    let scope = read_stmt.range.end..block.range.end;
    let mutability = if needs_mut(m, &name, &scope) {
        "mut "
    } else {
        ""
    };
    let tokio_fn = if is_string { "read_to_string" } else { "read" };
    let new_let =
        format!("let {mutability}{name} = tokio::fs::{tokio_fn}({path_text}).await{handler_text};");
    // The new `let` takes the place of the open (of the read, when the
    // open is chained on it); the other statements go.
    let (keep, gone): (&Range<usize>, Vec<&Range<usize>>) = match file {
        Some(_) => (
            &stmt.range,
            vec![&block.stmts[buf_i].range, &read_stmt.range],
        ),
        None => (&read_stmt.range, vec![&block.stmts[buf_i].range]),
    };
    let mut edits = vec![fixkit::edit(keep.clone(), new_let)];
    edits.extend(gone.into_iter().map(|r| rewrite::delete_stmt(m.text, r)));
    Some(fixkit::fix(
        FixSafety::Safe,
        format!(
            "read the whole file with `tokio::fs::{tokio_fn}(..).await`: the same bytes and the same `io::Error`s as opening the `File` and calling `{method}`, with the file system calls on tokio's blocking pool"
        ),
        edits,
    ))
}
