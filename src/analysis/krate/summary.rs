//! Phase 1 of the crate pass: what one file tells the rest of its crate.
//!
//! Read from the file's syntax tree (its modules, items, `use` lines) and
//! from its model (every call, with its context, its callee path as the
//! file's `use` lines resolve it, and the receiver's type where the code
//! shows it). Paths stay as written: the crate pass resolves them against
//! the module tree. Nothing here guesses: a call whose callee or receiver
//! type is not written down gets no target.

use crate::analysis::LineIndex;
use crate::analysis::model::{
    BodyId, BodyKind, Callee, ClosureRole, Ctx, Flavor, How, Link, LiveKind, LocalCtx, MadeBy,
    Model, Resolved, Root, RuntimeFlavor, Use,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::Range;

/// A module of the file: the file itself (index 0) or an inline `mod x { .. }`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LocalMod {
    pub parent: Option<usize>,
    pub name: String,
    /// `mod x;` declared here: (name, `#[path]` value).
    pub external: Vec<(String, Option<String>)>,
    /// `#[path]` of an inline module (its children's files are found from it).
    pub path_attr: Option<String>,
    /// Inline child modules: (name, local index).
    pub inline: Vec<(String, usize)>,
    /// Free fns: (name, index in `FileSummary::fns`).
    pub fns: Vec<(String, usize)>,
    /// Structs, enums, unions, traits, type aliases: (name, index in `types`).
    pub types: Vec<(String, usize)>,
    /// `use` lines: alias -> path as written.
    pub uses: Vec<(String, Vec<String>)>,
    /// `use path::*`.
    pub globs: Vec<Vec<String>>,
    /// Items a macro may define here (`macro_rules!` invocations at item
    /// level): names in this module are then not known for sure.
    pub has_item_macros: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TypeDef {
    pub module: usize,
    /// Named fields: (name, type path as written, wrappers stripped).
    pub fields: Vec<(String, Option<Vec<String>>)>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ImplDef {
    pub module: usize,
    /// The self type, as written (`Store`, `db::Store`).
    pub self_ty: Vec<String>,
    pub is_trait: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FnSum {
    pub module: usize,
    pub name: String,
    /// `FnInfo::sig_range.start`: the key of seeds.
    pub key: usize,
    pub line: usize,
    pub is_async: bool,
    /// The impl it belongs to (index in `impls`), for methods.
    pub owner: Option<usize>,
    /// Returns `Self` or its own type (possibly in a `Result`/`Option`).
    pub returns_self: bool,
    /// The fn body's range (the innermost seeded fn around a finding gives its chain).
    pub range: Range<usize>,
    /// In this file alone, the fn is already reached from async code /
    /// runs on a current-thread runtime / must be `Send`.
    pub local_reached: bool,
    pub local_flavor: bool,
    pub local_send: bool,
    /// Probes of phase 1: a blocking rule reports in the fn's own code
    /// once it is reached from async code; it calls `block_in_place`; a
    /// `!Send` value of its own is alive at an await. A fact the fn would
    /// show nothing for is not worth a second analysis of its file.
    pub blocks_if_reached: bool,
    pub calls_block_in_place: bool,
    pub holds_non_send: bool,
    /// `use path::*;` inside the fn's body: (the block's range, path). A
    /// block's imports are seen only by the code of that block.
    #[serde(default)]
    pub block_globs: Vec<(Range<usize>, Vec<String>)>,
    /// Calls tokio's `spawn_local` in its own code (where its callers'
    /// `LocalSet`, or none, is what counts).
    #[serde(default)]
    pub spawns_local: bool,
}

/// The receiver of a method call, as far as the code shows its type
/// (before the fields of `Target::Method`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Recv {
    SelfTy,
    /// A type path as written (a typed parameter or `let`).
    Ty(Vec<String>),
    /// A local initialised by a call of this path (`Store::open(..)?`).
    Ctor(Vec<String>),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Target {
    Path(Vec<String>),
    /// `recv.f.g.name(..)`: the method, its receiver's base and the
    /// fields read from it, in order (`self.store.load()`:
    /// `Recv::SelfTy`, `["store"]`).
    Method {
        name: String,
        recv: Recv,
        fields: Vec<String>,
    },
}

/// How a call site runs, for the crate's propagation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Site {
    /// On an async task.
    Async,
    /// The enclosing fn's own sync code (through inline closures only).
    SyncOwn,
    /// Elsewhere: a blocking thread, a closure handed to an unknown callee.
    Other,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CallSum {
    /// The fn whose code holds the call (index in `fns`).
    pub caller: usize,
    pub target: Target,
    pub site: Site,
    pub line: usize,
    /// Awaited in the caller's own future (not in a spawned block).
    pub awaited_own: bool,
    /// The future this call builds is handed to a spawner that needs
    /// `Send` (the spawner, "`tokio::spawn`"), or boxed as `Send`
    /// ([`super::spawned::BOXED`]).
    pub spawned: Option<String>,
    /// Where its future is spawned or awaited, when not where it is built
    /// (`let f = run(); tokio::spawn(f);`).
    #[serde(default)]
    pub spawned_at: Option<usize>,
    /// In this file, the caller's future must be `Send` here: why.
    pub send_here: Option<String>,
    /// Runs on a current-thread runtime this file sets up: why.
    pub current_thread: Option<String>,
    /// Runs on the caller fn's runtime (not on a runtime of its own, not on a blocking thread).
    pub same_runtime: bool,
    /// The glob imports of the blocks of the caller around the call
    /// (`use super::helpers::*;` inside the fn): their names shadow the module's.
    #[serde(default)]
    pub globs: Vec<Vec<String>>,
    /// Where the call runs as to `LocalSet`s (`model::LocalCtx`).
    #[serde(default)]
    pub local: LocalSite,
    /// Its value is awaited (or polled by `select!`/`join!`) where it is
    /// made: an async callee runs there.
    #[serde(default)]
    pub awaited: bool,
}

/// `model::LocalCtx`, kept in the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum LocalSite {
    Inside,
    Outside(String),
    Inherit,
    #[default]
    Unknown,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FileSummary {
    pub mods: Vec<LocalMod>,
    pub types: Vec<TypeDef>,
    pub impls: Vec<ImplDef>,
    pub fns: Vec<FnSum>,
    pub calls: Vec<CallSum>,
    /// `#![...]` attributes mention `no_implicit_prelude` or the file did not parse as a file.
    pub partial: bool,
    /// The file sets up a `LocalSet` or a `LocalRuntime` somewhere.
    #[serde(default)]
    pub sets_up_local: bool,
}

impl FileSummary {
    /// The summary of a file that tells nothing (it did not parse, or the
    /// analysis failed): one empty module.
    pub fn empty() -> FileSummary {
        FileSummary {
            mods: vec![LocalMod::default()],
            ..FileSummary::default()
        }
    }

    /// Every index points inside the summary (a summary read back from a
    /// cache file is checked before use).
    pub fn is_valid(&self) -> bool {
        let (nm, nf, nt, ni) = (
            self.mods.len(),
            self.fns.len(),
            self.types.len(),
            self.impls.len(),
        );
        nm > 0
            && self.mods[0].parent.is_none()
            && self.mods.iter().enumerate().all(|(i, m)| {
                (i == 0 || m.parent.is_some_and(|p| p < i))
                    && m.inline.iter().all(|(_, l)| *l > i && *l < nm)
                    && m.fns.iter().all(|(_, f)| *f < nf)
                    && m.types.iter().all(|(_, t)| *t < nt)
            })
            && self
                .fns
                .iter()
                .all(|f| f.module < nm && f.owner.is_none_or(|o| o < ni))
            && self.types.iter().all(|t| t.module < nm)
            && self.impls.iter().all(|t| t.module < nm)
            && self.calls.iter().all(|c| c.caller < nf)
    }
}

/// Rules that report blocking calls in a fn reached from async code.
pub(super) const BLOCKING_RULES: &[&str] = &[
    "blocking-sleep",
    "blocking-fs",
    "blocking-net",
    "blocking-process",
    "blocking-stdin",
    "blocking-channel",
    "tokio-blocking-api-in-async",
    "block-on-in-async",
    "cpu-heavy-in-async",
];

/// The summary of one file, and the probes of its fns (which turn the
/// model's sync code "maybe async": the model is not used after this).
pub fn summarize_and_probe(m: &mut Model<'_>) -> FileSummary {
    let mut s = summarize(m);
    if s.fns.is_empty() {
        return s;
    }
    let innermost = |s: &FileSummary, r: &Range<usize>| {
        s.fns
            .iter()
            .enumerate()
            .filter(|(_, f)| f.range.start <= r.start && r.end <= f.range.end)
            .min_by_key(|(_, f)| f.range.len())
            .map(|(i, _)| i)
    };
    for c in &m.calls {
        if let Callee::Path(p) = &c.callee
            && p.last() == "block_in_place"
            && let Some(i) = innermost(&s, &c.range)
        {
            s.fns[i].calls_block_in_place = true;
        }
    }
    let local_args = m.local_set_args();
    for c in &m.calls {
        if m.is_tokio_spawn_local(c)
            && m.local_ctx(c, &local_args) == LocalCtx::Inherit
            && let Some(i) = innermost(&s, &c.range)
        {
            s.fns[i].spawns_local = true;
        }
    }
    for h in &m.holds {
        let l = &m.lives[h.live];
        if matches!(
            l.kind,
            LiveKind::Rc
                | LiveKind::ThreadRng
                | LiveKind::RefCellRef
                | LiveKind::Guard(_)
                | LiveKind::SpanGuard
        ) && let Some(i) = innermost(&s, &l.range)
        {
            s.fns[i].holds_non_send = true;
        }
    }
    for c in &m.captures {
        if let Some(i) = innermost(&s, &c.site.range) {
            s.fns[i].holds_non_send = true;
        }
    }
    // As if every sync fn were reached from async code.
    let mut any = false;
    for i in 0..m.calls.len() {
        let Some(b) = m.calls[i].body else { continue };
        if m.calls[i].ctx == Ctx::Sync
            && let Some((fi, own)) = owner(m, b)
            && own.inline_only
            && m.bodies[m.fns[fi].body].kind == BodyKind::SyncFn
        {
            m.calls[i].ctx = Ctx::MaybeAsync;
            any = true;
        }
    }
    if any {
        let ids: Vec<String> = BLOCKING_RULES.iter().map(|r| r.to_string()).collect();
        for r in crate::analysis::rule_ranges(m, &ids) {
            if let Some(i) = innermost(&s, &r) {
                s.fns[i].blocks_if_reached = true;
            }
        }
    }
    s
}

/// Reads the summary of one file from its model.
pub fn summarize(m: &Model<'_>) -> FileSummary {
    let mut s = FileSummary::empty();
    let index = LineIndex::new(m.text);
    let mut by_sig: HashMap<*const syn::Signature, usize> = HashMap::new();
    // Only a file that parsed as a file has items to summarize (a wrapped
    // fragment's items are the wrapper's).
    let units = if m.snippet.mode == crate::analysis::ParseMode::File {
        &m.snippet.units[..]
    } else {
        &[]
    };
    for u in units {
        let mut w = ItemWalk {
            s: &mut s,
            by_sig: &mut by_sig,
            unit: u,
        };
        w.items(&u.file.items, 0, None);
    }
    if m.snippet.mode != crate::analysis::ParseMode::File {
        s.partial = true;
    }
    // The model's fns, matched to the items by their signature node.
    let mut fn_of_index: HashMap<usize, usize> = HashMap::new();
    for (fi, f) in m.fns.iter().enumerate() {
        let Some(&i) = by_sig.get(&(f.sig as *const syn::Signature)) else {
            continue;
        };
        let body = f.body;
        let sum = &mut s.fns[i];
        sum.key = f.sig_range.start;
        sum.line = index.span(&f.sig_range).start.line;
        sum.range = m.bodies[body].range.clone();
        sum.local_reached = m.reached_via.contains_key(&body);
        sum.local_flavor = m.bodies[body].flavor.is_some();
        sum.local_send = m.bodies[body].send.is_some();
        fn_of_index.insert(fi, i);
    }
    // Fns the model did not see (none expected) get no key: drop their names.
    let known: Vec<bool> = s.fns.iter().map(|f| f.key != usize::MAX).collect();
    for md in &mut s.mods {
        md.fns.retain(|(_, i)| known[*i]);
    }
    let spawned = super::spawned::find(m);
    let local_args = m.local_set_args();
    s.sets_up_local = m.sets_up_local();
    for (ci, c) in m.calls.iter().enumerate() {
        let Some(b) = c.body else { continue };
        let Some((fi, own)) = owner(m, b) else {
            continue;
        };
        let Some(&caller) = fn_of_index.get(&fi) else {
            continue;
        };
        // The module's `use` lines and those of the blocks around the call
        // (a `use` inside the fn body).
        let module_uses = &s.mods[s.fns[caller].module].uses;
        let mut scoped = m.names.scoped_at(c.range.start).peekable();
        let uses: std::borrow::Cow<'_, [(String, Vec<String>)]> = if scoped.peek().is_none() {
            std::borrow::Cow::Borrowed(module_uses)
        } else {
            let mut v = module_uses.clone();
            v.extend(scoped.map(|(n, p)| (n.to_string(), p.clone())));
            std::borrow::Cow::Owned(v)
        };
        let Some(target) = target(m, c, module_uses, &uses) else {
            continue;
        };
        let globs: Vec<Vec<String>> = s.fns[caller]
            .block_globs
            .iter()
            .filter(|(r, _)| r.start <= c.range.start && c.range.start < r.end)
            .map(|(_, p)| p.clone())
            .collect();
        let site = match c.ctx {
            Ctx::Async => Site::Async,
            Ctx::Sync if own.inline_only && m.bodies[m.fns[fi].body].kind == BodyKind::SyncFn => {
                Site::SyncOwn
            }
            _ => Site::Other,
        };
        // `rt.block_on(run())`: `run`'s future runs on `rt`, whatever the
        // fn around the call runs on.
        let current_thread = match m.block_on_flavor(&c.range).or_else(|| m.flavor(b)) {
            Some(RuntimeFlavor {
                flavor: Flavor::CurrentThread,
                why,
            }) if !matches!(c.ctx, Ctx::Exempt(_)) => Some(why.clone()),
            _ => None,
        };
        let line = index.span(&c.range).start.line;
        let (spawned_by, mut handed_at) = match spawned.calls.get(&ci) {
            Some((what, at)) => {
                let at = index.span(at).start.line;
                (Some(what.clone()), (at != line).then_some(at))
            }
            None => (None, None),
        };
        // Awaited where it is built, or bound to a local awaited later in
        // the same fn (`let f = work::run(); .. f.await`).
        let (await_body, awaited_own) = match spawned.awaited.get(&ci) {
            Some((ab, r)) => match owner(m, *ab) {
                Some((afi, aown)) if afi == fi => {
                    let at = index.span(r).start.line;
                    handed_at = handed_at.or((at != line).then_some(at));
                    (Some(*ab), aown.same_future)
                }
                _ => (None, false),
            },
            None if c.parent == Use::Await => (Some(b), own.same_future),
            None => (None, false),
        };
        s.calls.push(CallSum {
            caller,
            target,
            site,
            line,
            awaited_own: awaited_own && !await_body.is_some_and(|ab| spawned.in_own_task(m, ab)),
            spawned: spawned_by,
            spawned_at: handed_at,
            send_here: await_body.and_then(|ab| {
                m.send_reason(ab)
                    .map(ToString::to_string)
                    .or_else(|| spawned.block_of(m, ab))
            }),
            current_thread,
            same_runtime: own.same_runtime && !matches!(c.ctx, Ctx::Exempt(_)),
            globs,
            local: match m.local_ctx(c, &local_args) {
                LocalCtx::Inside => LocalSite::Inside,
                LocalCtx::Outside(why) => LocalSite::Outside(why),
                LocalCtx::Inherit => LocalSite::Inherit,
                LocalCtx::Unknown => LocalSite::Unknown,
            },
            awaited: c.awaited(),
        });
    }
    s
}

/// Where a body sits in its fn.
struct Own {
    /// Only inline closures between the body and the fn.
    inline_only: bool,
    /// Part of the fn's own future (no spawned block, no closure between).
    same_future: bool,
    /// Runs on the fn's runtime (no block with its own runtime between).
    same_runtime: bool,
}

/// The fn (index in `m.fns`) whose code holds body `b`.
fn owner(m: &Model<'_>, b: BodyId) -> Option<(usize, Own)> {
    let mut own = Own {
        inline_only: true,
        same_future: true,
        same_runtime: true,
    };
    let mut cur = Some(b);
    while let Some(id) = cur {
        let body = &m.bodies[id];
        if let Some(fi) = body.fn_index {
            return Some((fi, own));
        }
        match body.kind {
            BodyKind::Closure(ClosureRole::Inline) => own.same_future = false,
            BodyKind::Closure(ClosureRole::Exempt(_)) => {
                own.inline_only = false;
                own.same_future = false;
                own.same_runtime = false;
            }
            BodyKind::Closure(ClosureRole::Maybe) => {
                own.inline_only = false;
                own.same_future = false;
                own.same_runtime = false;
            }
            _ => {
                own.inline_only = false;
                if body.detached {
                    own.same_future = false;
                }
                if body.flavor.is_some() {
                    own.same_runtime = false;
                }
            }
        }
        cur = body.parent;
    }
    None
}

/// A path the crate pass may resolve: not another crate's (`std::`,
/// `tokio::`), and when a `use` line expanded it, one of the caller's
/// module's own `use` lines (the model lets a `use` inside some other
/// block or module of the file stand for the whole file, which is right
/// for a pasted snippet but not for a module of a crate).
fn own_path(p: &Resolved, uses: &[(String, Vec<String>)]) -> Option<Vec<String>> {
    if p.how == How::Exact || p.segs.is_empty() {
        return None;
    }
    if p.how == How::Use && !uses.iter().any(|(_, u)| p.segs.starts_with(u)) {
        return None;
    }
    Some(p.segs.clone())
}

/// What a call calls, as far as the code says. `module_uses` are the
/// `use` lines of the caller's module, `uses` those and the ones of the
/// blocks around the call (a parameter's type is written outside the body,
/// where a block's `use` does not reach).
fn target(
    m: &Model<'_>,
    c: &crate::analysis::model::Call<'_>,
    module_uses: &[(String, Vec<String>)],
    uses: &[(String, Vec<String>)],
) -> Option<Target> {
    match &c.callee {
        Callee::Path(p) => {
            // Expanded by a `use` of another block: the path as written is
            // the caller module's to resolve.
            let written = || match crate::analysis::model::syntax::strip(c.expr?) {
                syn::Expr::Call(x) if p.how == How::Use => {
                    crate::analysis::model::syntax::path_segs(&x.func)
                }
                _ => None,
            };
            Some(Target::Path(own_path(p, uses).or_else(written)?))
        }
        Callee::Method(name) => {
            let r = c.receiver.as_ref()?;
            // Only field reads between the base and the method.
            let fields = r
                .links
                .iter()
                .map(|l| match l {
                    Link::Field(f) => Some(f.clone()),
                    _ => None,
                })
                .collect::<Option<Vec<String>>>()?;
            let recv = match &r.root {
                Root::SelfValue => Recv::SelfTy,
                Root::Local(id) => {
                    let l = m.locals.get(*id)?;
                    if l.is_param {
                        Recv::Ty(type_of(&l.ty, module_uses)?)
                    } else {
                        match l.made_by.as_ref()? {
                            MadeBy::Annotated => Recv::Ty(type_of(&l.ty, uses)?),
                            MadeBy::Call(p) => Recv::Ctor(own_path(p, uses)?),
                            MadeBy::Struct(p) => Recv::Ty(own_path(p, uses)?),
                        }
                    }
                }
                _ => return None,
            };
            Some(Target::Method {
                name: name.clone(),
                recv,
                fields,
            })
        }
        Callee::Other => None,
    }
}

/// The type a value of these (outermost first) type paths has methods
/// of: through `Arc`/`Rc`/`Box` (auto-deref), never through anything else.
fn type_of(ty: &[Resolved], uses: &[(String, Vec<String>)]) -> Option<Vec<String>> {
    let mut it = ty.iter();
    loop {
        let t = it.next()?;
        if matches!(t.last(), "Arc" | "Rc" | "Box")
            && (t.segs.len() == 1 || t.root() == "std" || t.root() == "alloc")
        {
            continue;
        }
        return own_path(t, uses);
    }
}

/// The path of a type as written, through `&`, `Arc`, `Rc`, `Box`.
fn written_type(t: &syn::Type) -> Option<Vec<String>> {
    match t {
        syn::Type::Reference(r) => written_type(&r.elem),
        syn::Type::Paren(p) => written_type(&p.elem),
        syn::Type::Path(p) if p.qself.is_none() => {
            let segs: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let last = p.path.segments.last()?;
            if matches!(segs.last().map(String::as_str), Some("Arc" | "Rc" | "Box")) {
                if let syn::PathArguments::AngleBracketed(a) = &last.arguments
                    && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
                {
                    return written_type(inner);
                }
                return None;
            }
            Some(segs)
        }
        _ => None,
    }
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| {
        if !a.path().is_ident("path") {
            return None;
        }
        match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        }
    })
}

/// `-> Self`, `-> Store` (the impl's own type), `-> Result<Self, _>`, `-> Option<Self>`.
fn returns_self(sig: &syn::Signature, self_name: Option<&str>) -> bool {
    let syn::ReturnType::Type(_, t) = &sig.output else {
        return false;
    };
    let is_self = |t: &syn::Type| match t {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "Self" || self_name.is_some_and(|n| s.ident == n)),
        _ => false,
    };
    if is_self(t) {
        return true;
    }
    if let syn::Type::Path(p) = &**t
        && let Some(last) = p.path.segments.last()
        && matches!(last.ident.to_string().as_str(), "Result" | "Option")
        && let syn::PathArguments::AngleBracketed(a) = &last.arguments
        && let Some(syn::GenericArgument::Type(inner)) = a.args.first()
    {
        return is_self(inner);
    }
    false
}

struct ItemWalk<'s> {
    s: &'s mut FileSummary,
    by_sig: &'s mut HashMap<*const syn::Signature, usize>,
    unit: &'s crate::analysis::parse::Unit,
}

impl ItemWalk<'_> {
    fn add_fn(
        &mut self,
        module: usize,
        sig: &syn::Signature,
        block: &syn::Block,
        owner: Option<(usize, Option<&str>)>,
    ) {
        let mut globs = BlockGlobs {
            unit: self.unit,
            out: Vec::new(),
        };
        syn::visit::Visit::visit_block(&mut globs, block);
        let i = self.s.fns.len();
        self.s.fns.push(FnSum {
            module,
            name: sig.ident.to_string(),
            key: usize::MAX,
            line: 0,
            is_async: sig.asyncness.is_some(),
            owner: owner.map(|o| o.0),
            returns_self: owner.is_some() && returns_self(sig, owner.and_then(|o| o.1)),
            range: 0..0,
            local_reached: false,
            local_flavor: false,
            local_send: false,
            blocks_if_reached: false,
            calls_block_in_place: false,
            holds_non_send: false,
            block_globs: globs.out,
            spawns_local: false,
        });
        self.by_sig.insert(sig as *const syn::Signature, i);
        if owner.is_none() {
            self.s.mods[module].fns.push((sig.ident.to_string(), i));
        }
    }

    fn add_type(&mut self, module: usize, name: String, def: TypeDef) {
        let i = self.s.types.len();
        self.s.types.push(def);
        self.s.mods[module].types.push((name, i));
    }

    fn items(&mut self, items: &[syn::Item], module: usize, _dir: Option<&str>) {
        for it in items {
            match it {
                syn::Item::Fn(f) => self.add_fn(module, &f.sig, &f.block, None),
                syn::Item::Impl(im) => {
                    let syn::Type::Path(tp) = &*im.self_ty else {
                        continue;
                    };
                    if tp.qself.is_some() {
                        continue;
                    }
                    let self_ty: Vec<String> = tp
                        .path
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect();
                    let self_name = self_ty.last().cloned();
                    let idx = self.s.impls.len();
                    self.s.impls.push(ImplDef {
                        module,
                        self_ty,
                        is_trait: im.trait_.is_some(),
                    });
                    for ii in &im.items {
                        if let syn::ImplItem::Fn(f) = ii {
                            self.add_fn(
                                module,
                                &f.sig,
                                &f.block,
                                Some((idx, self_name.as_deref())),
                            );
                        }
                    }
                }
                syn::Item::Mod(md) => {
                    let name = md.ident.to_string();
                    let pa = path_attr(&md.attrs);
                    match &md.content {
                        None => self.s.mods[module].external.push((name, pa)),
                        Some((_, inner)) => {
                            let idx = self.s.mods.len();
                            self.s.mods.push(LocalMod {
                                parent: Some(module),
                                name: name.clone(),
                                path_attr: pa,
                                ..LocalMod::default()
                            });
                            self.s.mods[module].inline.push((name, idx));
                            self.items(inner, idx, None);
                        }
                    }
                }
                syn::Item::Use(u) => {
                    let mut prefix = Vec::new();
                    self.use_tree(&u.tree, &mut prefix, module);
                }
                syn::Item::Struct(st) => {
                    let fields = match &st.fields {
                        syn::Fields::Named(n) => n
                            .named
                            .iter()
                            .filter_map(|f| {
                                Some((f.ident.as_ref()?.to_string(), written_type(&f.ty)))
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    self.add_type(module, st.ident.to_string(), TypeDef { module, fields });
                }
                syn::Item::Enum(e) => self.add_type(
                    module,
                    e.ident.to_string(),
                    TypeDef {
                        module,
                        ..TypeDef::default()
                    },
                ),
                syn::Item::Union(e) => self.add_type(
                    module,
                    e.ident.to_string(),
                    TypeDef {
                        module,
                        ..TypeDef::default()
                    },
                ),
                syn::Item::Type(e) => self.add_type(
                    module,
                    e.ident.to_string(),
                    TypeDef {
                        module,
                        ..TypeDef::default()
                    },
                ),
                syn::Item::Trait(t) => self.add_type(
                    module,
                    t.ident.to_string(),
                    TypeDef {
                        module,
                        ..TypeDef::default()
                    },
                ),
                syn::Item::Macro(_) => self.s.mods[module].has_item_macros = true,
                _ => {}
            }
        }
    }

    fn use_tree(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>, module: usize) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix, module);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.last() {
                        self.s.mods[module]
                            .uses
                            .push((last.clone(), prefix.clone()));
                    }
                } else {
                    let mut full = prefix.clone();
                    full.push(name.clone());
                    self.s.mods[module].uses.push((name, full));
                }
            }
            syn::UseTree::Rename(r) => {
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                let alias = r.rename.to_string();
                if alias != "_" {
                    self.s.mods[module].uses.push((alias, full));
                }
            }
            syn::UseTree::Glob(_) => self.s.mods[module].globs.push(prefix.clone()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(t, prefix, module);
                }
            }
        }
    }
}

/// The glob imports written in the blocks of a fn body (not in the items
/// nested there, which have scopes of their own).
struct BlockGlobs<'u> {
    unit: &'u crate::analysis::parse::Unit,
    out: Vec<(Range<usize>, Vec<String>)>,
}

impl<'ast> syn::visit::Visit<'ast> for BlockGlobs<'_> {
    fn visit_block(&mut self, b: &'ast syn::Block) {
        let span = b.brace_token.span;
        let range = self.unit.start_of(span.open())..self.unit.end_of(span.close());
        for st in &b.stmts {
            if let syn::Stmt::Item(syn::Item::Use(u)) = st {
                let mut prefix = Vec::new();
                globs_of(&u.tree, &mut prefix, &mut |p| {
                    self.out.push((range.clone(), p.to_vec()))
                });
            }
        }
        syn::visit::visit_block(self, b);
    }
    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

fn globs_of(tree: &syn::UseTree, prefix: &mut Vec<String>, out: &mut impl FnMut(&[String])) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            globs_of(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Glob(_) => out(prefix),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                globs_of(t, prefix, out);
            }
        }
        _ => {}
    }
}
