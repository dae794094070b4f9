//! The skill's files in a client's skills folder, and the bundle.
//!
//! Installed copies keep the repository's layout (`SKILL.md` and
//! `skill/references/...`), since SKILL.md links to `skill/references/...`.
//! A manifest in the folder lists the files `install` wrote: `uninstall`
//! removes those and nothing else, and an update removes the files an older
//! version wrote that the new one no longer has.
use super::Error;
use crate::fsio;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The skill's name (its SKILL.md frontmatter `name`) and folder name.
pub const SKILL_NAME: &str = "rust-async-internals";
/// The file, inside the installed skill folder, that lists what we wrote.
pub const MANIFEST: &str = ".rust-async-skill.manifest";
const MANIFEST_HEADER: &str =
    "# Files written by `rust-async-skill install`; `rust-async-skill uninstall` removes them.\n";

/// One file to write, relative to the skill folder.
#[derive(Debug, Clone)]
pub struct FileWrite {
    pub rel: String,
    pub contents: String,
    pub existed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkillState {
    /// Files will be written or removed.
    Changes,
    /// Installed and identical: nothing to do.
    UpToDate,
    /// Nothing of ours is there (uninstall).
    NotInstalled,
    /// Something we did not write is there; it is left as it is (the reason).
    LeftAlone(String),
}

/// What `install` or `uninstall` does to the skill folder.
#[derive(Debug, Clone)]
pub struct SkillPlan {
    /// `<skills root>/rust-async-internals`.
    pub dir: PathBuf,
    pub writes: Vec<FileWrite>,
    /// Files to remove, relative to `dir` (the manifest among them on uninstall).
    pub removes: Vec<String>,
    /// The new manifest text, when it changes (install only).
    pub manifest: Option<String>,
    /// Remove `dir` itself when it ends up empty (uninstall only).
    pub remove_dir: bool,
    pub state: SkillState,
}

impl SkillPlan {
    fn new(dir: PathBuf, state: SkillState) -> Self {
        SkillPlan {
            dir,
            writes: Vec::new(),
            removes: Vec::new(),
            manifest: None,
            remove_dir: false,
            state,
        }
    }

    pub fn is_noop(&self) -> bool {
        self.state != SkillState::Changes
    }

    /// The plan as lines for `--dry-run`.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        match &self.state {
            SkillState::Changes => {
                out.push_str(&format!("skill folder {}:\n", self.dir.display()));
                for w in &self.writes {
                    let verb = if w.existed { "update" } else { "create" };
                    out.push_str(&format!(
                        "  {verb} {} ({} lines)\n",
                        w.rel,
                        w.contents.lines().count()
                    ));
                }
                for r in &self.removes {
                    out.push_str(&format!("  remove {r}\n"));
                }
                if self.remove_dir {
                    out.push_str("  remove the folder when empty\n");
                }
            }
            SkillState::UpToDate => out.push_str(&format!(
                "skill folder {}: up to date\n",
                self.dir.display()
            )),
            SkillState::NotInstalled => out.push_str(&format!(
                "skill folder {}: not installed\n",
                self.dir.display()
            )),
            SkillState::LeftAlone(why) => out.push_str(&format!(
                "skill folder {}: left as it is: {why}\n",
                self.dir.display()
            )),
        }
        out
    }

    /// Carries the plan out.
    pub fn apply(&self) -> Result<(), Error> {
        if self.state != SkillState::Changes {
            return Ok(());
        }
        let io_err = |path: &Path| {
            let path = path.to_path_buf();
            move |source: io::Error| Error::Io { path, source }
        };
        for w in &self.writes {
            let path = self.dir.join(&w.rel);
            fsio::write_atomic(&path, &w.contents).map_err(io_err(&path))?;
        }
        let mut parents = BTreeSet::new();
        for r in &self.removes {
            let path = self.dir.join(r);
            fsio::remove_file(&path).map_err(io_err(&path))?;
            let mut p = path.parent();
            while let Some(dir) = p {
                if dir == self.dir || !dir.starts_with(&self.dir) {
                    break;
                }
                parents.insert(dir.to_path_buf());
                p = dir.parent();
            }
        }
        // Deepest first; a folder that still holds something stays.
        let mut parents: Vec<PathBuf> = parents.into_iter().collect();
        parents.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
        for dir in parents {
            let _ = fs::remove_dir(dir);
        }
        if let Some(manifest) = &self.manifest {
            let path = self.dir.join(MANIFEST);
            fsio::write_atomic(&path, manifest).map_err(io_err(&path))?;
        }
        if self.remove_dir {
            let _ = fs::remove_dir(&self.dir);
        }
        Ok(())
    }
}

/// A manifest line is used only when it is a plain relative path inside the folder.
pub fn safe_rel(line: &str) -> bool {
    let p = Path::new(line);
    !line.is_empty()
        && !line.contains('\\')
        && p.components().all(|c| matches!(c, Component::Normal(_)))
}

fn read_manifest(dir: &Path) -> Result<Option<Vec<String>>, Error> {
    let path = dir.join(MANIFEST);
    let text = fsio::read_optional(&path).map_err(|source| Error::Io { path, source })?;
    Ok(text.map(|t| {
        t.lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#') && safe_rel(l))
            .map(String::from)
            .collect()
    }))
}

/// Checks what is at `dir`: `Ok(Some(reason))` when it must be left alone.
fn inspect(dir: &Path) -> Result<Option<String>, Error> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => {
            let to = fs::read_link(dir)
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            Ok(Some(format!(
                "it is a symlink to {to}, made by another tool (such as `npx skills add`)"
            )))
        }
        Ok(m) if !m.is_dir() => Err(Error::Conflict {
            path: dir.to_path_buf(),
            message: "exists and is not a folder".into(),
        }),
        Ok(_) | Err(_) => Ok(None),
    }
}

/// The plan that puts `files` (`(path relative to the skill folder, text)`)
/// into `<skills_root>/rust-async-internals/`.
pub fn plan_install(skills_root: &Path, files: &[(&str, &str)]) -> Result<SkillPlan, Error> {
    let dir = skills_root.join(SKILL_NAME);
    if let Some(why) = inspect(&dir)? {
        return Ok(SkillPlan::new(dir, SkillState::LeftAlone(why)));
    }
    let mut plan = SkillPlan::new(dir.clone(), SkillState::UpToDate);
    for (rel, contents) in files {
        let path = dir.join(rel);
        let existing = fsio::read_optional(&path).unwrap_or(None);
        if existing.as_deref() != Some(*contents) {
            plan.writes.push(FileWrite {
                rel: rel.to_string(),
                contents: contents.to_string(),
                existed: existing.is_some(),
            });
        }
    }
    let ours: BTreeSet<&str> = files.iter().map(|(rel, _)| *rel).collect();
    let old = read_manifest(&dir)?;
    for rel in old.iter().flatten() {
        if !ours.contains(rel.as_str()) && dir.join(rel).exists() {
            plan.removes.push(rel.clone());
        }
    }
    let manifest = format!(
        "{MANIFEST_HEADER}{}",
        ours.iter().map(|r| format!("{r}\n")).collect::<String>()
    );
    let current = fsio::read_optional(&dir.join(MANIFEST)).unwrap_or(None);
    if current.as_deref() != Some(manifest.as_str()) {
        plan.manifest = Some(manifest);
    }
    if !plan.writes.is_empty() || !plan.removes.is_empty() || plan.manifest.is_some() {
        plan.state = SkillState::Changes;
    }
    Ok(plan)
}

/// The plan that removes what [`plan_install`] wrote, and only that.
pub fn plan_uninstall(skills_root: &Path) -> Result<SkillPlan, Error> {
    let dir = skills_root.join(SKILL_NAME);
    if let Some(why) = inspect(&dir)? {
        return Ok(SkillPlan::new(dir, SkillState::LeftAlone(why)));
    }
    if !dir.exists() {
        return Ok(SkillPlan::new(dir, SkillState::NotInstalled));
    }
    let Some(listed) = read_manifest(&dir)? else {
        let why = format!("it has no {MANIFEST}, so `rust-async-skill install` did not write it");
        return Ok(SkillPlan::new(dir, SkillState::LeftAlone(why)));
    };
    let mut plan = SkillPlan::new(dir.clone(), SkillState::Changes);
    plan.removes = listed
        .into_iter()
        .filter(|rel| dir.join(rel).is_file())
        .collect();
    plan.removes.push(MANIFEST.to_string());
    plan.remove_dir = true;
    Ok(plan)
}

/// Writes the bundle `<out>/skills/rust-async-internals/` with `files`,
/// replacing an earlier bundle there. Returns the skill folder.
pub fn write_bundle(out: &Path, files: &[(&str, &str)]) -> Result<PathBuf, Error> {
    let dir = out.join("skills").join(SKILL_NAME);
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source: io::Error| Error::Io { path, source }
    };
    match fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(&dir).map_err(io_err(&dir))?,
        Ok(_) => fs::remove_file(&dir).map_err(io_err(&dir))?,
        Err(_) => {}
    }
    for (rel, contents) in files {
        if !safe_rel(rel) {
            continue;
        }
        let path = dir.join(rel);
        fsio::write_atomic(&path, contents).map_err(io_err(&path))?;
    }
    Ok(dir)
}
