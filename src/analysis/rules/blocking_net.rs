//! blocking-net: std sockets, `reqwest::blocking` and `ureq` in async context.

use super::common::{Draft, offload, root_local, where_};
use super::{RuleDoc, Sink};
use crate::analysis::model::{Callee, Model, Resolved, Root};
use crate::analysis::types::Severity;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "blocking-net",
    severity: Severity::Warning,
    concept: "blocking",
    fix: true,
    title: "Blocking network I/O in async code",
    what_it_does: "Finds `std::net::TcpStream::connect`, `TcpListener::accept`/`incoming`, reads and writes on std sockets (whose type is visible), `to_socket_addrs` (blocking DNS), `reqwest::blocking` and `ureq` calls in async context. A fix is offered where tokio has a twin (`tokio::net`); `reqwest::blocking` and `ureq` need the async client instead.",
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
                    out.emit(
                        Draft::new(
                            c.range.clone(),
                            sev,
                            msg,
                            "use the async `reqwest::Client` and `.await` its calls",
                        )
                        .fixable(false),
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
                        .assume(assume),
                    );
                }
            }
            Callee::Method(name) => {
                if name == "to_socket_addrs" {
                    let msg =
                        format!("`to_socket_addrs` resolves names with a blocking DNS lookup {w}");
                    out.emit(Draft::new(
                        c.range.clone(),
                        sev,
                        msg,
                        "use `tokio::net::lookup_host(..).await`",
                    ));
                    continue;
                }
                let Some(l) = root_local(m, c) else { continue };
                if c.receiver.as_ref().is_some_and(|r| !r.links.is_empty()) {
                    continue;
                }
                let blocking_client = l
                    .ty
                    .iter()
                    .any(|t| t.starts_with("reqwest::blocking") || t.root() == "ureq")
                    || l.init
                        .as_ref()
                        .and_then(|i| i.root_path())
                        .is_some_and(|p| p.starts_with("reqwest::blocking") || p.root() == "ureq");
                if blocking_client
                    && matches!(
                        name.as_str(),
                        "get" | "post" | "put" | "delete" | "send" | "call" | "execute"
                    )
                {
                    let msg = format!(
                        "`{}` is a blocking HTTP client; `.{name}(..)` {w} blocks the worker",
                        l.name
                    );
                    out.emit(
                        Draft::new(
                            c.range.clone(),
                            sev,
                            msg,
                            "use the async `reqwest::Client` and `.await` its calls",
                        )
                        .fixable(false),
                    );
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
