//! `diagnose_snippet`: a static analyser for async Rust, no compiler needed.
//!
//! Data flows one way: text -> [`parse`] (syntax trees that map back to the
//! user's text, or a token-level fallback) -> [`model`] (async contexts,
//! calls, values alive at each `.await`, `select!` branches, poll bodies,
//! runtime set-up) -> [`rules`] (one file per rule) -> [`Finding`]s.
//!
//! Invariants: spans are byte ranges of the code exactly as sent, turned
//! into 1-based lines and character columns at the end; rules read the
//! model and never re-walk the trees for common facts; nothing here panics
//! on any input (the entry point also runs the analysis on a thread with a
//! large stack and turns an unexpected panic into a parse error).

pub mod eval;
pub mod fix;
mod lexer;
pub(crate) mod model;
mod options;
mod parse;
mod rules;
mod source;
mod types;

pub use fix::{Edit, Fix, FixSafety};
pub use options::{DiagnoseOptions, InputError, Runtime};
pub use rules::{RuleDoc, rule_doc, rule_docs, rule_table, rules_document};
pub use source::LineIndex;
pub use types::{
    Diagnosis, Finding, ParseErrorInfo, ParseInfo, ParseMode, Position, Severity, Span, summarize,
};

/// Stack of the analysis thread: syn and the walk recurse once per level
/// of nesting, and the parser's nesting check bounds the levels.
const STACK_BYTES: usize = 64 << 20;

/// Checks the arguments, then analyses `code`.
pub fn diagnose(code: &str, opts: &DiagnoseOptions) -> Result<Diagnosis, InputError> {
    validate(code, opts)?;
    let run = || std::panic::catch_unwind(|| analyze(code, opts));
    let result = std::thread::scope(|s| {
        match std::thread::Builder::new()
            .name("diagnose".into())
            .stack_size(STACK_BYTES)
            .spawn_scoped(s, run)
        {
            Ok(h) => h.join().unwrap_or_else(Err),
            // No thread available: run here (the nesting check still bounds recursion).
            Err(_) => run(),
        }
    });
    Ok(result.unwrap_or_else(|p| internal_error(code, p)))
}

/// The analysis without the thread and the panic guard (for fuzzing).
#[doc(hidden)]
pub fn diagnose_unguarded(code: &str, opts: &DiagnoseOptions) -> Result<Diagnosis, InputError> {
    validate(code, opts)?;
    Ok(analyze(code, opts))
}

fn validate(code: &str, opts: &DiagnoseOptions) -> Result<(), InputError> {
    if code.len() > opts.max_code_bytes {
        return Err(InputError::TooLarge {
            bytes: code.len(),
            limit: opts.max_code_bytes,
        });
    }
    if let Some(ids) = &opts.rules {
        for id in ids {
            if rule_doc(id).is_none() {
                return Err(InputError::UnknownRule {
                    id: id.clone(),
                    valid: rule_docs().iter().map(|d| d.id).collect(),
                });
            }
        }
    }
    Ok(())
}

fn analyze(code: &str, opts: &DiagnoseOptions) -> Diagnosis {
    let snippet = parse::parse(code);
    let store = model::MacroStore::build(&snippet);
    let model = model::Model::build(code, &snippet, &store, opts.runtime);
    let index = LineIndex::new(code);
    let mut findings = rules::run(&model, &index, opts.rules.as_deref());
    findings.sort_by(|a, b| {
        (a.range.start, a.range.end, &a.rule).cmp(&(b.range.start, b.range.end, &b.rule))
    });
    let errors = snippet
        .errors
        .iter()
        .map(|(m, r)| ParseErrorInfo {
            message: m.clone(),
            span: index.span(r),
        })
        .collect();
    let (e, w, i) = types::count(&findings);
    Diagnosis {
        findings,
        parse: ParseInfo {
            mode: snippet.mode,
            errors,
        },
        summary: summarize(e, w, i),
    }
}

fn internal_error(code: &str, panic: Box<dyn std::any::Any + Send>) -> Diagnosis {
    let what = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown".into());
    let index = LineIndex::new(code);
    Diagnosis {
        findings: Vec::new(),
        parse: ParseInfo {
            mode: ParseMode::Tokens,
            errors: vec![ParseErrorInfo {
                message: format!(
                    "internal analyser error ({what}); no findings were produced, please report this input"
                ),
                span: index.span(&(0..0)),
            }],
        },
        summary: summarize(0, 0, 0),
    }
}
