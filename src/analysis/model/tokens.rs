//! The token-level scan of regions that did not parse.
//!
//! It tracks contexts by braces (`async fn` / `async {` bodies are async,
//! `fn` bodies sync, the parentheses of `spawn_blocking(..)` and friends
//! exempt) and records calls (`path::to::f(` and `.method(`) with their
//! receiver chains, so the call-based rules (blocking calls, `block_on`,
//! tokio blocking APIs) still fire in broken code.

use super::{Call, Callee, Chain, Ctx, Link, Model, Root, Use};
use crate::analysis::lexer::{Tok, TokKind, lex, match_delims};
use crate::analysis::parse::ScanCtx;
use std::ops::Range;

pub(super) fn scan(m: &mut Model<'_>) {
    let regions = m.snippet.scan.clone();
    for (range, base) in regions {
        scan_region(m, range, base);
    }
}

#[derive(Clone, Copy)]
struct Group {
    ctx: Ctx,
    close: usize,
}

fn scan_region(m: &mut Model<'_>, range: Range<usize>, base: ScanCtx) {
    let text = m.text;
    let Some(src) = text.get(range.clone()) else {
        return;
    };
    let mut toks = lex(src);
    for t in &mut toks {
        t.start += range.start as u32;
        t.end += range.start as u32;
    }
    let delims = match_delims(&toks);
    let word = |i: usize| -> &str {
        let t: &Tok = &toks[i];
        if t.kind == TokKind::Ident {
            t.text(text)
        } else {
            ""
        }
    };
    let base_ctx = match base {
        ScanCtx::Async => Ctx::Async,
        ScanCtx::Sync => Ctx::Sync,
    };
    let mut stack: Vec<Group> = Vec::new();
    // A `fn` header seen since the last `;` / `}`: its next `{` opens its body.
    let mut pending_fn: Option<bool> = None;
    let mut calls = Vec::new();
    for i in 0..toks.len() {
        while stack.last().is_some_and(|g| g.close < i) {
            stack.pop();
        }
        let cur = stack.last().map(|g| g.ctx).unwrap_or(base_ctx);
        let t = toks[i];
        match t.kind {
            TokKind::Ident if word(i) == "fn" => {
                let is_async = (1..=4).any(|k| i >= k && word(i - k) == "async");
                pending_fn = Some(is_async);
            }
            TokKind::Punct(b';') => pending_fn = None,
            TokKind::Open(b'{') => {
                let close = if delims[i] == usize::MAX {
                    toks.len()
                } else {
                    delims[i]
                };
                let prev = if i > 0 { word(i - 1) } else { "" };
                let prev2 = if i > 1 { word(i - 2) } else { "" };
                let ctx = if let Some(a) = pending_fn.take() {
                    if a { Ctx::Async } else { Ctx::Sync }
                } else if prev == "async" || (prev == "move" && prev2 == "async") {
                    Ctx::Async
                } else {
                    cur
                };
                stack.push(Group { ctx, close });
            }
            TokKind::Open(b'(') => {
                let close = if delims[i] == usize::MAX {
                    toks.len()
                } else {
                    delims[i]
                };
                let callee = if i > 0 { word(i - 1) } else { "" };
                let ctx = match callee {
                    "spawn_blocking" | "block_in_place" | "unblock" => {
                        Ctx::Exempt("spawn_blocking")
                    }
                    "spawn" if i >= 3 && word(i - 3) == "thread" => {
                        Ctx::Exempt("std::thread::spawn")
                    }
                    _ => cur,
                };
                stack.push(Group { ctx, close });
                // A call: `path(` or `.method(`.
                if i > 0 && toks[i - 1].kind == TokKind::Ident && !is_keyword(callee) {
                    calls.push((i, cur));
                }
            }
            TokKind::Open(_) => {
                let close = if delims[i] == usize::MAX {
                    toks.len()
                } else {
                    delims[i]
                };
                stack.push(Group { ctx: cur, close });
            }
            _ => {}
        }
    }
    for (open, ctx) in calls {
        if let Some(c) = call_at(m, &toks, &delims, open, ctx) {
            m.calls.push(c);
        }
    }
}

fn is_keyword(w: &str) -> bool {
    matches!(
        w,
        "if" | "while"
            | "for"
            | "match"
            | "return"
            | "fn"
            | "in"
            | "let"
            | "loop"
            | "as"
            | "mut"
            | "ref"
            | "move"
            | "async"
            | "await"
            | "else"
            | "impl"
            | "where"
            | "pub"
            | "crate"
            | "dyn"
    )
}

fn is_path_sep(toks: &[Tok], i: usize) -> bool {
    i >= 1
        && toks[i].is_punct(b':')
        && toks[i - 1].is_punct(b':')
        && toks[i - 1].end == toks[i].start
}

/// Path segments ending at token `end` (an identifier), reading backwards.
fn path_back(text: &str, toks: &[Tok], end: usize) -> (Vec<String>, usize) {
    let mut segs = vec![toks[end].text(text).to_string()];
    let mut i = end;
    while i >= 3 && is_path_sep(toks, i - 1) && toks[i - 3].kind == TokKind::Ident {
        segs.push(toks[i - 3].text(text).to_string());
        i -= 3;
    }
    segs.reverse();
    (segs, i)
}

fn count_args(toks: &[Tok], delims: &[usize], open: usize) -> usize {
    let close = delims[open];
    if close == usize::MAX || close == open + 1 {
        return 0;
    }
    let mut n = 1;
    let mut i = open + 1;
    while i < close {
        match toks[i].kind {
            TokKind::Open(_) if delims[i] != usize::MAX => i = delims[i],
            TokKind::Punct(b',') if i + 1 < close => n += 1,
            _ => {}
        }
        i += 1;
    }
    n
}

fn call_at<'a>(
    m: &Model<'a>,
    toks: &[Tok],
    delims: &[usize],
    open: usize,
    ctx: Ctx,
) -> Option<Call<'a>> {
    let text = m.text;
    let name_tok = open - 1;
    let close = delims[open];
    let end = if close == usize::MAX {
        toks.last()?.end as usize
    } else {
        toks[close].end as usize
    };
    let awaited = close != usize::MAX
        && toks.get(close + 1).is_some_and(|t| t.is_punct(b'.'))
        && toks
            .get(close + 2)
            .is_some_and(|t| t.is_ident(text, "await"));
    let parent = if awaited { Use::Await } else { Use::Other };
    let is_method = name_tok >= 1 && toks[name_tok - 1].is_punct(b'.');
    let args = Vec::new();
    if is_method {
        let method = toks[name_tok].text(text).to_string();
        let (receiver, start) = chain_back(m, toks, delims, name_tok - 1);
        Some(Call {
            expr: None,
            unit: None,
            body: None,
            ctx,
            range: start..end,
            name_range: toks[name_tok].range(),
            callee: Callee::Method(method),
            receiver: Some(receiver),
            args,
            parent,
        })
    } else {
        let (segs, first) = path_back(text, toks, name_tok);
        let path = m.names.resolve(&segs);
        Some(Call {
            expr: None,
            unit: None,
            body: None,
            ctx,
            range: toks[first].start as usize..end,
            name_range: toks[name_tok].range(),
            callee: Callee::Path(path),
            receiver: None,
            args,
            parent,
        })
    }
}

/// The receiver chain before the `.` at `dot`, read backwards.
fn chain_back(m: &Model<'_>, toks: &[Tok], delims: &[usize], dot: usize) -> (Chain, usize) {
    let text = m.text;
    let mut links = Vec::new();
    let mut i = dot; // index of a `.`
    loop {
        if i == 0 {
            return (
                Chain {
                    root: Root::Other,
                    links: rev(links),
                },
                toks[0].start as usize,
            );
        }
        let prev = i - 1;
        match toks[prev].kind {
            TokKind::Close(b')') if delims[prev] != usize::MAX => {
                let open = delims[prev];
                if open >= 1 && toks[open - 1].kind == TokKind::Ident {
                    let name = open - 1;
                    if name >= 1 && toks[name - 1].is_punct(b'.') {
                        links.push(Link::Method {
                            name: toks[name].text(text).to_string(),
                            nargs: count_args(toks, delims, open),
                        });
                        i = name - 1;
                        continue;
                    }
                    let (segs, first) = path_back(text, toks, name);
                    let root = Root::Call {
                        path: m.names.resolve(&segs),
                        nargs: count_args(toks, delims, open),
                    };
                    return (
                        Chain {
                            root,
                            links: rev(links),
                        },
                        toks[first].start as usize,
                    );
                }
                return (
                    Chain {
                        root: Root::Other,
                        links: rev(links),
                    },
                    toks[open].start as usize,
                );
            }
            TokKind::Punct(b'?') => {
                // `x?.m()`: read on from the token before the `?`.
                links.push(Link::Try);
                i = prev;
                continue;
            }
            TokKind::Ident => {
                let w = toks[prev].text(text);
                if w == "await" && prev >= 1 && toks[prev - 1].is_punct(b'.') {
                    links.push(Link::Await);
                    i = prev - 1;
                    continue;
                }
                if prev >= 1 && toks[prev - 1].is_punct(b'.') {
                    links.push(Link::Field(w.to_string()));
                    i = prev - 1;
                    continue;
                }
                let (segs, first) = path_back(text, toks, prev);
                return (
                    Chain {
                        root: root_path(m, segs),
                        links: rev(links),
                    },
                    toks[first].start as usize,
                );
            }
            _ => {
                return (
                    Chain {
                        root: Root::Other,
                        links: rev(links),
                    },
                    toks[prev].start as usize,
                );
            }
        }
    }
}

fn root_path(m: &Model<'_>, segs: Vec<String>) -> Root {
    if segs.len() == 1 && segs[0] == "self" {
        Root::SelfValue
    } else {
        Root::Path(m.names.resolve(&segs))
    }
}

fn rev(mut v: Vec<Link>) -> Vec<Link> {
    v.reverse();
    v
}
