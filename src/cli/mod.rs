//! Command-line interface: argument definitions and one module per command.
//!
//! Every command returns its exit status; 2 means a usage or I/O error.

pub mod bundle;
pub mod check;
pub mod explain;
pub mod fix;
pub mod index;
pub mod install;
pub mod rules;
pub mod serve;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Exit status for a usage or I/O error.
pub const EXIT_ERROR: u8 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "rust-async-skill",
    version,
    about = "Rust async internals for coding agents: an Agent Skill, an MCP server, and an async-code analyser",
    after_help = "With no command and stdin not a terminal, runs the MCP server over stdio."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the MCP server (stdio by default).
    Serve(ServeArgs),
    /// Explain an async Rust concept, question, error message or code fragment.
    Explain(ExplainArgs),
    /// Find async bugs in Rust files, folders (every .rs below) or stdin (`-`).
    Check(CheckArgs),
    /// Apply the machine-applicable fixes to a file or stdin (`-`).
    Fix(FixArgs),
    /// List the analyser's rules, or print one rule's documentation.
    Rules(RulesArgs),
    /// Register the server, the skill and the after-edit hook with an agent client.
    Install(InstallArgs),
    /// Remove what `install` added.
    Uninstall(InstallArgs),
    /// The after-edit hook: reads the client's hook payload (JSON) on stdin, checks the
    /// Rust files the edit touched, and answers in that client's feedback channel.
    Hook(HookArgs),
    /// Rebuild the prebuilt search index in index/, or check that it matches the skill.
    Index(IndexArgs),
    /// Write the installable skill bundle DIR/skills/rust-async-internals/ (with --plugin, a Claude Code plugin).
    Bundle(BundleArgs),
}

#[derive(Args, Debug, Default)]
pub struct ServeArgs {
    /// Serve streamable HTTP on this address (e.g. 127.0.0.1:8765) instead of stdio.
    #[arg(long, value_name = "ADDR")]
    pub http: Option<String>,
    /// Require this bearer token on HTTP requests (or set RUST_ASYNC_SKILL_TOKEN).
    #[arg(long, env = "RUST_ASYNC_SKILL_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Serve the skill found at this SKILL.md (its folder's skill/ too) instead of the embedded one.
    #[arg(long, value_name = "PATH")]
    pub skill: Option<PathBuf>,
    #[command(flatten)]
    pub remote: crate::mcp::http::HttpOptions,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// A concept name, a question, a pasted error message or a code fragment.
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
    /// Whole sections instead of a brief answer.
    #[arg(long)]
    pub full: bool,
    /// Print the tool's JSON instead of Markdown.
    #[arg(long)]
    pub json: bool,
    /// Budget of the answer in tokens (100..20000).
    #[arg(long, default_value_t = crate::limits::DEFAULT_MAX_TOKENS)]
    pub max_tokens: u32,
    /// Use the skill found at this SKILL.md instead of the embedded one.
    #[arg(long, value_name = "PATH")]
    pub skill: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CheckFormat {
    #[default]
    Human,
    Json,
    Sarif,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Files, folders, or `-` for stdin (the default).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// The async runtime the code targets: tokio, async-std, smol or any
    /// [default: the package's configuration, else tokio].
    #[arg(long)]
    pub runtime: Option<String>,
    /// Run only these rules (repeatable; overrides the configuration's levels).
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,
    /// Analyse each file alone, without following calls across the files
    /// of its Cargo package.
    #[arg(long)]
    pub single_file: bool,
    /// Keep the summaries of the package's files in the user's cache
    /// folder (`$RUST_ASYNC_SKILL_CACHE_DIR`, else `~/.cache/rust-async-skill`)
    /// and reuse them while a file is unchanged: re-checking one edited
    /// file of a big crate then analyses only that file.
    #[arg(long, conflicts_with = "single_file")]
    pub cache: bool,
    /// Also list the findings that suppression comments, `#[allow]` of a twin lint
    /// or the baseline silenced (they are always counted in the summary).
    #[arg(long)]
    pub show_suppressed: bool,
    /// Report only the findings that are not in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in this baseline file (JSON, sorted; commit it) and exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct FixArgs {
    /// A file, or `-` for stdin (the default).
    pub path: Option<PathBuf>,
    /// Rewrite the file in place (atomically).
    #[arg(long, conflicts_with = "diff")]
    pub write: bool,
    /// Print a unified diff instead of the fixed code.
    #[arg(long)]
    pub diff: bool,
    /// Fix only these rules (repeatable).
    #[arg(long = "rule", value_name = "ID")]
    pub rules: Vec<String>,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// A rule id; without it, every rule is listed.
    pub id: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct InstallArgs {
    /// claude-code, codex, cursor or windsurf.
    pub client: String,
    /// user (the default) or project.
    #[arg(long, default_value = "user")]
    pub scope: String,
    /// Print what would change as a diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Cursor only: print a one-click install link instead of writing files.
    #[arg(long)]
    pub link: bool,
    /// Leave the client's hook file alone (no after-edit check of Rust edits).
    #[arg(long)]
    pub no_hooks: bool,
}

#[derive(Args, Debug)]
#[command(
    after_help = "Feedback: claude-code and codex print `additionalContext` JSON (`decision: block` \
when an error is on the edited lines), cursor prints `additional_context` JSON, windsurf exits 2 \
with the findings on stderr. A clean edit, a non-Rust file or another tool: no output, exit 0. \
Bad input: one line on stderr, exit 0."
)]
pub struct HookArgs {
    /// claude-code, codex, cursor or windsurf.
    pub client: String,
}

#[derive(Args, Debug)]
pub struct IndexArgs {
    /// Check that index/ matches the skill instead of rebuilding it (exit 1 when stale).
    #[arg(long)]
    pub check: bool,
    /// The index folder (default: index/ next to SKILL.md in the current directory).
    #[arg(long, value_name = "DIR", default_value = "index")]
    pub dir: PathBuf,
    /// The SKILL.md whose skill is indexed (default: ./SKILL.md).
    #[arg(long, value_name = "PATH", default_value = "SKILL.md")]
    pub skill: PathBuf,
}

#[derive(Args, Debug)]
pub struct BundleArgs {
    /// Output folder; the bundle goes to DIR/skills/rust-async-internals/.
    pub dir: PathBuf,
    /// Write a Claude Code plugin into DIR: the skill, the MCP server and the
    /// after-edit hook (what the repository's plugin/ holds).
    #[arg(long)]
    pub plugin: bool,
}

/// Runs the parsed command line and returns the exit status.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Some(Command::Serve(args)) => serve::run(&args),
        Some(Command::Explain(args)) => explain::run(&args),
        Some(Command::Check(args)) => check::run(&args),
        Some(Command::Fix(args)) => fix::run(&args),
        Some(Command::Rules(args)) => rules::run(&args),
        Some(Command::Install(args)) => install::run(&args, install::Action::Install),
        Some(Command::Uninstall(args)) => install::run(&args, install::Action::Uninstall),
        Some(Command::Hook(args)) => crate::hook::run(&args.client),
        Some(Command::Index(args)) => index::run(&args),
        Some(Command::Bundle(args)) => bundle::run(&args),
        None if !std::io::stdin().is_terminal() => serve::run(&ServeArgs::default()),
        None => {
            use clap::CommandFactory;
            let _ = Cli::command().print_help();
            println!();
            0
        }
    }
}

/// Prints an error the way every command does, and returns [`EXIT_ERROR`].
pub fn fail(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    EXIT_ERROR
}
