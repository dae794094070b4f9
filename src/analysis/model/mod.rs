//! The async model of a snippet: the facts every rule reads.
//!
//! One walk over the syntax trees (`walk.rs`) records: the bodies (async fn,
//! async block, closure, sync fn, poll fn) with their context; every call
//! with its callee, receiver chain, context and what its value is used for;
//! the values alive at each `.await` under rustc's temporary-lifetime rules;
//! `select!` invocations and their branches; loops; poll bodies; runtime
//! attributes. Broken regions add calls from the token scan (`tokens.rs`).
//! Rules only filter these facts.

pub mod apis;
mod local_set;
mod macros;
pub mod names;
mod poll;
mod reach;
pub mod syntax;
#[cfg(test)]
mod tests;
mod tokens;
mod walk;

pub use local_set::LocalCtx;
pub use macros::MacroStore;
pub use names::{How, Names, Resolved};
pub use poll::PollFacts;

use super::options::Runtime;
use super::parse::Snippet;
use super::seeds::{LocalSetSeed, Seeds};
use std::collections::HashMap;
use std::ops::Range;

pub type BodyId = usize;
pub type LocalId = usize;
pub type LiveId = usize;

/// Where code runs, as far as blocking is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ctx {
    /// On an async task: blocking here stalls the runtime.
    Async,
    /// In a closure passed to an unknown callee inside async code: it may
    /// run on the task or elsewhere (rules report one severity lower).
    MaybeAsync,
    /// Plain synchronous code.
    Sync,
    /// Sync code on a thread meant for blocking (`spawn_blocking`...).
    Exempt(&'static str),
}

impl Ctx {
    pub fn is_asyncish(self) -> bool {
        matches!(self, Ctx::Async | Ctx::MaybeAsync)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClosureRole {
    /// Runs inline (iterator adapters, `Option::map`...).
    Inline,
    /// Runs on a blocking-friendly thread.
    Exempt(&'static str),
    /// Unknown callee.
    Maybe,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    AsyncFn,
    AsyncBlock,
    AsyncClosure,
    SyncFn,
    /// A `poll`-style fn (has a `Context` parameter): async context.
    PollFn,
    Closure(ClosureRole),
    /// Const / static initializers.
    Const,
}

impl BodyKind {
    pub fn is_async(self) -> bool {
        matches!(
            self,
            BodyKind::AsyncFn | BodyKind::AsyncBlock | BodyKind::AsyncClosure
        )
    }
}

/// Which runtime flavor a body runs on, when the snippet says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    CurrentThread,
    MultiThread,
    Local,
}

/// The runtime flavor a body runs on, and why the model believes so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuntimeFlavor {
    pub flavor: Flavor,
    /// Where the flavor comes from, as rule messages print it
    /// ("`#[tokio::test]` (a test runtime is current-thread by default)").
    pub why: String,
}

/// Why a body's future must be `Send`. `Display` gives the text rule
/// messages print ("passed to `tokio::spawn`"), so the wording lives here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SendReason {
    /// Handed to a spawner or wrapper that needs `Send` (`what`:
    /// "`tokio::spawn`", "`.boxed()` (a `BoxFuture`, which is `Send`)").
    PassedTo(String),
    /// An `#[async_trait]` method: its future is boxed as `Send`.
    AsyncTrait,
    /// An async fn of this file spawned, used as an axum handler, or
    /// awaited in a future that must be `Send`: the chain, in words.
    Required(String),
    /// Required by code in another file of the crate (`seeds.rs`): the chain.
    Crate(String),
}

impl std::fmt::Display for SendReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendReason::PassedTo(what) => write!(f, "passed to {what}"),
            SendReason::AsyncTrait => {
                f.write_str("an `#[async_trait]` method (its future is boxed as `Send`)")
            }
            SendReason::Required(why) | SendReason::Crate(why) => f.write_str(why),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Body {
    pub kind: BodyKind,
    pub parent: Option<BodyId>,
    /// Name of the fn, for fn bodies.
    pub name: Option<String>,
    /// Why this future must be `Send` (e.g. "passed to `tokio::spawn`").
    pub send: Option<SendReason>,
    /// The runtime flavor this body sets (attribute, `block_on` receiver).
    pub flavor: Option<RuntimeFlavor>,
    pub fn_index: Option<usize>,
    pub range: Range<usize>,
    /// An async block handed to a spawner or `block_on`: it does not share
    /// its parent's `Send` requirement.
    pub detached: bool,
}

/// A runtime attribute on a fn (`#[tokio::main(flavor = "current_thread")]`).
#[derive(Clone, Debug)]
pub struct RuntimeAttr {
    /// Resolved path, e.g. `tokio::main`.
    pub path: String,
    pub flavor: Option<Flavor>,
    pub is_test: bool,
    pub range: Range<usize>,
}

#[derive(Clone, Debug)]
pub struct FnInfo<'a> {
    pub name: String,
    pub is_async: bool,
    pub sig: &'a syn::Signature,
    /// A top-level item of a file (not in a fn, impl or mod).
    pub top_level: bool,
    pub in_impl: bool,
    /// From `fn`/`async` to the end of the signature.
    pub sig_range: Range<usize>,
    pub body: BodyId,
    /// Every attribute whose last segment is `main` or `test`.
    pub runtime_attr: Option<RuntimeAttr>,
    /// Any attribute at all that ends in `main` (`#[actix_web::main]`...).
    pub has_main_attr: bool,
}

/// The start of a receiver chain.
#[derive(Clone, Debug)]
pub enum Root {
    /// A call of a path: `Command::new(..)`.
    Call {
        path: Resolved,
        nargs: usize,
    },
    /// A path that is not a known local (a const, an unknown variable).
    Path(Resolved),
    Local(LocalId),
    SelfValue,
    AsyncBlock,
    Closure {
        is_async: bool,
        returns_async: bool,
    },
    Macro(String),
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    Method { name: String, nargs: usize },
    Field(String),
    Await,
    Try,
    Index,
}

/// An expression seen as a root and a chain of method calls and fields
/// (`Command::new("ls").arg("-l").output()`).
#[derive(Clone, Debug)]
pub struct Chain {
    pub root: Root,
    pub links: Vec<Link>,
}

impl Chain {
    pub fn methods(&self) -> impl Iterator<Item = &str> {
        self.links.iter().filter_map(|l| match l {
            Link::Method { name, .. } => Some(name.as_str()),
            _ => None,
        })
    }
    pub fn has_method(&self, m: &str) -> bool {
        self.methods().any(|x| x == m)
    }
    pub fn root_path(&self) -> Option<&Resolved> {
        match &self.root {
            Root::Call { path, .. } | Root::Path(path) => Some(path),
            _ => None,
        }
    }
    /// The last field name before any method (`self.rx.recv()` -> `rx`).
    pub fn last_field(&self) -> Option<&str> {
        self.links.iter().rev().find_map(|l| match l {
            Link::Field(f) => Some(f.as_str()),
            _ => None,
        })
    }
}

#[derive(Clone, Debug)]
pub enum Callee {
    Path(Resolved),
    Method(String),
    Other,
}

/// What the parent expression does with a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Use {
    /// An expression statement ending in `;`.
    Discard,
    /// `let _ = ..`.
    LetUnderscore,
    /// The initializer of a `let` that binds names.
    Bind,
    /// Under `&` at the top of a `let` initializer (lifetime extension).
    Extend,
    /// The operand of `.await`.
    Await,
    /// The operand of `?`.
    Try,
    /// The receiver of a method call.
    Receiver(String),
    /// An argument of a call.
    Arg,
    /// A `match` / `if let` / `while let` scrutinee.
    Scrutinee,
    /// A scrutinee matched against `Ok(..)` / `Err(..)` patterns.
    ScrutineeResult,
    /// A branch future of `select!` / `join!` (polled by the macro).
    MacroFuture,
    /// Anything else (operands, fields, returned values...).
    Other,
}

#[derive(Clone, Debug)]
pub struct ArgInfo {
    /// The argument without leading `&` / `&mut`.
    pub chain: Chain,
    pub range: Range<usize>,
}

/// A call or a method call.
#[derive(Clone, Debug)]
pub struct Call<'a> {
    /// The syntax node (absent for calls found by the token scan).
    pub expr: Option<&'a syn::Expr>,
    pub unit: Option<usize>,
    pub body: Option<BodyId>,
    pub ctx: Ctx,
    /// From the start of the receiver chain (or the path) to the `)`.
    pub range: Range<usize>,
    /// The method name or the path.
    pub name_range: Range<usize>,
    pub callee: Callee,
    /// For a method call, the receiver as a chain.
    pub receiver: Option<Chain>,
    pub args: Vec<ArgInfo>,
    pub parent: Use,
}

impl Call<'_> {
    pub fn method(&self) -> Option<&str> {
        match &self.callee {
            Callee::Method(m) => Some(m),
            _ => None,
        }
    }
    pub fn path(&self) -> Option<&Resolved> {
        match &self.callee {
            Callee::Path(p) => Some(p),
            _ => None,
        }
    }
    pub fn awaited(&self) -> bool {
        matches!(self.parent, Use::Await | Use::MacroFuture)
    }
    pub fn nargs(&self) -> usize {
        self.args.len()
    }
}

/// What kind of future a local holds, when it is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FutureKind {
    AsyncBlock,
    /// A call of an `async fn` the snippet defines.
    SnippetAsyncFn(String),
    /// A known future-returning API (`tokio::time::sleep`).
    Api(String),
}

#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub decl: Range<usize>,
    /// Resolved paths of its declared type, outermost first.
    pub ty: Vec<Resolved>,
    pub init: Option<Chain>,
    /// Position in a destructured tuple: `let (tx, rx) = ..` gives rx index 1.
    pub tuple_index: Option<usize>,
    pub future: Option<FutureKind>,
    /// Pinned: `pin!`, `Box::pin`, `.boxed()`, or a later `tokio::pin!(x)`.
    pub pinned: bool,
    /// `.fuse()`d.
    pub fused: bool,
    pub is_param: bool,
    pub body: BodyId,
    /// How its value was made, when that says its type (for the crate
    /// pass's method calls on it).
    pub made_by: Option<MadeBy>,
}

impl Local {
    /// A `rand::rngs::ThreadRng`, by its declared type or, when none is
    /// written, its constructor (`Local::ty` then holds only a guess).
    pub fn is_thread_rng(&self) -> bool {
        if matches!(self.made_by, Some(MadeBy::Annotated)) {
            apis::is_thread_rng(&self.ty, None)
        } else {
            apis::is_thread_rng(&[], self.init.as_ref())
        }
    }
}

/// What a local's declaration says of its type.
#[derive(Clone, Debug)]
pub enum MadeBy {
    /// `let x: T = ..` (the type is `Local::ty`).
    Annotated,
    /// `Store::open(..)`, also through `?`, `.unwrap()`, `.expect(..)` and
    /// `Arc::new(..)` / `Rc::new(..)` / `Box::new(..)`: the path called.
    Call(Resolved),
    /// A struct literal `Store { .. }`, also inside those wrappers.
    Struct(Resolved),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockFamily {
    Std,
    ParkingLot,
    /// A blocking lock whose crate the snippet does not say.
    Unknown,
    /// A tokio `watch::Ref` (`rx.borrow()`): it holds the channel's
    /// read lock, so the sender's `send` blocks while it lives; `!Send`.
    Watch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveKind {
    /// A blocking lock guard (`Mutex`/`RwLock`).
    Guard(LockFamily),
    RefCellRef,
    Rc,
    /// `rand::thread_rng()` / `rand::rng()`: a `ThreadRng`, which holds an `Rc`.
    ThreadRng,
    /// `span.enter()` / `.entered()`.
    /// `span.entered()`: an `EnteredSpan`, `!Send`.
    SpanGuard,
    /// `span.enter()`: an `Entered<'_>` (`Send`, but wrong traces across `.await`).
    SpanEnter,
    /// A `DashMap` `Ref`/`RefMut`/`Entry`/iterator: holds a shard lock.
    DashRef,
}

/// How a value is kept alive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    Binding(String),
    /// A temporary that lives to the end of its statement.
    Temporary,
    /// A temporary of a `match` / `if let` / `while let` scrutinee.
    Scrutinee,
    /// A temporary of a `for` loop's iterator expression.
    Iterator,
    /// A temporary whose lifetime a `let x = &..` extends.
    Extended(String),
    Param(String),
}

#[derive(Clone, Debug)]
pub struct Live {
    pub kind: LiveKind,
    pub via: Via,
    /// The `let` statement, or the expression creating the temporary.
    pub range: Range<usize>,
    /// Short source text of the creating call (`state.lock()`).
    pub desc: String,
    pub assumption: Option<String>,
}

/// A value alive at an `.await`.
#[derive(Clone, Debug)]
pub struct Hold {
    pub live: LiveId,
    pub await_range: Range<usize>,
    /// Ended by `drop(g)` (or moved away) before the await: no runtime
    /// hold, but rustc still counts it for `Send`.
    pub dropped: bool,
    pub body: BodyId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectKind {
    Tokio,
    Futures,
}

#[derive(Clone, Debug)]
pub struct Branch<'a> {
    pub fut: Option<&'a syn::Expr>,
    /// The future without a leading `&mut`.
    pub chain: Option<Chain>,
    pub by_mut_ref: bool,
    pub fut_range: Range<usize>,
    /// The handler can finish without `break`/`return`/panicking
    /// (so the loop goes on after this branch wins).
    pub continues: bool,
    /// `else` / `default` / `complete`.
    pub is_else: bool,
}

#[derive(Clone, Debug)]
pub struct Select<'a> {
    pub kind: SelectKind,
    pub range: Range<usize>,
    pub in_loop: bool,
    pub ctx: Ctx,
    pub branches: Vec<Branch<'a>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoopKind {
    For,
    While,
    Loop,
}

#[derive(Clone, Debug)]
pub struct LoopInfo {
    pub kind: LoopKind,
    /// The loop header (`for x in 0..n`, `while cond`, `loop`).
    pub range: Range<usize>,
    pub body: BodyId,
    pub ctx: Ctx,
    pub has_await: bool,
    /// `for _ in a..b` or `while i < n`.
    pub counting: bool,
    /// A counting loop inside this counting loop.
    pub nested_counting: bool,
    /// The largest literal bound of its range, for `for _ in 0..N`.
    pub range_bound: Option<u128>,
    /// Hashing / compression calls inside (method names or paths).
    pub heavy_calls: Vec<String>,
    /// Atomic `.load(..)` calls in the condition or body.
    pub atomic_loads: usize,
    /// Calls other than atomics and spin hints.
    pub other_calls: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinHow {
    /// `Pin::new(&mut x)`.
    PinNew,
    /// `&mut x` as a `select!` branch future.
    SelectRef,
    /// `(&mut x).await`.
    AwaitRef,
}

/// `&mut x` polled where `x` must be `Unpin`.
#[derive(Clone, Debug)]
pub struct MutRefPoll {
    pub range: Range<usize>,
    pub how: PinHow,
    pub future: FutureKind,
    pub name: Option<String>,
}

/// A `poll`-style fn and what its body does.
#[derive(Clone, Debug)]
pub struct PollFn {
    pub name: String,
    pub facts: PollFacts,
}

/// An `.await` (or a `select!` / `join!`) in async code.
#[derive(Clone, Debug)]
pub struct AwaitPoint {
    pub body: BodyId,
    pub range: Range<usize>,
    /// `fut.await` of a local: the local (the crate pass follows it to the
    /// call that built the future).
    pub local: Option<LocalId>,
}

/// An `.await` outside async code (E0728).
#[derive(Clone, Debug)]
pub struct BadAwait {
    pub range: Range<usize>,
    /// The kind of the body it is in.
    pub kind: BodyKind,
    /// The enclosing fn's name, for a fn body.
    pub fn_name: Option<String>,
}

/// A `!Send` local of an outer scope captured by an async block.
#[derive(Clone, Debug)]
pub struct Captured {
    pub site: OuterUse,
    /// What the local is, as rule messages print it ("an `Rc`").
    pub what: &'static str,
}

/// A local of an outer scope (or `self`) used inside an async block.
#[derive(Clone, Debug)]
pub struct OuterUse {
    /// The async block.
    pub body: BodyId,
    pub name: String,
    /// The use site.
    pub range: Range<usize>,
    /// The use moves the value (a `move`-less block then owns it).
    pub moved: bool,
}

/// An async block handed to a spawner.
#[derive(Clone, Debug)]
pub struct SpawnedBlock {
    pub body: BodyId,
    /// Written `async move`.
    pub is_move: bool,
    /// The `async` (and `move`) keywords.
    pub keyword: Range<usize>,
    /// The spawner, in words (`` `tokio::spawn` ``).
    pub spawner: String,
}

/// A snippet async fn whose future must be `Send`.
#[derive(Clone, Debug)]
pub struct SendTarget {
    pub name: String,
    pub is_method: bool,
    /// Why, in words.
    pub why: String,
}

/// A call of a snippet async fn.
#[derive(Clone, Debug)]
pub struct AsyncCall {
    /// The body the call is in.
    pub body: BodyId,
    pub name: String,
    pub is_method: bool,
}

/// All facts about a snippet.
pub struct Model<'a> {
    pub text: &'a str,
    pub snippet: &'a Snippet,
    pub names: Names,
    pub runtime: Runtime,
    pub bodies: Vec<Body>,
    pub fns: Vec<FnInfo<'a>>,
    pub calls: Vec<Call<'a>>,
    pub locals: Vec<Local>,
    pub lives: Vec<Live>,
    pub holds: Vec<Hold>,
    pub selects: Vec<Select<'a>>,
    pub loops: Vec<LoopInfo>,
    pub mut_ref_polls: Vec<MutRefPoll>,
    pub polls: Vec<PollFn>,
    /// `async { .. };` statements and `let _ = async { .. };`.
    pub discarded_blocks: Vec<Range<usize>>,
    /// Every `.await` (and `select!`/`join!`).
    pub awaits: Vec<AwaitPoint>,
    /// `.await` outside async code.
    pub bad_awaits: Vec<BadAwait>,
    /// `!Send` locals (`Rc`, `ThreadRng`) of an outer scope used inside an
    /// async block, which captures them.
    pub captures: Vec<Captured>,
    /// Outer locals (and `self`) used inside an async block. A block
    /// without `move` captures by reference the ones only borrowed there.
    pub borrows: Vec<OuterUse>,
    /// Sync fns of the snippet that async code calls: fn body -> (fn name, a call site).
    pub reached_via: HashMap<BodyId, (String, Range<usize>)>,
    /// Sync fns that async code in other files of the crate reaches: fn
    /// body -> (fn name, the chain of calls, in words).
    pub reached_from_crate: HashMap<BodyId, (String, String)>,
    /// Fn bodies whose `LocalSet` the crate's other files know (see
    /// `seeds.rs`): run with none, from an entry (the chain, in words), or
    /// inside one.
    pub local_set_from_crate: HashMap<BodyId, LocalSetSeed>,
    /// Async blocks handed to a spawner.
    pub spawned_blocks: Vec<SpawnedBlock>,
    /// Calls handed straight to a runtime's `block_on` (`rt.block_on(run())`):
    /// the call's range and the runtime's flavor, which the future the
    /// call builds runs on.
    pub block_on_calls: Vec<(Range<usize>, RuntimeFlavor)>,
    /// Snippet async fns whose future must be `Send` (spawned, axum handlers).
    pub(crate) send_targets: Vec<SendTarget>,
    /// Calls of snippet async fns.
    pub(crate) async_calls: Vec<AsyncCall>,
    /// The statements of every block, for fixes: walked once, on the
    /// first fix that asks (`rules::fixkit::blocks`).
    pub(crate) fix_blocks: std::sync::OnceLock<Vec<crate::analysis::rules::fixkit::BlockStmts>>,
}

impl<'a> Model<'a> {
    pub fn build(
        text: &'a str,
        snippet: &'a Snippet,
        store: &'a MacroStore,
        runtime: Runtime,
    ) -> Model<'a> {
        Self::build_seeded(text, snippet, store, runtime, &Seeds::default())
    }

    /// [`Model::build`] with the facts the rest of the crate knows about
    /// this file's fns (`seeds`), applied before the in-file propagation
    /// so that it carries them on.
    pub fn build_seeded(
        text: &'a str,
        snippet: &'a Snippet,
        store: &'a MacroStore,
        runtime: Runtime,
        seeds: &Seeds,
    ) -> Model<'a> {
        let mut names = Names::default();
        for t in &snippet.toks {
            if t.kind == super::lexer::TokKind::Ident {
                let w = t.text(text);
                if !names.idents.contains(w) {
                    names.idents.insert(w.to_string());
                }
            }
        }
        for u in &snippet.units {
            names::collect(&mut names, &u.file, &|d| {
                u.start_of(d.open())..u.end_of(d.close()).max(u.start_of(d.open()))
            });
        }
        let runtime = effective_runtime(runtime, &names);
        let mut m = Model {
            text,
            snippet,
            names,
            runtime,
            bodies: Vec::new(),
            fns: Vec::new(),
            calls: Vec::new(),
            locals: Vec::new(),
            lives: Vec::new(),
            holds: Vec::new(),
            selects: Vec::new(),
            loops: Vec::new(),
            mut_ref_polls: Vec::new(),
            polls: Vec::new(),
            discarded_blocks: Vec::new(),
            awaits: Vec::new(),
            bad_awaits: Vec::new(),
            captures: Vec::new(),
            borrows: Vec::new(),
            spawned_blocks: Vec::new(),
            block_on_calls: Vec::new(),
            reached_via: HashMap::new(),
            reached_from_crate: HashMap::new(),
            local_set_from_crate: HashMap::new(),
            send_targets: Vec::new(),
            async_calls: Vec::new(),
            fix_blocks: std::sync::OnceLock::new(),
        };
        for (i, unit) in snippet.units.iter().enumerate() {
            walk::walk_unit(&mut m, store, i, unit);
        }
        apply_seeds(&mut m, seeds);
        walk::propagate_send(&mut m);
        reach::propagate(&mut m);
        tokens::scan(&mut m);
        m
    }

    /// The context a body's code runs in.
    pub fn body_ctx(&self, b: BodyId) -> Ctx {
        let mut cur = Some(b);
        let mut maybe = false;
        while let Some(id) = cur {
            let body = &self.bodies[id];
            match body.kind {
                BodyKind::AsyncFn
                | BodyKind::AsyncBlock
                | BodyKind::AsyncClosure
                | BodyKind::PollFn => {
                    return if maybe { Ctx::MaybeAsync } else { Ctx::Async };
                }
                BodyKind::SyncFn | BodyKind::Const => return Ctx::Sync,
                BodyKind::Closure(ClosureRole::Exempt(why)) => return Ctx::Exempt(why),
                BodyKind::Closure(ClosureRole::Maybe) => maybe = true,
                BodyKind::Closure(ClosureRole::Inline) => {}
            }
            cur = body.parent;
        }
        Ctx::Sync
    }

    /// Why the future running this body must be `Send`, if it must.
    pub fn send_reason(&self, b: BodyId) -> Option<&SendReason> {
        self.same_future(b)
            .find_map(|id| self.bodies[id].send.as_ref())
    }

    /// `b` and the bodies around it that belong to the same future,
    /// innermost first: up to and including the fn body, or the async
    /// block handed to a spawner or `block_on`, that is a future of its own.
    pub fn same_future(&self, b: BodyId) -> impl Iterator<Item = BodyId> + '_ {
        let mut cur = Some(b);
        std::iter::from_fn(move || {
            let id = cur?;
            let body = self.bodies.get(id)?;
            let own_future = match body.kind {
                BodyKind::AsyncFn | BodyKind::SyncFn | BodyKind::PollFn | BodyKind::Const => true,
                BodyKind::AsyncBlock => body.detached,
                _ => false,
            };
            cur = if own_future { None } else { body.parent };
            Some(id)
        })
    }

    /// The innermost fn enclosing a body.
    pub fn enclosing_fn(&self, b: BodyId) -> Option<&FnInfo<'a>> {
        let mut cur = Some(b);
        while let Some(id) = cur {
            if let Some(i) = self.bodies[id].fn_index {
                return self.fns.get(i);
            }
            cur = self.bodies[id].parent;
        }
        None
    }

    /// The runtime flavor the future a call builds runs on, when the call
    /// is handed straight to a `block_on`.
    pub fn block_on_flavor(&self, call: &Range<usize>) -> Option<&RuntimeFlavor> {
        self.block_on_calls
            .iter()
            .find(|(r, _)| r == call)
            .map(|(_, f)| f)
    }

    /// The runtime flavor a body runs on, with why, when the snippet says.
    pub fn flavor(&self, b: BodyId) -> Option<&RuntimeFlavor> {
        let mut cur = Some(b);
        while let Some(id) = cur {
            if let Some(f) = &self.bodies[id].flavor {
                return Some(f);
            }
            cur = self.bodies[id].parent;
        }
        None
    }

    /// Source text of a byte range, whitespace runs collapsed.
    pub fn snippet_text(&self, r: &Range<usize>) -> String {
        let s = self.text.get(r.clone()).unwrap_or("");
        let mut out = String::with_capacity(s.len());
        let mut ws = false;
        for c in s.chars() {
            if c.is_whitespace() {
                ws = true;
            } else {
                if ws && !out.is_empty() {
                    out.push(' ');
                }
                ws = false;
                out.push(c);
            }
        }
        out
    }
}

/// Marks the fns the crate's other files reach (see `seeds.rs`).
fn apply_seeds(m: &mut Model<'_>, seeds: &Seeds) {
    if seeds.is_empty() {
        return;
    }
    for i in 0..m.fns.len() {
        let (start, body) = (m.fns[i].sig_range.start, m.fns[i].body);
        if let Some(why) = seeds.reached.get(&start)
            && !m.fns[i].is_async
        {
            let name = m.fns[i].name.clone();
            m.reached_from_crate.insert(body, (name, why.clone()));
        }
        if let Some(why) = seeds.current_thread.get(&start)
            && m.bodies[body].flavor.is_none()
        {
            m.bodies[body].flavor = Some(RuntimeFlavor {
                flavor: Flavor::CurrentThread,
                why: why.clone(),
            });
        }
        if let Some(l) = seeds.local_set.get(&start) {
            m.local_set_from_crate.insert(body, l.clone());
        }
        if let Some(why) = seeds.send.get(&start)
            && m.fns[i].is_async
            && m.bodies[body].send.is_none()
        {
            m.bodies[body].send = Some(SendReason::Crate(why.clone()));
        }
    }
}

/// A tokio default is overridden by a snippet that only uses another runtime.
fn effective_runtime(asked: Runtime, names: &Names) -> Runtime {
    if asked != Runtime::Tokio || names.uses_crate("tokio") {
        return asked;
    }
    if names.uses_crate("async_std") {
        Runtime::AsyncStd
    } else if names.uses_crate("smol") {
        Runtime::Smol
    } else {
        asked
    }
}
