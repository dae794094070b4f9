//! blocking-process: `std::process::Command` waits in async context.

use super::common::{Draft, root_local, where_};
use super::{RuleDoc, Sink};
use crate::analysis::model::{Callee, Chain, Model, Resolved, Root};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "blocking-process",
    severity: Severity::Warning,
    concept: "blocking",
    fix: true,
    clippy_twins: &[],
    title: "`std::process::Command` waited on in async code",
    what_it_does: "Finds `output()`, `status()`, `wait()` and `wait_with_output()` of a `std::process::Command` (or its `Child`) in async context.",
    why_bad: "These calls block until the child process exits: the worker thread and every task on it wait for it. `tokio::process::Command` has the same builder and async `output().await` / `status().await` / `wait().await`.",
    known_problems: "A bare `Command` with no `use` line is taken for std's when its `output()`/`status()` is not awaited. `spawn()` alone is not reported (it does not wait).",
    example: "async fn git_head() -> String {\n    let out = std::process::Command::new(\"git\").args([\"rev-parse\", \"HEAD\"]).output().unwrap();\n    String::from_utf8(out.stdout).unwrap()\n}",
    use_instead: "async fn git_head() -> String {\n    let out = tokio::process::Command::new(\"git\").args([\"rev-parse\", \"HEAD\"]).output().await.unwrap();\n    String::from_utf8(out.stdout).unwrap()\n}",
};

/// Is this `Command::new` std's? `Some(assumption)` when yes.
fn std_command(m: &Model<'_>, p: &Resolved) -> Option<Option<String>> {
    if !(p.last() == "new" && p.segs.iter().any(|s| s == "Command")) {
        return None;
    }
    if p.starts_with("std::process") {
        return Some(None);
    }
    let tokio_cmd = m.names.imports().any(|i| {
        i.iter().any(|s| s == "process")
            && matches!(
                i[0].as_str(),
                "tokio" | "async_std" | "smol" | "async_process"
            )
    });
    if p.unresolved() && !tokio_cmd {
        return Some(Some(
            "assumed `Command` is `std::process::Command` (no `use` line imports it)".to_string(),
        ));
    }
    None
}

fn chain_command(m: &Model<'_>, c: &Chain) -> Option<Option<String>> {
    match &c.root {
        Root::Call { path, .. } => std_command(m, path),
        Root::Local(id) => m.locals[*id]
            .init
            .as_ref()
            .and_then(|i| chain_command(m, i)),
        _ => None,
    }
}

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        let Some(sev) = out.severity_in(c.ctx) else {
            continue;
        };
        if c.awaited() {
            continue;
        }
        let Callee::Method(name) = &c.callee else {
            continue;
        };
        if !matches!(
            name.as_str(),
            "output" | "status" | "wait" | "wait_with_output"
        ) {
            continue;
        }
        let Some(recv) = &c.receiver else { continue };
        let Some(assumption) = chain_command(m, recv) else {
            continue;
        };
        // `child.wait()` needs a child: a `spawn()` in the chain or in the local's init.
        if name == "wait" || name == "wait_with_output" {
            let spawned = recv.has_method("spawn")
                || root_local(m, c)
                    .and_then(|l| l.init.as_ref())
                    .is_some_and(|i| i.has_method("spawn"));
            if !spawned {
                continue;
            }
        }
        let msg = format!(
            "`std::process::Command` `.{name}()` {} blocks the worker thread until the child process exits",
            where_(m, c)
        );
        out.emit(
            Draft::new(
                c.range.clone(),
                sev,
                msg,
                format!("use `tokio::process::Command` and `.{name}().await`"),
            )
            .assume(assumption)
            .with_fix(fix(m, c, recv)),
        );
    }
}

/// `Command::new(..)...output()` -> `tokio::process::Command::new(..)...output().await`
/// when the whole builder chain is this one expression (tokio's `Command`
/// has the same builder methods, and `output`/`status`/`wait` return the
/// same types once awaited). A command kept in a local is left to the help:
/// its other uses (`spawn`, `kill`...) would change too.
fn fix(
    m: &Model<'_>,
    c: &crate::analysis::model::Call<'_>,
    recv: &Chain,
) -> Option<crate::analysis::fix::Fix> {
    if !matches!(recv.root, Root::Call { .. }) || !super::fixkit::can_await_at(m, c) {
        return None;
    }
    if !matches!(
        m.runtime,
        crate::analysis::options::Runtime::Tokio | crate::analysis::options::Runtime::Any
    ) {
        return None;
    }
    let text = m.text.get(c.range.clone())?;
    let open = text.find('(')?;
    let path = text[..open].trim_end();
    if !path.ends_with("Command::new") {
        return None;
    }
    let name = c.method()?;
    Some(super::fixkit::fix(
        crate::analysis::fix::FixSafety::Safe,
        format!(
            "build the command with `tokio::process::Command` and `.{name}().await` it: the worker is free while the child runs"
        ),
        vec![
            super::fixkit::edit(
                c.range.start..c.range.start + path.len(),
                "tokio::process::Command::new",
            ),
            super::fixkit::insert(c.range.end, ".await"),
        ],
    ))
}
