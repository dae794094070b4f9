//! Resources: the skill's files (`skill://rust-async-internals/...`), one
//! section (`rust-async://sections/{id}`), one rule's documentation
//! (`rust-async://rules/{id}`), and completions for those ids.
use crate::skill::{SKILL_NAME, Skill};
use rmcp::ErrorData as McpError;
use rmcp::model::*;

/// The skill never changes while the server runs: clients may cache for an hour.
pub const CACHE_TTL_MS: u64 = 3_600_000;

pub const SECTION_TEMPLATE: &str = "rust-async://sections/{id}";
pub const RULE_TEMPLATE: &str = "rust-async://rules/{id}";
const SECTION_PREFIX: &str = "rust-async://sections/";
const RULE_PREFIX: &str = "rust-async://rules/";

/// `skill://rust-async-internals/<path>` for a file of the skill.
pub fn file_uri(path: &str) -> String {
    format!("skill://{SKILL_NAME}/{path}")
}

fn mime(path: &str) -> &'static str {
    if path.ends_with(".md") {
        "text/markdown"
    } else {
        "text/plain"
    }
}

/// Every file of the skill as a resource.
pub fn list(skill: &Skill) -> Vec<Resource> {
    skill
        .files
        .iter()
        .map(|f| {
            let name = if f.path == "SKILL.md" {
                SKILL_NAME.to_string()
            } else {
                f.path.rsplit('/').next().unwrap_or(&f.path).to_string()
            };
            let mut r = Resource::new(file_uri(&f.path), name)
                .with_mime_type(mime(&f.path))
                .with_size(f.text.len() as u64);
            if f.path == "SKILL.md" {
                r = r.with_description(skill.frontmatter.description.clone());
            } else if let Some(first) = skill.sections.iter().find(|s| s.file == f.path) {
                r = r.with_title(first.title.clone());
            }
            r
        })
        .collect()
}

pub fn templates() -> Vec<ResourceTemplate> {
    vec![
        ResourceTemplate::new(SECTION_TEMPLATE, "section")
            .with_title("A section of the rust-async-internals skill")
            .with_description(
                "One section by id, `<concept>.<slug>` (the ids explain_concept returns)",
            )
            .with_mime_type("text/markdown"),
        ResourceTemplate::new(RULE_TEMPLATE, "rule")
            .with_title("An analyser rule's documentation")
            .with_description(
                "What the rule finds, why it is a bug, an example and what to write instead",
            )
            .with_mime_type("text/markdown"),
    ]
}

/// Reads a resource by URI; an unknown URI is an invalid-params error naming it.
pub fn read(skill: &Skill, uri: &str) -> Result<ReadResourceResult, McpError> {
    let text = |t: String| {
        Ok(ReadResourceResult::new(vec![
            ResourceContents::text(t, uri).with_mime_type("text/markdown"),
        ]))
    };
    if let Some(path) = uri.strip_prefix(&format!("skill://{SKILL_NAME}/")) {
        if let Some(f) = skill.file(path) {
            return Ok(ReadResourceResult::new(vec![
                ResourceContents::text(f.text.clone(), uri).with_mime_type(mime(path)),
            ]));
        }
    } else if let Some(id) = uri.strip_prefix(SECTION_PREFIX) {
        if let Some(s) = skill.section(id) {
            return text(s.markdown.clone());
        }
        return Err(McpError::invalid_params(
            format!("no section `{id}` (complete the `id` of {SECTION_TEMPLATE} to list them)"),
            None,
        ));
    } else if let Some(id) = uri.strip_prefix(RULE_PREFIX) {
        if let Some(doc) = rule_markdown(id) {
            return text(doc);
        }
        return Err(McpError::invalid_params(
            format!("no rule `{id}` (complete the `id` of {RULE_TEMPLATE} to list them)"),
            None,
        ));
    }
    Err(McpError::invalid_params(
        format!("unknown resource `{uri}`"),
        None,
    ))
}

/// Completion values for a template's `id` argument, by prefix (then by substring).
pub fn complete(skill: &Skill, reference: &Reference, argument: &str, value: &str) -> Vec<String> {
    let Reference::Resource(r) = reference else {
        return Vec::new();
    };
    if argument != "id" {
        return Vec::new();
    }
    let candidates: Vec<String> = match r.uri.as_str() {
        SECTION_TEMPLATE => skill.sections.iter().map(|s| s.id.clone()).collect(),
        RULE_TEMPLATE => rule_ids(),
        _ => return Vec::new(),
    };
    let value = value.to_lowercase();
    let mut out: Vec<String> = candidates
        .iter()
        .filter(|c| c.starts_with(&value))
        .cloned()
        .collect();
    out.extend(
        candidates
            .iter()
            .filter(|c| !c.starts_with(&value) && c.contains(&value))
            .cloned(),
    );
    out
}

/// The SEP-2640 manifest of the skill: every file with its digest and size.
pub fn skill_manifest(skill: &Skill) -> rmcp::model::Skill {
    let mut frontmatter = SkillFrontmatter::new(
        skill.frontmatter.name.clone(),
        skill.frontmatter.description.clone(),
    );
    if !skill.frontmatter.license.is_empty() {
        frontmatter = frontmatter.with_field("license", skill.frontmatter.license.clone());
    }
    let mut files: Vec<SkillResource> = skill
        .files
        .iter()
        .map(|f| SkillResource::from_bytes(file_uri(&f.path), f.text.as_bytes()))
        .collect();
    files.sort_by(|a, b| a.uri.cmp(&b.uri));
    rmcp::model::Skill::new(
        file_uri("SKILL.md"),
        frontmatter,
        SkillResources::Files(files),
    )
}

fn rule_markdown(id: &str) -> Option<String> {
    crate::analysis::rule_doc(id).map(|d| d.markdown())
}

fn rule_ids() -> Vec<String> {
    crate::analysis::rule_docs()
        .iter()
        .map(|d| d.id.to_string())
        .collect()
}
