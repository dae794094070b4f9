//! runtime-drivers-disabled: a runtime built without the drivers the code uses.

use super::common::Draft;
use super::fixkit;
use super::{RuleDoc, Sink};
use crate::analysis::fix::{Fix, FixSafety};
use crate::analysis::model::{Call, Callee, Chain, FnInfo, Link, Model, Root, apis};
use crate::analysis::types::Severity;
use std::ops::Range;

pub(super) const DOC: RuleDoc = RuleDoc {
    id: "runtime-drivers-disabled",
    severity: Severity::Error,
    concept: "runtime-setup",
    fix: true,
    clippy_twins: &[],
    title: "Runtime built without the time or I/O driver it needs",
    what_it_does: "Finds a `runtime::Builder::new_current_thread()` / `new_multi_thread()` ... `.build()` chain with no `enable_all()`, `enable_time()` or `enable_io()`, whose futures (passed to its `block_on` / `spawn`) use `tokio::time` (timers) or `tokio::net` / `signal` / `process` (I/O), directly or through an async fn of the snippet.",
    why_bad: "The builder enables no driver by default. The first timer or socket panics: \"A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers.\" (or \"... IO is disabled. Call `enable_io` ...\").",
    known_problems: "Only futures handed to the runtime in the snippet are looked at (one level into the snippet's async fns). A runtime returned by a fn of the snippet is followed to the locals its callers bind (`let rt = runtime()?;`), not through fields or further returns.",
    example: "fn main() {\n    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();\n    rt.block_on(async {\n        tokio::time::sleep(Duration::from_millis(10)).await;\n    });\n}",
    use_instead: "fn main() {\n    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();\n    rt.block_on(async {\n        tokio::time::sleep(Duration::from_millis(10)).await;\n    });\n}",
};

fn builder_root(c: &Chain) -> bool {
    match &c.root {
        Root::Call { path, .. } => {
            matches!(
                path.last(),
                "new_current_thread" | "new_multi_thread" | "new_multi_thread_alt"
            ) && path.segs.iter().any(|s| s == "Builder")
        }
        _ => false,
    }
}

#[derive(Default, Clone, Copy)]
struct Needs {
    time: bool,
    io: bool,
}

fn call_needs(c: &Call<'_>) -> Needs {
    let mut n = Needs::default();
    if let Callee::Path(p) = &c.callee {
        if p.starts_with("tokio::time") || (apis::timer_kind(p).is_some() && c.awaited()) {
            n.time = true;
        }
        if p.starts_with("tokio::net")
            || p.starts_with("tokio::signal")
            || p.starts_with("tokio::process")
        {
            n.io = true;
        }
        if p.unresolved()
            && p.segs.len() == 2
            && matches!(
                p.segs[0].as_str(),
                "TcpListener" | "TcpStream" | "UdpSocket"
            )
            && c.awaited()
        {
            n.io = true;
        }
    }
    n
}

/// What the code in `range` needs, looking one level into the snippet's async fns.
fn needs_in(m: &Model<'_>, range: &Range<usize>, depth: u8) -> Needs {
    let mut n = Needs::default();
    for c in &m.calls {
        if c.range.start < range.start || c.range.end > range.end {
            continue;
        }
        let x = call_needs(c);
        n.time |= x.time;
        n.io |= x.io;
        if depth > 0
            && let Callee::Path(p) = &c.callee
            && let Some(f) = m
                .fns
                .iter()
                .find(|f| f.is_async && f.name == p.last() && p.segs.len() == 1)
        {
            let body = m.bodies[f.body].range.clone();
            let y = needs_in(m, &body, depth - 1);
            n.time |= y.time;
            n.io |= y.io;
        }
    }
    n
}

/// Futures given to a runtime: arguments of `block_on` / `spawn` on it.
fn runs_on(m: &Model<'_>, is_rt: impl Fn(&Call<'_>, &Chain) -> bool) -> Option<Needs> {
    let mut found = false;
    let mut n = Needs::default();
    for c in &m.calls {
        let Callee::Method(name) = &c.callee else {
            continue;
        };
        if !matches!(name.as_str(), "block_on" | "spawn" | "spawn_blocking") {
            continue;
        }
        let Some(r) = &c.receiver else { continue };
        if !is_rt(c, r) {
            continue;
        }
        found = true;
        for a in &c.args {
            // `rt.block_on(other_rt.wrap(fut))` (tokio-util's `RuntimeExt`):
            // the future runs in the other runtime's context and drivers.
            if a.chain.links.last().is_some_and(
                |l| matches!(l, crate::analysis::model::Link::Method { name, nargs: 1 } if name == "wrap"),
            ) {
                continue;
            }
            let x = needs_in(m, &a.range, 1);
            n.time |= x.time;
            n.io |= x.io;
        }
    }
    found.then_some(n)
}

pub(super) fn check(m: &Model<'_>, out: &mut Sink<'_>) {
    for c in &m.calls {
        let Callee::Method(name) = &c.callee else {
            continue;
        };
        if name != "build" {
            continue;
        }
        let Some(recv) = &c.receiver else { continue };
        let mut enabled: Vec<String> = recv.methods().map(|s| s.to_string()).collect();
        let mut builder_local = None;
        if !builder_root(recv) {
            // `let mut b = Builder::new_current_thread(); b.enable_time(); b.build()`
            let Root::Local(id) = &recv.root else {
                continue;
            };
            let Some(init) = &m.locals[*id].init else {
                continue;
            };
            if !builder_root(init) {
                continue;
            }
            enabled.extend(init.methods().map(|s| s.to_string()));
            builder_local = Some(m.locals[*id].name.clone());
            for other in &m.calls {
                if let (Callee::Method(mn), Some(r)) = (&other.callee, &other.receiver)
                    && matches!(&r.root, Root::Local(j) if *j == *id)
                {
                    enabled.push(mn.clone());
                }
            }
        }
        // `enable_alt_timer` (tokio_unstable) enables time too.
        let has = |s: &str| {
            enabled.iter().any(|e| {
                e == s
                    || e == "enable_all"
                    || (s == "enable_time" && e.starts_with("enable_") && e.contains("timer"))
            })
        };
        if has("enable_time") && has("enable_io") {
            continue;
        }
        // The runtime: bound to a local (`let rt = ..build().unwrap();`), used
        // in the chain itself, or returned by a fn of the snippet and bound
        // where that fn is called (`let rt = runtime()?;`).
        let start = c.range.start;
        let maker = returning_fn(m, c);
        let rt_locals: Vec<usize> = m
            .locals
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                let built_here = l.decl.start <= start
                    && start < l.decl.end
                    && l.init.as_ref().is_some_and(|i| {
                        i.has_method("build") && (builder_root(i) || builder_local.is_some())
                    });
                built_here
                    || maker.is_some_and(|f| l.init.as_ref().is_some_and(|i| calls_maker(i, f)))
            })
            .map(|(i, _)| i)
            .collect();

        let build = c.range.clone();
        let needs = runs_on(m, |user, r| match &r.root {
            Root::Local(id) => rt_locals.contains(id) && r.links.is_empty(),
            // `Builder::..().build().unwrap().block_on(f)`: this very chain.
            Root::Call { .. } => {
                builder_root(r) && user.range.start <= build.start && build.end <= user.range.end
            }
            _ => false,
        });
        let Some(needs) = needs else { continue };
        let missing_time = needs.time && !has("enable_time");
        let missing_io = needs.io && !has("enable_io");
        if !missing_time && !missing_io {
            continue;
        }
        let timers = "\"A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers.\"";
        let (what, panic) = match (missing_time, missing_io) {
            (true, true) => ("timers and I/O", timers),
            (true, false) => ("timers", timers),
            _ => (
                "I/O",
                "\"A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO.\"",
            ),
        };
        let msg = format!(
            "this runtime is built without its {what} driver, but the code it runs uses tokio {what}: the first use panics with {panic}"
        );
        out.emit(
            Draft::new(
                c.range.clone(),
                Severity::Error,
                msg,
                "call `.enable_all()` on the builder before `.build()`",
            )
            .with_fix(fix(m, c)),
        );
    }
}

/// The sync fn of the snippet whose body holds this `build` call and whose
/// return type names a `Runtime`: it hands the runtime to its callers.
fn returning_fn<'m>(m: &'m Model<'_>, c: &Call<'_>) -> Option<&'m FnInfo<'m>> {
    use quote::ToTokens;
    m.fns.iter().find(|f| {
        let body = &m.bodies[f.body].range;
        !f.is_async
            && body.start <= c.range.start
            && c.range.end <= body.end
            && match &f.sig.output {
                syn::ReturnType::Type(_, ty) => {
                    ty.to_token_stream().to_string().contains("Runtime")
                }
                syn::ReturnType::Default => false,
            }
    })
}

/// `maker()`, `maker()?`, `maker().unwrap()`, `Self::maker(..).expect(..)`.
fn calls_maker(init: &Chain, f: &FnInfo<'_>) -> bool {
    let Root::Call { path, .. } = &init.root else {
        return false;
    };
    let direct = path.segs.len() == 1 || (path.segs.len() == 2 && path.segs[0] == "Self");
    direct
        && path.last() == f.name
        && init.links.iter().all(|l| match l {
            Link::Try => true,
            Link::Method { name, .. } => matches!(name.as_str(), "unwrap" | "expect"),
            _ => false,
        })
}

/// `...build()` -> `...enable_all().build()`: the builder turns on every
/// driver (time and I/O) before building. On a builder local
/// (`b.build()`) the same works, `enable_all` taking `&mut self`.
fn fix(m: &Model<'_>, c: &Call<'_>) -> Option<Fix> {
    let at = c.name_range.start;
    if m.text.get(c.name_range.clone())? != "build" || !m.text[..at].trim_end().ends_with('.') {
        return None;
    }
    let dot = m.text[..at].trim_end().len() - 1;
    // A chain written one call a line gets `.enable_all()` on a line of its own.
    let edit = if fixkit::starts_line(m.text, dot) {
        let indent = fixkit::indent_of(m.text, dot);
        fixkit::insert(dot, format!(".enable_all()\n{indent}"))
    } else {
        fixkit::insert(at, "enable_all().")
    };
    Some(fixkit::fix(
        FixSafety::Safe,
        "call `.enable_all()` before `.build()`: the runtime gets its time and I/O drivers, so timers and sockets work instead of panicking",
        vec![edit],
    ))
}
