//! select-recreated-future: a timer built inside a `select!` branch in a loop.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::{Model, Root, SelectKind, apis, syntax};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "select-recreated-future",
    severity: Severity::Warning,
    concept: "select",
    fix: true,
    clippy_twins: &[],
    title: "Timer recreated on every `select!` loop iteration",
    what_it_does: "Inside a `loop` (or `while`/`for`), finds a `tokio::select!` branch whose future is built in the branch: `sleep(..)`, `sleep_until(Instant::now() + ..)`, `timeout(..)`, `interval(..).tick()`.",
    why_bad: "`select!` evaluates every branch expression again on each iteration, so the timer starts over each time another branch wins. Under steady traffic the deadline never arrives: the heartbeat is never sent, the batch is never flushed. To resume one timer across iterations, create it before the loop, pin it, and poll `&mut` it.",
    known_problems: "An idle timeout (\"no message for 30 s\") is the one case where restarting is what you want: when the timer's branch leaves the loop the finding is only info and asks you to confirm. Not reported when every other branch leaves the loop (the timer can then never be restarted). `sleep_until(deadline)` with a deadline computed outside the loop does not restart and is not reported.",
    example: "loop {\n    tokio::select! {\n        Some(msg) = rx.recv() => handle(msg),\n        _ = tokio::time::sleep(Duration::from_secs(10)) => send_heartbeat().await,\n    }\n}",
    use_instead: "let heartbeat = tokio::time::sleep(Duration::from_secs(10));\ntokio::pin!(heartbeat);\nloop {\n    tokio::select! {\n        Some(msg) = rx.recv() => handle(msg),\n        _ = &mut heartbeat => {\n            send_heartbeat().await;\n            heartbeat.as_mut().reset(tokio::time::Instant::now() + Duration::from_secs(10));\n        }\n    }\n}",
};

/// `Box::pin(x)` -> `x`.
fn unwrap_pin(e: &syn::Expr) -> &syn::Expr {
    if let syn::Expr::Call(c) = syntax::strip(e)
        && let Some(segs) = syntax::path_segs(&c.func)
        && segs.last().is_some_and(|l| l == "pin")
        && c.args.len() == 1
    {
        return unwrap_pin(&c.args[0]);
    }
    syntax::strip(e)
}

mod hoist;

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for s in &m.selects {
        if s.kind != SelectKind::Tokio || !s.in_loop {
            continue;
        }
        let sev = out.severity_in(s.ctx).unwrap_or(Severity::Warning);
        for (i, b) in s.branches.iter().enumerate() {
            if b.is_else || b.by_mut_ref {
                continue;
            }
            // The timer restarts only when another branch wins and the loop goes on.
            let others_continue = s
                .branches
                .iter()
                .enumerate()
                .any(|(j, o)| j != i && !o.is_else && o.continues);
            let is_interval = matches!(&b.chain, Some(c) if c.has_method("tick") && matches!(&c.root, Root::Call { path, .. } if path.last() == "interval"));
            // Only this branch loops: a timer restarts after it fires, which is a
            // plain periodic tick, except for `timeout(d, op)`, which restarts
            // whenever the operation completes (reported below, as info).
            let own_restart = !others_continue && b.continues;
            if !others_continue && !is_interval && !own_restart {
                continue;
            }
            let (Some(chain), Some(fut)) = (&b.chain, b.fut) else {
                continue;
            };
            let what = match &chain.root {
                Root::Call { path, .. } if chain.links.is_empty() => match apis::timer_kind(path) {
                    Some("sleep_until") | Some("timeout_at") => {
                        // A fixed deadline does not restart.
                        let fixed = match unwrap_pin(fut) {
                            syn::Expr::Call(c) => c.args.first().is_some_and(|a| {
                                matches!(syntax::strip(a), syn::Expr::Path(_) | syn::Expr::Field(_))
                            }),
                            _ => false,
                        };
                        if fixed {
                            continue;
                        }
                        path.last().to_string()
                    }
                    Some(k) => k.to_string(),
                    None if path.last() == "pin" => {
                        let inner = unwrap_pin(fut);
                        match inner {
                            syn::Expr::Call(c) => {
                                match syntax::path_segs(&c.func).map(|s| m.names.resolve(&s)) {
                                    Some(p)
                                        if matches!(
                                            apis::timer_kind(&p),
                                            Some("sleep" | "timeout")
                                        ) =>
                                    {
                                        p.last().to_string()
                                    }
                                    _ => continue,
                                }
                            }
                            _ => continue,
                        }
                    }
                    None => continue,
                },
                Root::Call { path, .. }
                    if chain.has_method("tick")
                        && path.last() == "interval"
                        && (path.starts_with("tokio::time") || path.unresolved()) =>
                {
                    "interval(..).tick()".to_string()
                }
                _ => continue,
            };
            let help = "create the timer once before the loop, `tokio::pin!` it, and select on `&mut timer` (reset it when it fires); keep it only if an idle timeout is meant";
            if own_restart && !is_interval {
                if !matches!(what.as_str(), "timeout" | "timeout_at") {
                    continue;
                }
                let msg = format!(
                    "`{what}` is created anew on every loop iteration, so each completed operation restarts it: a per-operation timeout. Fine if that is meant; a deadline for the whole loop would never fire while operations keep completing"
                );
                out.emit(Draft::new(b.fut_range.clone(), Severity::Info, msg, help));
            } else if is_interval {
                let msg = "`interval(..).tick()` builds a new interval on every loop iteration, and a new interval's first tick completes at once: this branch fires immediately every time instead of once per period";
                out.emit(
                    Draft::new(
                        b.fut_range.clone(),
                        sev,
                        msg,
                        "create the interval once before the loop and select on `interval.tick()`",
                    )
                    .with_fix(hoist::interval(m, s, b)),
                );
            } else if b.continues {
                let msg = format!(
                    "`{what}` is created anew on every loop iteration, so the timer restarts whenever another branch wins and may never fire"
                );
                out.emit(
                    Draft::new(b.fut_range.clone(), sev, msg, help)
                        .with_fix(hoist::timer(m, s, b, &what)),
                );
            } else {
                // A timer that ends the loop: an idle timeout if restarting is meant,
                // a deadline that never comes if not.
                let msg = format!(
                    "`{what}` is created anew on every loop iteration: it fires only after a quiet period with no other branch winning. Fine for an idle timeout; an overall deadline would never fire while traffic continues"
                );
                out.emit(
                    Draft::new(b.fut_range.clone(), Severity::Info, msg, help)
                        .with_fix(hoist::timer(m, s, b, &what)),
                );
            }
        }
    }
}
