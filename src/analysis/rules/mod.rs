//! The rules: one file per rule, each with its documentation (in clippy's
//! shape: what it does, why it is bad, known problems, example, use
//! instead) and its check over the model. The documentation here is the
//! single source of `rules ID`, the `rust-async://rules/{id}` resource and
//! docs/rules.md.

mod common;
mod fixkit;
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

/// Every rule, in catalogue order.
static DOCS: [RuleDoc; 30] = [
    blocking_sleep::DOC,
    blocking_fs::DOC,
    blocking_net::DOC,
    blocking_process::DOC,
    blocking_stdin::DOC,
    blocking_channel::DOC,
    tokio_blocking_api_in_async::DOC,
    block_on_in_async::DOC,
    lock_across_await::DOC,
    refcell_across_await::DOC,
    non_send_across_await::DOC,
    future_not_awaited::DOC,
    select_recreated_future::DOC,
    select_cancel_unsafe::DOC,
    futures_select_unfused::DOC,
    pending_without_waker::DOC,
    waker_per_poll_leak::DOC,
    self_wake_busy_poll::DOC,
    spawn_local_outside_localset::DOC,
    block_in_place_current_thread::DOC,
    async_main_without_runtime::DOC,
    pin_new_not_unpin::DOC,
    runtime_drivers_disabled::DOC,
    cpu_heavy_in_async::DOC,
    spawn_handle_dropped::DOC,
    span_enter_across_await::DOC,
    dashmap_ref_across_await::DOC,
    await_outside_async::DOC,
    spawn_borrow_missing_move::DOC,
    unknown_suppression::DOC,
];

static CHECKS: [Check; 30] = [
    blocking_sleep::check,
    blocking_fs::check,
    blocking_net::check,
    blocking_process::check,
    blocking_stdin::check,
    blocking_channel::check,
    tokio_blocking_api_in_async::check,
    block_on_in_async::check,
    lock_across_await::check,
    refcell_across_await::check,
    non_send_across_await::check,
    future_not_awaited::check,
    select_recreated_future::check,
    select_cancel_unsafe::check,
    futures_select_unfused::check,
    pending_without_waker::check,
    waker_per_poll_leak::check,
    self_wake_busy_poll::check,
    spawn_local_outside_localset::check,
    block_in_place_current_thread::check,
    async_main_without_runtime::check,
    pin_new_not_unpin::check,
    runtime_drivers_disabled::check,
    cpu_heavy_in_async::check,
    spawn_handle_dropped::check,
    span_enter_across_await::check,
    dashmap_ref_across_await::check,
    await_outside_async::check,
    spawn_borrow_missing_move::check,
    unknown_suppression::check,
];

/// The documentation of every rule, in catalogue order.
pub fn rule_docs() -> &'static [RuleDoc] {
    &DOCS
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
