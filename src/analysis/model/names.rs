//! What names mean in this snippet: its `use` lines, the items it defines,
//! and the identifiers it mentions at all.
//!
//! A `use` line inside a block or a module counts for the whole snippet
//! when nothing else imports that name (pasted code is often cut from a
//! larger file); where the same name is imported at the top level too,
//! code inside that block or module resolves it to its own import
//! (`resolve_in`) and code elsewhere to the top-level one. A finding that
//! depends on an unresolved name says what it assumed.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

/// Crate roots whose paths are taken as written.
const KNOWN_ROOTS: &[&str] = &[
    "std",
    "core",
    "alloc",
    "tokio",
    "futures",
    "futures_util",
    "futures_lite",
    "async_std",
    "smol",
    "parking_lot",
    "crossbeam",
    "crossbeam_channel",
    "reqwest",
    "ureq",
    "rayon",
    "tracing",
    "hyper",
    "async_channel",
    "flume",
    "dashmap",
    "tokio_util",
    "tokio_stream",
    "spin",
    "pollster",
    "actix_web",
    "actix_rt",
    "async_lock",
    "blocking",
    "bcrypt",
    "argon2",
    "pbkdf2",
    "scrypt",
    "sha2",
    "md5",
    "blake3",
    "flate2",
    "zstd",
    "brotli",
    "serde_json",
    "anyhow",
    "axum",
    "tower",
    "rmcp",
    "sqlx",
    "diesel",
    "postgres",
    "rusqlite",
    "redis",
    "wasm_bindgen_futures",
    "glib",
    "log",
];

/// Re-exports that are the same item as their source: resolved to the
/// source, so that `tokio::time::Duration` (which is `std::time::Duration`)
/// does not read as a use of tokio's timers.
const REEXPORTS: &[(&[&str], &[&str])] =
    &[(&["tokio", "time", "Duration"], &["std", "time", "Duration"])];

fn canonical(mut v: Vec<String>) -> Vec<String> {
    for (from, to) in REEXPORTS {
        if v.len() >= from.len() && v.iter().zip(from.iter()).all(|(a, b)| a == b) {
            v.splice(0..from.len(), to.iter().map(|s| s.to_string()));
            break;
        }
    }
    v
}

/// What a glob import of a well-known module brings in (only names rules care about).
const GLOB_EXPORTS: &[(&str, &[&str])] = &[
    (
        "std::thread",
        &[
            "sleep",
            "spawn",
            "scope",
            "Builder",
            "JoinHandle",
            "yield_now",
        ],
    ),
    (
        "tokio::time",
        &[
            "sleep",
            "sleep_until",
            "timeout",
            "timeout_at",
            "interval",
            "interval_at",
            "Instant",
            "Sleep",
        ],
    ),
    (
        "async_std::task",
        &[
            "sleep",
            "spawn",
            "block_on",
            "spawn_blocking",
            "spawn_local",
        ],
    ),
    (
        "std::sync",
        &["Mutex", "RwLock", "Arc", "mpsc", "Condvar", "Barrier"],
    ),
    (
        "tokio::sync",
        &[
            "Mutex",
            "RwLock",
            "mpsc",
            "oneshot",
            "broadcast",
            "watch",
            "Notify",
            "Semaphore",
            "Barrier",
        ],
    ),
    (
        "std::fs",
        &[
            "File",
            "OpenOptions",
            "read",
            "read_to_string",
            "write",
            "read_dir",
            "create_dir_all",
            "remove_file",
            "metadata",
            "copy",
            "rename",
        ],
    ),
    (
        "tokio::fs",
        &[
            "File",
            "OpenOptions",
            "read",
            "read_to_string",
            "write",
            "read_dir",
            "create_dir_all",
            "remove_file",
            "metadata",
            "copy",
            "rename",
        ],
    ),
    ("std::net", &["TcpStream", "TcpListener", "UdpSocket"]),
    ("tokio::net", &["TcpStream", "TcpListener", "UdpSocket"]),
    ("std::process", &["Command"]),
    ("tokio::process", &["Command"]),
    (
        "tokio::task",
        &[
            "spawn",
            "spawn_blocking",
            "spawn_local",
            "block_in_place",
            "LocalSet",
            "JoinSet",
            "yield_now",
        ],
    ),
    ("std::io", &["stdin", "stdout", "Read", "Write", "BufRead"]),
    (
        "tokio::io",
        &[
            "stdin",
            "stdout",
            "AsyncReadExt",
            "AsyncWriteExt",
            "AsyncBufReadExt",
        ],
    ),
    ("futures::executor", &["block_on"]),
    (
        "futures",
        &[
            "select",
            "join",
            "pin_mut",
            "FutureExt",
            "StreamExt",
            "executor",
        ],
    ),
    (
        "tokio",
        &[
            "spawn", "select", "join", "pin", "main", "test", "time", "sync", "task", "fs", "net",
            "io",
        ],
    ),
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum How {
    /// Written as a full path from a known crate.
    Exact,
    /// Through a `use` line.
    Use,
    /// An item the snippet defines.
    Local,
    /// Not resolved: taken as written.
    Unresolved,
}

/// A resolved path: segments from the crate root.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub segs: Vec<String>,
    pub how: How,
}

impl Resolved {
    pub fn last(&self) -> &str {
        self.segs.last().map(|s| s.as_str()).unwrap_or("")
    }
    /// The path is exactly `path` (`"tokio::time::sleep"`).
    pub fn is(&self, path: &str) -> bool {
        self.matches(path, true)
    }
    /// The path begins with the segments of `prefix` (`"tokio::sync"`).
    pub fn starts_with(&self, prefix: &str) -> bool {
        self.matches(prefix, false)
    }
    /// Compares segment by segment without splitting `path` into a new
    /// vector or searching it for `"::"` (these run for every call of the
    /// snippet against every known API).
    fn matches(&self, path: &str, whole: bool) -> bool {
        let mut segs = self.segs.iter();
        let mut rest = path;
        loop {
            let end = rest.bytes().position(|b| b == b':').unwrap_or(rest.len());
            let (head, tail) = rest.split_at(end);
            if segs.next().is_none_or(|s| s != head) {
                return false;
            }
            if tail.is_empty() {
                return !whole || segs.next().is_none();
            }
            match tail.strip_prefix("::") {
                Some(t) => rest = t,
                None => return false,
            }
        }
    }
    /// The crate root (first segment).
    pub fn root(&self) -> &str {
        self.segs.first().map(|s| s.as_str()).unwrap_or("")
    }
    pub fn text(&self) -> String {
        self.segs.join("::")
    }
    pub fn unresolved(&self) -> bool {
        self.how == How::Unresolved
    }
}

/// A function the snippet defines.
#[derive(Clone, Debug)]
pub struct DefinedFn {
    pub is_async: bool,
    pub has_self: bool,
    /// A free fn (not in an `impl` or a trait): bare calls can reach it.
    pub free: bool,
}

#[derive(Default)]
pub struct Names {
    /// `use` lines at the top level of the snippet (not in a block or a module).
    map: HashMap<String, Vec<String>>,
    /// `use` lines inside a block or a module: name -> full path (the last one wins).
    nested: HashMap<String, Vec<String>>,
    /// The same, with the range of their block or module in the user's text.
    scoped: Vec<(Range<usize>, String, Vec<String>)>,
    globs: Vec<Vec<String>>,
    /// Globs of modules we know nothing about (`use super::*`).
    pub opaque_glob: bool,
    /// Types, modules, consts and fns defined in the snippet.
    items: HashSet<String>,
    /// Every fn/method the snippet defines, by name.
    pub fns: HashMap<String, Vec<DefinedFn>>,
    /// Field name -> the distinct types it has in the snippet's structs.
    pub fields: HashMap<String, Vec<syn::Type>>,
    /// Every identifier in the text (including macro bodies and broken parts).
    pub idents: HashSet<String>,
    /// Snippet fns that run a closure parameter on a blocking thread
    /// (`fn asyncify<F: FnOnce()>(f: F) { spawn_blocking(f) }`).
    pub offloaders: HashSet<String>,
    /// `type Db = Arc<Mutex<Conn>>;` aliases of the snippet, expanded by `type_paths`.
    pub aliases: HashMap<String, syn::Type>,
}

impl Names {
    /// A `use` line; `scope` is the range of the block or module it sits in
    /// (`None` at the top level).
    pub fn add_use_in(
        &mut self,
        tree: &syn::UseTree,
        prefix: &mut Vec<String>,
        scope: Option<&Range<usize>>,
    ) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.add_use_in(&p.tree, prefix, scope);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.last() {
                        self.import(last.clone(), prefix.clone(), scope);
                    }
                } else {
                    let mut full = prefix.clone();
                    full.push(name.clone());
                    self.import(name, full, scope);
                }
            }
            syn::UseTree::Rename(r) => {
                let name = r.ident.to_string();
                let mut full = prefix.clone();
                if name != "self" {
                    full.push(name);
                }
                let alias = r.rename.to_string();
                if alias != "_" {
                    self.import(alias, full, scope);
                }
            }
            syn::UseTree::Glob(_) => {
                let known = GLOB_EXPORTS.iter().any(|(m, _)| *m == prefix.join("::"));
                if known {
                    self.globs.push(prefix.clone());
                } else if !prefix.is_empty() && !KNOWN_ROOTS.contains(&prefix[0].as_str()) {
                    self.opaque_glob = true;
                }
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.add_use_in(t, prefix, scope);
                }
            }
        }
    }

    fn import(&mut self, name: String, full: Vec<String>, scope: Option<&Range<usize>>) {
        match scope {
            None => {
                self.map.insert(name, full);
            }
            Some(r) => {
                self.scoped.push((r.clone(), name.clone(), full.clone()));
                self.nested.insert(name, full);
            }
        }
    }

    /// The imports of the blocks and inline modules around a position:
    /// (alias, full path).
    pub fn scoped_at(&self, at: usize) -> impl Iterator<Item = (&str, &Vec<String>)> {
        self.scoped
            .iter()
            .filter(move |(r, _, _)| r.start <= at && at < r.end)
            .map(|(_, n, v)| (n.as_str(), v))
    }

    /// The import of a name seen from anywhere: the top-level one, else one
    /// from inside some block or module.
    fn imported(&self, name: &str) -> Option<&Vec<String>> {
        self.map.get(name).or_else(|| self.nested.get(name))
    }

    pub fn add_item(&mut self, name: String) {
        self.items.insert(name);
    }

    pub fn add_fn(&mut self, name: String, f: DefinedFn) {
        self.fns.entry(name).or_default().push(f);
    }

    pub fn mentions(&self, ident: &str) -> bool {
        self.idents.contains(ident)
    }

    /// Resolves a path as written (`["thread", "sleep"]`).
    pub fn resolve<S: AsRef<str>>(&self, segs: &[S]) -> Resolved {
        let segs: Vec<&str> = segs.iter().map(|s| s.as_ref()).collect();
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let Some(&first) = segs.first() else {
            return Resolved {
                segs: Vec::new(),
                how: How::Unresolved,
            };
        };
        if matches!(first, "crate" | "self" | "super" | "Self") {
            return Resolved {
                segs: owned(&segs),
                how: How::Local,
            };
        }
        let free_fn = self
            .fns
            .get(first)
            .is_some_and(|v| v.iter().any(|f| f.free));
        if segs.len() == 1 && free_fn && self.imported(first).is_none() {
            return Resolved {
                segs: owned(&segs),
                how: How::Local,
            };
        }
        if let Some(full) = self.imported(first) {
            let mut v = full.clone();
            v.extend(segs[1..].iter().map(|s| s.to_string()));
            return Resolved {
                segs: canonical(v),
                how: How::Use,
            };
        }
        if self.items.contains(first) {
            return Resolved {
                segs: owned(&segs),
                how: How::Local,
            };
        }
        if segs.len() > 1 && KNOWN_ROOTS.contains(&first) {
            return Resolved {
                segs: canonical(owned(&segs)),
                how: How::Exact,
            };
        }
        for g in &self.globs {
            let module = g.join("::");
            if let Some((_, names)) = GLOB_EXPORTS.iter().find(|(m, _)| *m == module)
                && names.contains(&first)
            {
                let mut v = g.clone();
                v.extend(segs.iter().map(|s| s.to_string()));
                return Resolved {
                    segs: v,
                    how: How::Use,
                };
            }
        }
        Resolved {
            segs: owned(&segs),
            how: How::Unresolved,
        }
    }

    pub fn resolve_path(&self, p: &syn::Path) -> Resolved {
        let segs: Vec<String> = p.segments.iter().map(|s| s.ident.to_string()).collect();
        self.resolve(&segs)
    }

    /// Resolves a path written at a position (`at` is asked for only when
    /// a block or module imports the path's first name): the import of
    /// the innermost block or module around it wins.
    pub fn resolve_in<S: AsRef<str>>(&self, segs: &[S], at: impl FnOnce() -> usize) -> Resolved {
        if let Some(first) = segs.first().map(|s| s.as_ref())
            && !self.scoped.is_empty()
            && self.nested.contains_key(first)
        {
            let at = at();
            let inner = self
                .scoped
                .iter()
                .filter(|(r, n, _)| n == first && r.start <= at && at < r.end)
                .min_by_key(|(r, _, _)| r.len());
            if let Some((_, _, full)) = inner {
                let mut v = full.clone();
                v.extend(segs[1..].iter().map(|s| s.as_ref().to_string()));
                return Resolved {
                    segs: canonical(v),
                    how: How::Use,
                };
            }
        }
        self.resolve(segs)
    }

    /// True when some fn the snippet defines has this name and is async,
    /// and none of that name is sync (else the name is ambiguous).
    pub fn async_fn(&self, name: &str, method: bool) -> bool {
        match self.fns.get(name) {
            Some(v) => {
                v.iter().all(|f| f.is_async) && v.iter().any(|f| f.has_self == method || !method)
            }
            None => false,
        }
    }

    /// Where a crate is used at all (a `use` line or a path).
    pub fn uses_crate(&self, root: &str) -> bool {
        self.idents.contains(root)
            || self
                .imports()
                .any(|v| v.first().map(|s| s.as_str()) == Some(root))
    }

    /// The full paths of every `use` import.
    pub fn imports(&self) -> impl Iterator<Item = &Vec<String>> {
        self.map
            .values()
            .chain(self.scoped.iter().map(|(_, _, v)| v))
    }
}

/// Collects the snippet-wide facts of `Names` from a tree; `range` maps the
/// braces of a block or module to its byte range in the user's text.
pub fn collect(
    names: &mut Names,
    file: &syn::File,
    range: &dyn Fn(&proc_macro2::extra::DelimSpan) -> Range<usize>,
) {
    use syn::visit::Visit;
    struct V<'n, 'r> {
        n: &'n mut Names,
        range: &'r dyn Fn(&proc_macro2::extra::DelimSpan) -> Range<usize>,
        /// Blocks and modules around the current item, innermost last.
        scopes: Vec<Range<usize>>,
    }
    impl<'ast> Visit<'ast> for V<'_, '_> {
        fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
            self.n
                .add_use_in(&u.tree, &mut Vec::new(), self.scopes.last());
        }
        fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
            if !f.sig.ident.to_string().starts_with("__rust_async_skill") {
                // `#[tokio::main]` / `#[tokio::test]` turn an async fn into a sync one.
                let runtime_attr = f.attrs.iter().any(|a| {
                    a.path()
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "main" || s.ident == "test")
                        && a.path().segments.len() > 1
                });
                self.n.add_fn(
                    f.sig.ident.to_string(),
                    DefinedFn {
                        is_async: f.sig.asyncness.is_some() && !runtime_attr,
                        has_self: f.sig.receiver().is_some(),
                        free: true,
                    },
                );
                if offloads(&f.sig, &f.block) {
                    self.n.offloaders.insert(f.sig.ident.to_string());
                }
            }
            syn::visit::visit_item_fn(self, f);
        }
        fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
            if offloads(&f.sig, &f.block) {
                self.n.offloaders.insert(f.sig.ident.to_string());
            }
            self.n.add_fn(
                f.sig.ident.to_string(),
                DefinedFn {
                    is_async: f.sig.asyncness.is_some(),
                    has_self: f.sig.receiver().is_some(),
                    free: false,
                },
            );
            syn::visit::visit_impl_item_fn(self, f);
        }
        fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
            self.n.add_fn(
                f.sig.ident.to_string(),
                DefinedFn {
                    is_async: f.sig.asyncness.is_some(),
                    has_self: f.sig.receiver().is_some(),
                    free: false,
                },
            );
            syn::visit::visit_trait_item_fn(self, f);
        }
        fn visit_item_struct(&mut self, s: &'ast syn::ItemStruct) {
            self.n.add_item(s.ident.to_string());
            for f in &s.fields {
                if let Some(id) = &f.ident {
                    // Each distinct type once: a name's readers ask whether
                    // all its types agree, once per call on `self.name`,
                    // and a file that repeats one struct shape must not
                    // make that a scan over every copy.
                    let types = self.n.fields.entry(id.to_string()).or_default();
                    if !types.contains(&f.ty) {
                        types.push(f.ty.clone());
                    }
                }
            }
            syn::visit::visit_item_struct(self, s);
        }
        fn visit_item_enum(&mut self, e: &'ast syn::ItemEnum) {
            self.n.add_item(e.ident.to_string());
            syn::visit::visit_item_enum(self, e);
        }
        fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
            self.n.add_item(m.ident.to_string());
            let scoped = m.content.as_ref().map(|(b, _)| (self.range)(&b.span));
            let pushed = scoped.is_some();
            self.scopes.extend(scoped);
            syn::visit::visit_item_mod(self, m);
            if pushed {
                self.scopes.pop();
            }
        }
        fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
            self.n.add_item(t.ident.to_string());
            syn::visit::visit_item_trait(self, t);
        }
        fn visit_item_type(&mut self, t: &'ast syn::ItemType) {
            self.n.add_item(t.ident.to_string());
            self.n.aliases.insert(t.ident.to_string(), (*t.ty).clone());
            syn::visit::visit_item_type(self, t);
        }
        fn visit_item_const(&mut self, c: &'ast syn::ItemConst) {
            self.n.add_item(c.ident.to_string());
            syn::visit::visit_item_const(self, c);
        }
        fn visit_item_static(&mut self, c: &'ast syn::ItemStatic) {
            self.n.add_item(c.ident.to_string());
            syn::visit::visit_item_static(self, c);
        }
        // Expressions cannot define names that matter here; skipping them keeps this pass cheap.
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            if let syn::Expr::Block(b) = e {
                for s in &b.block.stmts {
                    if let syn::Stmt::Item(i) = s {
                        self.visit_item(i);
                    }
                }
            }
        }
        fn visit_block(&mut self, b: &'ast syn::Block) {
            let has_use = b
                .stmts
                .iter()
                .any(|s| matches!(s, syn::Stmt::Item(syn::Item::Use(_))));
            if has_use {
                self.scopes.push((self.range)(&b.brace_token.span));
            }
            for s in &b.stmts {
                match s {
                    syn::Stmt::Item(i) => self.visit_item(i),
                    syn::Stmt::Expr(e, _) => self.visit_nested(e),
                    syn::Stmt::Local(l) => {
                        if let Some(init) = &l.init {
                            self.visit_nested(&init.expr);
                        }
                    }
                    _ => {}
                }
            }
            if has_use {
                self.scopes.pop();
            }
        }
    }
    impl V<'_, '_> {
        /// Items nested in blocks of expressions (a `use` inside an `async` block).
        fn visit_nested(&mut self, e: &syn::Expr) {
            let mut stack = vec![e];
            while let Some(e) = stack.pop() {
                match e {
                    syn::Expr::Block(b) => self.visit_block(&b.block),
                    syn::Expr::Async(b) => self.visit_block(&b.block),
                    syn::Expr::Unsafe(b) => self.visit_block(&b.block),
                    syn::Expr::Closure(c) => stack.push(&c.body),
                    syn::Expr::Call(c) => stack.extend(c.args.iter()),
                    syn::Expr::MethodCall(c) => {
                        stack.push(&c.receiver);
                        stack.extend(c.args.iter())
                    }
                    syn::Expr::Loop(l) => self.visit_block(&l.body),
                    syn::Expr::While(l) => self.visit_block(&l.body),
                    syn::Expr::ForLoop(l) => self.visit_block(&l.body),
                    syn::Expr::If(i) => {
                        self.visit_block(&i.then_branch);
                        if let Some((_, e)) = &i.else_branch {
                            stack.push(e);
                        }
                    }
                    syn::Expr::Match(m) => stack.extend(m.arms.iter().map(|a| &*a.body)),
                    _ => {}
                }
            }
        }
    }
    V {
        n: names,
        range,
        scopes: Vec::new(),
    }
    .visit_file(file);
}

/// Does this fn take a closure and run it on a blocking thread?
fn offloads(sig: &syn::Signature, body: &syn::Block) -> bool {
    use syn::visit::Visit;
    /// A path segment naming a closure trait (`Fn`, `FnOnce`, `AsyncFnMut`...).
    #[derive(Default)]
    struct MentionsFn(bool);
    impl<'ast> Visit<'ast> for MentionsFn {
        fn visit_path_segment(&mut self, s: &'ast syn::PathSegment) {
            if !self.0 && s.ident.to_string().contains("Fn") {
                self.0 = true;
            }
            syn::visit::visit_path_segment(self, s);
        }
    }
    let mut closure = MentionsFn::default();
    for p in &sig.generics.params {
        if let syn::GenericParam::Type(t) = p {
            t.bounds
                .iter()
                .for_each(|b| closure.visit_type_param_bound(b));
        }
    }
    for i in &sig.inputs {
        if let syn::FnArg::Typed(t) = i {
            closure.visit_type(&t.ty);
        }
    }
    if let Some(w) = &sig.generics.where_clause {
        closure.visit_where_clause(w);
    }
    if !closure.0 {
        return false;
    }
    struct F {
        found: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for F {
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            if let syn::Expr::Path(p) = &*c.func {
                let segs = super::syntax::path_idents(&p.path);
                let last = segs.last().map(|s| s.as_str()).unwrap_or("");
                let thread = last == "spawn" && segs.len() >= 2 && segs[segs.len() - 2] == "thread";
                if matches!(last, "spawn_blocking" | "block_in_place" | "unblock") || thread {
                    self.found = true;
                }
            }
            syn::visit::visit_expr_call(self, c);
        }
        fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
            if c.method == "spawn_blocking" {
                self.found = true;
            }
            syn::visit::visit_expr_method_call(self, c);
        }
    }
    let mut f = F { found: false };
    syn::visit::Visit::visit_block(&mut f, body);
    f.found
}

/// Every resolved type path inside a type, outermost first
/// (`Arc<tokio::sync::Mutex<u8>>` -> `std::sync::Arc`?, `tokio::sync::Mutex`, `u8`).
pub fn type_paths(names: &Names, ty: &syn::Type, out: &mut Vec<Resolved>) {
    let mut stack = vec![ty];
    let mut expanded = 0;
    while let Some(t) = stack.pop() {
        match t {
            syn::Type::Path(p) => {
                // A snippet type alias stands for its definition.
                if p.path.segments.len() == 1
                    && expanded < 8
                    && let Some(def) = names.aliases.get(&p.path.segments[0].ident.to_string())
                {
                    expanded += 1;
                    stack.push(def);
                    continue;
                }
                out.push(names.resolve_path(&p.path));
                // Generic arguments, left to right (pushed in reverse).
                let mut inner = Vec::new();
                for seg in &p.path.segments {
                    if let syn::PathArguments::AngleBracketed(a) = &seg.arguments {
                        for arg in &a.args {
                            if let syn::GenericArgument::Type(t) = arg {
                                inner.push(t);
                            }
                        }
                    }
                }
                stack.extend(inner.into_iter().rev());
            }
            syn::Type::Reference(r) => stack.push(&r.elem),
            syn::Type::Paren(p) => stack.push(&p.elem),
            syn::Type::Group(g) => stack.push(&g.elem),
            syn::Type::Ptr(p) => stack.push(&p.elem),
            syn::Type::Slice(s) => stack.push(&s.elem),
            syn::Type::Array(a) => stack.push(&a.elem),
            syn::Type::Tuple(t) => stack.extend(t.elems.iter().rev()),
            syn::Type::ImplTrait(i) => {
                for b in &i.bounds {
                    if let syn::TypeParamBound::Trait(tb) = b {
                        out.push(names.resolve_path(&tb.path));
                    }
                }
            }
            syn::Type::TraitObject(i) => {
                for b in &i.bounds {
                    if let syn::TypeParamBound::Trait(tb) = b {
                        out.push(names.resolve_path(&tb.path));
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Names {
        let mut n = Names::default();
        collect(&mut n, &syn::parse_str(src).unwrap(), &|d| {
            d.open().byte_range().start..d.close().byte_range().end
        });
        n
    }

    #[test]
    fn a_field_name_keeps_each_distinct_type_once() {
        let copies = "struct A { client: reqwest::blocking::Client }\n".repeat(50);
        let n = names(&format!("{copies} struct B {{ client: reqwest::Client }}"));
        let types: Vec<String> = n.fields["client"]
            .iter()
            .map(|t| quote::ToTokens::to_token_stream(t).to_string())
            .collect();
        assert_eq!(
            types,
            ["reqwest :: blocking :: Client", "reqwest :: Client"]
        );
    }

    #[test]
    fn paths_match_whole_segments_only() {
        let r = |p: &str| Resolved {
            segs: p.split("::").map(String::from).collect(),
            how: How::Exact,
        };
        let sleep = r("tokio::time::sleep");
        assert!(sleep.is("tokio::time::sleep"));
        assert!(!sleep.is("tokio::time"));
        assert!(!sleep.is("tokio::time::sleep::x"));
        assert!(!sleep.is("tokio::time::sleep_until"));
        assert!(!sleep.is("tokio::tim::sleep"));
        assert!(!sleep.is("tokio:time::sleep"));
        for prefix in ["tokio", "tokio::time", "tokio::time::sleep"] {
            assert!(sleep.starts_with(prefix), "{prefix}");
        }
        for prefix in [
            "tok",
            "tokio::ti",
            "tokio::time::sleep::more",
            "std",
            "tokio::",
        ] {
            assert!(!sleep.starts_with(prefix), "{prefix}");
        }
        assert!(r("sleep").is("sleep"));
        assert!(!r("sleep").is("std::thread::sleep"));
    }

    #[test]
    fn resolves_use_lines() {
        let n = names(
            "use std::thread; use tokio::time::{sleep, Duration}; use std::sync::Mutex as M; use std::io::{self, Read};",
        );
        assert!(n.resolve(&["thread", "sleep"]).is("std::thread::sleep"));
        assert!(n.resolve(&["sleep"]).is("tokio::time::sleep"));
        assert!(n.resolve(&["M"]).is("std::sync::Mutex"));
        assert!(n.resolve(&["io", "stdin"]).is("std::io::stdin"));
        assert!(n.resolve(&["Mutex"]).unresolved());
    }

    #[test]
    fn local_items_win() {
        let n = names("fn sleep(ms: u64) {} async fn fetch() {}");
        assert_eq!(n.resolve(&["sleep"]).how, How::Local);
        assert!(n.async_fn("fetch", false));
    }

    #[test]
    fn block_and_module_imports_shadow_top_level_ones_only_inside() {
        let src = "use std::net::TcpListener;\nfn a() { TcpListener::bind(x); }\nfn b() { use tokio::net::TcpListener; TcpListener::bind(x); }\nmod m { use tokio::sync::Mutex; fn c() { Mutex::new(0); } }\nfn d() { Mutex::new(0); }";
        let n = names(src);
        let at = |needle: &str| {
            let i = src.find(needle).unwrap();
            move || i
        };
        let outside = at("TcpListener::bind");
        let inside = at("TcpListener::bind(x); }\nmod");
        assert!(
            n.resolve_in(&["TcpListener", "bind"], outside)
                .is("std::net::TcpListener::bind")
        );
        assert!(
            n.resolve_in(&["TcpListener", "bind"], inside)
                .is("tokio::net::TcpListener::bind")
        );
        assert!(n.resolve(&["TcpListener"]).is("std::net::TcpListener"));
        // Imported only inside a module: counts everywhere (pasted code).
        let in_d = src.rfind("Mutex::new").unwrap();
        assert!(n.resolve_in(&["Mutex"], || in_d).is("tokio::sync::Mutex"));
        assert!(
            n.imports()
                .any(|p| p.join("::") == "tokio::net::TcpListener")
        );
    }

    #[test]
    fn reexports_resolve_to_their_source() {
        let n = names("use tokio::time::{self, Duration, sleep};");
        assert!(
            n.resolve(&["Duration", "from_millis"])
                .is("std::time::Duration::from_millis")
        );
        assert!(n.resolve(&["time", "Duration"]).is("std::time::Duration"));
        assert!(n.resolve(&["sleep"]).is("tokio::time::sleep"));
        assert!(
            n.resolve(&["tokio", "time", "Duration"])
                .is("std::time::Duration")
        );
    }

    #[test]
    fn globs_of_known_modules() {
        let n = names("use std::thread::*;");
        assert!(n.resolve(&["sleep"]).is("std::thread::sleep"));
    }
}
