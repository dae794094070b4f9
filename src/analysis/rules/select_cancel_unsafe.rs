//! select-cancel-unsafe: a cancel-unsafe operation raced in a `select!` loop.

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::{BodyKind, Callee, Link, Model, Root, SelectKind};
use crate::analysis::types::Severity;
use std::collections::HashMap;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "select-cancel-unsafe",
    severity: Severity::Warning,
    concept: "cancellation",
    fix: false,
    clippy_twins: &[],
    title: "Cancel-unsafe operation in a `select!` loop",
    what_it_does: "Inside a loop, finds a `tokio::select!` branch on an operation tokio documents as not cancel safe: `read_exact`, `read_to_end`, `read_to_string`, `read_line`, `write_all`, the multi-byte `read_u16`..`read_f64`, `Barrier::wait`, or an async fn of the snippet that awaits one of them. Info for operations that only lose a message or a queue position: `Sender::send`, `reserve`, `Mutex::lock`, `RwLock::read`/`write`, `Semaphore::acquire`, `Notify::notified`. Cancel-safe operations (`recv`, `accept`, `read`, `read_buf`, `read_u8`, `write`, `flush`, `next_line`, `StreamExt::next`, `changed`, `join_next`, `tick`...) never fire.",
    why_bad: "When another branch wins, the losing future is dropped mid-operation. `read_exact` may already have consumed bytes into its buffer: they are lost and the stream is now misaligned. `write_all` may have written half a frame. The next iteration starts a fresh operation with no trace of the lost data.",
    known_problems: "Not reported when every other branch leaves the loop (`break`/`return`): the operation is then only cancelled on the way out. `biased;` does not make an operation cancel safe.",
    example: "loop {\n    tokio::select! {\n        res = socket.read_exact(&mut header) => handle(res?, &header),\n        _ = ticker.tick() => send_ping(&mut out).await?,\n    }\n}",
    use_instead: "// Keep partial progress across iterations: read into a persistent buffer\n// with the cancel-safe `read_buf`, or use a framed codec (`FramedRead`).\nloop {\n    tokio::select! {\n        n = socket.read_buf(&mut buf) => { if n? == 0 { break; } parse_frames(&mut buf); }\n        _ = ticker.tick() => send_ping(&mut out).await?,\n    }\n}",
};

const UNSAFE: &[&str] = &[
    "read_exact",
    "read_to_end",
    "read_to_string",
    "read_line",
    "write_all",
    "read_u16",
    "read_u32",
    "read_u64",
    "read_u128",
    "read_i16",
    "read_i32",
    "read_i64",
    "read_i128",
    "read_f32",
    "read_f64",
    "read_u16_le",
    "read_u32_le",
    "read_u64_le",
    "read_u128_le",
    "read_i16_le",
    "read_i32_le",
    "read_i64_le",
    "read_i128_le",
    "read_f32_le",
    "read_f64_le",
];

const QUEUE: &[&str] = &[
    "send",
    "reserve",
    "reserve_many",
    "reserve_owned",
    "lock",
    "lock_owned",
    "acquire",
    "acquire_owned",
    "acquire_many",
    "acquire_many_owned",
    "notified",
    "read_owned",
    "write_owned",
];

/// Snippet async fns that await a cancel-unsafe operation: name -> the operation.
fn unsafe_fns(m: &Model<'_>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for c in &m.calls {
        let Callee::Method(name) = &c.callee else {
            continue;
        };
        if !UNSAFE.contains(&name.as_str()) || !c.awaited() {
            continue;
        }
        let Some(b) = c.body else { continue };
        if let Some(f) = m.enclosing_fn(b)
            && f.is_async
            && m.bodies[f.body].kind == BodyKind::AsyncFn
        {
            out.entry(f.name.clone()).or_insert_with(|| name.clone());
        }
    }
    out
}

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    if m.selects.is_empty() {
        return;
    }
    let fns = unsafe_fns(m);
    for s in &m.selects {
        if s.kind != SelectKind::Tokio || !s.in_loop {
            continue;
        }
        for (i, b) in s.branches.iter().enumerate() {
            if b.is_else || b.by_mut_ref {
                continue;
            }
            let others_continue = s
                .branches
                .iter()
                .enumerate()
                .any(|(j, o)| j != i && !o.is_else && o.continues);
            if !others_continue {
                continue;
            }
            let Some(chain) = &b.chain else { continue };
            // The operation: the last method of the chain, or a called fn.
            let (op, via) = match chain.links.last() {
                Some(Link::Method { name, nargs }) => {
                    if (name == "read" || name == "write") && *nargs == 0 {
                        ("rwlock".to_string(), None)
                    } else if name == "wait" && *nargs == 0 {
                        let barrier = match &chain.root {
                            Root::Local(id) => {
                                m.locals[*id].name.contains("barrier")
                                    || m.locals[*id]
                                        .init
                                        .as_ref()
                                        .and_then(|i| i.root_path())
                                        .is_some_and(|p| p.segs.iter().any(|s| s == "Barrier"))
                            }
                            _ => chain.last_field().is_some_and(|f| f.contains("barrier")),
                        };
                        if !barrier {
                            continue;
                        }
                        ("Barrier::wait".to_string(), None)
                    } else if let Some(inner) = fns.get(name) {
                        (name.clone(), Some(inner.clone()))
                    } else {
                        (name.clone(), None)
                    }
                }
                None => match &chain.root {
                    Root::Call { path, .. } => match fns.get(path.last()) {
                        Some(inner) => (path.last().to_string(), Some(inner.clone())),
                        None => continue,
                    },
                    _ => continue,
                },
                _ => continue,
            };
            let (sev, msg, help) = if UNSAFE.contains(&op.as_str())
                || op == "Barrier::wait"
                || via.is_some()
            {
                let what = match &via {
                    Some(inner) => {
                        format!("`{op}` (it awaits `{inner}`, which is not cancel safe)")
                    }
                    None => format!("`{op}` is not cancel safe"),
                };
                (
                    Severity::Warning,
                    format!(
                        "{what}: when another branch of this `select!` loop wins, the partly done operation is dropped and its data is lost"
                    ),
                    "keep progress across iterations: read into a persistent buffer with `read_buf`, use `Lines::next_line` or a framed codec, or create the future once outside the loop and poll `&mut` it",
                )
            } else if QUEUE.contains(&op.as_str()) || op == "rwlock" {
                let name = if op == "rwlock" {
                    "RwLock read/write"
                } else {
                    op.as_str()
                };
                let lost = if op == "send" {
                    "the message being sent is lost"
                } else {
                    "its place in the fair queue is lost"
                };
                (
                    Severity::Info,
                    format!("`{name}` in a `select!` loop: when another branch wins, {lost}"),
                    "if that matters, `reserve()` a permit first (for `send`), or create the future once outside the loop and poll `&mut` it",
                )
            } else {
                continue;
            };
            out.emit(Draft::new(b.fut_range.clone(), sev, msg, help));
        }
    }
}
