//! The command a client runs to start the server.
//!
//! Normally that is this binary's own path. Run through the npm launcher
//! (`npx -y rust-async-skill install ...`), the binary sits in npm's cache,
//! which npm may clean at any time; so the launcher's shim sets
//! `RUST_ASYNC_SKILL_LAUNCHER=npx` and the clients get the launcher instead:
//! `npx -y rust-async-skill serve` (`cmd /c npx ...` on Windows, where `npx`
//! is a batch file that clients cannot start without a shell).
use super::Error;
use super::json::Json;
use std::ffi::OsStr;
use std::path::Path;

/// Set by the npm launcher's shim (dist/npm/launcher/bin/rust-async-skill.js).
pub const LAUNCHER_ENV: &str = "RUST_ASYNC_SKILL_LAUNCHER";
/// The npm package of the launcher.
pub const NPM_PACKAGE: &str = "rust-async-skill";

/// A program and its arguments, `serve` included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Launch {
    pub command: String,
    pub args: Vec<String>,
}

impl Launch {
    /// This binary, by its path.
    pub fn binary(exe: &str) -> Launch {
        Launch {
            command: exe.to_string(),
            args: vec!["serve".to_string()],
        }
    }

    /// The npm launcher through `npx -y`.
    pub fn npx(windows: bool) -> Launch {
        let npx = ["npx", "-y", NPM_PACKAGE, "serve"].map(String::from);
        if windows {
            Launch {
                command: "cmd".to_string(),
                args: ["/c".to_string()].into_iter().chain(npx).collect(),
            }
        } else {
            Launch {
                command: npx[0].clone(),
                args: npx[1..].to_vec(),
            }
        }
    }

    /// The launch for `exe` given the value of [`LAUNCHER_ENV`]: unset or
    /// empty means the binary itself; `npx` the npm launcher; anything else
    /// is refused rather than guessed at.
    pub fn from_env_value(value: Option<&OsStr>, exe: &str) -> Result<Launch, Error> {
        match value.map(|v| v.to_str()) {
            None => Ok(Launch::binary(exe)),
            Some(Some("")) => Ok(Launch::binary(exe)),
            Some(Some("npx")) => Ok(Launch::npx(cfg!(windows))),
            Some(other) => Err(Error::Usage(format!(
                "{LAUNCHER_ENV}={} is not understood: the npm launcher sets it to `npx`; unset it to register this binary ({exe})",
                other.map_or_else(|| "(not UTF-8)".to_string(), |v| format!("`{v}`"))
            ))),
        }
    }

    /// The same program with `args` instead of `serve`: for what a client
    /// runs besides the server (a hook command, say), so that it too goes
    /// through the launcher when the launcher installed it.
    pub fn with_args(&self, args: &[&str]) -> Launch {
        let mut all = self.args.clone();
        if all.last().is_some_and(|a| a == "serve") {
            all.pop();
        }
        all.extend(args.iter().map(|a| a.to_string()));
        Launch {
            command: self.command.clone(),
            args: all,
        }
    }

    /// True when the clients will run the npm launcher, not a file path.
    pub fn is_npx(&self) -> bool {
        self.args.iter().any(|a| a == NPM_PACKAGE)
    }

    pub fn args_json(&self) -> Json {
        Json::Array(self.args.iter().map(Json::string).collect())
    }

    /// The command line as a user would type it.
    pub fn display(&self) -> String {
        std::iter::once(&self.command)
            .chain(&self.args)
            .map(|s| {
                if s.is_empty() || s.contains(char::is_whitespace) {
                    format!("\"{s}\"")
                } else {
                    s.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What identifies the program an MCP entry runs, to spot duplicates: the
/// npm package for an entry that runs our launcher, else the command's file
/// name without `.exe`. So `npx -y rust-async-skill serve` and
/// `/usr/bin/rust-async-skill serve` are the same program, and two other
/// `npx` servers are not.
pub fn program_of(entry: &Json) -> Option<String> {
    if let Some(Json::Array(args)) = entry.get("args") {
        let runs_ours = args.iter().any(|a| {
            matches!(a, Json::String(s) if s == NPM_PACKAGE || s.strip_prefix(NPM_PACKAGE).is_some_and(|v| v.starts_with('@')))
        });
        if runs_ours {
            return Some(NPM_PACKAGE.to_string());
        }
    }
    let Some(Json::String(command)) = entry.get("command") else {
        return None;
    };
    let name = Path::new(command).file_name()?.to_str()?;
    let name = name.strip_suffix(".exe").unwrap_or(name);
    if matches!(name, "npx" | "cmd" | "node" | "npm") {
        // A runner: the program is in the arguments, and it is not ours.
        return Some(format!(
            "{name}:{}",
            entry.get("args").map(Json::to_compact).unwrap_or_default()
        ));
    }
    Some(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    #[test]
    fn unset_or_empty_means_the_binary() {
        for value in [None, Some(OsString::new())] {
            let launch =
                Launch::from_env_value(value.as_deref(), "/opt/bin/rust-async-skill").unwrap();
            assert_eq!(launch, Launch::binary("/opt/bin/rust-async-skill"));
            assert!(!launch.is_npx());
        }
    }

    #[test]
    fn npx_means_the_launcher() {
        let launch = Launch::from_env_value(
            Some(OsStr::new("npx")),
            "/home/u/.npm/_npx/x/rust-async-skill",
        )
        .unwrap();
        assert!(launch.is_npx());
        assert!(!launch.display().contains("_npx"), "{}", launch.display());
        assert_eq!(
            Launch::npx(false).display(),
            "npx -y rust-async-skill serve"
        );
        assert_eq!(
            Launch::npx(true).display(),
            "cmd /c npx -y rust-async-skill serve"
        );
    }

    #[test]
    fn other_subcommands_go_through_the_same_program() {
        assert_eq!(
            Launch::npx(false)
                .with_args(&["hook", "claude-code"])
                .display(),
            "npx -y rust-async-skill hook claude-code"
        );
        assert_eq!(
            Launch::binary("/bin/r").with_args(&["hook"]).display(),
            "/bin/r hook"
        );
    }

    #[test]
    fn anything_else_is_refused_by_name() {
        let err = Launch::from_env_value(Some(OsStr::new("yarn dlx")), "/bin/x").unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains(LAUNCHER_ENV) && message.contains("`yarn dlx`"),
            "{message}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_value_that_is_not_utf8_is_refused() {
        use std::os::unix::ffi::OsStrExt;
        let err =
            Launch::from_env_value(Some(OsStr::from_bytes(b"np\xffx")), "/bin/x").unwrap_err();
        assert!(err.to_string().contains("not UTF-8"), "{err}");
    }

    fn entry(command: &str, args: &[&str]) -> Json {
        Json::object([
            ("command", Json::string(command)),
            (
                "args",
                Json::Array(args.iter().map(|a| Json::string(*a)).collect()),
            ),
        ])
    }

    #[test]
    fn the_launcher_and_the_binary_are_the_same_program_other_npx_servers_are_not() {
        let ours = program_of(&entry("npx", &["-y", "rust-async-skill", "serve"]));
        assert_eq!(ours.as_deref(), Some(NPM_PACKAGE));
        assert_eq!(
            program_of(&entry("/usr/local/bin/rust-async-skill", &["serve"])),
            ours
        );
        assert_eq!(
            program_of(&entry(
                "cmd",
                &["/c", "npx", "-y", "rust-async-skill@0.1.0", "serve"]
            )),
            ours
        );
        let other = program_of(&entry(
            "npx",
            &["-y", "@modelcontextprotocol/server-memory"],
        ));
        assert_ne!(other, ours);
        assert_ne!(other, program_of(&entry("npx", &["-y", "another-server"])));
        assert_eq!(
            program_of(&Json::object([("url", Json::string("https://x"))])),
            None
        );
    }
}
