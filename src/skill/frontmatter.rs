//! The few frontmatter fields we read from SKILL.md. The Agent Skills
//! validator checks the full format; here we only need name and description,
//! and the raw text to serve verbatim.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontmatter {
    pub name: String,
    pub description: String,
    pub license: String,
    /// The frontmatter as written, without the `---` lines.
    pub raw: String,
}

impl Frontmatter {
    /// Reads `key: value` lines (values may be quoted); enough for our own SKILL.md.
    pub fn parse(raw: &str) -> Frontmatter {
        let mut f = Frontmatter {
            raw: raw.to_string(),
            ..Default::default()
        };
        for line in raw.lines() {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if line.starts_with(char::is_whitespace) {
                continue;
            }
            let value = unquote(value.trim());
            match key.trim() {
                "name" => f.name = value,
                "description" => f.description = value,
                "license" => f.license = value,
                _ => {}
            }
        }
        f
    }
}

fn unquote(v: &str) -> String {
    let quoted = v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')));
    if quoted {
        v[1..v.len() - 1].replace("\\\"", "\"").replace("''", "'")
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields() {
        let f = Frontmatter::parse(
            "name: rust-async-internals\ndescription: \"Async: Future, Pin\"\nlicense: MIT\n",
        );
        assert_eq!(f.name, "rust-async-internals");
        assert_eq!(f.description, "Async: Future, Pin");
        assert_eq!(f.license, "MIT");
    }
}
