//! The fix for a `RefCell` borrow still used after the `.await` it is
//! held across, where the block-scope fix cannot end it earlier:
//! `let data = cell.borrow();` becomes `let data = cell.borrow().clone();`.
//!
//! Equivalent only when
//! - it is a shared `borrow()` bound by a plain `let data = ..;` (a
//!   `borrow_mut` is written through: its clone would take the writes);
//! - the cell's type is in the snippet (a typed local or parameter, or a
//!   field of a struct the snippet defines) and everything in it is a std
//!   type known to be `Clone` (`RefCell<Vec<String>>`), so `.clone()`
//!   reaches through `Ref` to the value (`Ref` itself has no `clone`
//!   method) and compiles;
//! - every later use of `data` reads it the same way through `Ref<T>` and
//!   `T`: a method call or field (`data.len()`, `data.name`; not `deref`,
//!   `into_iter`... whose meaning differs), `&data`, or a format capture.
//!   `*data`, `&mut data` and moves keep the help.
//!
//! While the borrow was held nothing could change the cell without a
//! panic, so the copy holds what the borrow would have shown.

use super::super::fixkit;
use super::super::rewrite::{self, StructFields};
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::model::{Link, Live, Model, Resolved, Root, Via, names};

/// Std types that are `Clone` when their parameters are.
const CLONE_OK: &[&str] = &[
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
    "bool",
    "char",
    "str",
    "String",
    "Vec",
    "VecDeque",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "Option",
    "Result",
    "Arc",
    "Rc",
    "Box",
    "PathBuf",
    "Duration",
    "Instant",
    "SystemTime",
];

/// Methods whose meaning differs on `Ref<T>` and on `T` (`Ref` implements
/// `Deref`; a by-value method through `Ref` autorefs).
const DIFFERENT: &[&str] = &["deref", "borrow", "as_ref", "as_mut", "deref_mut"];

/// Is a resolved path a std type that is `Clone` (with `Clone` parameters)?
fn clone_ok(p: &Resolved) -> bool {
    let std_like = p.unresolved()
        || p.starts_with("std")
        || p.starts_with("core")
        || p.starts_with("alloc")
        || p.segs.len() == 1;
    std_like && CLONE_OK.contains(&p.last())
}

/// The cell's type paths, outermost first, from `Rc`/`Arc`/`Box` around
/// the `RefCell` (references are skipped by `type_paths`): the paths inside
/// the `RefCell`, when the outer layers are only those.
fn inner_types(paths: &[Resolved]) -> Option<&[Resolved]> {
    let at = paths.iter().position(|p| p.last() == "RefCell")?;
    let cell = &paths[at];
    if !(cell.unresolved() || cell.is("std::cell::RefCell") || cell.is("core::cell::RefCell")) {
        return None;
    }
    if !paths[..at]
        .iter()
        .all(|p| matches!(p.last(), "Rc" | "Arc" | "Box") && clone_ok(p))
    {
        return None;
    }
    Some(&paths[at + 1..])
}

pub(super) fn fix(m: &Model<'_>, live: &Live) -> Option<Fix> {
    let Via::Binding(name) = &live.via else {
        return None;
    };
    let blocks = fixkit::blocks(m);
    let (block, i) = fixkit::stmt_around(blocks, &live.range)?;
    let stmt = &block.stmts[i];
    if !stmt.is_let || stmt.binds.len() != 1 || stmt.binds[0] != *name {
        return None;
    }
    let decl = fixkit::simple_let(m, stmt.range.start, name)?;
    if decl.mut_range.is_some() {
        return None;
    }
    // `let data = <receiver>.borrow();`
    let borrow = m.calls.iter().find(|c| {
        c.range.start == decl.init_start && c.method() == Some("borrow") && c.nargs() == 0
    })?;
    if rewrite::token_text(m, &(borrow.range.end..stmt.range.end)) != ";" {
        return None;
    }
    let recv = borrow.receiver.as_ref()?;
    let mut paths = Vec::new();
    match (&recv.root, recv.links.as_slice()) {
        (Root::Local(id), []) => paths.extend(m.locals.get(*id)?.ty.iter().cloned()),
        (Root::SelfValue, [Link::Field(f)]) => {
            let ty = StructFields::collect(m).self_field(borrow.range.start, f)?;
            names::type_paths(&m.names, ty, &mut paths);
        }
        _ => return None,
    }
    let inner = inner_types(&paths)?;
    if inner.is_empty() || !inner.iter().all(clone_ok) {
        return None;
    }
    // Every later use reads through `Ref<T>` and `T` alike.
    let toks = &m.snippet.toks;
    let text = m.text;
    let scope = stmt.range.end..block.range.end;
    for u in rewrite::uses_until_rebound(m, name, &scope) {
        let k = fixkit::tok_at(m, u.start)?;
        let before = |d: usize| k.checked_sub(d).and_then(|x| toks.get(x));
        let after = |d: usize| toks.get(k + d);
        if before(1).is_some_and(|t| t.is_punct(b'.')) {
            continue; // a field or method of that name, not the binding
        }
        let method = after(1).is_some_and(|t| t.is_punct(b'.'))
            && after(2).is_some_and(|t| {
                let w = t.text(text);
                t.kind == crate::analysis::lexer::TokKind::Ident
                    && !DIFFERENT.contains(&w)
                    && !w.starts_with("into")
            });
        let shared_ref = before(1).is_some_and(|t| t.is_punct(b'&'))
            && !before(2).is_some_and(|t| t.is_punct(b'&'));
        if !(method || shared_ref) {
            return None;
        }
    }
    Some(fixkit::fix(
        FixSafety::MaybeIncorrect,
        format!(
            "clone the value out of the cell (`let {name} = ...borrow().clone();`): the borrow ends at the `;`, before the `.await`, and `{name}` holds a copy of what the borrow showed (nothing could change the cell while it was held). May change behaviour: the copy costs a clone, and code that ran into the held borrow (`try_borrow_mut` failing, `borrow_mut` panicking) now gets the cell"
        ),
        vec![fixkit::insert(borrow.range.end, ".clone()")],
    ))
}
