//! Hostile input over stdio: the server answers what it can, survives the
//! rest, and exits cleanly on EOF.
//!
//! rmcp ignores lines that are not JSON at all (as the other official MCP
//! SDKs do: answering garbage can start an error storm with a peer that
//! echoes it), answers JSON that is not a message with -32600 (id null), and
//! unknown methods with -32601; wrong parameter types get -32602 from our
//! handler. The memory checks (10,000 and 100,000 calls) are in
//! `slow::memory`.
use crate::common::Server;
use serde_json::{Value, json};
use std::io::Write;
use std::time::{Duration, Instant};

/// Starts `serve` over stdio with raw pipes (for byte-level abuse).
pub(crate) fn raw_server() -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
        .arg("serve")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

pub(crate) fn wait_exit(
    child: &mut std::process::Child,
    timeout: Duration,
) -> std::process::ExitStatus {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("the server did not exit within {timeout:?}");
}

#[test]
fn garbage_lines_are_ignored_or_answered_and_the_session_survives() {
    let (mut s, _) = Server::initialized("2025-06-18");
    s.send_raw("{not json\n");
    s.send_raw("\u{0}\u{1}\u{2}\n");
    s.send_raw("\n\r\n");
    let ping = s.call("ping", json!({}));
    assert_eq!(ping["result"], json!({}), "{ping}");
    // JSON that is not a JSON-RPC message: -32600 with id null.
    for line in ["42", "\"tools/list\"", "{\"jsonrpc\":\"2.0\"}", "[]"] {
        s.send_raw(&format!("{line}\n"));
        let reply: Value =
            serde_json::from_str(&s.next_line(Duration::from_secs(10)).expect("an answer"))
                .unwrap();
        assert_eq!(reply["error"]["code"], -32600, "{line}: {reply}");
        assert_eq!(reply["id"], Value::Null);
    }
    assert!(s.close().success(), "clean exit on EOF");
}

#[test]
fn non_utf8_bytes_are_ignored_and_the_session_survives() {
    use std::io::BufRead;
    let mut child = raw_server();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    stdin
        .write_all(
            b"\xff\xfe\x80 not text\n\xc3\x28{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n",
        )
        .unwrap();
    stdin
        .write_all(
            b"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\",\"params\":{\"x\":\"\xff\"}}\n",
        )
        .unwrap();
    stdin.write_all(b"{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}\n").unwrap();
    stdin.flush().unwrap();
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let v: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(v["id"], 3, "only the valid message is answered: {v}");
    assert_eq!(v["result"]["protocolVersion"], "2025-06-18");
    drop(stdin);
    assert!(wait_exit(&mut child, Duration::from_secs(10)).success());
}

#[test]
fn a_batch_gets_invalid_request() {
    let (mut s, _) = Server::initialized("2025-06-18");
    s.send_raw("[{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"ping\"}]\n");
    let reply: Value =
        serde_json::from_str(&s.next_line(Duration::from_secs(10)).unwrap()).unwrap();
    assert_eq!(reply["error"]["code"], -32600, "{reply}");
    let r = s.request(
        "tools/call",
        json!({"name": "explain_concept", "arguments": {"query": "Waker"}}),
    );
    assert_eq!(r["structuredContent"]["concept"], "waker");
    assert!(s.close().success());
}

#[test]
fn unknown_methods_and_wrong_parameter_types() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let r = s.call("no/such/method", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    assert!(
        r["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no/such/method")
    );
    for (method, params, needle) in [
        ("resources/read", json!({"uri": 5}), "expected a string"),
        (
            "tools/call",
            json!({"name": "explain_concept", "arguments": "waker"}),
            "expected a map",
        ),
        ("tools/call", json!({"name": 7}), "expected a string"),
        ("tools/call", json!(null), ""),
        (
            "prompts/get",
            json!({"name": ["explain"]}),
            "expected a string",
        ),
        ("skills/get", json!({"uri": {}}), ""),
    ] {
        let r = s.call(method, params.clone());
        assert_eq!(r["error"]["code"], -32602, "{method} {params}: {r}");
        assert!(
            r["error"]["message"].as_str().unwrap().contains(needle),
            "{r}"
        );
    }
    // Inside a tool call, wrong argument types are tool errors (SEP-1303).
    let r = s.request(
        "tools/call",
        json!({"name": "explain_concept", "arguments": {"query": {"nested": true}}}),
    );
    assert_eq!(r["isError"], true);
    let r = s.request(
        "tools/call",
        json!({"name": "diagnose_snippet", "arguments": {"code": "fn f(){}", "runtime": 5}}),
    );
    assert_eq!(r["isError"], true, "{r}");
    assert!(s.close().success());
}

#[test]
fn a_10_mib_message_is_read_and_refused_by_the_tool() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let code = "x".repeat(10 * 1024 * 1024);
    let r = s.request(
        "tools/call",
        json!({"name": "diagnose_snippet", "arguments": {"code": code}}),
    );
    assert_eq!(r["isError"], true);
    let text = r["content"][0]["text"].as_str().unwrap();
    assert!(text.contains("over the limit"), "{text}");
    let r = s.request(
        "tools/call",
        json!({"name": "explain_concept", "arguments": {"query": "y".repeat(10 * 1024 * 1024)}}),
    );
    assert_eq!(r["isError"], true);
    assert_eq!(s.call("ping", json!({}))["result"], json!({}));
    assert!(s.close().success());
}

#[test]
fn a_partial_line_then_eof_exits_cleanly() {
    let mut child = raw_server();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}"#)
        .unwrap();
    stdin
        .write_all(b"\n{\"jsonrpc\":\"2.0\",\"id\":2,\"meth")
        .unwrap();
    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    // Before the handshake, too: nothing was asked, so it exits 0.
    let mut child = raw_server();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"jsonrpc\"")
        .unwrap();
    let status = wait_exit(&mut child, Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    let mut child = raw_server();
    drop(child.stdin.take());
    let status = wait_exit(&mut child, Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
}

#[test]
fn a_client_that_leaves_mid_call_lets_the_server_exit() {
    // stdin closed right after a slow request: the server finishes or drops it and exits.
    let (mut s, _) = Server::initialized("2025-06-18");
    let code =
        "async fn f() { std::thread::sleep(std::time::Duration::from_secs(1)); }\n".repeat(5000);
    s.send_raw(&format!("{}\n", json!({"jsonrpc": "2.0", "id": 99, "method": "tools/call", "params": {"name": "diagnose_snippet", "arguments": {"code": code}}})));
    assert!(s.close().success());
    // stdout closed too (the client is gone entirely): no hang, no crash.
    let mut child = raw_server();
    let mut stdin = child.stdin.take().unwrap();
    drop(child.stdout.take());
    let _ = stdin.write_all(format!("{}\n", json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}})).as_bytes());
    let _ = stdin.write_all(format!("{}\n", json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "diagnose_snippet", "arguments": {"code": code}}})).as_bytes());
    drop(stdin);
    let status = wait_exit(&mut child, Duration::from_secs(10));
    assert!(
        status.code().is_some(),
        "exited, not killed by a signal: {status:?}"
    );
}

#[test]
fn a_thousand_requests_in_flight() {
    let (mut s, _) = Server::initialized("2025-06-18");
    let mut batch = String::new();
    for id in 1000..2000u64 {
        let params = if id % 2 == 0 {
            json!({"name": "explain_concept", "arguments": {"query": "Pin"}})
        } else {
            json!({"name": "diagnose_snippet", "arguments": {"code": "async fn f() { std::thread::sleep(std::time::Duration::from_secs(1)); }"}})
        };
        batch.push_str(
            &json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params})
                .to_string(),
        );
        batch.push('\n');
    }
    let started = Instant::now();
    s.send_raw(&batch);
    let mut seen = std::collections::HashSet::new();
    while seen.len() < 1000 {
        let line = s
            .next_line(Duration::from_secs(60))
            .expect("all 1,000 answers");
        let v: Value = serde_json::from_str(&line).unwrap();
        let id = v["id"].as_u64().unwrap();
        assert!(
            v["result"].is_object() && v["result"]["isError"] != true,
            "{id}"
        );
        assert!(seen.insert(id), "answered twice: {id}");
    }
    eprintln!(
        "1000 pipelined requests over stdio in {:?}",
        started.elapsed()
    );
    assert!(s.close().success());
}
