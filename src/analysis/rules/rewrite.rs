//! What the multi-statement fixes share (the runtime removed from
//! block-on-in-async, whole-file reads of blocking-fs, stdin loops of
//! blocking-stdin, the cloned-out borrow of refcell-across-await): deleting
//! a statement with its line, the later uses of a binding, and the types of
//! the fields of the structs the snippet defines.
//!
//! Kept apart from `fixkit.rs`, whose block table is being made a
//! per-analysis cache: nothing here recomputes it.

use super::fixkit;
use crate::analysis::fix::Edit;
use crate::analysis::model::Model;
use std::ops::Range;
use syn::visit::Visit;

/// Deletes the statement at `r`: with its whole line when it is alone on
/// its line(s), else with the blanks after it.
pub fn delete_stmt(text: &str, r: &Range<usize>) -> Edit {
    let start = fixkit::line_start(text, r.start);
    let rest = &text[r.end..];
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let after = r.end + blanks;
    if fixkit::starts_line(text, r.start) && text[after..].starts_with('\n') {
        return fixkit::edit(start..after + 1, "");
    }
    if fixkit::starts_line(text, r.start) && text[after..].starts_with("\r\n") {
        return fixkit::edit(start..after + 2, "");
    }
    fixkit::edit(r.start..after, "")
}

/// The uses of `name` in `scope`, up to a new `let` of the name (a
/// shadowing binding ends the scope of the one the caller follows).
pub fn uses_until_rebound(m: &Model<'_>, name: &str, scope: &Range<usize>) -> Vec<Range<usize>> {
    let toks = &m.snippet.toks;
    let mut out = Vec::new();
    for u in fixkit::ident_uses(m, name, scope) {
        let Some(k) = fixkit::tok_at(m, u.start) else {
            continue;
        };
        let before = |d: usize| k.checked_sub(d).and_then(|x| toks.get(x));
        let rebinds = before(1).is_some_and(|t| t.is_ident(m.text, "let"))
            || (before(1).is_some_and(|t| t.is_ident(m.text, "mut"))
                && before(2).is_some_and(|t| t.is_ident(m.text, "let")));
        if rebinds {
            break;
        }
        out.push(u);
    }
    out
}

/// The text of the tokens in `r` (no comments, no whitespace): to compare
/// two pieces of code as written (`.expect("open")` against another).
pub fn token_text(m: &Model<'_>, r: &Range<usize>) -> String {
    m.snippet
        .toks
        .iter()
        .filter(|t| t.start as usize >= r.start && t.end as usize <= r.end)
        .map(|t| t.text(m.text))
        .collect()
}

/// The named fields of the structs the snippet defines, by struct name.
/// A name defined twice (two modules) is left out: which one a use means
/// is not known.
pub struct StructFields<'a> {
    structs: Vec<(String, Vec<(String, &'a syn::Type)>)>,
    ambiguous: Vec<String>,
    /// `impl` blocks: their range in the user's text and their self type's
    /// name.
    impls: Vec<(Range<usize>, String)>,
}

impl<'a> StructFields<'a> {
    pub fn collect(m: &Model<'a>) -> StructFields<'a> {
        struct V<'a, 'u> {
            unit: &'u crate::analysis::parse::Unit,
            out: StructFields<'a>,
        }
        impl<'a> Visit<'a> for V<'a, '_> {
            fn visit_item_struct(&mut self, s: &'a syn::ItemStruct) {
                let name = s.ident.to_string();
                if self.out.structs.iter().any(|(n, _)| *n == name) {
                    self.out.ambiguous.push(name);
                    return;
                }
                let fields = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), &f.ty)))
                    .collect();
                self.out.structs.push((name, fields));
            }
            fn visit_item_impl(&mut self, i: &'a syn::ItemImpl) {
                if let syn::Type::Path(p) = &*i.self_ty
                    && let Some(last) = p.path.segments.last()
                {
                    use syn::spanned::Spanned;
                    let r = self.unit.span_range(i.span());
                    self.out.impls.push((r, last.ident.to_string()));
                }
                syn::visit::visit_item_impl(self, i);
            }
        }
        let mut all = StructFields {
            structs: Vec::new(),
            ambiguous: Vec::new(),
            impls: Vec::new(),
        };
        for unit in &m.snippet.units {
            let mut v = V {
                unit,
                out: StructFields {
                    structs: Vec::new(),
                    ambiguous: Vec::new(),
                    impls: Vec::new(),
                },
            };
            v.visit_file(&unit.file);
            for (n, f) in v.out.structs {
                if all.structs.iter().any(|(x, _)| *x == n) {
                    all.ambiguous.push(n);
                } else {
                    all.structs.push((n, f));
                }
            }
            all.ambiguous.extend(v.out.ambiguous);
            all.impls.extend(v.out.impls);
        }
        all
    }

    /// The type of `self.field` at `pos`: `self` is the innermost `impl`
    /// around `pos`, whose struct the snippet defines once.
    pub fn self_field(&self, pos: usize, field: &str) -> Option<&'a syn::Type> {
        let (_, ty_name) = self
            .impls
            .iter()
            .filter(|(r, _)| r.start <= pos && pos < r.end)
            .min_by_key(|(r, _)| r.len())?;
        self.field(ty_name, field)
    }

    /// The type of field `field` of struct `name`.
    pub fn field(&self, name: &str, field: &str) -> Option<&'a syn::Type> {
        if self.ambiguous.iter().any(|a| a == name) {
            return None;
        }
        let (_, fields) = self.structs.iter().find(|(n, _)| n == name)?;
        fields.iter().find(|(f, _)| f == field).map(|(_, t)| *t)
    }
}
