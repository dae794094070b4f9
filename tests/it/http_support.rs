//! Test support for the streamable HTTP transport: start `serve --http` on a
//! free loopback port, and a small HTTP/1.1 client (keep-alive,
//! Content-Length and chunked bodies, SSE) that speaks MCP both ways:
//! 2025-06-18 (`initialize`, `Mcp-Session-Id`) and 2026-07-28 (stateless,
//! `_meta` on every request, `Mcp-Method`/`Mcp-Name` headers).
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader as TokioBufReader};
use tokio::net::TcpStream;

pub const MODERN: &str = "2026-07-28";
pub const LEGACY: &str = "2025-06-18";

/// A `serve --http` child process.
pub struct HttpServer {
    pub child: Child,
    pub addr: SocketAddr,
}

impl HttpServer {
    /// Starts `rust-async-skill serve --http 127.0.0.1:0 EXTRA...` and waits for its address.
    pub fn start(extra: &[&str]) -> HttpServer {
        Self::start_with_env(extra, &[])
    }

    pub fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> HttpServer {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rust-async-skill"));
        cmd.args(["serve", "--http", "127.0.0.1:0"])
            .args(extra)
            .env_remove("RUST_ASYNC_SKILL_TOKEN")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the server starts");
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        {
            let lines = lines.clone();
            std::thread::spawn(move || {
                let mut tx = Some(tx);
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    if let Some(addr) = line
                        .split("http://")
                        .nth(1)
                        .and_then(|rest| rest.split("/mcp").next())
                        .and_then(|a| a.parse::<SocketAddr>().ok())
                        && let Some(tx) = tx.take()
                    {
                        let _ = tx.send(addr);
                    }
                    lines.lock().unwrap().push(line);
                }
            });
        }
        let addr = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "the server printed no address; stderr: {:?}",
                    lines.lock().unwrap()
                );
            }
        };
        HttpServer { child, addr }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident set size of the server, in KiB.
    pub fn rss_kib(&self) -> u64 {
        crate::common::rss_kib(self.pid())
    }

    /// Sends a signal and waits for the exit status (panics after `timeout`).
    pub fn signal_and_wait(&mut self, signal: &str, timeout: Duration) -> std::process::ExitStatus {
        let ok = Command::new("kill")
            .args([&format!("-{signal}"), &self.pid().to_string()])
            .status()
            .expect("kill runs")
            .success();
        assert!(ok, "kill -{signal} failed");
        self.wait_exit(timeout)
            .unwrap_or_else(|| panic!("the server did not exit within {timeout:?} of SIG{signal}"))
    }

    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Still running?
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP response, body de-chunked.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The JSON-RPC messages of the body: the JSON itself, or every SSE `data:` event.
    pub fn messages(&self) -> Vec<Value> {
        let text = self.text();
        if self
            .header("content-type")
            .is_some_and(|c| c.starts_with("text/event-stream"))
        {
            let mut out = Vec::new();
            for event in text.split("\n\n") {
                let data: Vec<&str> = event
                    .lines()
                    .filter_map(|l| l.strip_prefix("data:"))
                    .map(|d| d.strip_prefix(' ').unwrap_or(d))
                    .collect();
                let data = data.join("\n");
                if let Ok(v) = serde_json::from_str::<Value>(&data) {
                    out.push(v);
                }
            }
            out
        } else {
            serde_json::from_str::<Value>(&text).into_iter().collect()
        }
    }

    /// The response message with this id.
    pub fn message(&self, id: u64) -> Value {
        self.messages()
            .into_iter()
            .find(|m| m.get("id") == Some(&json!(id)))
            .unwrap_or_else(|| panic!("no message with id {id} in {} {}", self.status, self.text()))
    }
}

/// One keep-alive HTTP/1.1 connection.
pub struct Conn {
    addr: SocketAddr,
    reader: TokioBufReader<TcpStream>,
    pub host: String,
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> Conn {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).ok();
        Conn {
            addr,
            reader: TokioBufReader::new(stream),
            host: addr.to_string(),
        }
    }

    /// Writes raw bytes (for hostile tests).
    pub async fn write_raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.reader.get_mut().write_all(bytes).await
    }

    /// Sends one request and reads its whole response.
    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Response> {
        let mut head = format!("{method} {path} HTTP/1.1\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: {}\r\n", self.host));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        let stream = self.reader.get_mut();
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(body).await?;
        stream.flush().await?;
        self.read_response().await
    }

    /// One `POST /mcp` on a fresh connection (a test that needs nothing
    /// else from the connection).
    pub async fn post_once(addr: SocketAddr, headers: &[(&str, &str)], body: &[u8]) -> Response {
        Conn::connect(addr)
            .await
            .send("POST", "/mcp", headers, body)
            .await
            .unwrap()
    }

    pub async fn read_response(&mut self) -> std::io::Result<Response> {
        let mut line = String::new();
        if self.reader.read_line(&mut line).await? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed before a response",
            ));
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).await?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let get = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        let mut body = Vec::new();
        if get("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
            loop {
                line.clear();
                self.reader.read_line(&mut line).await?;
                let size =
                    usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                        .map_err(|_| std::io::Error::other(format!("bad chunk size {line:?}")))?;
                if size == 0 {
                    // Trailers, then the blank line.
                    loop {
                        line.clear();
                        self.reader.read_line(&mut line).await?;
                        if line.trim_end().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let start = body.len();
                body.resize(start + size, 0);
                self.reader.read_exact(&mut body[start..]).await?;
                line.clear();
                self.reader.read_line(&mut line).await?;
            }
        } else if let Some(n) = get("content-length").and_then(|v| v.parse::<usize>().ok()) {
            body.resize(n, 0);
            self.reader.read_exact(&mut body).await?;
        } else if status != 204 && status != 304 && status >= 200 {
            self.reader.read_to_end(&mut body).await?;
        }
        Ok(Response {
            status,
            headers,
            body,
        })
    }

    /// Reconnects (after the server closed the connection).
    pub async fn reconnect(&mut self) {
        *self = Conn::connect(self.addr).await;
    }
}

/// An MCP client over one connection, of either protocol generation.
pub struct Client {
    pub conn: Conn,
    pub version: &'static str,
    pub session: Option<String>,
    pub token: Option<String>,
    next_id: u64,
}

pub const ACCEPT: (&str, &str) = ("Accept", "application/json, text/event-stream");
pub const JSON: (&str, &str) = ("Content-Type", "application/json");

impl Client {
    /// A client of `version`: for 2025-06-18 it runs `initialize` and keeps the session.
    pub async fn new(addr: SocketAddr, version: &'static str) -> Client {
        Self::with_token(addr, version, None).await
    }

    pub async fn with_token(
        addr: SocketAddr,
        version: &'static str,
        token: Option<&str>,
    ) -> Client {
        let mut c = Client {
            conn: Conn::connect(addr).await,
            version,
            session: None,
            token: token.map(str::to_string),
            next_id: 1,
        };
        if version != MODERN {
            let (r, resp) = c
                .call_full(
                    "initialize",
                    json!({"protocolVersion": version, "capabilities": {}, "clientInfo": {"name": "http-test", "version": "0"}}),
                )
                .await
                .expect("initialize");
            assert_eq!(resp.status, 200, "initialize: {}", resp.text());
            assert_eq!(r["result"]["protocolVersion"], version, "{r}");
            c.session = Some(
                resp.header("mcp-session-id")
                    .expect("a session id for a 2025-06-18 client")
                    .to_string(),
            );
            let n = c
                .notify("notifications/initialized", json!({}))
                .await
                .unwrap();
            assert_eq!(n.status, 202, "initialized: {}", n.text());
        }
        c
    }

    fn headers_for(&self, method: &str, params: &Value) -> Vec<(String, String)> {
        let mut h = vec![
            (ACCEPT.0.to_string(), ACCEPT.1.to_string()),
            (JSON.0.to_string(), JSON.1.to_string()),
        ];
        if let Some(t) = &self.token {
            h.push(("Authorization".into(), format!("Bearer {t}")));
        }
        if method != "initialize" {
            h.push(("MCP-Protocol-Version".into(), self.version.to_string()));
        }
        if let Some(s) = &self.session {
            h.push(("Mcp-Session-Id".into(), s.clone()));
        }
        if self.version == MODERN {
            h.push(("Mcp-Method".into(), method.to_string()));
            let key = match method {
                "tools/call" | "prompts/get" => Some("name"),
                "resources/read" | "skills/get" => Some("uri"),
                _ => None,
            };
            if let Some(name) = key.and_then(|k| params.get(k)).and_then(Value::as_str) {
                h.push(("Mcp-Name".into(), name.to_string()));
            }
        }
        h
    }

    fn with_meta(&self, mut params: Value) -> Value {
        if self.version == MODERN {
            if !params.is_object() {
                params = json!({});
            }
            params["_meta"] = json!({
                "io.modelcontextprotocol/protocolVersion": MODERN,
                "io.modelcontextprotocol/clientCapabilities": {},
                "io.modelcontextprotocol/clientInfo": {"name": "http-test", "version": "0"},
            });
        }
        params
    }

    /// Sends a request; returns its response message and the HTTP response.
    pub async fn call_full(
        &mut self,
        method: &str,
        params: Value,
    ) -> std::io::Result<(Value, Response)> {
        let id = self.next_id;
        self.next_id += 1;
        let params = self.with_meta(params);
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let headers = self.headers_for(method, &params);
        let h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let resp = self
            .conn
            .send("POST", "/mcp", &h, body.to_string().as_bytes())
            .await?;
        let msg = resp
            .messages()
            .into_iter()
            .find(|m| m.get("id") == Some(&json!(id)))
            .unwrap_or_else(|| json!({"http_status": resp.status, "body": resp.text()}));
        Ok((msg, resp))
    }

    /// The whole response message (result or error).
    pub async fn call(&mut self, method: &str, params: Value) -> Value {
        self.call_full(method, params).await.expect("http").0
    }

    /// The `result`, panicking on an error.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.call(method, params).await;
        assert!(r.get("result").is_some(), "{method} failed: {r}");
        r["result"].clone()
    }

    pub async fn tool(&mut self, name: &str, arguments: Value) -> Value {
        self.request("tools/call", json!({"name": name, "arguments": arguments}))
            .await
    }

    pub async fn notify(&mut self, method: &str, params: Value) -> std::io::Result<Response> {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params});
        let headers = self.headers_for(method, &params);
        let h: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        self.conn
            .send("POST", "/mcp", &h, body.to_string().as_bytes())
            .await
    }
}

/// The first text block of a tool result.
pub fn tool_text(result: &Value) -> String {
    result["content"][0]["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A tokio runtime for a test body.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}
