//! Splits a skill file into sections (docs/skill-format.md): every `##` and
//! `###` heading starts one; reference files belong to the concept named by
//! their file stem, SKILL.md sections to the concept named in the
//! `<!-- concept: id -->` line under their `##` heading.

/// One section of the skill: the unit that is indexed, ranked and returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// `<concept>.<slug>`, unique in the skill.
    pub id: String,
    pub concept: String,
    pub title: String,
    /// Titles from the file's `#` title down to this section's heading.
    pub heading_path: Vec<String>,
    /// The file it came from, relative to the skill root (`SKILL.md`, `skill/references/waker.md`).
    pub file: String,
    /// 1-based line of the heading (or of the first line, for an overview).
    pub line: usize,
    /// The section's Markdown, heading included.
    pub markdown: String,
    /// The prose without code blocks (indexed as the body).
    pub prose: String,
    /// The text of its code blocks (indexed separately, at a lower weight).
    pub code: String,
}

/// A problem in the skill's structure, found while splitting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// What a file contributed: its sections, the aliases of its concept, and problems.
#[derive(Debug, Default)]
pub struct SplitFile {
    pub sections: Vec<Section>,
    pub aliases: Vec<String>,
    pub errors: Vec<FormatError>,
}

/// The slug of a heading: lowercase, runs of other characters than a-z0-9 become one `-`.
pub fn slug(heading: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in heading.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
    }
    out
}

/// Strips a leading YAML frontmatter block, returning (frontmatter, body, line offset of body).
pub fn split_frontmatter(text: &str) -> (Option<&str>, &str, usize) {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (None, text, 0);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let lines = 2 + front.lines().count();
            return (Some(front), body, lines);
        }
        offset += line.len();
    }
    (None, text, 0)
}

fn comment_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let inner = line
        .trim()
        .strip_prefix("<!--")?
        .strip_suffix("-->")?
        .trim();
    inner
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix(':')
        .map(str::trim)
}

fn fence_marker(line: &str) -> Option<&str> {
    let t = line.trim_start();
    if t.starts_with("```") {
        Some("```")
    } else if t.starts_with("~~~") {
        Some("~~~")
    } else {
        None
    }
}

/// A section being accumulated.
struct Open {
    concept: Option<String>,
    title: String,
    level: usize,
    line: usize,
    lines: Vec<String>,
    overview: bool,
}

/// Splits one file. `concept` is the file's concept for reference files,
/// `None` for SKILL.md (whose sections name theirs).
pub fn split_file(file: &str, text: &str, concept: Option<&str>) -> SplitFile {
    let (_, body, offset) = split_frontmatter(text);
    let mut out = SplitFile::default();
    let mut open: Option<Open> = None;
    let mut file_title = String::new();
    let mut path: Vec<(usize, String)> = Vec::new();
    let mut fence: Option<&str> = None;
    let mut skill_concept: Option<String> = None;
    let mut finished: Vec<(Open, Vec<String>)> = Vec::new();

    for (i, raw) in body.lines().enumerate() {
        let lineno = i + 1 + offset;
        if let Some(marker) = fence {
            if raw.trim_start().starts_with(marker)
                && raw.trim().trim_start_matches(marker).is_empty()
            {
                fence = None;
            }
            if let Some(o) = open.as_mut() {
                o.lines.push(raw.to_string());
            }
            continue;
        }
        if let Some(marker) = fence_marker(raw) {
            fence = Some(marker);
            if let Some(o) = open.as_mut() {
                o.lines.push(raw.to_string());
            }
            continue;
        }
        let level = raw.chars().take_while(|&c| c == '#').count();
        let is_heading = (1..=3).contains(&level) && raw[level..].starts_with(' ');
        if is_heading {
            let title = raw[level..].trim().to_string();
            if level == 1 {
                file_title = title.clone();
                path.clear();
                path.push((1, title.clone()));
                if concept.is_some() {
                    // The text under the file's title is the concept's overview.
                    if let Some(o) = open.take() {
                        finished.push((o, path_titles(&path)));
                    }
                    open = Some(Open {
                        concept: concept.map(str::to_string),
                        title,
                        level,
                        line: lineno,
                        lines: vec![raw.to_string()],
                        overview: true,
                    });
                }
                continue;
            }
            if let Some(o) = open.take() {
                let p = path_titles(&path);
                finished.push((o, p));
            }
            path.retain(|(l, _)| *l < level);
            path.push((level, title.clone()));
            if level == 2 && concept.is_none() {
                skill_concept = None; // must be restated under every `##` of SKILL.md
            }
            let section_concept = concept
                .map(str::to_string)
                .or_else(|| skill_concept.clone());
            open = Some(Open {
                concept: section_concept,
                title,
                level,
                line: lineno,
                lines: vec![raw.to_string()],
                overview: false,
            });
            continue;
        }
        if let Some(value) = comment_value(raw, "concept") {
            if concept.is_none() {
                skill_concept = Some(value.to_string());
                if let Some(o) = open.as_mut()
                    && o.level == 2
                    && o.concept.is_none()
                {
                    o.concept = Some(value.to_string());
                }
            }
            continue;
        }
        if let Some(value) = comment_value(raw, "aliases") {
            out.aliases.extend(
                value
                    .split(';')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .map(str::to_string),
            );
            continue;
        }
        if let Some(o) = open.as_mut() {
            o.lines.push(raw.to_string());
        }
    }
    if let Some(o) = open.take() {
        finished.push((o, path_titles(&path)));
    }
    if fence.is_some() {
        out.errors.push(FormatError {
            file: file.into(),
            line: body.lines().count() + offset,
            message: "unclosed code fence".into(),
        });
    }

    for (o, heading_path) in finished {
        let Some(c) = o.concept.clone() else {
            out.errors.push(FormatError {
                file: file.into(),
                line: o.line,
                message: format!("section `{}` names no concept (add `<!-- concept: id -->` under its `##` heading)", o.title),
            });
            continue;
        };
        let markdown = trim_blank(&o.lines).join("\n");
        let (prose, code) = split_code(&markdown);
        let slug = if o.overview {
            "overview".to_string()
        } else {
            slug(&o.title)
        };
        let mut heading_path = heading_path;
        if heading_path.is_empty() && !file_title.is_empty() {
            heading_path.push(file_title.clone());
        }
        out.sections.push(Section {
            id: format!("{c}.{slug}"),
            concept: c,
            title: o.title,
            heading_path,
            file: file.into(),
            line: o.line,
            markdown,
            prose,
            code,
        });
    }
    out
}

fn path_titles(path: &[(usize, String)]) -> Vec<String> {
    path.iter().map(|(_, t)| t.clone()).collect()
}

fn trim_blank(lines: &[String]) -> &[String] {
    let start = lines
        .iter()
        .position(|l| !l.trim().is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(start, |e| e + 1);
    &lines[start..end]
}

/// Splits Markdown into (prose, code): the text of fenced blocks goes to code.
fn split_code(markdown: &str) -> (String, String) {
    let mut prose = String::new();
    let mut code = String::new();
    let mut fence: Option<&str> = None;
    for line in markdown.lines() {
        match fence {
            Some(marker) => {
                if line.trim() == marker {
                    fence = None;
                } else {
                    code.push_str(line);
                    code.push('\n');
                }
            }
            None => {
                if let Some(marker) = fence_marker(line) {
                    fence = Some(marker);
                } else {
                    prose.push_str(line);
                    prose.push('\n');
                }
            }
        }
    }
    (prose, code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("Why futures need Pin"), "why-futures-need-pin");
        assert_eq!(
            slug("`Pin<&mut Self>` and `Unpin`!"),
            "pin-mut-self-and-unpin"
        );
        assert_eq!(slug("  select! in a loop "), "select-in-a-loop");
    }

    #[test]
    fn reference_file_sections() {
        let text = "# Pin and Unpin\n<!-- aliases: pinning; cannot be unpinned -->\nIntro text.\n\n## Why Pin\nBody\n```rust\n## not a heading\nlet x = 1;\n```\n### Deeper\nMore\n## Other\nEnd\n";
        let split = split_file("skill/references/pin-unpin.md", text, Some("pin-unpin"));
        assert!(split.errors.is_empty(), "{:?}", split.errors);
        assert_eq!(split.aliases, ["pinning", "cannot be unpinned"]);
        let ids: Vec<_> = split.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "pin-unpin.overview",
                "pin-unpin.why-pin",
                "pin-unpin.deeper",
                "pin-unpin.other"
            ]
        );
        let why = &split.sections[1];
        assert!(why.code.contains("## not a heading"));
        assert!(!why.prose.contains("let x"));
        assert_eq!(
            split.sections[2].heading_path,
            ["Pin and Unpin", "Why Pin", "Deeper"]
        );
        assert_eq!(why.line, 5);
    }

    #[test]
    fn skill_md_sections_need_a_concept() {
        let text = "---\nname: x\n---\n# Skill\nPreamble\n## Pin\n<!-- concept: pin-unpin -->\nText\n### Sub\nMore\n## Nothing\nNo concept\n";
        let split = split_file("SKILL.md", text, None);
        let ids: Vec<_> = split.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["pin-unpin.pin", "pin-unpin.sub"]);
        assert_eq!(split.errors.len(), 1);
        assert!(split.errors[0].message.contains("Nothing"));
        assert_eq!(split.sections[0].line, 6);
    }
}
