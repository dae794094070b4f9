//! Unit tests of the crate pass's pieces on small in-memory crates: what a
//! file's summary says a spawner is handed (`summary.rs`), and which async
//! fns the `Send` walk reaches, with which chain (`propagate.rs`). The
//! whole pass on real folders is tested by `tests/it/crate_analysis.rs`.

use super::propagate::{self, Kind, MAX_CHAIN};
use super::resolve::{Crates, Root};
use super::summary::{self, CallSum, FileSummary, Target};
use crate::analysis::DiagnoseOptions;
use crate::analysis::seeds::Seeds;
use std::path::PathBuf;

/// The summary of one file, as phase 1 computes it.
fn summary_of(text: &str) -> FileSummary {
    let (_, s) = crate::analysis::analyze_file(
        text,
        &DiagnoseOptions::default(),
        &Seeds::default(),
        summary::summarize_and_probe,
    );
    s
}

/// The calls of a summary whose path ends in `name`.
fn calls_to<'s>(s: &'s FileSummary, name: &str) -> Vec<&'s CallSum> {
    s.calls
        .iter()
        .filter(|c| match &c.target {
            Target::Path(p) => p.last().is_some_and(|l| l == name),
            Target::Method { name: n, .. } => n == name,
        })
        .collect()
}

/// The `Send` seeds of a binary crate made of `files` (`src/main.rs`
/// first): (file, fn name) -> the chain in words, sorted.
fn send_seeds(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
    let sums: Vec<FileSummary> = files.iter().map(|(_, t)| summary_of(t)).collect();
    let paths: Vec<PathBuf> = files
        .iter()
        .map(|(p, _)| PathBuf::from("/pkg").join(p))
        .collect();
    let names: Vec<String> = files.iter().map(|(p, _)| p.to_string()).collect();
    let roots = [Root {
        file: 0,
        is_lib: false,
    }];
    let c = Crates::build(sums.iter().collect(), &paths, &roots, None);
    let mut out = Vec::new();
    for (file, fs) in propagate::seeds(&c, &names, |_| true) {
        for (key, why) in &fs.seeds.send {
            let f = sums[file].fns.iter().find(|f| f.key == *key).unwrap();
            assert!(fs.chains.contains_key(&(Kind::Send, *key)));
            out.push((names[file].clone(), f.name.clone(), why.clone()));
        }
    }
    out.sort();
    out
}

const WORK: &str = "use std::rc::Rc;
pub async fn run() {
    let cx = Rc::new(1u8);
    tokio::task::yield_now().await;
    drop(cx);
}
";

#[test]
fn a_local_bound_to_a_call_then_spawned_marks_the_call() {
    let s = summary_of(
        "mod work;
async fn main() {
    let f = work::run();
    tokio::spawn(f);
}
",
    );
    let c = calls_to(&s, "run");
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].spawned.as_deref(), Some("`tokio::spawn`"));
    assert_eq!(c[0].line, 3);
    assert_eq!(c[0].spawned_at, Some(4), "the spawn's line");
}

#[test]
fn a_direct_spawn_and_a_send_wrapper_mark_the_call() {
    let s = summary_of(
        "mod work;
use tracing::Instrument;
async fn main(span: tracing::Span) {
    tokio::spawn(work::run());
    tokio::spawn(work::other().instrument(span.clone()));
    let g = work::third().in_current_span();
    tokio::spawn(g);
    let h = work::outer(work::inner());
    tokio::spawn(h);
    tokio::spawn(Box::pin(work::pinned()));
    let k = Box::pin(work::pinned_local().instrument(span));
    tokio::spawn(k);
}
",
    );
    // `work::outer`'s future is the one spawned, not its argument's.
    assert!(calls_to(&s, "inner")[0].spawned.is_none());
    for (name, at) in [
        ("run", None),
        ("other", None),
        ("third", Some(7)),
        ("outer", Some(9)),
        ("pinned", None),
        ("pinned_local", Some(12)),
    ] {
        let c = calls_to(&s, name);
        assert_eq!(c.len(), 1, "{name}");
        assert_eq!(c[0].spawned.as_deref(), Some("`tokio::spawn`"), "{name}");
        assert_eq!(c[0].spawned_at, at, "{name}");
    }
}

#[test]
fn a_boxed_future_must_be_send_and_a_boxed_local_one_need_not() {
    let s = summary_of(
        "mod work;
use futures::FutureExt;
fn make() -> futures::future::BoxFuture<'static, ()> {
    work::run().boxed()
}
fn make_local() -> futures::future::LocalBoxFuture<'static, ()> {
    work::other().boxed_local()
}
",
    );
    assert_eq!(
        calls_to(&s, "run")[0].spawned.as_deref(),
        Some(super::spawned::BOXED)
    );
    assert!(calls_to(&s, "other")[0].spawned.is_none());
}

#[test]
fn an_async_block_bound_to_a_local_then_spawned_requires_send_of_what_it_awaits() {
    let s = summary_of(
        "mod work;
async fn main() {
    let job = async move {
        work::run().await;
    };
    let mut set = tokio::task::JoinSet::new();
    set.spawn(job);
    let kept = async move {
        work::other().await;
    };
    kept.await;
}
",
    );
    let run = calls_to(&s, "run");
    assert_eq!(run[0].send_here.as_deref(), Some("passed to `spawn`"));
    assert!(run[0].spawned.is_none());
    let other = calls_to(&s, "other");
    assert!(other[0].send_here.is_none(), "awaited here, never spawned");
}

#[test]
fn a_local_awaited_in_a_spawned_block_requires_send_of_the_call_that_built_it() {
    let s = summary_of(
        "mod work;
async fn main() {
    let fut = work::run();
    tokio::spawn(async move {
        fut.await;
    });
    let here = work::other();
    here.await;
}
",
    );
    let run = calls_to(&s, "run");
    assert_eq!(
        run[0].send_here.as_deref(),
        Some("passed to `tokio::spawn`")
    );
    assert_eq!(run[0].spawned_at, Some(5), "the await's line");
    // Awaited in another future than `main`'s own.
    assert!(!run[0].awaited_own);
    let other = calls_to(&s, "other");
    assert!(other[0].send_here.is_none());
    assert!(other[0].awaited_own, "`main`'s own future awaits it");
}

#[test]
fn futures_that_need_no_send_or_are_not_known_stay_unmarked() {
    let s = summary_of(
        "mod work;
async fn main(param: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>) {
    let a = work::awaited();
    a.await;
    let b = work::local();
    tokio::task::spawn_local(b);
    let local = tokio::task::LocalSet::new();
    let c = work::local_method();
    local.spawn_local(c);
    let (d, e) = (work::pair_a(), work::pair_b());
    tokio::spawn(d);
    let f = work::shadowed();
    let f = async move { drop(f) };
    tokio::spawn(f);
    tokio::spawn(param);
    let h = work::in_local_set();
    tokio::task::LocalSet::new().run_until(async move { h.await }).await;
    tokio::task::spawn_blocking(move || futures::executor::block_on(work::blocking()));
}
",
    );
    for c in &s.calls {
        assert!(
            c.spawned.is_none() && c.send_here.is_none(),
            "{:?} should need no `Send`",
            c.target
        );
    }
}

#[test]
fn the_send_walk_follows_awaits_across_files_with_the_chain() {
    let seeds = send_seeds(&[
        (
            "src/main.rs",
            "mod jobs;
mod work;
async fn main() {
    let f = jobs::outer();
    tokio::spawn(f);
}
",
        ),
        (
            "src/jobs.rs",
            "pub async fn outer() {
    crate::work::run().await;
}
",
        ),
        ("src/work.rs", WORK),
    ]);
    // `outer` holds nothing `!Send`: no seed (nothing to show for it).
    assert_eq!(
        seeds,
        vec![(
            "src/work.rs".to_string(),
            "run".to_string(),
            "spawned with `tokio::spawn` (src/main.rs:5) via `jobs::outer` (src/main.rs:4), \
             `crate::work::run` (src/jobs.rs:2)"
                .to_string()
        )]
    );
}

#[test]
fn the_send_walk_stays_quiet_without_a_send_spawner() {
    let seeds = send_seeds(&[
        (
            "src/main.rs",
            "mod work;
async fn main() {
    let a = work::run();
    a.await;
    let local = tokio::task::LocalSet::new();
    local.spawn_local(work::run());
    tokio::task::spawn_local(work::run());
    tokio::task::spawn_blocking(|| futures::executor::block_on(work::run()));
}
",
        ),
        ("src/work.rs", WORK),
    ]);
    assert!(seeds.is_empty(), "{seeds:?}");
}

/// `outer` must be `Send` (spawned), but the block it spawns with
/// `spawn_local` is a task of its own: what that block awaits need not be.
#[test]
fn a_block_bound_to_a_local_and_spawned_locally_is_not_the_fn_s_future() {
    let seeds = send_seeds(&[
        (
            "src/main.rs",
            "mod work;
async fn main() {
    tokio::spawn(work::outer());
}
",
        ),
        (
            "src/work.rs",
            "use std::rc::Rc;
pub async fn outer() {
    let job = async move {
        run().await;
    };
    tokio::task::spawn_local(job);
    let kept = async move {
        kept_run().await;
    };
    kept.await;
}
async fn run() {
    let cx = Rc::new(1u8);
    tokio::task::yield_now().await;
    drop(cx);
}
async fn kept_run() {
    let cx = Rc::new(2u8);
    tokio::task::yield_now().await;
    drop(cx);
}
",
        ),
    ]);
    let names: Vec<&str> = seeds.iter().map(|s| s.1.as_str()).collect();
    assert_eq!(names, ["kept_run"], "{seeds:?}");
}

#[test]
fn a_scoped_value_needs_no_seed() {
    let seeds = send_seeds(&[
        (
            "src/main.rs",
            "mod work;
async fn main() {
    tokio::spawn(work::run());
}
",
        ),
        (
            "src/work.rs",
            "pub async fn run() {
    let n: u8 = {
        let mut rng = rand::thread_rng();
        rand::Rng::gen(&mut rng)
    };
    tokio::task::yield_now().await;
    println!(\"{n}\");
}
",
        ),
    ]);
    assert!(seeds.is_empty(), "{seeds:?}");
}

/// `a0` spawned, `a{i}` awaits `a{i+1}`, `a{n-1}` holds an `Rc` across
/// an await and awaits `a0` again (a cycle).
fn chain_crate(n: usize) -> Vec<(String, String, String)> {
    let mut work = String::from("use std::rc::Rc;\n");
    for i in 0..n - 1 {
        work.push_str(&format!("pub async fn a{i}() {{ a{}().await; }}\n", i + 1));
    }
    work.push_str(&format!(
        "pub async fn a{}() {{\n    let cx = Rc::new(1u8);\n    a0().await;\n    drop(cx);\n}}\n",
        n - 1
    ));
    send_seeds(&[
        (
            "src/main.rs",
            "mod work;\nasync fn main() {\n    tokio::spawn(work::a0());\n}\n",
        ),
        ("src/work.rs", &work),
    ])
}

#[test]
fn the_send_walk_is_cycle_safe_and_bounded() {
    let near = chain_crate(4);
    assert_eq!(near.len(), 1, "{near:?}");
    assert_eq!(near[0].1, "a3");
    // Spawned at 1 step, `a3` at 4: the chain names every step once.
    assert_eq!(near[0].2.matches("`a").count(), 3, "{}", near[0].2);
    assert_eq!(chain_crate(MAX_CHAIN).len(), 1);
    assert!(chain_crate(MAX_CHAIN + 1).is_empty());
}
