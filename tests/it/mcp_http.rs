//! The MCP server over streamable HTTP (`serve --http`), driven with raw
//! HTTP/1.1: every tool, resource, template, completion, prompt and the
//! Skills extension, for a 2026-07-28 client (stateless, `server/discover`)
//! and a 2025-06-18 client (`initialize`, `Mcp-Session-Id`); the bearer
//! token; loopback-only binding; graceful shutdown on SIGTERM and SIGINT.
use crate::http_support::*;
use serde_json::json;
use std::time::Duration;

/// Everything the server offers, through one client of `version`.
async fn drive_everything(c: &mut Client) {
    let tools = c.request("tools/list", json!({})).await;
    let names: Vec<&str> = tools["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"explain_concept") && names.contains(&"diagnose_snippet"),
        "{names:?}"
    );

    let r = c
        .tool(
            "explain_concept",
            json!({"query": "future cannot be sent between threads safely"}),
        )
        .await;
    assert_eq!(r["structuredContent"]["concept"], "send-bounds", "{r}");
    let section_uri = r["structuredContent"]["sections"][0]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let bad = c.tool("explain_concept", json!({"query": 42})).await;
    assert_eq!(bad["isError"], true);
    assert!(
        tool_text(&bad).contains("argument `query`: invalid type: integer `42`, expected a string")
    );

    let code =
        "async fn tick() {\n    std::thread::sleep(std::time::Duration::from_millis(5));\n}\n";
    let d = c.tool("diagnose_snippet", json!({"code": code})).await;
    assert_eq!(
        d["structuredContent"]["findings"][0]["rule"], "blocking-sleep",
        "{d}"
    );
    let doc_uri = d["structuredContent"]["findings"][0]["doc_uri"]
        .as_str()
        .unwrap()
        .to_string();

    if names.contains(&"suggest_fix") {
        let f = c
            .call(
                "tools/call",
                json!({"name": "suggest_fix", "arguments": {"code": code}}),
            )
            .await;
        assert!(f.get("result").is_some(), "suggest_fix: {f}");
    }

    let list = c.request("resources/list", json!({})).await;
    assert!(
        list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["uri"] == "skill://rust-async-internals/SKILL.md")
    );
    let md = c
        .request(
            "resources/read",
            json!({"uri": "skill://rust-async-internals/SKILL.md"}),
        )
        .await;
    assert!(
        md["contents"][0]["text"]
            .as_str()
            .unwrap()
            .starts_with("---\nname: rust-async-internals")
    );
    let section = c
        .request("resources/read", json!({"uri": section_uri}))
        .await;
    assert!(!section["contents"][0]["text"].as_str().unwrap().is_empty());
    let rule = c.request("resources/read", json!({"uri": doc_uri})).await;
    assert!(
        rule["contents"][0]["text"]
            .as_str()
            .unwrap()
            .contains("What it does")
    );
    let missing = c
        .call(
            "resources/read",
            json!({"uri": "rust-async://sections/no-such"}),
        )
        .await;
    assert!(missing.get("error").is_some(), "{missing}");

    let t = c.request("resources/templates/list", json!({})).await;
    assert_eq!(t["resourceTemplates"].as_array().unwrap().len(), 2, "{t}");
    let comp = c
        .request(
            "completion/complete",
            json!({"ref": {"type": "ref/resource", "uri": "rust-async://rules/{id}"}, "argument": {"name": "id", "value": "blocking-"}}),
        )
        .await;
    assert!(
        comp["completion"]["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == "blocking-sleep"),
        "{comp}"
    );

    let prompts = c.request("prompts/list", json!({})).await;
    assert_eq!(prompts["prompts"].as_array().unwrap().len(), 2, "{prompts}");
    let p = c
        .request(
            "prompts/get",
            json!({"name": "explain", "arguments": {"topic": "waker leaks"}}),
        )
        .await;
    assert!(
        p["messages"][0]["content"]["text"]
            .as_str()
            .unwrap()
            .contains("waker leaks")
    );
    let p = c
        .request(
            "prompts/get",
            json!({"name": "review_async_code", "arguments": {"code": code}}),
        )
        .await;
    assert!(
        p["messages"][0]["content"]["text"]
            .as_str()
            .unwrap()
            .contains("blocking-sleep")
    );

    let skills = c.request("skills/list", json!({})).await;
    let skill = &skills["skills"][0];
    assert_eq!(skill["uri"], "skill://rust-async-internals/SKILL.md");
    use sha2::Digest;
    for f in skill["resources"].as_array().unwrap().iter().take(5) {
        let read = c.request("resources/read", json!({"uri": f["uri"]})).await;
        let text = read["contents"][0]["text"].as_str().unwrap();
        assert_eq!(
            f["digest"].as_str().unwrap(),
            format!("sha256:{:x}", sha2::Sha256::digest(text.as_bytes()))
        );
    }
    let got = c
        .request(
            "skills/get",
            json!({"uri": "skill://rust-async-internals/SKILL.md"}),
        )
        .await;
    assert_eq!(got["skill"]["uri"], "skill://rust-async-internals/SKILL.md");
}

#[test]
fn a_2026_07_28_client_is_served_statelessly() {
    let server = HttpServer::start(&[]);
    rt().block_on(async {
        let mut c = Client::new(server.addr, MODERN).await;
        let (d, resp) = c.call_full("server/discover", json!({})).await.unwrap();
        assert_eq!(resp.status, 200);
        assert!(
            resp.header("mcp-session-id").is_none(),
            "no sessions in 2026-07-28"
        );
        let versions = d["result"]["supportedVersions"].as_array().unwrap();
        assert!(
            versions.contains(&json!(MODERN)) && versions.contains(&json!(LEGACY)),
            "{d}"
        );
        assert!(d["result"]["capabilities"]["tools"].is_object());
        assert_eq!(
            d["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "rust-async-skill",
            "{d}"
        );
        drive_everything(&mut c).await;
        // Plain JSON answers for simple requests (no SSE needed).
        let (_, resp) = c.call_full("tools/list", json!({})).await.unwrap();
        assert_eq!(resp.header("content-type"), Some("application/json"));
    });
}

#[test]
fn a_2025_06_18_client_gets_a_session() {
    let server = HttpServer::start(&[]);
    rt().block_on(async {
        let mut c = Client::new(server.addr, LEGACY).await;
        drive_everything(&mut c).await;
        // The session ends with DELETE; afterwards it is unknown (404).
        let session = c.session.clone().unwrap();
        let del = c
            .conn
            .send(
                "DELETE",
                "/mcp",
                &[
                    ("Mcp-Session-Id", &session),
                    ("MCP-Protocol-Version", LEGACY),
                ],
                b"",
            )
            .await
            .unwrap();
        assert!(
            del.status == 200 || del.status == 202 || del.status == 204,
            "{del:?}"
        );
        let (_, resp) = c.call_full("tools/list", json!({})).await.unwrap();
        assert_eq!(resp.status, 404, "{}", resp.text());
        // A request without a session (other than initialize) is refused.
        c.session = None;
        let (_, resp) = c.call_full("tools/list", json!({})).await.unwrap();
        assert_eq!(resp.status, 400, "{}", resp.text());
    });
}

#[test]
fn the_2025_11_25_handshake_works_too() {
    let server = HttpServer::start(&[]);
    rt().block_on(async {
        let mut c = Client::new(server.addr, "2025-11-25").await;
        let r = c.tool("explain_concept", json!({"query": "Pin"})).await;
        assert_eq!(r["structuredContent"]["concept"], "pin-unpin");
    });
}

#[test]
fn bearer_token_is_required_when_set() {
    for (args, env) in [
        (vec!["--token", "s3cret-token"], vec![]),
        (vec![], vec![("RUST_ASYNC_SKILL_TOKEN", "s3cret-token")]),
    ] {
        let server = HttpServer::start_with_env(&args, &env);
        rt().block_on(async {
            let body = br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"0"}}}"#;
            let mut conn = Conn::connect(server.addr).await;
            let r = conn.send("POST", "/mcp", &[ACCEPT, JSON], body).await.unwrap();
            assert_eq!(r.status, 401, "{}", r.text());
            assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
            for bad in ["Bearer wrong", "Bearer s3cret-token-and-more", "Basic s3cret-token", "Bearer "] {
                // The server need not read a refused body: one connection per try.
                let mut conn = Conn::connect(server.addr).await;
                let r = conn
                    .send("POST", "/mcp", &[ACCEPT, JSON, ("Authorization", bad)], body)
                    .await
                    .unwrap();
                assert_eq!(r.status, 401, "{bad}: {}", r.text());
            }
            // GET and DELETE are guarded too.
            let mut conn = Conn::connect(server.addr).await;
            let r = conn.send("GET", "/mcp", &[("Accept", "text/event-stream")], b"").await.unwrap();
            assert_eq!(r.status, 401);
            for version in [MODERN, LEGACY] {
                let mut c = Client::with_token(server.addr, version, Some("s3cret-token")).await;
                let r = c.tool("explain_concept", json!({"query": "Waker"})).await;
                assert_eq!(r["structuredContent"]["concept"], "waker");
            }
        });
    }
}

fn run_serve(args: &[&str]) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
        .arg("serve")
        .args(args)
        .env_remove("RUST_ASYNC_SKILL_TOKEN")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn non_loopback_addresses_are_refused_without_allow_remote_and_a_token() {
    let (code, err) = run_serve(&["--http", "0.0.0.0:0"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("not a loopback address")
            && err.contains("--allow-remote")
            && err.contains("--token"),
        "{err}"
    );
    let (code, err) = run_serve(&["--http", "0.0.0.0:0", "--token", "t"]);
    assert_eq!(code, 2, "{err}");
    let (code, err) = run_serve(&["--http", "0.0.0.0:0", "--allow-remote"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("needs a bearer token"), "{err}");
    let (code, err) = run_serve(&["--http", "not-an-address"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("127.0.0.1:PORT"), "{err}");
    let (code, err) = run_serve(&["--http", "127.0.0.1:0", "--token", " "]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("empty"), "{err}");
}

#[test]
fn sigterm_and_sigint_stop_the_server_gracefully() {
    for signal in ["TERM", "INT"] {
        let mut server = HttpServer::start(&[]);
        let addr = server.addr;
        let runtime = rt();
        // An open 2025-06-18 session with its GET stream, and an idle keep-alive connection.
        let (_c, _stream_conn, _idle) = runtime.block_on(async {
            let c = Client::new(addr, LEGACY).await;
            let mut stream_conn = Conn::connect(addr).await;
            let head = format!(
                "GET /mcp HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\nMcp-Session-Id: {}\r\nMCP-Protocol-Version: {LEGACY}\r\n\r\n",
                c.session.as_ref().unwrap()
            );
            stream_conn.write_raw(head.as_bytes()).await.unwrap();
            let idle = Conn::connect(addr).await;
            tokio::time::sleep(Duration::from_millis(200)).await;
            (c, stream_conn, idle)
        });
        let started = std::time::Instant::now();
        let status = server.signal_and_wait(signal, Duration::from_secs(10));
        assert!(status.success(), "SIG{signal}: {status:?}");
        assert!(
            started.elapsed() < Duration::from_secs(7),
            "SIG{signal} took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn unknown_paths_get_404_and_other_methods_405() {
    let server = HttpServer::start(&[]);
    rt().block_on(async {
        let mut conn = Conn::connect(server.addr).await;
        let r = conn.send("GET", "/", &[], b"").await.unwrap();
        assert_eq!(r.status, 404);
        assert!(r.text().contains("/mcp"));
        let r = conn.send("PUT", "/mcp", &[JSON], b"{}").await.unwrap();
        assert_eq!(r.status, 405);
    });
}
