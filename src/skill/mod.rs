//! The skill: its files (embedded in the binary, or read from a folder) and
//! the sections they split into, each belonging to one concept.

pub mod concepts;
pub mod embedded;
pub mod frontmatter;
pub mod sections;

use sections::{FormatError, Section, split_file};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

pub use concepts::{CONCEPTS, Concept, concept};
pub use frontmatter::Frontmatter;

/// The skill's name (frontmatter `name`, and the folder it installs into).
pub const SKILL_NAME: &str = "rust-async-internals";

/// One file of the skill, by its path relative to the skill root.
#[derive(Debug, Clone)]
pub struct SkillFile {
    pub path: String,
    pub text: String,
}

/// The loaded skill.
#[derive(Debug)]
pub struct Skill {
    pub files: Vec<SkillFile>,
    pub frontmatter: Frontmatter,
    pub sections: Vec<Section>,
    /// Hand-kept aliases of each concept, from the reference files' alias lines.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Structural problems: sections without a concept, unknown concepts, duplicate ids.
    pub errors: Vec<FormatError>,
    by_id: HashMap<String, usize>,
}

impl Skill {
    /// The skill embedded in this binary, loaded once.
    pub fn embedded() -> &'static Skill {
        static SKILL: OnceLock<Skill> = OnceLock::new();
        SKILL.get_or_init(|| {
            let files = embedded::skill_files().iter().map(|(p, t)| SkillFile {
                path: (*p).into(),
                text: (*t).into(),
            });
            Skill::from_files(files.collect())
        })
    }

    /// Reads a skill from disk: the given SKILL.md and every file under the
    /// `skill/` folder next to it.
    pub fn load(skill_md: &Path) -> std::io::Result<Skill> {
        let text = std::fs::read_to_string(skill_md).map_err(|e| {
            std::io::Error::new(e.kind(), format!("cannot read {}: {e}", skill_md.display()))
        })?;
        let root = skill_md.parent().unwrap_or(Path::new("."));
        let mut files = vec![SkillFile {
            path: "SKILL.md".into(),
            text,
        }];
        let mut found = Vec::new();
        collect(&root.join("skill"), &mut found)?;
        found.sort();
        for path in found {
            let rel = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            match std::fs::read_to_string(&path) {
                Ok(text) => files.push(SkillFile { path: rel, text }),
                // Binary assets are served as files but not indexed; the skill has none today.
                Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {}
                Err(e) => {
                    return Err(std::io::Error::new(
                        e.kind(),
                        format!("cannot read {}: {e}", path.display()),
                    ));
                }
            }
        }
        Ok(Skill::from_files(files))
    }

    /// Builds the skill from its files (SKILL.md plus `skill/...`).
    pub fn from_files(files: Vec<SkillFile>) -> Skill {
        let mut sections = Vec::new();
        let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut errors = Vec::new();
        let mut frontmatter = Frontmatter::default();
        for file in &files {
            if !file.path.ends_with(".md") {
                continue;
            }
            let concept_of_file = if file.path == "SKILL.md" {
                let (front, _, _) = sections::split_frontmatter(&file.text);
                frontmatter = front.map(Frontmatter::parse).unwrap_or_default();
                None
            } else if let Some(stem) = file
                .path
                .strip_prefix("skill/references/")
                .and_then(|p| p.strip_suffix(".md"))
            {
                Some(stem.to_string())
            } else {
                continue;
            };
            if let Some(c) = &concept_of_file
                && concept(c).is_none()
            {
                errors.push(FormatError {
                    file: file.path.clone(),
                    line: 1,
                    message: format!("`{c}` is not a concept id of the catalogue"),
                });
            }
            let split = split_file(&file.path, &file.text, concept_of_file.as_deref());
            if let Some(c) = concept_of_file {
                aliases.entry(c).or_default().extend(split.aliases);
            }
            errors.extend(split.errors);
            sections.extend(split.sections);
        }
        let mut by_id = HashMap::new();
        for (i, s) in sections.iter_mut().enumerate() {
            if concept(&s.concept).is_none() {
                errors.push(FormatError {
                    file: s.file.clone(),
                    line: s.line,
                    message: format!(
                        "section `{}` names unknown concept `{}`",
                        s.title, s.concept
                    ),
                });
            }
            // Ids must be unique; a clash gets a numbered suffix and is reported.
            if by_id.contains_key(&s.id) {
                let base = s.id.clone();
                let mut n = 2;
                while by_id.contains_key(&format!("{base}-{n}")) {
                    n += 1;
                }
                s.id = format!("{base}-{n}");
                errors.push(FormatError {
                    file: s.file.clone(),
                    line: s.line,
                    message: format!("duplicate section id `{base}` (renamed `{}`)", s.id),
                });
            }
            by_id.insert(s.id.clone(), i);
        }
        Skill {
            files,
            frontmatter,
            sections,
            aliases,
            errors,
            by_id,
        }
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.by_id.get(id).map(|&i| &self.sections[i])
    }

    pub fn file(&self, path: &str) -> Option<&SkillFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Sections of one concept in document order (SKILL.md first, then its reference file).
    pub fn sections_of<'a>(&'a self, concept: &'a str) -> impl Iterator<Item = &'a Section> + 'a {
        self.sections.iter().filter(move |s| s.concept == concept)
    }

    /// A fingerprint of everything the index is built from, to detect a stale index.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(crate::search::INDEX_FORMAT_VERSION.as_bytes());
        for f in &self.files {
            h.update(f.path.as_bytes());
            h.update([0]);
            h.update(f.text.as_bytes());
            h.update([0]);
        }
        format!("{:x}", h.finalize())
    }
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let path = entry?.path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if path.is_dir() {
            collect(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}
