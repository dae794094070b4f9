//! spawn-borrow-missing-move: a spawned `async` block without `move` that borrows locals (E0373).

use super::common::Draft;
use super::{RuleDoc, Sink};
use crate::analysis::model::Model;
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "spawn-borrow-missing-move",
    severity: Severity::Error,
    concept: "task-spawning",
    fix: true,
    clippy_twins: &[],
    title: "Spawned `async` block borrows locals (missing `move`)",
    what_it_does: "Finds an `async` block without `move` passed to `tokio::spawn` (or `spawn_local`, `JoinSet::spawn`...) that uses a local variable or `self` of the enclosing fn by reference (a method call on it, a field, `&x`, an argument of `println!`...).",
    why_bad: "A spawned task may outlive the function that spawned it, so it must own everything it uses (`'static`). Without `move` the block borrows the locals: error[E0373] \"async block may outlive the current function, but it borrows `x`, which is owned by the current function\" (help: \"to force the async block to take ownership, use the `move` keyword\").",
    known_problems: "A local that is only moved into the block (passed by value) is captured by value and is fine; uses through macros other than the formatting ones are taken as borrows.",
    example: "async fn notify_all(users: Vec<User>, mailer: Mailer) {\n    tokio::spawn(async {\n        for u in &users {\n            mailer.send(u).await;\n        }\n    });\n}",
    use_instead: "async fn notify_all(users: Vec<User>, mailer: Mailer) {\n    tokio::spawn(async move {\n        for u in &users {\n            mailer.send(u).await;\n        }\n    });\n}",
};

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    if m.spawned_blocks.is_empty() {
        return;
    }
    // Per async block: each variable, and whether some use moves it.
    let mut uses: std::collections::HashMap<usize, Vec<(&str, bool)>> =
        std::collections::HashMap::new();
    for u in &m.borrows {
        let v = uses.entry(u.body).or_default();
        match v.iter_mut().find(|(n, _)| *n == u.name) {
            Some(e) => e.1 |= u.moved,
            None => v.push((&u.name, u.moved)),
        }
    }
    for sb in &m.spawned_blocks {
        let crate::analysis::model::SpawnedBlock {
            body,
            is_move,
            keyword: kw,
            spawner: what,
        } = sb;
        if *is_move {
            continue;
        }
        // Borrowed somewhere, and never moved (one move makes the block own it).
        let names: Vec<&str> = uses
            .get(body)
            .map(|v| {
                v.iter()
                    .filter(|(_, moved)| !moved)
                    .map(|(n, _)| *n)
                    .collect()
            })
            .unwrap_or_default();
        if names.is_empty() {
            continue;
        }
        let list = names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let msg = format!(
            "this `async` block is passed to {what} but borrows {list} without `move`: error[E0373] \"async block may outlive the current function\""
        );
        let help = "write `async move { .. }` (clone what is still needed afterwards, e.g. an `Arc`, before spawning)";
        let fix = move_fix(m, *body, kw, &names);
        out.emit(Draft::new(kw.clone(), Severity::Error, msg, help).with_fix(fix));
    }
}

/// `async {` -> `async move {` when none of the borrowed names is used
/// after the block in its enclosing fn (a later use would then be a use
/// after move, E0382) and `self` is not among them (`move` of `&self`
/// still borrows).
fn move_fix(
    m: &Model<'_>,
    body: usize,
    kw: &std::ops::Range<usize>,
    names: &[&str],
) -> Option<crate::analysis::fix::Fix> {
    if names.contains(&"self") || m.text.get(kw.clone())? != "async" {
        return None;
    }
    let block_end = m.bodies.get(body)?.range.end;
    let mut outer = m.bodies[body].parent;
    let mut fn_end = None;
    while let Some(b) = outer {
        if m.bodies[b].fn_index.is_some() {
            fn_end = Some(m.bodies[b].range.end);
            break;
        }
        outer = m.bodies[b].parent;
    }
    let after = super::fixkit::idents_in(m, &(block_end..fn_end?));
    if names.iter().any(|n| after.contains(n)) {
        return None;
    }
    Some(super::fixkit::fix(
        crate::analysis::fix::FixSafety::Safe,
        "write `async move`: the spawned task owns what it uses (nothing uses those values after the spawn)",
        vec![super::fixkit::insert(kw.end, " move")],
    ))
}
