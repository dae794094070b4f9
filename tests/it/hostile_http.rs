//! Hostile input over streamable HTTP: each gets the HTTP status and
//! JSON-RPC error the specs prescribe, and the server keeps serving.
//! The memory checks (10,000 and 100,000 calls) are in `slow::memory`.
use crate::http_support::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const INIT: &[u8] = br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}"#;

fn error_of(r: &Response) -> Value {
    let v: Value = serde_json::from_slice(&r.body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", r.status, r.text()));
    v["error"].clone()
}

/// The server answers a normal call after whatever happened.
async fn still_serves(server: &HttpServer) {
    let mut c = Client::new(server.addr, MODERN).await;
    let r = c.tool("explain_concept", json!({"query": "Waker"})).await;
    assert_eq!(r["structuredContent"]["concept"], "waker");
}

#[test]
fn malformed_json_batches_and_non_utf8_get_400_with_jsonrpc_errors() {
    let mut server = HttpServer::start(&[]);
    rt().block_on(async {
        let mut conn = Conn::connect(server.addr).await;
        for (body, code) in [
            (&b"{not json"[..], -32700),
            (&b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\""[..], -32700),
            (&b""[..], -32700),
            (&b"\xff\xfe\x00\x80"[..], -32700),
            (&b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"x\":\"\xff\"}}"[..], -32700),
            (&b"[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]"[..], -32600),
            (&b"[]"[..], -32600),
            (&b"42"[..], -32600),
            (&b"\"tools/list\""[..], -32600),
            (&b"{\"method\": 5}"[..], -32600),
            (&b"{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}"[..], -32600),
        ] {
            let r = conn.send("POST", "/mcp", &[ACCEPT, JSON], body).await.unwrap();
            assert_eq!(r.status, 400, "{:?}: {}", String::from_utf8_lossy(body), r.text());
            let e = error_of(&r);
            assert_eq!(e["code"], code, "{:?}: {e}", String::from_utf8_lossy(body));
        }
    });
    rt().block_on(still_serves(&server));
    assert!(server.alive());
}

#[test]
fn unknown_methods_and_wrong_parameter_types_on_both_protocols() {
    let server = HttpServer::start(&[]);
    rt().block_on(async {
        for version in [MODERN, LEGACY] {
            let mut c = Client::new(server.addr, version).await;
            let (r, resp) = c.call_full("no/such/method", json!({})).await.unwrap();
            assert_eq!(r["error"]["code"], -32601, "{version}: {r}");
            // 2026-07-28 maps "method not found" to 404; sessions answer in-band.
            assert_eq!(
                resp.status,
                if version == MODERN { 404 } else { 200 },
                "{version}"
            );
            for (method, params, needle) in [
                ("resources/read", json!({"uri": 5}), "expected a string"),
                (
                    "tools/call",
                    json!({"name": "explain_concept", "arguments": "waker"}),
                    "expected a map",
                ),
                ("tools/call", json!({"name": 7}), "expected a string"),
                (
                    "prompts/get",
                    json!({"name": ["explain"]}),
                    "expected a string",
                ),
                ("completion/complete", json!({"ref": 1}), ""),
            ] {
                let r = c.call(method, params.clone()).await;
                assert_eq!(
                    r["error"]["code"], -32602,
                    "{version} {method} {params}: {r}"
                );
                assert!(
                    r["error"]["message"].as_str().unwrap().contains(needle),
                    "{r}"
                );
            }
            // Wrong argument types inside a tool call are tool errors (SEP-1303).
            let r = c
                .tool("diagnose_snippet", json!({"code": ["not", "a", "string"]}))
                .await;
            assert_eq!(r["isError"], true);
            assert!(
                tool_text(&r)
                    .contains("argument `code`: invalid type: sequence, expected a string"),
                "{r}"
            );
            let r = c
                .call(
                    "tools/call",
                    json!({"name": "no_such_tool", "arguments": {}}),
                )
                .await;
            assert!(
                r.get("error").is_some() || r["result"]["isError"] == true,
                "{r}"
            );
        }
    });
}

#[test]
fn a_10_mib_message_gets_413_and_the_server_carries_on() {
    let server = HttpServer::start(&[]);
    rt().block_on(async {
        let big = format!(
            r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{{"name":"diagnose_snippet","arguments":{{"code":"{}"}}}}}}"#,
            "x".repeat(10 * 1024 * 1024)
        );
        let mut conn = Conn::connect(server.addr).await;
        // Content-Length says it all: refused before the body is read.
        let r = conn
            .send("POST", "/mcp", &[ACCEPT, JSON], big.as_bytes())
            .await;
        match r {
            Ok(r) => assert_eq!(r.status, 413, "{}", r.text()),
            // The server may close while the client is still writing.
            Err(e) => assert!(
                matches!(e.kind(), std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset),
                "{e}"
            ),
        }
        // Chunked, with no Content-Length: counted while read.
        let mut conn = Conn::connect(server.addr).await;
        let head = format!(
            "POST /mcp HTTP/1.1\r\nHost: {}\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
            server.addr
        );
        conn.write_raw(head.as_bytes()).await.unwrap();
        let mut wrote_all = true;
        for chunk in big.as_bytes().chunks(256 * 1024) {
            let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
            if conn.write_raw(&framed).await.is_err() {
                wrote_all = false;
                break;
            }
        }
        if wrote_all {
            let _ = conn.write_raw(b"0\r\n\r\n").await;
        }
        let r = conn.read_response().await.expect("a response to the chunked upload");
        assert_eq!(r.status, 413, "{}", r.text());
        // Just under the limit is read, and the tool reports its own limit.
        let code = "x".repeat(1024 * 1024 + 10);
        let mut c = Client::new(server.addr, MODERN).await;
        let r = c.tool("diagnose_snippet", json!({"code": code})).await;
        assert_eq!(r["isError"], true);
        assert!(tool_text(&r).contains("over the limit"), "{}", tool_text(&r));
        still_serves(&server).await;
    });
}

#[test]
fn bad_origin_and_bad_host_get_403() {
    let server = HttpServer::start(&[]);
    let port = server.addr.port();
    rt().block_on(async {
        for origin in [
            "http://evil.example".to_string(),
            "https://localhost".to_string(),
            format!("http://localhost:{}", port + 1),
            "null".to_string(),
            "not a url".to_string(),
        ] {
            let r = Conn::post_once(server.addr, &[ACCEPT, JSON, ("Origin", &origin)], INIT).await;
            assert_eq!(r.status, 403, "Origin {origin}: {}", r.text());
        }
        for origin in [
            format!("http://localhost:{port}"),
            format!("http://127.0.0.1:{port}"),
        ] {
            let r = Conn::post_once(server.addr, &[ACCEPT, JSON, ("Origin", &origin)], INIT).await;
            assert_eq!(r.status, 200, "Origin {origin}: {}", r.text());
        }
        for host in [
            "evil.example",
            "evil.example:80",
            "127.0.0.1.nip.io",
            "192.168.1.1",
        ] {
            let r = Conn::post_once(server.addr, &[ACCEPT, JSON, ("Host", host)], INIT).await;
            assert_eq!(r.status, 403, "Host {host}: {}", r.text());
        }
        for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}")] {
            let r = Conn::post_once(server.addr, &[ACCEPT, JSON, ("Host", &host)], INIT).await;
            assert_eq!(r.status, 200, "Host {host}: {}", r.text());
        }
    });
    // Extra origins and hosts can be allowed explicitly.
    let server = HttpServer::start(&[
        "--allowed-origin",
        "http://app.example:8080",
        "--allowed-host",
        "mcp.internal",
    ]);
    rt().block_on(async {
        let r = Conn::post_once(
            server.addr,
            &[
                ACCEPT,
                JSON,
                ("Origin", "http://app.example:8080"),
                ("Host", "mcp.internal"),
            ],
            INIT,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
    });
}

#[test]
fn no_token_gets_401_before_anything_is_read() {
    let server = HttpServer::start(&["--token", "tok-123456"]);
    rt().block_on(async {
        let mut conn = Conn::connect(server.addr).await;
        let big = vec![b'x'; 1024];
        let r = conn
            .send("POST", "/mcp", &[ACCEPT, JSON], &big)
            .await
            .unwrap();
        assert_eq!(r.status, 401);
        let r = Conn::post_once(
            server.addr,
            &[ACCEPT, JSON, ("Authorization", "Bearer tok-123456")],
            INIT,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
    });
}

#[test]
fn wrong_content_type_and_accept_headers() {
    let server = HttpServer::start(&[]);
    rt().block_on(async {
        let r = Conn::post_once(server.addr, &[ACCEPT, ("Content-Type", "text/plain")], INIT).await;
        assert_eq!(r.status, 415, "{}", r.text());
        let r = Conn::post_once(server.addr, &[("Accept", "text/html"), JSON], INIT).await;
        assert_eq!(r.status, 406, "{}", r.text());
        let r = Conn::post_once(
            server.addr,
            &[ACCEPT, JSON, ("MCP-Protocol-Version", "1999-01-01")],
            br#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#,
        )
        .await;
        assert_eq!(r.status, 400, "{}", r.text());
    });
}

#[test]
fn a_thousand_requests_in_flight() {
    let server = HttpServer::start(&[]);
    let addr = server.addr;
    rt().block_on(async {
        let started = Instant::now();
        // Connect first (a burst of 1,000 SYNs can overflow the kernel's
        // accept queue, which is not what this tests), then send all at once.
        let mut clients = Vec::new();
        for _ in 0..1000 {
            clients.push(Client::new(addr, MODERN).await);
        }
        let tasks: Vec<_> = clients
            .into_iter()
            .enumerate()
            .map(|(i, mut c)| {
                tokio::spawn(async move {
                    let r = if i % 2 == 0 {
                        c.tool("explain_concept", json!({"query": "Pin"})).await
                    } else {
                        c.tool("diagnose_snippet", json!({"code": "async fn f() { std::thread::sleep(std::time::Duration::from_secs(1)); }"})).await
                    };
                    assert_ne!(r["isError"], true, "{r}");
                    i
                })
            })
            .collect();
        let mut done = 0;
        for t in tasks {
            t.await.expect("a request task");
            done += 1;
        }
        assert_eq!(done, 1000);
        eprintln!("1000 concurrent requests in {:?}", started.elapsed());
        // And 1,000 through one 2025-06-18 session at once (one connection each).
        let c = Client::new(addr, LEGACY).await;
        let session = c.session.clone().unwrap();
        let mut conns = Vec::new();
        for _ in 0..1000 {
            conns.push(Conn::connect(addr).await);
        }
        let tasks: Vec<_> = conns
            .into_iter()
            .zip(0..1000u64)
            .map(|(mut conn, i)| {
                let session = session.clone();
                tokio::spawn(async move {
                    let body = json!({"jsonrpc": "2.0", "id": i, "method": "tools/call", "params": {"name": "explain_concept", "arguments": {"query": "select!"}}});
                    let r = conn
                        .send("POST", "/mcp", &[ACCEPT, JSON, ("Mcp-Session-Id", &session), ("MCP-Protocol-Version", LEGACY)], body.to_string().as_bytes())
                        .await
                        .unwrap();
                    assert_eq!(r.status, 200, "{}", r.text());
                    assert_eq!(r.message(i)["result"]["structuredContent"]["concept"], "select");
                })
            })
            .collect();
        for t in tasks {
            t.await.expect("a session request task");
        }
        still_serves(&server).await;
    });
}

#[test]
fn clients_that_disconnect_mid_call_or_mid_body_do_not_hurt_the_server() {
    let mut server = HttpServer::start(&[]);
    let addr = server.addr;
    rt().block_on(async {
        let big_code = "async fn f() { std::thread::sleep(std::time::Duration::from_secs(1)); }\n".repeat(6000);
        for round in 0..20 {
            // Mid-call: the whole request sent, the connection dropped before the answer.
            let mut conn = Conn::connect(addr).await;
            let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "diagnose_snippet", "arguments": {"code": big_code}, "_meta": {
                "io.modelcontextprotocol/protocolVersion": MODERN,
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "0"}}}});
            let text = body.to_string();
            let head = format!(
                "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\nMCP-Protocol-Version: {MODERN}\r\nMcp-Method: tools/call\r\nMcp-Name: diagnose_snippet\r\nContent-Length: {}\r\n\r\n",
                text.len()
            );
            conn.write_raw(head.as_bytes()).await.unwrap();
            conn.write_raw(text.as_bytes()).await.unwrap();
            drop(conn);
            // Mid-body: half the promised bytes, then gone.
            let mut conn = Conn::connect(addr).await;
            conn.write_raw(head.as_bytes()).await.unwrap();
            conn.write_raw(&text.as_bytes()[..text.len() / 2]).await.unwrap();
            drop(conn);
            // Mid-session stream: a 2025-06-18 call whose SSE answer nobody reads.
            if round % 5 == 0 {
                let mut c = Client::new(addr, LEGACY).await;
                let body = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {"name": "diagnose_snippet", "arguments": {"code": big_code}}});
                let head = format!(
                    "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json, text/event-stream\r\nContent-Type: application/json\r\nMCP-Protocol-Version: {LEGACY}\r\nMcp-Session-Id: {}\r\nContent-Length: {}\r\n\r\n",
                    c.session.as_ref().unwrap(),
                    body.to_string().len()
                );
                c.conn.write_raw(head.as_bytes()).await.unwrap();
                c.conn.write_raw(body.to_string().as_bytes()).await.unwrap();
                drop(c);
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        still_serves(&server).await;
    });
    assert!(server.alive(), "the server survived");
}
