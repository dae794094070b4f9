//! Whole-crate analysis: `check` on files inside a Cargo package follows
//! calls across the package's files and modules.
//!
//! Phase 1 (in parallel over every `.rs` file of the package): parse,
//! model, rules (the file's own findings) and a [`summary`] of what the
//! file tells the others (modules, items, `use` lines, calls with their
//! context). Phase 2: the module trees of the package's targets and path
//! resolution ([`resolve`]), the call graph and the contexts propagated
//! along it with their chains ([`propagate`]). Phase 3 (in parallel): the
//! asked files whose fns gained a context from another file are analysed
//! again with those facts (`seeds`), so findings still come from the rules
//! at the smallest span; a finding the file did not have on its own gets
//! the chain as its `via`.
//!
//! Files outside any package, and packages whose files do not parse, are
//! analysed alone, as before.

mod cache;
mod package;
mod propagate;
mod resolve;
mod summary;

use super::seeds::Seeds;
use super::{DiagnoseOptions, Diagnosis, Finding};
use hashbrown::HashMap;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// One file as `check` reports it.
pub struct Checked {
    /// The file as the user named it.
    pub name: String,
    pub text: String,
    pub diagnosis: Diagnosis,
}

/// Stack of a crate-pass thread (syn and the model recurse per nesting level).
const STACK_BYTES: usize = 64 << 20;

fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("crate-{i}"))
            .stack_size(STACK_BYTES)
            .start_handler(|_| crate::alloc::use_fast_heap_on_this_thread())
            .build()
            .ok()
    })
    .as_ref()
}

/// Checks `files` (paths as the user gave them), each as part of its
/// Cargo package when it is in one. One result per file, in order; an
/// error names the file and the problem.
/// With `cache`, the summaries of the package's other files are kept in
/// the user's cache folder and reused while their content is unchanged.
pub fn check_files(
    files: &[PathBuf],
    opts: &DiagnoseOptions,
    cache: bool,
) -> Vec<Result<Checked, String>> {
    match pool() {
        Some(p) => p.install(|| run(files, opts, cache)),
        None => run(files, opts, cache),
    }
}

struct Input {
    abs: PathBuf,
    /// Shown name.
    name: String,
    text: Result<String, String>,
    /// Asked for by the user (not only read for context).
    asked: bool,
}

struct Phase1 {
    diagnosis: Diagnosis,
    summary: summary::FileSummary,
}

fn run(files: &[PathBuf], opts: &DiagnoseOptions, use_cache: bool) -> Vec<Result<Checked, String>> {
    let timer = Timer::new();
    let cwd = std::env::current_dir().unwrap_or_default();
    // The asked files and their packages.
    let mut inputs: Vec<Input> = Vec::new();
    let mut by_abs: HashMap<PathBuf, usize> = HashMap::new();
    let mut asked_idx: Vec<Result<usize, String>> = Vec::new();
    let mut pkg_of_dir: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut packages: Vec<PathBuf> = Vec::new();
    for f in files {
        let abs = match std::fs::canonicalize(f) {
            Ok(a) => a,
            Err(e) => {
                asked_idx.push(Err(format!("{}: {e}", f.display())));
                continue;
            }
        };
        if let Some(&i) = by_abs.get(&abs) {
            asked_idx.push(Ok(i));
            continue;
        }
        let parent = abs.parent().unwrap_or(Path::new("")).to_path_buf();
        let pkg = pkg_of_dir
            .entry(parent)
            .or_insert_with(|| package::package_dir_of(&abs))
            .clone();
        if let Some(p) = pkg
            && !packages.contains(&p)
        {
            packages.push(p);
        }
        by_abs.insert(abs.clone(), inputs.len());
        asked_idx.push(Ok(inputs.len()));
        inputs.push(Input {
            abs,
            name: f.display().to_string(),
            text: Err(String::new()),
            asked: true,
        });
    }
    // Every file of those packages, for context.
    let mut pkgs: Vec<(package::Package, PathBuf, Vec<usize>)> = Vec::new();
    for dir in packages {
        let Some(pkg) = package::load(&dir) else {
            continue;
        };
        let mut members = Vec::new();
        for p in package_files(&dir) {
            let i = *by_abs.entry(p.clone()).or_insert_with(|| {
                inputs.push(Input {
                    name: shown(&p, &cwd),
                    abs: p,
                    text: Err(String::new()),
                    asked: false,
                });
                inputs.len() - 1
            });
            members.push(i);
        }
        pkgs.push((pkg, dir, members));
    }
    inputs
        .par_iter_mut()
        .for_each(|inp| inp.text = read(&inp.abs, &inp.name, opts));
    // Summaries kept from earlier runs, for the files not asked about.
    let mut caches: Vec<cache::PackageCache> = Vec::new();
    let mut cached: HashMap<usize, summary::FileSummary> = HashMap::new();
    let mut hashes: HashMap<usize, u64> = HashMap::new();
    if use_cache {
        for (_, dir, members) in &pkgs {
            let c = cache::PackageCache::load(dir);
            for &i in members {
                let Ok(text) = &inputs[i].text else { continue };
                let h = cache::content_hash(text);
                hashes.insert(i, h);
                if !inputs[i].asked
                    && let Some(s) = c.get(&inputs[i].abs, h)
                {
                    cached.insert(i, s.clone());
                }
            }
            caches.push(c);
        }
    }
    timer.mark("read");
    // Phase 1.
    let phase1: Vec<Option<Phase1>> = inputs
        .par_iter()
        .enumerate()
        .map(|(i, inp)| {
            let text = inp.text.as_ref().ok()?;
            if let Some(s) = cached.get(&i) {
                return Some(Phase1 {
                    diagnosis: unseen(),
                    summary: s.clone(),
                });
            }
            Some(
                analyze(text, opts, &Seeds::default(), summary::summarize_and_probe).map_or_else(
                    |d| Phase1 {
                        diagnosis: d,
                        summary: summary::FileSummary::default(),
                    },
                    |(d, s)| Phase1 {
                        diagnosis: d,
                        summary: s,
                    },
                ),
            )
        })
        .collect();
    for ((_, dir, members), c) in pkgs.iter().zip(caches.iter_mut()) {
        for &i in members {
            if let (Some(p), Some(h)) = (&phase1[i], hashes.get(&i)) {
                c.put(&inputs[i].abs, *h, &p.summary);
            }
        }
        let paths: Vec<&Path> = members.iter().map(|&i| inputs[i].abs.as_path()).collect();
        c.keep_only(&paths);
        c.save(dir);
    }
    timer.mark("phase 1 (parse, model, rules, summaries)");
    // Phase 2, per package.
    let empty = summary::FileSummary::empty();
    let mut seeds: HashMap<usize, propagate::FileSeeds> = HashMap::new();
    for (pkg, _, members) in &pkgs {
        let sums: Vec<&summary::FileSummary> = members
            .iter()
            .map(|&i| phase1[i].as_ref().map_or(&empty, |p| &p.summary))
            .collect();
        let paths: Vec<PathBuf> = members.iter().map(|&i| inputs[i].abs.clone()).collect();
        let names: Vec<String> = members.iter().map(|&i| inputs[i].name.clone()).collect();
        let roots: Vec<resolve::Root> = pkg
            .targets
            .iter()
            .filter_map(|t| {
                let abs = std::fs::canonicalize(&t.root).ok()?;
                let file = paths.iter().position(|p| *p == abs)?;
                Some(resolve::Root {
                    file,
                    is_lib: t.is_lib,
                })
            })
            .collect();
        // A bug here must not cost the files their own findings: on a
        // panic the package's files are reported as analysed alone.
        let found = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let crates = resolve::Crates::build(sums, &paths, &roots, pkg.lib_name.as_deref());
            propagate::seeds(&crates, &names, |local| inputs[members[local]].asked)
        }))
        .unwrap_or_default();
        for (local, fs) in found {
            seeds.insert(members[local], fs);
        }
    }
    timer.mark("phase 2 (modules, resolution, propagation)");
    // Phase 3: the asked files that gained facts, again.
    let mut todo: Vec<(&usize, &propagate::FileSeeds)> = seeds.iter().collect();
    todo.sort_by_key(|(i, _)| **i);
    let again: Vec<(usize, Diagnosis)> = todo
        .par_iter()
        .filter(|(_, fs)| !fs.seeds.is_empty())
        .filter_map(|&(&i, fs)| {
            let text = inputs[i].text.as_ref().ok()?;
            let d = analyze(text, opts, &fs.seeds, |_| ()).map_or_else(|d| d, |(d, _)| d);
            Some((i, d))
        })
        .collect();
    let mut phase1 = phase1;
    for (i, mut d) in again {
        let Some(p1) = phase1[i].as_mut() else {
            continue;
        };
        if let Some(fs) = seeds.get(&i) {
            attach_via(&mut d.findings, &p1.diagnosis.findings, &p1.summary, fs);
            let (e, w, n) = super::types::count(&d.findings);
            d.summary = super::summarize(e, w, n);
        }
        p1.diagnosis = d;
    }
    timer.mark("phase 3 (files with seeds, again)");
    // The asked files, in order.
    let mut out = Vec::with_capacity(asked_idx.len());
    let mut inputs: Vec<Option<Input>> = inputs.into_iter().map(Some).collect();
    let mut phase1: Vec<Option<Phase1>> = phase1;
    for a in asked_idx {
        out.push(a.and_then(|i| {
            let inp = inputs[i].take().ok_or_else(|| "listed twice".to_string())?;
            let text = inp.text?;
            let p1 = phase1[i]
                .take()
                .ok_or_else(|| format!("{}: not analysed", inp.name))?;
            Ok(Checked {
                name: inp.name,
                text,
                diagnosis: p1.diagnosis,
            })
        }));
    }
    out
}

/// Phase times on stderr when `RUST_ASYNC_SKILL_TIMINGS` is set (for
/// measuring; the output is not a contract).
struct Timer {
    on: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            on: std::env::var_os("RUST_ASYNC_SKILL_TIMINGS").is_some(),
            last: std::cell::Cell::new(std::time::Instant::now()),
        }
    }
    fn mark(&self, what: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!(
                "timing: {what}: {:.1} ms",
                (now - self.last.get()).as_secs_f64() * 1e3
            );
            self.last.set(now);
        }
    }
}

/// The diagnosis of a file read only for its summary (never shown).
fn unseen() -> Diagnosis {
    Diagnosis {
        findings: Vec::new(),
        parse: super::ParseInfo {
            mode: super::ParseMode::File,
            errors: Vec::new(),
        },
        summary: super::summarize(0, 0, 0),
    }
}

/// Reads a file as `check` does: UTF-8 text within the size limit.
fn read(abs: &Path, name: &str, opts: &DiagnoseOptions) -> Result<String, String> {
    let bytes = std::fs::read(abs).map_err(|e| format!("{name}: {e}"))?;
    let text =
        String::from_utf8(bytes).map_err(|_| format!("{name}: not valid UTF-8 text; skipped"))?;
    super::validate(&text, opts).map_err(|e| format!("{name}: {e}"))?;
    Ok(text)
}

/// One file's analysis on this thread, a panic turned into the usual
/// internal-error diagnosis (`Err`).
fn analyze<S>(
    text: &str,
    opts: &DiagnoseOptions,
    seeds: &Seeds,
    look: impl FnOnce(&mut super::model::Model<'_>) -> S,
) -> Result<(Diagnosis, S), Diagnosis> {
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        super::analyze_file(text, opts, seeds, look)
    }));
    // The trees are gone: free this thread's span table (it grows otherwise).
    proc_macro2::extra::invalidate_current_thread_spans();
    r.map_err(super::internal_error)
}

/// Every `.rs` file of the package at `dir`: hidden folders, `target/`
/// and folders of other packages (a `Cargo.toml` of their own) skipped.
fn package_files(dir: &Path) -> Vec<PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    let mut out = Vec::new();
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().to_string();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                if name.starts_with('.') || name == "target" || p.join("Cargo.toml").is_file() {
                    continue;
                }
                stack.push(p);
            } else if ft.is_file() && name.ends_with(".rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A path shown relative to the working directory when it is below it.
fn shown(p: &Path, cwd: &Path) -> String {
    p.strip_prefix(cwd).unwrap_or(p).display().to_string()
}

/// Rules whose findings the crate's facts may add: the ones about where
/// code runs (blocking calls, `block_in_place` on a current-thread
/// runtime) and what must be `Send`. Others (a dropped `JoinHandle` in an
/// executor's `execute`, say) keep to what the file shows alone.
const CROSS_RULES: &[&str] = &[
    "blocking-sleep",
    "blocking-fs",
    "blocking-net",
    "blocking-process",
    "blocking-stdin",
    "blocking-channel",
    "tokio-blocking-api-in-async",
    "block-on-in-async",
    "cpu-heavy-in-async",
    "block-in-place-current-thread",
    "non-send-across-await",
];

/// Findings that the crate's facts added get the chain that explains them
/// (the one of the innermost seeded fn around the finding); a new finding
/// of another rule, or one no chain explains, is dropped.
fn attach_via(
    findings: &mut Vec<Finding>,
    alone: &[Finding],
    s: &summary::FileSummary,
    fs: &propagate::FileSeeds,
) {
    findings.retain_mut(|f| {
        let before = alone
            .iter()
            .any(|a| a.rule == f.rule && a.range == f.range && a.severity == f.severity);
        if before {
            return true;
        }
        if !CROSS_RULES.contains(&f.rule.as_str()) {
            return false;
        }
        let kinds: &[propagate::Kind] = match f.rule.as_str() {
            "non-send-across-await" => &[propagate::Kind::Send],
            "block-in-place-current-thread" => &[propagate::Kind::CurrentThread],
            _ => &[propagate::Kind::Reached],
        };
        let best = s
            .fns
            .iter()
            .filter(|x| x.range.start <= f.range.start && f.range.end <= x.range.end)
            .filter_map(|x| {
                kinds
                    .iter()
                    .find_map(|k| fs.chains.get(&(*k, x.key)))
                    .map(|c| (x.range.len(), c))
            })
            .min_by_key(|(len, _)| *len);
        match best {
            Some((_, chain)) => {
                f.via = chain.clone();
                true
            }
            None => false,
        }
    });
}
