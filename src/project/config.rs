//! `[workspace.metadata.rust-async-skill]` and
//! `[package.metadata.rust-async-skill]` in Cargo.toml, found upward from
//! a checked file. The package's keys win; `rules` merge per rule id.

use crate::analysis::{Runtime, Severity, rule_doc};
use globset::{GlobSet, GlobSetBuilder};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// Where the configuration table lives in a manifest.
const TABLE: &str = "rust-async-skill";
/// Largest Cargo.toml read (a real one is a few KiB).
const MAX_MANIFEST_BYTES: u64 = 4 << 20;

/// A rule's level set by the configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// The rule does not run.
    Allow,
    /// The rule runs and its findings get this severity.
    Severity(Severity),
}

/// The configuration that applies to one file.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub runtime: Option<Runtime>,
    pub levels: BTreeMap<String, Level>,
    /// Exclude globs, each set with the folder its globs are relative to.
    exclude: Vec<(PathBuf, GlobSet)>,
    /// The manifests whose tables were read (for messages).
    pub manifests: Vec<PathBuf>,
    /// The `baseline` key: a baseline file, resolved against the folder of
    /// the manifest that named it (the package's wins).
    pub baseline: Option<PathBuf>,
}

impl Config {
    /// Whether `file` (absolute, or relative to the current folder) is excluded.
    pub fn excludes(&self, file: &Path) -> bool {
        let Ok(abs) = std::path::absolute(file) else {
            return false;
        };
        self.exclude.iter().any(|(root, set)| {
            abs.strip_prefix(root).is_ok_and(|rel| {
                rel.ancestors()
                    .any(|p| !p.as_os_str().is_empty() && set.is_match(p))
            })
        })
    }
}

/// A configuration table that cannot be used: names the file and the key.
#[derive(Clone, Debug)]
pub struct ConfigError {
    pub file: PathBuf,
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: `{}`: {}",
                self.file.display(),
                self.key,
                self.message
            )
        }
    }
}

impl std::error::Error for ConfigError {}

/// One manifest's parts that matter here.
#[derive(Default)]
struct Manifest {
    is_package: bool,
    is_workspace: bool,
    package: Option<Partial>,
    workspace: Option<Partial>,
}

/// One table, checked.
#[derive(Clone, Default)]
struct Partial {
    runtime: Option<Runtime>,
    levels: BTreeMap<String, Level>,
    exclude: Option<GlobSet>,
    baseline: Option<PathBuf>,
}

/// Configurations by folder, so a folder of files reads its Cargo.toml once.
#[derive(Default)]
pub struct Configs {
    manifests: HashMap<PathBuf, Option<Arc<Result<Manifest, ConfigError>>>>,
    by_dir: HashMap<PathBuf, Result<Arc<Config>, ConfigError>>,
}

impl Configs {
    pub fn new() -> Self {
        Self::default()
    }

    /// The configuration of `file` (a path that may not exist yet).
    pub fn for_file(&mut self, file: &Path) -> Result<Arc<Config>, ConfigError> {
        let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        if let Some(c) = self.by_dir.get(&dir) {
            return c.clone();
        }
        let c = self.compute(&dir).map(Arc::new);
        self.by_dir.insert(dir, c.clone());
        c
    }

    fn manifest(&mut self, dir: &Path) -> Option<Arc<Result<Manifest, ConfigError>>> {
        if let Some(m) = self.manifests.get(dir) {
            return m.clone();
        }
        let path = dir.join("Cargo.toml");
        let m = if path.is_file() {
            Some(Arc::new(read_manifest(&path)))
        } else {
            None
        };
        self.manifests.insert(dir.to_path_buf(), m.clone());
        m
    }

    fn compute(&mut self, dir: &Path) -> Result<Config, ConfigError> {
        // The nearest package, then the nearest workspace at or above it.
        let mut package: Option<(PathBuf, Partial)> = None;
        let mut workspace: Option<(PathBuf, Partial)> = None;
        let mut manifests = Vec::new();
        for d in dir.ancestors() {
            let Some(m) = self.manifest(d) else { continue };
            let m = match m.as_ref() {
                Ok(m) => m,
                Err(e) => return Err(e.clone()),
            };
            if m.is_package && package.is_none() && workspace.is_none() {
                manifests.push(d.join("Cargo.toml"));
                package = Some((d.to_path_buf(), m.package.clone().unwrap_or_default()));
            }
            if m.is_workspace {
                if !manifests.contains(&d.join("Cargo.toml")) {
                    manifests.push(d.join("Cargo.toml"));
                }
                workspace = Some((d.to_path_buf(), m.workspace.clone().unwrap_or_default()));
                break;
            }
        }
        let mut c = Config {
            manifests,
            ..Config::default()
        };
        for (root, part) in [workspace, package].into_iter().flatten() {
            if part.runtime.is_some() {
                c.runtime = part.runtime;
            }
            c.levels.extend(part.levels);
            if let Some(set) = part.exclude {
                // The package's list replaces the workspace's.
                c.exclude = vec![(root.clone(), set)];
            }
            if let Some(b) = part.baseline {
                c.baseline = Some(root.join(b));
            }
        }
        Ok(c)
    }
}

fn read_manifest(path: &Path) -> Result<Manifest, ConfigError> {
    let err = |key: &str, message: String| ConfigError {
        file: path.to_path_buf(),
        key: key.to_string(),
        message,
    };
    let meta = std::fs::metadata(path).map_err(|e| err("", format!("cannot read: {e}")))?;
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(err(
            "",
            format!("over {MAX_MANIFEST_BYTES} bytes; not read"),
        ));
    }
    let text = std::fs::read(path).map_err(|e| err("", format!("cannot read: {e}")))?;
    let text = String::from_utf8(text).map_err(|_| err("", "not UTF-8 text".into()))?;
    let doc: toml::Table =
        toml::from_str(&text).map_err(|e| err("", format!("not valid TOML: {}", e.message())))?;
    let mut m = Manifest {
        is_package: doc.get("package").is_some_and(toml::Value::is_table),
        is_workspace: doc.get("workspace").is_some_and(toml::Value::is_table),
        ..Manifest::default()
    };
    for (top, slot) in [("package", &mut m.package), ("workspace", &mut m.workspace)] {
        let Some(v) = doc
            .get(top)
            .and_then(|t| t.get("metadata"))
            .and_then(|t| t.get(TABLE))
        else {
            continue;
        };
        let prefix = format!("{top}.metadata.{TABLE}");
        *slot = Some(read_table(v, &prefix).map_err(|(k, msg)| err(&k, msg))?);
    }
    Ok(m)
}

/// Checks one `[*.metadata.rust-async-skill]` table; errors name the key.
fn read_table(v: &toml::Value, prefix: &str) -> Result<Partial, (String, String)> {
    let Some(t) = v.as_table() else {
        return Err((
            prefix.to_string(),
            format!("must be a table, not {}", v.type_str()),
        ));
    };
    let mut p = Partial::default();
    for (key, value) in t {
        let full = format!("{prefix}.{key}");
        match key.as_str() {
            "runtime" => {
                let s = value.as_str().ok_or_else(|| {
                    (
                        full.clone(),
                        format!("must be a string, not {}", value.type_str()),
                    )
                })?;
                p.runtime = Some(Runtime::from_str(s).map_err(|_| {
                    (
                        full.clone(),
                        format!("`{s}` is not one of tokio, async-std, smol, any"),
                    )
                })?);
            }
            "exclude" => {
                let items = value.as_array().ok_or_else(|| {
                    (
                        full.clone(),
                        format!("must be an array of globs, not {}", value.type_str()),
                    )
                })?;
                let mut b = GlobSetBuilder::new();
                for (i, item) in items.iter().enumerate() {
                    let g = item.as_str().ok_or_else(|| {
                        (
                            format!("{full}[{i}]"),
                            format!("must be a string, not {}", item.type_str()),
                        )
                    })?;
                    let glob = globset::GlobBuilder::new(g.trim_start_matches("./"))
                        .literal_separator(true)
                        .build()
                        .map_err(|e| {
                            (
                                format!("{full}[{i}]"),
                                format!("`{g}` is not a valid glob: {}", e.kind()),
                            )
                        })?;
                    b.add(glob);
                }
                let set = b
                    .build()
                    .map_err(|e| (full.clone(), format!("invalid globs: {e}")))?;
                p.exclude = Some(set);
            }
            "baseline" => {
                let s = value
                    .as_str()
                    .filter(|s| !s.trim().is_empty())
                    .ok_or_else(|| {
                        (
                            full.clone(),
                            format!("must be a non-empty path string, not {}", value.type_str()),
                        )
                    })?;
                p.baseline = Some(PathBuf::from(s));
            }
            "rules" => {
                let rules = value.as_table().ok_or_else(|| {
                    (
                        full.clone(),
                        format!("must be a table of rule = level, not {}", value.type_str()),
                    )
                })?;
                for (id, level) in rules {
                    let key = format!("{full}.{id}");
                    if rule_doc(id).is_none() {
                        return Err((
                            key,
                            format!(
                                "`{id}` is not a rule id (`rust-async-skill rules` lists them)"
                            ),
                        ));
                    }
                    let l = level.as_str().ok_or_else(|| {
                        (
                            key.clone(),
                            format!(
                                "must be a string (allow, info, warn, error), not {}",
                                level.type_str()
                            ),
                        )
                    })?;
                    let level = match l {
                        "allow" => Level::Allow,
                        "info" => Level::Severity(Severity::Info),
                        "warn" | "warning" => Level::Severity(Severity::Warning),
                        "error" => Level::Severity(Severity::Error),
                        _ => {
                            return Err((
                                key,
                                format!("`{l}` is not one of allow, info, warn, error"),
                            ));
                        }
                    };
                    p.levels.insert(id.clone(), level);
                }
            }
            _ => {
                return Err((
                    full,
                    "unknown key; the keys are runtime, exclude, rules, baseline".to_string(),
                ));
            }
        }
    }
    Ok(p)
}
