//! explain_concept in process: the ranking and the answer, on queries of each
//! style. Target: median <= 200 µs. Run: `cargo bench --bench explain`.
use criterion::{Criterion, criterion_group, criterion_main};
use rust_async_skill::explain::{Detail, Explainer};
use std::hint::black_box;

const QUERIES: &[(&str, &str)] = &[
    ("term", "spawn_blocking"),
    (
        "question",
        "why does my tokio timer fire late when the server is busy?",
    ),
    (
        "error",
        "error: future cannot be sent between threads safely\n  note: future is not `Send` as this value is used across an await",
    ),
    (
        "code",
        "fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {\n    let waker = cx.waker().clone();\n    std::thread::spawn(move || { std::thread::sleep(d); waker.wake(); });\n    Poll::Pending\n}",
    ),
    (
        "offtopic",
        "how does the asyncio event loop schedule coroutines in Python?",
    ),
];

fn bench(c: &mut Criterion) {
    let explainer = Explainer::embedded();
    let mut group = c.benchmark_group("explain_concept");
    for (style, query) in QUERIES {
        group.bench_function(*style, |b| {
            b.iter(|| {
                explainer
                    .explain(black_box(query), Detail::Brief, None)
                    .unwrap()
            })
        });
    }
    group.bench_function("full", |b| {
        b.iter(|| {
            explainer
                .explain(black_box("select!"), Detail::Full, Some(20_000))
                .unwrap()
        })
    });
    group.finish();
    c.bench_function("explainer_cold_load", |b| {
        b.iter(|| {
            let skill = rust_async_skill::skill::Skill::embedded();
            rust_async_skill::search::SearchIndex::for_embedded(skill).unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
