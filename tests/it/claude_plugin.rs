//! The Claude Code plugin in plugin/ and the marketplace that lists it:
//! plugin/ must be what `rust-async-skill bundle --plugin plugin` writes
//! from the repository's SKILL.md and skill/ (regenerate it with that
//! command after changing the skill), small, and free of the crate's
//! sources; its launcher finds the binary or says how to install it.
//! (The real `claude plugin ...` flow is in scripts/test-install-tools.sh.)
use crate::file_tree::{read_tree, repo_skill_files};
use rust_async_skill::install::plugin;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn plugin_folder_is_up_to_date() {
    let skill: Vec<(String, String)> = repo_skill_files().into_iter().collect();
    let refs: Vec<(&str, &str)> = skill
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let want: BTreeMap<String, Vec<u8>> = plugin::files(env!("CARGO_PKG_VERSION"), &refs)
        .into_iter()
        .map(|f| (f.rel, f.contents.into_bytes()))
        .collect();
    let got = read_tree(&root().join("plugin"), &root().join("plugin"));
    let stale = "plugin/ is stale: run `cargo run -- bundle --plugin plugin` and commit it";
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{stale}"
    );
    for (rel, bytes) in &want {
        assert!(got[rel] == *bytes, "{stale}: {rel} differs");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(root().join("plugin").join(plugin::LAUNCHER))
            .unwrap()
            .permissions()
            .mode();
        assert!(mode & 0o111 != 0, "the launcher is executable ({mode:o})");
    }
}

#[test]
fn the_plugin_is_small_and_holds_no_crate_sources() {
    let files = read_tree(&root().join("plugin"), &root().join("plugin"));
    let bytes: usize = files.values().map(Vec::len).sum();
    assert!(bytes < 5 << 20, "{bytes} bytes");
    for rel in files.keys() {
        let first = rel.split('/').next().unwrap();
        assert!(
            !["src", "tests", "target", "Cargo.toml", "index"].contains(&first),
            "{rel}"
        );
    }
}

#[test]
fn the_marketplace_lists_the_plugin_folder() {
    let read = |p: &str| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(root().join(p)).unwrap()).unwrap()
    };
    let market = read(".claude-plugin/marketplace.json");
    let manifest = read("plugin/.claude-plugin/plugin.json");
    let plugins = market["plugins"].as_array().unwrap();
    assert_eq!(plugins.len(), 1);
    assert_eq!(plugins[0]["name"], manifest["name"]);
    assert_eq!(plugins[0]["source"], "./plugin");
    assert!(market["owner"]["name"].is_string());
    // Installers that read marketplace.json (skillsauth) find the skill here.
    assert!(
        root()
            .join("plugin/skills/rust-async-internals/SKILL.md")
            .is_file()
    );
}

#[test]
fn bundle_plugin_writes_the_same_folder_and_replaces_an_old_one() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("p");
    // Leftovers of an older plugin in the folders bundle owns go.
    fs::create_dir_all(out.join("skills/old-skill")).unwrap();
    fs::write(out.join("skills/old-skill/SKILL.md"), "old").unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_rust-async-skill"))
        .args(["bundle", "--plugin"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(0), "{status:?}");
    let got = read_tree(&out, &out);
    let repo = read_tree(&root().join("plugin"), &root().join("plugin"));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        repo.keys().collect::<Vec<_>>()
    );
    for rel in [
        ".claude-plugin/plugin.json",
        ".mcp.json",
        "hooks/hooks.json",
        plugin::LAUNCHER,
    ] {
        assert_eq!(got[rel], repo[rel], "{rel}");
    }
}

// --- the launcher -----------------------------------------------------------

struct Launcher {
    tmp: tempfile::TempDir,
    script: PathBuf,
}

impl Launcher {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let script = root().join("plugin").join(plugin::LAUNCHER);
        fs::create_dir_all(tmp.path().join("home")).unwrap();
        Launcher { tmp, script }
    }

    /// A fake `rust-async-skill` in `dir` that prints its name and
    /// arguments and exits with `status`.
    fn fake(&self, dir: &str, status: i32) -> PathBuf {
        let dir = self.tmp.path().join(dir);
        fs::create_dir_all(&dir).unwrap();
        let bin = dir.join("rust-async-skill");
        fs::write(
            &bin,
            format!("#!/bin/sh\necho \"$0 $*\"\ncat >/dev/null\nexit {status}\n"),
        )
        .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
        }
        bin
    }

    fn run(&self, path: &str, env: &[(&str, &Path)], args: &[&str]) -> Output {
        let mut cmd = Command::new("/bin/sh");
        cmd.arg(&self.script)
            .args(args)
            .env_clear()
            .env("HOME", self.tmp.path().join("home"))
            .env("PATH", path)
            .current_dir(self.tmp.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        use std::io::Write as _;
        let _ = child
            .stdin
            .take()
            .unwrap()
            .write_all(b"{\"tool_name\": \"Write\"}");
        child.wait_with_output().unwrap()
    }

    fn path_with(&self, dir: &str) -> String {
        format!("{}:/usr/bin:/bin", self.tmp.path().join(dir).display())
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn launcher_runs_the_binary_on_path_with_its_arguments() {
    let l = Launcher::new();
    let bin = l.fake("on-path", 0);
    let out = l.run(&l.path_with("on-path"), &[], &["serve"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{} serve\n", bin.display()));
}

#[test]
fn launcher_falls_back_to_cargo_bin_and_cargo_home() {
    let l = Launcher::new();
    let bin = l.fake("home/.cargo/bin", 0);
    let out = l.run("/usr/bin:/bin", &[], &["serve"]);
    assert_eq!(stdout(&out), format!("{} serve\n", bin.display()));

    let l = Launcher::new();
    let bin = l.fake("cargo-home/bin", 0);
    let cargo_home = l.tmp.path().join("cargo-home");
    let out = l.run("/usr/bin:/bin", &[("CARGO_HOME", &cargo_home)], &["serve"]);
    assert_eq!(stdout(&out), format!("{} serve\n", bin.display()));
}

#[test]
fn launcher_prefers_rust_async_skill_bin_and_skips_empty_path_entries() {
    let l = Launcher::new();
    l.fake("on-path", 0);
    let chosen = l.fake("chosen", 0);
    let out = l.run(
        &l.path_with("on-path"),
        &[("RUST_ASYNC_SKILL_BIN", &chosen)],
        &["x"],
    );
    assert_eq!(stdout(&out), format!("{} x\n", chosen.display()));

    // An empty PATH entry means the current folder: a project's own
    // `rust-async-skill` must not run from there.
    let l = Launcher::new();
    l.fake(".", 0);
    let out = l.run(":/usr/bin:/bin", &[], &["hook", "claude-code"]);
    assert_eq!(stdout(&out), "", "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn launcher_without_a_binary_says_how_to_install_and_the_hook_stays_silent() {
    let l = Launcher::new();
    let out = l.run("/usr/bin:/bin", &[], &["serve"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cargo install rust-async-skill"), "{err}");

    let out = l.run("/usr/bin:/bin", &[], &["hook", "claude-code"]);
    assert_eq!(out.status.code(), Some(0), "the agent's turn goes on");
    assert_eq!(stdout(&out), "", "nothing reaches the agent");
    assert!(stderr(&out).contains("cargo install rust-async-skill"));
}

#[test]
fn launcher_never_lets_the_hook_exit_2() {
    // Exit 2 blocks Claude Code; an old binary without `hook` exits 2 (clap).
    let l = Launcher::new();
    l.fake("old", 2);
    let out = l.run(&l.path_with("old"), &[], &["hook", "claude-code"]);
    assert_eq!(out.status.code(), Some(1));
    // Other commands keep their status.
    let out = l.run(&l.path_with("old"), &[], &["check", "x.rs"]);
    assert_eq!(out.status.code(), Some(2));
}
