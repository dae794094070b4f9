//! Load on loopback: 32 concurrent HTTP clients (half 2026-07-28 stateless,
//! half 2025-06-18 sessions), a mixed workload of explain_concept,
//! diagnose_snippet and suggest_fix (when the server has it), for a fixed
//! time. No errors allowed; throughput and p50/p99 latency are printed.
//!
//! The full run (60 s) is ignored by default; run it on a release build:
//!   cargo test --release --test it slow::load_http:: -- --ignored --nocapture
//! LOAD_SECS and LOAD_CLIENTS change the duration (max 300 s) and the number
//! of clients (max 256). Traffic goes only to the server on 127.0.0.1.
use crate::http_support::*;
use serde_json::json;
use std::time::{Duration, Instant};

const CODE: &str = "use std::sync::Mutex;\nasync fn f(m: &Mutex<u32>) {\n    let g = m.lock().unwrap();\n    other().await;\n    drop(g);\n}\nasync fn g() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\nasync fn other() {}\n";
const QUERIES: &[&str] = &[
    "Waker",
    "future cannot be sent between threads safely",
    "why is my select! loop losing messages",
    "Cannot start a runtime from within a runtime",
    "Pin::new on an async block",
    "spawn_blocking vs block_in_place",
];

struct Report {
    calls: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

fn run_load(secs: u64, clients: usize) -> Report {
    let server = HttpServer::start(&[]);
    let addr = server.addr;
    let runtime = rt();
    let report = runtime.block_on(async move {
        let has_fix = {
            let mut c = Client::new(addr, MODERN).await;
            let tools = c.request("tools/list", json!({})).await;
            tools["tools"]
                .as_array()
                .unwrap()
                .iter()
                .any(|t| t["name"] == "suggest_fix")
        };
        let started = Instant::now();
        let deadline = started + Duration::from_secs(secs);
        let tasks: Vec<_> = (0..clients)
            .map(|k| {
                tokio::spawn(async move {
                    let version = if k % 2 == 0 { MODERN } else { LEGACY };
                    let mut c = Client::new(addr, version).await;
                    let mut latencies = Vec::new();
                    let mut errors = 0usize;
                    let mut i = k;
                    // Bounded in time and in count.
                    while Instant::now() < deadline && latencies.len() < 2_000_000 {
                        let (name, args) = match i % 5 {
                            0 | 1 => (
                                "explain_concept",
                                json!({"query": QUERIES[i % QUERIES.len()]}),
                            ),
                            2 | 3 => ("diagnose_snippet", json!({"code": CODE})),
                            _ if has_fix => ("suggest_fix", json!({"code": CODE})),
                            _ => (
                                "explain_concept",
                                json!({"query": "tokio::sync::Mutex or std::sync::Mutex"}),
                            ),
                        };
                        i += 1;
                        let t = Instant::now();
                        let r = c
                            .call_full("tools/call", json!({"name": name, "arguments": args}))
                            .await;
                        latencies.push(t.elapsed());
                        match r {
                            Ok((msg, resp))
                                if resp.status == 200
                                    && msg["result"].is_object()
                                    && msg["result"]["isError"] != true => {}
                            Ok((msg, resp)) => {
                                errors += 1;
                                if errors <= 3 {
                                    eprintln!(
                                        "error from {name}: HTTP {} {:.300}",
                                        resp.status,
                                        msg.to_string()
                                    );
                                }
                            }
                            Err(e) => {
                                errors += 1;
                                eprintln!("transport error from {name}: {e}");
                                c.conn.reconnect().await;
                            }
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        let mut latencies = Vec::new();
        let mut errors = 0;
        for t in tasks {
            let (l, e) = t.await.expect("a client task");
            latencies.extend(l);
            errors += e;
        }
        Report {
            calls: latencies.len(),
            errors,
            elapsed: started.elapsed(),
            latencies,
        }
    });
    drop(server);
    report
}

fn print(report: &mut Report, clients: usize) {
    report.latencies.sort();
    let pct = |p: f64| {
        let i = ((report.latencies.len() as f64 * p).ceil() as usize)
            .clamp(1, report.latencies.len())
            - 1;
        report.latencies[i]
    };
    eprintln!(
        "load: {clients} clients, {:.1} s, {} calls, {} errors, {:.0} calls/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        report.elapsed.as_secs_f64(),
        report.calls,
        report.errors,
        report.calls as f64 / report.elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        report.latencies.last().unwrap().as_secs_f64() * 1e3,
    );
}

fn env_num(name: &str, default: u64, max: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
        .min(max)
}

#[test]
fn short_load_has_no_errors() {
    let mut r = run_load(3, 32);
    print(&mut r, 32);
    assert_eq!(r.errors, 0);
    assert!(r.calls > 32);
}

#[test]
#[ignore = "60 s of load; cargo test --release --test it slow::load_http:: -- --ignored --nocapture"]
fn load_32_clients_for_60_s() {
    let secs = env_num("LOAD_SECS", 60, 300);
    let clients = env_num("LOAD_CLIENTS", 32, 256) as usize;
    let mut r = run_load(secs, clients);
    print(&mut r, clients);
    assert_eq!(r.errors, 0);
}
