//! Where the analysis time goes: the median of each phase (parse, macro
//! bodies, model, rules) on the bench inputs, next to syn's own parse time.
//! Run: `cargo run --release --example phases [LINES...]` (`RUNS=n` sets
//! the repetitions, e.g. `RUNS=3` under `valgrind --tool=callgrind` to
//! count instructions, which the machine's noise does not blur).

#[path = "../benches/corpus.rs"]
mod corpus;

use std::time::{Duration, Instant};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![200, 5_000]
    } else {
        sizes
    };
    for lines in sizes {
        let code = corpus::source(lines);
        let runs = std::env::var("RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or((20_000 / lines).clamp(15, 400));
        let mut phases: [Vec<Duration>; 4] = Default::default();
        let mut syn_only = Vec::new();
        let mut total = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let _ = syn::parse_str::<syn::File>(&code).unwrap();
            syn_only.push(t.elapsed());
            proc_macro2::extra::invalidate_current_thread_spans();
            let p = rust_async_skill::analysis::profile_phases(&code);
            proc_macro2::extra::invalidate_current_thread_spans();
            for (acc, d) in phases.iter_mut().zip(p) {
                acc.push(d);
            }
            let opts = rust_async_skill::analysis::DiagnoseOptions::default();
            let t = Instant::now();
            let _ = rust_async_skill::analysis::diagnose(&code, &opts).unwrap();
            total.push(t.elapsed());
        }
        let [p, m, mo, r] = phases.map(median);
        println!(
            "{} lines: diagnose {:.3} ms | parse {:.3} macros {:.3} model {:.3} rules {:.3} | syn::parse_str alone {:.3} ms",
            code.lines().count(),
            median(total).as_secs_f64() * 1e3,
            p.as_secs_f64() * 1e3,
            m.as_secs_f64() * 1e3,
            mo.as_secs_f64() * 1e3,
            r.as_secs_f64() * 1e3,
            median(syn_only).as_secs_f64() * 1e3,
        );
    }
}
