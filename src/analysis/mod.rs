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

pub mod directives;
pub mod eval;
pub mod fix;
pub mod krate;
pub(crate) mod lexer;
pub(crate) mod model;
mod options;
mod parse;
mod pool;
mod rules;
mod seeds;
mod source;
mod types;

pub use fix::{Edit, Fix, FixSafety};
pub use options::{DiagnoseOptions, InputError, Runtime};
pub use rules::{RuleDoc, rule_doc, rule_docs, rule_table, rules_document, rules_twinned_with};
pub use source::LineIndex;
pub use types::{
    Diagnosis, Finding, ParseErrorInfo, ParseInfo, ParseMode, Position, Severity, Span, ViaStep,
    summarize,
};

/// Checks the arguments, then analyses `code`.
pub fn diagnose(code: &str, opts: &DiagnoseOptions) -> Result<Diagnosis, InputError> {
    validate(code, opts)?;
    let result = match pool::run(code.to_string(), opts.clone()) {
        Some(r) => r,
        // No analysis thread available: run here (the nesting check still bounds recursion).
        None => std::panic::catch_unwind(|| analyze(code, opts)),
    };
    Ok(result.unwrap_or_else(internal_error))
}

/// [`diagnose`] for async callers: the analysis runs on the analysis
/// threads and the calling task awaits it without blocking its worker.
/// Dropping the future abandons the answer (the analysis, a few ms at most,
/// still runs to the end).
pub async fn diagnose_async(code: String, opts: DiagnoseOptions) -> Result<Diagnosis, InputError> {
    validate(&code, &opts)?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let result = match pool::submit(code, opts, move |r| {
        // The receiver is gone only if the caller dropped this future.
        let _ = tx.send(r);
    }) {
        Ok(()) => rx
            .await
            .unwrap_or_else(|_| Err(Box::new("the analysis thread died"))),
        // No analysis thread available: the blocking pool, as a last resort.
        Err((code, opts)) => {
            tokio::task::spawn_blocking(move || std::panic::catch_unwind(|| analyze(&code, &opts)))
                .await
                .unwrap_or_else(|e| Err(Box::new(e.to_string())))
        }
    };
    Ok(result.unwrap_or_else(internal_error))
}

/// The analysis without the thread and the panic guard (for fuzzing).
#[doc(hidden)]
pub fn diagnose_unguarded(code: &str, opts: &DiagnoseOptions) -> Result<Diagnosis, InputError> {
    validate(code, opts)?;
    let d = analyze(code, opts);
    // This thread's parse spans are no longer needed: free proc-macro2's
    // per-thread source map, which would grow with every call otherwise.
    // (Callers must not hold proc-macro2 spans of their own on this thread.)
    proc_macro2::extra::invalidate_current_thread_spans();
    Ok(d)
}

pub(crate) fn validate(code: &str, opts: &DiagnoseOptions) -> Result<(), InputError> {
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
    let mut out = None;
    analyze_then(code, opts, |d| out = Some(d));
    out.expect("analyze_then always delivers")
}

/// Blanks Markdown fence lines (```` ```rust ````, ```` ``` ````) pasted
/// with the code, keeping every byte offset.
fn strip_fences(code: &str) -> std::borrow::Cow<'_, str> {
    if !code.contains("```") {
        return std::borrow::Cow::Borrowed(code);
    }
    let mut out = String::with_capacity(code.len());
    for line in code.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            for c in line.chars() {
                if c == '\n' || c == '\r' {
                    out.push(c);
                } else {
                    // As many spaces as the character had bytes.
                    out.extend(std::iter::repeat_n(' ', c.len_utf8()));
                }
            }
        } else {
            out.push_str(line);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Analyses `code` and hands the diagnosis to `deliver` before freeing
/// the trees and the model (which takes a while on big inputs): a worker
/// answers first and cleans up after.
pub(crate) fn analyze_then(code: &str, opts: &DiagnoseOptions, deliver: impl FnOnce(Diagnosis)) {
    let cleaned = strip_fences(code);
    let code: &str = &cleaned;
    let snippet = parse::parse(code);
    let store = model::MacroStore::build(&snippet);
    let model = model::Model::build(code, &snippet, &store, opts.runtime);
    deliver(diagnosis(code, opts, &snippet, &model));
    // `model`, `store` and `snippet` are dropped here, in that order.
}

/// One file of a crate (`krate/`): the diagnosis with the crate's `seeds`
/// applied, and whatever `look` reads from the model (the file's summary
/// for the crate pass). No fence stripping: the text is a real file.
pub(crate) fn analyze_file<S>(
    code: &str,
    opts: &DiagnoseOptions,
    seeds: &seeds::Seeds,
    look: impl FnOnce(&mut model::Model<'_>) -> S,
) -> (Diagnosis, S) {
    let snippet = parse::parse(code);
    let store = model::MacroStore::build(&snippet);
    let mut model = model::Model::build_seeded(code, &snippet, &store, opts.runtime, seeds);
    let d = diagnosis(code, opts, &snippet, &model);
    (d, look(&mut model))
}

/// Where the rules `ids` report in `model` (byte ranges), for the crate
/// pass's probes of what a fn would show in another context.
pub(crate) fn rule_ranges(model: &model::Model<'_>, ids: &[String]) -> Vec<std::ops::Range<usize>> {
    let index = LineIndex::new(model.text);
    rules::run(model, &index, Some(ids))
        .into_iter()
        .map(|f| f.range)
        .collect()
}

fn diagnosis(
    code: &str,
    opts: &DiagnoseOptions,
    snippet: &parse::Snippet,
    model: &model::Model<'_>,
) -> Diagnosis {
    let index = LineIndex::new(code);
    let mut findings = rules::run(model, &index, opts.rules.as_deref());
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

pub(crate) fn internal_error(panic: Box<dyn std::any::Any + Send>) -> Diagnosis {
    let what = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown".into());
    // The message points at the start of the code: line 1, column 1.
    let index = LineIndex::new("");
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

/// Time of each phase of one analysis (parse, macros, model, rules), for profiling.
#[doc(hidden)]
pub fn profile_phases(code: &str) -> [std::time::Duration; 4] {
    let t0 = std::time::Instant::now();
    let snippet = parse::parse(code);
    let t1 = std::time::Instant::now();
    let store = model::MacroStore::build(&snippet);
    let t2 = std::time::Instant::now();
    let model = model::Model::build(code, &snippet, &store, Runtime::Tokio);
    let t3 = std::time::Instant::now();
    let index = LineIndex::new(code);
    std::hint::black_box(rules::run(&model, &index, None));
    let t4 = std::time::Instant::now();
    [t1 - t0, t2 - t1, t3 - t2, t4 - t3]
}
