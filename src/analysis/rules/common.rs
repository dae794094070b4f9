//! What rules share: the sink that turns drafts into findings, severity in
//! "maybe async" closures, how to name a context, runtime-specific advice.

use super::RuleDoc;
use crate::analysis::fix::Fix;
use crate::analysis::model::{
    BodyKind, Call, ClosureRole, Ctx, Link, Local, Model, Resolved, Root, names,
};
use crate::analysis::options::Runtime;
use crate::analysis::source::LineIndex;
use crate::analysis::types::{Finding, Severity};
use std::borrow::Cow;
use std::ops::Range;

/// A finding before it gets its rule's metadata and its line/column span.
pub(crate) struct Draft {
    pub range: Range<usize>,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub assumption: Option<String>,
    /// Overrides the rule's `fix` flag (e.g. no tokio twin for `ureq`).
    pub fix_available: Option<bool>,
    pub fix: Option<Fix>,
}

impl Draft {
    pub fn new(
        range: Range<usize>,
        severity: Severity,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Draft {
        Draft {
            range,
            severity,
            message: message.into(),
            help: help.into(),
            assumption: None,
            fix_available: None,
            fix: None,
        }
    }

    pub fn assume(mut self, a: Option<String>) -> Draft {
        self.assumption = a;
        self
    }

    /// Attaches a machine-applicable fix (none: the help stays the advice).
    pub fn with_fix(mut self, fix: Option<Fix>) -> Draft {
        self.fix = fix;
        self
    }

    pub fn fixable(mut self, yes: bool) -> Draft {
        self.fix_available = Some(yes);
        self
    }
}

pub struct Sink<'i> {
    doc: &'static RuleDoc,
    index: &'i LineIndex<'i>,
    out: Vec<Finding>,
}

impl<'i> Sink<'i> {
    pub fn new(doc: &'static RuleDoc, index: &'i LineIndex<'i>) -> Self {
        Sink {
            doc,
            index,
            out: Vec::new(),
        }
    }

    pub(crate) fn emit(&mut self, d: Draft) {
        // One finding per rule and place.
        if self.out.iter().any(|f| f.range == d.range) {
            return;
        }
        self.out.push(Finding {
            rule: self.doc.id.to_string(),
            severity: d.severity,
            message: d.message,
            help: d.help,
            concept: self.doc.concept.to_string(),
            span: self.index.span(&d.range),
            // True only when this finding carries a computed fix: exactly the
            // findings suggest_fix can apply (a rule's `fix` says it is meant to have one).
            fix_available: d.fix.is_some() && d.fix_available.unwrap_or(self.doc.fix),
            doc_uri: self.doc.uri(),
            assumption: d.assumption,
            via: Vec::new(),
            range: d.range,
            fix: d.fix,
        });
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.out
    }

    /// The rule's severity in this context, or `None` when the rule does not apply there.
    pub fn severity_in(&self, ctx: Ctx) -> Option<Severity> {
        match ctx {
            Ctx::Async => Some(self.doc.severity),
            Ctx::MaybeAsync => Some(self.doc.severity.lower()),
            _ => None,
        }
    }
}

/// "inside an async fn", "inside an async block"... Borrowed in the common
/// case: two rules ask for it for every call in async code, before they
/// know whether they report the call.
pub fn where_(m: &Model<'_>, call: &Call<'_>) -> Cow<'static, str> {
    let Some(b) = call.body else {
        return "in async code".into();
    };
    let mut cur = Some(b);
    let mut in_closure = false;
    while let Some(id) = cur {
        let body = &m.bodies[id];
        let s = match body.kind {
            // The synthetic fn around loose statements has no name.
            BodyKind::AsyncFn if body.name.is_none() => "in async code",
            BodyKind::AsyncFn if in_closure => "in a closure inside an async fn",
            BodyKind::AsyncFn => "inside an async fn",
            BodyKind::AsyncBlock if in_closure => "in a closure inside an async block",
            BodyKind::AsyncBlock => "inside an async block",
            BodyKind::AsyncClosure => "inside an async closure",
            BodyKind::PollFn => "inside a `poll` fn",
            BodyKind::Closure(ClosureRole::Maybe) => {
                "in a closure that may run on the async task (passed to an unknown function)"
            }
            BodyKind::Closure(_) => {
                in_closure = true;
                cur = body.parent;
                continue;
            }
            BodyKind::SyncFn => {
                if let Some((name, chain)) = m.reached_from_crate.get(&id) {
                    return format!("in `{name}`, a sync fn {chain}").into();
                }
                if let Some((name, site)) = m.reached_via.get(&id) {
                    return format!(
                        "in `{name}`, a sync fn that async code calls (line {})",
                        line_of(m, site.start)
                    )
                    .into();
                }
                "in async code"
            }
            _ => "in async code",
        };
        return s.into();
    }
    "in async code".into()
}

/// The local at the root of a receiver chain.
pub fn root_local<'m>(m: &'m Model<'_>, call: &Call<'_>) -> Option<&'m Local> {
    match &call.receiver.as_ref()?.root {
        Root::Local(id) => m.locals.get(*id),
        _ => None,
    }
}

/// The receiver `self.field` of a method call (no other link): the
/// field's name and its type paths (outermost first), when every struct
/// of the snippet with a field of that name declares the same type.
pub fn self_field<'m>(m: &Model<'_>, call: &'m Call<'_>) -> Option<(&'m str, Vec<Resolved>)> {
    let r = call.receiver.as_ref()?;
    let (Root::SelfValue, [Link::Field(f)]) = (&r.root, r.links.as_slice()) else {
        return None;
    };
    let mut seen: Option<Vec<Resolved>> = None;
    for t in m.names.fields.get(f)? {
        let mut v = Vec::new();
        names::type_paths(&m.names, t, &mut v);
        match &seen {
            None => seen = Some(v),
            Some(x) if x.iter().map(|p| &p.segs).eq(v.iter().map(|p| &p.segs)) => {}
            Some(_) => return None,
        }
    }
    Some((f.as_str(), seen?))
}

/// The async sleep of the runtime in use.
pub fn async_sleep(rt: Runtime) -> &'static str {
    match rt {
        Runtime::Tokio => "tokio::time::sleep(d).await",
        Runtime::AsyncStd => "async_std::task::sleep(d).await",
        Runtime::Smol => "smol::Timer::after(d).await",
        Runtime::Any => "your runtime's async sleep (e.g. `tokio::time::sleep(d).await`)",
    }
}

/// How to move blocking work off the async workers in this runtime.
pub fn offload(rt: Runtime) -> &'static str {
    match rt {
        Runtime::Tokio | Runtime::Any => "`tokio::task::spawn_blocking`",
        Runtime::AsyncStd => "`async_std::task::spawn_blocking`",
        Runtime::Smol => "`smol::unblock`",
    }
}

/// Is the call's value used as a `Result` (`.unwrap()`, `?`, `Ok(..)` pattern)?
pub fn used_as_result(call: &Call<'_>) -> bool {
    use crate::analysis::model::Use;
    match &call.parent {
        Use::Try | Use::ScrutineeResult => true,
        Use::Receiver(m) => matches!(
            m.as_str(),
            "unwrap"
                | "expect"
                | "ok"
                | "is_ok"
                | "is_err"
                | "map_err"
                | "unwrap_or"
                | "unwrap_or_else"
                | "unwrap_or_default"
                | "err"
        ),
        _ => false,
    }
}

/// The values alive at some `.await`, each once, with the first such await.
pub fn held_values<'m>(
    m: &'m Model<'_>,
    keep: impl Fn(&crate::analysis::model::Live, &crate::analysis::model::Hold) -> bool,
) -> Vec<(
    &'m crate::analysis::model::Live,
    &'m crate::analysis::model::Hold,
)> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for h in &m.holds {
        let live = &m.lives[h.live];
        if keep(live, h) && seen.insert(h.live) {
            out.push((live, h));
        }
    }
    out
}

/// Why the value is alive at the await, in words.
pub fn via_words(v: &crate::analysis::model::Via) -> String {
    use crate::analysis::model::Via;
    match v {
        Via::Binding(n) if !n.is_empty() => format!("bound to `{n}`"),
        Via::Binding(_) => "bound by this `let`".to_string(),
        Via::Temporary => "a temporary that lives to the end of the statement".to_string(),
        Via::Scrutinee => {
            "a temporary of the `match`/`if let`/`while let` scrutinee, alive through its arms"
                .to_string()
        }
        Via::Iterator => {
            "a temporary of the `for` loop's iterator expression, alive for the whole loop"
                .to_string()
        }
        Via::Extended(n) => format!("a temporary whose lifetime `let {n} = &..` extends"),
        Via::Param(n) => format!("the parameter `{n}`"),
    }
}

/// "line 12" for an await position.
pub fn line_of(m: &Model<'_>, offset: usize) -> usize {
    m.text[..offset.min(m.text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// A loop's extent, from its header to the `}` closing its body (found by
/// counting delimiters from the body's `{`: linear in the body, not the file).
pub fn loop_extent(m: &Model<'_>, l: &crate::analysis::model::LoopInfo) -> Option<Range<usize>> {
    use crate::analysis::lexer::TokKind;
    let toks = &m.snippet.toks;
    let open = toks.partition_point(|t| (t.start as usize) < l.range.end);
    if toks.get(open)?.kind != TokKind::Open(b'{') {
        return None;
    }
    let mut depth = 0usize;
    for t in &toks[open..] {
        match t.kind {
            TokKind::Open(_) => depth += 1,
            TokKind::Close(_) => {
                depth -= 1;
                if depth == 0 {
                    return Some(l.range.start..t.end as usize);
                }
            }
            _ => {}
        }
    }
    None
}
