//! Registering the MCP server and the skill with agent clients (`install`,
//! `uninstall`), and the skill bundle (`bundle`).
//!
//! Every change is planned first and carried out second, so a problem found
//! while planning (invalid JSON, a path in the way) leaves every file as it
//! was, and `--dry-run` shows the same plan that a real run carries out.
//!
//! - [`claude_code`], [`codex`], [`cursor`], [`windsurf`]: where each client
//!   keeps its MCP configuration, its skills and its hooks, and the entries
//!   it expects.
//! - [`json`]: edits a configuration by splicing our entry into the file's
//!   own text, so other servers, unknown keys and formatting stay as they are
//!   (Codex's TOML goes through `toml_edit`, for the same reason).
//! - [`hooks`]: the after-edit hook (`rust-async-skill hook CLIENT`) merged
//!   into the client's hook file next to the user's own hooks.
//! - [`plugin`]: the Claude Code plugin folder (`bundle --plugin`).
//! - [`fsio`]: atomic writes (temporary file + rename) and backups.
//! - [`diff`]: the unified diff of `--dry-run`.
//! - [`skill_dir`]: the skill's files in a skills folder, and the bundle.
//! - [`launch`]: the command the clients run (this binary, or the npm launcher).
pub mod claude_code;
pub mod codex;
pub mod cursor;
pub mod hooks;
pub mod json;
pub mod launch;
pub mod plugin;
pub mod skill_dir;
pub mod windsurf;

use json::Json;
use launch::Launch;
use skill_dir::SkillPlan;
use std::fmt;
use std::path::{Path, PathBuf};

/// The key of our entry under `mcpServers`.
pub const SERVER_NAME: &str = "rust-async-skill";
pub use skill_dir::SKILL_NAME;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    ClaudeCode,
    Codex,
    Cursor,
    Windsurf,
}

impl Client {
    pub const ALL: [Client; 4] = [
        Client::ClaudeCode,
        Client::Codex,
        Client::Cursor,
        Client::Windsurf,
    ];

    /// The command-line name; `claude` is accepted for `claude-code`.
    pub fn parse(name: &str) -> Option<Client> {
        match name.to_ascii_lowercase().replace('_', "-").as_str() {
            "claude-code" | "claude" | "claudecode" => Some(Client::ClaudeCode),
            "codex" | "openai-codex" => Some(Client::Codex),
            "cursor" => Some(Client::Cursor),
            "windsurf" => Some(Client::Windsurf),
            _ => None,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Client::ClaudeCode => "claude-code",
            Client::Codex => "codex",
            Client::Cursor => "cursor",
            Client::Windsurf => "windsurf",
        }
    }

    pub fn display_name(self) -> &'static str {
        match self {
            Client::ClaudeCode => "Claude Code",
            Client::Codex => "Codex",
            Client::Cursor => "Cursor",
            Client::Windsurf => "Windsurf",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    User,
    Project,
}

impl Scope {
    pub fn parse(name: &str) -> Option<Scope> {
        match name.to_ascii_lowercase().as_str() {
            "user" | "global" => Some(Scope::User),
            "project" | "workspace" => Some(Scope::Project),
            _ => None,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Scope::User => "user",
            Scope::Project => "project",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Install,
    Uninstall,
}

/// What the install paths depend on outside the arguments.
#[derive(Debug, Clone)]
pub struct Context {
    /// The user's home folder (`$HOME`).
    pub home: PathBuf,
    /// The project folder for `--scope project` (the current directory).
    pub cwd: PathBuf,
    /// The binary the clients will run (`std::env::current_exe()`).
    pub exe: PathBuf,
    /// `$CLAUDE_CONFIG_DIR`, which moves `~/.claude` and `~/.claude.json`.
    pub claude_config_dir: Option<PathBuf>,
    /// What the clients run: `exe serve`, or the npm launcher when the
    /// launcher started this process (see [`launch`]).
    pub launch: Launch,
}

impl Context {
    /// The context of this process: `$HOME`, the current directory, this binary.
    pub fn from_env() -> Result<Context, Error> {
        let nonempty = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let home = nonempty("HOME")
            .or_else(std::env::home_dir)
            .ok_or_else(|| Error::Usage("cannot find the home folder: set HOME".into()))?;
        let cwd = std::env::current_dir().map_err(|source| Error::Io {
            path: PathBuf::from("."),
            source,
        })?;
        let exe = std::env::current_exe().map_err(|source| Error::Io {
            path: PathBuf::from("rust-async-skill"),
            source,
        })?;
        let launch = Launch::from_env_value(
            std::env::var_os(launch::LAUNCHER_ENV).as_deref(),
            &exe.to_string_lossy(),
        )?;
        Ok(Context {
            home,
            cwd,
            exe,
            claude_config_dir: nonempty("CLAUDE_CONFIG_DIR"),
            launch,
        })
    }

    /// The binary's path as text for a JSON config.
    pub fn exe_str(&self) -> String {
        self.exe.to_string_lossy().into_owned()
    }
}

/// Where a client keeps its configuration and skills, for one scope.
#[derive(Debug, Clone)]
pub struct Target {
    pub client: Client,
    pub scope: Scope,
    /// The MCP configuration file; `None` when the client has none for this scope.
    pub config: Option<PathBuf>,
    /// Our entry under `mcpServers`.
    pub entry: Json,
    /// The folder that holds skill folders (`~/.claude/skills`).
    pub skills_root: PathBuf,
    /// Said after a change: why something is skipped, how to check.
    pub notes: Vec<String>,
}

/// Where `client` keeps things in `scope`.
pub fn target(client: Client, scope: Scope, ctx: &Context) -> Target {
    match client {
        Client::ClaudeCode => claude_code::target(scope, ctx),
        Client::Codex => codex::target(scope, ctx),
        Client::Cursor => cursor::target(scope, ctx),
        Client::Windsurf => windsurf::target(scope, ctx),
    }
}

/// Where and how `client` runs the after-edit hook in `scope`.
pub fn hook_spec(client: Client, scope: Scope, ctx: &Context) -> hooks::HookSpec {
    match client {
        Client::ClaudeCode => claude_code::hook(scope, ctx),
        Client::Codex => codex::hook(scope, ctx),
        Client::Cursor => cursor::hook(scope, ctx),
        Client::Windsurf => windsurf::hook(scope, ctx),
    }
}

/// Everything that stops an install; each ends the command with exit 2.
#[derive(Debug)]
pub enum Error {
    /// An existing configuration file is not valid JSON.
    InvalidJson {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// An existing TOML configuration file (Codex) does not parse.
    InvalidToml {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A file is valid but not in a shape we can merge into.
    Conflict {
        path: PathBuf,
        message: String,
    },
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidJson {
                path,
                line,
                column,
                message,
            } => write!(
                f,
                "{}:{line}:{column}: invalid JSON: {message}\nThe file was left untouched; fix it (or move it away) and run the command again.",
                path.display()
            ),
            Error::InvalidToml {
                path,
                line,
                column,
                message,
            } => write!(
                f,
                "{}:{line}:{column}: invalid TOML: {}\nThe file was left untouched; fix it (or move it away) and run the command again.",
                path.display(),
                message.trim_end()
            ),
            Error::Conflict { path, message } => {
                write!(f, "{}: {message}\nNothing was changed.", path.display())
            }
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Usage(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigState {
    /// Our entry is added.
    Added,
    /// Our entry was there and changes (a new binary path, say).
    Updated,
    /// Our entry is there and identical.
    Unchanged,
    /// Our entry is removed.
    Removed,
    /// Uninstall found no entry of ours.
    NotPresent,
}

/// The change to one MCP configuration file.
#[derive(Debug, Clone)]
pub struct ConfigPlan {
    /// The configuration path as the client names it.
    pub path: PathBuf,
    /// Where the write goes: the target of a symlink, else `path`.
    pub write_path: PathBuf,
    pub before: Option<String>,
    /// `None`: the file is deleted (it held nothing but our entry).
    pub after: Option<String>,
    pub state: ConfigState,
    /// Said along with the change (another entry that runs this binary, say).
    pub notes: Vec<String>,
}

impl ConfigPlan {
    /// Uninstall found nothing of ours: the file stays as it is.
    pub fn not_present(path: &Path, write_path: PathBuf, before: Option<String>) -> ConfigPlan {
        ConfigPlan {
            path: path.to_path_buf(),
            write_path,
            after: before.clone(),
            before,
            state: ConfigState::NotPresent,
            notes: Vec::new(),
        }
    }

    /// Uninstall removes our entry: `after` is `None` when the file goes.
    pub fn removed(
        path: &Path,
        write_path: PathBuf,
        before: Option<String>,
        after: Option<String>,
    ) -> ConfigPlan {
        ConfigPlan {
            path: path.to_path_buf(),
            write_path,
            before,
            after,
            state: ConfigState::Removed,
            notes: Vec::new(),
        }
    }

    pub fn changes(&self) -> bool {
        self.before != self.after
    }

    pub fn diff(&self) -> String {
        crate::textdiff::unified(
            &self.path.display().to_string(),
            self.before.as_deref(),
            self.after.as_deref(),
        )
    }

    /// Writes the change: a backup of the previous file, then an atomic
    /// replace. Returns the backup's path.
    pub fn apply(&self) -> Result<Option<PathBuf>, Error> {
        if !self.changes() {
            return Ok(None);
        }
        let io = |source| Error::Io {
            path: self.write_path.clone(),
            source,
        };
        match &self.after {
            Some(text) => {
                let backup = if self.before.is_some() {
                    crate::fsio::backup(&self.write_path).map_err(io)?
                } else {
                    None
                };
                crate::fsio::write_atomic(&self.write_path, text).map_err(io)?;
                Ok(backup)
            }
            None => {
                crate::fsio::remove_file(&self.write_path).map_err(io)?;
                Ok(None)
            }
        }
    }
}

const BOM: &str = "\u{feff}";

/// `text` with the byte-order mark and the CRLF line ends of `before`, when
/// it had them (our inserted lines are written with `\n`).
fn in_style_of(before: Option<&str>, text: &str) -> String {
    let bom = if before.is_some_and(|t| t.starts_with(BOM)) {
        BOM
    } else {
        ""
    };
    if before.is_some_and(|t| t.contains("\r\n")) {
        format!("{bom}{}", text.replace("\r\n", "\n").replace('\n', "\r\n"))
    } else {
        format!("{bom}{text}")
    }
}

/// Reads and parses a configuration file: `(text as read, the JSON text
/// without a BOM or "{}" for an empty file, parsed root)`.
fn load(path: &Path, write_path: &Path) -> Result<(Option<String>, String, json::Node), Error> {
    let before = crate::fsio::read_optional(write_path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let body = before
        .as_deref()
        .map(|t| t.strip_prefix(BOM).unwrap_or(t))
        .unwrap_or("");
    let body = if body.trim().is_empty() {
        "{}\n".to_string()
    } else {
        body.to_string()
    };
    let root = json::parse(&body).map_err(|e| Error::InvalidJson {
        path: path.to_path_buf(),
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    if root.members().is_none() {
        return Err(Error::Conflict {
            path: path.to_path_buf(),
            message: format!(
                "expected a JSON object at the top level, found {}",
                root.type_name()
            ),
        });
    }
    Ok((before, body, root))
}

/// Our entry merged into an existing one: our fields win; `env` and keys we
/// do not know are kept; keys of a remote server (`url`...) go.
fn merge_entry(existing: &Json, ours: &Json) -> Json {
    let (Json::Object(old), Json::Object(new)) = (existing, ours) else {
        return ours.clone();
    };
    let mut members: Vec<(String, Json)> = old
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "url" | "serverUrl" | "headers"))
        .cloned()
        .collect();
    for (key, value) in new {
        match members.iter_mut().find(|(k, _)| k == key) {
            Some(_) if key == "env" => {}
            Some(slot) => slot.1 = value.clone(),
            None => members.push((key.clone(), value.clone())),
        }
    }
    Json::Object(members)
}

/// Other entries that run the same program: likely duplicates the user made.
fn same_program_elsewhere(servers: &json::Node, ours: &Json) -> Vec<String> {
    let Some(program) = launch::program_of(ours) else {
        return Vec::new();
    };
    servers
        .members()
        .unwrap_or_default()
        .iter()
        .filter(|m| m.key != SERVER_NAME)
        .filter(|m| launch::program_of(&m.value.to_json()).as_ref() == Some(&program))
        .map(|m| m.key.clone())
        .collect()
}

/// The change that registers `entry` as `mcpServers.rust-async-skill` in `path`.
pub fn plan_config_install(path: &Path, entry: &Json) -> Result<ConfigPlan, Error> {
    let write_path = crate::fsio::resolve(path);
    let (before, body, root) = load(path, &write_path)?;
    let unit = json::indent_unit(&body);
    let mut notes = Vec::new();
    let (state, text) = match root.member("mcpServers") {
        None => {
            let servers = Json::object([(SERVER_NAME, entry.clone())]);
            (
                ConfigState::Added,
                json::insert_member(&body, &root, "mcpServers", &servers, &unit),
            )
        }
        Some((_, servers)) => {
            let servers = &servers.value;
            if servers.members().is_none() {
                return Err(Error::Conflict {
                    path: path.to_path_buf(),
                    message: format!(
                        "\"mcpServers\" is {}, expected an object",
                        servers.type_name()
                    ),
                });
            }
            for other in same_program_elsewhere(servers, entry) {
                notes.push(format!(
                    "the entry \"{other}\" in {} runs the same program; remove it if it is a duplicate",
                    path.display()
                ));
            }
            match servers.member(SERVER_NAME) {
                None => (
                    ConfigState::Added,
                    json::insert_member(&body, servers, SERVER_NAME, entry, &unit),
                ),
                Some((i, ours)) => {
                    let old = ours.value.to_json();
                    let merged = merge_entry(&old, entry);
                    if merged == old {
                        (ConfigState::Unchanged, body.clone())
                    } else {
                        (
                            ConfigState::Updated,
                            json::replace_value(&body, servers, i, &merged, &unit),
                        )
                    }
                }
            }
        }
    };
    let after = if state == ConfigState::Unchanged {
        before.clone()
    } else {
        Some(in_style_of(before.as_deref(), &text))
    };
    Ok(ConfigPlan {
        path: path.to_path_buf(),
        write_path,
        before,
        after,
        state,
        notes,
    })
}

/// The change that removes `mcpServers.rust-async-skill` from `path`, and
/// deletes the file when nothing else is left in it.
pub fn plan_config_uninstall(path: &Path) -> Result<ConfigPlan, Error> {
    let write_path = crate::fsio::resolve(path);
    let unchanged = |before| ConfigPlan::not_present(path, write_path.clone(), before);
    if !write_path.exists() {
        return Ok(unchanged(None));
    }
    let (before, body, root) = load(path, &write_path)?;
    let Some((_, servers)) = root.member("mcpServers") else {
        return Ok(unchanged(before));
    };
    let Some((i, _)) = servers.value.member(SERVER_NAME) else {
        return Ok(unchanged(before));
    };
    let only_ours = servers.value.members().map_or(0, <[_]>::len) == 1
        && root.members().map_or(0, <[_]>::len) == 1;
    let after = if only_ours {
        None
    } else {
        let text = json::remove_member(&body, &servers.value, i);
        Some(in_style_of(before.as_deref(), &text))
    };
    Ok(ConfigPlan::removed(path, write_path, before, after))
}

/// The skill's files as `(path inside the skill folder, text)`.
pub fn skill_files() -> Vec<(&'static str, &'static str)> {
    crate::skill::embedded::skill_files().to_vec()
}

/// Everything `install` or `uninstall` would do for one client and scope.
#[derive(Debug, Clone)]
pub struct Plan {
    pub action: Action,
    pub target: Target,
    pub config: Option<ConfigPlan>,
    /// The change to the client's hook file; `None` with `--no-hooks`.
    pub hooks: Option<ConfigPlan>,
    pub skill: SkillPlan,
}

/// Plans `action` for `client` in `scope`, with the after-edit hook unless
/// `with_hooks` is false; reads files, writes nothing.
pub fn plan(
    client: Client,
    scope: Scope,
    action: Action,
    with_hooks: bool,
    ctx: &Context,
) -> Result<Plan, Error> {
    let target = target(client, scope, ctx);
    let config = match (&target.config, action, client) {
        (None, _, _) => None,
        (Some(path), Action::Install, Client::Codex) => {
            Some(codex::plan_config_install(path, &ctx.launch)?)
        }
        (Some(path), Action::Uninstall, Client::Codex) => Some(codex::plan_config_uninstall(path)?),
        (Some(path), Action::Install, _) => Some(plan_config_install(path, &target.entry)?),
        (Some(path), Action::Uninstall, _) => Some(plan_config_uninstall(path)?),
    };
    let hooks = match (with_hooks, action) {
        (false, _) => None,
        (true, Action::Install) => Some(hooks::plan_install(&hook_spec(client, scope, ctx))?),
        (true, Action::Uninstall) => Some(hooks::plan_uninstall(&hook_spec(client, scope, ctx))?),
    };
    let skill = match action {
        Action::Install => skill_dir::plan_install(&target.skills_root, &skill_files())?,
        Action::Uninstall => skill_dir::plan_uninstall(&target.skills_root)?,
    };
    Ok(Plan {
        action,
        target,
        config,
        hooks,
        skill,
    })
}

impl Plan {
    /// True when carrying the plan out would change nothing.
    pub fn is_noop(&self) -> bool {
        !self.config.as_ref().is_some_and(ConfigPlan::changes)
            && !self.hooks.as_ref().is_some_and(ConfigPlan::changes)
            && self.skill.is_noop()
    }

    /// What `--dry-run` prints: the configuration and hook diffs and the
    /// skill files.
    pub fn dry_run(&self) -> String {
        let mut out = String::new();
        for config in self.config.iter().chain(&self.hooks) {
            let d = config.diff();
            if d.is_empty() {
                out.push_str(&format!("{}: no change\n", config.path.display()));
            } else {
                out.push_str(&d);
            }
            for note in &config.notes {
                out.push_str(&format!("note: {note}\n"));
            }
        }
        out.push_str(&self.skill.describe());
        out
    }

    /// Carries the plan out; returns what was done, one line each.
    pub fn apply(&self) -> Result<Vec<String>, Error> {
        let mut done = Vec::new();
        if let Some(config) = &self.config {
            let backup = config.apply()?;
            let path = config.path.display();
            let backup = backup
                .map(|b| format!(" (previous file kept as {})", b.display()))
                .unwrap_or_default();
            done.push(match config.state {
                ConfigState::Added => {
                    format!("added the MCP server \"{SERVER_NAME}\" to {path}{backup}")
                }
                ConfigState::Updated => {
                    format!("updated the MCP server \"{SERVER_NAME}\" in {path}{backup}")
                }
                ConfigState::Unchanged => {
                    format!("the MCP server \"{SERVER_NAME}\" in {path} is up to date")
                }
                ConfigState::Removed if config.after.is_none() => {
                    format!("removed {path}, which held only the MCP server \"{SERVER_NAME}\"")
                }
                ConfigState::Removed => {
                    format!("removed the MCP server \"{SERVER_NAME}\" from {path}{backup}")
                }
                ConfigState::NotPresent => format!("no MCP server \"{SERVER_NAME}\" in {path}"),
            });
            done.extend(config.notes.iter().map(|n| format!("note: {n}")));
        }
        if let Some(hooks) = &self.hooks {
            let backup = hooks.apply()?;
            let path = hooks.path.display();
            let backup = backup
                .map(|b| format!(" (previous file kept as {})", b.display()))
                .unwrap_or_default();
            done.push(match hooks.state {
                ConfigState::Added => format!("added the after-edit hook to {path}{backup}"),
                ConfigState::Updated => format!("updated the after-edit hook in {path}{backup}"),
                ConfigState::Unchanged => format!("the after-edit hook in {path} is up to date"),
                ConfigState::Removed if hooks.after.is_none() => {
                    format!("removed {path}, which held only the after-edit hook")
                }
                ConfigState::Removed => {
                    format!("removed the after-edit hook from {path}{backup}")
                }
                ConfigState::NotPresent => format!("no after-edit hook of ours in {path}"),
            });
        }
        self.skill.apply()?;
        let dir = self.skill.dir.display();
        done.push(match (&self.skill.state, self.action) {
            (skill_dir::SkillState::Changes, Action::Install) => {
                format!(
                    "installed the skill {SKILL_NAME} into {dir} ({} files written)",
                    self.skill.writes.len()
                )
            }
            (skill_dir::SkillState::Changes, Action::Uninstall) => {
                format!("removed the skill from {dir}")
            }
            (skill_dir::SkillState::UpToDate, _) => format!("the skill in {dir} is up to date"),
            (skill_dir::SkillState::NotInstalled, _) => format!("no skill installed in {dir}"),
            (skill_dir::SkillState::LeftAlone(why), _) => format!("left {dir} as it is: {why}"),
        });
        Ok(done)
    }
}
