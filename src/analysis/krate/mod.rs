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
mod spawned;
mod summary;
#[cfg(test)]
mod tests;

use super::seeds::Seeds;
use super::{DiagnoseOptions, Diagnosis, Finding};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Stack of a crate-pass thread (syn and the model recurse per nesting level).
const STACK_BYTES: usize = 64 << 20;

fn pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("crate-{i}"))
            .stack_size(STACK_BYTES)
            .build()
            .ok()
    })
    .as_ref()
}

/// How `check` wants files analysed (set once by the command; the
/// after-edit hook keeps the default).
static ALONE: AtomicBool = AtomicBool::new(false);
static CACHE: AtomicBool = AtomicBool::new(false);

/// `alone`: each file by itself (`check --single-file`); `cache`: keep the
/// package's summaries in the user's cache folder (`check --cache`).
pub fn configure(alone: bool, cache: bool) {
    ALONE.store(alone, Ordering::Relaxed);
    CACHE.store(cache, Ordering::Relaxed);
}

/// What the crate pass knows about one package, for one set of options.
struct Session {
    inputs: Vec<Input>,
    by_abs: HashMap<PathBuf, usize>,
    phase1: Vec<Option<Phase1>>,
    seeds: HashMap<usize, propagate::FileSeeds>,
    /// Phase 3 results, computed when a file is asked for.
    done: Mutex<HashMap<usize, Diagnosis>>,
}

type Sessions = Mutex<HashMap<(PathBuf, String), Arc<Session>>>;

fn sessions() -> &'static Sessions {
    static S: OnceLock<Sessions> = OnceLock::new();
    S.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The analysis of `path` (with this `text`) as part of its Cargo
/// package's crate, or `None` when it is not in one (or the text is not
/// what is on disk, or `check --single-file`): then the caller analyses
/// the file alone. The package is analysed once per process and options.
pub fn analyse_in_crate(
    path: &Path,
    text: &str,
    opts: &DiagnoseOptions,
) -> Result<Option<Diagnosis>, super::InputError> {
    super::validate(text, opts)?;
    if ALONE.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let Ok(abs) = std::fs::canonicalize(path) else {
        return Ok(None);
    };
    let Some(pkg) = package::package_dir_of(&abs) else {
        return Ok(None);
    };
    let key = (pkg.clone(), format!("{:?}/{:?}", opts.runtime, opts.rules));
    let existing = sessions().lock().ok().and_then(|m| m.get(&key).cloned());
    let session = match existing {
        Some(s) => s,
        None => {
            let cache = CACHE.load(Ordering::Relaxed);
            let built = match pool() {
                Some(p) => p.install(|| build(&pkg, opts, cache)),
                None => build(&pkg, opts, cache),
            };
            let Some(s) = built else {
                return Ok(None);
            };
            let s = Arc::new(s);
            if let Ok(mut m) = sessions().lock() {
                m.insert(key, s.clone());
            }
            s
        }
    };
    let Some(&i) = session.by_abs.get(&abs) else {
        return Ok(None);
    };
    let same_text = session.inputs[i].text.as_deref().ok() == Some(text);
    let Some(p1) = session.phase1[i].as_ref().filter(|_| same_text) else {
        return Ok(None);
    };
    if let Some(d) = session.done.lock().ok().and_then(|m| m.get(&i).cloned()) {
        return Ok(Some(d));
    }
    let fs = session.seeds.get(&i).filter(|fs| !fs.seeds.is_empty());
    let d = match (fs, &p1.diagnosis) {
        (None, Some(d)) => d.clone(),
        // A summary from the cache: the file's own findings are computed now.
        (None, None) => return Ok(None),
        (Some(fs), alone) => {
            let mut d = analyze(text, opts, &fs.seeds, |_| ()).map_or_else(|d| d, |(d, _)| d);
            let alone = match alone {
                Some(a) => a.findings.clone(),
                None => match super::diagnose(text, opts) {
                    Ok(a) => a.findings,
                    Err(_) => Vec::new(),
                },
            };
            attach_via(&mut d.findings, &alone, &p1.summary, fs);
            let (e, w, n) = super::types::count(&d.findings);
            d.summary = super::summarize(e, w, n);
            d
        }
    };
    if let Ok(mut m) = session.done.lock() {
        m.insert(i, d.clone());
    }
    Ok(Some(d))
}

struct Input {
    abs: PathBuf,
    /// Shown name (relative to the working directory when below it).
    name: String,
    text: Result<String, String>,
}

struct Phase1 {
    /// The file's own diagnosis (`None` when its summary came from the cache).
    diagnosis: Option<Diagnosis>,
    summary: summary::FileSummary,
}

/// Phases 1 and 2 over the package at `dir`.
fn build(dir: &Path, opts: &DiagnoseOptions, use_cache: bool) -> Option<Session> {
    let timer = Timer::new();
    let cwd = std::env::current_dir().unwrap_or_default();
    let pkg = package::load(dir)?;
    let mut inputs: Vec<Input> = package_files(dir)
        .into_iter()
        .map(|p| Input {
            name: shown(&p, &cwd),
            abs: p,
            text: Err(String::new()),
        })
        .collect();
    let by_abs: HashMap<PathBuf, usize> = inputs
        .iter()
        .enumerate()
        .map(|(i, x)| (x.abs.clone(), i))
        .collect();
    inputs
        .par_iter_mut()
        .for_each(|inp| inp.text = read(&inp.abs, &inp.name, opts));
    let mut cache = use_cache.then(|| cache::PackageCache::load(dir));
    let hashes: Vec<Option<u64>> = inputs
        .iter()
        .map(|x| x.text.as_ref().ok().map(|t| cache::content_hash(t)))
        .collect();
    timer.mark("read");
    // Phase 1. A cached summary saves the analysis; that file's own
    // findings are computed when it is asked for.
    let phase1: Vec<Option<Phase1>> = inputs
        .par_iter()
        .enumerate()
        .map(|(i, inp)| {
            let text = inp.text.as_ref().ok()?;
            if let (Some(c), Some(h)) = (&cache, hashes[i])
                && let Some(s) = c.get(&inp.abs, h)
            {
                return Some(Phase1 {
                    diagnosis: None,
                    summary: s.clone(),
                });
            }
            Some(
                analyze(text, opts, &Seeds::default(), summary::summarize_and_probe).map_or_else(
                    |d| Phase1 {
                        diagnosis: Some(d),
                        summary: summary::FileSummary::empty(),
                    },
                    |(d, s)| Phase1 {
                        diagnosis: Some(d),
                        summary: s,
                    },
                ),
            )
        })
        .collect();
    timer.mark("phase 1 (parse, model, rules, summaries)");
    if let Some(c) = &mut cache {
        for (i, p) in phase1.iter().enumerate() {
            if let (Some(p), Some(h)) = (p, hashes[i]) {
                c.put(&inputs[i].abs, h, &p.summary);
            }
        }
        let paths: Vec<&Path> = inputs.iter().map(|x| x.abs.as_path()).collect();
        c.keep_only(&paths);
        c.save(dir);
    }
    // Phase 2.
    let empty = summary::FileSummary::empty();
    let sums: Vec<&summary::FileSummary> = phase1
        .iter()
        .map(|p| p.as_ref().map_or(&empty, |p| &p.summary))
        .collect();
    let paths: Vec<PathBuf> = inputs.iter().map(|x| x.abs.clone()).collect();
    let names: Vec<String> = inputs.iter().map(|x| x.name.clone()).collect();
    let roots: Vec<resolve::Root> = pkg
        .targets
        .iter()
        .filter_map(|t| {
            let abs = std::fs::canonicalize(&t.root).ok()?;
            Some(resolve::Root {
                file: *by_abs.get(&abs)?,
                is_lib: t.is_lib,
            })
        })
        .collect();
    // A bug here must not cost the files their own findings: on a panic
    // the package's files are reported as analysed alone.
    let seeds = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let crates = resolve::Crates::build(sums, &paths, &roots, pkg.lib_name.as_deref());
        propagate::seeds(&crates, &names, |_| true)
    }))
    .unwrap_or_default();
    timer.mark("phase 2 (modules, resolution, propagation)");
    Some(Session {
        inputs,
        by_abs,
        phase1,
        seeds,
        done: Mutex::new(HashMap::new()),
    })
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

/// Rules whose findings the crate's facts may add: the blocking rules
/// (`summary::BLOCKING_RULES`), and the ones about the runtime a call
/// runs on and what must be `Send`. Others (a dropped `JoinHandle` in an
/// executor's `execute`, say) keep to what the file shows alone.
fn is_cross_rule(id: &str) -> bool {
    summary::BLOCKING_RULES.contains(&id)
        || [
            "block-in-place-current-thread",
            "non-send-across-await",
            "spawn-local-outside-localset",
        ]
        .contains(&id)
}

/// Findings that the crate's facts added get the chain that explains them
/// (the one of the innermost seeded fn around the finding); a new finding
/// of another rule, or one no chain explains, is dropped. A `spawn_local`
/// the file reports alone gets the chain too when the crate has one (the
/// entry with no `LocalSet` is the bug's other half).
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
        if before && f.rule != "spawn-local-outside-localset" {
            return true;
        }
        if !is_cross_rule(&f.rule) {
            return false;
        }
        let kinds: &[propagate::Kind] = match f.rule.as_str() {
            "non-send-across-await" => &[propagate::Kind::Send],
            "block-in-place-current-thread" => &[propagate::Kind::CurrentThread],
            "spawn-local-outside-localset" => &[propagate::Kind::NoLocal],
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
            // A `spawn_local` the file reports alone, that no chain explains.
            None => before,
        }
    });
}
