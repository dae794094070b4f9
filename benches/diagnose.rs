//! diagnose_snippet in process. Targets: a 200-line snippet <= 1 ms median,
//! a 5,000-line file <= 25 ms, and time linear in size (the sweep). The
//! first two were met with an arena allocator that was removed for its
//! `unsafe`; on the system allocator an analysis takes about 1.8x (200
//! lines) and 1.5x (5,000 lines) as long (ARCHITECTURE.md, the pool).
//! Run: `cargo bench --bench diagnose`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rust_async_skill::analysis::{DiagnoseOptions, diagnose};
use std::hint::black_box;

#[path = "corpus.rs"]
mod corpus;
use corpus::source;

fn bench(c: &mut Criterion) {
    let opts = DiagnoseOptions::default();
    let mut group = c.benchmark_group("diagnose");
    let small = source(200);
    let big = source(5_000);
    group.bench_function("snippet_200_lines", |b| {
        b.iter(|| diagnose(black_box(&small), &opts).unwrap())
    });
    group.bench_function("file_5000_lines", |b| {
        b.iter(|| diagnose(black_box(&big), &opts).unwrap())
    });
    group.finish();

    let mut sweep = c.benchmark_group("diagnose_size_sweep");
    for lines in [250, 500, 1_000, 2_000, 4_000, 8_000] {
        let code = source(lines);
        sweep.throughput(Throughput::Elements(code.lines().count() as u64));
        sweep.bench_with_input(BenchmarkId::from_parameter(lines), &code, |b, code| {
            b.iter(|| diagnose(black_box(code), &opts).unwrap())
        });
    }
    sweep.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
