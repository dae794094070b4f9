//! `bundle DIR`: write the installable skill bundle
//! `DIR/skills/rust-async-internals/` (SKILL.md and skill/, from the files
//! embedded in the binary; no source, no build files).
use super::{BundleArgs, fail};
use crate::install::{skill_dir, skill_files};

pub fn run(args: &BundleArgs) -> u8 {
    let files = skill_files();
    match skill_dir::write_bundle(&args.dir, &files) {
        Ok(dir) => {
            println!("wrote {} ({} files)", dir.display(), files.len());
            println!("install it with: npx skills add {}", args.dir.display());
            0
        }
        Err(e) => fail(e),
    }
}
