//! The skill: its files (embedded or read from a folder) split into sections.
pub mod embedded;
