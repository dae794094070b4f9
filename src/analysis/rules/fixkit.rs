//! What the rules' machine-applicable fixes share: where `.await` may be
//! written, edits that keep the user's indentation, statement and block
//! boundaries read from the syntax trees, and the block-scope fix for a
//! value held across an `.await`.
//!
//! Every edit is a byte range of the user's text. Paths are written in full
//! (`tokio::time::sleep`) so a fix never needs a `use` line.
use crate::analysis::fix::{Edit, Fix, FixSafety};
use crate::analysis::lexer::TokKind;
use crate::analysis::model::{Call, Hold, Live, Model};
use std::collections::HashSet;
use std::ops::Range;
use syn::spanned::Spanned;
use syn::visit::Visit;

/// Can `.await` be written at this call? Only directly in an async fn, block
/// or closure: not in a sync closure inside one (`.map(|x| ..)`), not in a
/// `poll` body, not in a closure passed to an unknown function.
pub fn can_await_at(m: &Model<'_>, c: &Call<'_>) -> bool {
    c.ctx == crate::analysis::model::Ctx::Async
        && c.body
            .is_some_and(|b| can_await_in(m, b) && c.range.end <= m.text.len())
}

/// Is `b` a body where `.await` is allowed?
pub fn can_await_in(m: &Model<'_>, b: usize) -> bool {
    m.bodies.get(b).is_some_and(|body| body.kind.is_async())
}

pub fn edit(range: Range<usize>, replacement: impl Into<String>) -> Edit {
    Edit {
        range,
        replacement: replacement.into(),
    }
}

pub fn insert(at: usize, text: impl Into<String>) -> Edit {
    edit(at..at, text)
}

pub fn fix(safety: FixSafety, description: impl Into<String>, edits: Vec<Edit>) -> Fix {
    Fix {
        edits,
        safety,
        description: description.into(),
    }
}

/// Start of the line holding `pos`.
pub fn line_start(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())]
        .rfind('\n')
        .map(|i| i + 1)
        .unwrap_or(0)
}

/// The whitespace that indents the line holding `pos`.
pub fn indent_of(text: &str, pos: usize) -> &str {
    let start = line_start(text, pos);
    let line = &text[start..];
    let n = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..n]
}

/// Does only whitespace precede `pos` on its line?
pub fn starts_line(text: &str, pos: usize) -> bool {
    text[line_start(text, pos)..pos].trim().is_empty()
}

/// Inserts `line` as a statement of its own before the statement starting
/// at `stmt_start`, on its own line with the same indentation when the
/// statement starts a line.
pub fn insert_stmt_before(text: &str, stmt_start: usize, line: &str) -> Edit {
    if starts_line(text, stmt_start) {
        let indent = indent_of(text, stmt_start);
        insert(stmt_start, format!("{line}\n{indent}"))
    } else {
        insert(stmt_start, format!("{line} "))
    }
}

/// Inserts `line` as a statement after the statement ending at `stmt_end`.
pub fn insert_stmt_after(text: &str, stmt_start: usize, stmt_end: usize, line: &str) -> Edit {
    if starts_line(text, stmt_start) {
        let indent = indent_of(text, stmt_start);
        insert(stmt_end, format!("\n{indent}{line}"))
    } else {
        insert(stmt_end, format!(" {line}"))
    }
}

/// `expr.await`, with parentheses when `.await` would bind to less than the
/// whole expression (`a + b`, `&x`, `x as T`, a closure...).
pub fn awaited(expr_text: &str, expr: &syn::Expr) -> String {
    if postfix_ok(expr) {
        format!("{expr_text}.await")
    } else {
        format!("({expr_text}).await")
    }
}

/// A name for a new binding that the snippet does not use yet.
pub fn fresh_name(m: &Model<'_>, base: &str) -> String {
    if !m.names.idents.contains(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}{i}"))
        .find(|n| !m.names.idents.contains(n))
        .unwrap()
}

/// Byte ranges (user text) of the statements of one block, with the
/// names bound by `let` statements (top-level of the pattern).
pub struct BlockStmts {
    pub stmts: Vec<StmtInfo>,
    /// From `{` to `}`.
    pub range: Range<usize>,
}

pub struct StmtInfo {
    pub range: Range<usize>,
    pub is_let: bool,
    /// Names bound by this statement (a `let`'s pattern).
    pub binds: Vec<String>,
    /// For `let pat = init;` (no `else`): the range of `init`, and whether
    /// its value is surely owned (not a borrow of something in scope).
    pub let_init: Option<(Range<usize>, bool)>,
}

/// Is the value of `e` surely owned rather than a reference into what it
/// reads? Used to move a `let` into a block's tail: a borrow of a guard
/// would not outlive the block. Places (`s.count`, `*s`, `v[i]`) are fine:
/// in code that compiles they are copies.
fn owned_value(e: &syn::Expr) -> bool {
    use syn::Expr as E;
    match e {
        E::Paren(p) => owned_value(&p.expr),
        E::Lit(_) | E::Path(_) | E::Field(_) | E::Index(_) | E::Binary(_) | E::Macro(_) => true,
        E::Unary(u) => matches!(
            u.op,
            syn::UnOp::Deref(_) | syn::UnOp::Not(_) | syn::UnOp::Neg(_)
        ),
        E::Cast(_) => true,
        E::MethodCall(mc) => matches!(
            mc.method.to_string().as_str(),
            "clone"
                | "to_owned"
                | "to_string"
                | "to_vec"
                | "len"
                | "is_empty"
                | "is_some"
                | "is_none"
                | "count"
                | "take"
                | "pop"
                | "pop_front"
                | "pop_back"
                | "remove"
                | "insert"
                | "contains"
                | "contains_key"
                | "cloned"
                | "copied"
                | "collect"
                | "sum"
                | "drain_all"
                | "split_off"
        ),
        _ => false,
    }
}

/// Every block of every parsed unit with its statements, computed once per
/// analysis (fixes of many findings ask for them).
pub fn blocks<'m>(m: &'m Model<'_>) -> &'m [BlockStmts] {
    m.fix_blocks.get_or_init(|| collect_blocks(m))
}

fn collect_blocks(m: &Model<'_>) -> Vec<BlockStmts> {
    struct V<'u> {
        unit: &'u crate::analysis::parse::Unit,
        out: Vec<BlockStmts>,
    }
    impl<'ast> Visit<'ast> for V<'_> {
        fn visit_block(&mut self, b: &'ast syn::Block) {
            let range = self.unit.span_range(b.brace_token.span.join());
            let stmts = b
                .stmts
                .iter()
                .map(|s| {
                    let (is_let, binds) = match s {
                        syn::Stmt::Local(l) => (true, pat_names(&l.pat)),
                        _ => (false, Vec::new()),
                    };
                    let let_init = match s {
                        syn::Stmt::Local(l) => match &l.init {
                            Some(init) if init.diverge.is_none() => Some((
                                self.unit.span_range(init.expr.span()),
                                owned_value(&init.expr),
                            )),
                            _ => None,
                        },
                        _ => None,
                    };
                    StmtInfo {
                        range: self.unit.span_range(s.span()),
                        is_let,
                        binds,
                        let_init,
                    }
                })
                .collect();
            self.out.push(BlockStmts { stmts, range });
            syn::visit::visit_block(self, b);
        }
    }
    let mut all = Vec::new();
    for unit in &m.snippet.units {
        let mut v = V {
            unit,
            out: Vec::new(),
        };
        v.visit_file(&unit.file);
        all.extend(v.out);
    }
    all
}

/// The identifiers a pattern binds.
pub fn pat_names(p: &syn::Pat) -> Vec<String> {
    struct V(Vec<String>);
    impl<'ast> Visit<'ast> for V {
        fn visit_pat_ident(&mut self, i: &'ast syn::PatIdent) {
            self.0.push(i.ident.to_string());
            syn::visit::visit_pat_ident(self, i);
        }
    }
    let mut v = V(Vec::new());
    v.visit_pat(p);
    v.0
}

/// Identifiers (as tokens, so also inside macros) in a range of the text,
/// and the names a format string captures (`"{name}"`).
pub fn idents_in<'t>(m: &Model<'t>, r: &Range<usize>) -> HashSet<&'t str> {
    let mut out = HashSet::new();
    for t in m
        .snippet
        .toks
        .iter()
        .filter(|t| t.start as usize >= r.start && t.end as usize <= r.end)
    {
        match t.kind {
            TokKind::Ident => {
                out.insert(t.text(m.text));
            }
            // `format!("{name}")` captures `name` from a string literal.
            TokKind::Literal => {
                let lit = t.text(m.text);
                let mut rest = lit;
                while let Some(i) = rest.find('{') {
                    let after = &rest[i + 1..];
                    let n = after
                        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .unwrap_or(after.len());
                    if n > 0 && !after.starts_with(|c: char| c.is_ascii_digit()) {
                        out.insert(&after[..n]);
                    }
                    rest = &after[n..];
                }
            }
            _ => {}
        }
    }
    out
}

/// The block-scope fix for a value held across an `.await`: the statements
/// from the one binding it to the one before the `.await` are wrapped in
/// `{ .. }`, so the value is dropped at the closing brace, before the await.
///
/// Only for a value bound by `let` in the same block as the statement that
/// awaits; not when a name bound in the wrapped statements is used after
/// them (the value itself, or a result computed under it).
pub fn scope_fix(m: &Model<'_>, live: &Live, hold: &Hold, what: &str) -> Option<Fix> {
    if !matches!(live.via, crate::analysis::model::Via::Binding(_)) {
        return None;
    }
    let blocks = blocks(m);
    // The innermost block with a `let` statement around the value's creation.
    let (block, first) = blocks
        .iter()
        .filter_map(|b| {
            let i = b.stmts.iter().position(|s| {
                s.is_let && s.range.start <= live.range.start && live.range.end <= s.range.end
            })?;
            Some((b, i))
        })
        .min_by_key(|(b, i)| b.stmts[*i].range.len())?;
    let at = hold.await_range.start;
    let awaiting = block
        .stmts
        .iter()
        .position(|s| s.range.start <= at && at < s.range.end.max(s.range.start + 1))?;
    if awaiting <= first {
        return None;
    }
    let wrapped = &block.stmts[first..awaiting];
    let bound: HashSet<&str> = wrapped
        .iter()
        .flat_map(|s| s.binds.iter().map(String::as_str))
        .collect();
    let rest = block.stmts[awaiting].range.start..block.range.end;
    let used_after: HashSet<&str> = idents_in(m, &rest)
        .into_iter()
        .filter(|i| bound.contains(i))
        .collect();
    let last = &wrapped[wrapped.len() - 1];
    let text = m.text;
    // Names used after the await: only those of the last `let`, whose value
    // is owned: it becomes the block's value (`let n = { ..; s.count };`).
    let value_out = if used_after.is_empty() {
        None
    } else {
        let (init, owned) = last.let_init.clone()?;
        let only_last = used_after.iter().all(|n| last.binds.iter().any(|b| b == n));
        if wrapped.len() < 2 || !owned || !only_last || !text[..last.range.end].ends_with(';') {
            return None;
        }
        Some((
            text[last.range.start..init.start].trim_end().to_string(),
            init,
        ))
    };
    let start = wrapped[0].range.start;
    let end = last.range.end;
    let description = match &value_out {
        None => format!(
            "end {what} in a block before the `.await` (line {}): it is dropped at the `}}`; \
             this may change behaviour if the code relied on holding it across the await",
            super::common::line_of(m, at)
        ),
        Some((head, _)) => format!(
            "end {what} in a block before the `.await` (line {}), and take what is needed after it out as the block's value (`{head} {{ .. }}`); \
             this may change behaviour if the code relied on holding it across the await",
            super::common::line_of(m, at)
        ),
    };
    let multi_line = starts_line(text, start) && text[end..].starts_with(['\n', '\r']);
    if let Some((head, init)) = &value_out {
        let indent = if multi_line {
            indent_of(text, start).to_string()
        } else {
            String::new()
        };
        let mut edits = if multi_line {
            open_block_lines(m, start, end, &format!("{indent}{head} {{"))
        } else {
            vec![insert(start, format!("{head} {{ "))]
        };
        // `let n = s.count;` -> `s.count` as the block's tail.
        edits.push(edit(last.range.start..init.start, ""));
        let close = if multi_line {
            format!("\n{indent}}};")
        } else {
            " };".to_string()
        };
        edits.push(edit(end - 1..end, close));
        return Some(fix(FixSafety::MaybeIncorrect, description, edits));
    }
    let edits = if multi_line {
        let indent = indent_of(text, start);
        let mut edits = open_block_lines(m, start, end, &format!("{indent}{{"));
        edits.push(insert(end, format!("\n{indent}}}")));
        edits
    } else {
        vec![insert(start, "{ "), insert(end, " }")]
    };
    Some(fix(FixSafety::MaybeIncorrect, description, edits))
}

/// The lines from `start` to `end` moved into a new block: `opening` on a
/// line of its own before them (the first line gets it and its extra
/// indentation in one insertion), every other line indented by four spaces.
fn open_block_lines(m: &Model<'_>, start: usize, end: usize, opening: &str) -> Vec<Edit> {
    let first_line = line_start(m.text, start);
    let mut edits = vec![insert(first_line, format!("{opening}\n    "))];
    edits.extend(indent_lines(m, first_line + 1, end, "    "));
    edits
}

/// The whole callee path of a path call (`std::thread::sleep` in
/// `std::thread::sleep(d)`): from the call's start to its `(`.
pub fn callee_path_range(m: &Model<'_>, c: &Call<'_>) -> Option<Range<usize>> {
    if !matches!(c.callee, crate::analysis::model::Callee::Path(_)) {
        return None;
    }
    let text = m.text.get(c.range.clone())?;
    let path = text[..text.find('(')?].trim_end();
    if path.is_empty() || path.contains(|ch: char| ch.is_whitespace() || ch == '<') {
        return None; // turbofish or a path split over lines: leave it to the help
    }
    Some(c.range.start..c.range.start + path.len())
}

// ---- helpers for the runtime-setup, pinning, select and I/O fixes ----------

/// The innermost statement (of any block) whose range contains `r`: its
/// block and its index there.
pub fn stmt_around<'b>(
    blocks: &'b [BlockStmts],
    r: &Range<usize>,
) -> Option<(&'b BlockStmts, usize)> {
    blocks
        .iter()
        .filter_map(|b| {
            let i = b
                .stmts
                .iter()
                .position(|s| s.range.start <= r.start && r.end <= s.range.end)?;
            Some((b, i))
        })
        .min_by_key(|(b, i)| b.stmts[*i].range.len())
}

/// The index in `m.snippet.toks` of the token starting at `pos`.
pub fn tok_at(m: &Model<'_>, pos: usize) -> Option<usize> {
    m.snippet
        .toks
        .binary_search_by_key(&pos, |t| t.start as usize)
        .ok()
}

/// `let x = ..` or `let mut x = ..` (a plain name, no type) starting at
/// `stmt_start`, read from the tokens.
pub struct SimpleLet {
    /// `mut ` up to the name, when written (a fix that shadows `x` drops it).
    pub mut_range: Option<Range<usize>>,
    /// Where the initializer starts, after `=`.
    pub init_start: usize,
}

pub fn simple_let(m: &Model<'_>, stmt_start: usize, name: &str) -> Option<SimpleLet> {
    let toks = &m.snippet.toks;
    let text = m.text;
    let mut j = tok_at(m, stmt_start)? + 1;
    let mut_tok = toks.get(j).filter(|t| t.is_ident(text, "mut")).copied();
    if mut_tok.is_some() {
        j += 1;
    }
    if !toks.get(j)?.is_ident(text, name) || !toks.get(j + 1)?.is_punct(b'=') {
        return None;
    }
    let name_start = toks[j].start as usize;
    Some(SimpleLet {
        mut_range: mut_tok.map(|t| t.start as usize..name_start),
        init_start: toks.get(j + 2)?.start as usize,
    })
}

/// Ranges of the identifier tokens spelled `name` inside `r`.
pub fn ident_uses(m: &Model<'_>, name: &str, r: &Range<usize>) -> Vec<Range<usize>> {
    m.snippet
        .toks
        .iter()
        .filter(|t| {
            t.start as usize >= r.start && t.end as usize <= r.end && t.is_ident(m.text, name)
        })
        .map(|t| t.range())
        .collect()
}

/// Is `pos` strictly inside a token (a string literal spanning lines)?
pub fn inside_token(m: &Model<'_>, pos: usize) -> bool {
    let toks = &m.snippet.toks;
    let i = toks.partition_point(|t| (t.start as usize) < pos);
    i > 0 && (toks[i - 1].end as usize) > pos
}

/// Indents by `by` every non-blank line starting in `from..to` (a line
/// starting inside a multi-line string literal is left alone: indenting it
/// would change the string).
pub fn indent_lines(m: &Model<'_>, from: usize, to: usize, by: &str) -> Vec<Edit> {
    let text = m.text;
    let mut edits = Vec::new();
    let mut pos = line_start(text, from);
    if pos < from {
        pos = text[from..].find('\n').map_or(text.len(), |i| from + i + 1);
    }
    while pos < to {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        if !text[pos..line_end].trim().is_empty() && !inside_token(m, pos) {
            edits.push(insert(pos, by));
        }
        pos = line_end + 1;
    }
    edits
}

/// Can `.method()` be appended to this expression without parentheses?
pub fn postfix_ok(e: &syn::Expr) -> bool {
    matches!(
        e,
        syn::Expr::Path(_)
            | syn::Expr::Call(_)
            | syn::Expr::MethodCall(_)
            | syn::Expr::Field(_)
            | syn::Expr::Async(_)
            | syn::Expr::Paren(_)
            | syn::Expr::Macro(_)
            | syn::Expr::Index(_)
            | syn::Expr::Await(_)
            | syn::Expr::Try(_)
            | syn::Expr::Block(_)
            | syn::Expr::Tuple(_)
            | syn::Expr::Lit(_)
    )
}

/// The position of the `(` opening a call's arguments: the first `(` after
/// its name (a turbofish is skipped).
pub fn open_paren(m: &Model<'_>, c: &Call<'_>) -> Option<usize> {
    let from = c.name_range.end.max(c.range.start);
    let i = m
        .snippet
        .toks
        .partition_point(|t| (t.start as usize) < from);
    let mut depth = 0i32;
    for t in &m.snippet.toks[i..] {
        if t.start as usize >= c.range.end {
            return None;
        }
        match t.kind {
            TokKind::Punct(b'<') => depth += 1,
            TokKind::Punct(b'>') => depth -= 1,
            TokKind::Open(b'(') if depth <= 0 => return Some(t.start as usize),
            _ => {}
        }
    }
    None
}

/// The method calls chained on `c` (`c.unwrap().text()`), innermost first:
/// the calls starting where `c` starts and ending after it, each directly
/// on the previous one (only `?` may come between).
pub fn chained_calls<'c, 'a>(m: &'c Model<'a>, c: &Call<'a>) -> Vec<&'c Call<'a>> {
    let mut on: Vec<&Call<'a>> = m
        .calls
        .iter()
        .filter(|o| {
            o.range.start == c.range.start && o.range.end > c.range.end && o.method().is_some()
        })
        .collect();
    on.sort_by_key(|o| o.range.end);
    let mut out = Vec::new();
    let mut prev_end = c.range.end;
    for o in on {
        // Tokens (so not comments) between: `?`s then one `.`.
        let glue: String = m
            .snippet
            .toks
            .iter()
            .filter(|t| t.start as usize >= prev_end && (t.end as usize) <= o.name_range.start)
            .map(|t| t.text(m.text))
            .collect();
        if glue.trim_start_matches('?') != "." {
            break;
        }
        prev_end = o.range.end;
        out.push(o);
    }
    out
}

/// Does the snippet use a runtime other than tokio (where a fix that writes
/// `tokio::` APIs would panic: "there is no reactor running")?
pub fn other_runtime(m: &Model<'_>) -> bool {
    const OTHERS: &[&str] = &[
        "monoio",
        "glommio",
        "compio",
        "async_std",
        "smol",
        "embassy_executor",
        "wasm_bindgen_futures",
        "tokio_uring",
    ];
    OTHERS.iter().any(|r| m.names.uses_crate(r))
}

/// May a fix write tokio APIs here: the runtime is tokio (or unknown) and
/// the snippet uses no other runtime.
pub fn tokio_ok(m: &Model<'_>) -> bool {
    matches!(
        m.runtime,
        crate::analysis::options::Runtime::Tokio | crate::analysis::options::Runtime::Any
    ) && !other_runtime(m)
}
