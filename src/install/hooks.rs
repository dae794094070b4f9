//! The after-edit hook in a client's hook file: `rust-async-skill hook CLIENT`
//! registered so that the client runs it after every edit the agent makes.
//!
//! Two shapes of hook file exist:
//! - nested (Claude Code `settings.json`, Codex `hooks.json`): `hooks.EVENT`
//!   is a list of groups `{"matcher": ..., "hooks": [{"type": "command",
//!   "command": ...}]}`;
//! - flat (Cursor and Windsurf `hooks.json`): `hooks.EVENT` is a list of
//!   `{"command": ..., ...}`.
//!
//! The file is edited like an MCP configuration ([`super::json`]): only the
//! value of `hooks.EVENT` is rewritten, the user's own hooks stay in it, and
//! ours is recognised by its command (this program's name followed by
//! `hook CLIENT`), so a new binary path updates the entry instead of adding
//! a second one.
use super::json::{self, Json};
use super::launch::Launch;
use super::{ConfigPlan, ConfigState, Error, in_style_of, load};
use std::path::{Path, PathBuf};

/// The file name of the binary, as it appears in a hook command.
const PROGRAM: &str = "rust-async-skill";

/// Where and how one client runs our hook.
#[derive(Debug, Clone)]
pub struct HookSpec {
    /// The client's id, the argument of `hook`.
    pub client: &'static str,
    /// The hook file.
    pub path: PathBuf,
    /// The event under `hooks` (`PostToolUse`, `postToolUse`, `post_write_code`).
    pub event: &'static str,
    /// True for the Claude-style `{"matcher", "hooks": [...]}` groups.
    pub nested: bool,
    /// The list item we add under `hooks.EVENT`.
    pub entry: Json,
    /// Top-level members a new file starts with besides `hooks` (Cursor's
    /// `"version": 1`); a file left with only these on uninstall is deleted.
    pub scaffold: Vec<(&'static str, Json)>,
}

/// The shell command that runs the hook: what runs the server, with
/// `hook CLIENT` for `serve` (`/path/rust-async-skill hook CLIENT`, or
/// `npx -y rust-async-skill hook CLIENT` through the npm launcher), each
/// word quoted when it needs it.
pub fn command(launch: &Launch, client: &str) -> String {
    std::iter::once(launch.command.as_str())
        .chain(launch.args.iter().flat_map(|a| match a.as_str() {
            "serve" => vec!["hook", client],
            other => vec![other],
        }))
        .map(shell_quote)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `s` as one word for `sh -c`: unchanged when it holds only safe
/// characters, else in single quotes.
pub fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@,=%~".contains(c));
    if safe {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// True when `cmd` runs this program's `hook CLIENT`: from any path, or
/// through a runner (`npx -y rust-async-skill@1 hook CLIENT`).
pub fn is_ours(cmd: &str, client: &str) -> bool {
    let Some((program, rest)) = first_word(cmd) else {
        return false;
    };
    // Either separator: a Windows path is recognised on any platform.
    let file_name = |word: &str| word.rsplit(['/', '\\']).next().unwrap_or("").to_string();
    let is_program = |word: &str| {
        let name = file_name(word);
        let name = name.strip_suffix(".exe").unwrap_or(&name);
        name == PROGRAM
            || name
                .strip_prefix(PROGRAM)
                .is_some_and(|v| v.starts_with('@'))
    };
    let words: Vec<&str> = std::iter::once(program.as_str())
        .chain(rest.split_whitespace())
        .collect();
    let runner = matches!(
        file_name(&program).as_str(),
        "npx" | "npx.cmd" | "cmd" | "cmd.exe" | "pnpx" | "bunx"
    );
    let start = if runner {
        words.iter().position(|w| is_program(w))
    } else {
        is_program(&program).then_some(0)
    };
    start.is_some_and(|i| words.get(i + 1) == Some(&"hook") && words.get(i + 2) == Some(&client))
}

/// The first word of a shell command with its quotes and escapes undone,
/// and the text after it; `None` for an empty command or an open quote.
fn first_word(cmd: &str) -> Option<(String, &str)> {
    let cmd = cmd.trim_start();
    let mut word = String::new();
    let mut chars = cmd.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => return Some((word, &cmd[i..])),
            '\'' => loop {
                match chars.next()? {
                    (_, '\'') => break,
                    (_, c) => word.push(c),
                }
            },
            '"' => loop {
                match chars.next()? {
                    (_, '"') => break,
                    // In double quotes a backslash escapes only these.
                    (_, '\\') => match chars.next()? {
                        (_, c @ ('$' | '`' | '"' | '\\')) => word.push(c),
                        (_, c) => {
                            word.push('\\');
                            word.push(c);
                        }
                    },
                    (_, c) => word.push(c),
                }
            },
            '\\' => word.push(chars.next()?.1),
            c => word.push(c),
        }
    }
    (!word.is_empty()).then_some((word, ""))
}

/// `{"matcher": matcher, "hooks": [{"type": "command", "command": cmd}]}`.
pub fn nested_entry(matcher: &str, cmd: &str) -> Json {
    Json::object([
        ("matcher", Json::string(matcher)),
        (
            "hooks",
            Json::Array(vec![Json::object([
                ("type", Json::string("command")),
                ("command", Json::string(cmd)),
            ])]),
        ),
    ])
}

fn command_of(item: &Json) -> Option<&str> {
    match item.get("command") {
        Some(Json::String(c)) => Some(c),
        _ => None,
    }
}

/// What happens to one item of the event list.
#[derive(Debug, Clone, PartialEq)]
enum Edit {
    Keep,
    Drop,
    Replace(Json),
}

/// The edits that take our hooks out of the list, whether any was there,
/// and the first item that held only ours (ours goes back there on install).
fn strip_ours(items: &[Json], spec: &HookSpec) -> (Vec<Edit>, bool, Option<usize>) {
    let ours = |item: &Json| command_of(item).is_some_and(|c| is_ours(c, spec.client));
    let mut edits = Vec::with_capacity(items.len());
    let mut found = false;
    let mut slot = None;
    for (i, item) in items.iter().enumerate() {
        let edit = if !spec.nested {
            if ours(item) { Edit::Drop } else { Edit::Keep }
        } else {
            match (item, item.get("hooks")) {
                (Json::Object(members), Some(Json::Array(hooks))) => {
                    let left: Vec<Json> = hooks.iter().filter(|h| !ours(h)).cloned().collect();
                    if left.len() == hooks.len() {
                        Edit::Keep
                    } else if left.is_empty() {
                        Edit::Drop
                    } else {
                        Edit::Replace(Json::Object(
                            members
                                .iter()
                                .map(|(k, v)| match k.as_str() {
                                    "hooks" => (k.clone(), Json::Array(left.clone())),
                                    _ => (k.clone(), v.clone()),
                                })
                                .collect(),
                        ))
                    }
                }
                _ => Edit::Keep,
            }
        };
        if edit != Edit::Keep {
            found = true;
        }
        if edit == Edit::Drop && slot.is_none() {
            slot = Some(i);
        }
        edits.push(edit);
    }
    (edits, found, slot)
}

/// The event list in `text` (which holds it: we only edit inside it).
fn event_list(text: &str, event: &str) -> json::Node {
    let root = reparse(text);
    let (_, hooks) = root.member("hooks").expect("the file has hooks");
    let (_, list) = hooks.value.member(event).expect("hooks has the event");
    list.value.clone()
}

/// Carries out `edits` (and an append) on the event list, one item at a
/// time, so every other item keeps its text.
fn apply_edits(
    text: &str,
    event: &str,
    edits: &[Edit],
    append: Option<&Json>,
    unit: &str,
) -> String {
    let mut text = text.to_string();
    if let Some(entry) = append {
        text = json::append_item(&text, &event_list(&text, event), entry, unit);
    }
    for (i, edit) in edits.iter().enumerate().rev() {
        match edit {
            Edit::Keep => {}
            Edit::Drop => text = json::remove_item(&text, &event_list(&text, event), i),
            Edit::Replace(v) => {
                text = json::replace_item(&text, &event_list(&text, event), i, v, unit)
            }
        }
    }
    text
}

fn conflict(path: &Path, message: String) -> Error {
    Error::Conflict {
        path: path.to_path_buf(),
        message,
    }
}

/// The `hooks` object and the event list in a parsed file: `Ok(None)` for a
/// missing part, an error for a part of the wrong type.
/// Where the hooks are in a parsed file: the `hooks` object, and the index
/// and value of its event list.
type Located<'a> = (Option<&'a json::Node>, Option<(usize, &'a json::Node)>);

fn locate<'a>(path: &Path, root: &'a json::Node, event: &str) -> Result<Located<'a>, Error> {
    let Some((_, hooks)) = root.member("hooks") else {
        return Ok((None, None));
    };
    let hooks = &hooks.value;
    if hooks.members().is_none() {
        return Err(conflict(
            path,
            format!("\"hooks\" is {}, expected an object", hooks.type_name()),
        ));
    }
    let Some((i, list)) = hooks.member(event) else {
        return Ok((Some(hooks), None));
    };
    if !matches!(list.value.kind, json::NodeKind::Array(_)) {
        return Err(conflict(
            path,
            format!(
                "\"hooks.{event}\" is {}, expected an array",
                list.value.type_name()
            ),
        ));
    }
    Ok((Some(hooks), Some((i, &list.value))))
}

fn reparse(text: &str) -> json::Node {
    json::parse(text).expect("our own edit of valid JSON is valid JSON")
}

/// The change that registers our hook in `spec.path`.
pub fn plan_install(spec: &HookSpec) -> Result<ConfigPlan, Error> {
    let path = &spec.path;
    let write_path = crate::fsio::resolve(path);
    let (before, body, root) = load(path, &write_path)?;
    let unit = json::indent_unit(&body);
    let (hooks, list) = locate(path, &root, spec.event)?;
    let (state, text) = match (hooks, list) {
        (None, _) => {
            let mut text = body.clone();
            for (key, value) in &spec.scaffold {
                let root = reparse(&text);
                if root.member(key).is_none() {
                    text = json::insert_member(&text, &root, key, value, &unit);
                }
            }
            let value = Json::object([(spec.event, Json::Array(vec![spec.entry.clone()]))]);
            let root = reparse(&text);
            (
                ConfigState::Added,
                json::insert_member(&text, &root, "hooks", &value, &unit),
            )
        }
        (Some(hooks), None) => {
            let value = Json::Array(vec![spec.entry.clone()]);
            (
                ConfigState::Added,
                json::insert_member(&body, hooks, spec.event, &value, &unit),
            )
        }
        (Some(_), Some((_, list))) => {
            let Json::Array(old) = list.to_json() else {
                unreachable!("locate checked the type")
            };
            let (mut edits, found, slot) = strip_ours(&old, spec);
            let append = match slot {
                Some(i) if old[i] == spec.entry => {
                    edits[i] = Edit::Keep;
                    None
                }
                Some(i) => {
                    edits[i] = Edit::Replace(spec.entry.clone());
                    None
                }
                None => Some(&spec.entry),
            };
            let state = match (
                found,
                append.is_none() && edits.iter().all(|e| *e == Edit::Keep),
            ) {
                (_, true) => ConfigState::Unchanged,
                (true, false) => ConfigState::Updated,
                (false, false) => ConfigState::Added,
            };
            let text = apply_edits(&body, spec.event, &edits, append, &unit);
            (state, text)
        }
    };
    let after = if state == ConfigState::Unchanged {
        before.clone()
    } else {
        Some(in_style_of(before.as_deref(), &text))
    };
    Ok(ConfigPlan {
        path: path.clone(),
        write_path,
        before,
        after,
        state,
        notes: Vec::new(),
    })
}

/// The change that removes our hook from `spec.path` and nothing else; the
/// file goes when nothing but what a new file starts with is left.
pub fn plan_uninstall(spec: &HookSpec) -> Result<ConfigPlan, Error> {
    let path = &spec.path;
    let write_path = crate::fsio::resolve(path);
    let unchanged = |before| ConfigPlan::not_present(path, write_path.clone(), before);
    if !write_path.exists() {
        return Ok(unchanged(None));
    }
    let (before, body, root) = load(path, &write_path)?;
    let unit = json::indent_unit(&body);
    let (Some(hooks), Some((i, list))) = locate(path, &root, spec.event)? else {
        return Ok(unchanged(before));
    };
    let Json::Array(old) = list.to_json() else {
        unreachable!("locate checked the type")
    };
    let (edits, found, _) = strip_ours(&old, spec);
    if !found {
        return Ok(unchanged(before));
    }
    let mut text = if edits.iter().all(|e| *e == Edit::Drop) {
        json::remove_member(&body, hooks, i)
    } else {
        apply_edits(&body, spec.event, &edits, None, &unit)
    };
    let root = reparse(&text);
    if let Some((h, hooks)) = root.member("hooks")
        && hooks.value.members().is_some_and(<[_]>::is_empty)
    {
        text = json::remove_member(&text, &root, h);
    }
    let left = reparse(&text).to_json();
    let only_scaffold = match &left {
        Json::Object(members) => members
            .iter()
            .all(|(k, v)| spec.scaffold.iter().any(|(sk, sv)| sk == k && sv == v)),
        _ => false,
    };
    let after = if only_scaffold {
        None
    } else {
        Some(in_style_of(before.as_deref(), &text))
    };
    Ok(ConfigPlan::removed(path, write_path, before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_plain_paths_and_quotes_the_rest() {
        assert_eq!(
            shell_quote("/usr/bin/rust-async-skill"),
            "/usr/bin/rust-async-skill"
        );
        assert_eq!(
            shell_quote("/a b/rust-async-skill"),
            "'/a b/rust-async-skill'"
        );
        assert_eq!(shell_quote("/it's/x"), r"'/it'\''s/x'");
    }

    #[test]
    fn ours_is_recognised_from_any_path_and_only_for_its_client() {
        assert!(is_ours(
            "/usr/bin/rust-async-skill hook claude-code",
            "claude-code"
        ));
        assert!(is_ours("'/a b/rust-async-skill' hook cursor", "cursor"));
        assert!(is_ours(
            r#""C:\x y\rust-async-skill.exe" hook codex"#,
            "codex"
        ));
        assert!(is_ours("rust-async-skill  hook windsurf", "windsurf"));
        assert!(!is_ours(
            "/usr/bin/rust-async-skill hook cursor",
            "claude-code"
        ));
        assert!(!is_ours("/usr/bin/rust-async-skill check", "claude-code"));
        assert!(!is_ours("my-linter hook claude-code", "claude-code"));
        assert!(!is_ours("'/unterminated hook claude-code", "claude-code"));
        assert!(!is_ours("", "claude-code"));
        assert!(is_ours("npx -y rust-async-skill hook cursor", "cursor"));
        assert!(is_ours(
            "cmd /c npx -y rust-async-skill@0.2 hook cursor",
            "cursor"
        ));
        assert!(!is_ours("npx -y other-tool hook cursor", "cursor"));
        assert!(!is_ours("echo rust-async-skill hook cursor", "cursor"));
        // The commands we write are recognised as ours.
        let path = Launch::binary("/it's/rust-async-skill");
        assert_eq!(
            command(&path, "codex"),
            r"'/it'\''s/rust-async-skill' hook codex"
        );
        assert!(is_ours(&command(&path, "codex"), "codex"));
        for windows in [false, true] {
            let npx = command(&Launch::npx(windows), "windsurf");
            assert!(
                npx.ends_with("npx -y rust-async-skill hook windsurf"),
                "{npx}"
            );
            assert!(is_ours(&npx, "windsurf"), "{npx}");
        }
    }
}
