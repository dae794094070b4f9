//! Macro bodies parsed from their tokens, once, before the walk.
//!
//! `tokio::select!` / `futures::select!` (branches `pat = fut, if cond =>
//! handler`, `biased;`, `else`/`default`/`complete`), `join!`-like macros
//! (comma-separated futures), `pin!`-like macros, and any other macro whose
//! body is a list of expressions (`println!`, `assert_eq!`, `vec!`),
//! statements or items. Results are keyed by the address of the macro's
//! node, which is stable: trees are boxed before their own macros are read.

use std::collections::HashMap;
use syn::parse::{ParseStream, Parser};
use syn::{Expr, Token};

pub struct RawBranch {
    pub pat: Option<syn::Pat>,
    pub fut: Option<Expr>,
    pub cond: Option<Expr>,
    pub handler: Expr,
    pub is_else: bool,
}

pub enum Parsed {
    Select {
        branches: Vec<RawBranch>,
    },
    Join {
        exprs: Vec<Expr>,
    },
    Pin {
        exprs: Vec<Expr>,
        stmts: Vec<syn::Stmt>,
    },
    Exprs(Vec<Expr>),
    Stmts(Vec<syn::Stmt>),
    Items(Vec<syn::Item>),
    Opaque,
}

/// Bounds the work on macro-heavy input.
const MAX_MACROS: usize = 50_000;

#[derive(Default)]
pub struct MacroStore {
    map: HashMap<usize, Box<Parsed>>,
}

/// A macro still to parse: its key, last path segment and tokens (cheaper
/// to keep than a clone of the whole `syn::Macro`).
type Pending = (usize, String, proc_macro2::TokenStream);

fn key(m: &syn::Macro) -> usize {
    m as *const syn::Macro as usize
}

impl MacroStore {
    pub fn build(snippet: &super::super::parse::Snippet) -> MacroStore {
        let mut store = MacroStore::default();
        let mut work: Vec<Pending> = Vec::new();
        for u in &snippet.units {
            collect(&u.file, &mut work);
        }
        let mut done = 0;
        while let Some((k, name, tokens)) = work.pop() {
            done += 1;
            if done > MAX_MACROS {
                break;
            }
            let parsed = Box::new(parse(&name, tokens));
            collect_parsed(&parsed, &mut work);
            store.map.insert(k, parsed);
        }
        store
    }

    pub fn get(&self, m: &syn::Macro) -> Option<&Parsed> {
        self.map.get(&key(m)).map(|b| &**b)
    }
}

struct Collector<'w> {
    out: &'w mut Vec<Pending>,
}

impl<'ast> syn::visit::Visit<'ast> for Collector<'_> {
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.out
            .push((key(m), super::syntax::macro_name(m), m.tokens.clone()));
    }
}

fn collect(file: &syn::File, out: &mut Vec<Pending>) {
    syn::visit::Visit::visit_file(&mut Collector { out }, file);
}

fn collect_parsed(p: &Parsed, out: &mut Vec<Pending>) {
    use syn::visit::Visit;
    let mut c = Collector { out };
    match p {
        Parsed::Select { branches, .. } => {
            for b in branches {
                if let Some(f) = &b.fut {
                    c.visit_expr(f);
                }
                if let Some(f) = &b.cond {
                    c.visit_expr(f);
                }
                c.visit_expr(&b.handler);
            }
        }
        Parsed::Join { exprs } | Parsed::Exprs(exprs) => exprs.iter().for_each(|e| c.visit_expr(e)),
        Parsed::Pin { exprs, stmts } => {
            exprs.iter().for_each(|e| c.visit_expr(e));
            stmts.iter().for_each(|s| c.visit_stmt(s));
        }
        Parsed::Stmts(s) => s.iter().for_each(|s| c.visit_stmt(s)),
        Parsed::Items(i) => i.iter().for_each(|i| c.visit_item(i)),
        Parsed::Opaque => {}
    }
}

/// Macros whose bodies are not Rust code worth reading.
const OPAQUE: &[&str] = &[
    "macro_rules",
    "quote",
    "quote_spanned",
    "parse_quote",
    "include_str",
    "include_bytes",
    "include",
    "concat",
    "stringify",
    "env",
    "option_env",
    "cfg",
    "compile_error",
    "html",
    "rsx",
    "view",
    "json",
    "format_args_nl",
    "asm",
    "global_asm",
    "cfg_if",
    "doc",
];

fn parse(name: &str, tokens: proc_macro2::TokenStream) -> Parsed {
    let name = name.to_string();
    if OPAQUE.contains(&name.as_str()) {
        return Parsed::Opaque;
    }
    match name.as_str() {
        "select" | "select_biased" => {
            if let Ok(branches) = (|i: ParseStream| parse_select(i)).parse2(tokens.clone()) {
                return Parsed::Select { branches };
            }
        }
        "join" | "try_join" => {
            let p = |i: ParseStream| {
                if i.peek(syn::Ident) && i.peek2(Token![;]) {
                    let _: syn::Ident = i.parse()?;
                    let _: Token![;] = i.parse()?;
                }
                let list = syn::punctuated::Punctuated::<Expr, Token![,]>::parse_terminated(i)?;
                Ok(list.into_iter().collect::<Vec<_>>())
            };
            if let Ok(exprs) = p.parse2(tokens.clone()) {
                return Parsed::Join { exprs };
            }
        }
        "pin" | "pin_mut" => {
            if let Ok(stmts) = syn::Block::parse_within.parse2(tokens.clone())
                && stmts.iter().all(|s| matches!(s, syn::Stmt::Local(_)))
                && !stmts.is_empty()
            {
                return Parsed::Pin {
                    exprs: Vec::new(),
                    stmts,
                };
            }
            let p = syn::punctuated::Punctuated::<Expr, Token![,]>::parse_terminated;
            if let Ok(list) = p.parse2(tokens.clone()) {
                return Parsed::Pin {
                    exprs: list.into_iter().collect(),
                    stmts: Vec::new(),
                };
            }
        }
        _ => {}
    }
    let p = syn::punctuated::Punctuated::<Expr, Token![,]>::parse_terminated;
    if let Ok(list) = p.parse2(tokens.clone()) {
        return Parsed::Exprs(list.into_iter().collect());
    }
    if let Ok(stmts) = syn::Block::parse_within.parse2(tokens.clone()) {
        return Parsed::Stmts(stmts);
    }
    if let Ok(file) = syn::parse2::<syn::File>(tokens) {
        return Parsed::Items(file.items);
    }
    Parsed::Opaque
}

/// `[biased;] (pat = fut [, if cond] => handler[,])* [else => handler]`,
/// also futures' `default =>` / `complete =>`.
fn parse_select(input: ParseStream) -> syn::Result<Vec<RawBranch>> {
    // `biased;` changes the polling order, which no rule needs.
    if input.peek(syn::Ident) && input.peek2(Token![;]) {
        let _: syn::Ident = input.parse()?;
        let _: Token![;] = input.parse()?;
    }
    let mut branches = Vec::new();
    while !input.is_empty() {
        let is_else = if input.peek(Token![else]) && input.peek2(Token![=>]) {
            let _: Token![else] = input.parse()?;
            true
        } else if input.peek(syn::Ident) && input.peek2(Token![=>]) {
            let id: syn::Ident = input.fork().parse()?;
            if id == "default" || id == "complete" {
                let _: syn::Ident = input.parse()?;
                true
            } else {
                false
            }
        } else {
            false
        };
        let (pat, fut, cond) = if is_else {
            (None, None, None)
        } else {
            let pat = syn::Pat::parse_multi_with_leading_vert(input)?;
            let _: Token![=] = input.parse()?;
            let fut: Expr = input.parse()?;
            let cond = if input.peek(Token![,]) && input.peek2(Token![if]) {
                let _: Token![,] = input.parse()?;
                let _: Token![if] = input.parse()?;
                Some(input.parse::<Expr>()?)
            } else {
                None
            };
            (Some(pat), Some(fut), cond)
        };
        let _: Token![=>] = input.parse()?;
        let handler = if input.peek(syn::token::Brace) {
            let block: syn::Block = input.parse()?;
            let _ = input.parse::<Option<Token![,]>>()?;
            Expr::Block(syn::ExprBlock {
                attrs: Vec::new(),
                label: None,
                block,
            })
        } else {
            let e: Expr = input.parse()?;
            if !input.is_empty() {
                let _: Token![,] = input.parse()?;
            }
            e
        };
        branches.push(RawBranch {
            pat,
            fut,
            cond,
            handler,
            is_else,
        });
    }
    Ok(branches)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_mac(src: &str) -> Parsed {
        let e: syn::Expr = syn::parse_str(src).unwrap();
        let syn::Expr::Macro(m) = e else { panic!() };
        parse(
            &crate::analysis::model::syntax::macro_name(&m.mac),
            m.mac.tokens.clone(),
        )
    }

    #[test]
    fn tokio_select_branches() {
        let p = parse_mac(
            "tokio::select! { biased; Some(v) = rx.recv(), if open => { handle(v) } _ = sleep(d) => break, else => {} }",
        );
        let Parsed::Select { branches } = p else {
            panic!("not a select")
        };
        assert_eq!(branches.len(), 3);
        assert!(branches[0].cond.is_some());
        assert!(branches[2].is_else);
    }

    #[test]
    fn futures_select_default() {
        let p = parse_mac("futures::select! { a = fa => {}, default => {}, complete => break }");
        let Parsed::Select { branches, .. } = p else {
            panic!()
        };
        assert_eq!(branches.len(), 3);
    }

    #[test]
    fn format_args_are_exprs() {
        assert!(matches!(parse_mac("println!(\"{}\", x.await)"), Parsed::Exprs(v) if v.len() == 2));
    }
}
