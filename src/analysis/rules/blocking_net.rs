//! blocking-net: std sockets, `reqwest::blocking` and `ureq` in async context.

use super::common::{Draft, offload, root_local, self_field, where_};
use super::fixkit;
use super::{RuleDoc, Sink};
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::model::{Call, Callee, Model, Resolved, Root, Use};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "blocking-net",
    severity: Severity::Warning,
    concept: "blocking",
    fix: true,
    clippy_twins: &[],
    title: "Blocking network I/O in async code",
    what_it_does: "Finds `std::net::TcpStream::connect`, `TcpListener::accept`/`incoming`, reads and writes on std sockets (whose type is visible), `to_socket_addrs` (blocking DNS), `reqwest::blocking` and `ureq` calls in async context. Fixes are offered where a tokio twin compiles in place: `to_socket_addrs()` -> `tokio::net::lookup_host(&..).await`; a `TcpStream::connect` whose stream is only tested (`is_ok`/`is_err`) or dropped; a `reqwest::blocking::get(u)` chain ending in `text`/`json`/`bytes` -> `reqwest::get(u).await` (the async client has no default timeout). A std socket that is kept (its `Read`/`Write` calls would need tokio's traits), a blocking `Client`, and `ureq` keep the advice in the help.",
    why_bad: "A blocking socket call parks the worker thread for a network round trip or for as long as the peer stays silent. `reqwest::blocking` is worse: it runs its own runtime, and dropping it inside async code panics with \"Cannot drop a runtime in a context where blocking is not allowed\".",
    known_problems: "A bare `TcpStream::connect` with no `use` line is taken for std's when it is not awaited. `bind` is not reported (a local syscall, often used to build a std listener handed to tokio). I/O on a std socket is only reported when the socket's type is visible in the snippet.",
    example: "async fn fetch() -> String {\n    reqwest::blocking::get(\"https://example.com\").unwrap().text().unwrap()\n}",
    use_instead: "async fn fetch() -> String {\n    reqwest::get(\"https://example.com\").await.unwrap().text().await.unwrap()\n}",
};

const SOCKET_IO: &[&str] = &[
    "read",
    "read_exact",
    "read_to_end",
    "read_to_string",
    "write",
    "write_all",
    "flush",
    "accept",
    "incoming",
    "recv",
    "recv_from",
    "send",
    "send_to",
    "peek",
];

fn std_socket(m: &Model<'_>, p: &Resolved, awaited: bool) -> Option<Option<String>> {
    let ty = p
        .segs
        .len()
        .checked_sub(2)
        .map(|i| p.segs[i].as_str())
        .unwrap_or("");
    if !matches!(ty, "TcpStream" | "TcpListener" | "UdpSocket") {
        return None;
    }
    if p.starts_with("std::net") {
        return Some(None);
    }
    if p.unresolved() && !awaited && p.segs.len() == 2 && !m.names.mentions("tokio") {
        return Some(Some(format!(
            "assumed `{ty}` is `std::net::{ty}` (no `use` line imports it, and the call is not awaited)"
        )));
    }
    None
}

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        let Some(sev) = out.severity_in(c.ctx) else {
            continue;
        };
        if c.awaited() {
            continue;
        }
        let w = where_(m, c);
        match &c.callee {
            Callee::Path(p) => {
                if p.starts_with("reqwest::blocking") {
                    let msg = format!(
                        "`reqwest::blocking` {w}: it blocks the worker, and dropping its client inside a runtime panics (\"Cannot drop a runtime in a context where blocking is not allowed\")"
                    );
                    let fix = reqwest_fix(m, c, p);
                    out.emit(
                        Draft::new(
                            c.range.clone(),
                            sev,
                            msg,
                            "use the async `reqwest::Client` and `.await` its calls",
                        )
                        .fixable(fix.is_some())
                        .with_fix(fix),
                    );
                } else if p.root() == "ureq" {
                    let msg = format!("`ureq` is a blocking HTTP client, called {w}");
                    out.emit(
                        Draft::new(
                            c.range.clone(),
                            sev,
                            msg,
                            format!(
                                "use an async client (`reqwest`), or run the request in {}",
                                offload(m.runtime)
                            ),
                        )
                        .fixable(false),
                    );
                } else if let Some(assume) = std_socket(m, p, c.awaited()) {
                    // `bind` is a local syscall that does not wait on the network.
                    if !matches!(p.last(), "connect" | "connect_timeout") {
                        continue;
                    }
                    let ty = &p.segs[p.segs.len() - 2];
                    let msg = format!(
                        "blocking socket call `{ty}::{}` {w}: it parks the worker thread for the network round trip",
                        p.last()
                    );
                    out.emit(
                        Draft::new(
                            c.range.clone(),
                            sev,
                            msg,
                            format!("use `tokio::net::{ty}::{}(..).await`", p.last()),
                        )
                        .assume(assume)
                        .with_fix(connect_fix(m, c, ty)),
                    );
                }
            }
            Callee::Method(name) => {
                if name == "to_socket_addrs" {
                    let msg =
                        format!("`to_socket_addrs` resolves names with a blocking DNS lookup {w}");
                    out.emit(
                        Draft::new(
                            c.range.clone(),
                            sev,
                            msg,
                            "use `tokio::net::lookup_host(..).await`",
                        )
                        .with_fix(lookup_fix(m, c)),
                    );
                    continue;
                }
                // A `self.client` field whose struct declares a blocking client.
                if let Some((field, tys)) = self_field(m, c) {
                    if tys.iter().any(blocking_client_type) && client_call(name) {
                        out.emit(client_request(c, sev, &format!("self.{field}"), name, &w));
                    }
                    continue;
                }
                let Some(l) = root_local(m, c) else { continue };
                if c.receiver.as_ref().is_some_and(|r| !r.links.is_empty()) {
                    continue;
                }
                let blocking_client = l.ty.iter().any(blocking_client_type)
                    || l.init
                        .as_ref()
                        .and_then(|i| i.root_path())
                        .is_some_and(|p| p.starts_with("reqwest::blocking") || p.root() == "ureq");
                if blocking_client && client_call(name) {
                    out.emit(client_request(c, sev, &l.name, name, &w));
                    continue;
                }
                if !SOCKET_IO.contains(&name.as_str()) {
                    continue;
                }
                let std_ty = l.ty.iter().find(|t| t.starts_with("std::net"));
                // A socket made by a `connect`/`bind` in the snippet: that call is reported already.
                let made_here = l.init.as_ref().is_some_and(|i| matches!(&i.root, Root::Call { path, .. } if std_socket(m, path, false).is_some()));
                if made_here {
                    continue;
                }
                if let Some(t) = std_ty {
                    let ty = t
                        .segs
                        .iter()
                        .find(|s| matches!(s.as_str(), "TcpStream" | "TcpListener" | "UdpSocket"))
                        .cloned()
                        .unwrap_or_else(|| "socket".into());
                    let msg = format!("blocking `{name}` on a `std::net::{ty}` {w}");
                    out.emit(Draft::new(
                        c.range.clone(),
                        sev,
                        msg,
                        format!("use `tokio::net::{ty}` and `.{name}(..).await`"),
                    ));
                }
            }
            Callee::Other => {}
        }
    }
}

/// A request made through a blocking HTTP client named `client`.
fn client_request(c: &Call<'_>, sev: Severity, client: &str, name: &str, w: &str) -> Draft {
    Draft::new(
        c.range.clone(),
        sev,
        format!("`{client}` is a blocking HTTP client; `.{name}(..)` {w} blocks the worker"),
        "use the async `reqwest::Client` and `.await` its calls",
    )
    .fixable(false)
}

/// A blocking HTTP client's type (`reqwest::blocking::Client`, `ureq::Agent`).
fn blocking_client_type(t: &Resolved) -> bool {
    t.starts_with("reqwest::blocking") || t.root() == "ureq"
}

/// Methods of a blocking client that make (or send) a request.
fn client_call(name: &str) -> bool {
    matches!(
        name,
        "get" | "post" | "put" | "delete" | "send" | "call" | "execute"
    )
}

fn tokio_fixes(m: &Model<'_>, c: &Call<'_>) -> bool {
    fixkit::tokio_ok(m) && fixkit::can_await_at(m, c)
}

/// `addr.to_socket_addrs()` -> `tokio::net::lookup_host(&addr).await`: the
/// same `io::Result` of an iterator of `SocketAddr`s, resolved on tokio's
/// blocking pool. `&addr` keeps `addr` usable afterwards (tokio's
/// `ToSocketAddrs` is implemented for references).
fn lookup_fix(m: &Model<'_>, c: &Call<'_>) -> Option<Fix> {
    if !tokio_fixes(m, c) || c.nargs() != 0 {
        return None;
    }
    let syn::Expr::MethodCall(mc) = crate::analysis::model::syntax::strip(c.expr?) else {
        return None;
    };
    // `&recv` binds tighter than anything but a postfix expression.
    let recv = crate::analysis::model::syntax::strip(&mc.receiver);
    if !fixkit::postfix_ok(recv) {
        return None;
    }
    let recv_range = c.range.start..fixkit::open_paren(m, c)?;
    let recv_text = m.text.get(recv_range)?;
    let recv_text = recv_text
        .trim_end()
        .strip_suffix("to_socket_addrs")?
        .trim_end();
    let recv_text = recv_text.strip_suffix('.')?.trim_end();
    if recv_text.is_empty() {
        return None;
    }
    Some(fixkit::fix(
        FixSafety::Safe,
        "resolve with `tokio::net::lookup_host(&..).await`: the same `io::Result` of an iterator of addresses, with the DNS lookup on tokio's blocking pool",
        vec![fixkit::edit(
            c.range.clone(),
            format!("tokio::net::lookup_host(&{recv_text}).await"),
        )],
    ))
}

/// `TcpStream::connect(addr)` used only for whether it succeeds
/// (`.is_ok()`, `.is_err()`, or discarded) -> `tokio::net::TcpStream::connect(addr).await`.
/// A std stream that is kept is not fixed: its later `Read`/`Write` calls
/// (and whatever it is passed to) would need tokio's types too.
fn connect_fix(m: &Model<'_>, c: &Call<'_>, ty: &str) -> Option<Fix> {
    if ty != "TcpStream" {
        return None;
    }
    let Callee::Path(p) = &c.callee else {
        return None;
    };
    if p.last() != "connect" || c.nargs() != 1 || !tokio_fixes(m, c) {
        return None;
    }
    let probe = match &c.parent {
        Use::Receiver(r) => matches!(r.as_str(), "is_ok" | "is_err"),
        Use::Discard | Use::LetUnderscore => true,
        _ => false,
    };
    if !probe {
        return None;
    }
    Some(fixkit::fix(
        FixSafety::Safe,
        "connect with `tokio::net::TcpStream::connect(..).await`: the same connection attempt and result, without parking the worker thread",
        vec![
            fixkit::edit(
                fixkit::callee_path_range(m, c)?,
                "tokio::net::TcpStream::connect",
            ),
            fixkit::insert(c.range.end, ".await"),
        ],
    ))
}

/// `Response` methods that are synchronous in both clients.
const SYNC_RESPONSE: &[&str] = &[
    "status",
    "headers",
    "url",
    "content_length",
    "version",
    "remote_addr",
    "error_for_status",
    "error_for_status_ref",
];
/// `Response` methods that the async client awaits.
const ASYNC_RESPONSE: &[&str] = &["text", "json", "bytes"];
/// What may sit between them.
const UNWRAPS: &[&str] = &["unwrap", "expect"];

/// `reqwest::blocking::get(u)?.text()?` -> `reqwest::get(u).await?.text().await?`.
/// Only for a chain that ends in a value, not in a `Response` kept for later
/// (whose later calls would need `.await` too): the chain's last
/// `Response` call must be `text`/`json`/`bytes` (or `status`...).
fn reqwest_fix(m: &Model<'_>, c: &Call<'_>, p: &Resolved) -> Option<Fix> {
    if !p.is("reqwest::blocking::get") || c.nargs() != 1 || !tokio_fixes(m, c) {
        return None;
    }
    let chain = fixkit::chained_calls(m, c);
    let mut awaits = vec![c.range.end];
    let mut last_kind = None;
    for call in &chain {
        let name = call.method()?;
        if UNWRAPS.contains(&name) {
            continue;
        }
        if ASYNC_RESPONSE.contains(&name) {
            if last_kind == Some("value") {
                return None;
            }
            awaits.push(call.range.end);
            last_kind = Some("value");
        } else if SYNC_RESPONSE.contains(&name) {
            if last_kind == Some("value") {
                return None;
            }
            if !name.starts_with("error_for_status") {
                last_kind = Some("value");
            }
        } else {
            return None;
        }
    }
    last_kind?;
    // The whole chain: its outermost call is not the receiver of anything
    // the chain does not know.
    let outer = chain.last()?;
    if matches!(outer.parent, Use::Receiver(_)) {
        return None;
    }
    let mut edits = vec![fixkit::edit(
        fixkit::callee_path_range(m, c)?,
        "reqwest::get",
    )];
    edits.extend(awaits.into_iter().map(|at| fixkit::insert(at, ".await")));
    Some(fixkit::fix(
        FixSafety::MaybeIncorrect,
        "use the async client: `reqwest::get(..).await` and `.await` on the body (`text`/`json`/`bytes`); this may change behaviour: the async client has no default timeout (the blocking one gives up after 30 s)",
        edits,
    ))
}
