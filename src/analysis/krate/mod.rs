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
pub fn check_files(files: &[PathBuf], opts: &DiagnoseOptions) -> Vec<Result<Checked, String>> {
    match pool() {
        Some(p) => p.install(|| run(files, opts)),
        None => run(files, opts),
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

fn run(files: &[PathBuf], opts: &DiagnoseOptions) -> Vec<Result<Checked, String>> {
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
    let mut pkgs: Vec<(package::Package, Vec<usize>)> = Vec::new();
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
        pkgs.push((pkg, members));
    }
    inputs
        .par_iter_mut()
        .for_each(|inp| inp.text = read(&inp.abs, &inp.name, opts));
    // Phase 1.
    let phase1: Vec<Option<Phase1>> = inputs
        .par_iter()
        .map(|inp| {
            let text = inp.text.as_ref().ok()?;
            Some(
                analyze(text, opts, &Seeds::default(), summary::summarize).map_or_else(
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
    // Phase 2, per package.
    let empty = summary::FileSummary::default();
    let mut seeds: HashMap<usize, propagate::FileSeeds> = HashMap::new();
    for (pkg, members) in &pkgs {
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
        let crates = resolve::Crates::build(sums, &paths, &roots, pkg.lib_name.as_deref());
        let found = propagate::seeds(&crates, &names, |local| inputs[members[local]].asked);
        for (local, fs) in found {
            seeds.insert(members[local], fs);
        }
    }
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
        }
        p1.diagnosis = d;
    }
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
    look: impl FnOnce(&super::model::Model<'_>) -> S,
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

/// Findings that the crate's facts added get the chain that explains them:
/// the one of the innermost seeded fn around the finding.
fn attach_via(
    findings: &mut [Finding],
    alone: &[Finding],
    s: &summary::FileSummary,
    fs: &propagate::FileSeeds,
) {
    for f in findings {
        let before = alone
            .iter()
            .any(|a| a.rule == f.rule && a.range == f.range && a.severity == f.severity);
        if before {
            continue;
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
        if let Some((_, chain)) = best {
            f.via = chain.clone();
        }
    }
}
