//! Phase 2a: the module trees of a package's crates and path resolution.
//!
//! Each target's root file starts a crate; `mod x;` items find their file
//! (`x.rs`, `x/mod.rs`, `#[path]`) among the package's files; inline
//! modules are modules of the same file. A file included by two crates
//! (a `mod util;` in both `lib.rs` and `main.rs`) is an instance in each.
//!
//! Paths resolve as rustc does for the cases that matter here: `crate::`,
//! `self::`, `super::`, the module's items, its `use` lines (followed, so
//! `pub use` re-exports work), glob imports when exactly one of them has
//! the name, and the package's library by its crate name from the other
//! targets. Two items of one name in a module (`#[cfg]` variants) make the
//! name ambiguous: no answer. Anything else (other crates, macros,
//! generics) has no answer either: the caller skips the call.

use super::summary::{FileSummary, Recv, Target};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

pub type ModId = usize;
pub type InstId = usize;
/// A fn or a type of one instance of a file: (instance, index in the summary).
pub type ItemRef = (InstId, usize);

/// Bounds the work on hostile inputs (import cycles, deep `super::` chains).
const MAX_DEPTH: usize = 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ns {
    Type,
    Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Def {
    Mod(ModId),
    Fn(ItemRef),
    Type(ItemRef),
}

struct Module {
    inst: InstId,
    local: usize,
    parent: Option<ModId>,
    krate: usize,
    /// `mod x;` children found on disk.
    external: Vec<(String, ModId)>,
}

/// A file as part of one crate.
pub struct Instance {
    pub file: usize,
    /// Module ids by the file's local module index.
    mods: Vec<ModId>,
}

struct Krate {
    root: ModId,
    /// The package library's root, for a non-library target.
    lib: Option<(String, ModId)>,
}

pub struct Crates<'s> {
    pub files: Vec<&'s FileSummary>,
    pub instances: Vec<Instance>,
    modules: Vec<Module>,
    krates: Vec<Krate>,
    /// Methods and associated fns of each type: (name, fn, in a trait impl).
    methods: HashMap<ItemRef, Vec<(String, ItemRef, bool)>>,
    /// The resolved self type of each impl: (instance, impl index) -> type.
    impl_types: HashMap<(InstId, usize), ItemRef>,
    /// Lookups left for the current question: glob imports that import
    /// each other could otherwise branch exponentially.
    budget: std::cell::Cell<u32>,
}

/// Lookups one question (a call's callee) may take.
const BUDGET: u32 = 4096;

/// A target's root file and whether it is the library.
pub struct Root {
    pub file: usize,
    pub is_lib: bool,
}

impl<'s> Crates<'s> {
    /// Builds the module trees. `paths[i]` is the file of `files[i]`;
    /// `lib_name` is how the other targets name the library.
    pub fn build(
        files: Vec<&'s FileSummary>,
        paths: &[PathBuf],
        roots: &[Root],
        lib_name: Option<&str>,
    ) -> Crates<'s> {
        // Summaries are checked here once (a cached one could be anything).
        static EMPTY: std::sync::LazyLock<FileSummary> =
            std::sync::LazyLock::new(FileSummary::empty);
        let files: Vec<&FileSummary> = files
            .into_iter()
            .map(|f| if f.is_valid() { f } else { &*EMPTY })
            .collect();
        let by_path: HashMap<&Path, usize> = paths
            .iter()
            .enumerate()
            .map(|(i, p)| (p.as_path(), i))
            .collect();
        let mut c = Crates {
            files,
            instances: Vec::new(),
            modules: Vec::new(),
            krates: Vec::new(),
            methods: HashMap::new(),
            impl_types: HashMap::new(),
            budget: std::cell::Cell::new(BUDGET),
        };
        // The library first, so that the others can name it.
        let mut order: Vec<&Root> = roots.iter().filter(|r| r.is_lib).collect();
        order.extend(roots.iter().filter(|r| !r.is_lib));
        let mut lib_root = None;
        // Every crate may include at most as many file instances as there are files.
        for r in order {
            let k = c.krates.len();
            let mut seen = HashSet::new();
            let dir = paths[r.file]
                .parent()
                .unwrap_or(Path::new(""))
                .to_path_buf();
            let root = c.instance(r.file, None, k, dir, paths, &by_path, &mut seen);
            let lib = match (r.is_lib, lib_name, lib_root) {
                (false, Some(n), Some(l)) => Some((n.to_string(), l)),
                _ => None,
            };
            if r.is_lib {
                lib_root = Some(root);
            }
            c.krates.push(Krate { root, lib });
        }
        c.index_methods();
        c
    }

    /// Adds an instance of `file` as a module under `parent`; `dir` is
    /// where its `mod x;` children live.
    #[allow(clippy::too_many_arguments)]
    fn instance(
        &mut self,
        file: usize,
        parent: Option<ModId>,
        krate: usize,
        dir: PathBuf,
        paths: &[PathBuf],
        by_path: &HashMap<&Path, usize>,
        seen: &mut HashSet<usize>,
    ) -> ModId {
        seen.insert(file);
        let inst = self.instances.len();
        self.instances.push(Instance {
            file,
            mods: Vec::new(),
        });
        let n = self.files[file].mods.len();
        let first = self.modules.len();
        for local in 0..n {
            self.modules.push(Module {
                inst,
                local,
                parent: None,
                krate,
                external: Vec::new(),
            });
        }
        self.instances[inst].mods = (first..first + n).collect();
        self.modules[first].parent = parent;
        for local in 1..n {
            let p = self.files[file].mods[local].parent.unwrap_or(0);
            self.modules[first + local].parent = Some(first + p);
        }
        // `mod x;` of each local module, with the folder it looks in.
        let file_dir = paths[file].parent().unwrap_or(Path::new("")).to_path_buf();
        let mut dirs: Vec<PathBuf> = vec![dir; n];
        for local in 1..n {
            let md = &self.files[file].mods[local];
            let p = md.parent.unwrap_or(0);
            dirs[local] = match &md.path_attr {
                Some(pa) => dirs[p].join(pa),
                None => dirs[p].join(&md.name),
            };
        }
        for (local, here) in dirs.iter().enumerate() {
            let externals = self.files[file].mods[local].external.clone();
            for (name, pa) in externals {
                let candidates: Vec<PathBuf> = match &pa {
                    Some(pa) if local == 0 => vec![file_dir.join(pa)],
                    Some(pa) => vec![here.join(pa)],
                    None => vec![
                        here.join(format!("{name}.rs")),
                        here.join(&name).join("mod.rs"),
                    ],
                };
                let Some(&child) = candidates
                    .iter()
                    .find_map(|p| by_path.get(normalize(p).as_path()))
                else {
                    continue;
                };
                if seen.contains(&child) {
                    continue;
                }
                let child_path = &paths[child];
                let child_dir = if child_path.file_name().is_some_and(|f| f == "mod.rs") {
                    child_path.parent().unwrap_or(Path::new("")).to_path_buf()
                } else {
                    let stem = child_path
                        .file_stem()
                        .map(|s| s.to_os_string())
                        .unwrap_or_default();
                    child_path.parent().unwrap_or(Path::new("")).join(stem)
                };
                let m = self.instance(
                    child,
                    Some(first + local),
                    krate,
                    child_dir,
                    paths,
                    by_path,
                    seen,
                );
                self.modules[first + local].external.push((name, m));
            }
        }
        first
    }

    fn index_methods(&mut self) {
        for inst in 0..self.instances.len() {
            let file = self.instances[inst].file;
            let s = &self.files[file];
            for (ii, im) in s.impls.iter().enumerate() {
                let m = self.instances[inst].mods[im.module];
                self.budget.set(BUDGET);
                if let Some(Def::Type(t)) = self.resolve(m, &im.self_ty, Ns::Type, 0) {
                    self.impl_types.insert((inst, ii), t);
                }
            }
            for (fi, f) in s.fns.iter().enumerate() {
                let Some(ii) = f.owner else { continue };
                let Some(&t) = self.impl_types.get(&(inst, ii)) else {
                    continue;
                };
                self.methods.entry(t).or_default().push((
                    f.name.clone(),
                    (inst, fi),
                    s.impls[ii].is_trait,
                ));
            }
        }
    }

    /// The fn a call of fn `caller` reaches, when the code says for sure.
    /// `globs` are the glob imports of the blocks around the call.
    pub fn callee(
        &self,
        caller: ItemRef,
        target: &Target,
        globs: &[Vec<String>],
    ) -> Option<ItemRef> {
        self.budget.set(BUDGET);
        let (inst, fi) = caller;
        let f = &self.files[self.instances[inst].file].fns[fi];
        let m = self.instances[inst].mods[f.module];
        let self_ty = || {
            f.owner
                .and_then(|ii| self.impl_types.get(&(inst, ii)).copied())
        };
        let resolve = |segs: &[String], ns: Ns| self.resolve_scoped(m, globs, segs, ns);
        match target {
            Target::Path(segs) => {
                if segs.len() == 2 && segs[0] == "Self" {
                    return self.method_of(self_ty()?, &segs[1]);
                }
                match resolve(segs, Ns::Value)? {
                    Def::Fn(g) => Some(g),
                    _ => None,
                }
            }
            Target::Method { name, recv, fields } => {
                let base = match recv {
                    Recv::SelfTy => self_ty()?,
                    // `let x = Self { .. };`
                    Recv::Ty(segs) if segs.len() == 1 && segs[0] == "Self" => self_ty()?,
                    Recv::Ty(segs) => match resolve(segs, Ns::Type)? {
                        Def::Type(t) => t,
                        _ => return None,
                    },
                    Recv::Ctor(segs) => self.made_by(segs, self_ty(), &resolve)?,
                };
                let ty = fields
                    .iter()
                    .try_fold(base, |ty, f| self.field_type(ty, f))?;
                self.method_of(ty, name)
            }
        }
    }

    /// The type a constructor call returns: a fn of the crate that returns
    /// `Self` (or its type, in a `Result`/`Option`), or `T::default()` of a
    /// type of the crate with no `default` of its own (the `Default` trait's,
    /// derived or not, returns `T`).
    fn made_by(
        &self,
        segs: &[String],
        self_ty: Option<ItemRef>,
        resolve: &dyn Fn(&[String], Ns) -> Option<Def>,
    ) -> Option<ItemRef> {
        let (head, last) = segs.split_at(segs.len().checked_sub(1)?);
        let ty = match head {
            [s] if s == "Self" => Some(self_ty?),
            [] => None,
            _ => match resolve(head, Ns::Type) {
                Some(Def::Type(t)) => Some(t),
                _ => None,
            },
        };
        let g = match ty {
            Some(t) => match self.method_of(t, &last[0]) {
                Some(g) => g,
                None if last[0] == "default" && !self.has_method(t, "default") => return Some(t),
                None => return None,
            },
            None if head.is_empty() => match resolve(segs, Ns::Value)? {
                Def::Fn(g) => g,
                _ => return None,
            },
            None => return None,
        };
        let gf = &self.files[self.instances[g.0].file].fns[g.1];
        if !gf.returns_self {
            return None;
        }
        self.impl_types.get(&(g.0, gf.owner?)).copied()
    }

    fn has_method(&self, ty: ItemRef, name: &str) -> bool {
        self.methods
            .get(&ty)
            .is_some_and(|all| all.iter().any(|(n, _, _)| n == name))
    }

    /// A path written in module `m` inside blocks whose glob imports are
    /// `globs`: a name those bring shadows the module's; found both ways,
    /// or through two globs, it has no answer.
    fn resolve_scoped(
        &self,
        m: ModId,
        globs: &[Vec<String>],
        segs: &[String],
        ns: Ns,
    ) -> Option<Def> {
        let outer = self.resolve(m, segs, ns, 0);
        let first = segs.first()?;
        if globs.is_empty() || matches!(first.as_str(), "crate" | "self" | "super" | "Self") {
            return outer;
        }
        let ns0 = if segs.len() == 1 { ns } else { Ns::Type };
        let mut found: Vec<Def> = Vec::new();
        for g in globs {
            if let Some(Def::Mod(gm)) = self.resolve(m, g, Ns::Type, 0)
                && let Some(d) = self.lookup(gm, first, ns0, 1)
                && !found.contains(&d)
            {
                found.push(d);
            }
        }
        match found[..] {
            [] => outer,
            [one] => {
                let inner = self.walk_segs(one, segs, 1, ns, 1);
                (outer.is_none() || outer == inner)
                    .then_some(inner)
                    .flatten()
            }
            _ => None,
        }
    }

    /// A method of a type by name: the one inherent method, else the one
    /// trait impl method (two of either: no answer).
    fn method_of(&self, ty: ItemRef, name: &str) -> Option<ItemRef> {
        let all = self.methods.get(&ty)?;
        let inherent: Vec<ItemRef> = all
            .iter()
            .filter(|(n, _, t)| n == name && !t)
            .map(|x| x.1)
            .collect();
        match inherent[..] {
            [one] => return Some(one),
            [] => {}
            _ => return None,
        }
        let traits: Vec<ItemRef> = all
            .iter()
            .filter(|(n, _, t)| n == name && *t)
            .map(|x| x.1)
            .collect();
        match traits[..] {
            [one] => Some(one),
            _ => None,
        }
    }

    fn field_type(&self, ty: ItemRef, field: &str) -> Option<ItemRef> {
        let (inst, ti) = ty;
        let def = &self.files[self.instances[inst].file].types[ti];
        let segs = def.fields.iter().find(|(n, _)| n == field)?.1.as_ref()?;
        let m = self.instances[inst].mods[def.module];
        match self.resolve(m, segs, Ns::Type, 0)? {
            Def::Type(t) => Some(t),
            _ => None,
        }
    }

    fn summary_of(&self, m: ModId) -> &super::summary::LocalMod {
        let md = &self.modules[m];
        &self.files[self.instances[md.inst].file].mods[md.local]
    }

    /// A path written in module `m`.
    fn resolve(&self, m: ModId, segs: &[String], ns: Ns, depth: usize) -> Option<Def> {
        if depth > MAX_DEPTH || segs.is_empty() {
            return None;
        }
        let mut i = 0;
        let cur = match segs[0].as_str() {
            "crate" => {
                i = 1;
                Def::Mod(self.krates[self.modules[m].krate].root)
            }
            "self" => {
                i = 1;
                Def::Mod(m)
            }
            "super" => Def::Mod(m),
            "Self" => return None,
            first => {
                i = 1;
                let ns0 = if segs.len() == 1 { ns } else { Ns::Type };
                match self.lookup(m, first, ns0, depth + 1) {
                    Some(d) => d,
                    None => {
                        let k = &self.krates[self.modules[m].krate];
                        match &k.lib {
                            Some((name, root)) if name == first && segs.len() > 1 => {
                                Def::Mod(*root)
                            }
                            _ => return None,
                        }
                    }
                }
            }
        };
        self.walk_segs(cur, segs, i, ns, depth)
    }

    /// The rest of a path, `segs[i..]`, from `cur`.
    fn walk_segs(
        &self,
        mut cur: Def,
        segs: &[String],
        mut i: usize,
        ns: Ns,
        depth: usize,
    ) -> Option<Def> {
        while i < segs.len() {
            let last = i + 1 == segs.len();
            let seg = segs[i].as_str();
            cur = match cur {
                Def::Mod(md) if seg == "super" => Def::Mod(self.modules[md].parent?),
                Def::Mod(md) if seg == "self" => Def::Mod(md),
                Def::Mod(md) => {
                    self.lookup(md, seg, if last { ns } else { Ns::Type }, depth + 1)?
                }
                Def::Type(t) if last && ns == Ns::Value => Def::Fn(self.method_of(t, seg)?),
                _ => return None,
            };
            i += 1;
        }
        Some(cur)
    }

    /// A name as seen inside module `m`: its items, then its imports, then
    /// its glob imports (exactly one of them must have it).
    fn lookup(&self, m: ModId, name: &str, ns: Ns, depth: usize) -> Option<Def> {
        let left = self.budget.get();
        if depth > MAX_DEPTH || left == 0 {
            return None;
        }
        self.budget.set(left - 1);
        let md = &self.modules[m];
        let s = self.summary_of(m);
        let inst = &self.instances[md.inst];
        let mut found: Vec<Def> = Vec::new();
        match ns {
            Ns::Type => {
                for (n, l) in &s.inline {
                    if n == name {
                        found.push(Def::Mod(inst.mods[*l]));
                    }
                }
                for (n, c) in &md.external {
                    if n == name {
                        found.push(Def::Mod(*c));
                    }
                }
                // A `mod x;` whose file was not found still takes the name.
                if s.external.iter().any(|(n, _)| n == name)
                    && !md.external.iter().any(|(n, _)| n == name)
                {
                    return None;
                }
                for (n, t) in &s.types {
                    if n == name {
                        found.push(Def::Type((md.inst, *t)));
                    }
                }
            }
            Ns::Value => {
                for (n, f) in &s.fns {
                    if n == name {
                        found.push(Def::Fn((md.inst, *f)));
                    }
                }
            }
        }
        match found[..] {
            [one] => return Some(one),
            [] => {}
            _ => return None,
        }
        for (alias, path) in &s.uses {
            if alias == name
                && let Some(d) = self.resolve_import(m, path, ns, depth + 1)
                && !found.contains(&d)
            {
                found.push(d);
            }
        }
        match found[..] {
            [one] => return Some(one),
            [] => {}
            _ => return None,
        }
        for g in &s.globs {
            if let Some(Def::Mod(gm)) = self.resolve_import(m, g, Ns::Type, depth + 1)
                && gm != m
                && let Some(d) = self.lookup(gm, name, ns, depth + 1)
                && !found.contains(&d)
            {
                found.push(d);
            }
        }
        match found[..] {
            [one] => Some(one),
            _ => None,
        }
    }

    /// A `use` path: `::x` and `crate::` as written; in 2018 a relative
    /// first segment is looked up in the module holding the `use`.
    fn resolve_import(&self, m: ModId, path: &[String], ns: Ns, depth: usize) -> Option<Def> {
        self.resolve(m, path, ns, depth)
    }
}

/// `a/./b/../c` -> `a/c`, without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::summary::{self, FileSummary};
    use super::*;
    use crate::analysis::DiagnoseOptions;

    /// A package of `(path, text)` files; `roots` are (path, is_lib).
    struct Pkg {
        paths: Vec<PathBuf>,
        sums: Vec<FileSummary>,
        roots: Vec<Root>,
    }

    fn pkg(files: &[(&str, &str)], roots: &[(&str, bool)]) -> Pkg {
        let paths: Vec<PathBuf> = files.iter().map(|(p, _)| PathBuf::from(p)).collect();
        let sums = files
            .iter()
            .map(|(_, text)| {
                let opts = DiagnoseOptions::default();
                let seeds = crate::analysis::seeds::Seeds::default();
                crate::analysis::analyze_file(text, &opts, &seeds, |m| summary::summarize(m)).1
            })
            .collect();
        let roots = roots
            .iter()
            .map(|(r, is_lib)| Root {
                file: paths.iter().position(|p| p == Path::new(r)).unwrap(),
                is_lib: *is_lib,
            })
            .collect();
        Pkg { paths, sums, roots }
    }

    impl Pkg {
        /// Where the call of `name` in fn `caller` of `file` leads:
        /// "path::fn", or `None` when it is not resolved. Every instance
        /// of the file must agree.
        fn callee(&self, file: &str, caller: &str, name: &str) -> Option<String> {
            let c = Crates::build(
                self.sums.iter().collect(),
                &self.paths,
                &self.roots,
                Some("lib"),
            );
            let fi = self
                .paths
                .iter()
                .position(|p| p == Path::new(file))
                .unwrap();
            let s = &self.sums[fi];
            let mut answers = Vec::new();
            for (inst, i) in c.instances.iter().enumerate() {
                if i.file != fi {
                    continue;
                }
                for call in &s.calls {
                    let last = match &call.target {
                        Target::Path(p) => p.last().cloned().unwrap_or_default(),
                        Target::Method { name, .. } => name.clone(),
                    };
                    if s.fns[call.caller].name != caller || last != name {
                        continue;
                    }
                    answers.push(
                        c.callee((inst, call.caller), &call.target, &call.globs)
                            .map(|(gi, gf)| {
                                let file = c.instances[gi].file;
                                format!(
                                    "{}::{}",
                                    self.paths[file].display(),
                                    c.files[file].fns[gf].name
                                )
                            }),
                    );
                }
            }
            assert!(
                !answers.is_empty(),
                "no call of `{name}` in `{caller}` of {file}"
            );
            assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
            answers.pop().flatten()
        }
    }

    fn one(files: &[(&str, &str)], caller: &str, name: &str) -> Option<String> {
        pkg(files, &[("src/main.rs", false)]).callee("src/main.rs", caller, name)
    }

    const UTIL: (&str, &str) = ("src/util.rs", "pub fn work() {}\npub fn other() {}\n");

    #[test]
    fn crate_self_and_super_paths() {
        let files = [
            (
                "src/main.rs",
                "mod util;\nmod a;\nfn main() { crate::util::work(); self::util::other(); }\n",
            ),
            UTIL,
            (
                "src/a.rs",
                "pub mod b {\n    pub fn go() { super::super::util::work(); }\n}\n",
            ),
        ];
        let p = pkg(&files, &[("src/main.rs", false)]);
        assert_eq!(
            p.callee("src/main.rs", "main", "work").as_deref(),
            Some("src/util.rs::work")
        );
        assert_eq!(
            p.callee("src/main.rs", "main", "other").as_deref(),
            Some("src/util.rs::other")
        );
        assert_eq!(
            p.callee("src/a.rs", "go", "work").as_deref(),
            Some("src/util.rs::work")
        );
    }

    #[test]
    fn use_lines_and_pub_use_re_exports() {
        let files = [
            (
                "src/main.rs",
                "mod util;\nmod api;\nuse api::work as w;\nfn main() { w(); api::inner::other(); }\n",
            ),
            UTIL,
            (
                "src/api.rs",
                "pub use crate::util::work;\npub mod inner { pub use crate::util::*; }\n",
            ),
        ];
        // `w()` is `api::work` as the `use` line expands it.
        assert_eq!(
            one(&files, "main", "work").as_deref(),
            Some("src/util.rs::work")
        );
        assert_eq!(
            one(&files, "main", "other").as_deref(),
            Some("src/util.rs::other")
        );
    }

    #[test]
    fn globs_when_unambiguous_only() {
        let files = [
            (
                "src/main.rs",
                "mod a;\nmod b;\nuse a::*;\nuse b::*;\nfn main() { only_a(); both(); }\n",
            ),
            ("src/a.rs", "pub fn only_a() {}\npub fn both() {}\n"),
            ("src/b.rs", "pub fn both() {}\n"),
        ];
        assert_eq!(
            one(&files, "main", "only_a").as_deref(),
            Some("src/a.rs::only_a")
        );
        // Two globs bring `both`: no answer rather than a guess.
        assert_eq!(one(&files, "main", "both"), None);
    }

    #[test]
    fn path_attributes_and_mod_rs_folders() {
        let files = [
            (
                "src/main.rs",
                "#[path = \"other/place.rs\"]\nmod moved;\nmod net;\nfn main() { moved::here(); net::tcp::dial(); }\n",
            ),
            ("src/other/place.rs", "pub fn here() {}\n"),
            ("src/net/mod.rs", "pub mod tcp;\n"),
            ("src/net/tcp.rs", "pub fn dial() {}\n"),
        ];
        assert_eq!(
            one(&files, "main", "here").as_deref(),
            Some("src/other/place.rs::here")
        );
        assert_eq!(
            one(&files, "main", "dial").as_deref(),
            Some("src/net/tcp.rs::dial")
        );
    }

    #[test]
    fn inline_modules_and_same_names() {
        let files = [(
            "src/main.rs",
            "mod fast { pub fn load() {} }\nmod slow { pub fn load() {} pub fn run() { load(); super::fast::load(); } }\nfn main() { slow::load(); }\n",
        )];
        let p = pkg(&files, &[("src/main.rs", false)]);
        // Both answers are fns named `load` of the same file: tell them apart by module.
        let c = Crates::build(p.sums.iter().collect(), &p.paths, &p.roots, None);
        let s = &p.sums[0];
        let module_of = |target_name: &str, caller: &str, nth: usize| {
            let call = s
                .calls
                .iter()
                .filter(|k| s.fns[k.caller].name == caller)
                .filter(|k| matches!(&k.target, Target::Path(p) if p.last().is_some_and(|l| l == target_name)))
                .nth(nth)
                .unwrap();
            let g = c
                .callee((0, call.caller), &call.target, &call.globs)
                .unwrap();
            s.mods[s.fns[g.1].module].name.clone()
        };
        assert_eq!(module_of("load", "main", 0), "slow");
        assert_eq!(module_of("load", "run", 0), "slow");
        assert_eq!(module_of("load", "run", 1), "fast");
    }

    #[test]
    fn fn_local_use_is_scoped_to_its_fn() {
        let files = [
            (
                "src/main.rs",
                "mod a;\nmod b;\nfn one() { use crate::a::go; go(); }\nfn two() { use crate::b::go; go(); }\nfn three() { go(); }\nfn four() { use b::*; go(); }\n",
            ),
            ("src/a.rs", "pub fn go() {}\n"),
            ("src/b.rs", "pub fn go() {}\n"),
        ];
        assert_eq!(one(&files, "one", "go").as_deref(), Some("src/a.rs::go"));
        assert_eq!(one(&files, "two", "go").as_deref(), Some("src/b.rs::go"));
        // No `use` in `three`: the others' imports do not reach it.
        assert_eq!(one(&files, "three", "go"), None);
        assert_eq!(one(&files, "four", "go").as_deref(), Some("src/b.rs::go"));
    }

    #[test]
    fn fn_local_glob_and_module_item_of_one_name_is_not_guessed() {
        let files = [
            (
                "src/main.rs",
                "mod b;\nfn go() {}\nfn f() { use b::*; go(); }\n",
            ),
            ("src/b.rs", "pub fn go() {}\n"),
        ];
        assert_eq!(one(&files, "f", "go"), None);
    }

    #[test]
    fn library_named_from_other_targets() {
        let files = [
            ("src/lib.rs", "pub mod store;\npub use store::load;\n"),
            ("src/store.rs", "pub fn load() {}\n"),
            (
                "src/main.rs",
                "fn main() { lib::load(); lib::store::load(); }\n",
            ),
        ];
        let p = pkg(&files, &[("src/lib.rs", true), ("src/main.rs", false)]);
        assert_eq!(
            p.callee("src/main.rs", "main", "load").as_deref(),
            Some("src/store.rs::load")
        );
    }

    #[test]
    fn methods_through_receivers() {
        let files = [
            (
                "src/main.rs",
                "mod s;\nuse std::sync::Arc;\nuse s::{Store, Other};\n\
                 fn a() { let x = Arc::new(Store::default()); x.load(); }\n\
                 fn b() -> Result<(), ()> { let x = Store::open()?; x.load(); Ok(()) }\n\
                 fn c() { let x = Box::new(Store { n: 1 }); x.load(); }\n\
                 fn d() { let x = Store::builder(); x.load(); }\n\
                 fn e(x: &Arc<Store>) { x.load(); }\n\
                 fn f() { let x: Arc<Store> = make(); x.load(); }\n\
                 fn g() { let x = Other::default(); x.load(); }\n\
                 impl s::Store { fn h(&self) { let x = Self { n: 2 }; x.load(); } }\n\
                 fn make() -> Arc<Store> { todo!() }\n",
            ),
            (
                "src/s.rs",
                "#[derive(Default)]\npub struct Store { pub n: u8 }\npub struct Builder;\npub struct Other;\n\
                 impl Store {\n    pub fn open() -> Result<Self, ()> { Ok(Store { n: 0 }) }\n    pub fn builder() -> Builder { Builder }\n    pub fn load(&self) {}\n}\n\
                 impl Builder { pub fn load(&self) {} }\n\
                 impl Other { pub fn default() -> Builder { Builder } pub fn load(&self) {} }\n",
            ),
        ];
        let p = pkg(&files, &[("src/main.rs", false)]);
        let method_owner = |caller: &str| -> Option<String> {
            let c = Crates::build(p.sums.iter().collect(), &p.paths, &p.roots, None);
            let s = &p.sums[0];
            let call = s.calls.iter().find(|k| {
                s.fns[k.caller].name == caller
                    && matches!(&k.target, Target::Method { name, .. } if name == "load")
            })?;
            let g = c.callee((0, call.caller), &call.target, &call.globs)?;
            let gs = &c.files[c.instances[g.0].file];
            Some(gs.impls[gs.fns[g.1].owner?].self_ty.join("::"))
        };
        assert_eq!(
            method_owner("a").as_deref(),
            Some("Store"),
            "Arc::new(T::default())"
        );
        assert_eq!(method_owner("b").as_deref(), Some("Store"), "T::open()?");
        assert_eq!(
            method_owner("c").as_deref(),
            Some("Store"),
            "Box::new(T {{ .. }})"
        );
        assert_eq!(method_owner("d"), None, "a builder: another type");
        assert_eq!(
            method_owner("e").as_deref(),
            Some("Store"),
            "a parameter &Arc<T>"
        );
        assert_eq!(method_owner("f").as_deref(), Some("Store"), "let x: Arc<T>");
        assert_eq!(
            method_owner("g"),
            None,
            "an inherent `default` returning another type"
        );
    }

    #[test]
    fn import_cycles_end() {
        let files = [
            (
                "src/main.rs",
                "mod a;\nmod b;\nuse a::*;\nfn main() { nowhere(); }\n",
            ),
            ("src/a.rs", "pub use crate::b::*;\n"),
            ("src/b.rs", "pub use crate::a::*;\n"),
        ];
        assert_eq!(one(&files, "main", "nowhere"), None);
    }
}
