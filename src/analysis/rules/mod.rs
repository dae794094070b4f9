//! The rules: one file per rule, each with its documentation (in clippy's
//! shape: what it does, why it is bad, known problems, example, use
//! instead) and its check over the model. The documentation here is the
//! single source of `rules ID`, the `rust-async://rules/{id}` resource and
//! docs/rules.md.

mod common;
pub(crate) mod fixkit;
mod rewrite;

mod async_main_without_runtime;
mod await_outside_async;
mod block_in_place_current_thread;
mod block_on_in_async;
mod blocking_channel;
mod blocking_fs;
mod blocking_net;
mod blocking_process;
mod blocking_sleep;
mod blocking_stdin;
mod cpu_heavy_in_async;
mod dashmap_ref_across_await;
mod future_not_awaited;
mod futures_select_unfused;
mod lock_across_await;
mod non_send_across_await;
mod pending_without_waker;
mod pin_new_not_unpin;
mod refcell_across_await;
mod runtime_drivers_disabled;
mod select_cancel_unsafe;
mod select_recreated_future;
mod self_wake_busy_poll;
mod span_enter_across_await;
mod spawn_borrow_missing_move;
mod spawn_handle_dropped;
mod spawn_local_outside_localset;
mod tokio_blocking_api_in_async;
mod unknown_suppression;
mod waker_per_poll_leak;

pub(crate) use common::Sink;

use super::model::Model;
use super::types::Severity;

/// A rule's documentation and metadata.
#[derive(Debug)]
pub struct RuleDoc {
    /// Stable id (never renamed).
    pub id: &'static str,
    pub severity: Severity,
    /// Concept id of the concept catalogue.
    pub concept: &'static str,
    /// Whether `suggest_fix` offers a machine-applicable fix.
    pub fix: bool,
    /// Lints of rustc or clippy that find the same thing: an `#[allow]` or
    /// `#[expect]` of one on an enclosing item silences this rule too.
    pub clippy_twins: &'static [&'static str],
    pub title: &'static str,
    pub what_it_does: &'static str,
    pub why_bad: &'static str,
    pub known_problems: &'static str,
    pub example: &'static str,
    pub use_instead: &'static str,
}

impl RuleDoc {
    pub fn uri(&self) -> String {
        format!("rust-async://rules/{}", self.id)
    }

    /// The rule's documentation as Markdown.
    pub fn markdown(&self) -> String {
        let twins = if self.clippy_twins.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = self.clippy_twins.iter().map(|t| format!("`{t}`")).collect();
            format!(
                " · Twin lints: {} (an `#[allow]` or `#[expect]` of one on an enclosing item silences this rule too)",
                names.join(", ")
            )
        };
        format!(
            "# {id}: {title}\n\nSeverity: {sev} · Concept: `{concept}` · Fix: {fix}{twins}\n\n\
             ## What it does\n\n{what}\n\n## Why is this bad\n\n{why}\n\n## Known problems\n\n{known}\n\n\
             ## Example\n\n```rust\n{ex}\n```\n\n## Use instead\n\n```rust\n{inst}\n```\n",
            id = self.id,
            title = self.title,
            sev = self.severity.as_str(),
            concept = self.concept,
            fix = if self.fix {
                "machine-applicable"
            } else {
                "none (see the help)"
            },
            what = self.what_it_does.trim(),
            why = self.why_bad.trim(),
            known = self.known_problems.trim(),
            ex = self.example.trim(),
            inst = self.use_instead.trim(),
        )
    }
}

type Check = fn(&Model<'_>, &mut Sink<'_>);

/// Declares the rules from one list of their modules: each module gives
/// its `DOC` and its `check`, at the same index of `DOCS` and `CHECKS`, so
/// a rule's id cannot drift from its check.
macro_rules! rules {
    ($($module:ident),* $(,)?) => {
        /// Every rule's documentation, in catalogue order.
        static DOCS: &[RuleDoc] = &[$($module::DOC),*];
        /// Every rule's check, at the index of its documentation.
        static CHECKS: &[Check] = &[$($module::check),*];
        /// Every rule's module name, at the index of its documentation.
        #[cfg(test)]
        static MODULES: &[&str] = &[$(stringify!($module)),*];
    };
}

// Catalogue order.
rules![
    blocking_sleep,
    blocking_fs,
    blocking_net,
    blocking_process,
    blocking_stdin,
    blocking_channel,
    tokio_blocking_api_in_async,
    block_on_in_async,
    lock_across_await,
    refcell_across_await,
    non_send_across_await,
    future_not_awaited,
    select_recreated_future,
    select_cancel_unsafe,
    futures_select_unfused,
    pending_without_waker,
    waker_per_poll_leak,
    self_wake_busy_poll,
    spawn_local_outside_localset,
    block_in_place_current_thread,
    async_main_without_runtime,
    pin_new_not_unpin,
    runtime_drivers_disabled,
    cpu_heavy_in_async,
    spawn_handle_dropped,
    span_enter_across_await,
    dashmap_ref_across_await,
    await_outside_async,
    spawn_borrow_missing_move,
    unknown_suppression,
];

/// The documentation of every rule, in catalogue order.
pub fn rule_docs() -> &'static [RuleDoc] {
    DOCS
}

/// The rule table (Markdown): id, severity, concept, fix, title. The
/// README's table and docs/rules.md are kept equal to it by tests.
pub fn rule_table() -> String {
    let mut s =
        String::from("| id | severity | concept | fix | what it finds |\n|---|---|---|---|---|\n");
    for d in rule_docs() {
        s.push_str(&format!(
            "| [`{id}`](docs/rules.md#{id}) | {sev} | {concept} | {fix} | {title} |\n",
            id = d.id,
            sev = d.severity.as_str(),
            concept = d.concept,
            fix = if d.fix { "yes" } else { "no" },
            title = d.title.replace('|', "\\|"),
        ));
    }
    s
}

/// docs/rules.md: the table, then every rule's documentation.
pub fn rules_document() -> String {
    let mut s = String::from(
        "# Rules of `diagnose_snippet`\n\n<!-- Generated from src/analysis/rules/*.rs by `UPDATE_RULES_DOC=1 cargo test --test it analysis_docs::`; do not edit. -->\n\n",
    );
    s.push_str(&rule_table().replace("(docs/rules.md#", "(#"));
    for d in rule_docs() {
        s.push('\n');
        s.push_str(&format!("<a id=\"{}\"></a>\n\n", d.id));
        // Each rule's headings one level down.
        for line in d.markdown().lines() {
            if line.starts_with('#') {
                s.push('#');
            }
            s.push_str(line);
            s.push('\n');
        }
    }
    s
}

/// The rules silenced by an `#[allow]`/`#[expect]` of `lint` (a path such
/// as `clippy::await_holding_lock`), from the rules' `clippy_twins`.
pub fn rules_twinned_with(lint: &str) -> impl Iterator<Item = &'static str> + '_ {
    DOCS.iter()
        .filter(move |d| d.clippy_twins.contains(&lint))
        .map(|d| d.id)
}

/// One rule's documentation.
pub fn rule_doc(id: &str) -> Option<&'static RuleDoc> {
    DOCS.iter().find(|d| d.id == id)
}

/// Runs the selected rules (all when `only` is `None`).
pub(crate) fn run(
    model: &Model<'_>,
    index: &super::source::LineIndex<'_>,
    only: Option<&[String]>,
) -> Vec<super::types::Finding> {
    let mut out = Vec::new();
    for (doc, check) in DOCS.iter().zip(CHECKS.iter()) {
        if let Some(ids) = only
            && !ids.iter().any(|i| i == doc.id)
        {
            continue;
        }
        let mut sink = Sink::new(doc, index);
        check(model, &mut sink);
        out.extend(sink.into_findings());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_id_is_its_module_name_and_unique() {
        assert_eq!(DOCS.len(), CHECKS.len());
        for (doc, module) in DOCS.iter().zip(MODULES) {
            assert_eq!(doc.id, module.replace('_', "-"));
        }
        let mut ids: Vec<&str> = DOCS.iter().map(|d| d.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), DOCS.len(), "a rule id appears twice");
    }
}
