//! `install` / `uninstall`: register the server and the skill with a client.
//!
//! The work is in [`crate::install`]; this prints the plan or its outcome.
use super::{InstallArgs, fail};
pub use crate::install::Action;
use crate::install::{self, Client, Context, Scope};
use std::path::Component;

pub fn run(args: &InstallArgs, action: Action) -> u8 {
    let Some(client) = Client::parse(&args.client) else {
        return fail(format!(
            "unknown client `{}`: use claude-code, codex, cursor or windsurf",
            args.client
        ));
    };
    let Some(scope) = Scope::parse(&args.scope) else {
        return fail(format!(
            "unknown scope `{}`: use user or project",
            args.scope
        ));
    };
    let ctx = match Context::from_env() {
        Ok(ctx) => ctx,
        Err(e) => return fail(e),
    };

    if args.link {
        if client != Client::Cursor || action != Action::Install {
            return fail("--link is for `install cursor` only");
        }
        println!("{}", install::cursor::install_link(&ctx.launch));
        eprintln!(
            "Open this link to add the MCP server to Cursor (Cursor asks you to confirm).\n\
             The link carries no skill files: `rust-async-skill install cursor` copies them too."
        );
        return 0;
    }

    let plan = match install::plan(client, scope, action, !args.no_hooks, &ctx) {
        Ok(plan) => plan,
        Err(e) => return fail(e),
    };
    let what = format!("{} ({} scope)", client.display_name(), scope.id());

    if args.dry_run {
        print!("{}", plan.dry_run());
        println!("dry run for {what}: nothing was written");
        return 0;
    }

    let noop = plan.is_noop();
    let lines = match plan.apply() {
        Ok(lines) => lines,
        Err(e) => return fail(e),
    };
    let heading = match (action, noop) {
        (Action::Install, false) => format!("Installed into {what}:"),
        (Action::Install, true) => format!("Already installed in {what}; nothing changed:"),
        (Action::Uninstall, false) => format!("Uninstalled from {what}:"),
        (Action::Uninstall, true) => format!("Nothing to uninstall from {what}:"),
    };
    println!("{heading}");
    for line in lines {
        println!("  {line}");
    }
    if action == Action::Install {
        if plan.target.config.is_some() {
            println!("  the server runs: {}", ctx.launch.display());
            if !ctx.launch.is_npx() && in_cargo_target(&ctx) {
                println!(
                    "  note: this binary lives in a cargo target folder; `cargo install` gives it a stable path (then run install again)"
                );
            }
        }
        for note in &plan.target.notes {
            println!("  note: {note}");
        }
    }
    0
}

/// True when the binary runs from `target/debug` or `target/release`.
fn in_cargo_target(ctx: &Context) -> bool {
    let parts: Vec<_> = ctx.exe.components().collect();
    parts.windows(2).any(|w| {
        w[0] == Component::Normal("target".as_ref())
            && (w[1] == Component::Normal("debug".as_ref())
                || w[1] == Component::Normal("release".as_ref()))
    })
}
