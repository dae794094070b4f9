//! The MCP server over streamable HTTP: rmcp's `StreamableHttpService` on
//! axum, at `/mcp`.
//!
//! What sits in front of rmcp, in this order, for every request:
//!
//! 1. the bearer token, when one is set (401 without it, constant-time compare);
//! 2. a bound on concurrent requests (the rest wait their turn);
//! 3. for a POST: the body limit (413), a read timeout (408), and a JSON
//!    check so that malformed JSON gets 400 with a JSON-RPC parse error and a
//!    batch gets 400 with an invalid-request error (batches were removed in
//!    MCP 2025-06-18); a cap on live sessions (503);
//! 4. rmcp itself: `Host` and `Origin` validation (403), protocol-version
//!    headers, sessions for clients of 2025-06-18 and older (`initialize`),
//!    stateless answers for 2026-07-28 clients (`server/discover`).
//!
//! The server binds loopback unless told otherwise ([`check_bind`]) and stops
//! gracefully when the shutdown future passed to [`serve`] resolves.
use super::{AsyncSkillServer, Knowledge};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// The path of the MCP endpoint.
pub const ENDPOINT: &str = "/mcp";
/// Smallest POST body limit; raised with the code limit (`RUST_ASYNC_SKILL_MAX_CODE_BYTES`).
pub const MIN_BODY_BYTES: usize = 4 * 1024 * 1024;
/// Live sessions (clients of 2025-06-18 and older) at most; rmcp closes idle ones after 5 minutes.
pub const MAX_SESSIONS: usize = 1000;
/// Requests read and dispatched at once (this bounds buffered bodies); the others wait.
pub const MAX_CONCURRENT_REQUESTS: usize = 64;
/// How long a client may take to send a request body.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long open connections and streams get to finish after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The HTTP-only options of `serve`.
#[derive(clap::Args, Debug, Default, Clone)]
pub struct HttpOptions {
    /// Allow `--http` on a non-loopback address (needs --token; put TLS in front).
    #[arg(long)]
    pub allow_remote: bool,
    /// Also accept this `Host` header value (repeatable; loopback names are always accepted).
    #[arg(long = "allowed-host", value_name = "HOST")]
    pub allowed_hosts: Vec<String>,
    /// Also accept requests from this browser origin, e.g. http://localhost:5173 (repeatable).
    #[arg(long = "allowed-origin", value_name = "ORIGIN")]
    pub allowed_origins: Vec<String>,
}

/// Everything [`serve`] needs, already checked by [`HttpConfig::new`].
#[derive(Debug, Clone)]
pub struct HttpConfig {
    pub addr: SocketAddr,
    pub token: Option<String>,
    pub options: HttpOptions,
    pub max_body_bytes: usize,
}

impl HttpConfig {
    /// Parses ADDR and checks that serving there is allowed.
    pub fn new(
        addr: &str,
        token: Option<String>,
        options: HttpOptions,
    ) -> Result<HttpConfig, String> {
        let addr = parse_addr(addr)?;
        let token = match token {
            Some(t) if t.trim().is_empty() => {
                return Err("the bearer token is empty: pass a non-empty --token or unset RUST_ASYNC_SKILL_TOKEN".into());
            }
            other => other,
        };
        check_bind(addr, options.allow_remote, token.is_some())?;
        let max_body_bytes = MIN_BODY_BYTES.max(2 * crate::limits::max_code_bytes() + 64 * 1024);
        Ok(HttpConfig {
            addr,
            token,
            options,
            max_body_bytes,
        })
    }
}

/// `PORT`, `:PORT`, `localhost:PORT`, `IP:PORT` or `[IPv6]:PORT`; a bare port binds 127.0.0.1.
pub fn parse_addr(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    let port_only = text.strip_prefix(':').unwrap_or(text);
    if let Ok(port) = port_only.parse::<u16>() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    if let Some(Ok(port)) = text.strip_prefix("localhost:").map(str::parse::<u16>) {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    text.parse::<SocketAddr>().map_err(|_| {
        format!("`{text}` is not an address to listen on: use PORT, 127.0.0.1:PORT, localhost:PORT or [::1]:PORT")
    })
}

/// Loopback only, unless `--allow-remote` is given together with a token.
pub fn check_bind(addr: SocketAddr, allow_remote: bool, has_token: bool) -> Result<(), String> {
    if addr.ip().is_loopback() {
        return Ok(());
    }
    if !allow_remote {
        return Err(format!(
            "refusing to serve on {addr}: it is not a loopback address, and the server has no TLS and would answer \
             anyone who can reach it. Use 127.0.0.1:PORT, or pass --allow-remote together with --token \
             (or RUST_ASYNC_SKILL_TOKEN) and put a TLS proxy in front"
        ));
    }
    if !has_token {
        return Err(format!(
            "refusing to serve on {addr}: --allow-remote needs a bearer token; pass --token or set RUST_ASYNC_SKILL_TOKEN"
        ));
    }
    Ok(())
}

/// The `Host` values accepted: loopback names, the bound address, and the user's.
fn allowed_hosts(config: &HttpConfig) -> Vec<String> {
    let mut hosts: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
    let ip = config.addr.ip();
    if !ip.is_loopback() && !ip.is_unspecified() {
        hosts.push(ip.to_string());
    }
    hosts.extend(config.options.allowed_hosts.iter().cloned());
    hosts
}

/// The browser origins accepted: this server's own loopback origins (same
/// port), and the user's. A request without `Origin` (any non-browser client)
/// is accepted; one with another `Origin` gets 403.
fn allowed_origins(config: &HttpConfig, port: u16) -> Vec<String> {
    let mut origins = vec![
        format!("http://localhost:{port}"),
        format!("http://127.0.0.1:{port}"),
        format!("http://[::1]:{port}"),
    ];
    origins.extend(config.options.allowed_origins.iter().cloned());
    origins
}

/// A bound listener and its address (the real port when ADDR asked for port 0).
pub struct Bound {
    pub listener: tokio::net::TcpListener,
    pub addr: SocketAddr,
}

/// Binds the listener (so the real port is known before serving).
pub async fn bind(config: &HttpConfig) -> anyhow::Result<Bound> {
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.addr))?;
    let addr = listener.local_addr()?;
    Ok(Bound { listener, addr })
}

#[derive(Clone)]
struct Guard {
    token_digest: Option<[u8; 32]>,
    max_body_bytes: usize,
    sessions: Arc<LocalSessionManager>,
    permits: Arc<Semaphore>,
}

/// Serves MCP at `http://ADDR/mcp` until `shutdown` resolves, then lets open
/// requests finish (at most [`SHUTDOWN_GRACE`]) and returns.
pub async fn serve(
    knowledge: &'static Knowledge,
    config: HttpConfig,
    bound: Bound,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let cancel = CancellationToken::new();
    let sessions = Arc::new(LocalSessionManager::default());
    let rmcp_config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(allowed_hosts(&config))
        .with_allowed_origins(allowed_origins(&config, bound.addr.port()))
        .enforce_origin_validation()
        .with_max_request_body_bytes(config.max_body_bytes)
        .with_json_response(true)
        .with_cancellation_token(cancel.child_token());
    let service = StreamableHttpService::new(
        move || Ok(AsyncSkillServer::new(knowledge)),
        sessions.clone(),
        rmcp_config,
    );
    let guard = Guard {
        token_digest: config.token.as_deref().map(digest),
        max_body_bytes: config.max_body_bytes,
        sessions,
        permits: Arc::new(Semaphore::new(MAX_CONCURRENT_REQUESTS)),
    };
    let app = axum::Router::new()
        .route_service(ENDPOINT, service)
        .fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                format!("Not Found: the MCP endpoint is {ENDPOINT}"),
            )
        })
        .layer(axum::middleware::from_fn_with_state(guard, guard_request));

    eprintln!(
        "rust-async-skill: MCP over streamable HTTP on http://{}{ENDPOINT}{}",
        bound.addr,
        if config.token.is_some() {
            " (bearer token required)"
        } else {
            ""
        }
    );
    let stopping = CancellationToken::new();
    let graceful = {
        let stopping = stopping.clone();
        let cancel = cancel.clone();
        async move {
            shutdown.await;
            tracing::info!("shutting down");
            stopping.cancel();
            // Ends the SSE streams and sessions, so connections can close.
            cancel.cancel();
        }
    };
    // Small SSE frames must not wait for Nagle's algorithm (40 ms per answer).
    use axum::serve::ListenerExt;
    let listener = bound.listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let server = axum::serve(listener, app).with_graceful_shutdown(graceful);
    let mut server = std::pin::pin!(server.into_future());
    tokio::select! {
        result = &mut server => result?,
        _ = async { stopping.cancelled().await; tokio::time::sleep(SHUTDOWN_GRACE).await } => {
            tracing::warn!("connections still open {SHUTDOWN_GRACE:?} after the shutdown signal; closing them");
        }
    }
    Ok(())
}

/// SIGINT or SIGTERM (Ctrl-C elsewhere).
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn digest(token: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).into()
}

/// Compares two digests in time independent of where they differ (and,
/// hashing first, of the presented token's length).
fn same_digest(a: &[u8; 32], b: &[u8; 32]) -> bool {
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b.iter()) {
        diff |= std::hint::black_box(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

/// The token of an `Authorization: Bearer TOKEN` header, if there is one.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn unauthorized(error: Option<&str>) -> Response {
    let challenge = match error {
        None => r#"Bearer realm="rust-async-skill""#.to_string(),
        Some(e) => format!(r#"Bearer realm="rust-async-skill", error="{e}""#),
    };
    let mut response = (
        StatusCode::UNAUTHORIZED,
        "Unauthorized: this server needs `Authorization: Bearer <token>` (the token given to `serve --token`)",
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

/// A JSON-RPC error with no id, as the body of an HTTP error.
fn jsonrpc_error(status: StatusCode, code: i32, message: impl Into<String>) -> Response {
    let body =
        json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message.into()}});
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn too_large(limit: usize) -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("Payload Too Large: request body exceeds {limit} bytes"),
    )
        .into_response()
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim())
        .is_some_and(|essence| essence.eq_ignore_ascii_case("application/json"))
}

/// What the guard needs to know of a message before rmcp reads it.
#[derive(serde::Deserialize)]
struct Probe {
    method: Option<String>,
}

enum Checked {
    Forward { initialize: bool },
    Reject(Response),
}

/// JSON-RPC 2.0 answers malformed JSON with -32700 and a non-object with
/// -32600; MCP (2025-06-18 on) has no batches. The spec's HTTP status for an
/// input the server cannot accept is 400.
fn check_message(body: &[u8]) -> Checked {
    if let Err(e) = std::str::from_utf8(body) {
        return Checked::Reject(jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32700,
            format!("Parse error: the body is not UTF-8 ({e})"),
        ));
    }
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'[') {
        return Checked::Reject(
            match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
                Ok(_) => jsonrpc_error(
                    StatusCode::BAD_REQUEST,
                    -32600,
                    "Invalid Request: JSON-RPC batches are not supported (MCP removed them in 2025-06-18); send one message per request",
                ),
                Err(e) => {
                    jsonrpc_error(StatusCode::BAD_REQUEST, -32700, format!("Parse error: {e}"))
                }
            },
        );
    }
    match serde_json::from_slice::<Probe>(body) {
        Ok(probe) => Checked::Forward {
            initialize: probe.method.as_deref() == Some("initialize"),
        },
        Err(e) if e.is_syntax() || e.is_eof() => Checked::Reject(jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32700,
            format!("Parse error: {e}"),
        )),
        Err(e) => Checked::Reject(jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32600,
            format!("Invalid Request: not a JSON-RPC message object ({e})"),
        )),
    }
}

async fn guard_request(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    if let Some(expected) = &guard.token_digest {
        match bearer(request.headers()) {
            None => return unauthorized(None),
            Some(token) if !same_digest(&digest(token), expected) => {
                return unauthorized(Some("invalid_token"));
            }
            Some(_) => {}
        }
    }
    let Ok(_permit) = guard.permits.clone().acquire_owned().await else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "Service Unavailable: shutting down",
        )
            .into_response();
    };
    if request.method() != Method::POST || !is_json(request.headers()) {
        // rmcp answers GET (SSE), DELETE (end a session), and a wrong Content-Type (415).
        return next.run(request).await;
    }
    let limit = guard.max_body_bytes;
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return too_large(limit);
    }
    let (parts, body) = request.into_parts();
    let bytes: Bytes =
        match tokio::time::timeout(BODY_READ_TIMEOUT, axum::body::to_bytes(body, limit)).await {
            Err(_) => {
                return (
                    StatusCode::REQUEST_TIMEOUT,
                    "Request Timeout: the body did not arrive in time",
                )
                    .into_response();
            }
            Ok(Err(e)) => {
                return if is_length_limit(&e) {
                    too_large(limit)
                } else {
                    (
                        StatusCode::BAD_REQUEST,
                        format!("Bad Request: cannot read the body: {e}"),
                    )
                        .into_response()
                };
            }
            Ok(Ok(bytes)) => bytes,
        };
    let initialize = match check_message(&bytes) {
        Checked::Reject(response) => return response,
        Checked::Forward { initialize } => initialize,
    };
    if initialize
        && !parts.headers.contains_key("mcp-session-id")
        && guard.sessions.sessions.read().await.len() >= MAX_SESSIONS
    {
        let mut response = (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("Service Unavailable: {MAX_SESSIONS} sessions are open; end one (HTTP DELETE) or retry later"),
        )
            .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
        return response;
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if response.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE {
        // The Content-Type was JSON and the JSON parsed: rmcp's 415 means the
        // object is not a JSON-RPC message it knows (e.g. params of the wrong type).
        let detail = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        let detail = detail
            .strip_prefix("fail to deserialize request body ")
            .unwrap_or(&detail);
        return jsonrpc_error(
            StatusCode::BAD_REQUEST,
            -32600,
            format!("Invalid Request: {detail}"),
        );
    }
    response
}

/// Whether reading a body failed on the limit (http-body-util's
/// `LengthLimitError`, wrapped by axum) rather than on the connection.
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.to_string().contains("length limit exceeded") {
            return true;
        }
        source = err.source();
    }
    false
}

/// The error for a request rmcp could not type: a known MCP method whose
/// params have the wrong shape gets -32602 naming the problem (rmcp would
/// answer -32601, "method not found", which sends clients looking for the
/// wrong bug); an unknown method gets -32601 naming it. Used by
/// `AsyncSkillServer::on_custom_request`, on every transport.
pub fn untyped_request_error(method: &str, params: Option<&serde_json::Value>) -> rmcp::ErrorData {
    use rmcp::model::*;
    fn why<T: serde::de::DeserializeOwned>(params: Option<&serde_json::Value>) -> String {
        let value = params.cloned().unwrap_or(serde_json::Value::Null);
        match serde_json::from_value::<T>(value) {
            Err(e) => e.to_string(),
            Ok(_) => "the request's params or _meta are malformed".to_string(),
        }
    }
    let detail = match method {
        "initialize" => why::<InitializeRequestParams>(params),
        "server/discover" => why::<DiscoverRequestParams>(params),
        "tools/call" => why::<CallToolRequestParams>(params),
        "resources/read" => why::<ReadResourceRequestParams>(params),
        "resources/subscribe" | "resources/unsubscribe" => why::<SubscribeRequestParams>(params),
        "prompts/get" => why::<GetPromptRequestParams>(params),
        "completion/complete" => why::<CompleteRequestParams>(params),
        "skills/get" => why::<GetSkillRequestParams>(params),
        "tools/list"
        | "resources/list"
        | "resources/templates/list"
        | "prompts/list"
        | "skills/list" => why::<Option<PaginatedRequestParams>>(params),
        "ping"
        | "logging/setLevel"
        | "tasks/get"
        | "tasks/update"
        | "tasks/cancel"
        | "subscriptions/listen"
        | "resources/directory/read" => "the request's params are malformed".to_string(),
        _ => {
            return rmcp::ErrorData::new(
                rmcp::model::ErrorCode::METHOD_NOT_FOUND,
                format!("Method not found: `{method}`"),
                None,
            );
        }
    };
    rmcp::ErrorData::invalid_params(format!("Invalid params for `{method}`: {detail}"), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        assert_eq!(
            parse_addr("8765").unwrap(),
            "127.0.0.1:8765".parse().unwrap()
        );
        assert_eq!(
            parse_addr(":8765").unwrap(),
            "127.0.0.1:8765".parse().unwrap()
        );
        assert_eq!(
            parse_addr("localhost:9").unwrap(),
            "127.0.0.1:9".parse().unwrap()
        );
        assert_eq!(parse_addr("[::1]:9").unwrap(), "[::1]:9".parse().unwrap());
        assert!(parse_addr("example.org:80").is_err());
    }

    #[test]
    fn loopback_only_unless_remote_with_token() {
        let lo: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:1".parse().unwrap();
        assert!(check_bind(lo, false, false).is_ok());
        let e = check_bind(any, false, true).unwrap_err();
        assert!(e.contains("--allow-remote") && e.contains("--token"), "{e}");
        let e = check_bind(any, true, false).unwrap_err();
        assert!(e.contains("token"), "{e}");
        assert!(check_bind(any, true, true).is_ok());
    }

    #[test]
    fn bearer_tokens() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("bearer  abc "),
        );
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
        assert!(same_digest(&digest("abc"), &digest("abc")));
        assert!(!same_digest(&digest("abc"), &digest("abd")));
    }

    #[test]
    fn messages() {
        let code = |body: &str| match check_message(body.as_bytes()) {
            Checked::Forward { initialize } => {
                if initialize {
                    1
                } else {
                    0
                }
            }
            Checked::Reject(r) => {
                assert_eq!(r.status(), StatusCode::BAD_REQUEST);
                -1
            }
        };
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":1,"method":"initialize"}"#), 1);
        assert_eq!(code(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#), 0);
        assert_eq!(
            code(r#"[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]"#),
            -1
        );
        assert_eq!(code("{not json"), -1);
        assert_eq!(code("42"), -1);
        assert_eq!(code(r#"{"method": 5}"#), -1);
    }
}
