//! Snapshot tests of the model itself: a small snippet in, the facts the
//! rules read printed one per line. Update with `UPDATE_EXPECT=1 cargo test
//! --lib model::tests`.

use super::*;
use crate::analysis::parse;
use expect_test::{Expect, expect};
use std::fmt::Write;

/// The model of `code`, printed: bodies, calls, lives and the awaits they
/// are held at, loops, selects.
fn dump(code: &str) -> String {
    let snippet = parse::parse(code);
    let store = MacroStore::build(&snippet);
    let m = Model::build(code, &snippet, &store, Runtime::Tokio);
    let text = |r: &Range<usize>| m.snippet_text(r);
    let mut out = String::new();
    for (i, b) in m.bodies.iter().enumerate() {
        let send = m
            .send_reason(i)
            .map(|s| format!(" send: {s}"))
            .unwrap_or_default();
        let name = b.name.as_deref().unwrap_or("-");
        writeln!(
            out,
            "body {i} {:?} {name} ctx {:?}{send}",
            b.kind,
            m.body_ctx(i)
        )
        .unwrap();
    }
    for c in &m.calls {
        let callee = match &c.callee {
            Callee::Path(p) => p.text(),
            Callee::Method(n) => format!(".{n}"),
            Callee::Other => "?".to_string(),
        };
        writeln!(out, "call {callee} {:?} {:?}", c.ctx, c.parent).unwrap();
    }
    for h in &m.holds {
        let l = &m.lives[h.live];
        let dropped = if h.dropped {
            " (moved or dropped before)"
        } else {
            ""
        };
        writeln!(
            out,
            "held {:?} `{}` via {:?} at `await` byte {}{dropped}",
            l.kind, l.desc, l.via, h.await_range.start
        )
        .unwrap();
    }
    for l in &m.loops {
        writeln!(
            out,
            "loop {:?} `{}` await {} counting {}",
            l.kind,
            text(&l.range),
            l.has_await,
            l.counting
        )
        .unwrap();
    }
    for s in &m.selects {
        writeln!(
            out,
            "select {:?} in_loop {} branches {}",
            s.kind,
            s.in_loop,
            s.branches.len()
        )
        .unwrap();
    }
    out
}

fn check(code: &str, want: Expect) {
    want.assert_eq(&dump(code));
}

#[test]
fn guard_held_across_await() {
    check(
        "async fn f(m: &std::sync::Mutex<u32>) { let g = m.lock().unwrap(); tick().await; }",
        expect![[r#"
            body 0 AsyncFn f ctx Async
            call .lock Async Receiver("unwrap")
            call .unwrap Async Bind
            call tick Async Await
            held Guard(Std) `m.lock()` via Binding("g") at `await` byte 74
        "#]],
    );
}

#[test]
fn guard_moved_into_a_call_is_not_held() {
    check(
        "async fn f(m: &std::sync::Mutex<u32>) { let g = m.lock().unwrap(); record(g); tick().await; }",
        expect![[r#"
            body 0 AsyncFn f ctx Async
            call .lock Async Receiver("unwrap")
            call .unwrap Async Bind
            call record Async Discard
            call tick Async Await
            held Guard(Std) `m.lock()` via Binding("g") at `await` byte 85 (moved or dropped before)
        "#]],
    );
}

#[test]
fn guard_passed_by_reference_is_still_held() {
    check(
        "async fn f(m: &std::sync::Mutex<u32>) { let g = m.lock().unwrap(); record(&g); tick().await; }",
        expect![[r#"
            body 0 AsyncFn f ctx Async
            call .lock Async Receiver("unwrap")
            call .unwrap Async Bind
            call record Async Discard
            call tick Async Await
            held Guard(Std) `m.lock()` via Binding("g") at `await` byte 86
        "#]],
    );
}

#[test]
fn guard_moved_into_an_awaited_future_is_held_until_it_ends() {
    check(
        "async fn f(m: &std::sync::Mutex<u32>) { let g = m.lock().unwrap(); persist(g).await; tick().await; }",
        expect![[r#"
            body 0 AsyncFn f ctx Async
            call .lock Async Receiver("unwrap")
            call .unwrap Async Bind
            call persist Async Await
            call tick Async Await
            held Guard(Std) `m.lock()` via Binding("g") at `await` byte 78
            held Guard(Std) `m.lock()` via Binding("g") at `await` byte 92 (moved or dropped before)
        "#]],
    );
}

#[test]
fn spawned_block_must_be_send_and_loops_record_awaits() {
    check(
        "async fn f(rx: R) { tokio::spawn(async move { for i in 0..10 { step(i).await; } }); }",
        expect![[r#"
            body 0 AsyncFn f ctx Async
            body 1 AsyncBlock - ctx Async send: passed to `tokio::spawn`
            call step Async Await
            call tokio::spawn Async Discard
            loop For `for i in 0..10` await true counting true
        "#]],
    );
}

#[test]
fn select_in_loop() {
    check(
        "async fn f(mut rx: R) { loop { tokio::select! { Some(v) = rx.recv() => handle(v), _ = sleep(d) => break } } }",
        expect![[r#"
            body 0 AsyncFn f ctx Async
            call .recv Async MacroFuture
            call sleep Async MacroFuture
            call handle Async Other
            loop Loop `loop` await true counting false
            select Tokio in_loop true branches 2
        "#]],
    );
}
