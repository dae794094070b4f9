//! diagnose_snippet in process. Targets: a 200-line snippet <= 1 ms median,
//! a 5,000-line file <= 25 ms, and time linear in size (the sweep).
//! Run: `cargo bench --bench diagnose`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use rust_async_skill::analysis::{DiagnoseOptions, diagnose};
use std::hint::black_box;

/// One ~50-line block of typical async service code (locks, select loops,
/// spawns, blocking calls, a poll impl); `i` makes its names unique.
fn module(i: usize) -> String {
    format!(
        r#"
pub struct Service{i} {{
    state: std::sync::Mutex<State>,
    cache: tokio::sync::RwLock<std::collections::HashMap<String, String>>,
    tx: tokio::sync::mpsc::Sender<Event>,
}}

impl Service{i} {{
    pub async fn handle(&self, req: Request) -> anyhow::Result<Response> {{
        let n = {{
            let mut s = self.state.lock().unwrap();
            s.requests += 1;
            s.requests
        }};
        let cached = self.cache.read().await.get(&req.key).cloned();
        if let Some(v) = cached {{
            return Ok(Response::hit(v, n));
        }}
        let body = fetch(&req.url).await?;
        self.cache.write().await.insert(req.key.clone(), body.clone());
        self.tx.send(Event::Miss(req.key)).await?;
        Ok(Response::miss(body, n))
    }}

    pub async fn run(&self, mut rx: tokio::sync::mpsc::Receiver<Job>) {{
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
        loop {{
            tokio::select! {{
                Some(job) = rx.recv() => {{
                    let h = tokio::spawn(async move {{ job.run().await }});
                    h.await.ok();
                }}
                _ = tick.tick() => self.report().await,
            }}
        }}
    }}

    async fn report(&self) {{
        let total = self.state.lock().unwrap().requests;
        println!("{{}} requests", total);
    }}
}}

async fn fetch{i}(url: &str) -> std::io::Result<String> {{
    let data = tokio::fs::read_to_string(url).await?;
    Ok(data.lines().filter(|l| !l.is_empty()).map(|l| l.trim()).collect::<Vec<_>>().join("\n"))
}}
"#
    )
}

/// About `lines` lines of code.
fn source(lines: usize) -> String {
    let mut s = String::from("use std::sync::Arc;\nuse tokio::sync::Mutex as AsyncMutex;\n");
    let mut i = 0;
    while s.lines().count() < lines {
        s.push_str(&module(i));
        i += 1;
    }
    s
}

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
