//! The fallback fix of lock-across-await when the guard must live across
//! the `.await` (it is used after it): every blocking `Mutex` of the
//! snippet becomes `tokio::sync::Mutex`, and every `.lock().unwrap()` (std)
//! or `.lock()` (parking_lot) becomes `.lock().await`.
//!
//! Only when the snippet shows all of it: the `Mutex` type is written in
//! the snippet (so its declaration changes too), every `.lock()` is in code
//! that can `.await`, and nothing uses std-only API (`into_inner`,
//! `get_mut`, poisoning, `MutexGuard` by name). `RwLock` is left to the help.

use super::super::fixkit;
use crate::analysis::fix::{Edit, Fix, FixSafety};
use crate::analysis::lexer::TokKind;
use crate::analysis::model::{LockFamily, Model, Use};

const STD_ONLY: &[&str] = &[
    "into_inner",
    "get_mut",
    "is_poisoned",
    "clear_poison",
    "MutexGuard",
    "PoisonError",
    "TryLockError",
    "lock_api",
];

pub(crate) fn fix(m: &Model<'_>, fam: LockFamily) -> Option<Fix> {
    if !matches!(fam, LockFamily::Std | LockFamily::ParkingLot)
        || STD_ONLY.iter().any(|w| m.names.mentions(w))
        || m.names.mentions("RwLock")
    {
        return None;
    }
    let toks = &m.snippet.toks;
    let text = m.text;
    let mut edits: Vec<Edit> = Vec::new();
    // 1. The type: every `Mutex` outside `use` items.
    let mut in_use = false;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.is_ident(text, "use") {
            in_use = true;
        } else if in_use && t.is_punct(b';') {
            in_use = false;
        }
        if in_use || !t.is_ident(text, "Mutex") {
            i += 1;
            continue;
        }
        // The path written before `Mutex` (`std::sync::`, `parking_lot::`).
        let mut start = i;
        let mut segs = Vec::new();
        while start >= 3
            && toks[start - 1].is_punct(b':')
            && toks[start - 2].is_punct(b':')
            && toks[start - 3].kind == TokKind::Ident
        {
            segs.insert(0, toks[start - 3].text(text));
            start -= 3;
        }
        let resolved = m.names.resolve(&[segs.clone(), vec!["Mutex"]].concat());
        let root = resolved.segs.first().map(String::as_str).unwrap_or("");
        match root {
            "tokio" => {}
            "std" | "parking_lot" if resolved.segs.len() >= 2 => edits.push(fixkit::edit(
                toks[start].start as usize..t.end as usize,
                "tokio::sync::Mutex",
            )),
            _ => return None, // a Mutex the snippet does not say the crate of
        }
        i += 1;
    }
    if edits.is_empty() {
        return None;
    }
    // 2. Every `.lock()` of a blocking mutex.
    let mut locks = 0;
    for c in &m.calls {
        if c.method() != Some("lock") || c.nargs() != 0 || c.awaited() {
            continue;
        }
        let std_io = c.receiver.as_ref().is_some_and(|r| {
            r.root_path()
                .is_some_and(|p| matches!(p.last(), "stdout" | "stdin" | "stderr"))
        });
        if std_io {
            continue;
        }
        if !fixkit::can_await_at(m, c) {
            return None;
        }
        let after = &text[c.range.end..];
        let unwrap_len = match &c.parent {
            Use::Receiver(r) if r == "unwrap" => {
                let rest = after.trim_start();
                let rest2 = rest.strip_prefix('.')?.trim_start();
                let rest3 = rest2.strip_prefix("unwrap")?.trim_start();
                let rest4 = rest3.strip_prefix('(')?.trim_start();
                rest4.strip_prefix(')')?;
                after.len() - rest4.len() + 1
            }
            Use::Receiver(r) if r == "expect" => {
                let close = after.find(')')?;
                // `.expect("...")` with no `)` inside its message.
                if after[..close].matches('(').count() != 1 {
                    return None;
                }
                close + 1
            }
            _ if fam == LockFamily::ParkingLot => 0,
            _ => return None, // a std lock result used as a `Result`
        };
        edits.push(fixkit::edit(
            c.range.end..c.range.end + unwrap_len,
            ".await",
        ));
        locks += 1;
    }
    if locks == 0 {
        return None;
    }
    Some(fixkit::fix(
        FixSafety::MaybeIncorrect,
        format!(
            "the guard is used after the `.await`, so it cannot end before it: switch to `tokio::sync::Mutex` ({locks} `.lock()` call(s) become `.lock().await`). Behaviour changes: waiting tasks yield instead of blocking, the lock is no longer poisoned by a panic, and short critical sections get slower"
        ),
        edits,
    ))
}
