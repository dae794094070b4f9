//! The skill and the prebuilt index, embedded at build time by build.rs.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// The skill's files as `(path relative to the repository root, text)`:
/// `SKILL.md` first-class, then every file under `skill/`, sorted.
pub fn skill_files() -> &'static [(&'static str, &'static str)] {
    SKILL_FILES
}

/// The prebuilt index files as `(file name, bytes)`.
pub fn index_files() -> &'static [(&'static str, &'static [u8])] {
    INDEX_FILES
}
