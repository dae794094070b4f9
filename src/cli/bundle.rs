//! `bundle DIR`: write the installable skill bundle
//! `DIR/skills/rust-async-internals/` (SKILL.md and skill/, from the files
//! embedded in the binary; no source, no build files). With `--plugin`, the
//! Claude Code plugin around it (see [`crate::install::plugin`]).
use super::{BundleArgs, fail};
use crate::install::{plugin, skill_dir, skill_files};

pub fn run(args: &BundleArgs) -> u8 {
    let files = skill_files();
    if args.plugin {
        let files = plugin::files(env!("CARGO_PKG_VERSION"), &files);
        return match plugin::write(&args.dir, &files) {
            Ok(n) => {
                println!(
                    "wrote the Claude Code plugin {} ({n} files)",
                    args.dir.display()
                );
                println!(
                    "check it with: claude plugin validate {}",
                    args.dir.display()
                );
                0
            }
            Err(e) => fail(e),
        };
    }
    match skill_dir::write_bundle(&args.dir, &files) {
        Ok(dir) => {
            println!("wrote {} ({} files)", dir.display(), files.len());
            println!("install it with: npx skills add {}", args.dir.display());
            0
        }
        Err(e) => fail(e),
    }
}
