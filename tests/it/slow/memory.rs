//! The server's memory stays flat under many calls, over stdio and over
//! streamable HTTP: RSS after a warm-up of 1,000 calls against RSS after
//! all of them. The 100,000-call runs are ignored by default:
//!   cargo test --release --test it slow::memory -- --ignored --nocapture
use crate::common::rss_kib;
use crate::hostile_stdio::{raw_server, wait_exit};
use crate::http_support::*;
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};

/// RSS of a stdio server after `warmup` and after `total` pipelined calls.
fn stdio_rss_growth(warmup: usize, total: usize) -> (u64, u64) {
    use std::io::BufRead;
    let mut child = raw_server();
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    writeln!(stdin, "{}", json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}})).unwrap();
    stdout.read_line(&mut line).unwrap();
    writeln!(
        stdin,
        "{}",
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"})
    )
    .unwrap();
    let mut next = 10u64;
    let mut run = |n: usize| {
        // In windows of 200 requests in flight.
        let mut left = n;
        while left > 0 {
            let k = left.min(200);
            let mut text = String::new();
            for j in 0..k {
                let params = match j % 4 {
                    0 => {
                        json!({"name": "explain_concept", "arguments": {"query": "why does my future not wake up"}})
                    }
                    1 => {
                        json!({"name": "diagnose_snippet", "arguments": {"code": "async fn f(m: &std::sync::Mutex<u8>) { let g = m.lock().unwrap(); g2().await; }"}})
                    }
                    2 => json!({"name": "explain_concept", "arguments": {"query": 5}}),
                    _ => json!({"name": "no_such_tool", "arguments": {}}),
                };
                text.push_str(&json!({"jsonrpc": "2.0", "id": next + j as u64, "method": "tools/call", "params": params}).to_string());
                text.push('\n');
            }
            stdin.write_all(text.as_bytes()).unwrap();
            stdin.flush().unwrap();
            for _ in 0..k {
                line.clear();
                assert!(
                    stdout.read_line(&mut line).unwrap() > 0,
                    "the server closed stdout"
                );
            }
            next += k as u64;
            left -= k;
        }
    };
    run(warmup);
    std::thread::sleep(Duration::from_millis(200));
    let a = rss_kib(pid);
    let started = Instant::now();
    run(total - warmup);
    std::thread::sleep(Duration::from_millis(200));
    let b = rss_kib(pid);
    eprintln!(
        "stdio RSS after {warmup} calls: {a} KiB; after {total}: {b} KiB ({:+.1}%); {} calls in {:?}",
        (b as f64 / a as f64 - 1.0) * 100.0,
        total - warmup,
        started.elapsed()
    );
    drop(stdin);
    assert!(wait_exit(&mut child, Duration::from_secs(10)).success());
    (a, b)
}

/// Sends `calls` mixed calls over `clients` keep-alive connections.
async fn hammer(addr: std::net::SocketAddr, calls: usize, clients: usize) {
    let per = calls / clients;
    let tasks: Vec<_> = (0..clients)
        .map(|k| {
            tokio::spawn(async move {
                let version = if k % 2 == 0 { MODERN } else { LEGACY };
                let mut c = Client::new(addr, version).await;
                for i in 0..per {
                    let r = match i % 4 {
                        0 => c.call("tools/call", json!({"name": "explain_concept", "arguments": {"query": "why does my future not wake up"}})).await,
                        1 => c.call("tools/call", json!({"name": "diagnose_snippet", "arguments": {"code": "async fn f(m: &std::sync::Mutex<u8>) { let g = m.lock().unwrap(); g2().await; }"}})).await,
                        2 => c.call("no/such", json!({})).await,
                        _ => c.call("resources/read", json!({"uri": "rust-async://rules/blocking-sleep"})).await,
                    };
                    assert!(
                        r.get("result").is_some() || r.get("error").is_some(),
                        "not a JSON-RPC response: {:.300}",
                        r.to_string()
                    );
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
}

fn http_rss_growth(warmup: usize, total: usize) -> (u64, u64) {
    let server = HttpServer::start(&[]);
    let runtime = rt();
    runtime.block_on(hammer(server.addr, warmup, 4));
    std::thread::sleep(Duration::from_millis(300));
    let after_warmup = server.rss_kib();
    let started = Instant::now();
    runtime.block_on(hammer(server.addr, total - warmup, 4));
    std::thread::sleep(Duration::from_millis(300));
    let after_all = server.rss_kib();
    eprintln!(
        "HTTP RSS after {warmup} calls: {after_warmup} KiB; after {total}: {after_all} KiB ({:+.1}%); {} calls in {:?}",
        (after_all as f64 / after_warmup as f64 - 1.0) * 100.0,
        total - warmup,
        started.elapsed()
    );
    (after_warmup, after_all)
}

#[test]
fn stdio_rss_stays_flat_over_10_000_calls() {
    let (a, b) = stdio_rss_growth(1_000, 10_000);
    assert!(
        b as f64 <= a as f64 * 1.10,
        "RSS grew from {a} KiB to {b} KiB"
    );
}

#[test]
#[ignore = "long: 100,000 calls; cargo test --release --test it slow::memory -- --ignored --nocapture"]
fn stdio_rss_stays_flat_over_100_000_calls() {
    let (a, b) = stdio_rss_growth(1_000, 100_000);
    assert!(
        b as f64 <= a as f64 * 1.10,
        "RSS grew from {a} KiB to {b} KiB"
    );
}
#[test]
fn http_rss_stays_flat_over_10_000_calls() {
    let (a, b) = http_rss_growth(1_000, 10_000);
    assert!(
        b as f64 <= a as f64 * 1.10,
        "RSS grew from {a} KiB to {b} KiB"
    );
}

#[test]
#[ignore = "long: 100,000 calls; cargo test --release --test it slow::memory -- --ignored --nocapture"]
fn http_rss_stays_flat_over_100_000_calls() {
    let (a, b) = http_rss_growth(1_000, 100_000);
    assert!(
        b as f64 <= a as f64 * 1.10,
        "RSS grew from {a} KiB to {b} KiB"
    );
}
