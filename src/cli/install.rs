//! `install` / `uninstall`: register the server and the skill with a client.
use super::InstallArgs;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Install,
    Uninstall,
}

pub fn run(_args: &InstallArgs, _action: Action) -> u8 {
    super::fail("`install` is not built yet (see the issue on installing into Claude Code, Cursor and Windsurf)")
}
