//! Building the index, writing it to `index/`, and opening it again from the
//! bytes embedded in the binary (always in memory: start-up writes nothing).
use super::schema::{Fields, schema};
use super::tokenizer::{ANALYZER, analyzer};
use crate::skill::Skill;
use std::path::{Path, PathBuf};
use tantivy::directory::{Directory, RamDirectory};
use tantivy::{Index, IndexSettings, TantivyDocument, doc, store::Compressor};

/// The file in `index/` holding the fingerprint of the skill it was built from.
pub const FINGERPRINT_FILE: &str = "FINGERPRINT";

fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
}

/// Builds an in-memory index of every section of `skill`.
pub fn build(skill: &Skill) -> tantivy::Result<(Index, RamDirectory, Fields)> {
    let (schema, fields) = schema();
    let dir = RamDirectory::create();
    let settings = IndexSettings {
        docstore_compression: Compressor::None,
        ..Default::default()
    };
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .open_or_create(dir.clone())?;
    register(&index);
    // One thread and one commit give one segment: the smallest and fastest index to search.
    let mut writer = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
    for (ord, s) in skill.sections.iter().enumerate() {
        let mut d = doc!(
            fields.ord => ord as u64,
            fields.id => s.id.as_str(),
            fields.concept => s.concept.as_str(),
            fields.title => s.title.as_str(),
            fields.headings => s.heading_path.join(" / "),
            fields.body => s.prose.as_str(),
            fields.code => s.code.as_str(),
        );
        // Aliases (other names, pasted error messages) describe the whole concept:
        // they go on its overview, so that they pick the concept without
        // flattening the ranking of its other sections.
        if s.id.ends_with(".overview") {
            let concept_title = crate::skill::concept(&s.concept)
                .map(|c| c.title)
                .unwrap_or_default();
            let aliases = skill
                .aliases
                .get(&s.concept)
                .map(|a| a.join("; "))
                .unwrap_or_default();
            d.add_text(
                fields.aliases,
                format!(
                    "{} {} {aliases}",
                    s.concept.replace('-', " "),
                    concept_title
                ),
            );
        }
        writer.add_document(d)?;
    }
    // One more document per concept, holding all of its sections: it ranks
    // concepts as wholes, so that a question phrased unlike any one section
    // still finds the concept whose vocabulary it shares.
    for (c, concept) in crate::skill::CONCEPTS.iter().enumerate() {
        let sections: Vec<_> = skill
            .sections
            .iter()
            .filter(|s| s.concept == concept.id)
            .collect();
        if sections.is_empty() {
            continue;
        }
        let join = |f: &dyn Fn(&crate::skill::sections::Section) -> String| {
            sections.iter().map(|s| f(s)).collect::<Vec<_>>().join("\n")
        };
        let aliases = skill
            .aliases
            .get(concept.id)
            .map(|a| a.join("; "))
            .unwrap_or_default();
        writer.add_document(doc!(
            fields.ord => (skill.sections.len() + c) as u64,
            fields.id => format!("concept:{}", concept.id),
            fields.concept => concept.id,
            fields.title => format!("{} {}", concept.id.replace('-', " "), concept.title),
            fields.headings => join(&|s| s.title.clone()),
            fields.aliases => aliases,
            fields.body => join(&|s| s.prose.clone()),
            fields.code => join(&|s| s.code.clone()),
        ))?;
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    Ok((index, dir, fields))
}

/// The files that make up a built index (meta files and every segment file).
fn index_files(index: &Index) -> tantivy::Result<Vec<PathBuf>> {
    let mut files = vec![PathBuf::from("meta.json"), PathBuf::from(".managed.json")];
    for meta in index.searchable_segment_metas()? {
        use tantivy::index::SegmentComponent as C;
        let parts = [
            C::Postings,
            C::Positions,
            C::Terms,
            C::Store,
            C::FastFields,
            C::FieldNorms,
            C::Delete,
        ];
        files.extend(parts.into_iter().map(|c| meta.relative_path(c)));
    }
    Ok(files)
}

/// Builds the index of `skill` and writes it to `dir` (replacing what was there).
pub fn write(skill: &Skill, dir: &Path) -> anyhow::Result<usize> {
    let (index, ram, _) = build(skill)?;
    if dir.exists() {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_file() {
                std::fs::remove_file(&path)?;
            }
        }
    }
    std::fs::create_dir_all(dir)?;
    let mut count = 0;
    for file in index_files(&index)? {
        if !ram.exists(&file)? {
            continue;
        }
        let bytes = ram.open_read(&file)?.read_bytes()?;
        // Dot files are not embedded (build.rs skips hidden files), so store the
        // managed list under a visible name and restore it on load.
        let name = file
            .to_string_lossy()
            .replace(".managed.json", "managed.json");
        std::fs::write(dir.join(name), bytes.as_slice())?;
        count += 1;
    }
    std::fs::write(dir.join(FINGERPRINT_FILE), skill.fingerprint())?;
    Ok(count + 1)
}

/// Opens an index from its files `(name, bytes)` as written by [`write`].
pub fn open(files: &[(&str, &[u8])]) -> tantivy::Result<(Index, Fields)> {
    let dir = RamDirectory::create();
    for (name, bytes) in files {
        if *name == FINGERPRINT_FILE {
            continue;
        }
        let name = if *name == "managed.json" {
            ".managed.json"
        } else {
            name
        };
        dir.atomic_write(Path::new(name), bytes)?;
    }
    let index = Index::open(dir)?;
    register(&index);
    let (_, fields) = schema();
    Ok((index, fields))
}

/// The fingerprint stored with an index's files, if any.
pub fn stored_fingerprint<'a>(files: &[(&str, &'a [u8])]) -> Option<&'a str> {
    files
        .iter()
        .find(|(n, _)| *n == FINGERPRINT_FILE)
        .and_then(|(_, b)| std::str::from_utf8(b).ok())
        .map(str::trim)
}
