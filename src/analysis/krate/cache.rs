//! The other files' summaries, kept between runs (`check --cache`), so
//! that re-checking one edited file of a big crate re-reads the others
//! but analyses only that one.
//!
//! One JSON file per package under the user's cache folder
//! (`$RUST_ASYNC_SKILL_CACHE_DIR`, else `$XDG_CACHE_HOME/rust-async-skill`,
//! else `~/.cache/rust-async-skill`), named by a hash of the package's
//! path. An entry is keyed by the file's path and a hash of its content,
//! so an edit, a checkout or a rename simply misses. A cache written by
//! another version of the tool, or unreadable, is ignored and rewritten.
//! Nothing in it is trusted beyond being a summary: a hostile cache can
//! at worst make findings wrong, not crash the analyser (it is read with
//! serde into plain data and every index is checked where it is used).

use super::summary::FileSummary;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

/// Cache files above this size are ignored (and rewritten).
const MAX_CACHE_BYTES: u64 = 256 << 20;

#[derive(Serialize, Deserialize, Default)]
pub struct PackageCache {
    version: String,
    /// Absolute path -> (content hash, summary).
    entries: HashMap<String, (u64, FileSummary)>,
    #[serde(skip)]
    dirty: bool,
}

/// A hash of a file's content. `DefaultHasher::new()` has fixed keys; if
/// a Rust release changes its algorithm, entries just miss once.
pub fn content_hash(text: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// Bumped whenever a summary's fields or their meaning change (5: the spawn
/// shapes of `spawned.rs`, `CallSum::spawned_at` and the `ThreadRng` probe,
/// with the LocalSet sites, typed receivers and fn-local `use` lines).
fn version() -> String {
    format!("{}-summary-6", env!("CARGO_PKG_VERSION"))
}

/// The cache folder, if one can be named.
fn dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("RUST_ASYNC_SKILL_CACHE_DIR") {
        return Some(PathBuf::from(d));
    }
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME") {
        return Some(PathBuf::from(d).join("rust-async-skill"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/rust-async-skill"))
}

fn file_for(package: &Path) -> Option<PathBuf> {
    let name = format!(
        "crate-{:016x}.json",
        content_hash(&package.to_string_lossy())
    );
    Some(dir()?.join(name))
}

impl PackageCache {
    /// The package's cache, or an empty one.
    pub fn load(package: &Path) -> PackageCache {
        let empty = PackageCache {
            version: version(),
            ..PackageCache::default()
        };
        let Some(path) = file_for(package) else {
            return empty;
        };
        let Ok(meta) = std::fs::metadata(&path) else {
            return empty;
        };
        if meta.len() > MAX_CACHE_BYTES {
            return empty;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            return empty;
        };
        match serde_json::from_slice::<PackageCache>(&bytes) {
            Ok(c) if c.version == version() => c,
            _ => PackageCache {
                dirty: true,
                ..empty
            },
        }
    }

    pub fn get(&self, abs: &Path, hash: u64) -> Option<&FileSummary> {
        let (h, s) = self.entries.get(abs.to_string_lossy().as_ref())?;
        (*h == hash && s.is_valid()).then_some(s)
    }

    pub fn put(&mut self, abs: &Path, hash: u64, s: &FileSummary) {
        let key = abs.to_string_lossy().to_string();
        if self.entries.get(&key).is_some_and(|(h, _)| *h == hash) {
            return;
        }
        self.entries.insert(key, (hash, s.clone()));
        self.dirty = true;
    }

    /// Drops entries of files that are no longer in the package.
    pub fn keep_only(&mut self, files: &[&Path]) {
        let keep: HashSet<String> = files
            .iter()
            .map(|p| p.to_string_lossy().to_string())
            .collect();
        let before = self.entries.len();
        self.entries.retain(|k, _| keep.contains(k));
        self.dirty |= self.entries.len() != before;
    }

    /// Writes the cache if it changed (to a temporary file, then renamed:
    /// a concurrent reader sees the old or the new one). Errors are
    /// ignored: the cache only saves time.
    pub fn save(&self, package: &Path) {
        if !self.dirty {
            return;
        }
        let Some(path) = file_for(package) else {
            return;
        };
        let Some(parent) = path.parent() else { return };
        if std::fs::create_dir_all(parent).is_err() {
            return;
        }
        let Ok(bytes) = serde_json::to_vec(self) else {
            return;
        };
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}
