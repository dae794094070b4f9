//! `index [--check]`: rebuild the prebuilt index in index/, or check it.
use super::{IndexArgs, fail};
use crate::search::store;
use crate::skill::Skill;

pub fn run(args: &IndexArgs) -> u8 {
    let skill = match Skill::load(&args.skill) {
        Ok(s) => s,
        Err(e) => {
            return fail(format_args!(
                "{e} (run from the repository root, or pass --skill)"
            ));
        }
    };
    if !skill.errors.is_empty() {
        for e in &skill.errors {
            eprintln!("error: {e}");
        }
        return fail(format_args!(
            "the skill has {} format errors (see docs/skill-format.md)",
            skill.errors.len()
        ));
    }
    if args.check {
        let path = args.dir.join(store::FINGERPRINT_FILE);
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        if stored.trim() == skill.fingerprint() {
            println!("index is up to date ({} sections)", skill.sections.len());
            return 0;
        }
        eprintln!(
            "index in {} is stale: run `rust-async-skill index` and rebuild",
            args.dir.display()
        );
        return 1;
    }
    match store::write(&skill, &args.dir) {
        Ok(files) => {
            println!(
                "indexed {} sections into {} ({files} files)",
                skill.sections.len(),
                args.dir.display()
            );
            0
        }
        Err(e) => fail(format_args!(
            "cannot write the index to {}: {e}",
            args.dir.display()
        )),
    }
}
