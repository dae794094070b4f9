//! The skill's structure: what the loader, the index and the Agent Skills
//! format require of SKILL.md and skill/ (docs/skill-format.md).
use rust_async_skill::skill::{CONCEPTS, SKILL_NAME, Skill, embedded};
use std::path::Path;

fn disk_skill() -> Skill {
    Skill::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("SKILL.md")).expect("SKILL.md loads")
}

#[test]
fn skill_has_no_format_errors() {
    let skill = disk_skill();
    let errors: Vec<String> = skill.errors.iter().map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "format errors:\n{}", errors.join("\n"));
}

#[test]
fn every_concept_has_a_reference_file_and_a_skill_md_section() {
    let skill = disk_skill();
    for c in CONCEPTS {
        let reference = format!("skill/references/{}.md", c.id);
        assert!(skill.file(&reference).is_some(), "missing {reference}");
        assert!(
            skill
                .sections
                .iter()
                .any(|s| s.concept == c.id && s.file == "SKILL.md"),
            "SKILL.md has no section on {}",
            c.id
        );
        assert!(
            skill.sections_of(c.id).count() >= 5,
            "{} has fewer than 5 sections",
            c.id
        );
        assert!(
            skill.aliases.get(c.id).is_some_and(|a| a.len() >= 5),
            "{} has fewer than 5 aliases",
            c.id
        );
    }
}

#[test]
fn frontmatter_follows_the_agent_skills_format() {
    let skill = disk_skill();
    let f = &skill.frontmatter;
    assert_eq!(f.name, SKILL_NAME);
    assert!(
        !f.description.is_empty() && f.description.chars().count() <= 1024,
        "description is {} chars",
        f.description.len()
    );
    assert!(!f.license.is_empty());
    for key in f
        .raw
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_once(':'))
        .map(|(k, _)| k.trim())
    {
        assert!(
            [
                "name",
                "description",
                "license",
                "compatibility",
                "metadata",
                "allowed-tools"
            ]
            .contains(&key),
            "unknown frontmatter key {key}"
        );
    }
    let body_lines = skill.file("SKILL.md").unwrap().text.lines().count();
    assert!(body_lines < 500, "SKILL.md has {body_lines} lines");
}

#[test]
fn every_fence_names_its_language_and_links_resolve() {
    let skill = disk_skill();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for f in &skill.files {
        let mut open = false;
        for (i, line) in f.text.lines().enumerate() {
            let t = line.trim_start();
            if let Some(info) = t.strip_prefix("```") {
                if !open {
                    assert!(
                        !info.trim().is_empty(),
                        "{}:{}: a bare ``` fence would be compiled as Rust",
                        f.path,
                        i + 1
                    );
                }
                open = !open;
            }
        }
        assert!(!open, "{}: unclosed fence", f.path);
        // Relative links to other skill files must resolve (from the file's own folder).
        let dir = Path::new(&f.path).parent().unwrap_or(Path::new(""));
        for target in f
            .text
            .split("](")
            .skip(1)
            .filter_map(|rest| rest.split(')').next())
        {
            let target = target.split('#').next().unwrap_or("");
            if target.is_empty() || target.contains("://") || !target.ends_with(".md") {
                continue;
            }
            assert!(
                root.join(dir).join(target).exists(),
                "{}: broken link to {target}",
                f.path
            );
        }
    }
}

#[test]
fn section_ids_are_unique_and_named_after_their_concept() {
    let skill = disk_skill();
    let mut seen = std::collections::HashSet::new();
    for s in &skill.sections {
        assert!(seen.insert(s.id.clone()), "duplicate id {}", s.id);
        assert!(
            s.id.starts_with(&format!("{}.", s.concept)),
            "{} does not start with its concept",
            s.id
        );
        assert!(skill.section(&s.id).is_some());
    }
}

#[test]
fn the_binary_embeds_the_skill_on_disk() {
    let disk = disk_skill();
    let embedded = Skill::embedded();
    assert_eq!(
        embedded.files.len(),
        disk.files.len(),
        "rebuild: the embedded skill is not the one on disk"
    );
    for (a, b) in embedded.files.iter().zip(&disk.files) {
        assert_eq!(a.path, b.path);
        assert!(
            a.text == b.text,
            "{} differs from the embedded copy: rebuild",
            a.path
        );
    }
    assert!(
        !embedded::index_files().is_empty(),
        "no prebuilt index embedded"
    );
}
