//! block-in-place-current-thread: `block_in_place` on a current-thread runtime.

use super::common::Draft;
use super::fixkit;
use super::{RuleDoc, Sink};
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::model::{Call, Callee, Flavor, Model, Root, RuntimeFlavor};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "block-in-place-current-thread",
    severity: Severity::Error,
    concept: "blocking",
    fix: true,
    clippy_twins: &[],
    title: "`block_in_place` on a current-thread runtime",
    what_it_does: "Finds `tokio::task::block_in_place` in code that runs on a current-thread runtime: under `#[tokio::main(flavor = \"current_thread\")]`, a plain `#[tokio::test]` (current-thread by default), or in a future run by a `Builder::new_current_thread()` runtime.",
    why_bad: "`block_in_place` works by handing the worker's other tasks to another worker, which a current-thread runtime does not have. It panics: \"can call blocking only when running on the multi-threaded runtime\". Tests are the usual victim: code that works in `main` panics under `#[tokio::test]`.",
    known_problems: "A fn called from a current-thread runtime defined elsewhere is seen only in crate mode (`check` inside a Cargo package). A fn that asks `runtime_flavor()` anywhere is taken to guard its `block_in_place` with the answer and is not reported.",
    example: "#[tokio::test]\nasync fn loads_index() {\n    let idx = tokio::task::block_in_place(|| build_index());\n    assert!(idx.len() > 0);\n}",
    use_instead: "#[tokio::test(flavor = \"multi_thread\")]\nasync fn loads_index() {\n    let idx = tokio::task::block_in_place(|| build_index());\n    assert!(idx.len() > 0);\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        let Callee::Path(p) = &c.callee else { continue };
        if p.last() != "block_in_place" || !(p.starts_with("tokio") || p.unresolved()) {
            continue;
        }
        let Some(b) = c.body else { continue };
        let Some(RuntimeFlavor {
            flavor: Flavor::CurrentThread,
            why,
        }) = m.flavor(b)
        else {
            continue;
        };
        if checks_flavor(m, b) {
            continue;
        }
        let msg = format!(
            "`block_in_place` under {why} panics: \"can call blocking only when running on the multi-threaded runtime\""
        );
        let help = "use `flavor = \"multi_thread\"` on the runtime attribute, or `tokio::task::spawn_blocking(..).await`";
        out.emit(Draft::new(c.range.clone(), Severity::Error, msg, help).with_fix(fix(m, b)));
    }
}

/// Whether the fn around body `b` asks the runtime for its flavour
/// (`Handle::current().runtime_flavor()`): code that does so guards its
/// `block_in_place` with it, and which branch runs is not ours to guess.
fn checks_flavor(m: &Model<'_>, b: usize) -> bool {
    let mut top = b;
    while let Some(parent) = m.bodies[top].parent {
        top = parent;
    }
    let range = &m.bodies[top].range;
    m.calls.iter().any(|c| {
        c.method() == Some("runtime_flavor")
            && range.start <= c.range.start
            && c.range.end <= range.end
    })
}

/// Makes the runtime multi-threaded where its flavor is chosen:
/// `flavor = "current_thread"` -> `"multi_thread"` in the attribute, a
/// plain `#[tokio::test]` gets `(flavor = "multi_thread")`, and a
/// `Builder::new_current_thread()` becomes `Builder::new_multi_thread()`.
/// Not with `start_paused` (paused time needs a current-thread runtime).
fn fix(m: &Model<'_>, b: usize) -> Option<Fix> {
    // The body whose flavor is set: a fn with a runtime attribute, or an
    // async block handed to a runtime's `block_on`.
    let mut cur = Some(b);
    let mut owner = None;
    while let Some(id) = cur {
        if m.bodies[id].flavor.is_some() {
            owner = Some(id);
            break;
        }
        cur = m.bodies[id].parent;
    }
    let owner = owner?;
    let description = "make the runtime multi-threaded, where `block_in_place` can hand the worker's other tasks to another worker; this may change behaviour: tasks now run in parallel on a pool of worker threads (needs tokio's `rt-multi-thread` feature)";
    let edit = match m.bodies[owner].fn_index.and_then(|i| m.fns.get(i)) {
        Some(f) => attr_edit(m, f.runtime_attr.as_ref()?)?,
        None => builder_edit(m, owner)?,
    };
    Some(fixkit::fix(
        FixSafety::MaybeIncorrect,
        description,
        vec![edit],
    ))
}

fn attr_edit(
    m: &Model<'_>,
    a: &crate::analysis::model::RuntimeAttr,
) -> Option<crate::analysis::fix::Edit> {
    if !a.path.starts_with("tokio") && a.path.contains("::") {
        return None;
    }
    let text = m.text.get(a.range.clone())?;
    // The range ends at the `)` of the arguments, or at the `]`.
    if text.contains("start_paused") {
        return None;
    }
    if let Some(i) = text.find("\"current_thread\"") {
        let at = a.range.start + i;
        return Some(fixkit::edit(
            at..at + "\"current_thread\"".len(),
            "\"multi_thread\"",
        ));
    }
    if !a.is_test || a.flavor.is_some() {
        return None;
    }
    match text.find('(') {
        Some(i) => {
            let after = text[i + 1..].trim_start();
            let args = if after.starts_with(')') {
                "flavor = \"multi_thread\""
            } else {
                "flavor = \"multi_thread\", "
            };
            Some(fixkit::insert(a.range.start + i + 1, args))
        }
        None if text.ends_with(']') => Some(fixkit::insert(
            a.range.end - 1,
            "(flavor = \"multi_thread\")",
        )),
        None => None,
    }
}

/// `rt.block_on(async { .. })` on a `Builder::new_current_thread()` runtime:
/// the builder call, renamed.
fn builder_edit(m: &Model<'_>, block: usize) -> Option<crate::analysis::fix::Edit> {
    let body = &m.bodies[block].range;
    let block_on = m.calls.iter().find(|c| {
        c.method() == Some("block_on")
            && c.args
                .iter()
                .any(|a| a.range.start <= body.start && body.end <= a.range.end)
    })?;
    let recv = block_on.receiver.as_ref()?;
    // Where the builder chain is written: in the receiver itself, or in the
    // `let` of the runtime local.
    let within = match &recv.root {
        Root::Call { .. } => block_on.range.clone(),
        Root::Local(id) => m.locals.get(*id)?.decl.clone(),
        _ => return None,
    };
    let builders: Vec<&Call<'_>> = m
        .calls
        .iter()
        .filter(|c| {
            c.path().is_some_and(|p| {
                p.last() == "new_current_thread"
                    && (p.segs.iter().any(|s| s == "Builder") || p.segs.len() == 1)
            }) && within.start <= c.range.start
                && c.range.end <= within.end
        })
        .collect();
    let [builder] = builders[..] else { return None };
    // The chain must end in a plain `build()`, not `build_local(..)`.
    let chain_text = m.text.get(builder.range.start..within.end)?;
    if chain_text.contains("build_local") || chain_text.contains("LocalOptions") {
        return None;
    }
    let path = m.text.get(builder.range.clone())?;
    let i = path.find("new_current_thread")?;
    let at = builder.range.start + i;
    Some(fixkit::edit(
        at..at + "new_current_thread".len(),
        "new_multi_thread",
    ))
}
